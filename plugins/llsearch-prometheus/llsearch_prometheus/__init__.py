"""llsearch-prometheus: `/metrics` with lessons_learned_* families from engine aggregations.

Hooks: `register_blueprints` and `register_exporters` (the per-app exporter and its `/metrics`
blueprint), `register_periodic_jobs` (the daily 00:00 UTC sync), `lesson_saved` (drop the cached
snapshot) and `register_commands` (`llsearch metrics show|sync`).
"""

from __future__ import annotations

import logging
from typing import Any

from llsearch.hookspecs import hookimpl

__version__ = "0.1.0"

log = logging.getLogger(__name__)


@hookimpl
def register_blueprints(app):
    from llsearch_prometheus.exporter import blueprint, exporter_for

    exporter_for(app)
    return [blueprint]


@hookimpl
def register_exporters(app):
    from llsearch_prometheus.exporter import exporter_for

    return [exporter_for(app)]


@hookimpl
def register_periodic_jobs():
    from llsearch_prometheus.jobs import PERIODIC_JOBS

    return list(PERIODIC_JOBS)


@hookimpl
def lesson_saved(action: str, lesson: dict[str, Any], actor: str | None, previous: dict[str, Any] | None):
    """A write changes the counts: drop the shared cached snapshot so the next scrape recomputes."""
    from flask import has_app_context

    if not has_app_context():  # a write outside any app (none today): the cache TTL bounds staleness
        return
    from llsearch.runtime import current_runtime
    from llsearch_prometheus.snapshot import store_for

    store_for(current_runtime()).invalidate()


@hookimpl
def register_commands():
    from llsearch_prometheus.commands import metrics

    return [metrics]
