"""One exporter per app: a dedicated registry, the HTTP metrics and the `/metrics` blueprint.

HTTP request metrics come from prometheus-flask-exporter, on the exporter's own registry (never
prometheus_client's global one, so building many apps in one process registers nothing twice).
With `PROMETHEUS_MULTIPROC_DIR` set (before the process starts, as prometheus_client reads it
at import) the metric values live in that directory and every scrape merges all processes' files
with a `MultiProcessCollector`; without it each process reports its own requests.
"""

from __future__ import annotations

import os

from flask import Blueprint, Flask, Response, current_app
from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_flask_exporter import PrometheusMetrics

from llsearch_prometheus.collector import LessonsCollector
from llsearch_prometheus.snapshot import Reading, read_snapshot, store_for

EXTENSION = "llsearch_prometheus"
METRICS_PATH = "/metrics"
# The classic text format every Prometheus 2.x parses (generate_latest writes exactly that).
CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"

blueprint = Blueprint("prometheus", __name__)


def multiprocess_dir() -> str | None:
    """The prometheus_client multiprocess directory, when that mode is on."""
    return os.environ.get("PROMETHEUS_MULTIPROC_DIR") or os.environ.get("prometheus_multiproc_dir")


def path(request) -> str:
    """The `path` label of HTTP metrics: the route template (`/api/lessons-learned/<lesson_id>`),
    not the raw path, so lesson ids never become label values."""
    return request.url_rule.rule if request.url_rule is not None else "<unmatched>"


class PrometheusExporter:
    """The metrics side of one app instance."""

    name = "prometheus"

    def __init__(self, app: Flask):
        self.runtime = app.extensions["llsearch"]
        self.multiprocess = multiprocess_dir() is not None
        self.registry = CollectorRegistry()
        self.collector = LessonsCollector(self.read)
        self.http = PrometheusMetrics(
            app, path=None, registry=self.registry, group_by=path,
            excluded_paths=[f"^{METRICS_PATH}$"],
        )
        if not self.multiprocess:
            self.registry.register(self.collector)

    def read(self) -> Reading:
        return read_snapshot(self.runtime, store_for(self.runtime))

    def scrape_registry(self) -> CollectorRegistry:
        """The registry a scrape renders: this one, or in multiprocess mode a fresh one merging the
        HTTP metrics of every process with the lessons collector."""
        if not self.multiprocess:
            return self.registry
        registry = CollectorRegistry()
        MultiProcessCollector(registry)
        registry.register(self.collector)
        return registry

    def render(self) -> bytes:
        """The Prometheus text exposition of everything this app exports."""
        return generate_latest(self.scrape_registry())


def exporter_for(app: Flask) -> PrometheusExporter:
    """The app's exporter, created on first use (one per app, whichever hook asks first)."""
    exporter = app.extensions.get(EXTENSION)
    if exporter is None:
        exporter = app.extensions[EXTENSION] = PrometheusExporter(app)
    return exporter


@blueprint.route(METRICS_PATH)
def metrics() -> Response:
    """Prometheus text format: the lessons_learned_* families and the HTTP request metrics."""
    exporter = current_app.extensions[EXTENSION]
    return Response(exporter.render(), status=200, headers={"Content-Type": CONTENT_TYPE})
