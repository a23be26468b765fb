"""The JSON-files layout of the specification (§2.2): where a lesson's file goes, key order, index.json.

    lessons-learned/
        2026-01/LL-2026-01-31-001.json     (month of timestamp_created, UTC)
        2026-01/LL-2026-01-31-001.md       (export --markdown)
        index.json                         (the metaindex)
"""

from __future__ import annotations

import json
from pathlib import PurePosixPath

from llsearch.model.dates import utc_day
from llsearch.model.lesson import LESSON_FIELDS

LAYOUT_DIR = "lessons-learned"
METAINDEX_NAME = "index.json"
JSON_SUFFIXES = (".json",)
NDJSON_SUFFIXES = (".ndjson", ".jsonl")
MARKDOWN_SUFFIXES = (".md", ".markdown")
#: What index.json says about each lesson, besides where its file is.
METAINDEX_FIELDS = ("id", "title", "category", "severity", "component", "timestamp_created")

# The specification's order (§2.1), with each extension next to the field it belongs with.
_ACTION_ITEM_ORDER = ("id", "action", "owner", "due_date", "status", "completion_date")
_NESTED_ORDER = {
    "references": ("type", "link"),
    "metrics": ("time_to_detect", "time_to_resolve", "business_impact_usd", "replication_attempts",
                "success_rate_prevention"),
    "follow_up": ("due_date", "status", "notes"),
}


def _ordered(mapping: dict, order: tuple[str, ...]) -> dict:
    """`mapping` with the keys of `order` first, in that order, then any others alphabetically."""
    known = [key for key in order if key in mapping]
    others = sorted(key for key in mapping if key not in order)
    return {key: mapping[key] for key in known + others}


def ordered_lesson(lesson: dict) -> dict:
    """A copy of `lesson` whose keys (and those of its parts) follow the specification's order."""
    result = _ordered(lesson, LESSON_FIELDS)
    if isinstance(result.get("action_items"), list):
        result["action_items"] = [
            _ordered(item, _ACTION_ITEM_ORDER) if isinstance(item, dict) else item for item in result["action_items"]
        ]
    if isinstance(result.get("references"), list):
        result["references"] = [
            _ordered(ref, _NESTED_ORDER["references"]) if isinstance(ref, dict) else ref for ref in result["references"]
        ]
    for field in ("metrics", "follow_up"):
        if isinstance(result.get(field), dict):
            result[field] = _ordered(result[field], _NESTED_ORDER[field])
    return result


def lesson_json(lesson: dict) -> str:
    """The file content of one lesson: pretty, UTF-8 (no \\u escapes), spec key order, final newline."""
    return json.dumps(ordered_lesson(lesson), indent=2, ensure_ascii=False) + "\n"


def month_of(lesson: dict) -> str:
    """`YYYY-MM` of the lesson's creation (UTC)."""
    day = utc_day(lesson["timestamp_created"])
    return f"{day.year:04d}-{day.month:02d}"


def lesson_relpath(lesson: dict, suffix: str = ".json") -> PurePosixPath:
    """Where the lesson's file lives inside `lessons-learned/`: `YYYY-MM/LL-….json`."""
    return PurePosixPath(month_of(lesson)) / f"{lesson['id']}{suffix}"


def metaindex_entry(lesson: dict) -> dict:
    """One lesson's line in index.json."""
    entry = {field: lesson[field] for field in METAINDEX_FIELDS if field in lesson}
    entry["path"] = str(lesson_relpath(lesson))
    return entry
