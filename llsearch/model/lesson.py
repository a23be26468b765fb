"""The lesson document's marshmallow schemas: create (``LessonSchema``), patch and import.

Loading returns a plain JSON-ready dict in canonical form (date-times in UTC ``…Z``,
``null`` optional fields dropped; on import, action items numbered); dumping accepts that dict
(or Python dates, datetimes and enums) and writes the same canonical JSON.
"""

from __future__ import annotations

from typing import ClassVar

from marshmallow import ValidationError, fields, validate, validates_schema

from .enums import (
    ACTION_STATUSES,
    CATEGORIES,
    FOLLOW_UP_STATUSES,
    REFERENCE_TYPES,
    SEVERITIES,
    ActionStatus,
    Category,
    FollowUpStatus,
    ReferenceType,
    Severity,
)
from .ids import LESSON_ID_PATTERN, assign_action_item_ids, parse_lesson_id
from .lesson_parts import (
    NAME_MAX,
    PROSE_MAX,
    ActionItemPatchSchema,
    ActionItemSchema,
    FollowUpSchema,
    MetricsSchema,
    ReferenceSchema,
    StrictSchema,
    apply_action_item_status,
    fill_completion_dates,
    meta,
    one_of,
)
from .schema_fields import DateTimeString, Pattern, StrictInteger, Text, sentence, unique_items

__all__ = [
    "ACTION_STATUSES", "CATEGORIES", "FOLLOW_UP_STATUSES", "REFERENCE_TYPES", "SEVERITIES",
    "ActionStatus", "Category", "FollowUpStatus", "ReferenceType", "Severity",
    "ActionItemSchema", "ActionItemPatchSchema", "ReferenceSchema", "MetricsSchema",
    "FollowUpSchema", "LessonSchema", "LessonPatchSchema", "ImportedLessonSchema",
    "apply_action_item_status", "fill_completion_dates",
    "COMPONENT_PATTERN", "TAG_PATTERN", "INCIDENT_PATTERN", "LESSON_FIELDS", "REQUIRED_FIELDS",
    "PROSE_FIELDS", "SERVER_OWNED_FIELDS", "IMPORT_ACCEPTED_FIELDS", "TITLE_MAX", "MAX_TAGS",
]

COMPONENT_PATTERN = r"^[a-z][a-z0-9_\-\.]{0,63}$"
TAG_PATTERN = r"^[a-z0-9][a-z0-9_\-\.]{0,49}$"
INCIDENT_PATTERN = r"^[A-Z][A-Z0-9]*-[0-9]+$"
TITLE_MAX = 200
MAX_TAGS = 50
MAX_RELATED_INCIDENTS = 100
MAX_ACTION_ITEMS = 100
MAX_REFERENCES = 50

#: Every field of the lesson document (the specification's and the extensions), in schema order.
LESSON_FIELDS = (
    "id", "timestamp_created", "updated_at", "version", "category", "severity", "component", "title",
    "situation", "impact", "root_cause", "solution", "prevention", "action_items", "tags",
    "related_incidents", "author", "approver", "approval_date", "references", "metrics", "follow_up",
)
REQUIRED_FIELDS = ("category", "severity", "component", "title", "situation")
PROSE_FIELDS = ("situation", "impact", "root_cause", "solution", "prevention")
SERVER_OWNED_FIELDS = ("id", "timestamp_created", "updated_at", "version", "approver", "approval_date")
IMPORT_ACCEPTED_FIELDS = ("id", "timestamp_created", "updated_at", "approver", "approval_date")
SERVER_OWNED_MESSAGE = "Set by the server; it cannot be given in this request."


def _lesson_id(value: str) -> str:
    try:
        parse_lesson_id(value)
    except ValueError as error:
        raise ValidationError(sentence(error)) from None
    return value


def _prose(description: str, example: str, **kwargs) -> Text:
    return Text(
        multiline=True,
        validate=validate.Length(min=1 if kwargs.get("required") else 0, max=PROSE_MAX),
        metadata=meta(description, example),
        **kwargs,
    )


def _name(description: str, example: str, **kwargs) -> Text:
    return Text(validate=validate.Length(min=1, max=NAME_MAX), metadata=meta(description, example), **kwargs)


