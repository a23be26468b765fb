"""Lesson ids are unique and gapless when many processes create lessons for the same day."""

from __future__ import annotations

import multiprocessing
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime, timezone

import pytest

from llsearch.config import load_settings
from llsearch.engine import counters
from llsearch.engine.client import make_client
from llsearch.engine.lessons import LessonRepository
from llsearch.engine.names import IndexNames
from llsearch.engine.setup import setup
from llsearch.model.changes import new_lesson

DAY = datetime(2026, 6, 15, 12, 0, tzinfo=timezone.utc)
PROCESSES = 8
CREATES_PER_PROCESS = 25


def _lesson(n: int) -> dict:
    return {"category": "TECHNICAL", "severity": "LOW", "component": "health_check",
            "title": f"concurrent lesson {n}", "situation": "created in parallel"}


def _create_many(config: dict) -> list[str]:
    """One process: its own client, 25 creates at once from a thread pool."""
    settings = load_settings(config)
    repository = LessonRepository(make_client(settings), IndexNames(settings.index_prefix))
    with ThreadPoolExecutor(max_workers=CREATES_PER_PROCESS) as pool:
        stored = pool.map(lambda n: repository.create(new_lesson(_lesson(n), DAY), DAY), range(CREATES_PER_PROCESS))
        return [item.lesson["id"] for item in stored]


@pytest.mark.slow
def test_eight_processes_creating_at_once_get_001_to_200(base_config, engine):
    config = {**base_config, "index_prefix": base_config["index_prefix"] + "ids-"}
    setup(engine, load_settings(config))
    with multiprocessing.get_context("spawn").Pool(PROCESSES) as pool:
        ids = [lesson_id for batch in pool.map(_create_many, [config] * PROCESSES) for lesson_id in batch]
    expected = [f"LL-2026-06-15-{n:03d}" for n in range(1, PROCESSES * CREATES_PER_PROCESS + 1)]
    assert sorted(ids) == expected
    names = IndexNames(config["index_prefix"])
    engine.indices.refresh(index=names.lessons)
    assert engine.count(index=names.lessons)["count"] == PROCESSES * CREATES_PER_PROCESS


def test_counter_numbers_are_consecutive_and_can_be_given_back(engine, base_config):
    names = IndexNames(base_config["index_prefix"] + "cnt-")
    setup(engine, load_settings({**base_config, "index_prefix": names.prefix}))
    day = date(2026, 1, 31)
    assert counters.current_number(engine, names, day) == 0
    assert [counters.next_number(engine, names, day) for _ in range(3)] == [1, 2, 3]
    assert not counters.give_back(engine, names, day, 2)  # 3 was handed out after it
    assert counters.give_back(engine, names, day, 3)
    assert counters.next_number(engine, names, day) == 3
    counters.raise_to(engine, names, day, 10)
    counters.raise_to(engine, names, day, 5)
    assert counters.next_number(engine, names, day) == 11
