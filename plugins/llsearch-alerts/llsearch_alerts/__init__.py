"""llsearch-alerts: alert sinks (signed JSON webhook, Slack webhook, e-mail) and the alerts that feed them.

Hooks: `register_alert_sinks` (the sinks the settings configure), `alert_triggered` (deliver to
every plugin's sinks, one retried job per sink), `register_periodic_jobs` (the overdue check) and
`lesson_saved` (a new CRITICAL lesson raises an alert).
"""

from __future__ import annotations

import logging
from typing import Any

from llsearch.hookspecs import hookimpl

__version__ = "0.1.0"

log = logging.getLogger(__name__)


@hookimpl
def register_alert_sinks(settings):
    from llsearch_alerts.settings import AlertSettings
    from llsearch_alerts.sinks import configured_sinks

    return configured_sinks(AlertSettings.load(settings))


@hookimpl
def alert_triggered(alert: dict[str, Any]):
    from flask import has_app_context

    from llsearch_alerts.delivery import dispatch

    if not has_app_context():
        log.error("alert %s raised outside an app: not delivered", alert.get("name"))
        return
    from llsearch.runtime import current_runtime

    dispatch(current_runtime(), alert)


@hookimpl
def register_periodic_jobs():
    from llsearch_alerts.jobs import periodic_jobs

    return periodic_jobs()


@hookimpl
def lesson_saved(action: str, lesson: dict[str, Any], actor: str | None, previous: dict[str, Any] | None):
    """A lesson created as CRITICAL raises LessonsLearnedCriticalLessonRecorded (imports do not)."""
    if action != "create" or lesson.get("severity") != "CRITICAL":
        return
    from flask import has_app_context

    if not has_app_context():
        return
    from llsearch.runtime import current_runtime
    from llsearch_alerts.alerts import critical_lesson_alert, fire
    from llsearch_alerts.settings import AlertSettings

    runtime = current_runtime()
    config = AlertSettings.load(runtime.settings)
    if config.critical_lessons:
        fire(runtime, critical_lesson_alert(lesson, actor, runtime.now()), config)
