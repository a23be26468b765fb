"""Disaster recovery: a snapshot restored into a brand-new engine (a new data dir) brings everything back."""

from __future__ import annotations

import shutil
from datetime import datetime, timezone
from pathlib import Path

import pytest
from opensearchpy import helpers

from llsearch.config import load_settings
from llsearch.engine.bulk import BulkWriter
from llsearch.engine.client import make_client
from llsearch.engine.embedded import EmbeddedEngine, free_port
from llsearch.engine.lifecycle import archive_month
from llsearch.engine.mappings import TEMPLATE_VERSION
from llsearch.engine.names import IndexNames
from llsearch.engine.setup import installed_template_version, setup
from llsearch.engine.snapshots import create_snapshot, list_snapshots, prefix_indices, restore_snapshot
from llsearch.model.demo import generate_lessons
from llsearch.security.apikeys import ApiKeyStore

NOW = datetime(2026, 11, 20, 8, 0, tzinfo=timezone.utc)


def node_path_repo(client) -> Path:
    node = next(iter(client.nodes.info(metric="settings")["nodes"].values()))
    repo = node["settings"]["path"]["repo"]
    return Path(repo[0] if isinstance(repo, list) else repo)


def contents(client, names: IndexNames) -> dict:
    found = {}
    for index in prefix_indices(client, names):
        client.indices.refresh(index=index)
        found[index] = ({hit["_id"]: hit["_source"] for hit in helpers.scan(client, index=index)},
                        client.indices.get_alias(index=index)[index]["aliases"])
    return found


@pytest.mark.slow
def test_a_snapshot_restores_into_a_fresh_engine(engine, base_config, tmp_path):
    prefix = base_config["index_prefix"] + "dr-"
    repository = f"{base_config['index_prefix']}dr"
    source_location = node_path_repo(engine) / repository
    settings = load_settings({**base_config, "index_prefix": prefix, "snapshot_repository": repository,
                              "snapshot_location": str(source_location)})
    names = IndexNames(prefix)
    setup(engine, settings, today=NOW.date())
    lessons = [lesson for lesson in generate_lessons(40, seed=9, now=NOW) if lesson["timestamp_created"] < "2024-03"]
    assert not BulkWriter(engine, names).write(lessons).failed
    archive_month(engine, names, lessons[0]["timestamp_created"][:7])
    key = ApiKeyStore(engine, names).create("ops", "admin")
    before = contents(engine, names)
    snapshot = create_snapshot(engine, settings, NOW)

    node = EmbeddedEngine(tmp_path / "fresh", port=free_port(), heap="384m")
    url = node.start()["url"]
    try:
        # The fresh node may only use repositories under its own path.repo: ship the repository there.
        shutil.copytree(source_location, node.layout.snapshots / repository)
        fresh_settings = load_settings({**base_config, "opensearch_url": url, "index_prefix": prefix,
                                        "snapshot_repository": repository,
                                        "snapshot_location": str(node.layout.snapshots / repository)})
        fresh = make_client(fresh_settings)
        assert [item.name for item in list_snapshots(fresh, fresh_settings)] == [snapshot.name]
        restore_snapshot(fresh, fresh_settings, snapshot.name, NOW)
        assert contents(fresh, names) == before
        assert installed_template_version(fresh, names) == TEMPLATE_VERSION
        assert ApiKeyStore(fresh, names).authenticate(key.key).name == "ops"
    finally:
        node.stop()
