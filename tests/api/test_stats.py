"""A dashboard asks for lessons by category, the severity trend and the top components, with and
without the filters of search; every answer is checked against one computed here from the
generated lessons (the oracle), independently of the engine."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, timedelta, timezone

import pytest

URL = "/api/lessons-learned/stats"
CATEGORIES = ["TECHNICAL", "PROCESS", "SECURITY", "OPERATIONAL"]
SEVERITIES = ["CRITICAL", "HIGH", "MEDIUM", "LOW"]

# Filter combinations shared by the stats tests: search's seven queries and more.
FILTERS = [
    {},
    {"category": "SECURITY"},
    {"severity": "CRITICAL"},
    {"component": "health_check"},
    {"from": "2026-01-01", "to": "2026-02-01"},
    {"tags": "prometheus,monitoring"},
    {"action_status": "OPEN"},
    {"category": "TECHNICAL,PROCESS", "severity": "HIGH,LOW"},
    {"component": "api_gateway,kafka", "severity": "MEDIUM"},
    {"from": "2025-06-15T12:00:00Z", "to": "2025-09-30T23:00:00Z"},
    {"to": "2024-06-30"},
    {"from": "2026-06-01"},
    {"tags": "prometheus,monitoring", "tags_mode": "any", "category": "OPERATIONAL"},
    {"action_status": "OPEN,IN_PROGRESS", "category": "TECHNICAL", "from": "2025-01-01"},
    {"category": "PROCESS", "tags": "rollback", "to": "2025-12-31"},
]


def filter_id(params: dict) -> str:
    return "&".join(f"{k}={v}" for k, v in params.items()) or "no-filter"


def moment(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def matches(lesson: dict, params: dict) -> bool:
    """The oracle of the filters, written from the contract (§3.1), not from the code."""
    def any_of(name):
        return params[name].split(",")

    created = moment(lesson["timestamp_created"])
    for name in ("category", "severity", "component"):
        if name in params and lesson[name] not in any_of(name):
            return False
    if "from" in params:
        start = params["from"]
        start = datetime.combine(date.fromisoformat(start), datetime.min.time(), timezone.utc) \
            if len(start) == 10 else moment(start)
        if created < start:
            return False
    if "to" in params:
        end = params["to"]
        if len(end) == 10:
            if created >= datetime.combine(date.fromisoformat(end) + timedelta(days=1), datetime.min.time(),
                                           timezone.utc):
                return False
        elif created > moment(end):
            return False
    if "tags" in params:
        wanted, tags = set(any_of("tags")), set(lesson.get("tags", []))
        if not (wanted & tags if params.get("tags_mode") == "any" else wanted <= tags):
            return False
    if "action_status" in params:
        statuses = set(any_of("action_status"))
        if not any(item["status"] in statuses for item in lesson.get("action_items", [])):
            return False
    return True


def selected(lessons: list[dict], params: dict) -> list[dict]:
    return [lesson for lesson in lessons if matches(lesson, params)]


def get(client, auth, path: str, params: dict | None = None):
    return client.get(f"{URL}/{path}", query_string=params or {}, headers=auth("reader"))


def ok(client, auth, path: str, params: dict | None = None):
    answer = get(client, auth, path, params)
    assert answer.status_code == 200, answer.json
    return answer.json


# by_category -------------------------------------------------------------------------------------

@pytest.mark.parametrize("params", FILTERS, ids=filter_id)
def test_by_category_counts_every_category(data_client, dataset, auth, params):
    expected = Counter(lesson["category"] for lesson in selected(dataset[1], params))
    answer = ok(data_client, auth, "by_category", params)
    assert answer == {category: expected.get(category, 0) for category in CATEGORIES}


def test_by_category_has_all_four_keys_when_nothing_matches(data_client, auth):
    assert ok(data_client, auth, "by_category", {"component": "no_such_component"}) == dict.fromkeys(CATEGORIES, 0)


# severity_trend ----------------------------------------------------------------------------------

def period_key(day: date, period: str) -> str:
    if period == "weekly":
        year, week, _ = day.isocalendar()
        return f"{year}-W{week:02d}"
    if period == "monthly":
        return f"{day.year}-{day.month:02d}"
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def expected_trend(lessons: list[dict], params: dict, period: str) -> dict:
    chosen = selected(lessons, params)
    days = [moment(lesson["timestamp_created"]).date() for lesson in chosen]
    first = date.fromisoformat(params["from"][:10]) if "from" in params else min(days, default=None)
    last = date.fromisoformat(params["to"][:10]) if "to" in params else max(days, default=None)
    if first is None or last is None:
        return {}
    trend: dict = {}
    day = first
    while day <= last:  # every period the range touches, in time order
        trend.setdefault(period_key(day, period), dict.fromkeys(SEVERITIES, 0))
        day += timedelta(days=1)
    for lesson, created in zip(chosen, days):
        trend[period_key(created, period)][lesson["severity"]] += 1
    return trend


@pytest.mark.parametrize("period", ["weekly", "monthly", "quarterly"])
@pytest.mark.parametrize("params", FILTERS, ids=filter_id)
def test_severity_trend_matches_the_oracle(data_client, dataset, auth, params, period):
    answer = get(data_client, auth, "severity_trend", {**params, "period": period})
    assert answer.status_code == 200, answer.json
    expected = expected_trend(dataset[1], params, period)
    assert list(answer.json) == list(expected)  # the same keys in time order (the body's own order)
    assert answer.json == expected


def test_monthly_is_the_default_period(data_client, auth):
    params = {"from": "2026-01-01", "to": "2026-03-31"}
    assert list(ok(data_client, auth, "severity_trend", params)) == ["2026-01", "2026-02", "2026-03"]


def test_sparse_trends_fill_the_empty_periods_with_zeros(data_client, dataset, auth):
    params = {"component": "dns", "severity": "CRITICAL"}
    answer = ok(data_client, auth, "severity_trend", {**params, "period": "weekly"})
    empty = [key for key, counts in answer.items() if not any(counts.values())]
    assert empty and len(answer) > len(empty)
    assert answer == expected_trend(dataset[1], params, "weekly")


def test_a_range_without_lessons_is_all_zeros_and_an_open_one_is_empty(data_client, auth):
    answer = ok(data_client, auth, "severity_trend", {"from": "2030-01-01", "to": "2030-09-30", "period": "quarterly"})
    assert answer == {f"2030-Q{q}": dict.fromkeys(SEVERITIES, 0) for q in (1, 2, 3)}
    assert ok(data_client, auth, "severity_trend", {"from": "2030-01-01"}) == {}
    assert ok(data_client, auth, "severity_trend", {"component": "no_such_component"}) == {}


def test_weekly_keys_are_iso_weeks_across_the_new_year(data_client, dataset, auth):
    params = {"from": "2025-12-22", "to": "2026-01-11", "period": "weekly"}
    answer = ok(data_client, auth, "severity_trend", params)
    assert list(answer) == ["2025-W52", "2026-W01", "2026-W02"]


def test_too_many_buckets_is_a_422_naming_the_period(data_client, auth):
    answer = get(data_client, auth, "severity_trend", {"from": "1026-01-01", "to": "2026-01-01", "period": "weekly"})
    assert answer.status_code == 422
    assert "period" in answer.json["errors"] and "more than" in answer.json["errors"]["period"][0]


# top_components ----------------------------------------------------------------------------------

def expected_top(lessons: list[dict], params: dict, limit: int) -> list[dict]:
    counts = Counter(lesson["component"] for lesson in selected(lessons, params))
    ranked = sorted(counts.items(), key=lambda pair: (-pair[1], pair[0]))
    return [{"component": name, "count": count} for name, count in ranked[:limit]]


@pytest.mark.parametrize("params", FILTERS, ids=filter_id)
def test_top_components_by_count_then_name(data_client, dataset, auth, params):
    assert ok(data_client, auth, "top_components", params) == expected_top(dataset[1], params, 10)


@pytest.mark.parametrize("limit", [1, 3, 21, 100])
def test_top_components_limit(data_client, dataset, auth, limit):
    answer = ok(data_client, auth, "top_components", {"limit": limit})
    assert answer == expected_top(dataset[1], {}, limit)


def test_top_components_ties_are_ordered_by_name(data_client, dataset, auth):
    params = {"severity": "CRITICAL", "category": "SECURITY"}
    answer = ok(data_client, auth, "top_components", {**params, "limit": 100})
    counts = [entry["count"] for entry in answer]
    assert len(set(counts)) < len(counts), "the scenario needs a tie"
    assert answer == sorted(answer, key=lambda entry: (-entry["count"], entry["component"]))
    assert answer == expected_top(dataset[1], params, 100)


# bad input ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("path, params, field", [
    ("severity_trend", {"period": "daily"}, "period"),
    ("severity_trend", {"period": ""}, "period"),
    ("top_components", {"limit": 0}, "limit"),
    ("top_components", {"limit": 101}, "limit"),
    ("top_components", {"limit": "ten"}, "limit"),
    ("by_category", {"category": "FUN"}, "category"),
    ("by_category", {"severity": "URGENT"}, "severity"),
    ("by_category", {"action_status": "DONE"}, "action_status"),
    ("by_category", {"component": "Health Check"}, "component"),
    ("by_category", {"tags_mode": "some"}, "tags_mode"),
    ("by_category", {"from": "2026-02-01", "to": "2026-01-01"}, "from"),
    ("by_category", {"from": "yesterday"}, "from"),
    ("by_category", {"to": "2026-02-30"}, "to"),
    ("by_category", {"to": "99999-12-31"}, "to"),
    ("by_category", {"colour": "red"}, "colour"),
    ("severity_trend", {"page_size": 5}, "page_size"),
    ("top_components", {"search": "rollback"}, "search"),
    ("overdue_actions", {"limit": 1001}, "limit"),
    ("overdue_actions", {"limit": -1}, "limit"),
    ("action_items", {"limit": 5}, "limit"),
    ("mttr", {"group_by": "category"}, "group_by"),
    ("mttr", {"limit": 0}, "limit"),
    ("mttr", {"period": "weekly"}, "period"),
])
def test_bad_arguments_are_422_naming_the_field(data_client, auth, path, params, field):
    answer = get(data_client, auth, path, params)
    assert answer.status_code == 422, answer.json
    assert field in answer.json["errors"], answer.json
    assert answer.json["code"] == 422 and field in answer.json["message"]


@pytest.mark.parametrize("path", ["by_category", "severity_trend", "top_components", "overdue_actions",
                                  "action_items", "mttr"])
def test_stats_need_a_key_and_any_role_may_read_them(data_client, auth, path):
    assert data_client.get(f"{URL}/{path}").status_code == 401
    for role in ("reader", "psa", "admin"):
        assert data_client.get(f"{URL}/{path}", headers=auth(role)).status_code == 200
