"""`GET /api/audit`: who did what and when, filtered (admin)."""

from __future__ import annotations

from datetime import timedelta

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import RAISE

from llsearch.api.audit.schemas import AuditAnswerSchema, AuditQueryArgsSchema
from llsearch.api.auditing import audit_trail
from llsearch.api.auth import requires
from llsearch.api.search.cursor import encode_cursor
from llsearch.security.audit import AuditQuery
from llsearch.security.roles import Action

blp = Blueprint("audit", __name__, url_prefix="/api/audit", description="The audit trail (admin)")


@blp.route("")
class AuditRecords(MethodView):
    @requires(blp, Action.AUDIT)
    @blp.arguments(AuditQueryArgsSchema, location="query", unknown=RAISE)
    @blp.response(200, AuditAnswerSchema)
    def get(self, args: dict):
        """Audit records, newest first, filtered by lesson, actor, action, outcome and time."""
        end = args.get("to")
        query = AuditQuery(
            lesson_id=args.get("lesson_id"), actor=args.get("actor"), action=args.get("action"),
            outcome=args.get("outcome"),
            created_from=args["from_"][0] if args.get("from_") else None,
            created_before=(end[0] + (timedelta(days=1) if end[1] else timedelta(milliseconds=1))) if end else None,
            size=args["page_size"], after=args["cursor"][1] if args.get("cursor") else None,
        )
        items, after = audit_trail().search(query)
        return {"items": items, "next_cursor": encode_cursor("audit", after) if after else None}
