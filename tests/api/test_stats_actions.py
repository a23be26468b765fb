"""A team lead looks at the action items: which are overdue and for how long, and how the open
ones are spread over due dates; checked against the generated lessons with the clock pinned."""

from __future__ import annotations

import uuid
from collections import Counter
from datetime import date, datetime, timedelta, timezone

import pytest
from conftest import DATASET_NOW
from test_stats import FILTERS, filter_id, get, ok, selected

TODAY = date.fromisoformat(DATASET_NOW[:10])
STATUSES = ["OPEN", "IN_PROGRESS", "COMPLETED"]


def items_of(lessons: list[dict], params: dict):
    """(lesson, item) pairs the stats count: the selected lessons' items, only those in the
    `action_status` statuses when that filter is given."""
    statuses = set(params["action_status"].split(",")) if "action_status" in params else set(STATUSES)
    for lesson in selected(lessons, params):
        for item in lesson.get("action_items", []):
            if item["status"] in statuses:
                yield lesson, item


def expected_overdue(lessons: list[dict], params: dict, today: date) -> list[dict]:
    overdue = [
        {"lesson_id": lesson["id"], "title": lesson["title"], "component": lesson["component"],
         "action_item_id": item["id"], "action": item["action"], "owner": item.get("owner"),
         "due_date": item["due_date"], "status": item["status"],
         "days_overdue": (today - date.fromisoformat(item["due_date"])).days}
        for lesson, item in items_of(lessons, params)
        if item["status"] != "COMPLETED" and item.get("due_date") and date.fromisoformat(item["due_date"]) < today
    ]
    return sorted(overdue, key=lambda entry: (entry["due_date"], entry["lesson_id"], entry["action_item_id"]))


@pytest.mark.parametrize("params", FILTERS, ids=filter_id)
def test_overdue_actions_count_all_and_list_the_oldest(data_client, dataset, auth, params):
    expected = expected_overdue(dataset[1], params, TODAY)
    answer = ok(data_client, auth, "overdue_actions", {**params, "limit": 50})
    assert answer["overdue_count"] == len(expected)
    assert answer["items"] == expected[:50]


def test_overdue_limit_lists_up_to_a_thousand_and_zero_only_counts(data_client, dataset, auth):
    expected = expected_overdue(dataset[1], {}, TODAY)
    assert len(expected) > 1000
    answer = ok(data_client, auth, "overdue_actions", {"limit": 1000})
    assert answer["overdue_count"] == len(expected) and answer["items"] == expected[:1000]
    default = ok(data_client, auth, "overdue_actions")
    assert default["items"] == expected[:100]
    assert ok(data_client, auth, "overdue_actions", {"limit": 0}) == {"overdue_count": len(expected), "items": []}


def test_overdue_is_exact_for_the_few_of_one_component(data_client, dataset, auth):
    params = {"component": "grafana", "severity": "CRITICAL", "action_status": "IN_PROGRESS"}
    expected = expected_overdue(dataset[1], params, TODAY)
    answer = ok(data_client, auth, "overdue_actions", params)
    assert answer == {"overdue_count": len(expected), "items": expected}
    assert all(item["status"] == "IN_PROGRESS" and item["days_overdue"] >= 1 for item in answer["items"])


def expected_action_items(lessons: list[dict], params: dict, today: date) -> dict:
    status = Counter()
    ages = Counter()
    for _, item in items_of(lessons, params):
        status[item["status"]] += 1
        if item["status"] == "COMPLETED":
            continue
        if not item.get("due_date"):
            ages["no_due_date"] += 1
            continue
        late = (today - date.fromisoformat(item["due_date"])).days  # > 0: overdue by that many days
        if late > 30:
            ages["overdue_over_30_days"] += 1
        elif late >= 8:
            ages["overdue_8_to_30_days"] += 1
        elif late >= 1:
            ages["overdue_1_to_7_days"] += 1
        elif late >= -7:
            ages["due_within_7_days"] += 1
        else:
            ages["due_later"] += 1
    buckets = ["overdue_over_30_days", "overdue_8_to_30_days", "overdue_1_to_7_days", "due_within_7_days",
               "due_later", "no_due_date"]
    return {
        "as_of": today.isoformat(),
        "total": sum(status.values()),
        "by_status": {name: status.get(name, 0) for name in STATUSES},
        "not_completed": sum(ages.values()),
        "not_completed_by_age": {name: ages.get(name, 0) for name in buckets},
    }