def _id_field(**kwargs) -> Text:
    description = "LL-<UTC creation day>-<number of the lesson that day>; assigned by the server on create."
    return Text(
        validate=_lesson_id, metadata=meta(description, "LL-2026-02-01-001", pattern=LESSON_ID_PATTERN), **kwargs
    )


def _timestamp(description: str, example: str, **kwargs) -> DateTimeString:
    return DateTimeString(metadata=meta(description, example, format="date-time"), **kwargs)


_ACTION_EXAMPLE = {"id": "A1", "action": "Alert 14 days before certificate expiry", "owner": "Ana Souza",
                   "due_date": "2026-03-01", "status": "OPEN"}
_REFERENCE_EXAMPLE = {"type": "JIRA", "link": "https://jira.example.com/browse/OPS-1234"}
_METRICS_EXAMPLE = {"time_to_detect": "PT2H30M", "time_to_resolve": "PT5H", "business_impact_usd": 50000,
                    "replication_attempts": 3, "success_rate_prevention": "100%"}
_FOLLOW_UP_EXAMPLE = {"due_date": "2026-03-01", "status": "PENDING", "notes": "Review after the next renewal."}
_CREATED = "When the lesson was created (RFC 3339, UTC)."
_UPDATED = "When the lesson was last changed (RFC 3339, UTC)."
_APPROVER = "Who approved the lesson (PSA or CQO); set by approval only."
_APPROVED = "When the lesson was approved (RFC 3339, UTC); set by approval only."


class LessonSchema(StrictSchema):
    """A lesson as API clients create it; server-owned fields are read-only.

    Required: category, severity, component, title, situation. Action items keep the ids
    they were given; the caller numbers new ones with ``assign_action_item_ids`` (it knows
    the lesson's history, so deleted numbers are not reused).
    """

    assign_ids: ClassVar[bool] = False

    id = _id_field(dump_only=True)
    timestamp_created = _timestamp(_CREATED, "2026-02-01T14:30:00Z", dump_only=True)
    updated_at = _timestamp(_UPDATED, "2026-02-02T09:00:00Z", dump_only=True)
    version = StrictInteger(dump_only=True, metadata=meta("Revision number, used for the ETag.", 3))
    category = Text(required=True, validate=one_of(CATEGORIES), metadata=meta("Kind of lesson.", "TECHNICAL"))
    severity = Text(required=True, validate=one_of(SEVERITIES), metadata=meta("Severity of the event.", "HIGH"))
    component = Text(
        required=True,
        validate=Pattern(
            COMPONENT_PATTERN,
            error="Not a valid component: a lower-case identifier such as health_check (letters, digits, _ - .).",
        ),
        metadata=meta("Affected component, a lower-case identifier.", "health_check"),
    )
    title = Text(
        required=True,
        validate=validate.Length(min=1, max=TITLE_MAX),
        metadata=meta("Concise title (one line).", "Expired TLS certificate took the API gateway down"),
    )
    situation = _prose("What happened.", "O certificado TLS do api_gateway expirou às 03:00 UTC.", required=True)
    impact = _prose("Consequences, quantified when possible.", "- Downtime: 42 minutos", allow_none=True)
    root_cause = _prose("Root-cause analysis (5 whys).", "1. Por quê? O certificado expirou.", allow_none=True)
    solution = _prose("The solution implemented.", "Certificate renewed and rotation automated.", allow_none=True)
    prevention = _prose("How to avoid it in the future.", "Alert 14 days before expiry.", allow_none=True)
    action_items = fields.List(
        fields.Nested(ActionItemSchema),
        allow_none=True,
        validate=validate.Length(max=MAX_ACTION_ITEMS),
        metadata=meta("Follow-up actions.", [_ACTION_EXAMPLE]),
    )
    tags = fields.List(
        Text(validate=Pattern(TAG_PATTERN, error="Not a valid tag: lower-case letters, digits, _ - . (at most 50).")),
        allow_none=True,
        validate=[validate.Length(max=MAX_TAGS), unique_items],
        metadata=meta("Lower-case tags, no duplicates.", ["prometheus", "monitoring"]),
    )
    related_incidents = fields.List(
        Text(validate=Pattern(INCIDENT_PATTERN, error="Not a valid incident id: expected something like INC-001.")),
        allow_none=True,
        validate=[validate.Length(max=MAX_RELATED_INCIDENTS), unique_items],
        metadata=meta("Ids of related incidents.", ["INC-001", "INC-002"]),
    )
    author = _name("Who wrote the lesson.", "Ana Souza", allow_none=True)
    approver = _name(_APPROVER, "Carlos Lima (PSA)", dump_only=True)
    approval_date = _timestamp(_APPROVED, "2026-02-01T15:00:00Z", dump_only=True)
    references = fields.List(
        fields.Nested(ReferenceSchema),
        allow_none=True,
        validate=validate.Length(max=MAX_REFERENCES),
        metadata=meta("Links to tickets, pull requests, documents and post-mortems.", [_REFERENCE_EXAMPLE]),
    )
    metrics = fields.Nested(MetricsSchema, allow_none=True, metadata=meta("Numbers about the event.", _METRICS_EXAMPLE))
    follow_up = fields.Nested(
        FollowUpSchema, allow_none=True, metadata=meta("The follow-up review.", _FOLLOW_UP_EXAMPLE)
    )

    @validates_schema
    def _action_item_ids_unique(self, data: dict, **kwargs) -> None:
        seen: set[str] = set()
        errors: dict[int, dict[str, list[str]]] = {}
        for index, item in enumerate(data.get("action_items") or []):
            item_id = item.get("id")
            if item_id in seen:
                errors[index] = {"id": [f"Duplicate action item id {item_id}."]}
            elif item_id:
                seen.add(item_id)
        if errors:
            raise ValidationError({"action_items": errors})

    def finish(self, data: dict) -> dict:
        if self.assign_ids and data.get("action_items"):
            data["action_items"] = assign_action_item_ids(data["action_items"])
        return data

    def handle_error(self, error: ValidationError, data, *, many: bool, **kwargs) -> None:
        # Say why a server-owned field is refused, rather than the bare "Unknown field.".
        messages = error.messages
        read_only = {name for name, field in self.fields.items() if field.dump_only}
        if isinstance(messages, dict) and read_only & messages.keys():
            fixed = {
                key: [SERVER_OWNED_MESSAGE] if key in read_only and value == ["Unknown field."] else value
                for key, value in messages.items()
            }
            raise ValidationError(fixed, data=error.data, valid_data=error.valid_data)


