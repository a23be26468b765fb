"""Pluggy markers and the hook specifications of llsearch, grouped by stage.

Hooks are always called with keywords. Arguments may be added to a spec in later versions, never
removed, so an implementation may accept any subset of the arguments below. Every ``register_*``
hook returns a list (an empty list or None means "nothing to add").
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pluggy

if TYPE_CHECKING:  # typing only: hookspecs must not import the rest of llsearch at run time
    import click
    import flask
    import flask_smorest

    from llsearch.config import Settings
    from llsearch.jobs.schedule import PeriodicJob

PROJECT = "llsearch"
"""The pluggy project name, and the entry-point group plugins are published under."""

hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


# --- Stage 1: building the app (create_app) -------------------------------------------------


@hookspec
def register_blueprints(app: "flask.Flask") -> "list[flask_smorest.Blueprint | flask.Blueprint]":
    """Blueprints to add to the app.

    flask-smorest blueprints join the OpenAPI document; plain Flask blueprints (``/metrics``, say)
    are registered on the app directly.

    :param app: the Flask app being built; its Runtime is ``app.extensions["llsearch"]``.
    :return: a list of ``flask_smorest.Blueprint`` or ``flask.Blueprint`` objects.
    """


@hookspec
def register_exporters(app: "flask.Flask") -> list[Any]:
    """Objects that expose metrics or exports of the app's data (the Prometheus plugin's collectors).

    The core keeps the list in ``runtime.exporters`` and does not interpret its items.

    :param app: the Flask app being built.
    :return: a list of exporter objects.
    """


@hookspec
def register_report_renderers() -> list[Any]:
    """Report renderers (e.g. Markdown, HTML, PDF) offered for lessons and statistics.

    :return: a list of renderer objects; each should expose a unique ``name``.
    """


@hookspec
def register_alert_sinks(settings: "Settings") -> list[Any]:
    """Destinations for alerts (webhook, Slack, e-mail).

    :param settings: the service settings; a sink that is not configured returns nothing.
    :return: a list of sink objects; each should expose a ``name`` and a ``send(alert)`` method.
    """


@hookspec
def startup(app: "flask.Flask") -> None:
    """The app is fully built (blueprints registered, engine setup attempted).

    Runs once per app instance, i.e. once per gunicorn worker and once per job worker.

    :param app: the finished Flask app.
    """


# --- Stage 2: command line and background jobs --------------------------------------------


@hookspec
def register_commands() -> "list[click.Command]":
    """Commands to add to the ``llsearch`` command line.

    :return: a list of ``click.Command`` (or ``click.Group``) objects; a name already taken is skipped.
    """


@hookspec
def register_periodic_jobs() -> "list[PeriodicJob]":
    """Periodic jobs to schedule, declared as data (see ``llsearch.jobs.schedule.PeriodicJob``).

    :return: a list of ``PeriodicJob``; names must be unique across plugins.
    """


# --- Stage 3: events --------------------------------------------------------------------------


@hookspec
def lesson_saved(
    action: str, lesson: dict[str, Any], actor: str | None, previous: dict[str, Any] | None
) -> None:
    """A lesson was written. Called after the write succeeded; a raising plugin never undoes it.

    :param action: one of ``create``, ``update``, ``approve``, ``delete``, ``import``, ``action_item``.
    :param lesson: the lesson as stored (for ``delete``, as it was before deletion).
    :param actor: the api key name (or user) that made the change; None for system writes.
    :param previous: the lesson before the change, when known (updates); None otherwise.
    """


@hookspec
def alert_triggered(alert: dict[str, Any]) -> None:
    """An alert fired (e.g. overdue action items above the threshold, a new CRITICAL lesson).

    :param alert: a JSON-serialisable dict, typically ``name``, ``severity``, ``summary``, ``details``,
        ``fired_at`` and ``dedup_key``; the alerts plugin defines the exact shape.
    """
