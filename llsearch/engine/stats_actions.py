"""Action-item statistics: overdue items (CONTRACT §3.2) and counts by status and age.

An action item is *overdue* when its `due_date` is before today (UTC) and its status is not
COMPLETED. Lessons are selected by the `LessonFilter` as everywhere; `action_status`, which
selects lessons having an item in one of those statuses, here also restricts the items counted
(`?action_status=OPEN` counts the OPEN items, not the IN_PROGRESS ones sharing their lessons).

Age buckets of the items not COMPLETED, by days from today (D = today - due_date):
`overdue_over_30_days` D > 30, `overdue_8_to_30_days` 8 <= D <= 30, `overdue_1_to_7_days`
1 <= D <= 7, `due_within_7_days` due today up to 7 days ahead, `due_later` more than 7 days
ahead, `no_due_date`. Edges are whole UTC days computed from the caller's `today`.
"""

from __future__ import annotations

from datetime import date, timedelta

from opensearchpy import OpenSearch

from llsearch.engine.filters import LessonFilter, filter_clauses
from llsearch.engine.stats import aggregation_body, bucket_counts, enum_terms, run_stats
from llsearch.engine.names import IndexNames
from llsearch.model.enums import ACTION_STATUSES, ActionStatus

PATH = "action_items"
MAX_OVERDUE_ITEMS = 1000
# The engine's index.max_inner_result_window (default 100): overdue items listed per lesson.
INNER_HITS_PER_LESSON = 100
AGE_BUCKETS = (
    "overdue_over_30_days", "overdue_8_to_30_days", "overdue_1_to_7_days",
    "due_within_7_days", "due_later", "no_due_date",
)
ITEM_SOURCE = ["id", "action", "owner", "due_date", "status"]


def item_clauses(selection: LessonFilter) -> list[dict]:
    """Clauses on one nested action item implied by the selection (its `action_status`)."""
    if selection.action_statuses:
        return [{"terms": {f"{PATH}.status": list(selection.action_statuses)}}]
    return []


def pending_item_query(selection: LessonFilter, *extra: dict) -> dict:
    """Items (inside `action_items`) not COMPLETED, matching the selection and `extra` clauses."""
    return {"bool": {
        "filter": [*item_clauses(selection), *extra],
        "must_not": [{"term": {f"{PATH}.status": ActionStatus.COMPLETED.value}}],
    }}


def overdue_item_query(selection: LessonFilter, today: date) -> dict:
    return pending_item_query(selection, {"range": {f"{PATH}.due_date": {"lt": today.isoformat()}}})


# overdue_actions ---------------------------------------------------------------------------------

def overdue_body(selection: LessonFilter, today: date, limit: int) -> dict:
    """Lessons holding overdue items, sorted by their oldest overdue due date, each with its
    overdue items as inner hits (oldest first); the nested aggregation counts every overdue item."""
    if not 0 <= limit <= MAX_OVERDUE_ITEMS:
        raise ValueError(f"limit must be 0..{MAX_OVERDUE_ITEMS}, got {limit}")
    overdue = overdue_item_query(selection, today)
    query = {"bool": {"filter": [*filter_clauses(selection), {"nested": {
        "path": PATH,
        "query": overdue,
        "inner_hits": {
            "name": "overdue",
            "size": INNER_HITS_PER_LESSON,
            "sort": [{f"{PATH}.due_date": "asc"}, {f"{PATH}.id": "asc"}],
            "_source": [f"{PATH}.{name}" for name in ITEM_SOURCE],
        },
    }}]}}
    return {
        "size": limit,
        "track_total_hits": False,
        "query": query,
        "_source": ["id", "title", "component"],
        "sort": [
            {f"{PATH}.due_date": {"order": "asc", "mode": "min", "nested": {"path": PATH, "filter": overdue}}},
            {"id": "asc"},
        ],
        "aggs": {"items": {"nested": {"path": PATH}, "aggs": {"overdue": {"filter": overdue}}}},
    }


