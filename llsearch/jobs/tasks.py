"""The core's job functions: module-level, primitive arguments, run in the worker's app."""

from __future__ import annotations

import logging
from datetime import timedelta

from llsearch.engine.lifecycle import run_daily_lifecycle
from llsearch.engine.setup import ensure_month_index
from llsearch.jobs.context import job_runtime

log = logging.getLogger(__name__)


def ping(value: str = "pong") -> str:
    """Echo `value`: checks that a worker is alive and runs jobs (`llsearch worker --burst`)."""
    return value


def ensure_month_index_ahead(days: int = 1) -> str:
    """Create the month index and aliases of `days` from now, so a month's first write finds them."""
    with job_runtime() as runtime:
        alias = ensure_month_index(runtime.engine, runtime.names, runtime.now() + timedelta(days=days))
    log.info("month index ready: %s", alias)
    return alias


def daily_lifecycle() -> dict:
    """Archive the months that are due, take the day's snapshot, prune old ones (each step idempotent)."""
    with job_runtime() as runtime:
        outcome = run_daily_lifecycle(runtime.engine, runtime.settings, runtime.now())
    log.info("daily lifecycle: %s", outcome)
    return outcome
