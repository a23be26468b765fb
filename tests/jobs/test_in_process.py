"""Without Redis (the embedded demo mode) jobs and periodic jobs run in the serving process."""

from __future__ import annotations

import threading
import time

import pytest
from flask import current_app

from llsearch import hookimpl
from llsearch.app import create_app
from llsearch.jobs.periodic import start_in_process_runner
from llsearch.jobs.queues import InProcessJobs
from llsearch.jobs.schedule import PeriodicJob

attempts: dict[str, int] = {}
ran = threading.Event()
ran_in: list = []


def fail_first(key: str) -> int:
    attempts[key] = attempts.get(key, 0) + 1
    if attempts[key] == 1:
        raise RuntimeError("first attempt fails")
    return attempts[key]


def heartbeat() -> None:
    ran_in.append(current_app._get_current_object())
    ran.set()


class HeartbeatPlugin:
    @hookimpl
    def register_periodic_jobs(self):
        return [PeriodicJob(name="heartbeat", func=f"{__name__}.heartbeat", interval=1, retries=0)]


@pytest.fixture(scope="module")
def demo_app(base_config, engine):
    app = create_app({**base_config, "redis_url": None, "plugins_autoload": False})
    yield app
    app.extensions["llsearch"].jobs.shutdown()


def test_jobs_run_on_a_thread_and_are_retried(demo_app):
    jobs = demo_app.extensions["llsearch"].jobs
    assert isinstance(jobs, InProcessJobs) and jobs.in_process
    retried = jobs.enqueue(fail_first, args=["retried"], retry_intervals=[0])
    assert retried.result(timeout=10) == 2 and retried.attempts == 2
    once = jobs.enqueue(f"{__name__}.fail_first", args=["once"], retries=0)
    with pytest.raises(RuntimeError, match="first attempt fails"):
        once.result(timeout=10)


def test_periodic_jobs_run_in_process_inside_the_app(demo_app):
    demo_app.extensions["llsearch"].plugins.register(HeartbeatPlugin(), name="heartbeat")
    runner = start_in_process_runner(demo_app)
    try:
        assert {job.name for job in runner.scheduler.jobs} == {"ensure-month-index", "daily-lifecycle", "heartbeat"}
        assert runner.is_alive() and runner.daemon
        started = time.monotonic()
        assert ran.wait(timeout=5), "the interval job did not run"
        assert time.monotonic() - started < 2.5
        assert ran_in[0] is demo_app
    finally:
        runner.stop()
        runner.join(timeout=5)
    assert not runner.is_alive()


def test_with_redis_the_scheduler_process_does_it_instead(app):
    assert start_in_process_runner(app) is None
