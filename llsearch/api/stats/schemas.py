"""Arguments and answers of the stats endpoints; every one accepts the filters of search."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from llsearch.api.search.args import LessonFilterArgsSchema
from llsearch.engine.stats import MAX_TOP_COMPONENTS
from llsearch.engine.stats_actions import AGE_BUCKETS, MAX_OVERDUE_ITEMS
from llsearch.engine.stats_mttr import GROUP_BY, MAX_GROUPS
from llsearch.engine.stats_trend import MAX_TREND_BUCKETS, PERIODS
from llsearch.model.enums import ACTION_STATUSES, CATEGORIES, SEVERITIES

# Arguments ---------------------------------------------------------------------------------------


class TrendArgsSchema(LessonFilterArgsSchema):
    period = fields.String(
        load_default="monthly", validate=validate.OneOf(PERIODS),
        metadata={"description": "Bucket size: `weekly` (ISO weeks, keys `2026-W05`), `monthly` (default, "
                                 f"`2026-01`) or `quarterly` (`2026-Q1`); UTC. At most {MAX_TREND_BUCKETS:,} "
                                 "buckets: a longer range is a 422.", "example": "monthly"},
    )


class TopComponentsArgsSchema(LessonFilterArgsSchema):
    limit = fields.Integer(
        load_default=10, validate=validate.Range(min=1, max=MAX_TOP_COMPONENTS),
        metadata={"description": f"How many components (1..{MAX_TOP_COMPONENTS}, default 10)", "example": 10},
    )


class OverdueArgsSchema(LessonFilterArgsSchema):
    limit = fields.Integer(
        load_default=100, validate=validate.Range(min=0, max=MAX_OVERDUE_ITEMS),
        metadata={"description": f"How many overdue items to list, oldest due date first (0..{MAX_OVERDUE_ITEMS}, "
                                 "default 100; 0 lists none). `overdue_count` always counts them all.",
                  "example": 100},
    )


class MttrArgsSchema(LessonFilterArgsSchema):
    group_by = fields.String(
        load_default="severity", validate=validate.OneOf(GROUP_BY),
        metadata={"description": "Per `severity` (default; every severity listed) or per `component` "
                                 "(the `limit` components with most lessons)", "example": "component"},
    )
    limit = fields.Integer(
        load_default=20, validate=validate.Range(min=1, max=MAX_GROUPS),
        metadata={"description": f"With group_by=component: how many components (1..{MAX_GROUPS}, default 20)",
                  "example": 20},
    )


# Answers -----------------------------------------------------------------------------------------

def _counts_schema(name: str, keys: list[str], what: str) -> type[Schema]:
    return Schema.from_dict(
        {key: fields.Integer(required=True, metadata={"description": f"{what} {key}"}) for key in keys},
        name=name,
    )


CategoryCountsSchema = _counts_schema("CategoryCounts", CATEGORIES, "Lessons of category")
SeverityCountsSchema = _counts_schema("SeverityCounts", SEVERITIES, "Lessons of severity")
StatusCountsSchema = _counts_schema("ActionStatusCounts", ACTION_STATUSES, "Action items in status")

BY_CATEGORY_EXAMPLE = {"TECHNICAL": 45, "PROCESS": 5, "SECURITY": 12, "OPERATIONAL": 8}
TREND_EXAMPLE = {
    "2026-01": {"CRITICAL": 3, "HIGH": 5, "MEDIUM": 0, "LOW": 1},
    "2026-02": {"CRITICAL": 1, "HIGH": 3, "MEDIUM": 2, "LOW": 0},
    "2026-03": {"CRITICAL": 0, "HIGH": 0, "MEDIUM": 0, "LOW": 0},
}
# A map from period key to severity counts: no marshmallow schema has open keys, so the
# view answers with its own JSON and documents it with this OpenAPI schema.
TREND_OPENAPI = {
    "type": "object",
    "description": "Period key (`2026-W05`, `2026-01` or `2026-Q1`) to the lessons created in it per "
                   "severity; keys in time order, every period of the range present, every severity in each.",
    "additionalProperties": {
        "type": "object",
        "properties": {severity: {"type": "integer"} for severity in SEVERITIES},
        "required": list(SEVERITIES),
    },
}


class ComponentCountSchema(Schema):
    component = fields.String(required=True, metadata={"example": "health_check"})
    count = fields.Integer(required=True, metadata={"description": "Lessons of the component", "example": 15})


TOP_COMPONENTS_EXAMPLE = [{"component": "health_check", "count": 15}, {"component": "trading_engine", "count": 8}]


class OverdueItemSchema(Schema):
    lesson_id = fields.String(required=True, metadata={"example": "LL-2026-01-14-002"})
    title = fields.String(required=True, metadata={"example": "Health check flapped during the deploy"})
    component = fields.String(required=True, metadata={"example": "health_check"})
    action_item_id = fields.String(
        allow_none=True,
        metadata={"description": "The item's id, for `PATCH /{lesson_id}/action-items/{id}`", "example": "A2"},
    )
    action = fields.String(required=True, metadata={"example": "Add a canary stage"})
    owner = fields.String(allow_none=True, metadata={"example": "Bruno Carvalho"})
    due_date = fields.String(required=True, metadata={"format": "date", "example": "2026-02-20"})
    status = fields.String(required=True, validate=validate.OneOf(["OPEN", "IN_PROGRESS"]),
                           metadata={"example": "OPEN"})
    days_overdue = fields.Integer(
        required=True, metadata={"description": "Whole days from the due date to today (UTC); at least 1",
                                 "example": 9},
    )


class OverdueActionsSchema(Schema):
    overdue_count = fields.Integer(
        required=True, metadata={"description": "Every overdue action item of the selected lessons (due before "
                                                "today UTC, not COMPLETED)", "example": 3})
    items = fields.List(fields.Nested(OverdueItemSchema), required=True,
                        metadata={"description": "The oldest ones first (due date, then lesson id); at most `limit`"})


OVERDUE_EXAMPLE = {"overdue_count": 3, "items": [{
    "lesson_id": "LL-2026-01-14-002", "title": "Health check flapped during the deploy", "component": "health_check",
    "action_item_id": "A2", "action": "Add a canary stage", "owner": "Bruno Carvalho", "due_date": "2026-02-20",
    "status": "OPEN", "days_overdue": 9,
}]}


class MetricSummarySchema(Schema):
    count = fields.Integer(required=True, metadata={"description": "Lessons having this metric", "example": 42})
    avg = fields.Float(allow_none=True, metadata={"description": "Mean, seconds", "example": 2730.5})
    min = fields.Float(allow_none=True, metadata={"example": 60.0})
    max = fields.Float(allow_none=True, metadata={"example": 43200.0})
    p50 = fields.Float(allow_none=True, metadata={"description": "Median, seconds (TDigest estimate)",
                                                  "example": 1800.0})
    p90 = fields.Float(allow_none=True, metadata={"description": "90th percentile, seconds", "example": 7200.0})
    p95 = fields.Float(allow_none=True, metadata={"description": "95th percentile, seconds", "example": 10800.0})


class MttrGroupSchema(Schema):
    key = fields.String(metadata={"description": "The severity or component (absent for the overall figures)",
                                  "example": "CRITICAL"})
    lessons = fields.Integer(required=True, metadata={"description": "Lessons in the group", "example": 50})
    time_to_detect = fields.Nested(MetricSummarySchema, required=True)
    time_to_resolve = fields.Nested(MetricSummarySchema, required=True)


class MttrSchema(Schema):
    group_by = fields.String(required=True, validate=validate.OneOf(GROUP_BY), metadata={"example": "severity"})
    overall = fields.Nested(MttrGroupSchema, required=True)
    groups = fields.List(fields.Nested(MttrGroupSchema), required=True,
                         metadata={"description": "Every severity, worst first; or the top components by lessons"})


_SUMMARY_EXAMPLE = {"count": 42, "avg": 2730.5, "min": 60.0, "max": 43200.0, "p50": 1800.0, "p90": 7200.0,
                    "p95": 10800.0}
MTTR_EXAMPLE = {
    "group_by": "severity",
    "overall": {"lessons": 50, "time_to_detect": _SUMMARY_EXAMPLE, "time_to_resolve": _SUMMARY_EXAMPLE},
    "groups": [{"key": "CRITICAL", "lessons": 50, "time_to_detect": _SUMMARY_EXAMPLE,
                "time_to_resolve": _SUMMARY_EXAMPLE}],
}

_AGE_DESCRIPTIONS = {
    "overdue_over_30_days": "due more than 30 days before today",
    "overdue_8_to_30_days": "due 8 to 30 days before today",
    "overdue_1_to_7_days": "due 1 to 7 days before today",
    "due_within_7_days": "due today or in the next 7 days",
    "due_later": "due more than 7 days after today",
    "no_due_date": "without a due date",
}
AgeCountsSchema = Schema.from_dict(
    {key: fields.Integer(required=True, metadata={"description": f"Items not COMPLETED {_AGE_DESCRIPTIONS[key]}"})
     for key in AGE_BUCKETS},
    name="ActionItemAgeCounts",
)


class ActionItemStatsSchema(Schema):
    as_of = fields.String(required=True, metadata={"format": "date", "example": "2026-03-01",
                                                   "description": "Today (UTC), the day the ages count from"})
    total = fields.Integer(required=True, metadata={"description": "Action items counted", "example": 12})
    by_status = fields.Nested(StatusCountsSchema, required=True)
    not_completed = fields.Integer(required=True, metadata={"description": "Items OPEN or IN_PROGRESS",
                                                            "example": 7})
    not_completed_by_age = fields.Nested(AgeCountsSchema, required=True,
                                         metadata={"description": "The items not COMPLETED by due date"})


ACTION_ITEMS_EXAMPLE = {
    "as_of": "2026-03-01", "total": 12, "by_status": {"OPEN": 4, "IN_PROGRESS": 3, "COMPLETED": 5},
    "not_completed": 7,
    "not_completed_by_age": {"overdue_over_30_days": 1, "overdue_8_to_30_days": 2, "overdue_1_to_7_days": 1,
                             "due_within_7_days": 1, "due_later": 1, "no_due_date": 1},
}
