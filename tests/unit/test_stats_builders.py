"""The stats, similar and suggest request bodies are plain data: built and shaped without an engine."""

from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from llsearch.engine import similar, stats, stats_actions, stats_mttr, stats_trend, suggest
from llsearch.engine.filters import LessonFilter

UTC = timezone.utc
SECURITY = LessonFilter(categories=("SECURITY",))


def at(*parts) -> datetime:
    return datetime(*parts, tzinfo=UTC)


@pytest.mark.parametrize("moment, period, key", [
    (at(2026, 1, 1), "weekly", "2026-W01"),          # a Thursday: ISO week 1 of 2026
    (at(2025, 12, 29), "weekly", "2026-W01"),        # the Monday of that week belongs to 2026's W01
    (at(2027, 1, 1), "weekly", "2026-W53"),          # 2026 has 53 ISO weeks
    (at(2026, 2, 2), "weekly", "2026-W06"),
    (at(2026, 1, 31), "monthly", "2026-01"),
    (at(2026, 12, 1), "monthly", "2026-12"),
    (at(2026, 3, 31), "quarterly", "2026-Q1"),
    (at(2026, 10, 1), "quarterly", "2026-Q4"),
])
def test_period_keys(moment, period, key):
    assert stats_trend.period_key(stats_trend.period_start(moment, period), period) == key


def test_period_starts_are_utc_mondays_first_days_and_quarter_starts():
    moment = at(2026, 5, 14, 17, 30)  # a Thursday
    assert stats_trend.period_start(moment, "weekly") == at(2026, 5, 11)
    assert stats_trend.period_start(moment, "monthly") == at(2026, 5, 1)
    assert stats_trend.period_start(moment, "quarterly") == at(2026, 4, 1)


@pytest.mark.parametrize("first, last, period, count", [
    (at(2026, 1, 1), at(2026, 1, 1), "monthly", 1),
    (at(2026, 1, 31), at(2026, 2, 1), "monthly", 2),
    (at(2025, 11, 15), at(2026, 2, 1), "quarterly", 2),
    (at(2026, 1, 4), at(2026, 1, 5), "weekly", 2),     # Sunday, then Monday
    (at(2026, 1, 5), at(2026, 1, 11, 23, 59), "weekly", 1),
    (at(2026, 1, 1), at(2025, 1, 1), "weekly", 0),
])
def test_period_counts(first, last, period, count):
    assert stats_trend.period_count(first, last, period) == count


def test_a_thousand_years_of_weeks_is_refused_before_the_engine_sees_it():
    with pytest.raises(stats_trend.TrendTooLong) as raised:
        stats_trend.checked_range(at(1026, 1, 1), at(2026, 1, 1), "weekly")
    assert raised.value.buckets > stats_trend.MAX_TREND_BUCKETS
    assert "weekly" in str(raised.value)
    assert stats_trend.checked_range(at(1626, 1, 1), at(2026, 1, 1), "quarterly").first == at(1626, 1, 1)


def test_trend_body_fills_empty_buckets_over_the_requested_range():
    selection = LessonFilter(created_from=at(2026, 1, 1), created_before=at(2026, 4, 1))
    first, last = stats_trend.requested_range(selection)
    assert last == at(2026, 3, 31, 23, 59, 59, 999000)
    body = stats_trend.trend_body(selection, "monthly", stats_trend.TrendRange(first, last))
    histogram = body["aggs"]["trend"]["date_histogram"]
    assert histogram["calendar_interval"] == "month" and histogram["min_doc_count"] == 0
    assert histogram["extended_bounds"] == {"min": stats_trend.to_millis(first), "max": stats_trend.to_millis(last)}
    assert body["size"] == 0 and body["query"]["bool"]["filter"]


