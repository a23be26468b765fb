"""Query arguments shared by search and stats, validated into an engine `LessonFilter`."""

from __future__ import annotations

from datetime import datetime, time, timedelta, timezone

from marshmallow import RAISE, Schema, ValidationError, fields, validate, validates_schema

from llsearch.engine.filters import LessonFilter
from llsearch.model.dates import parse_date, parse_datetime
from llsearch.model.enums import ACTION_STATUSES, CATEGORIES, SEVERITIES
from llsearch.model.lesson import COMPONENT_PATTERN, TAG_PATTERN

MAX_LIST_ITEMS = 50


class CommaSeparated(fields.String):
    """`a,b,c` in the query string, loaded as a tuple; every item validated on its own."""

    def __init__(self, item_validator=None, **kwargs):
        super().__init__(**kwargs)
        self.item_validator = item_validator

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        items = tuple(dict.fromkeys(part.strip() for part in text.split(",") if part.strip()))
        if not items:
            raise ValidationError("Give at least one value (comma-separated).")
        if len(items) > MAX_LIST_ITEMS:
            raise ValidationError(f"At most {MAX_LIST_ITEMS} values.")
        if self.item_validator:
            for item in items:
                self.item_validator(item)
        return items


class DateOrDateTime(fields.String):
    """`YYYY-MM-DD` or an RFC 3339 date-time; loads as (aware UTC datetime, is_date)."""

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs).strip()
        try:
            if len(text) == 10:
                return datetime.combine(parse_date(text), time(), tzinfo=timezone.utc), True
            return parse_datetime(text), False
        except ValueError as error:
            raise ValidationError(f"Expected YYYY-MM-DD or an RFC 3339 date-time: {error}") from None


def _list_of(values: list[str], what: str):
    return CommaSeparated(
        validate.OneOf(values),
        metadata={"description": f"{what}; comma-separated means any of: {', '.join(values)}",
                  "example": values[0]},
    )


class LessonFilterArgsSchema(Schema):
    """The filters of `GET /api/lessons-learned`, accepted by every stats endpoint too."""

    class Meta:
        unknown = RAISE

    category = _list_of(CATEGORIES, "Category")
    severity = _list_of(SEVERITIES, "Severity")
    component = CommaSeparated(
        validate.Regexp(COMPONENT_PATTERN, error="Not a valid component: a lower-case identifier."),
        metadata={"description": "Component; comma-separated means any of", "example": "health_check"},
    )
    from_ = DateOrDateTime(
        data_key="from",
        metadata={"description": "Created at or after this date or date-time (UTC)", "example": "2026-01-01"},
    )
    to = DateOrDateTime(
        metadata={"description": "Created up to this date-time, or through the whole of this date (UTC)",
                  "example": "2026-02-01"},
    )
    tags = CommaSeparated(
        validate.Regexp(TAG_PATTERN, error="Not a valid tag: lower-case letters, digits, _ - ."),
        metadata={"description": "Tags; lessons carrying all of them (or any, with tags_mode=any)",
                  "example": "prometheus,monitoring"},
    )
    tags_mode = fields.String(
        load_default="all", validate=validate.OneOf(["all", "any"]),
        metadata={"description": "Whether `tags` means all of them (default) or any", "example": "any"},
    )
    action_status = _list_of(ACTION_STATUSES, "Lessons with at least one action item in this status")
    include_archived = fields.Boolean(
        load_default=False,
        metadata={"description": "Also search archived months (older than the archive age)", "example": True},
    )

    @validates_schema
    def _range_is_ordered(self, data, **kwargs):
        start, end = data.get("from_"), _exclusive_end(data.get("to"))
        if start and end and start[0] >= end:
            raise ValidationError("`from` must be before `to`.", "from")


def _exclusive_end(end: tuple[datetime, bool] | None) -> datetime | None:
    """`to` as an exclusive bound: a date means through its whole day; the end of time means none."""
    if end is None:
        return None
    moment, is_date = end
    try:
        return moment + (timedelta(days=1) if is_date else timedelta(milliseconds=1))
    except OverflowError:
        return None


def selection_from_args(args: dict) -> LessonFilter:
    """The engine filter for validated arguments."""
    start = args.get("from_")
    end = _exclusive_end(args.get("to"))
    return LessonFilter(
        categories=args.get("category", ()),
        severities=args.get("severity", ()),
        components=args.get("component", ()),
        created_from=start[0] if start else None,
        created_before=end,
        tags=args.get("tags", ()),
        tags_mode=args.get("tags_mode", "all"),
        action_statuses=args.get("action_status", ()),
        include_archived=args.get("include_archived", False),
    )
