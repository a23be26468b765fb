"""Periodic jobs declared as data, their run times (UTC), and the core's own periodic jobs."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any, Mapping

from croniter import croniter

from llsearch.hookspecs import hookimpl

_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]*$")  # it becomes part of rq job ids: [A-Za-z0-9_-]


@dataclass(frozen=True)
class PeriodicJob:
    """A job run on a schedule: a 5-field cron expression in UTC, or a fixed interval in seconds.

    Interval runs fall on multiples of the interval since the Unix epoch, so every scheduler
    computes the same run times. `func` is a dotted path to a module-level function; `kwargs`
    must be primitives (they travel through Redis).
    """

    name: str
    func: str
    cron: str | None = None
    interval: int | None = None
    queue: str = "default"
    timeout: int = 300
    retries: int = 3
    retry_intervals: tuple[int, ...] = (10, 60, 300)
    kwargs: Mapping[str, Any] = field(default_factory=dict)
    description: str = ""

    def __post_init__(self) -> None:
        if not _NAME.match(self.name):
            raise ValueError(f"periodic job name {self.name!r}: use lower case letters, digits, '_' and '-'")
        if "." not in self.func:
            raise ValueError(f"periodic job {self.name}: func must be a dotted path, got {self.func!r}")
        if (self.cron is None) == (self.interval is None):
            raise ValueError(f"periodic job {self.name}: give exactly one of cron and interval")
        if self.cron is not None and not croniter.is_valid(self.cron):
            raise ValueError(f"periodic job {self.name}: invalid cron expression {self.cron!r}")
        if self.interval is not None and self.interval < 1:
            raise ValueError(f"periodic job {self.name}: interval must be at least 1 second")
        if self.timeout < 1 or self.retries < 0:
            raise ValueError(f"periodic job {self.name}: timeout must be positive and retries not negative")

    @property
    def schedule(self) -> str:
        return f"cron {self.cron} UTC" if self.cron else f"every {self.interval}s"


def _utc(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError("run times are computed from aware datetimes (UTC)")
    return moment.astimezone(timezone.utc)


def latest_run(job: PeriodicJob, now: datetime) -> datetime:
    """The latest run time at or before `now`."""
    now = _utc(now)
    if job.interval:
        seconds = int(now.timestamp()) // job.interval * job.interval
        return datetime.fromtimestamp(seconds, timezone.utc)
    # croniter's get_prev excludes its start: start one second past `now` (whole seconds) to include it
    start = now.replace(microsecond=0) + timedelta(seconds=1)
    return croniter(job.cron, start).get_prev(datetime).astimezone(timezone.utc)


def next_run(job: PeriodicJob, after: datetime) -> datetime:
    """The first run time strictly after `after`."""
    after = _utc(after)
    if job.interval:
        seconds = int(after.timestamp()) // job.interval * job.interval + job.interval
        return datetime.fromtimestamp(seconds, timezone.utc)
    return croniter(job.cron, after).get_next(datetime).astimezone(timezone.utc)


def run_stamp(run_at: datetime) -> str:
    """A run time as it appears in job ids: 20260101T000000Z."""
    return _utc(run_at).strftime("%Y%m%dT%H%M%SZ")


CORE_PERIODIC_JOBS = [
    PeriodicJob(
        name="ensure-month-index",
        func="llsearch.jobs.tasks.ensure_month_index_ahead",
        cron="50 23 * * *",
        queue="maintenance",
        timeout=120,
        description="create tomorrow's month index and aliases before the first write needs them",
    ),
    PeriodicJob(
        name="daily-lifecycle",
        func="llsearch.jobs.tasks.daily_lifecycle",
        cron="30 0 * * *",
        queue="maintenance",
        timeout=3600,
        description="archive months past LLSEARCH_ARCHIVE_AFTER_MONTHS, take the daily snapshot, prune (2 years)",
    ),
]


@hookimpl
def register_periodic_jobs() -> list[PeriodicJob]:
    """The core's own periodic jobs, through the same hook plugins use."""
    return list(CORE_PERIODIC_JOBS)
