"""Jobs go through a real Redis to a real rq worker: timeouts and retries travel with every job."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import uuid

import pytest
import redis
from rq.registry import FailedJobRegistry

from llsearch.jobs.context import use_job_app
from llsearch.jobs.queues import QUEUES, RqJobs, queue_name
from llsearch.jobs.workers import InProcessWorker


def flaky(redis_url: str, key: str, failures: int) -> int:
    """Fail the first `failures` attempts, then answer the attempt number."""
    attempt = redis.Redis.from_url(redis_url).incr(key)
    if attempt <= failures:
        raise RuntimeError(f"attempt {attempt} fails")
    return attempt


@pytest.fixture
def connection(redis_url):
    return redis.Redis.from_url(redis_url)


@pytest.fixture
def jobs(connection, app):
    """Queues of their own, and jobs that run in the session's app, as `llsearch worker` sets up."""
    use_job_app(app)
    yield RqJobs(connection, prefix=f"w{uuid.uuid4().hex[:6]}-")
    use_job_app(None)


@pytest.fixture
def work(connection):
    """Run an in-process worker in burst mode on some purposes; rq's signal handlers are put back."""
    def run(jobs: RqJobs, *purposes: str) -> None:
        saved = {signum: signal.getsignal(signum) for signum in (signal.SIGINT, signal.SIGTERM)}
        try:
            InProcessWorker([jobs.queue(p) for p in purposes], connection=connection).work(burst=True)
        finally:
            for signum, handler in saved.items():
                signal.signal(signum, handler)
    return run


def test_the_session_app_enqueues_on_rq_because_redis_is_configured(app):
    runtime = app.extensions["llsearch"]
    assert isinstance(runtime.jobs, RqJobs) and not runtime.jobs.in_process
    assert runtime.jobs.queue("metrics").name == f"{runtime.settings.index_prefix}llsearch-metrics"
    assert queue_name("alerts") == "llsearch-alerts"
    with pytest.raises(ValueError, match="unknown queue 'email'"):
        runtime.jobs.enqueue("llsearch.jobs.tasks.ping", queue="email")


def test_every_job_carries_its_queue_s_timeout_and_retries(jobs):
    spec = QUEUES["maintenance"]
    job = jobs.enqueue("llsearch.jobs.tasks.ping", queue="maintenance")
    assert (job.timeout, job.retries_left, job.retry_intervals) == (spec.timeout, spec.retries,
                                                                   list(spec.retry_intervals))
    chosen = jobs.enqueue("llsearch.jobs.tasks.ping", timeout=7, retries=1, retry_intervals=[2])
    assert (chosen.timeout, chosen.retries_left, chosen.retry_intervals) == (7, 1, [2])
    assert jobs.enqueue("llsearch.jobs.tasks.ping", retries=0).retries_left is None


def test_a_worker_runs_the_core_job_in_the_app(jobs, work, app):
    job = jobs.enqueue("llsearch.jobs.tasks.ensure_month_index_ahead", kwargs={"days": 1}, queue="maintenance")
    work(jobs, "maintenance")
    assert job.get_status(refresh=True) == "finished", job.latest_result()
    assert job.return_value().startswith(app.extensions["llsearch"].names.prefix + "lessons-")


def test_a_failing_job_is_retried_until_it_succeeds(jobs, work, redis_url):
    key = f"attempts-{uuid.uuid4().hex}"
    job = jobs.enqueue(flaky, args=[redis_url, key, 2], retries=3, retry_intervals=[0])
    work(jobs, "default")
    assert job.get_status(refresh=True) == "finished"
    assert job.return_value() == 3


def test_a_job_failing_more_than_its_retries_ends_in_the_failed_registry(jobs, work, redis_url, connection):
    key = f"attempts-{uuid.uuid4().hex}"
    job = jobs.enqueue(flaky, args=[redis_url, key, 5], queue="alerts", retries=2, retry_intervals=[0])
    work(jobs, "alerts")
    assert job.get_status(refresh=True) == "failed"
    assert int(connection.get(key)) == 3  # the first attempt and two retries
    assert job.id in FailedJobRegistry(queue=jobs.queue("alerts"))


def test_llsearch_worker_burst_runs_queued_jobs_and_exits(jobs, base_config):
    job = jobs.enqueue("llsearch.jobs.tasks.ping", args=["from the queue"], queue="metrics")
    env = {**os.environ, **{f"LLSEARCH_{key.upper()}": str(value) for key, value in base_config.items()},
           "LLSEARCH_INDEX_PREFIX": jobs.prefix}
    done = subprocess.run(
        [sys.executable, "-m", "llsearch", "worker", "--burst", "--queues", "metrics,default",
         "--without-scheduler"], env=env, capture_output=True, text=True, timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"on {jobs.prefix}llsearch-metrics, {jobs.prefix}llsearch-default" in done.stdout
    assert job.get_status(refresh=True) == "finished"
    assert job.return_value() == "from the queue"


def test_llsearch_worker_needs_redis(base_config):
    from click.testing import CliRunner

    from llsearch.cli import main

    result = CliRunner().invoke(main, ["worker", "--burst"], env={"LLSEARCH_REDIS_URL": ""})
    assert result.exit_code == 1 and "LLSEARCH_REDIS_URL is not set" in result.output
    result = CliRunner().invoke(main, ["worker", "--queues", "email"], env={"LLSEARCH_REDIS_URL": "redis://x"})
    assert result.exit_code == 2 and "unknown queue(s) email" in result.output
