"""Keeping periodic jobs scheduled: each run time is claimed once, then enqueued (rq) or run in-process.

Every scheduler computes the same run times (cron in UTC, intervals aligned on the epoch) and claims
a run with SET NX on a key named after (job, run time) before enqueueing it under a deterministic job
id. So two schedulers, or a restarted one, enqueue each run exactly once.
"""

from __future__ import annotations

import logging
import threading
from datetime import datetime, timedelta, timezone
from typing import Callable, Protocol

import pluggy
import redis
from flask import Flask
from rq.exceptions import DuplicateJobError

from llsearch.jobs.queues import QUEUES, InProcessJobs, RqJobs
from llsearch.jobs.schedule import PeriodicJob, latest_run, next_run, run_stamp
from llsearch.plugins import call_isolated

log = logging.getLogger(__name__)

CLAIM_MARGIN = timedelta(hours=1)
MAX_SLEEP = 30.0


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


def periodic_jobs(pm: pluggy.PluginManager) -> list[PeriodicJob]:
    """Every valid PeriodicJob from `register_periodic_jobs`; bad or duplicate entries are logged and dropped.

    Plugins are read in registration order, so a name the core declares cannot be taken over.
    """
    jobs: dict[str, PeriodicJob] = {}
    for plugin_name, declared in reversed(call_isolated(pm, "register_periodic_jobs")):
        for job in declared or []:
            if not isinstance(job, PeriodicJob):
                log.error("plugin %s: register_periodic_jobs gave %r, not a PeriodicJob", plugin_name, job)
            elif job.name in jobs:
                log.error("plugin %s: periodic job %s is already declared; ignored", plugin_name, job.name)
            elif job.queue not in QUEUES:
                log.error("plugin %s: periodic job %s names unknown queue %s", plugin_name, job.name, job.queue)
            else:
                jobs[job.name] = job
    return list(jobs.values())


def periodic_job_id(job: PeriodicJob, run_at: datetime, prefix: str = "") -> str:
    return f"{prefix}periodic-{job.name}-{run_stamp(run_at)}"


class Claims(Protocol):
    def claim(self, job: PeriodicJob, run_at: datetime, ttl: timedelta) -> bool: ...
    def release(self, job: PeriodicJob, run_at: datetime) -> None: ...


class RedisClaims:
    """Claims shared by every scheduler on one Redis; they expire once their run is no longer the latest."""

    def __init__(self, connection: redis.Redis, prefix: str = ""):
        self.connection = connection
        self.prefix = prefix

    def key(self, job: PeriodicJob, run_at: datetime) -> str:
        return f"{self.prefix}llsearch:periodic:{job.name}:{run_stamp(run_at)}"

    def claim(self, job: PeriodicJob, run_at: datetime, ttl: timedelta) -> bool:
        seconds = max(60, int(ttl.total_seconds()))
        return bool(self.connection.set(self.key(job, run_at), utc_now().isoformat(), nx=True, ex=seconds))

    def release(self, job: PeriodicJob, run_at: datetime) -> None:
        self.connection.delete(self.key(job, run_at))


class MemoryClaims:
    """Claims of the one in-process runner of a serving process."""

    def __init__(self) -> None:
        self.latest: dict[str, datetime] = {}

    def claim(self, job: PeriodicJob, run_at: datetime, ttl: timedelta) -> bool:
        if self.latest.get(job.name) == run_at:
            return False
        self.latest[job.name] = run_at
        return True

    def release(self, job: PeriodicJob, run_at: datetime) -> None:
        self.latest.pop(job.name, None)


Submit = Callable[[PeriodicJob, datetime], str]