@pytest.mark.parametrize("params", FILTERS, ids=filter_id)
def test_action_items_by_status_and_age(data_client, dataset, auth, params):
    assert ok(data_client, auth, "action_items", params) == expected_action_items(dataset[1], params, TODAY)


def test_every_age_bucket_is_used_by_the_dataset(data_client, auth):
    ages = ok(data_client, auth, "action_items")["not_completed_by_age"]
    assert all(ages[name] > 0 for name in ages if name != "no_due_date")


# A team of our own, on the service's main indices, with the clock pinned ---------------------------

NOW = datetime(2026, 3, 10, 15, 45, tzinfo=timezone.utc)


@pytest.fixture
def pinned(app):
    runtime = app.extensions["llsearch"]
    previous = runtime.clock
    runtime.clock = lambda: NOW
    yield runtime
    runtime.clock = previous


def due(days: int) -> str:
    return (NOW.date() + timedelta(days=days)).isoformat()


@pytest.fixture
def team(client, auth, pinned):
    """One lesson whose items sit on every edge: due today, yesterday, 7, 8, 30 and 31 days ago,
    in 7 and 8 days, without a due date, and a completed one long overdue."""
    component = f"statsprobe_{uuid.uuid4().hex[:8]}"
    items = [
        {"action": "due today", "due_date": due(0)},
        {"action": "due yesterday", "due_date": due(-1), "status": "IN_PROGRESS"},
        {"action": "7 days late", "due_date": due(-7)},
        {"action": "8 days late", "due_date": due(-8)},
        {"action": "30 days late", "due_date": due(-30)},
        {"action": "31 days late", "due_date": due(-31), "owner": "Ana Souza"},
        {"action": "due in 7 days", "due_date": due(7)},
        {"action": "due in 8 days", "due_date": due(8)},
        {"action": "whenever"},
        {"action": "done long ago", "due_date": due(-60), "status": "COMPLETED", "completion_date": due(-61)},
    ]
    body = {"category": "PROCESS", "severity": "LOW", "component": component, "title": "Edges of the calendar",
            "situation": "Action items due on every edge.", "action_items": items}
    answer = client.post("/api/lessons-learned", json=body, headers=auth("psa"))
    assert answer.status_code == 201, answer.json
    return component, answer.json


def test_overdue_means_before_today_and_not_completed(client, auth, team):
    component, lesson = team
    answer = ok(client, auth, "overdue_actions", {"component": component})
    assert answer["overdue_count"] == 5
    assert [(item["action"], item["days_overdue"]) for item in answer["items"]] == [
        ("31 days late", 31), ("30 days late", 30), ("8 days late", 8), ("7 days late", 7), ("due yesterday", 1)]
    first = answer["items"][0]
    assert first == {"lesson_id": lesson["id"], "title": "Edges of the calendar", "component": component,
                     "action_item_id": "A6", "action": "31 days late", "owner": "Ana Souza",
                     "due_date": due(-31), "status": "OPEN", "days_overdue": 31}
    assert ok(client, auth, "overdue_actions", {"component": component, "action_status": "IN_PROGRESS"}) == {
        "overdue_count": 1, "items": [answer["items"][-1]]}


def test_age_buckets_have_the_documented_edges(client, auth, team):
    component, _ = team
    answer = ok(client, auth, "action_items", {"component": component})
    assert answer == {
        "as_of": "2026-03-10", "total": 10,
        "by_status": {"OPEN": 8, "IN_PROGRESS": 1, "COMPLETED": 1},
        "not_completed": 9,
        "not_completed_by_age": {"overdue_over_30_days": 1, "overdue_8_to_30_days": 2, "overdue_1_to_7_days": 2,
                                 "due_within_7_days": 2, "due_later": 1, "no_due_date": 1},
    }


def test_a_day_later_every_item_has_aged(client, auth, team, pinned):
    component, _ = team
    pinned.clock = lambda: NOW + timedelta(days=1)
    answer = ok(client, auth, "overdue_actions", {"component": component})
    assert answer["overdue_count"] == 6
    assert [item["days_overdue"] for item in answer["items"]] == [32, 31, 9, 8, 2, 1]
