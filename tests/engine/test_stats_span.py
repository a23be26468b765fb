"""Stats over lessons a century apart and over archived months, in indices of their own."""

from __future__ import annotations

import pytest

from llsearch.app import create_app
from llsearch.engine import similar, stats, stats_trend, suggest
from llsearch.engine.bulk import BulkWriter
from llsearch.engine.filters import LessonFilter


def lesson(lesson_id: str, created: str, **changes) -> dict:
    body = {"id": lesson_id, "timestamp_created": created, "category": "TECHNICAL", "severity": "LOW",
            "component": "sundial", "title": "Sundial drift over a century", "situation": "The sundial drifted."}
    body.update(changes)
    return body


@pytest.fixture(scope="module")
def span(base_config, engine):
    """Lessons in January 2000, 2001 and December 2099; the 2001 month is then archived (moved
    from the read alias to the archive alias), as `archive run` would."""
    config = {**base_config, "index_prefix": base_config["index_prefix"] + "span-"}
    runtime = create_app(config).extensions["llsearch"]
    lessons = [
        lesson("LL-2000-01-03-001", "2000-01-03T10:00:00Z", severity="HIGH"),
        lesson("LL-2001-01-10-001", "2001-01-10T10:00:00Z", category="SECURITY", component="hourglass",
               title="Hourglass sand leaked", situation="Sand of the hourglass leaked through a crack.",
               tags=["sandglass"]),
        lesson("LL-2099-12-28-001", "2099-12-28T10:00:00Z"),
    ]
    report = BulkWriter(runtime.engine, runtime.names, codec=runtime.codec).write(lessons)
    assert not report.failed, report.failed
    names = runtime.names
    engine.indices.update_aliases(body={"actions": [
        {"remove": {"index": names.month_index("2001-01"), "alias": names.lessons}},
        {"add": {"index": names.month_index("2001-01"), "alias": names.archive}},
    ]})
    return runtime


ARCHIVED = LessonFilter(include_archived=True)


def test_a_weekly_trend_over_the_datas_own_century_is_refused(span):
    with pytest.raises(stats_trend.TrendTooLong) as raised:
        stats_trend.severity_trend(span.engine, span.names, LessonFilter(), "weekly")
    assert raised.value.period == "weekly"
    assert raised.value.buckets == 5218  # the Mondays from 2000-01-03 to 2099-12-28


def test_a_monthly_trend_spans_the_century_with_empty_months(span):
    trend = stats_trend.severity_trend(span.engine, span.names, LessonFilter(), "monthly")
    assert len(trend) == 100 * 12
    assert (next(iter(trend)), list(trend)[-1]) == ("2000-01", "2099-12")
    assert trend["2000-01"] == {"CRITICAL": 0, "HIGH": 1, "MEDIUM": 0, "LOW": 0}
    assert sum(sum(counts.values()) for counts in trend.values()) == 2  # the archived month is left out
    with_archive = stats_trend.severity_trend(span.engine, span.names, ARCHIVED, "quarterly")
    assert with_archive["2001-Q1"] == {"CRITICAL": 0, "HIGH": 0, "MEDIUM": 0, "LOW": 1}


def test_archived_months_count_only_when_asked(span):
    assert stats.by_category(span.engine, span.names, LessonFilter())["SECURITY"] == 0
    assert stats.by_category(span.engine, span.names, ARCHIVED) == {
        "TECHNICAL": 2, "PROCESS": 0, "SECURITY": 1, "OPERATIONAL": 0}
    assert stats.top_components(span.engine, span.names, ARCHIVED) == [
        {"component": "sundial", "count": 2}, {"component": "hourglass", "count": 1}]


def test_similar_and_suggest_reach_archived_months_only_when_asked(span):
    draft = {"title": "Hourglass sand", "situation": "sand leaked through a crack"}
    live = similar.similar(span.engine, span.names, draft, LessonFilter())["items"]
    assert "LL-2001-01-10-001" not in [item["id"] for item in live]
    found = similar.similar(span.engine, span.names, draft, ARCHIVED)["items"]
    assert found[0]["id"] == "LL-2001-01-10-001"
    assert suggest.suggest(span.engine, span.names, "hourg", LessonFilter()) == {
        "titles": [], "components": [], "tags": []}
    assert suggest.suggest(span.engine, span.names, "hourg", ARCHIVED) == {
        "titles": [{"id": "LL-2001-01-10-001", "title": "Hourglass sand leaked"}],
        "components": [{"key": "hourglass", "count": 1}], "tags": []}
    assert suggest.suggest(span.engine, span.names, "sand", ARCHIVED)["tags"] == [{"key": "sandglass", "count": 1}]