def test_trend_shape_keeps_time_order_and_every_severity():
    answer = {"aggregations": {"trend": {"buckets": [
        {"key": stats_trend.to_millis(at(2026, 1, 1)), "doc_count": 2,
         "by_severity": {"buckets": [{"key": "LOW", "doc_count": 2}]}},
        {"key": stats_trend.to_millis(at(2026, 2, 1)), "doc_count": 0, "by_severity": {"buckets": []}},
    ]}}}
    shaped = stats_trend.shape_trend(answer, "monthly")
    assert list(shaped) == ["2026-01", "2026-02"]
    assert shaped["2026-01"] == {"CRITICAL": 0, "HIGH": 0, "MEDIUM": 0, "LOW": 2}
    assert list(shaped["2026-02"]) == ["CRITICAL", "HIGH", "MEDIUM", "LOW"]


def test_by_category_fills_every_category():
    answer = {"aggregations": {"by_category": {"buckets": [{"key": "SECURITY", "doc_count": 4}]}}}
    assert stats.shape_by_category(answer) == {"TECHNICAL": 0, "PROCESS": 0, "SECURITY": 4, "OPERATIONAL": 0}
    body = stats.by_category_body(SECURITY)
    assert body["query"] == {"bool": {"filter": [{"terms": {"category": ["SECURITY"]}}]}}


def test_top_components_orders_by_count_then_name_and_bounds_the_limit():
    terms = stats.top_components_body(LessonFilter(), 7)["aggs"]["top_components"]["terms"]
    assert terms["size"] == 7 and terms["order"] == [{"_count": "desc"}, {"_key": "asc"}]
    assert terms["shard_size"] >= stats.COMPONENT_SHARD_SIZE
    with pytest.raises(ValueError):
        stats.top_components_body(LessonFilter(), 101)


def test_age_bucket_edges_are_whole_days_around_today():
    ranges = {r["key"]: r for r in stats_actions.age_ranges(date(2026, 3, 31))}
    assert ranges["overdue_over_30_days"] == {"key": "overdue_over_30_days", "to": "2026-03-01"}
    assert (ranges["overdue_8_to_30_days"]["from"], ranges["overdue_8_to_30_days"]["to"]) == ("2026-03-01", "2026-03-24")
    assert (ranges["overdue_1_to_7_days"]["from"], ranges["overdue_1_to_7_days"]["to"]) == ("2026-03-24", "2026-03-31")
    assert (ranges["due_within_7_days"]["from"], ranges["due_within_7_days"]["to"]) == ("2026-03-31", "2026-04-08")
    assert ranges["due_later"] == {"key": "due_later", "from": "2026-04-08"}


def test_action_status_also_restricts_the_items_counted():
    selection = LessonFilter(action_statuses=("OPEN",))
    overdue = stats_actions.overdue_item_query(selection, date(2026, 3, 1))["bool"]
    assert {"terms": {"action_items.status": ["OPEN"]}} in overdue["filter"]
    assert {"range": {"action_items.due_date": {"lt": "2026-03-01"}}} in overdue["filter"]
    assert overdue["must_not"] == [{"term": {"action_items.status": "COMPLETED"}}]
    assert stats_actions.item_clauses(LessonFilter()) == []


def test_overdue_items_merge_in_due_date_order_and_count_days():
    def hit(lesson_id, *items):
        return {"_source": {"id": lesson_id, "title": "t", "component": "c"}, "inner_hits": {"overdue": {"hits": {
            "hits": [{"_source": {"id": item_id, "action": "a", "due_date": due, "status": "OPEN"}}
                     for item_id, due in items]}}}}

    answer = {"hits": {"hits": [hit("LL-2026-01-01-001", ("A1", "2026-01-05"), ("A2", "2026-02-20")),
                                hit("LL-2026-01-02-001", ("A1", "2026-01-06"))]},
              "aggregations": {"items": {"overdue": {"doc_count": 9}}}}
    shaped = stats_actions.shape_overdue(answer, date(2026, 3, 1), limit=2)
    assert shaped["overdue_count"] == 9
    assert [(i["lesson_id"], i["action_item_id"], i["days_overdue"]) for i in shaped["items"]] == [
        ("LL-2026-01-01-001", "A1", 55), ("LL-2026-01-02-001", "A1", 54)]


