"""Ops back up a deployment, lose every index, restore, and get back every lesson, counter and key."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from opensearchpy import helpers

from llsearch.config import load_settings
from llsearch.engine.bulk import BulkWriter
from llsearch.engine.lifecycle import archive_month, run_daily_lifecycle
from llsearch.engine.names import IndexNames
from llsearch.engine.reindex import reindex_month
from llsearch.engine.setup import setup
from llsearch.engine.snapshots import (
    SnapshotError,
    SnapshotNotFound,
    create_daily_snapshot,
    create_snapshot,
    ensure_repository,
    list_snapshots,
    prefix_indices,
    prune_snapshots,
    restore_snapshot,
    verify_snapshot,
)
from llsearch.model.demo import generate_lessons
from llsearch.security.apikeys import ApiKeyStore

NOW = datetime(2026, 11, 20, 8, 0, tzinfo=timezone.utc)
MONTHS = ("2023-05", "2025-03", "2026-11")


def node_path_repo(engine) -> Path:
    """The engine's own `path.repo`, read from the node (the session node keeps it under its data dir)."""
    node = next(iter(engine.nodes.info(metric="settings")["nodes"].values()))
    repo = node["settings"]["path"]["repo"]
    return Path(repo[0] if isinstance(repo, list) else repo)


def lessons_in(months, per_month: int, seed: int) -> list[dict]:
    """Generated lessons moved into the given months (a few per month keeps the indices few)."""
    lessons = generate_lessons(len(months) * per_month, seed=seed, now=NOW)
    moved = []
    for number, lesson in enumerate(lessons):
        month, day = months[number % len(months)], 1 + number // len(months)
        moved.append({**lesson, "id": f"LL-{month}-{day:02d}-001", "timestamp_created": f"{month}-{day:02d}T10:00:00Z"})
    return moved


def snapshot_config(base_config, engine, prefix: str) -> dict:
    repository = f"{base_config['index_prefix']}backups"
    return {**base_config, "index_prefix": prefix, "snapshot_repository": repository,
            "snapshot_location": str(node_path_repo(engine) / repository)}


def dump(engine, names: IndexNames) -> dict:
    """Every raw document, alias and write block of the prefix."""
    state = {}
    for index in prefix_indices(engine, names):
        engine.indices.refresh(index=index)
        blocks = engine.indices.get_settings(index=index, name="index.blocks.write", flat_settings=True)
        state[index] = {
            "docs": {hit["_id"]: hit["_source"] for hit in helpers.scan(engine, index=index)},
            "aliases": engine.indices.get_alias(index=index)[index]["aliases"],
            "blocked": blocks.get(index, {}).get("settings", {}).get("index.blocks.write"),
        }
    return state


@pytest.fixture(scope="module")
def deployment(base_config, engine):
    """A prefix with lessons in three months (the oldest archived), counters, two API keys and audit records."""
    settings = load_settings(snapshot_config(base_config, engine, base_config["index_prefix"] + "bk-"))
    names = IndexNames(settings.index_prefix)
    setup(engine, settings, today=NOW.date())
    report = BulkWriter(engine, names).write(lessons_in(MONTHS, 3, seed=5))
    assert not report.failed
    archive_month(engine, names, "2023-05")
    store = ApiKeyStore(engine, names, cache_seconds=0)
    keys = [store.create("ops", "admin"), store.create("grafana", "reader")]
    audit = f"{names.prefix}llsearch-audit-2026-11"
    engine.indices.create(index=audit, body={"settings": {"number_of_replicas": 0},
                                             "aliases": {f"{names.prefix}llsearch-audit": {}}})
    engine.index(index=audit, id="r1", body={"action": "create", "actor": "ops"}, refresh=True)
    neighbour = load_settings({**base_config, "index_prefix": settings.index_prefix + "data-"})
    setup(engine, neighbour, today=NOW.date())
    return {"settings": settings, "names": names, "keys": keys, "store": store,
            "neighbour": IndexNames(neighbour.index_prefix)}


def test_snapshot_delete_every_index_and_restore_gives_back_every_document(engine, deployment):
    settings, names = deployment["settings"], deployment["names"]
    before = dump(engine, names)
    assert len(before) == 6 and sum(len(index["docs"]) for index in before.values()) > 9
    snapshot = create_snapshot(engine, settings, NOW)
    assert snapshot.state == "SUCCESS" and set(snapshot.indices) == set(before)
    neighbour = deployment["neighbour"]  # a prefix that starts like this one: none of its indices
    assert not set(prefix_indices(engine, neighbour)) & set(snapshot.indices)

    engine.indices.delete(index=",".join(prefix_indices(engine, names)))
    assert prefix_indices(engine, names) == []
    assert len(prefix_indices(engine, neighbour)) == 3
    result = restore_snapshot(engine, settings, snapshot.name, NOW)
    assert result["safety_snapshot"] is None  # nothing was left to keep
    assert len(prefix_indices(engine, neighbour)) == 3
    assert dump(engine, names) == before
    assert deployment["store"].authenticate(deployment["keys"][0].key).name == "ops"
    assert engine.count(index=names.lessons)["count"] == 6
    assert engine.count(index=names.archive)["count"] == 3


