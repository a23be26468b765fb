"""The rules of a lesson's life: creation, merge-patch updates, approval, action-item changes.

Pure functions over API documents; the caller validates input and stores the result.
"""

from __future__ import annotations

from datetime import date, datetime

from llsearch.model.dates import format_datetime
from llsearch.model.ids import assign_action_item_ids, highest_action_item_number
from llsearch.model.lesson_parts import apply_action_item_status, fill_completion_dates
from llsearch.model.stored import is_complete_for_approval

SERVER_FIELDS = frozenset({"id", "timestamp_created", "updated_at", "version", "approver", "approval_date"})


class RuleViolation(ValueError):
    """A change the lesson's state does not allow (the API answers 409)."""


def new_lesson(data: dict, now: datetime) -> dict:
    """A validated create body plus what the server owns (the id is added when stored)."""
    stamp = format_datetime(now)
    lesson = {**data, "timestamp_created": stamp, "updated_at": stamp, "version": 1}
    if "action_items" in lesson:
        lesson["action_items"] = fill_completion_dates(assign_action_item_ids(lesson["action_items"]), now.date())
    return lesson


def editable_part(lesson: dict) -> dict:
    """What a client may change: everything except the server-owned fields."""
    return {key: value for key, value in lesson.items() if key not in SERVER_FIELDS}


def merge_patch(target: dict, patch: dict) -> dict:
    """RFC 7386 JSON merge patch: objects merge, `null` removes, anything else replaces."""
    result = dict(target)
    for key, value in patch.items():
        if value is None:
            result.pop(key, None)
        elif isinstance(value, dict) and isinstance(result.get(key), dict):
            result[key] = merge_patch(result[key], value)
        else:
            result[key] = value
    return result


def updated_lesson(current: dict, validated: dict, now: datetime) -> dict:
    """The new version of `current` whose editable part is `validated`."""
    kept = {key: current[key] for key in SERVER_FIELDS if key in current}
    lesson = {**validated, **kept, "updated_at": format_datetime(now), "version": current.get("version", 1) + 1}
    if "action_items" in lesson:
        highest = highest_action_item_number(current.get("action_items", []))
        items = assign_action_item_ids(lesson["action_items"], highest_issued=highest)
        lesson["action_items"] = fill_completion_dates(items, now.date())
    return lesson


def approved_lesson(lesson: dict, approver: str, now: datetime, allow_self_approval: bool) -> dict:
    """`lesson` approved by `approver`; RuleViolation when that is not allowed."""
    if lesson.get("approver"):
        raise RuleViolation(f"lesson {lesson['id']} was already approved by {lesson['approver']}")
    missing = is_complete_for_approval(lesson)
    if missing:
        raise RuleViolation(f"lesson {lesson['id']} is incomplete: {', '.join(missing)} must not be empty")
    author = str(lesson.get("author") or "").strip().casefold()
    if author and author == approver.strip().casefold() and not allow_self_approval:
        raise PermissionError(f"{approver} is the author of {lesson['id']} and cannot approve it")
    stamp = format_datetime(now)
    return {**lesson, "approver": approver, "approval_date": stamp, "updated_at": stamp,
            "version": lesson.get("version", 1) + 1}


def with_action_item(lesson: dict, item_id: str, changes: dict, now: datetime) -> dict:
    """`lesson` with one action item changed; KeyError when no item has that id."""
    items = lesson.get("action_items", [])
    if not any(item.get("id") == item_id for item in items):
        raise KeyError(item_id)
    changed = [_changed_item(item, changes, now.date()) if item.get("id") == item_id else item for item in items]
    stamp = format_datetime(now)
    return {**lesson, "action_items": changed, "updated_at": stamp,
            "version": lesson.get("version", 1) + 1}


def _changed_item(item: dict, changes: dict, today: date) -> dict:
    """One action item with `changes` merged; a status change stamps or clears the completion date."""
    status = changes.get("status", item.get("status", "OPEN"))
    merged = merge_patch(item, {key: value for key, value in changes.items() if key != "status"})
    return apply_action_item_status(merged, status, today)
