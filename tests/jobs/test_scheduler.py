"""Periodic runs are enqueued once per run time, however many schedulers run, and then worked."""

from __future__ import annotations

import signal
import uuid
from datetime import datetime, timezone

import pytest
import redis
from click.testing import CliRunner

from llsearch import hookimpl
from llsearch.cli import main
from llsearch.config import load_settings
from llsearch.jobs.periodic import rq_scheduler
from llsearch.jobs.queues import RqJobs
from llsearch.jobs.schedule import PeriodicJob
from llsearch.jobs.workers import InProcessWorker
from llsearch.plugins import get_plugin_manager

PING = PeriodicJob(name="ping", func="llsearch.jobs.tasks.ping", interval=60, queue="metrics",
                   timeout=30, retries=2, retry_intervals=(5, 15), kwargs={"value": "tick"})


class PingPlugin:
    @hookimpl
    def register_periodic_jobs(self):
        return [PING]


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=timezone.utc)


@pytest.fixture
def prefix() -> str:
    return f"s{uuid.uuid4().hex[:6]}-"


@pytest.fixture
def connection(redis_url):
    return redis.Redis.from_url(redis_url)


def scheduler(connection, prefix):
    pm = get_plugin_manager(load_settings({"plugins_autoload": False}, environ={}))
    pm.register(PingPlugin(), name="ping-plugin")
    return rq_scheduler(pm, connection, prefix)


def test_two_schedulers_enqueue_each_run_time_once(connection, prefix):
    first, second = scheduler(connection, prefix), scheduler(connection, prefix)
    now = at("2026-03-10T10:00:30")
    made = first.tick(now) + second.tick(now) + first.tick(now)
    assert sorted(made) == [f"{prefix}periodic-daily-lifecycle-20260310T003000Z",  # missed runs, once each
                            f"{prefix}periodic-ensure-month-index-20260309T235000Z",
                            f"{prefix}periodic-ping-20260310T100000Z"]
    assert second.tick(at("2026-03-10T10:01:00")) + first.tick(at("2026-03-10T10:01:59")) == [
        f"{prefix}periodic-ping-20260310T100100Z"]
    metrics = RqJobs(connection, prefix).queue("metrics")
    assert metrics.get_job_ids() == [f"{prefix}periodic-ping-20260310T100000Z",
                                     f"{prefix}periodic-ping-20260310T100100Z"]
    job = metrics.fetch_job(metrics.get_job_ids()[0])
    assert (job.timeout, job.retries_left, job.retry_intervals) == (30, 2, [5, 15])
    assert job.meta == {"periodic": "ping", "run_at": "2026-03-10T10:00:00+00:00"}


def test_a_run_whose_claim_expired_is_not_enqueued_twice(connection, prefix):
    planner = scheduler(connection, prefix)
    now = at("2026-03-10T10:00:30")
    assert f"{prefix}periodic-ping-20260310T100000Z" in planner.tick(now)
    connection.delete(*connection.keys(f"{prefix}llsearch:periodic:*"))  # as if the claims had expired
    planner.tick(now)
    assert RqJobs(connection, prefix).queue("metrics").count == 1  # rq's unique job id held


def test_a_scheduled_run_is_worked_with_its_arguments(connection, prefix):
    planner = scheduler(connection, prefix)
    planner.tick(at("2026-03-10T10:00:30"))
    queue = RqJobs(connection, prefix).queue("metrics")
    saved = {signum: signal.getsignal(signum) for signum in (signal.SIGINT, signal.SIGTERM)}
    try:
        InProcessWorker([queue], connection=connection).work(burst=True)
    finally:
        for signum, handler in saved.items():
            signal.signal(signum, handler)
    job = queue.fetch_job(f"{prefix}periodic-ping-20260310T100000Z")
    assert job.get_status() == "finished" and job.return_value() == "tick"


def test_llsearch_scheduler_lists_and_enqueues_the_due_runs(redis_url, prefix, connection):
    env = {"LLSEARCH_REDIS_URL": redis_url, "LLSEARCH_INDEX_PREFIX": prefix, "LLSEARCH_PLUGINS_AUTOLOAD": "false"}
    listed = CliRunner().invoke(main, ["scheduler", "--list"], env=env)
    assert listed.exit_code == 0, listed.output
    assert listed.output.startswith("ensure-month-index  cron 50 23 * * * UTC  queue maintenance  next 20")
    once = CliRunner().invoke(main, ["scheduler", "--once"], env=env)
    assert once.exit_code == 0, once.output
    assert once.output.startswith(f"enqueued {prefix}periodic-ensure-month-index-")
    assert CliRunner().invoke(main, ["scheduler", "--once"], env=env).output == ""
    assert RqJobs(connection, prefix).queue("maintenance").count == 2  # ensure-month-index, daily-lifecycle
