"""Marshmallow schemas for the parts of a lesson: action items, references, metrics, follow-up."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, ClassVar

from marshmallow import (
    RAISE,
    Schema,
    ValidationError,
    missing,
    post_load,
    validate,
    validates_schema,
)

from .enums import ACTION_STATUSES, FOLLOW_UP_STATUSES, REFERENCE_TYPES, ActionStatus
from .ids import ACTION_ITEM_ID_PATTERN
from .schema_fields import (
    DateString,
    DurationString,
    HttpUrl,
    JsonNumber,
    Pattern,
    Percentage,
    StrictInteger,
    Text,
)

NAME_MAX = 200
ACTION_MAX = 2000
PROSE_MAX = 20_000
MAX_REPLICATION_ATTEMPTS = 2**31 - 1
MAX_BUSINESS_IMPACT_USD = 10**15


def meta(description: str, example: Any = None, **extra: Any) -> dict[str, Any]:
    """OpenAPI metadata for a field: its description and an example value."""
    data = {"description": description, **extra}
    if example is not None:
        data["example"] = example
    return data


def one_of(values: list[str]) -> validate.OneOf:
    """Validator naming the allowed values in its message ("Must be one of: A, B.")."""
    return validate.OneOf(values)


class StrictSchema(Schema):
    """Base schema: unknown fields are refused by name; ``null`` on an optional field means absent.

    Set ``keep_none`` on a patch schema, where ``null`` means "remove this field".
    """

    keep_none: ClassVar[bool] = False

    class Meta:
        unknown = RAISE

    @post_load
    def _finish_load(self, data: dict, **kwargs) -> dict:
        if not self.keep_none:
            data = {key: value for key, value in data.items() if value is not None}
        return self.finish(data)

    def finish(self, data: dict) -> dict:
        """Last step of a successful load; subclasses normalise further here."""
        return data


def _date_field(description: str, example: str, **kwargs) -> DateString:
    return DateString(metadata=meta(description, example, format="date"), **kwargs)


class ActionItemSchema(StrictSchema):
    """One follow-up action: what, who, by when, and where it stands."""

    id = Text(
        allow_none=True,
        validate=Pattern(ACTION_ITEM_ID_PATTERN, error="Not a valid action item id: expected A1, A2, …."),
        metadata=meta("Stable id of the item within its lesson; assigned by the server when absent.", "A1"),
    )
    action = Text(
        required=True,
        validate=validate.Length(min=1, max=ACTION_MAX),
        metadata=meta("The specific action to take (one line).", "Add a TLS expiry alert at 14 days"),
    )
    owner = Text(
        allow_none=True,
        validate=validate.Length(min=1, max=NAME_MAX),
        metadata=meta("Who is responsible for the action.", "Ana Souza"),
    )
    due_date = _date_field("Date by which the action should be done.", "2026-03-01", allow_none=True)
    status = Text(
        load_default=ActionStatus.OPEN.value,
        validate=one_of(ACTION_STATUSES),
        metadata=meta("Where the action stands; OPEN when not given.", "OPEN"),
    )
    completion_date = _date_field(
        "Day the action was completed; only with status COMPLETED.", "2026-02-20", allow_none=True
    )

    @validates_schema
    def _completion_only_when_completed(self, data: dict, **kwargs) -> None:
        status = data.get("status")
        if data.get("completion_date") and status and status != ActionStatus.COMPLETED:
            raise ValidationError(
                f"Only allowed when status is COMPLETED (status is {status}).", "completion_date"
            )


class ActionItemPatchSchema(ActionItemSchema):
    """Changes to one action item: every field optional, ``null`` removes owner or dates."""

    keep_none = True

    def on_bind_field(self, field_name: str, field_obj) -> None:
        field_obj.required = False
        field_obj.load_default = missing
        if field_name == "id":
            field_obj.dump_only = True


class ReferenceSchema(StrictSchema):
    """A link to a ticket, pull request, document or post-mortem."""

    type = Text(
        required=True,
        validate=one_of(REFERENCE_TYPES),
        metadata=meta("What the link points at.", "JIRA"),
    )
    link = HttpUrl(
        required=True,
        metadata=meta("An absolute http(s) URL.", "https://jira.example.com/browse/OPS-1234"),
    )


class MetricsSchema(StrictSchema):
    """Numbers about the event: detection and resolution times, cost, recurrence."""

    time_to_detect = DurationString(
        allow_none=True,
        metadata=meta("Time from the start of the event to its detection (ISO 8601 duration).", "PT2H30M"),
    )
    time_to_resolve = DurationString(
        allow_none=True,
        metadata=meta("Time from detection to resolution (ISO 8601 duration).", "PT5H"),
    )
    business_impact_usd = JsonNumber(
        allow_none=True,
        validate=validate.Range(min=0, max=MAX_BUSINESS_IMPACT_USD),
        metadata=meta("Estimated business impact in US dollars (sensitive: encrypted at rest).", 50000),
    )
    replication_attempts = StrictInteger(
        allow_none=True,
        validate=validate.Range(min=0, max=MAX_REPLICATION_ATTEMPTS),
        metadata=meta("How many times the problem was reproduced.", 3),
    )
    success_rate_prevention = Percentage(
        allow_none=True,
        metadata=meta("Share of replications the prevention stopped, as a percentage string.", "100%"),
    )


class FollowUpSchema(StrictSchema):
    """When the lesson is reviewed again, and how that went."""

    due_date = _date_field("Date of the follow-up review.", "2026-03-01", allow_none=True)
    status = Text(
        load_default="PENDING",
        validate=one_of(FOLLOW_UP_STATUSES),
        metadata=meta("Whether the follow-up happened; PENDING when not given.", "PENDING"),
    )
    notes = Text(
        multiline=True,
        allow_none=True,
        validate=validate.Length(max=PROSE_MAX),
        metadata=meta("Follow-up notes.", "Alert fired correctly during the March renewal."),
    )


def apply_action_item_status(item: dict, new_status: str, today: date) -> dict:
    """Return a copy of ``item`` in ``new_status``: COMPLETED stamps ``completion_date``
    (today, unless it was already completed), any other status removes it."""
    if new_status not in ACTION_STATUSES:
        raise ValueError(f"unknown action status {new_status!r}; must be one of {', '.join(ACTION_STATUSES)}")
    if isinstance(today, datetime) or not isinstance(today, date):
        raise TypeError("today must be a date")
    updated = dict(item)
    if new_status == ActionStatus.COMPLETED:
        if item.get("status") != ActionStatus.COMPLETED or not item.get("completion_date"):
            updated["completion_date"] = today.isoformat()
    else:
        updated.pop("completion_date", None)
    updated["status"] = str(new_status)
    return updated


def fill_completion_dates(items: list[dict], today: date) -> list[dict]:
    """Copies of ``items`` where every COMPLETED item without a ``completion_date`` gets today."""
    return [
        apply_action_item_status(item, item["status"], today)
        if item.get("status") == ActionStatus.COMPLETED and not item.get("completion_date")
        else dict(item)
        for item in items
    ]