def test_mttr_lists_every_severity_even_without_lessons():
    empty = {"count": 0, "min": None, "max": None, "avg": None, "sum": 0}
    nothing = {"values": {"50.0": None, "90.0": None, "95.0": None}}
    aggs = {f"{m}_{k}": (empty if k == "stats" else nothing) for m in stats_mttr.METRICS for k in ("stats", "percentiles")}
    answer = {"hits": {"total": {"value": 0}}, "aggregations": {**aggs, "groups": {"buckets": []}}}
    shaped = stats_mttr.shape_mttr(answer, "severity")
    assert [group["key"] for group in shaped["groups"]] == ["CRITICAL", "HIGH", "MEDIUM", "LOW"]
    assert shaped["overall"]["time_to_resolve"] == {"count": 0, "avg": None, "min": None, "max": None,
                                                    "p50": None, "p90": None, "p95": None}
    assert stats_mttr.mttr_body(LessonFilter(), "component", 5)["aggs"]["groups"]["terms"]["size"] == 5


SEP = r"[\_\-\.]"


@pytest.mark.parametrize("typed, patterns", [
    ("Heal", ("heal.*", f"([a-z0-9]*{SEP}){{1,2}}heal.*")),
    ("Reversão", ("reversao.*", f"([a-z0-9]*{SEP}){{1,2}}reversao.*")),
    ("health ch", (f"health{SEP}ch.*", None)),           # several words: values starting with them
    ("on-c", (f"on{SEP}c.*", None)),
    ("x" * 16, ("x" * 16 + ".*", None)),                    # too long to be a later word
    ("x" * 65, None),                                       # too long for any identifier
    ('a(b"*', None),                                        # identifiers never hold these
    (" _-. ", None),
])
def test_prefix_patterns_are_folded_and_only_asked_when_an_identifier_can_match(typed, patterns):
    assert suggest.prefix_patterns(typed) == patterns


def test_a_prefix_no_identifier_can_match_asks_for_no_values():
    body = suggest.suggest_body("(", LessonFilter(), 5)
    selected = body["aggs"]["everything"]["aggs"]["selected"]["aggs"]
    assert selected["components"] == {"filter": {"match_none": {}}}
    values = suggest.suggest_body("heal", LessonFilter(), 5)["aggs"]["everything"]["aggs"]["selected"]["aggs"]
    assert set(values["tags"]["aggs"]) == {"starts", "later"}
    assert values["tags"]["aggs"]["starts"]["terms"]["include"] == "heal.*"


def test_suggest_body_filters_titles_and_values_alike():
    body = suggest.suggest_body("rev", SECURITY, 3)
    assert body["query"]["bool"]["filter"] == [{"terms": {"category": ["SECURITY"]}}]
    assert body["query"]["bool"]["must"][0]["multi_match"]["type"] == "bool_prefix"
    assert body["collapse"] == {"field": "title.raw"} and body["size"] == 3
    assert body["aggs"]["everything"]["aggs"]["selected"]["filter"] == {
        "bool": {"filter": [{"terms": {"category": ["SECURITY"]}}]}}


def test_similar_body_compares_field_with_field_and_leaves_the_lesson_out():
    body = similar.similar_body({"title": "Disco cheio", "situation": " ", "impact": "ignored"}, SECURITY, 5,
                                exclude_id="LL-2026-01-01-001")
    query = body["query"]["bool"]
    assert [clause["more_like_this"]["fields"] for clause in query["should"]] == [["title.pt", "title.en"]]
    assert query["should"][0]["more_like_this"]["like"] == ["Disco cheio"]
    assert query["must_not"] == [{"ids": {"values": ["LL-2026-01-01-001"]}}]
    assert query["filter"] == [{"terms": {"category": ["SECURITY"]}}]
    with pytest.raises(ValueError):
        similar.similar_body({"title": "  "}, LessonFilter())
