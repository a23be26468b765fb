"""The severity trend: lessons per period (ISO week, month, quarter) and severity, in UTC.

Buckets come from a `date_histogram` with `min_doc_count: 0` and `extended_bounds`, so periods
without lessons inside the range are there with zeros. The range is `from`/`to` when both are
given, else completed from the selected lessons' own first and last creation (asked of the
engine first); its number of buckets is checked before the histogram runs, so an absurd range
is the caller's error (`TrendTooLong`), never an engine overload.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from opensearchpy import OpenSearch

from llsearch.engine.filters import LessonFilter
from llsearch.engine.names import IndexNames
from llsearch.engine.stats import aggregation_body, bucket_counts, enum_terms, run_stats
from llsearch.model.enums import SEVERITIES

PERIODS = ("weekly", "monthly", "quarterly")
CALENDAR_INTERVALS = {"weekly": "week", "monthly": "month", "quarterly": "quarter"}
# A chart with more points is unreadable; 2000 weeks is ~38 years. Far below the engine's
# search.max_buckets (65,535) even with the four severity sub-buckets.
MAX_TREND_BUCKETS = 2000
EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
ONE_MS = timedelta(milliseconds=1)


class TrendTooLong(ValueError):
    """The requested range has more periods than one trend may have."""

    def __init__(self, period: str, buckets: int, limit: int = MAX_TREND_BUCKETS):
        self.period, self.buckets, self.limit = period, buckets, limit
        super().__init__(
            f"a {period} trend over this range has {buckets:,} periods, more than {limit:,}: "
            f"narrow `from`/`to` or choose a longer period"
        )


@dataclass(frozen=True)
class TrendRange:
    """First and last instant (both inclusive) the trend's buckets must cover."""

    first: datetime
    last: datetime


def to_millis(moment: datetime) -> int:
    return (moment - EPOCH) // ONE_MS


def from_millis(millis: int | float) -> datetime:
    return EPOCH + timedelta(milliseconds=int(millis))


def period_start(moment: datetime, period: str) -> datetime:
    """The UTC start of the period holding `moment` (weeks start on Monday, as ISO weeks do)."""
    moment = moment.astimezone(timezone.utc)
    day = moment.replace(hour=0, minute=0, second=0, microsecond=0)
    if period == "weekly":
        return day - timedelta(days=day.weekday())
    if period == "monthly":
        return day.replace(day=1)
    if period == "quarterly":
        return day.replace(day=1, month=(day.month - 1) // 3 * 3 + 1)
    raise ValueError(f"unknown period {period!r}; expected one of {', '.join(PERIODS)}")


def period_count(first: datetime, last: datetime, period: str) -> int:
    """How many periods the range first..last (inclusive) touches; 0 when last < first."""
    if last < first:
        return 0
    start, end = period_start(first, period), period_start(last, period)
    if period == "weekly":
        return (end - start).days // 7 + 1
    months = (end.year - start.year) * 12 + end.month - start.month
    return months + 1 if period == "monthly" else months // 3 + 1


def period_key(moment: datetime, period: str) -> str:
    """`2026-W05` (ISO week), `2026-01`, `2026-Q1`: the key of the period starting at `moment`."""
    if period == "weekly":
        year, week, _ = moment.isocalendar()
        return f"{year:04d}-W{week:02d}"
    if period == "monthly":
        return f"{moment.year:04d}-{moment.month:02d}"
    if period == "quarterly":
        return f"{moment.year:04d}-Q{(moment.month - 1) // 3 + 1}"
    raise ValueError(f"unknown period {period!r}; expected one of {', '.join(PERIODS)}")


def requested_range(selection: LessonFilter) -> tuple[datetime | None, datetime | None]:
    """The inclusive bounds the caller gave (`created_before` is exclusive, so 1 ms less)."""
    last = selection.created_before - ONE_MS if selection.created_before else None
    return selection.created_from, last


def data_range_body(selection: LessonFilter) -> dict:
    """First and last creation among the selected lessons."""
    return aggregation_body(selection, {
        "first": {"min": {"field": "timestamp_created"}},
        "last": {"max": {"field": "timestamp_created"}},
    }, track_total_hits=False)


def shape_data_range(answer: dict) -> tuple[datetime | None, datetime | None]:
    aggs = answer["aggregations"]
    first, last = aggs["first"]["value"], aggs["last"]["value"]
    return (from_millis(first) if first is not None else None,
            from_millis(last) if last is not None else None)


def checked_range(first: datetime, last: datetime, period: str, limit: int = MAX_TREND_BUCKETS) -> TrendRange:
    count = period_count(first, last, period)
    if count > limit:
        raise TrendTooLong(period, count, limit)
    return TrendRange(first, last)


def trend_body(selection: LessonFilter, period: str, bounds: TrendRange) -> dict:
    return aggregation_body(selection, {
        "trend": {
            "date_histogram": {
                "field": "timestamp_created",
                "calendar_interval": CALENDAR_INTERVALS[period],
                "time_zone": "UTC",
                "min_doc_count": 0,
                "extended_bounds": {"min": to_millis(bounds.first), "max": to_millis(bounds.last)},
            },
            "aggs": {"by_severity": enum_terms("severity", SEVERITIES)},
        }
    }, track_total_hits=False)


def shape_trend(answer: dict, period: str) -> dict[str, dict[str, int]]:
    """`{period key: {severity: count}}` in time order, every severity in every bucket."""
    return {
        period_key(from_millis(bucket["key"]), period): bucket_counts(bucket["by_severity"]["buckets"], SEVERITIES)
        for bucket in answer["aggregations"]["trend"]["buckets"]
    }


def severity_trend(client: OpenSearch, names: IndexNames, selection: LessonFilter,
                   period: str = "monthly") -> dict[str, dict[str, int]]:
    """Lessons per period and severity over the selected range; `{}` when no range is known
    (no bounds given and no lessons selected). Raises `TrendTooLong`."""
    if period not in PERIODS:
        raise ValueError(f"unknown period {period!r}; expected one of {', '.join(PERIODS)}")
    first, last = requested_range(selection)
    if first is None or last is None:
        data_first, data_last = shape_data_range(run_stats(client, names, selection, data_range_body(selection)))
        first, last = first or data_first, last or data_last
        if first is None or last is None:
            return {}
    if last < first:
        return {}
    bounds = checked_range(first, last, period)
    return shape_trend(run_stats(client, names, selection, trend_body(selection, period, bounds)), period)
