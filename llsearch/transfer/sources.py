"""Find and read the records of an import: the JSON-files layout, JSON, NDJSON and Markdown files.

`plan_import(path)` walks a file or directory (sorted, so every run reads the same order),
cross-checks each `index.json` metaindex against the files beside it, and returns a plan whose
`items()` streams raw records, rejections and notices. Nothing is dropped silently: a file that
cannot be read, an invalid JSON text, a file index.json lists but that is missing, or a file it
does not list all come out as items. Hidden files and directories (`.git`, …) are not read.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator

from llsearch.model.markdown import MarkdownError, parse_markdown
from llsearch.transfer.items import Notice, Origin, RawRecord, Rejection, SourceItem
from llsearch.transfer.jsontext import json_error, json_type, loads
from llsearch.transfer.layout import JSON_SUFFIXES, MARKDOWN_SUFFIXES, METAINDEX_NAME, NDJSON_SUFFIXES
from llsearch.transfer.metaindex import Metaindex, cross_check, read_metaindex

Progress = Callable[[int], None]
_PROGRESS_STEP = 1 << 16  # report NDJSON progress every 64 KiB
NOT_A_LESSON_FILE = "not a lesson file (expected .json, .ndjson, .jsonl or .md)"


class SourceError(Exception):
    """The import path itself cannot be used (missing, not a file or directory)."""


def array_records(values: list, source: str) -> Iterator[RawRecord]:
    """Each element of a JSON array, with its index as origin."""
    for index, value in enumerate(values):
        yield RawRecord(Origin(source, index=index), value)


def json_records(text: str, source: str, expected_id: str | None = None) -> Iterator[RawRecord | Rejection]:
    """The records of one JSON text: a lesson object, or an array of them."""
    try:
        value = loads(text)
    except ValueError as error:
        yield Rejection(Origin(source), json_error(error))
        return
    if isinstance(value, dict):
        yield RawRecord(Origin(source), value, expected_id)
    elif isinstance(value, list):
        yield from array_records(value, source)
    else:
        reason = f"expected a lesson (a JSON object) or an array of lessons, got {json_type(value)}"
        yield Rejection(Origin(source), reason)


def ndjson_records(
    lines: Iterable[bytes | str], source: str, progress: Progress | None = None
) -> Iterator[RawRecord | Rejection]:
    """One record per non-blank line; a line that is not JSON is rejected with its number, the others go on."""
    pending = 0
    for number, raw in enumerate(lines, start=1):
        pending += len(raw)
        if progress and pending >= _PROGRESS_STEP:
            progress(pending)
            pending = 0
        origin = Origin(source, line=number)
        try:
            line = raw.decode("utf-8") if isinstance(raw, bytes) else raw
        except UnicodeDecodeError as error:
            yield Rejection(origin, f"not UTF-8 text: {error.reason} at byte {error.start}")
            continue
        line = line.rstrip("\r\n")  # so a position is on this line, not at the start of the next
        if number == 1:
            line = line.lstrip("\ufeff")
        if not line.strip():
            continue
        try:
            value = loads(line)
        except ValueError as error:
            yield Rejection(origin, json_error(error, with_line=False))
            continue
        yield RawRecord(origin, value)  # the validator rejects a value that is not an object
    if progress and pending:
        progress(pending)


def markdown_records(text: str, source: str, expected_id: str | None = None) -> Iterator[RawRecord | Rejection]:
    """The one lesson of a Markdown file in the specification's template."""
    try:
        yield RawRecord(Origin(source), parse_markdown(text), expected_id)
    except MarkdownError as error:
        yield Rejection(Origin(source, line=error.line), error.reason)


@dataclass(frozen=True)
class PlannedFile:
    path: Path
    kind: str  # "json", "ndjson" or "markdown"
    size: int
    expected_id: str | None = None


@dataclass
class SourcePlan:
    """The files of an import, in reading order, and what planning found wrong with them."""

    root: Path
    files: list[PlannedFile] = field(default_factory=list)
    problems: list[Rejection | Notice] = field(default_factory=list)

    @property
    def total_bytes(self) -> int:
        return sum(planned.size for planned in self.files)

    def items(self, progress: Progress | None = None) -> Iterator[SourceItem]:
        """The plan's problems, then every record of every file, in order."""
        yield from self.problems
        for planned in self.files:
            yield from _read(planned, progress)


def _read(planned: PlannedFile, progress: Progress | None) -> Iterator[RawRecord | Rejection]:
    source = str(planned.path)
    if planned.kind == "ndjson":
        try:
            with planned.path.open("rb") as handle:
                yield from ndjson_records(handle, source, progress)
        except OSError as error:
            yield Rejection(Origin(source), f"cannot read: {error.strerror or error}")
        return
    try:
        data = planned.path.read_bytes()
    except OSError as error:
        yield Rejection(Origin(source), f"cannot read: {error.strerror or error}")
        return
    if progress:
        progress(planned.size)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        yield Rejection(Origin(source), f"not UTF-8 text: {error.reason} at byte {error.start}")
        return
    reader = json_records if planned.kind == "json" else markdown_records
    yield from reader(text, source, planned.expected_id)


def _kind(path: Path) -> str | None:
    suffix = path.suffix.lower()
    if suffix in JSON_SUFFIXES:
        return "json"
    if suffix in NDJSON_SUFFIXES:
        return "ndjson"
    if suffix in MARKDOWN_SUFFIXES:
        return "markdown"
    return None


def walk(root: Path) -> list[Path]:
    """Every non-hidden file under `root`, depth first, names sorted at each level."""
    found: list[Path] = []
    for directory, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(name for name in dirnames if not name.startswith("."))
        found += [Path(directory) / name for name in sorted(filenames) if not name.startswith(".")]
    return found


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def plan_import(path: str | Path) -> SourcePlan:
    """Plan the import of a file or a directory (the `lessons-learned` layout, its parent, or any mix)."""
    path = Path(path)
    if path.is_file() and path.name != METAINDEX_NAME:
        kind = _kind(path)
        if kind is None:
            raise SourceError(f"{path}: {NOT_A_LESSON_FILE}")
        return SourcePlan(path, [PlannedFile(path, kind, _size(path))])
    if path.is_file():
        path = path.parent  # index.json itself: import the layout it describes
    if not path.is_dir():
        raise SourceError(f"{path}: no such file or directory")
    return _plan_directory(path)


def _plan_directory(root: Path) -> SourcePlan:
    plan = SourcePlan(root)
    every = walk(root)
    present = set(every)
    metaindexes: dict[Path, Metaindex] = {}
    lesson_files: list[Path] = []
    renderings: list[Path] = []
    for path in every:
        kind = _kind(path)
        if path.name == METAINDEX_NAME:
            metaindex, problems = read_metaindex(path)
            plan.problems += problems
            if metaindex:
                metaindexes[path.parent] = metaindex
        elif kind is None:
            plan.problems.append(Notice(Origin(str(path)), f"skipped: {NOT_A_LESSON_FILE}"))
        elif kind == "markdown" and path.with_suffix(".json") in present:
            renderings.append(path)  # export --markdown writes one beside each JSON file
        else:
            lesson_files.append(path)
    problems, expected = cross_check(metaindexes, lesson_files, root)
    plan.problems += problems
    if renderings:
        plan.problems.append(Notice(
            Origin(str(root)),
            f"{len(renderings)} Markdown file(s) not read: each is the rendering of the JSON file beside it "
            f"(first: {renderings[0]})",
        ))
    plan.files = [PlannedFile(path, _kind(path), _size(path), expected.get(path)) for path in lesson_files]
    return plan
