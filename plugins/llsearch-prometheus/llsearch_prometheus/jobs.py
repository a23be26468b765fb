"""The daily 00:00 UTC sync of the specification, as a periodic job of the `metrics` queue.

At midnight UTC action items become overdue without any write: the job recomputes the snapshot
for the new day and stores it as the shared cached copy and as the last-known-good fallback, so
the first scrapes of the day are current and cheap, and an engine outage later that day still
serves that day's values (flagged by `lessons_learned_engine_up 0`).
"""

from __future__ import annotations

from llsearch.jobs.context import job_runtime
from llsearch.jobs.schedule import PeriodicJob

from llsearch_prometheus.snapshot import sync_snapshot

PERIODIC_JOBS = [
    PeriodicJob(
        name="prometheus-daily-sync",
        func="llsearch_prometheus.jobs.daily_sync",
        cron="0 0 * * *",
        queue="metrics",
        timeout=120,
        retries=3,
        retry_intervals=(5, 30, 120),
        description="recompute the lessons_learned_* snapshot for the new UTC day and cache it",
    ),
]


def daily_sync() -> dict:
    """Recompute and store the snapshot; returns a short summary (kept by rq as the job result)."""
    with job_runtime() as runtime:
        snapshot = sync_snapshot(runtime)
    return {
        "today": snapshot["today"],
        "lessons": snapshot["lessons_total"],
        "open_action_items": sum(row[2] for row in snapshot["components"]),
        "overdue_action_items": sum(row[3] for row in snapshot["components"]),
    }
