"""Lesson ids and action-item ids, as the server assigns and the importer keeps them."""

from datetime import date, datetime

import pytest

from llsearch.model.ids import (
    LESSON_ID_PATTERN,
    assign_action_item_ids,
    format_action_item_id,
    format_lesson_id,
    highest_action_item_number,
    is_action_item_id,
    is_lesson_id,
    parse_action_item_id,
    parse_lesson_id,
)


def test_the_first_lessons_of_a_day_are_zero_padded_to_three_digits():
    assert format_lesson_id(date(2026, 1, 31), 1) == "LL-2026-01-31-001"
    assert format_lesson_id(date(2026, 1, 31), 42) == "LL-2026-01-31-042"
    assert format_lesson_id(date(2026, 1, 31), 999) == "LL-2026-01-31-999"


def test_a_busy_day_goes_past_999_with_more_digits():
    assert format_lesson_id(date(2026, 1, 31), 1000) == "LL-2026-01-31-1000"
    assert parse_lesson_id("LL-2026-01-31-1000") == (date(2026, 1, 31), 1000)


def test_an_id_reads_back_as_its_day_and_number():
    assert parse_lesson_id("LL-2026-02-01-007") == (date(2026, 2, 1), 7)


@pytest.mark.parametrize("bad_day, bad_n", [(datetime(2026, 1, 1), 1), ("2026-01-01", 1)])
def test_formatting_wants_a_plain_date(bad_day, bad_n):
    with pytest.raises(TypeError):
        format_lesson_id(bad_day, bad_n)


@pytest.mark.parametrize("n", [0, -1])
def test_numbers_start_at_one(n):
    with pytest.raises(ValueError, match="start at 1"):
        format_lesson_id(date(2026, 1, 1), n)


@pytest.mark.parametrize("n", [True, 1.0, "1"])
def test_numbers_are_integers(n):
    with pytest.raises(TypeError):
        format_lesson_id(date(2026, 1, 1), n)


@pytest.mark.parametrize(
    "text",
    [
        "", "LL-2026-01-31", "LL-2026-01-31-01", "LL-2026-01-31-000", "LL-2026-01-31-0001",
        "ll-2026-01-31-001", "LL-2026-1-31-001", "LL-2026-01-31-001\n", " LL-2026-01-31-001",
        "LL-2026-01-31-00a", "XX-2026-01-31-001", "LL-٢٠٢٦-01-31-001",
    ],
)
def test_malformed_ids_are_refused(text):
    with pytest.raises(ValueError, match="expected LL-YYYY-MM-DD-NNN"):
        parse_lesson_id(text)
    assert not is_lesson_id(text)


@pytest.mark.parametrize("text", ["LL-2026-02-30-001", "LL-2026-13-01-001", "LL-0000-01-01-001"])
def test_ids_with_impossible_dates_are_refused(text):
    with pytest.raises(ValueError, match="not a calendar date"):
        parse_lesson_id(text)


def test_non_strings_are_not_ids():
    assert not is_lesson_id(None)
    assert not is_lesson_id(20260131001)
    assert is_lesson_id("LL-2024-02-29-001")


def test_the_pattern_is_published_for_openapi():
    assert LESSON_ID_PATTERN.startswith("^") and LESSON_ID_PATTERN.endswith("$")


def test_action_item_ids():
    assert format_action_item_id(3) == "A3"
    assert parse_action_item_id("A12") == 12
    assert is_action_item_id("A1") and not is_action_item_id("A0") and not is_action_item_id(1)
    for bad in ("A0", "a1", "A01", "B1", "", None):
        with pytest.raises(ValueError):
            parse_action_item_id(bad)
    with pytest.raises(ValueError):
        format_action_item_id(0)


def test_items_without_ids_are_numbered_in_order():
    items = [{"action": "one"}, {"action": "two"}]
    assert assign_action_item_ids(items) == [{"action": "one", "id": "A1"}, {"action": "two", "id": "A2"}]
    assert items == [{"action": "one"}, {"action": "two"}], "the input is left alone"


def test_new_items_are_numbered_after_the_highest_existing_id():
    items = [{"action": "new"}, {"id": "A4", "action": "kept"}, {"id": None, "action": "also new"}]
    assert [item["id"] for item in assign_action_item_ids(items)] == ["A5", "A4", "A6"]


def test_numbers_issued_before_are_never_reused():
    # A3 was deleted; the caller knows this lesson already issued up to 3.
    items = [{"id": "A1", "action": "a"}, {"id": "A2", "action": "b"}, {"action": "new"}]
    assert assign_action_item_ids(items, highest_issued=3)[2]["id"] == "A4"
    assert highest_action_item_number(items) == 2
    assert highest_action_item_number([]) == 0


def test_importing_the_same_items_twice_gives_the_same_ids():
    items = [{"action": "a"}, {"action": "b", "id": "A7"}, {"action": "c"}]
    assert assign_action_item_ids(items) == assign_action_item_ids(items)


def test_a_malformed_existing_id_is_an_error():
    with pytest.raises(ValueError):
        assign_action_item_ids([{"id": "X1", "action": "a"}])
