"""Arguments and answer of `GET /api/audit`."""

from __future__ import annotations

from marshmallow import RAISE, Schema, fields, validate

from llsearch.api.search.args import DateOrDateTime
from llsearch.api.search.cursor import CursorField

ACTIONS = ["create", "update", "approve", "delete", "action_item", "import", "denied", "apikey_create",
           "apikey_revoke", "backup", "restore", "archive"]


class AuditQueryArgsSchema(Schema):
    class Meta:
        unknown = RAISE

    lesson_id = fields.String(validate=validate.Length(max=64),
                              metadata={"description": "Records about this lesson", "example": "LL-2026-02-01-001"})
    actor = fields.String(validate=validate.Length(max=200),
                          metadata={"description": "Records of this key name", "example": "ana-psa"})
    action = fields.String(validate=validate.OneOf(ACTIONS),
                           metadata={"description": "Records of this operation", "example": "update"})
    outcome = fields.String(validate=validate.OneOf(["pending", "success", "failure", "denied"]),
                            metadata={"description": "Records with this outcome", "example": "failure"})
    from_ = DateOrDateTime(data_key="from", metadata={"description": "At or after (UTC)", "example": "2026-02-01"})
    to = DateOrDateTime(metadata={"description": "Up to this date-time, or through this date", "example": "2026-02-28"})
    page_size = fields.Integer(load_default=50, validate=validate.Range(min=1, max=500),
                               metadata={"description": "Records per page", "example": 50})
    cursor = CursorField(metadata={"description": "`next_cursor` of the previous page"})


class AuditAnswerSchema(Schema):
    items = fields.List(fields.Dict(), metadata={
        "description": "Records, newest first: timestamp, action, outcome, status, actor, role, key_id, "
                       "request_id, lesson_id, method, path, remote_addr, message, diff (updates: "
                       "{field: {from, to}}; secrets shown as [encrypted]), document (creates and deletes, "
                       "as stored: secrets encrypted)"})
    next_cursor = fields.String(allow_none=True)
