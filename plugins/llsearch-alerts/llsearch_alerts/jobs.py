"""The periodic overdue check, declared as data for `register_periodic_jobs`."""

from __future__ import annotations

import os

from llsearch.jobs.context import job_runtime
from llsearch.jobs.schedule import PeriodicJob

from llsearch_alerts.alerts import check_overdue

DEFAULT_CHECK_SECONDS = 900


def periodic_jobs() -> list[PeriodicJob]:
    # The hook has no settings argument: the interval comes from the environment alone.
    interval = int(os.environ.get("LLSEARCH_ALERTS_CHECK_SECONDS") or DEFAULT_CHECK_SECONDS)
    return [PeriodicJob(
        name="alerts-overdue-check",
        func="llsearch_alerts.jobs.overdue_check",
        interval=interval,
        queue="alerts",
        timeout=120,
        retries=2,
        retry_intervals=(30, 120),
        description="raise LessonsLearnedOverdueActionItems when overdue action items exceed the threshold",
    )]


def overdue_check() -> dict:
    """Count overdue action items and raise the alert above the threshold (deduplicated)."""
    with job_runtime() as runtime:
        return check_overdue(runtime)
