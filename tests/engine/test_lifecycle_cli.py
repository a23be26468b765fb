"""An operator archives, restores a month, reindexes and backs up with the `llsearch` command line."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

import pytest
from click.testing import CliRunner

from llsearch.cli import main
from llsearch.config import load_settings
from llsearch.engine.lifecycle import current_month_index
from llsearch.engine.names import IndexNames
from llsearch.engine.setup import ensure_month_index, setup
from llsearch.security.audit import AuditQuery, AuditTrail

OLD = "2020-01"  # far older than 24 months, whatever day the test runs


def node_path_repo(engine) -> Path:
    node = next(iter(engine.nodes.info(metric="settings")["nodes"].values()))
    repo = node["settings"]["path"]["repo"]
    return Path(repo[0] if isinstance(repo, list) else repo)


@pytest.fixture(scope="module")
def env(base_config, engine):
    prefix = base_config["index_prefix"] + "ops-"
    repository = base_config["index_prefix"] + "opsbackups"
    variables = {
        "LLSEARCH_OPENSEARCH_URL": base_config["opensearch_url"],
        "LLSEARCH_INDEX_PREFIX": prefix,
        "LLSEARCH_DATA_DIR": base_config["data_dir"],
        "LLSEARCH_SNAPSHOT_REPOSITORY": repository,
        "LLSEARCH_SNAPSHOT_LOCATION": str(node_path_repo(engine) / repository),
        "LLSEARCH_ENCRYPTION_KEYS": base_config["encryption_keys"],
    }
    names = IndexNames(prefix)
    setup(engine, load_settings({**base_config, "index_prefix": prefix}))
    ensure_month_index(engine, names, datetime(2020, 1, 15, tzinfo=timezone.utc))
    for n in range(3):
        engine.index(index=names.month_alias(OLD), id=f"LL-2020-01-15-00{n + 1}", body={"title": f"old {n}"},
                     refresh=True)
    return variables


@pytest.fixture
def run(env):
    runner = CliRunner()

    def run(*args):
        return runner.invoke(main, list(args), env=env, catch_exceptions=False)

    return run


@pytest.fixture
def names(env):
    return IndexNames(env["LLSEARCH_INDEX_PREFIX"])


def test_archive_run_dry_run_then_run_then_status(run, names, engine):
    dry = run("archive", "run", "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert f"would archive {OLD} ({names.month_index(OLD)}): block writes, force-merge to one segment" in dry.stdout
    assert not current_month_index(engine, names, OLD).write_blocked
    done = run("archive", "run")
    assert f"archived {OLD}" in done.stdout and "would" not in done.stdout
    assert run("archive", "run").stdout.splitlines()[-1] == "nothing to archive"
    status = json.loads(run("archive", "status", "--json").stdout)
    old = next(item for item in status if item["month"] == OLD)
    assert old["state"] == "archived" and old["write_blocked"] and names.archive in old["aliases"]
    assert "archived" in run("archive", "status").stdout
    engine.indices.refresh(index=names.audit)
    records, _ = AuditTrail(engine, names, lambda: datetime.now(timezone.utc)).search(AuditQuery(action="archive_run"))
    assert records and records[0]["actor"].startswith("cli:") and records[0]["outcome"] == "success"


def test_archive_restore_and_archive_a_month_again(run, names, engine):
    run("archive", "month", OLD)
    restored = run("archive", "restore", OLD)
    assert restored.exit_code == 0 and f"restored {OLD}" in restored.stdout
    item = current_month_index(engine, names, OLD)
    assert not item.write_blocked and item.has(names.lessons)
    assert "kept live" in run("archive", "run").stdout
    assert "is live already" in run("archive", "restore", OLD).stdout
    assert f"archived {OLD}" in run("archive", "month", OLD).stdout
    assert current_month_index(engine, names, OLD).has(names.archive)


def test_reindex_one_month(run, names, engine):
    first = current_month_index(engine, names, OLD).generation
    one = run("reindex", OLD)
    assert one.exit_code == 0, one.output
    assert f"{names.month_index(OLD, first)} -> {names.month_index(OLD, first + 1)}, 3 lessons" in one.stdout
    assert engine.count(index=names.month_alias(OLD))["count"] == 3


def test_backup_create_list_verify_prune_and_restore(run, names, engine):
    created = run("backup", "create", "--json")
    assert created.exit_code == 0, created.output
    snapshot = json.loads(created.stdout)
    assert snapshot["state"] == "SUCCESS" and names.counters in snapshot["indices"]
    assert snapshot["taken_by"].startswith("cli:")
    assert snapshot["name"] in run("backup", "list").stdout
    verified = run("backup", "verify", "latest")
    assert verified.exit_code == 0, verified.output
    assert f"snapshot {snapshot['name']}" in verified.stdout and "matches the live indices" in verified.stdout
    assert run("backup", "prune", "--dry-run").stdout.strip() == "nothing to prune"

    engine.indices.put_settings(index=names.month_alias(OLD), body={"index": {"blocks": {"write": None}}})
    engine.delete(index=names.month_alias(OLD), id="LL-2020-01-15-001", refresh=True)
    differs = run("backup", "verify", snapshot["name"])
    assert differs.exit_code == 1 and "missing 1" in differs.stdout and "LL-2020-01-15-001" in differs.stdout

    restored = run("backup", "restore", "latest", "--yes")
    assert restored.exit_code == 0, restored.output
    assert "the state before the restore is in snapshot" in restored.stdout
    assert engine.count(index=names.month_alias(OLD))["count"] == 3
    assert current_month_index(engine, names, OLD).write_blocked  # archived again, as in the snapshot
    engine.indices.refresh(index=names.audit)
    trail = AuditTrail(engine, names, lambda: datetime.now(timezone.utc))
    restores, _ = trail.search(AuditQuery(action="backup_restore"))
    assert [record["target"] for record in restores] == [snapshot["name"]]  # recorded again after the restore


def test_mistakes_are_one_line_errors(run):
    for args, message in ((("archive", "restore", "1999-01"), "no month index for 1999-01"),
                          (("archive", "restore", "January"), "not a month"),
                          (("reindex", "2019-13"), "not a month"),
                          (("backup", "verify", "no-such-snapshot"), "no snapshot of this prefix is named no-such-snapshot")):
        result = run(*args)
        assert result.exit_code == 1, (args, result.output)
        assert message in result.output and "Traceback" not in result.output


def test_reindex_every_month_and_commands_keep_working(run, names, engine):
    every = run("reindex", "--json")
    assert every.exit_code == 0, every.output
    results = json.loads(every.stdout)
    assert OLD in [result["month"] for result in results] and len(results) >= 2
    assert all(result["target"].endswith(f"-v{int(result['source'][-1]) + 1}") for result in results)
    assert engine.count(index=names.month_alias(OLD))["count"] == 3
    assert run("archive", "status").exit_code == 0  # setup, which every command runs, accepts v2 months