def test_a_restore_puts_back_exactly_the_snapshot_even_after_reindexes_and_new_months(engine, deployment):
    settings, names, store = deployment["settings"], deployment["names"], deployment["store"]
    before = dump(engine, names)
    snapshot = create_snapshot(engine, settings, NOW)
    reindex_month(engine, names, "2025-03")
    BulkWriter(engine, names).write(lessons_in(("2026-10",), 1, seed=6))
    engine.delete(index=names.month_alias("2026-11"), id="LL-2026-11-01-001", refresh=True)
    store.create("intruder", "admin")

    result = restore_snapshot(engine, settings, snapshot.name, NOW)
    assert dump(engine, names) == before
    assert set(result["deleted"]) == {names.month_index("2025-03", 2), names.month_index("2026-10")}
    safety = [item for item in list_snapshots(engine, settings) if item.name == result["safety_snapshot"]]
    assert safety[0].kind == "pre-restore" and names.month_index("2025-03", 2) in safety[0].indices


def test_verify_compares_every_document_and_cleans_up(engine, deployment):
    settings, names = deployment["settings"], deployment["names"]
    snapshot = create_snapshot(engine, settings, NOW)
    report = verify_snapshot(engine, settings, snapshot.name)
    assert report["ok"] and report["documents"] == sum(len(index["docs"]) for index in dump(engine, names).values())
    assert all(index["ok"] and index["snapshot_docs"] == index["live_docs"] for index in report["indices"])
    reindex_month(engine, names, "2025-03")  # same documents in a new generation: still a match
    report = verify_snapshot(engine, settings, snapshot.name)
    reindexed = next(index for index in report["indices"] if index["index"] == names.month_index("2025-03"))
    assert report["ok"] and reindexed["live_index"] == names.month_index("2025-03", 2)

    engine.update(index=names.month_alias("2025-03"), id="LL-2025-03-01-001", body={"doc": {"title": "edited"}},
                  refresh=True)
    engine.delete(index=names.month_alias("2025-03"), id="LL-2025-03-02-001", refresh=True)
    report = verify_snapshot(engine, settings, snapshot.name)
    changed = next(index for index in report["indices"] if index["index"] == names.month_index("2025-03"))
    assert changed["live_index"] == names.month_index("2025-03", 2)
    assert not report["ok"] and not changed["ok"]
    assert (changed["changed"], changed["missing"], changed["extra"]) == (
        ["LL-2025-03-01-001"], ["LL-2025-03-02-001"], [])
    assert engine.indices.get(index=f"{names.prefix}llsearch-verify-*", expand_wildcards="all") == {}
    restore_snapshot(engine, settings, snapshot.name, NOW, safety_snapshot=False)
    assert verify_snapshot(engine, settings, snapshot.name)["ok"]


def test_unknown_or_foreign_snapshots_are_not_found(engine, deployment):
    with pytest.raises(SnapshotNotFound):
        verify_snapshot(engine, deployment["settings"], "llsearch-20990101-000000-manual")
    with pytest.raises(SnapshotNotFound):
        restore_snapshot(engine, deployment["settings"], "someone-elses-snapshot", NOW)


def test_one_daily_snapshot_a_day_and_prune_keeps_the_newest(engine, base_config):
    settings = load_settings({**snapshot_config(base_config, engine, base_config["index_prefix"] + "prune-"),
                              "snapshot_retention_days": 30, "snapshot_min_keep": 2})
    setup(engine, settings, today=NOW.date())
    first = create_daily_snapshot(engine, settings, NOW)
    assert first.kind == "daily" and create_daily_snapshot(engine, settings, NOW + timedelta(hours=5)) is None
    second = create_daily_snapshot(engine, settings, NOW + timedelta(days=1))
    third = create_snapshot(engine, settings, NOW + timedelta(days=1))
    assert [item.name for item in list_snapshots(engine, settings)] == [first.name, second.name, third.name]

    real_now = datetime.now(timezone.utc)
    assert prune_snapshots(engine, settings, real_now) == []  # all within 30 days
    later = real_now + timedelta(days=31)
    assert [item.name for item in prune_snapshots(engine, settings, later, dry_run=True)] == [first.name]
    assert [item.name for item in prune_snapshots(engine, settings, later)] == [first.name]
    assert [item.name for item in list_snapshots(engine, settings)] == [second.name, third.name]


def test_the_repository_is_registered_once_and_a_bad_location_is_a_clear_error(engine, base_config):
    settings = load_settings(snapshot_config(base_config, engine, base_config["index_prefix"] + "repo-"))
    assert ensure_repository(engine, settings) == ensure_repository(engine, settings)
    elsewhere = load_settings({**base_config, "snapshot_repository": f"{base_config['index_prefix']}nowhere",
                               "snapshot_location": "/definitely/not/under/path/repo"})
    with pytest.raises(SnapshotError, match="cannot register"):
        ensure_repository(engine, elsewhere)
    unconfigured = load_settings({**base_config, "snapshot_repository": f"{base_config['index_prefix']}unset"})
    with pytest.raises(SnapshotError, match="LLSEARCH_SNAPSHOT_LOCATION"):
        ensure_repository(engine, unconfigured)


def test_the_daily_lifecycle_archives_then_snapshots_once_a_day(engine, base_config):
    settings = load_settings(snapshot_config(base_config, engine, base_config["index_prefix"] + "daily-"))
    names = IndexNames(settings.index_prefix)
    setup(engine, settings, today=NOW.date())
    BulkWriter(engine, names).write(lessons_in(("2021-04",), 1, seed=8))
    first = run_daily_lifecycle(engine, settings, NOW)
    assert [plan["month"] for plan in first["archive"]["archived"]] == ["2021-04"]
    snapshot = next(item for item in list_snapshots(engine, settings) if item.name == first["snapshot"])
    assert snapshot.kind == "daily" and names.month_index("2021-04") in snapshot.indices
    again = run_daily_lifecycle(engine, settings, NOW)
    assert again == {"archive": {**first["archive"], "archived": [], "already_archived": ["2021-04"]},
                     "snapshot": None, "pruned": []}
