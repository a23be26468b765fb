"""An export is the specification's layout: one pretty JSON file per lesson by month, and index.json."""

from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest

from llsearch.model.lesson import ImportedLessonSchema
from llsearch.model.markdown import parse_markdown
from llsearch.transfer.export import ExportTargetNotEmpty, export_lessons
from llsearch.transfer.layout import lesson_json, lesson_relpath, ordered_lesson

NOW = datetime(2026, 4, 1, 12, 0, tzinfo=timezone.utc)


def stored(lesson_id: str, created: str, **changes) -> dict:
    lesson = {
        "follow_up": {"notes": "Rever em março.", "status": "PENDING", "due_date": "2026-03-01"},
        "metrics": {"success_rate_prevention": "100%", "time_to_detect": "PT2H30M", "business_impact_usd": 50000},
        "title": "Certificado expirado derrubou o api_gateway",
        "version": 2,
        "situation": "O certificado TLS expirou às 03:00 UTC.",
        "component": "api_gateway",
        "severity": "CRITICAL",
        "category": "SECURITY",
        "action_items": [{"status": "OPEN", "due_date": "2026-03-01", "owner": "Ana", "action": "Alertar", "id": "A1"}],
        "references": [{"link": "https://jira.example.com/browse/OPS-1", "type": "JIRA"}],
        "timestamp_created": created,
        "updated_at": created,
        "id": lesson_id,
    }
    return {**lesson, **changes}


def test_keys_follow_the_specification_order():
    lesson = ordered_lesson(stored("LL-2026-01-31-001", "2026-01-31T14:30:00Z"))
    assert list(lesson) == ["id", "timestamp_created", "updated_at", "version", "category", "severity", "component",
                            "title", "situation", "action_items", "references", "metrics", "follow_up"]
    assert list(lesson["action_items"][0]) == ["id", "action", "owner", "due_date", "status"]
    assert list(lesson["references"][0]) == ["type", "link"]
    assert list(lesson["metrics"]) == ["time_to_detect", "business_impact_usd", "success_rate_prevention"]
    assert list(lesson["follow_up"]) == ["due_date", "status", "notes"]


def test_the_file_is_pretty_utf8_json_in_the_month_of_creation():
    # The id's day and the creation day may differ: the month of timestamp_created decides.
    lesson = stored("LL-2026-02-01-003", "2026-01-31T23:59:00-01:00")
    assert str(lesson_relpath(lesson)) == "2026-02/LL-2026-02-01-003.json"
    text = lesson_json(stored("LL-2026-01-31-001", "2026-01-31T14:30:00Z"))
    assert text.startswith('{\n  "id": "LL-2026-01-31-001",\n') and text.endswith("}\n")
    assert "às 03:00" in text


def test_export_writes_the_layout_and_the_metaindex(tmp_path):
    lessons = [stored("LL-2026-02-01-001", "2026-02-01T09:00:00Z"), stored("LL-2026-01-31-001", "2026-01-31T14:30:00Z")]
    report = export_lessons(lessons, tmp_path, NOW, markdown=True)
    directory = tmp_path / "lessons-learned"
    assert (report.directory, report.count, report.files) == (directory, 2, 5)
    assert sorted(p.relative_to(directory).as_posix() for p in directory.rglob("*") if p.is_file()) == [
        "2026-01/LL-2026-01-31-001.json", "2026-01/LL-2026-01-31-001.md",
        "2026-02/LL-2026-02-01-001.json", "2026-02/LL-2026-02-01-001.md", "index.json"]
    metaindex = json.loads((directory / "index.json").read_text(encoding="utf-8"))
    assert metaindex["generated_at"] == "2026-04-01T12:00:00Z" and metaindex["count"] == 2
    assert metaindex["lessons"][0] == {
        "id": "LL-2026-01-31-001", "title": "Certificado expirado derrubou o api_gateway", "category": "SECURITY",
        "severity": "CRITICAL", "component": "api_gateway", "timestamp_created": "2026-01-31T14:30:00Z",
        "path": "2026-01/LL-2026-01-31-001.json"}
    written = json.loads((directory / "2026-01" / "LL-2026-01-31-001.json").read_text(encoding="utf-8"))
    assert written == lessons[1]
    markdown = (directory / "2026-01" / "LL-2026-01-31-001.md").read_text(encoding="utf-8")
    schema = ImportedLessonSchema()
    assert schema.load(parse_markdown(markdown)) == schema.load(written)


def test_same_lessons_same_files(tmp_path):
    lessons = [stored("LL-2026-01-31-001", "2026-01-31T14:30:00Z")]
    export_lessons(lessons, tmp_path / "a", NOW)
    export_lessons(lessons, tmp_path / "b", NOW)
    for name in ("index.json", "2026-01/LL-2026-01-31-001.json"):
        assert (tmp_path / "a/lessons-learned" / name).read_bytes() == (tmp_path / "b/lessons-learned" / name).read_bytes()


def test_a_non_empty_target_needs_overwrite_which_removes_stale_lesson_files(tmp_path):
    export_lessons([stored("LL-2026-01-31-001", "2026-01-31T14:30:00Z"),
                    stored("LL-2025-12-01-001", "2025-12-01T10:00:00Z")], tmp_path, NOW, markdown=True)
    (tmp_path / "lessons-learned" / "README.txt").write_text("kept")
    with pytest.raises(ExportTargetNotEmpty):
        export_lessons([], tmp_path, NOW)
    report = export_lessons([stored("LL-2026-01-31-001", "2026-01-31T14:30:00Z")], tmp_path, NOW, overwrite=True)
    directory = tmp_path / "lessons-learned"
    assert sorted(p.relative_to(directory).as_posix() for p in report.removed) == [
        "2025-12/LL-2025-12-01-001.json", "2025-12/LL-2025-12-01-001.md", "2026-01/LL-2026-01-31-001.md"]
    assert not (directory / "2025-12").exists()
    assert (directory / "README.txt").read_text() == "kept"
    assert json.loads((directory / "index.json").read_text())["count"] == 1
