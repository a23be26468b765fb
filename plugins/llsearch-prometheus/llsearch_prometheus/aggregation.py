"""The one multi-aggregation search behind every lessons_learned_* metric, and its shaping.

Everything is counted by the engine in a single `size: 0` search; Python only zero-fills and
reshapes buckets into a JSON-serialisable *snapshot* (cached in Redis, see `snapshot`).

Definitions (all relative to the UTC day of the runtime clock, `today`):
- an action item is *open* when its status is not COMPLETED (OPEN or IN_PROGRESS);
- it is *overdue* when it is open and its `due_date` is before today;
- the due buckets of open items are those of `GET /api/lessons-learned/stats/action_items`;
- the age of an open item is the number of days since its lesson was recorded
  (`timestamp_created`: items carry no creation date of their own).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from llsearch.model.enums import ActionStatus, Category, Severity

CATEGORIES = [item.value for item in Category]
SEVERITIES = [item.value for item in Severity]
STATUSES = [item.value for item in ActionStatus]
ITEMS = "action_items"
# Distinct components exported (each one a label value): far above any real catalogue; a
# component beyond it would be missing from the per-component families, never miscounted.
MAX_COMPONENTS = 5000
SNAPSHOT_VERSION = 1

DUE_BUCKETS = (
    "overdue_over_30_days", "overdue_8_to_30_days", "overdue_1_to_7_days",
    "due_within_7_days", "due_later", "no_due_date",
)
AGE_BUCKETS = ("0_to_7_days", "8_to_30_days", "31_to_90_days", "91_to_365_days", "over_365_days")

OPEN_ITEM = {"bool": {"must_not": [{"term": {f"{ITEMS}.status": ActionStatus.COMPLETED.value}}]}}


def utc_today(now: datetime) -> date:
    """The UTC calendar day of `now` (naive datetimes are taken as UTC)."""
    if now.tzinfo is None:
        now = now.replace(tzinfo=timezone.utc)
    return now.astimezone(timezone.utc).date()


def _day(today: date, offset: int) -> str:
    return (today + timedelta(days=offset)).isoformat()


def due_ranges(today: date) -> list[dict]:
    """`date_range` edges on `due_date` (from inclusive, to exclusive), keyed by bucket."""
    return [
        {"key": "overdue_over_30_days", "to": _day(today, -30)},
        {"key": "overdue_8_to_30_days", "from": _day(today, -30), "to": _day(today, -7)},
        {"key": "overdue_1_to_7_days", "from": _day(today, -7), "to": _day(today, 0)},
        {"key": "due_within_7_days", "from": _day(today, 0), "to": _day(today, 8)},
        {"key": "due_later", "from": _day(today, 8)},
    ]


def age_ranges(today: date) -> list[dict]:
    """`date_range` edges on the lesson's `timestamp_created` for the age of its open items."""
    return [
        {"key": "0_to_7_days", "from": _day(today, -7)},
        {"key": "8_to_30_days", "from": _day(today, -30), "to": _day(today, -7)},
        {"key": "31_to_90_days", "from": _day(today, -90), "to": _day(today, -30)},
        {"key": "91_to_365_days", "from": _day(today, -365), "to": _day(today, -90)},
        {"key": "over_365_days", "to": _day(today, -365)},
    ]


def _enum_terms(field: str, values: list[str], **aggs: dict) -> dict:
    body: dict = {"terms": {"field": field, "size": len(values), "include": list(values)}}
    if aggs:
        body["aggs"] = aggs
    return body


def _open_items(**aggs: dict) -> dict:
    """Nested action items, restricted to the open ones, with `aggs` under them."""
    pending: dict = {"filter": OPEN_ITEM}
    if aggs:
        pending["aggs"] = aggs
    return {"nested": {"path": ITEMS}, "aggs": {"open": pending}}


