"""index.json, the metaindex of the JSON-files layout: reading it and checking it against the files.

Each index.json speaks for the files in its directory and below (the nearest one wins). A file it
lists that is missing is a rejection; a lesson file it does not list is imported with a notice.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from llsearch.transfer.items import Notice, Origin, Rejection
from llsearch.transfer.jsontext import json_error, json_type, loads


@dataclass
class _Entry:
    position: int
    path: PurePosixPath | None
    id: str | None


@dataclass
class Metaindex:
    """The entries of one `index.json`, relative to the directory it sits in."""

    file: Path
    entries: list[_Entry] = field(default_factory=list)

    @property
    def directory(self) -> Path:
        return self.file.parent


def read_metaindex(file: Path) -> tuple[Metaindex | None, list[Rejection]]:
    """Read an index.json: `{"lessons": [{"path": …, "id": …}, …]}` or a bare array of entries."""
    origin = Origin(str(file))
    unusable = "metaindex not usable ({}); the files beside it are not cross-checked"
    try:
        value = loads(file.read_bytes().decode("utf-8-sig"))
    except OSError as error:
        return None, [Rejection(origin, unusable.format(f"cannot read: {error.strerror or error}"))]
    except UnicodeDecodeError as error:
        return None, [Rejection(origin, unusable.format(f"not UTF-8 text: {error.reason} at byte {error.start}"))]
    except ValueError as error:
        return None, [Rejection(origin, unusable.format(json_error(error)))]
    listed = value.get("lessons") if isinstance(value, dict) else value
    if not isinstance(listed, list):
        return None, [Rejection(origin, unusable.format('expected {"lessons": [...]} or an array of entries'))]
    metaindex, problems = Metaindex(file), []
    for position, entry in enumerate(listed):
        where = Origin(str(file), index=position)
        if not isinstance(entry, dict):
            problems.append(Rejection(where, f"a metaindex entry must be an object, got {json_type(entry)}"))
            continue
        path, lesson_id = entry.get("path"), entry.get("id")
        lesson_id = lesson_id if isinstance(lesson_id, str) else None
        if isinstance(path, str) and path:
            relative = PurePosixPath(path.replace("\\", "/"))
            if relative.is_absolute() or ".." in relative.parts:
                problems.append(Rejection(where, f"the path {path!r} leaves the directory of index.json", id=lesson_id))
                continue
            metaindex.entries.append(_Entry(position, relative, lesson_id))
        elif lesson_id:
            metaindex.entries.append(_Entry(position, None, lesson_id))
        else:
            problems.append(Rejection(where, "a metaindex entry needs a path or an id"))
    return metaindex, problems



def _governing(path: Path, metaindexes: dict[Path, Metaindex], root: Path) -> Metaindex | None:
    """The nearest index.json in the file's directory or above it (up to the import root)."""
    for directory in (path.parent, *path.parent.parents):
        if directory in metaindexes:
            return metaindexes[directory]
        if directory == root:
            break
    return None


def cross_check(
    metaindexes: dict[Path, Metaindex], files: list[Path], root: Path
) -> tuple[list[Rejection | Notice], dict[Path, str | None]]:
    """Listed files that are missing (rejections) and files not listed (notices); and the id each
    listed file should hold, by path."""
    problems: list[Rejection | Notice] = []
    governed: dict[Path, list[Path]] = {directory: [] for directory in metaindexes}
    for path in files:
        metaindex = _governing(path, metaindexes, root)
        if metaindex is not None:
            governed[metaindex.directory].append(path)
    expected: dict[Path, str | None] = {}
    for directory, metaindex in metaindexes.items():
        by_relative = {PurePosixPath(path.relative_to(directory).as_posix()): path for path in governed[directory]}
        by_stem: dict[str, Path] = {}
        for path in governed[directory]:
            by_stem.setdefault(path.stem, path)
        listed: set[Path] = set()
        for entry in metaindex.entries:
            found = by_relative.get(entry.path) if entry.path is not None else by_stem.get(entry.id)
            if found is None:
                what = entry.path if entry.path is not None else f"a file for {entry.id}"
                problems.append(Rejection(
                    Origin(str(metaindex.file), index=entry.position),
                    f"lists {what}, which is missing", id=entry.id,
                ))
                continue
            listed.add(found)
            expected[found] = entry.id
        for path in governed[directory]:
            if path not in listed:
                problems.append(Notice(Origin(str(path)), f"not listed in {metaindex.file}; imported anyway"))
    return problems, expected
