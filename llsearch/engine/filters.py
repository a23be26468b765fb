"""The filters every search and stat accepts, turned into engine query clauses.

Built from validated query arguments; nothing here filters in Python: every clause runs in the
engine.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from llsearch.engine.names import IndexNames
from llsearch.model.dates import format_datetime


@dataclass(frozen=True)
class LessonFilter:
    """What to restrict lessons to; empty fields do not restrict."""

    categories: tuple[str, ...] = ()
    severities: tuple[str, ...] = ()
    components: tuple[str, ...] = ()
    created_from: datetime | None = None   # inclusive
    created_before: datetime | None = None  # exclusive (a `to` date means the next day's 00:00)
    tags: tuple[str, ...] = ()
    tags_mode: str = "all"
    action_statuses: tuple[str, ...] = ()
    include_archived: bool = False
    extra: tuple[dict, ...] = field(default=())  # more engine clauses a caller composes in


def filter_clauses(selection: LessonFilter) -> list[dict]:
    """Non-scoring `bool.filter` clauses for a selection."""
    clauses: list[dict] = []
    for name, values in (("category", selection.categories), ("severity", selection.severities),
                         ("component", selection.components)):
        if values:
            clauses.append({"terms": {name: list(values)}})
    if selection.created_from or selection.created_before:
        bounds = {}
        if selection.created_from:
            bounds["gte"] = format_datetime(selection.created_from)
        if selection.created_before:
            bounds["lt"] = format_datetime(selection.created_before)
        clauses.append({"range": {"timestamp_created": bounds}})
    if selection.tags:
        if selection.tags_mode == "any":
            clauses.append({"terms": {"tags": list(selection.tags)}})
        else:
            clauses.extend({"term": {"tags": tag}} for tag in selection.tags)
    if selection.action_statuses:
        clauses.append({
            "nested": {
                "path": "action_items",
                "query": {"terms": {"action_items.status": list(selection.action_statuses)}},
            }
        })
    clauses.extend(selection.extra)
    return clauses


def filter_query(selection: LessonFilter) -> dict:
    """A query matching exactly the selected lessons (all lessons when nothing is selected)."""
    clauses = filter_clauses(selection)
    return {"bool": {"filter": clauses}} if clauses else {"match_all": {}}


def search_indices(names: IndexNames, selection: LessonFilter) -> str:
    """Live months, plus archived ones when asked."""
    return f"{names.lessons},{names.archive}" if selection.include_archived else names.lessons


# Both aliases may be absent (no archive yet): a search over them must not fail for that.
LENIENT = {"ignore_unavailable": "true", "allow_no_indices": "true"}
