"""Lesson ids (``LL-YYYY-MM-DD-NNN``) and action-item ids (``A1``, ``A2``, …)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date, datetime

#: NNN is at least three digits, zero-padded below 100, never 000 and never
#: zero-padded beyond three digits, so every id has exactly one spelling.
LESSON_ID_PATTERN = r"^LL-([0-9]{4})-([0-9]{2})-([0-9]{2})-(00[1-9]|0[1-9][0-9]|[1-9][0-9]{2,})$"
ACTION_ITEM_ID_PATTERN = r"^A[1-9][0-9]*$"

_LESSON_ID_RE = re.compile(LESSON_ID_PATTERN)
_ACTION_ITEM_ID_RE = re.compile(ACTION_ITEM_ID_PATTERN)


def format_lesson_id(day: date, n: int) -> str:
    """Return the id of the ``n``-th lesson (1-based) created on ``day`` (a UTC day)."""
    if isinstance(day, datetime) or not isinstance(day, date):
        raise TypeError(f"day must be a date (the UTC creation day), not {type(day).__name__}")
    if isinstance(n, bool) or not isinstance(n, int):
        raise TypeError(f"n must be an int, not {type(n).__name__}")
    if n < 1:
        raise ValueError(f"lesson numbers start at 1, got {n}")
    return f"LL-{day.isoformat()}-{n:03d}"


def parse_lesson_id(s: str) -> tuple[date, int]:
    """Split a lesson id into its creation day and its number; ValueError if malformed."""
    match = _LESSON_ID_RE.fullmatch(s) if isinstance(s, str) else None
    if match is None:
        raise ValueError(f"not a lesson id: expected LL-YYYY-MM-DD-NNN, got {s!r}")
    year, month, day, number = match.groups()
    try:
        created = date(int(year), int(month), int(day))
    except ValueError:
        raise ValueError(
            f"not a lesson id: {year}-{month}-{day} in {s!r} is not a calendar date"
        ) from None
    return created, int(number)


def is_lesson_id(s: object) -> bool:
    """True when ``s`` is a well-formed lesson id with a real calendar date."""
    try:
        parse_lesson_id(s)  # type: ignore[arg-type]
    except ValueError:
        return False
    return True


def format_action_item_id(n: int) -> str:
    """Return the id of the ``n``-th action item of a lesson (``A1`` for 1)."""
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise ValueError(f"action item numbers are integers from 1, got {n!r}")
    return f"A{n}"


def parse_action_item_id(s: str) -> int:
    """Return the number of an action-item id (3 for ``A3``); ValueError if malformed."""
    if not isinstance(s, str) or _ACTION_ITEM_ID_RE.fullmatch(s) is None:
        raise ValueError(f"not an action item id: expected A1, A2, …, got {s!r}")
    return int(s[1:])


def is_action_item_id(s: object) -> bool:
    """True when ``s`` is a well-formed action-item id."""
    return isinstance(s, str) and _ACTION_ITEM_ID_RE.fullmatch(s) is not None


def highest_action_item_number(items: Iterable[Mapping]) -> int:
    """The highest number among the items' ids, 0 when none has one."""
    numbers = [parse_action_item_id(item["id"]) for item in items if item.get("id")]
    return max(numbers, default=0)


def assign_action_item_ids(items: Iterable[Mapping], highest_issued: int = 0) -> list[dict]:
    """Return copies of ``items`` where each item lacking an ``id`` gets the next free one.

    New ids are numbered after the highest existing id (and after ``highest_issued``,
    the highest number this lesson ever issued, when the caller keeps track of it), in
    list order, so the same input always gets the same ids. Existing ids are kept.
    """
    copies = [dict(item) for item in items]
    next_number = max(highest_action_item_number(copies), highest_issued) + 1
    for item in copies:
        if not item.get("id"):
            item["id"] = format_action_item_id(next_number)
            next_number += 1
    return copies
