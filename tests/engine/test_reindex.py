"""A month is reindexed into a new generation with every document, its aliases swapped in one call."""

from __future__ import annotations

import uuid
from datetime import datetime, timezone

import pytest
from opensearchpy.exceptions import AuthorizationException

from llsearch.config import load_settings
from llsearch.engine import reindex as reindex_module
from llsearch.engine.lifecycle import archive_month, current_month_index, month_indices
from llsearch.engine.names import IndexNames
from llsearch.engine.reindex import ReindexError, reindex_month
from llsearch.engine.setup import ensure_month_index, setup


def month_start(month: str) -> datetime:
    return datetime(int(month[:4]), int(month[5:]), 3, tzinfo=timezone.utc)


@pytest.fixture
def lab(engine, base_config):
    """A prefix of its own per test, with a few documents in one month."""
    prefix = f"{base_config['index_prefix']}rx{uuid.uuid4().hex[:6]}-"
    settings = load_settings({**base_config, "index_prefix": prefix})
    setup(engine, settings, today=datetime(2026, 12, 1).date())
    names = IndexNames(prefix)

    def fill(month: str, count: int = 5) -> dict:
        ensure_month_index(engine, names, month_start(month))
        for n in range(count):
            engine.index(index=names.month_alias(month), id=f"LL-{month}-03-{n + 1:03d}",
                         body={"id": f"LL-{month}-03-{n + 1:03d}", "title": f"lesson {n}",
                               "timestamp_created": f"{month}-03T10:00:00Z", "version": 1})
        engine.indices.refresh(index=names.month_alias(month))
        return documents(month)

    def documents(month: str) -> dict:
        hits = engine.search(index=names.month_alias(month), body={"size": 100})["hits"]["hits"]
        return {hit["_id"]: hit["_source"] for hit in hits}

    return {"names": names, "fill": fill, "documents": documents}


def aliases_of(engine, index: str) -> dict:
    return engine.indices.get_alias(index=index)[index]["aliases"]


def test_reindex_keeps_every_document_and_moves_the_aliases_to_v2(engine, lab):
    names = lab["names"]
    before = lab["fill"]("2025-06")
    result = reindex_month(engine, names, "2025-06")
    assert (result.source, result.target, result.documents) == (
        names.month_index("2025-06"), names.month_index("2025-06", generation=2), 5)
    assert lab["documents"]("2025-06") == before
    assert not engine.indices.exists(index=names.month_index("2025-06"))
    assert aliases_of(engine, names.month_index("2025-06", generation=2)) == {
        names.month_alias("2025-06"): {"is_write_index": True}, names.lessons: {}}
    assert not current_month_index(engine, names, "2025-06").write_blocked
    engine.index(index=names.month_alias("2025-06"), id="after", body={"title": "written after"}, refresh=True)
    assert engine.count(index=names.lessons)["count"] == 6
    again = reindex_month(engine, names, "2025-06")
    assert again.target == names.month_index("2025-06", generation=3) and again.documents == 6


def test_an_archived_month_stays_archived_read_only_and_merged(engine, lab):
    names = lab["names"]
    before = lab["fill"]("2022-02")
    archive_month(engine, names, "2022-02")
    reindex_month(engine, names, "2022-02")
    item = current_month_index(engine, names, "2022-02")
    assert item.generation == 2 and item.write_blocked and item.segments == 1
    assert set(item.aliases) == {names.month_alias("2022-02"), names.archive}
    assert lab["documents"]("2022-02") == before


def test_writes_are_refused_while_the_month_is_copied(engine, lab):
    names = lab["names"]
    lab["fill"]("2025-07")
    refused = []

    def try_a_write(created: int, total: int) -> None:
        try:
            engine.index(index=names.month_alias("2025-07"), id="during", body={"title": "during the copy"})
        except AuthorizationException as exc:
            refused.append(exc.error)

    reindex_month(engine, names, "2025-07", progress=try_a_write)
    assert refused and set(refused) == {"cluster_block_exception"}
    assert "during" not in lab["documents"]("2025-07")


def test_a_failed_copy_leaves_the_month_as_it_was(engine, lab, monkeypatch):
    names = lab["names"]
    before = lab["fill"]("2025-08")

    def broken_copy(*args):
        raise ReindexError("the copy broke")

    monkeypatch.setattr(reindex_module, "_copy", broken_copy)
    with pytest.raises(ReindexError):
        reindex_month(engine, names, "2025-08")
    item = current_month_index(engine, names, "2025-08")
    assert item.generation == 1 and not item.write_blocked
    assert [index.index for index in month_indices(engine, names) if index.month == "2025-08"] == [item.index]
    assert lab["documents"]("2025-08") == before


def test_a_swap_whose_answer_was_lost_is_kept_and_finished_by_a_rerun(engine, lab, monkeypatch):
    names = lab["names"]
    before = lab["fill"]("2025-12")
    real_swap = reindex_module._swap

    def swap_then_lose_the_answer(*args):
        real_swap(*args)
        raise ConnectionError("the answer was lost")

    monkeypatch.setattr(reindex_module, "_swap", swap_then_lose_the_answer)
    with pytest.raises(ConnectionError):
        reindex_month(engine, names, "2025-12")
    assert current_month_index(engine, names, "2025-12").generation == 2
    monkeypatch.setattr(reindex_module, "_swap", real_swap)
    assert reindex_month(engine, names, "2025-12").resumed
    assert lab["documents"]("2025-12") == before
    assert [item.generation for item in month_indices(engine, names) if item.month == "2025-12"] == [2]


def test_a_rerun_after_an_interrupted_copy_starts_again(engine, lab):
    names = lab["names"]
    before = lab["fill"]("2025-09")
    # the last run blocked v1 and had copied part of it into v2 when it died
    engine.indices.add_block(index=names.month_index("2025-09"), block="write")
    engine.indices.create(index=names.month_index("2025-09", generation=2))
    engine.index(index=names.month_index("2025-09", generation=2), id="partial", body={"title": "x"}, refresh=True)
    result = reindex_month(engine, names, "2025-09")
    assert result.target == names.month_index("2025-09", generation=2) and not result.resumed
    assert lab["documents"]("2025-09") == before
    assert not current_month_index(engine, names, "2025-09").write_blocked


def test_a_rerun_after_the_swap_only_deletes_the_old_generation(engine, lab):
    names = lab["names"]
    before = lab["fill"]("2025-10")
    old, new = names.month_index("2025-10"), names.month_index("2025-10", generation=2)
    engine.indices.create(index=new)
    engine.reindex(body={"source": {"index": old}, "dest": {"index": new}}, refresh=True)
    reindex_module._swap(engine, names, old, new)  # ... and died before deleting v1
    result = reindex_month(engine, names, "2025-10")
    assert result.resumed and result.target == new and result.documents == 5
    assert not engine.indices.exists(index=old)
    assert lab["documents"]("2025-10") == before


def test_lessons_can_still_be_stored_in_a_reindexed_month(engine, lab):
    names = lab["names"]
    lab["fill"]("2025-11")
    reindex_month(engine, names, "2025-11")
    assert ensure_month_index(engine, names, month_start("2025-11")) == names.month_alias("2025-11")