class Scheduler:
    """Enqueues each job's latest due run once.

    With `catch_up` (the rq scheduler), a run missed while no scheduler was up runs once when one
    starts; missed runs coalesce into one. Without it (the in-process runner, whose claims do not
    survive a restart), only runs after the scheduler started are made.
    """

    def __init__(self, jobs: list[PeriodicJob], claims: Claims, submit: Submit, *, catch_up: bool = True,
                 clock: Callable[[], datetime] = utc_now):
        self.jobs = jobs
        self.claims = claims
        self.submit = submit
        self.catch_up = catch_up
        self.clock = clock
        self.started = clock()

    def tick(self, now: datetime | None = None) -> list[str]:
        """Claim and submit every due run; returns the job ids submitted."""
        now = now or self.clock()
        submitted = []
        for job in self.jobs:
            run_at = latest_run(job, now)
            if not self.catch_up and run_at < self.started:
                continue
            ttl = next_run(job, run_at) - now + CLAIM_MARGIN
            if not self.claims.claim(job, run_at, ttl):
                continue
            try:
                submitted.append(self.submit(job, run_at))
            except Exception:
                log.exception("periodic job %s for %s could not be submitted; next tick retries", job.name, run_at)
                self.claims.release(job, run_at)
        return submitted

    def seconds_until_next(self, now: datetime | None = None) -> float:
        now = now or self.clock()
        if not self.jobs:
            return MAX_SLEEP
        soonest = min(next_run(job, now) for job in self.jobs)
        return max(0.05, min(MAX_SLEEP, (soonest - now).total_seconds()))

    def run(self, stop: threading.Event) -> None:
        """Tick until `stop` is set, sleeping until the next run time (at most MAX_SLEEP)."""
        log.info("scheduling %d periodic jobs: %s", len(self.jobs),
                 ", ".join(f"{job.name} ({job.schedule})" for job in self.jobs) or "none")
        while not stop.is_set():
            try:
                for job_id in self.tick():
                    log.info("periodic run submitted: %s", job_id)
            except Exception:  # Redis down, say: keep going, the next tick retries
                log.exception("scheduler tick failed")
            stop.wait(self.seconds_until_next())


def rq_submitter(jobs: RqJobs) -> Submit:
    """Enqueue a periodic run on its queue, with its timeout and retries, under a deterministic id."""

    def submit(job: PeriodicJob, run_at: datetime) -> str:
        job_id = periodic_job_id(job, run_at, jobs.prefix)
        try:
            jobs.enqueue(
                job.func, kwargs=job.kwargs, queue=job.queue, timeout=job.timeout, retries=job.retries,
                retry_intervals=job.retry_intervals, job_id=job_id, unique=True,
                meta={"periodic": job.name, "run_at": run_at.isoformat()},
            )
        except DuplicateJobError:  # enqueued already, by a scheduler whose claim has since expired
            log.info("periodic run %s already enqueued", job_id)
        return job_id

    return submit


def rq_scheduler(pm: pluggy.PluginManager, connection: redis.Redis, prefix: str = "") -> Scheduler:
    """The scheduler `llsearch scheduler` runs."""
    return Scheduler(periodic_jobs(pm), RedisClaims(connection, prefix), rq_submitter(RqJobs(connection, prefix)))


class InProcessRunner(threading.Thread):
    """Embedded demo mode (no Redis): periodic jobs run on threads of the serving process."""

    def __init__(self, app: Flask, clock: Callable[[], datetime] = utc_now):
        super().__init__(name="llsearch-periodic", daemon=True)
        runtime = app.extensions["llsearch"]
        self.app = app
        self.jobs = runtime.jobs if isinstance(runtime.jobs, InProcessJobs) else InProcessJobs()
        self.stop_event = threading.Event()
        self.scheduler = Scheduler(periodic_jobs(runtime.plugins), MemoryClaims(), self._submit,
                                   catch_up=False, clock=clock)

    def _submit(self, job: PeriodicJob, run_at: datetime) -> str:
        job_id = periodic_job_id(job, run_at)
        with self.app.app_context():
            self.jobs.enqueue(job.func, kwargs=job.kwargs, queue=job.queue, timeout=job.timeout,
                              retries=job.retries, retry_intervals=job.retry_intervals, job_id=job_id)
        return job_id

    def run(self) -> None:
        self.scheduler.run(self.stop_event)

    def stop(self) -> None:
        self.stop_event.set()


def start_in_process_runner(app: Flask) -> InProcessRunner | None:
    """Start the in-process runner when no Redis is configured; with Redis, `llsearch scheduler` does it."""
    if app.extensions["llsearch"].settings.redis_url:
        return None
    runner = InProcessRunner(app)
    runner.start()
    log.info("no LLSEARCH_REDIS_URL: periodic jobs run in this process (%d jobs)", len(runner.scheduler.jobs))
    return runner
