"""Queues named by purpose, each with default timeout and retries that every enqueue carries."""

from __future__ import annotations

import importlib
import logging
import threading
import time
import uuid
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Callable, Mapping, Sequence

import redis
from flask import Flask, current_app, has_app_context
from rq import Queue, Retry
from rq.job import Job

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class QueueSpec:
    """A queue's purpose and the limits its jobs get unless the enqueue says otherwise."""

    purpose: str
    timeout: int
    retries: int
    retry_intervals: tuple[int, ...]
    description: str


QUEUES: dict[str, QueueSpec] = {spec.purpose: spec for spec in (
    QueueSpec("default", 300, 3, (10, 60, 300), "anything without a queue of its own"),
    QueueSpec("metrics", 120, 3, (5, 30, 120), "metric syncs and refreshes (Prometheus plugin)"),
    QueueSpec("alerts", 60, 5, (10, 30, 60, 300, 900), "alert evaluation and delivery"),
    QueueSpec("maintenance", 1800, 2, (60, 600), "month indices, archives, snapshots"),
)}


def queue_name(purpose: str, prefix: str = "") -> str:
    """The Redis queue name of a purpose: `llsearch-metrics`, under LLSEARCH_INDEX_PREFIX if set."""
    if purpose not in QUEUES:
        raise ValueError(f"unknown queue {purpose!r}; queues are {', '.join(QUEUES)}")
    return f"{prefix}llsearch-{purpose}"


def import_function(path: str) -> Callable[..., Any]:
    """`package.module.function` to the function."""
    module, _, name = path.rpartition(".")
    return getattr(importlib.import_module(module), name)


@dataclass(frozen=True)
class JobLimits:
    timeout: int
    retry: Retry | None
    retries: int
    retry_intervals: tuple[int, ...]


def limits(purpose: str, timeout: int | None, retries: int | None,
           retry_intervals: Sequence[int] | None) -> JobLimits:
    """The enqueue's limits, falling back to the queue's; `retries=0` means a job that must not repeat."""
    queue_name(purpose)  # refuses an unknown purpose with the list of known ones
    spec = QUEUES[purpose]
    timeout = spec.timeout if timeout is None else timeout
    retries = spec.retries if retries is None else retries
    intervals = tuple(spec.retry_intervals if retry_intervals is None else retry_intervals) or (0,)
    retry = Retry(max=retries, interval=list(intervals)) if retries else None
    return JobLimits(timeout, retry, retries, intervals)


class RqJobs:
    """Enqueue on rq over Redis; `llsearch worker` runs the jobs."""

    in_process = False

    def __init__(self, connection: redis.Redis, prefix: str = ""):
        self.connection = connection
        self.prefix = prefix

    def queue(self, purpose: str) -> Queue:
        return Queue(queue_name(purpose, self.prefix), connection=self.connection)

    def enqueue(
        self, func: str | Callable[..., Any], args: Sequence[Any] = (), kwargs: Mapping[str, Any] | None = None,
        *, queue: str = "default", timeout: int | None = None, retries: int | None = None,
        retry_intervals: Sequence[int] | None = None, job_id: str | None = None,
        meta: dict[str, Any] | None = None, unique: bool = False,
    ) -> Job:
        """Put a call on a queue with a timeout and retries (the queue's defaults unless given)."""
        chosen = limits(queue, timeout, retries, retry_intervals)
        return self.queue(queue).enqueue_call(
            func, args=tuple(args), kwargs=dict(kwargs or {}), timeout=chosen.timeout, retry=chosen.retry,
            job_id=job_id, meta=meta, unique=unique,
        )


class InProcessJob:
    """What InProcessJobs.enqueue returns: an id and the eventual result."""

    def __init__(self, job_id: str):
        self.id = job_id
        self.future: Future = Future()
        self.attempts = 0

    def result(self, timeout: float | None = None) -> Any:
        return self.future.result(timeout)


class InProcessJobs:
    """No Redis configured: run jobs on one background thread of this process, retrying like rq.

    Timeouts cannot stop a thread; an overrun is logged. Retries wait on timers, not on the thread.
    """

    in_process = True

    def __init__(self) -> None:
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="llsearch-job")

    def enqueue(
        self, func: str | Callable[..., Any], args: Sequence[Any] = (), kwargs: Mapping[str, Any] | None = None,
        *, queue: str = "default", timeout: int | None = None, retries: int | None = None,
        retry_intervals: Sequence[int] | None = None, job_id: str | None = None,
        meta: dict[str, Any] | None = None, unique: bool = False,
    ) -> InProcessJob:
        chosen = limits(queue, timeout, retries, retry_intervals)
        target = import_function(func) if isinstance(func, str) else func
        app = current_app._get_current_object() if has_app_context() else None
        job = InProcessJob(job_id or uuid.uuid4().hex)
        self._executor.submit(self._attempt, job, target, tuple(args), dict(kwargs or {}), chosen, app)
        return job

    def _attempt(self, job: InProcessJob, target: Callable[..., Any], args: tuple, kwargs: dict,
                 chosen: JobLimits, app: Flask | None) -> None:
        job.attempts += 1
        started = time.monotonic()
        try:
            if app is not None:
                with app.app_context():
                    result = target(*args, **kwargs)
            else:
                result = target(*args, **kwargs)
        except Exception as error:
            if job.attempts > chosen.retries:
                log.exception("in-process job %s (%s) failed for good", job.id, target.__name__)
                job.future.set_exception(error)
                return
            delay = chosen.retry_intervals[min(job.attempts - 1, len(chosen.retry_intervals) - 1)]
            log.warning("in-process job %s (%s) failed, retry in %ss: %s", job.id, target.__name__, delay, error)
            timer = threading.Timer(delay, self._resubmit, (job, target, args, kwargs, chosen, app))
            timer.daemon = True
            timer.start()
            return
        if time.monotonic() - started > chosen.timeout:
            log.warning("in-process job %s (%s) overran its %ss timeout", job.id, target.__name__, chosen.timeout)
        job.future.set_result(result)

    def _resubmit(self, *attempt_args: Any) -> None:
        try:
            self._executor.submit(self._attempt, *attempt_args)
        except RuntimeError:  # the executor was shut down with the process
            pass

    def shutdown(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)


def make_jobs(connection: redis.Redis | None, prefix: str = "") -> RqJobs | InProcessJobs:
    """rq when Redis is configured, else the in-process fallback."""
    return RqJobs(connection, prefix) if connection is not None else InProcessJobs()
