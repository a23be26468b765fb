"""Index and alias names are derived from the prefix and the creation month."""

from datetime import date, datetime, timezone

import pytest

from llsearch.engine.names import IndexNames, month_key


def test_month_index_of_a_day_and_of_a_moment():
    names = IndexNames("")
    assert names.month_alias(date(2026, 2, 1)) == "lessons-2026-02"
    assert names.month_index(datetime(2026, 12, 31, 23, 59, tzinfo=timezone.utc)) == "lessons-2026-12-v1"
    assert month_key(date(999, 1, 5)) == "0999-01"


def test_prefix_keeps_test_sessions_apart():
    names = IndexNames("t1-")
    assert names.lessons == "t1-lessons"
    assert names.archive == "t1-lessons-archive"
    assert names.month_alias("2026-03") == "t1-lessons-2026-03"
    assert names.lessons_patterns[2] == "t1-lessons-2*" and len(names.lessons_patterns) == 10
    assert names.counters == "t1-llsearch-counters"


def test_pattern_matches_month_indices_but_not_the_archive_alias():
    from fnmatch import fnmatch

    names = IndexNames("")
    assert any(fnmatch(names.month_index("2026-01"), p) for p in names.lessons_patterns)
    assert any(fnmatch(names.month_index("1999-05"), p) for p in names.lessons_patterns)
    assert not any(fnmatch(names.archive, p) for p in names.lessons_patterns)


@pytest.mark.parametrize("bad", ["2026-13", "2026-1", "26-01", "2026-00", "abcd-ef"])
def test_bad_month_is_refused(bad):
    with pytest.raises(ValueError, match="not a month"):
        IndexNames("").month_alias(bad)


def test_month_of_reads_the_month_back():
    names = IndexNames("p-")
    assert names.month_of("p-lessons-2026-04-v3") == "2026-04"
    assert names.month_of("p-lessons-2026-04") == "2026-04"
    assert names.month_of("p-lessons-archive") is None
    assert names.month_of("other-2026-04") is None
