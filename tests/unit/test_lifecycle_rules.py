"""The pure rules of the lifecycle: when a month is due, which steps remain, which snapshots go."""

from datetime import datetime, timedelta, timezone

import pytest

from llsearch.config import load_settings
from llsearch.engine.lifecycle import (
    MonthIndex,
    archive_steps,
    is_due,
    month_status,
    months_between,
    restore_steps,
)
from llsearch.engine.names import IndexNames
from llsearch.engine.snapshots import (
    Snapshot,
    SnapshotError,
    compare_checksums,
    document_hash,
    live_counterparts,
    repository_location,
    snapshot_name,
    snapshot_patterns,
    snapshots_to_prune,
)

NOW = datetime(2026, 12, 15, 3, 0, tzinfo=timezone.utc)
NAMES = IndexNames("p-")


def month(aliases=("p-lessons-2024-01", "p-lessons"), blocked=False, segments=3) -> MonthIndex:
    return MonthIndex("p-lessons-2024-01-v1", "2024-01", 1, {alias: {} for alias in aliases}, blocked, segments)


def test_a_month_is_due_once_its_last_day_is_older_than_the_limit():
    assert months_between("2024-12", NOW) == 24
    assert not is_due("2024-12", NOW, 24)  # its last days are less than 24 months old
    assert is_due("2024-11", NOW, 24)
    assert is_due("2019-03", NOW, 24)
    assert not is_due("2026-12", NOW, 24)
    assert is_due("2026-11", NOW, 0)


def test_archiving_steps_are_those_not_done_yet():
    assert archive_steps(NAMES, month()) == ["block", "merge", "move"]
    assert archive_steps(NAMES, month(blocked=True)) == ["merge", "move"]
    assert archive_steps(NAMES, month(blocked=True, segments=1)) == ["move"]
    archived = month(aliases=("p-lessons-2024-01", "p-lessons-archive"), blocked=True, segments=1)
    assert archive_steps(NAMES, archived) == []
    assert archive_steps(NAMES, month(aliases=("p-lessons-2024-01",), blocked=True, segments=0)) == ["move"]


def test_restoring_steps_are_those_not_done_yet():
    archived = month(aliases=("p-lessons-2024-01", "p-lessons-archive"), blocked=True, segments=1)
    assert restore_steps(NAMES, archived) == ["restore_aliases", "unblock"]
    moved_back = month(aliases=("p-lessons-2024-01", "p-lessons", "p-lessons-pinned"), blocked=True)
    assert restore_steps(NAMES, moved_back) == ["unblock"]
    assert restore_steps(NAMES, month(aliases=("p-lessons-2024-01", "p-lessons", "p-lessons-pinned"))) == []


def snap(name_time: datetime, state="SUCCESS", kind="daily") -> Snapshot:
    return Snapshot(snapshot_name(NAMES, name_time, kind), kind, state, name_time, name_time, ())


def test_prune_keeps_two_years_and_always_the_newest_successful_ones():
    old = [snap(NOW - timedelta(days=800 + day)) for day in range(3)]
    recent = [snap(NOW - timedelta(days=day)) for day in range(5)]
    assert {s.name for s in snapshots_to_prune(old + recent, NOW, 730, 7)} == {old[2].name}
    assert snapshots_to_prune(old + recent, NOW, 730, 3) == sorted(old, key=lambda s: s.start)
    assert snapshots_to_prune(old, NOW, 730, 7) == []


def test_prune_never_counts_failures_and_never_touches_running_snapshots():
    failed = snap(NOW - timedelta(days=900), state="FAILED")
    running = snap(NOW - timedelta(days=901), state="IN_PROGRESS")
    kept = snap(NOW - timedelta(days=902))
    assert snapshots_to_prune([failed, running, kept], NOW, 730, 1) == [failed]


def test_snapshot_names_carry_the_prefix_and_cover_only_its_indices():
    assert snapshot_name(NAMES, NOW, "daily") == "p-llsearch-20261215-030000-daily"
    assert snapshot_patterns(NAMES) == [*(f"p-lessons-{digit}*" for digit in "0123456789"),
                                        "p-llsearch-counters", "p-llsearch-apikeys", "p-llsearch-audit-*"]