def metrics_body(now: datetime) -> dict:
    """The search computing every metric, as of the runtime clock `now`."""
    today = utc_today(now)
    overdue = {"filter": {"range": {f"{ITEMS}.due_date": {"lt": today.isoformat()}}}}
    day_ago = (now.astimezone(timezone.utc) - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    date_range = {"format": "yyyy-MM-dd", "keyed": True}
    return {
        "size": 0,
        "track_total_hits": True,
        "query": {"match_all": {}},
        "aggs": {
            "by_category": _enum_terms("category", CATEGORIES,
                                       by_severity=_enum_terms("severity", SEVERITIES)),
            "by_severity": _enum_terms("severity", SEVERITIES,
                                       detect={"avg": {"field": "metrics.time_to_detect_seconds"}},
                                       resolve={"avg": {"field": "metrics.time_to_resolve_seconds"}}),
            "last_day": {"filter": {"range": {"timestamp_created": {"gte": day_ago}}},
                         "aggs": {"by_severity": _enum_terms("severity", SEVERITIES)}},
            "by_component": {
                "terms": {"field": "component", "size": MAX_COMPONENTS, "order": {"_key": "asc"}},
                "aggs": {"items": _open_items(overdue=overdue)},
            },
            "items": {"nested": {"path": ITEMS}, "aggs": {
                "by_status": _enum_terms(f"{ITEMS}.status", STATUSES),
                "open": {"filter": OPEN_ITEM, "aggs": {
                    "by_due": {"date_range": {"field": f"{ITEMS}.due_date", **date_range,
                                              "ranges": due_ranges(today)}},
                    "no_due_date": {"missing": {"field": f"{ITEMS}.due_date"}},
                }},
            }},
            "open_age": {
                "date_range": {"field": "timestamp_created", **date_range, "ranges": age_ranges(today)},
                "aggs": {"items": _open_items()},
            },
        },
    }


def _counts(buckets: list[dict], keys: list[str]) -> dict[str, int]:
    found = {bucket["key"]: bucket["doc_count"] for bucket in buckets}
    return {key: found.get(key, 0) for key in keys}


def shape_snapshot(answer: dict, now: datetime, computed_at: float) -> dict:
    """The engine's answer as a snapshot: plain JSON, every closed-vocabulary key present."""
    aggs = answer["aggregations"]
    lessons = []
    by_category = {bucket["key"]: bucket for bucket in aggs["by_category"]["buckets"]}
    for category in CATEGORIES:
        severities = by_category.get(category, {}).get("by_severity", {}).get("buckets", [])
        for severity, count in _counts(severities, SEVERITIES).items():
            lessons.append([category, severity, count])
    by_severity = {bucket["key"]: bucket for bucket in aggs["by_severity"]["buckets"]}
    components = []
    for bucket in aggs["by_component"]["buckets"]:
        open_items = bucket["items"]["open"]
        components.append([bucket["key"], bucket["doc_count"], open_items["doc_count"],
                           open_items["overdue"]["doc_count"]])
    items = aggs["items"]
    by_due = {key: value["doc_count"] for key, value in items["open"]["by_due"]["buckets"].items()}
    by_due["no_due_date"] = items["open"]["no_due_date"]["doc_count"]
    return {
        "version": SNAPSHOT_VERSION,
        "today": utc_today(now).isoformat(),
        "computed_at": computed_at,
        "engine_took_ms": answer.get("took"),
        "lessons_total": answer["hits"]["total"]["value"],
        "lessons": lessons,
        "components": components,
        "items_by_status": _counts(items["by_status"]["buckets"], STATUSES),
        "open_by_due": {key: by_due.get(key, 0) for key in DUE_BUCKETS},
        "open_by_age": {key: aggs["open_age"]["buckets"].get(key, {}).get("items", {})
                        .get("open", {}).get("doc_count", 0) for key in AGE_BUCKETS},
        "mttd_seconds": {sev: by_severity.get(sev, {}).get("detect", {}).get("value") for sev in SEVERITIES},
        "mttr_seconds": {sev: by_severity.get(sev, {}).get("resolve", {}).get("value") for sev in SEVERITIES},
        "created_last_24h": _counts(aggs["last_day"]["by_severity"]["buckets"], SEVERITIES),
    }
