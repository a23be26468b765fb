"""Demo data: realistic, varied, deterministic lessons that the import schema accepts as they are."""

import time
from collections import Counter
from datetime import datetime, timedelta, timezone

import pytest

from llsearch.model.demo import demo_months, generate_lessons, iter_lessons, months_before
from llsearch.model.enums import ACTION_STATUSES, CATEGORIES, SEVERITIES
from llsearch.model.ids import parse_lesson_id
from llsearch.model.lesson import ImportedLessonSchema
from llsearch.model.stored import is_complete_for_approval

NOW = datetime(2026, 2, 1, 12, 0, tzinfo=timezone.utc)


@pytest.fixture(scope="module")
def lessons():
    return generate_lessons(3000, seed=7, now=NOW)


def test_every_demo_lesson_is_a_valid_import_in_canonical_form(lessons):
    schema = ImportedLessonSchema()
    for lesson in lessons:
        assert schema.load(lesson) == lesson


def test_the_same_seed_gives_the_same_lessons_and_another_seed_others(lessons):
    assert generate_lessons(3000, seed=7, now=NOW) == lessons
    assert generate_lessons(50, seed=8, now=NOW) != lessons[:50]
    assert list(iter_lessons(20, seed=7, now=NOW)) == generate_lessons(20, seed=7, now=NOW)


def test_lessons_spread_over_the_36_months_before_now(lessons):
    created = [datetime.fromisoformat(lesson["timestamp_created"]) for lesson in lessons]
    assert created == sorted(created)
    assert min(created) >= NOW.replace(year=2023) and max(created) < NOW
    months = {moment.strftime("%Y-%m") for moment in created}
    assert len(months) >= 36


def test_demo_months_name_every_month_a_lesson_falls_in(lessons):
    months = [moment.strftime("%Y-%m") for moment in demo_months(NOW)]
    assert months == sorted(set(months)) and len(months) == 37
    assert {lesson["timestamp_created"][:7] for lesson in lessons} <= set(months)


def test_ids_are_numbered_per_creation_day_without_gaps(lessons):
    per_day: dict = {}
    for lesson in lessons:
        day, number = parse_lesson_id(lesson["id"])
        assert day.isoformat() == lesson["timestamp_created"][:10]
        per_day.setdefault(day, []).append(number)
    assert all(numbers == list(range(1, len(numbers) + 1)) for numbers in per_day.values())


def test_every_category_severity_and_status_appears_with_few_critical(lessons):
    severities = Counter(lesson["severity"] for lesson in lessons)
    assert set(severities) == set(SEVERITIES)
    assert severities["CRITICAL"] < severities["HIGH"] < severities["MEDIUM"]
    assert set(Counter(lesson["category"] for lesson in lessons)) == set(CATEGORIES)
    items = [item for lesson in lessons for item in lesson.get("action_items", [])]
    assert set(Counter(item["status"] for item in items)) == set(ACTION_STATUSES)
    assert all(("completion_date" in item) == (item["status"] == "COMPLETED") for item in items)
    assert {len(lesson.get("action_items", [])) for lesson in lessons} == {0, 1, 2, 3, 4}
    due = [item["due_date"] for item in items]
    assert min(due) < NOW.date().isoformat() < max(due), "past and future due dates"


def test_lessons_are_varied_and_bilingual(lessons):
    assert len({lesson["component"] for lesson in lessons}) >= 18
    assert len({lesson["title"] for lesson in lessons}) > 1000
    assert any("Por quê?" in lesson.get("root_cause", "") for lesson in lessons)
    assert any("Why?" in lesson.get("root_cause", "") for lesson in lessons)
    assert any("rollback" in lesson["title"].lower() for lesson in lessons)
    assert any({"prometheus", "monitoring"} <= set(lesson["tags"]) for lesson in lessons)
    approved = [lesson for lesson in lessons if "approver" in lesson]
    assert 0 < len(approved) < len(lessons)
    assert all(is_complete_for_approval(lesson) == [] for lesson in approved)
    assert all(lesson["timestamp_created"] <= lesson["approval_date"] <= lesson["updated_at"] for lesson in approved)
    assert any("metrics" in lesson and "follow_up" in lesson and "references" in lesson for lesson in lessons)


def test_now_must_be_aware_and_count_not_negative():
    with pytest.raises(ValueError, match="aware"):
        generate_lessons(1, seed=1, now=datetime(2026, 2, 1))
    with pytest.raises(ValueError, match="count"):
        generate_lessons(-1, seed=1, now=NOW)
    assert generate_lessons(0, seed=1, now=NOW) == []


def test_months_before_clips_to_the_end_of_the_month():
    assert months_before(datetime(2026, 3, 31, tzinfo=timezone.utc), 1) == datetime(2026, 2, 28, tzinfo=timezone.utc)
    assert months_before(datetime(2024, 2, 29, tzinfo=timezone.utc), 12) == datetime(2023, 2, 28, tzinfo=timezone.utc)
    assert months_before(datetime(2026, 1, 15, tzinfo=timezone.utc), 36) == datetime(2023, 1, 15, tzinfo=timezone.utc)


def test_generation_is_fast():
    started = time.process_time()
    generate_lessons(10_000, seed=1, now=NOW + timedelta(days=1))
    assert time.process_time() - started < 5, "10,000 lessons should take well under a second or two"
