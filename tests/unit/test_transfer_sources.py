"""Someone points `llsearch import` at a folder: which records come out, from where, and what is reported."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from llsearch.transfer.items import Notice, Origin, RawRecord, Rejection
from llsearch.transfer.sources import SourceError, json_records, ndjson_records, plan_import, walk


def lesson(lesson_id: str | None = None, **changes) -> dict:
    body = {"timestamp_created": "2026-01-31T10:00:00Z", "category": "TECHNICAL", "severity": "LOW",
            "component": "health_check", "title": "A lesson", "situation": "Algo aconteceu."}
    if lesson_id:
        body["id"] = lesson_id
    return {**body, **changes}


def write(path: Path, content) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content if isinstance(content, str) else json.dumps(content), encoding="utf-8")
    return path


def items_of(path) -> list:
    return list(plan_import(path).items())


def by_kind(items: list) -> tuple[list[RawRecord], list[Rejection], list[Notice]]:
    return ([i for i in items if isinstance(i, RawRecord)], [i for i in items if isinstance(i, Rejection)],
            [i for i in items if isinstance(i, Notice)])


def layout(root: Path, ids: list[str], listed: list[str] | None = None) -> Path:
    directory = root / "lessons-learned"
    for lesson_id in ids:
        write(directory / "2026-01" / f"{lesson_id}.json", lesson(lesson_id))
    entries = [{"id": i, "path": f"2026-01/{i}.json"} for i in (ids if listed is None else listed)]
    write(directory / "index.json", {"generated_at": "2026-02-01T00:00:00Z", "count": len(entries), "lessons": entries})
    return directory


def test_origins_name_the_file_and_the_line_or_array_index():
    assert str(Origin("a/b.json")) == "a/b.json"
    assert str(Origin("a/b.ndjson", line=12)) == "a/b.ndjson:12"
    assert str(Origin("a/b.json", index=3)) == "a/b.json[3]"


def test_the_layout_is_read_from_the_lessons_learned_dir_or_its_parent(tmp_path):
    ids = ["LL-2026-01-31-001", "LL-2026-01-31-002"]
    directory = layout(tmp_path, ids)
    for path in (directory, tmp_path, directory / "index.json"):
        records, rejected, notices = by_kind(items_of(path))
        assert [r.data["id"] for r in records] == ids
        assert not rejected and not notices
        assert records[0].expected_id == ids[0]
        assert str(records[0].origin).endswith("lessons-learned/2026-01/LL-2026-01-31-001.json")


def test_a_listed_file_that_is_missing_is_rejected_and_an_unlisted_file_noticed(tmp_path):
    directory = layout(tmp_path, ["LL-2026-01-31-001", "LL-2026-01-31-003"],
                       listed=["LL-2026-01-31-001", "LL-2026-01-31-002"])
    records, rejected, notices = by_kind(items_of(tmp_path))
    assert [r.data["id"] for r in records] == ["LL-2026-01-31-001", "LL-2026-01-31-003"]
    assert len(rejected) == 1
    assert str(rejected[0].origin) == f"{directory / 'index.json'}[1]"
    assert rejected[0].reason == "lists 2026-01/LL-2026-01-31-002.json, which is missing"
    assert rejected[0].id == "LL-2026-01-31-002"
    assert [str(n.origin) for n in notices] == [str(directory / "2026-01" / "LL-2026-01-31-003.json")]
    assert "not listed in" in notices[0].message


def test_metaindex_entries_may_name_only_the_id(tmp_path):
    directory = tmp_path / "lessons-learned"
    write(directory / "2026-01" / "LL-2026-01-31-001.json", lesson("LL-2026-01-31-001"))
    write(directory / "index.json", [{"id": "LL-2026-01-31-001"}, {"id": "LL-2026-01-31-009"}, {"title": "?"}, 7])
    records, rejected, _ = by_kind(items_of(directory))
    assert len(records) == 1
    assert [r.reason for r in rejected] == [
        "a metaindex entry needs a path or an id",
        "a metaindex entry must be an object, got a number",
        "lists a file for LL-2026-01-31-009, which is missing",
    ]


def test_an_unreadable_metaindex_is_reported_and_the_files_still_read(tmp_path):
    directory = tmp_path / "lessons-learned"
    write(directory / "2026-01" / "LL-2026-01-31-001.json", lesson("LL-2026-01-31-001"))
    write(directory / "index.json", '{"lessons": [')
    records, rejected, notices = by_kind(items_of(directory))
    assert len(records) == 1 and not notices
    assert rejected[0].reason.startswith("metaindex not usable (invalid JSON at line 1, column 14")


def test_json_files_hold_one_lesson_or_an_array_and_ndjson_one_per_line(tmp_path):
    write(tmp_path / "one.json", lesson("LL-2026-01-31-001"))
    write(tmp_path / "many.json", [lesson("LL-2026-01-31-002"), lesson("LL-2026-01-31-003")])
    write(tmp_path / "stream.ndjson", "\n".join([json.dumps(lesson("LL-2026-01-31-004")), "",
                                                json.dumps(lesson("LL-2026-01-31-005"))]) + "\n")
    write(tmp_path / "lines.jsonl", json.dumps(lesson("LL-2026-01-31-006")))
    records, rejected, _ = by_kind(items_of(tmp_path))
    assert not rejected
    assert [(Path(r.origin.source).name, r.origin.line, r.origin.index) for r in records] == [
        ("lines.jsonl", 1, None), ("many.json", None, 0), ("many.json", None, 1),
        ("one.json", None, None), ("stream.ndjson", 1, None), ("stream.ndjson", 3, None),
    ]


def test_invalid_json_is_rejected_with_line_and_column():
    [rejection] = list(json_records('{\n  "title": "x",\n  "severity" "LOW"\n}', "bad.json"))
    assert isinstance(rejection, Rejection)
    assert str(rejection.origin) == "bad.json"
    assert rejection.reason == "invalid JSON at line 3, column 14: Expecting ':' delimiter"
    [scalar] = list(json_records('"just text"', "s.json"))
    assert scalar.reason == "expected a lesson (a JSON object) or an array of lessons, got a string"


def test_a_repeated_key_is_an_error_not_a_silently_lost_value():
    [rejection] = list(json_records('{"title": "a", "title": "b"}', "dup.json"))
    assert rejection.reason == "invalid JSON: the key 'title' appears twice in one object"


def test_a_bad_ndjson_line_is_rejected_alone():
    lines = [b'{"title": "one"}\n', b'{"title": \n', b"\xff\xfe\n", b'[1]\n', b'{"title": "four"}']
    items = list(ndjson_records(lines, "s.ndjson"))
    assert [(str(i.origin), type(i).__name__) for i in items] == [
        ("s.ndjson:1", "RawRecord"), ("s.ndjson:2", "Rejection"), ("s.ndjson:3", "Rejection"),
        ("s.ndjson:4", "RawRecord"), ("s.ndjson:5", "RawRecord"),
    ]
    assert items[1].reason == "invalid JSON at column 11: Expecting value"
    assert items[2].reason.startswith("not UTF-8 text")


def test_markdown_errors_carry_their_line(tmp_path):
    write(tmp_path / "no-title.md", "**ID:** LL-2026-01-31-001\n\n## Situação\nAlgo.\n")
    [rejection] = items_of(tmp_path / "no-title.md")
    assert isinstance(rejection, Rejection)
    assert (rejection.origin.line, str(rejection.origin)) == (1, f"{tmp_path / 'no-title.md'}:1")
    assert "Lesson Learned" in rejection.reason


def test_markdown_beside_its_json_is_a_rendering_and_other_files_are_noticed(tmp_path):
    write(tmp_path / "2026-01" / "LL-2026-01-31-001.json", lesson("LL-2026-01-31-001"))
    write(tmp_path / "2026-01" / "LL-2026-01-31-001.md", "# Lesson Learned: A lesson\n")
    write(tmp_path / "notes.txt", "not a lesson")
    write(tmp_path / ".git" / "config.json", "{}")
    write(tmp_path / ".hidden.json", "{}")
    records, rejected, notices = by_kind(items_of(tmp_path))
    assert len(records) == 1 and not rejected
    messages = sorted(n.message for n in notices)
    assert messages[0].startswith("1 Markdown file(s) not read: each is the rendering of the JSON file beside it")
    assert messages[1].startswith("skipped: not a lesson file")


def test_files_that_are_not_utf8_are_rejected(tmp_path):
    write(tmp_path / "latin1.json", '{"title": "Situação"}'.encode("latin-1"))
    [rejection] = items_of(tmp_path)
    assert rejection.reason.startswith("not UTF-8 text")


def test_a_utf8_bom_is_accepted(tmp_path):
    write(tmp_path / "bom.json", "\ufeff" + json.dumps(lesson("LL-2026-01-31-001")))
    [record] = items_of(tmp_path)
    assert record.data["id"] == "LL-2026-01-31-001"


def test_walking_is_sorted_and_deterministic(tmp_path):
    for name in ("b/2.json", "a/z.json", "a/b/1.json", "c.json", "A.json"):
        write(tmp_path / name, "{}")
    assert [p.relative_to(tmp_path).as_posix() for p in walk(tmp_path)] == [
        "A.json", "c.json", "a/z.json", "a/b/1.json", "b/2.json"]


def test_progress_counts_the_bytes_read(tmp_path):
    write(tmp_path / "one.json", lesson("LL-2026-01-31-001"))
    write(tmp_path / "stream.ndjson", json.dumps(lesson("LL-2026-01-31-002")) + "\n")
    plan = plan_import(tmp_path)
    seen = []
    list(plan.items(progress=seen.append))
    assert sum(seen) == plan.total_bytes > 0


def test_a_path_that_cannot_be_imported_is_an_error(tmp_path):
    with pytest.raises(SourceError, match="no such file"):
        plan_import(tmp_path / "missing")
    with pytest.raises(SourceError, match="not a lesson file"):
        plan_import(write(tmp_path / "lessons.csv", "id,title"))
