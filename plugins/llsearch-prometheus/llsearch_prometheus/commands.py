"""`llsearch metrics show|sync`: the lessons_learned_* families from the command line."""

from __future__ import annotations

import json

import click


def _app():
    from llsearch.app import create_app

    return create_app()


def _engine_failure(exc: Exception) -> click.ClickException:
    return click.ClickException(f"the lessons metrics could not be computed by the engine: {exc}")


@click.group(name="metrics")
def metrics() -> None:
    """Prometheus metrics of the lessons (llsearch-prometheus plugin)."""


@metrics.command(name="show")
def show() -> None:
    """Print the lessons_learned_* families in Prometheus text format, computed now."""
    from prometheus_client import CollectorRegistry, generate_latest

    from llsearch_prometheus.collector import LessonsCollector
    from llsearch_prometheus.snapshot import Reading, compute_snapshot

    app = _app()
    with app.app_context():
        try:
            snapshot = compute_snapshot(app.extensions["llsearch"])
        except Exception as exc:
            raise _engine_failure(exc) from None
    registry = CollectorRegistry()
    registry.register(LessonsCollector(lambda: Reading(snapshot, engine_up=True)))
    click.echo(generate_latest(registry).decode(), nl=False)


@metrics.command(name="sync")
def sync() -> None:
    """Run the daily sync now: recompute the snapshot and store it in the shared cache."""
    from llsearch.jobs.context import use_job_app
    from llsearch_prometheus.jobs import daily_sync

    use_job_app(_app())
    try:
        click.echo(json.dumps(daily_sync()))
    except Exception as exc:
        raise _engine_failure(exc) from None
    finally:
        use_job_app(None)
