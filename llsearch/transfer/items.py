"""What flows through an import: raw records with their origin, rejections and notices."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Union


@dataclass(frozen=True)
class Origin:
    """Where a record came from: a file (or `body`), plus a line number or an array index.

    Shown as `path`, `path:12` (line 12 of an NDJSON or Markdown file) or `path[3]` (element 3
    of a JSON array, 0-based).
    """

    source: str
    line: int | None = None
    index: int | None = None

    def __str__(self) -> str:
        if self.line is not None:
            return f"{self.source}:{self.line}"
        if self.index is not None:
            return f"{self.source}[{self.index}]"
        return self.source


@dataclass(frozen=True)
class RawRecord:
    """One lesson as read, not yet validated (any JSON value: the validator says if it is a lesson)."""

    origin: Origin
    data: Any
    expected_id: str | None = None  # what index.json says the file holds, when it says so


@dataclass(frozen=True)
class Rejection:
    """A file or record that will not be imported, and why.

    `errors` holds the schema's messages by field when validation failed; `reason` is always
    a readable one-line summary.
    """

    origin: Origin
    reason: str
    errors: dict | None = None
    id: str | None = None


@dataclass(frozen=True)
class Notice:
    """Something the user should know that does not stop anything (a file not in index.json…)."""

    origin: Origin
    message: str


SourceItem = Union[RawRecord, Rejection, Notice]
