"""`llsearch import` as an operator runs it: a summary, one line per rejection, exit 1 when any."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from llsearch.cli import main


@pytest.fixture(scope="module")
def env(base_config):
    return {"LLSEARCH_OPENSEARCH_URL": base_config["opensearch_url"],
            "LLSEARCH_INDEX_PREFIX": base_config["index_prefix"] + "impcli-",
            "LLSEARCH_DATA_DIR": base_config["data_dir"],
            "LLSEARCH_ENCRYPTION_KEYS": base_config["encryption_keys"]}


@pytest.fixture
def run(env, engine):
    return lambda *args: CliRunner().invoke(main, ["import", *map(str, args)], env=env, catch_exceptions=False)


def lesson(lesson_id: str, **changes) -> dict:
    return {"id": lesson_id, "timestamp_created": "2024-06-03T10:00:00Z", "category": "PROCESS", "severity": "LOW",
            "component": "ci_pipeline", "title": f"Lesson {lesson_id}", "situation": "O pipeline travou.", **changes}


@pytest.fixture
def folder(tmp_path) -> Path:
    (tmp_path / "good.ndjson").write_text("".join(json.dumps(lesson(f"LL-2024-06-03-00{n}")) + "\n" for n in (1, 2)))
    (tmp_path / "bad.json").write_text(json.dumps([lesson("LL-2024-06-03-003", severity="HUGE"), lesson("LL-2024-06-03-001")]))
    return tmp_path


def test_import_reports_each_rejection_and_exits_1_after_importing_the_valid_ones(run, folder):
    result = run(folder)
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert "importing lessons" in result.output
    assert "imported: 2 created, 0 updated, 0 unchanged, 2 rejected" in lines
    # The walk is sorted: bad.json comes first, so the second LL-2024-06-03-001 is good.ndjson's line 1.
    assert lines[-2:] == [
        f"{folder}/bad.json[0]: invalid lesson: severity: Must be one of: CRITICAL, HIGH, MEDIUM, LOW.",
        f"{folder}/good.ndjson:1: duplicate id LL-2024-06-03-001: already imported from {folder}/bad.json[1]",
    ]

    (folder / "bad.json").unlink()
    again = run(folder)
    assert again.exit_code == 0, again.output
    assert "imported: 0 created, 0 updated, 2 unchanged, 0 rejected" in again.stdout.splitlines()


def test_json_output_and_dry_run(run, folder, engine, env):
    result = run(folder, "--dry-run", "--json")
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert report["dry_run"] is True and report["counts"] == {"valid": 2, "rejected": 2}
    assert report["rejected"][0] == {
        "origin": f"{folder}/bad.json[0]", "id": "LL-2024-06-03-003",
        "reason": "invalid lesson: severity: Must be one of: CRITICAL, HIGH, MEDIUM, LOW.",
        "errors": {"severity": ["Must be one of: CRITICAL, HIGH, MEDIUM, LOW."]},
    }
    found = engine.count(index=f"{env['LLSEARCH_INDEX_PREFIX']}lessons",
                         body={"query": {"term": {"id": "LL-2024-06-03-003"}}}, ignore_unavailable=True)
    assert found["count"] == 0


def test_a_path_that_is_not_a_lesson_file_is_a_one_line_error(run, tmp_path):
    (tmp_path / "lessons.csv").write_text("id,title\n")
    result = run(tmp_path / "lessons.csv")
    assert result.exit_code == 1
    assert "not a lesson file" in result.output and "Traceback" not in result.output
