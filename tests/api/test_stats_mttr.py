"""How long incidents take to detect and resolve, overall and per severity or component: averages
exact, percentiles within the engine's TDigest tolerance, against the generated lessons."""

from __future__ import annotations

import math
from collections import Counter

import pytest
from test_stats import FILTERS, filter_id, ok, selected

from llsearch.model.durations import parse_duration_seconds

METRICS = ("time_to_detect", "time_to_resolve")
SEVERITIES = ["CRITICAL", "HIGH", "MEDIUM", "LOW"]


def percentile_bounds(values: list[float], p: float) -> tuple[float, float]:
    """Where an estimate of the p-th percentile may fall: between the values one rank either side
    of the exact rank (definitions differ in how they interpolate), widened by 2% of the range
    for TDigest's approximation on large groups."""
    ordered = sorted(values)
    rank = (len(ordered) - 1) * p / 100
    low, high = max(0, math.floor(rank) - 1), min(len(ordered) - 1, math.ceil(rank) + 1)
    slack = 0.02 * (ordered[-1] - ordered[0])
    return ordered[low] - slack, ordered[high] + slack


def assert_summary(summary: dict, lessons: list[dict], metric: str):
    values = [parse_duration_seconds(lesson["metrics"][metric]) for lesson in lessons
              if lesson.get("metrics", {}).get(metric)]
    assert summary["count"] == len(values)
    if not values:
        assert all(summary[key] is None for key in ("avg", "min", "max", "p50", "p90", "p95"))
        return
    assert summary["avg"] == pytest.approx(sum(values) / len(values), rel=1e-9)
    assert (summary["min"], summary["max"]) == (min(values), max(values))
    for p in (50, 90, 95):
        low, high = percentile_bounds(values, p)
        assert low <= summary[f"p{p}"] <= high, (metric, p, summary[f"p{p}"], low, high)


def assert_group(group: dict, lessons: list[dict]):
    assert group["lessons"] == len(lessons)
    for metric in METRICS:
        assert_summary(group[metric], lessons, metric)


@pytest.mark.parametrize("params", FILTERS, ids=filter_id)
def test_mttr_per_severity(data_client, dataset, auth, params):
    chosen = selected(dataset[1], params)
    answer = ok(data_client, auth, "mttr", params)
    assert answer["group_by"] == "severity"
    assert_group(answer["overall"], chosen)
    assert [group["key"] for group in answer["groups"]] == SEVERITIES
    for group in answer["groups"]:
        assert_group(group, [lesson for lesson in chosen if lesson["severity"] == group["key"]])


@pytest.mark.parametrize("params", [{}, {"category": "SECURITY"}, {"from": "2026-01-01", "to": "2026-06-30"}],
                         ids=filter_id)
def test_mttr_per_component_top_by_lessons(data_client, dataset, auth, params):
    chosen = selected(dataset[1], params)
    answer = ok(data_client, auth, "mttr", {**params, "group_by": "component", "limit": 5})
    counts = Counter(lesson["component"] for lesson in chosen)
    top = sorted(counts.items(), key=lambda pair: (-pair[1], pair[0]))[:5]
    assert [(group["key"], group["lessons"]) for group in answer["groups"]] == top
    assert_group(answer["overall"], chosen)
    for group in answer["groups"]:
        assert_group(group, [lesson for lesson in chosen if lesson["component"] == group["key"]])


def test_mttr_of_nothing_is_null_not_zero(data_client, auth):
    answer = ok(data_client, auth, "mttr", {"component": "no_such_component"})
    assert answer["overall"]["lessons"] == 0
    assert answer["overall"]["time_to_detect"] == {"count": 0, "avg": None, "min": None, "max": None,
                                                   "p50": None, "p90": None, "p95": None}
    assert [group["lessons"] for group in answer["groups"]] == [0, 0, 0, 0]