class ImportedLessonSchema(LessonSchema):
    """A lesson from an import (JSON or Markdown): id, timestamps and approval are kept as given.

    Action items without an id get the next ones in list order, so importing the same file
    twice gives the same ids. ``version`` is accepted (exports carry it) and dropped.
    """

    assign_ids = True

    id = _id_field(allow_none=True)
    timestamp_created = _timestamp(_CREATED, "2026-02-01T14:30:00Z", allow_none=True)
    updated_at = _timestamp(_UPDATED, "2026-02-02T09:00:00Z", allow_none=True)
    version = StrictInteger(
        allow_none=True, load_only=True, metadata=meta("Ignored on import (exports carry it).", 3)
    )
    approver = _name(_APPROVER, "Carlos Lima (PSA)", allow_none=True)
    approval_date = _timestamp(_APPROVED, "2026-02-01T15:00:00Z", allow_none=True)

    @validates_schema
    def _approval_date_needs_an_approver(self, data: dict, **kwargs) -> None:
        # An approver without a date is accepted: the specification's Markdown template has no date line.
        if data.get("approval_date") and not data.get("approver"):
            raise ValidationError("Required when approval_date is given.", "approver")

    def finish(self, data: dict) -> dict:
        data.pop("version", None)
        return super().finish(data)


class LessonPatchSchema(LessonSchema):
    """A partial update: every field optional; ``null`` removes an optional field.

    Nested values (metrics, follow_up, each action item, each reference) are validated
    whole. Action items without an id are new; give them ids with
    ``assign_action_item_ids(items, highest_issued=…)`` against the stored lesson.
    """

    keep_none = True

    def on_bind_field(self, field_name: str, field_obj) -> None:
        field_obj.required = False


