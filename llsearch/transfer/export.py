"""Write lessons back as the JSON-files layout: one pretty JSON file per lesson, index.json, Markdown."""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Callable, Iterable

from llsearch import __version__
from llsearch.model.dates import format_datetime
from llsearch.model.markdown import render_markdown
from llsearch.transfer.layout import LAYOUT_DIR, METAINDEX_NAME, lesson_json, lesson_relpath, metaindex_entry

_MONTH_DIR = re.compile(r"^[0-9]{4}-[0-9]{2}$")
_LESSON_FILE = re.compile(r"^LL-.*\.(json|md)$")


class ExportTargetNotEmpty(Exception):
    """The target already holds a `lessons-learned` directory with files in it."""


@dataclass
class ExportReport:
    directory: Path
    count: int = 0
    files: int = 0
    removed: list[Path] = field(default_factory=list)


def _write(path: Path, text: str) -> None:
    """Replace `path` whole: a reader never sees half a file, an interrupted run leaves the old one."""
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)


def metaindex(entries: list[dict], now: datetime) -> dict:
    """The content of index.json: when, how many, and one entry per lesson sorted by id."""
    ordered = sorted(entries, key=lambda entry: entry["id"])
    return {"generated_at": format_datetime(now), "generator": f"llsearch {__version__}",
            "count": len(ordered), "lessons": ordered}


def export_lessons(
    lessons: Iterable[dict],
    target: str | Path,
    now: datetime,
    markdown: bool = False,
    overwrite: bool = False,
    progress: Callable[[int], None] | None = None,
) -> ExportReport:
    """Write `lessons` under `target/lessons-learned/`; the same lessons always give the same files.

    Without `overwrite` an existing non-empty `lessons-learned` directory is refused; with it,
    lesson files of an earlier export that are not part of this one are removed (other files
    are left alone), so the directory and its index.json agree.
    """
    directory = Path(target) / LAYOUT_DIR
    if directory.is_dir() and any(directory.iterdir()) and not overwrite:
        raise ExportTargetNotEmpty(f"{directory} is not empty; choose another PATH or pass --overwrite")
    directory.mkdir(parents=True, exist_ok=True)
    report = ExportReport(directory)
    written: set[Path] = set()
    months: set[Path] = set()
    entries = []
    for lesson in lessons:
        relative = lesson_relpath(lesson)
        month = directory / relative.parent
        if month not in months:
            month.mkdir(exist_ok=True)
            months.add(month)
        files = [(directory / relative, lesson_json(lesson))]
        if markdown:
            files.append((directory / relative.with_suffix(".md"), render_markdown(lesson)))
        for path, text in files:
            _write(path, text)
            written.add(path)
        entries.append(metaindex_entry(lesson))
        report.count += 1
        report.files += len(files)
        if progress:
            progress(1)
    _write(directory / METAINDEX_NAME, json.dumps(metaindex(entries, now), indent=2, ensure_ascii=False) + "\n")
    report.files += 1
    if overwrite:
        report.removed = _remove_stale(directory, written)
    return report


def _remove_stale(directory: Path, written: set[Path]) -> list[Path]:
    """Lesson files in month directories that this export did not write; empty months go too."""
    removed = []
    for month in sorted(path for path in directory.iterdir() if path.is_dir() and _MONTH_DIR.match(path.name)):
        for path in sorted(month.iterdir()):
            if path.is_file() and _LESSON_FILE.match(path.name) and path not in written:
                path.unlink()
                removed.append(path)
        if not any(month.iterdir()):
            month.rmdir()
    return removed
