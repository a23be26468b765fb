"""Bulk writes (import, demo data) are idempotent, keep ids and keep the id counters ahead."""

from datetime import date, datetime, timezone

from llsearch.config import load_settings
from llsearch.engine import counters
from llsearch.engine.bulk import BulkWriter
from llsearch.engine.lessons import LessonRepository
from llsearch.engine.names import IndexNames
from llsearch.engine.setup import setup
from llsearch.model.changes import new_lesson
from llsearch.model.demo import generate_lessons

NOW = datetime(2026, 5, 20, 8, 0, tzinfo=timezone.utc)


def test_writing_the_same_lessons_twice_changes_nothing(engine, base_config):
    names = IndexNames(base_config["index_prefix"] + "bulk-")
    setup(engine, load_settings({**base_config, "index_prefix": names.prefix}))
    lessons = generate_lessons(300, seed=7, now=NOW)
    writer = BulkWriter(engine, names, chunk_size=120)
    progress = []
    first = writer.write(lessons, progress=progress.append)
    assert first.counts == {"created": 300}
    assert progress == [120, 120, 60]
    second = writer.write(lessons)
    assert second.counts == {"unchanged": 300}

    changed = {**lessons[5], "title": "A corrected title"}
    third = writer.write([changed, lessons[6]])
    assert third.counts == {"updated": 1, "unchanged": 1}
    stored = LessonRepository(engine, names).get(changed["id"]).lesson
    assert stored["title"] == "A corrected title"
    assert stored["version"] == 2
    assert {k: v for k, v in stored.items() if k != "version"} == changed

    months = {lesson["timestamp_created"][:7] for lesson in lessons}
    for month in months:
        assert engine.indices.exists_alias(name=names.month_alias(month))


def test_imported_ids_push_the_day_counter_forward(engine, base_config):
    names = IndexNames(base_config["index_prefix"] + "bulkids-")
    setup(engine, load_settings({**base_config, "index_prefix": names.prefix}))
    lesson = {"id": "LL-2026-03-01-007", "timestamp_created": "2026-03-01T10:00:00Z", "category": "PROCESS",
              "severity": "LOW", "component": "release", "title": "Imported", "situation": "From files"}
    assert BulkWriter(engine, names).write([lesson]).counts == {"created": 1}
    assert counters.current_number(engine, names, date(2026, 3, 1)) == 7
    moment = datetime(2026, 3, 1, 12, tzinfo=timezone.utc)
    body = {k: v for k, v in lesson.items() if k not in ("id", "timestamp_created")}
    created = LessonRepository(engine, names).create(new_lesson(body, moment), moment)
    assert created.lesson["id"] == "LL-2026-03-01-008"


def test_a_rejected_record_is_reported_with_the_engine_reason(engine, base_config):
    names = IndexNames(base_config["index_prefix"] + "bulkbad-")
    setup(engine, load_settings({**base_config, "index_prefix": names.prefix}))
    good = generate_lessons(2, seed=1, now=NOW)
    bad = {**good[1], "unexpected_field": 1}  # strict mapping refuses it
    report = BulkWriter(engine, names).write([good[0], bad])
    assert report.counts == {"created": 1, "failed": 1}
    assert report.failed[0].id == bad["id"]
    assert "unexpected_field" in report.failed[0].reason


def test_pipelined_chunks_create_each_month_once_and_see_their_own_earlier_writes(engine, base_config):
    names = IndexNames(base_config["index_prefix"] + "bulkpipe-")
    setup(engine, load_settings({**base_config, "index_prefix": names.prefix}))
    lessons = generate_lessons(400, seed=11, now=NOW)
    # The same lesson again, changed, two chunks later: it must be compared with its stored copy.
    changed = {**lessons[3], "title": "Changed while the first copy was in flight"}
    writer = BulkWriter(engine, names, chunk_size=50, in_flight=3)
    report = writer.write([*lessons[:150], changed, *lessons[150:]])
    assert report.counts == {"created": 400, "updated": 1}
    assert LessonRepository(engine, names).get(changed["id"]).lesson["title"] == changed["title"]

    # Every month is an alias over one generation index, never a plain index under the alias's name.
    for month in {lesson["timestamp_created"][:7] for lesson in lessons}:
        behind = engine.indices.get_alias(name=names.month_alias(month))
        assert list(behind) == [names.month_index(month)]
    highest = {}
    for lesson in lessons:
        day, number = lesson["id"][3:13], int(lesson["id"][14:])
        highest[day] = max(highest.get(day, 0), number)
    for day, number in list(highest.items())[:20]:
        assert counters.current_number(engine, names, date.fromisoformat(day)) == number


def test_a_large_load_can_keep_counts_and_failures_only(engine, base_config):
    names = IndexNames(base_config["index_prefix"] + "bulkcount-")
    setup(engine, load_settings({**base_config, "index_prefix": names.prefix}))
    good = generate_lessons(30, seed=4, now=NOW)
    bad = {**good[-1], "unexpected_field": 1}
    report = BulkWriter(engine, names, chunk_size=10).write([*good[:-1], bad], keep_outcomes=False)
    assert report.counts == {"created": 29, "failed": 1}
    assert report.outcomes == [] and [outcome.id for outcome in report.failed] == [bad["id"]]