def days_between(later: date, earlier: str) -> int:
    return (later - date.fromisoformat(earlier)).days


def shape_overdue(answer: dict, today: date, limit: int) -> dict:
    """`{"overdue_count", "items"}`. The first `limit` lessons by oldest overdue item hold the
    `limit` oldest items, so merging their inner hits by (due date, lesson, item) is exact."""
    items = []
    for hit in answer["hits"]["hits"]:
        lesson = hit["_source"]
        for inner in hit["inner_hits"]["overdue"]["hits"]["hits"]:
            item = inner["_source"]
            items.append({
                "lesson_id": lesson["id"],
                "title": lesson.get("title"),
                "component": lesson.get("component"),
                "action_item_id": item.get("id"),
                "action": item.get("action"),
                "owner": item.get("owner"),
                "due_date": item["due_date"],
                "status": item.get("status"),
                "days_overdue": days_between(today, item["due_date"]),
            })
    items.sort(key=lambda item: (item["due_date"], item["lesson_id"], item["action_item_id"] or ""))
    count = answer["aggregations"]["items"]["overdue"]["doc_count"]
    return {"overdue_count": count, "items": items[:limit]}


def overdue_actions(client: OpenSearch, names: IndexNames, selection: LessonFilter, today: date,
                    limit: int = 100) -> dict:
    """Every overdue action item counted; the `limit` oldest listed with `days_overdue`."""
    answer = run_stats(client, names, selection, overdue_body(selection, today, limit))
    return shape_overdue(answer, today, limit)


# action_items ------------------------------------------------------------------------------------

def age_ranges(today: date) -> list[dict]:
    """`date_range` edges (from inclusive, to exclusive) of the due-date buckets."""
    def day(offset: int) -> str:
        return (today + timedelta(days=offset)).isoformat()

    return [
        {"key": "overdue_over_30_days", "to": day(-30)},
        {"key": "overdue_8_to_30_days", "from": day(-30), "to": day(-7)},
        {"key": "overdue_1_to_7_days", "from": day(-7), "to": day(0)},
        {"key": "due_within_7_days", "from": day(0), "to": day(8)},
        {"key": "due_later", "from": day(8)},
    ]


def action_items_body(selection: LessonFilter, today: date) -> dict:
    selected = {"bool": {"filter": item_clauses(selection)}}
    return aggregation_body(selection, {
        "items": {"nested": {"path": PATH}, "aggs": {"selected": {"filter": selected, "aggs": {
            "by_status": enum_terms(f"{PATH}.status", ACTION_STATUSES),
            "pending": {"filter": pending_item_query(selection), "aggs": {
                "by_age": {"date_range": {"field": f"{PATH}.due_date", "format": "yyyy-MM-dd",
                                          "keyed": True, "ranges": age_ranges(today)}},
                "no_due_date": {"missing": {"field": f"{PATH}.due_date"}},
            }},
        }}}}
    }, track_total_hits=False)


def shape_action_items(answer: dict, today: date) -> dict:
    selected = answer["aggregations"]["items"]["selected"]
    pending = selected["pending"]
    by_age = {key: bucket["doc_count"] for key, bucket in pending["by_age"]["buckets"].items()}
    by_age["no_due_date"] = pending["no_due_date"]["doc_count"]
    return {
        "as_of": today.isoformat(),
        "total": selected["doc_count"],
        "by_status": bucket_counts(selected["by_status"]["buckets"], ACTION_STATUSES),
        "not_completed": pending["doc_count"],
        "not_completed_by_age": {key: by_age.get(key, 0) for key in AGE_BUCKETS},
    }


def action_item_stats(client: OpenSearch, names: IndexNames, selection: LessonFilter, today: date) -> dict:
    """Action items of the selected lessons by status, and those not COMPLETED by due-date age."""
    return shape_action_items(run_stats(client, names, selection, action_items_body(selection, today)), today)