def test_the_repository_location_defaults_under_the_embedded_nodes_path_repo(tmp_path):
    embedded = load_settings({"data_dir": str(tmp_path)}, environ={})
    assert repository_location(embedded) == str(tmp_path / "snapshots" / "llsearch-backups")
    inside = load_settings({"data_dir": str(tmp_path), "snapshot_location": str(tmp_path / "snapshots" / "x")},
                           environ={})
    assert repository_location(inside) == str(tmp_path / "snapshots" / "x")
    outside = load_settings({"data_dir": str(tmp_path), "snapshot_location": "/elsewhere"}, environ={})
    with pytest.raises(SnapshotError, match="path.repo"):
        repository_location(outside)
    external = load_settings({"opensearch_url": "http://search:9200"}, environ={})
    assert repository_location(external) is None
    shared = load_settings({"opensearch_url": "http://search:9200", "snapshot_location": "/mnt/backups"}, environ={})
    assert repository_location(shared) == "/mnt/backups"


def test_lifecycle_settings_have_defaults_and_are_checked():
    settings = load_settings(environ={})
    assert (settings.archive_after_months, settings.snapshot_repository, settings.snapshot_location,
            settings.snapshot_retention_days, settings.snapshot_min_keep) == (24, "llsearch-backups", None, 730, 7)
    assert load_settings(environ={"LLSEARCH_ARCHIVE_AFTER_MONTHS": "36"}).archive_after_months == 36
    with pytest.raises(Exception, match="SNAPSHOT_MIN_KEEP"):
        load_settings(environ={"LLSEARCH_SNAPSHOT_MIN_KEEP": "0"})
    with pytest.raises(Exception, match="SNAPSHOT_REPOSITORY"):
        load_settings(environ={"LLSEARCH_SNAPSHOT_REPOSITORY": "Backups!"})


def test_checksums_ignore_key_order_and_comparisons_name_every_difference():
    assert document_hash({"a": 1, "b": [1, 2]}) == document_hash({"b": [1, 2], "a": 1})
    assert document_hash({"a": 1}) != document_hash({"a": 2})
    result = compare_checksums("i", {"x": "1", "y": "2", "z": "3"}, {"x": "1", "y": "9", "w": "4"})
    assert (result.missing, result.extra, result.changed, result.ok) == (["z"], ["w"], ["y"], False)
    assert compare_checksums("i", {"x": "1"}, {"x": "1"}).ok
    gone = compare_checksums("i", {"x": "1"}, None)
    assert gone.live_docs is None and not gone.ok and gone.as_dict()["missing"] == ["x"]


def test_a_reindexed_month_is_compared_with_its_newest_generation():
    snapshot = ["p-lessons-2024-01-v1", "p-lessons-2024-02-v1", "p-lessons-1999-12-v1", "p-llsearch-counters",
                "p-llsearch-apikeys"]
    live = ["p-lessons-2024-01-v2", "p-lessons-2024-01-v10", "p-lessons-2024-03-v1", "p-lessons-1999-12-v2",
            "p-llsearch-counters"]
    pairs, live_only = live_counterparts(NAMES, snapshot, live)
    assert pairs == {"p-lessons-2024-01-v1": "p-lessons-2024-01-v10", "p-lessons-2024-02-v1": None,
                     "p-lessons-1999-12-v1": "p-lessons-1999-12-v2",
                     "p-llsearch-counters": "p-llsearch-counters", "p-llsearch-apikeys": None}
    assert live_only == ["p-lessons-2024-01-v2", "p-lessons-2024-03-v1"]


@pytest.mark.parametrize("aliases, blocked, segments, expected", [
    (("p-lessons-2024-01", "p-lessons"), False, 3, "live"),
    (("p-lessons-2024-01", "p-lessons", "p-lessons-pinned"), False, 3, "live (pinned)"),
    (("p-lessons-2024-01", "p-lessons-archive"), True, 1, "archived"),
    (("p-lessons-2024-01", "p-lessons"), True, 3, "partly archived"),
    (("p-lessons-2024-01", "p-lessons-archive"), True, 4, "partly archived"),
    (("p-lessons",), False, 1, "leftover"),
])
def test_archive_status_names_each_state(aliases, blocked, segments, expected):
    assert month_status(NAMES, month(aliases, blocked, segments), NOW, 24)["state"] == expected
    recent = MonthIndex("p-lessons-2026-11-v1", "2026-11", 1, {"p-lessons-2026-11": {}, "p-lessons": {}}, True, 2)
    assert month_status(NAMES, recent, NOW, 24)["state"] == "live, write-blocked"
