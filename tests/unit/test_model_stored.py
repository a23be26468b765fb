"""The engine's copy of a lesson carries numbers dashboards can aggregate, and converts back exactly."""

from datetime import datetime, timezone

import pytest

from llsearch.model.demo import generate_lessons
from llsearch.model.stored import (
    DERIVED_FIELDS,
    from_stored,
    is_complete_for_approval,
    percentage_value,
    to_stored,
)

LESSON = {
    "id": "LL-2026-02-01-001",
    "title": "t",
    "metrics": {"time_to_detect": "PT2H30M", "time_to_resolve": "PT0.5S", "success_rate_prevention": "87.5%",
                "business_impact_usd": 50000},
}


def test_durations_and_percentages_get_numeric_twins():
    stored = to_stored(LESSON)
    assert stored["metrics"] == {**LESSON["metrics"], "time_to_detect_seconds": 9000,
                                 "time_to_resolve_seconds": 0.5, "success_rate_prevention_pct": 87.5}
    assert "time_to_detect_seconds" not in LESSON["metrics"], "the input is left alone"
    assert sorted(DERIVED_FIELDS) == sorted(f"metrics.{key}" for key in stored["metrics"]
                                            if key.endswith(("_seconds", "_pct")))


def test_the_api_document_comes_back_exactly():
    assert from_stored(to_stored(LESSON)) == LESSON
    assert from_stored(to_stored({"title": "no metrics"})) == {"title": "no metrics"}
    assert from_stored(to_stored({"metrics": {}})) == {"metrics": {}}


def test_demo_lessons_round_trip_through_the_engine_shape():
    for lesson in generate_lessons(300, seed=3, now=datetime(2026, 2, 1, tzinfo=timezone.utc)):
        assert from_stored(to_stored(lesson)) == lesson


@pytest.mark.parametrize("text, value", [("0%", 0.0), ("100%", 100.0), ("87.5%", 87.5)])
def test_percentage_values(text, value):
    assert percentage_value(text) == value


@pytest.mark.parametrize("text", ["50", "abc%", "101%", 50])
def test_bad_percentages(text):
    with pytest.raises(ValueError):
        percentage_value(text)


def test_a_lesson_needs_root_cause_solution_and_prevention_to_be_approved():
    assert is_complete_for_approval({}) == ["root_cause", "solution", "prevention"]
    assert is_complete_for_approval({"root_cause": "x", "solution": "  \n", "prevention": None}) == [
        "solution", "prevention"]
    assert is_complete_for_approval({"root_cause": "x", "solution": "y", "prevention": "z"}) == []
