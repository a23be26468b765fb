"""Periodic jobs are data: their run times are computed the same way by every scheduler."""

from __future__ import annotations

import logging
from datetime import datetime, timezone

import pytest

from llsearch import hookimpl
from llsearch.config import load_settings
from llsearch.jobs.periodic import periodic_jobs
from llsearch.jobs.schedule import CORE_PERIODIC_JOBS, PeriodicJob, latest_run, next_run, run_stamp
from llsearch.plugins import get_plugin_manager


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=timezone.utc)


DAILY = PeriodicJob(name="daily-sync", func="pkg.tasks.sync", cron="0 0 * * *", queue="metrics")
EVERY_5_MIN = PeriodicJob(name="refresh", func="pkg.tasks.refresh", interval=300)


def test_cron_runs_are_read_in_utc_and_include_the_exact_minute():
    assert latest_run(DAILY, at("2026-03-10T00:00:00")) == at("2026-03-10T00:00:00")
    assert latest_run(DAILY, at("2026-03-09T23:59:59.900")) == at("2026-03-09T00:00:00")
    assert latest_run(DAILY, at("2026-03-10T13:45:00")) == at("2026-03-10T00:00:00")
    assert next_run(DAILY, at("2026-03-10T00:00:00")) == at("2026-03-11T00:00:00")
    lisbon_summer = datetime.fromisoformat("2026-07-01T01:30:00+01:00")  # 00:30 UTC
    assert latest_run(DAILY, lisbon_summer) == at("2026-07-01T00:00:00")


def test_interval_runs_fall_on_multiples_of_the_interval_since_the_epoch():
    assert latest_run(EVERY_5_MIN, at("2026-03-10T10:07:12")) == at("2026-03-10T10:05:00")
    assert next_run(EVERY_5_MIN, at("2026-03-10T10:05:00")) == at("2026-03-10T10:10:00")
    assert run_stamp(at("2026-03-10T10:05:00")) == "20260310T100500Z"
    with pytest.raises(ValueError, match="aware"):
        latest_run(EVERY_5_MIN, datetime(2026, 3, 10))


@pytest.mark.parametrize("changes, message", [
    ({"cron": None}, "exactly one of cron and interval"),
    ({"interval": 60}, "exactly one of cron and interval"),
    ({"cron": "every day"}, "invalid cron expression"),
    ({"name": "Daily Sync"}, "use lower case letters"),
    ({"func": "sync"}, "dotted path"),
    ({"retries": -1}, "retries not negative"),
])
def test_a_bad_declaration_is_refused_with_the_reason(changes, message):
    fields = {"name": "daily-sync", "func": "pkg.tasks.sync", "cron": "0 0 * * *", **changes}
    with pytest.raises(ValueError, match=message):
        PeriodicJob(**fields)


class SyncPlugin:
    @hookimpl
    def register_periodic_jobs(self):
        return [DAILY, CORE_PERIODIC_JOBS[0], "not a job",
                PeriodicJob(name="odd-queue", func="pkg.tasks.odd", interval=60, queue="nowhere")]


def test_hook_register_periodic_jobs_extends_the_core_schedule(caplog):
    pm = get_plugin_manager(load_settings({"plugins_autoload": False}, environ={}))
    assert [job.name for job in periodic_jobs(pm)] == ["ensure-month-index", "daily-lifecycle"]
    pm.register(SyncPlugin(), name="sync")
    with caplog.at_level(logging.ERROR, "llsearch.jobs.periodic"):
        jobs = periodic_jobs(pm)
    assert [job.name for job in jobs] == ["ensure-month-index", "daily-lifecycle", "daily-sync"]
    assert "plugin sync: periodic job ensure-month-index is already declared" in caplog.text  # the core's stays
    assert "gave 'not a job', not a PeriodicJob" in caplog.text
    assert "odd-queue names unknown queue nowhere" in caplog.text
