"""Export reads every stored lesson: live months always, archived months on request, in id order."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from llsearch.config import load_settings
from llsearch.engine.bulk import BulkWriter
from llsearch.engine.names import IndexNames
from llsearch.engine.scan import count_lessons, scan_lessons
from llsearch.engine.setup import setup
from llsearch.security.fields import codec_for
from llsearch.transfer.export import export_lessons


def lesson(lesson_id: str, created: str) -> dict:
    return {"id": lesson_id, "timestamp_created": created, "version": 2, "category": "SECURITY", "severity": "LOW",
            "component": "vault", "title": f"Lesson {lesson_id}", "situation": "Um segredo vazou.",
            "metrics": {"business_impact_usd": 10}}


@pytest.fixture(scope="module")
def store(base_config, engine):
    settings = load_settings({**base_config, "index_prefix": base_config["index_prefix"] + "scan-"})
    setup(engine, settings)
    names, codec = IndexNames(settings.index_prefix), codec_for(settings)
    live = [lesson("LL-2025-08-02-001", "2025-08-02T10:00:00Z"), lesson("LL-2025-07-01-001", "2025-07-01T10:00:00Z")]
    assert not BulkWriter(engine, names, codec=codec).write(live).failed
    # An archived month: its index answers to the archive alias only.
    archived = lesson("LL-2019-01-05-001", "2019-01-05T10:00:00Z")
    index = names.month_index("2019-01")
    engine.indices.create(index=index, body={"aliases": {names.archive: {}}})
    engine.index(index=index, id=archived["id"], body=codec.encode(archived), refresh=True)
    return engine, names, codec


def test_scan_decodes_sorts_by_id_and_includes_archived_months_on_request(store):
    engine, names, codec = store
    live = list(scan_lessons(engine, names, codec))
    assert [item["id"] for item in live] == ["LL-2025-07-01-001", "LL-2025-08-02-001"]
    assert live[0]["metrics"] == {"business_impact_usd": 10} and live[0]["version"] == 2
    everything = list(scan_lessons(engine, names, codec, include_archived=True))
    assert [item["id"] for item in everything] == ["LL-2019-01-05-001", "LL-2025-07-01-001", "LL-2025-08-02-001"]
    assert (count_lessons(engine, names), count_lessons(engine, names, include_archived=True)) == (2, 3)


def test_export_of_an_empty_store_writes_an_empty_metaindex(tmp_path, engine):
    names = IndexNames("nothing-here-")
    now = datetime(2026, 4, 1, tzinfo=timezone.utc)
    report = export_lessons(scan_lessons(engine, names, codec=None, include_archived=True), tmp_path, now)
    assert report.count == 0 and count_lessons(engine, names, include_archived=True) == 0
    assert (tmp_path / "lessons-learned" / "index.json").exists()
