"""One-line event calls for the core's write paths: plugins hear about them, and can never break them."""

from __future__ import annotations

import logging
from typing import Any

import pluggy
from flask import current_app, has_app_context

from llsearch.plugins import call_isolated

log = logging.getLogger(__name__)

LESSON_ACTIONS = frozenset({"create", "update", "approve", "delete", "import", "action_item"})


def _plugin_manager(plugins: pluggy.PluginManager | None) -> pluggy.PluginManager | None:
    if plugins is not None:
        return plugins
    if has_app_context():
        runtime = current_app.extensions.get("llsearch")
        return getattr(runtime, "plugins", None)
    return None


def lesson_saved(
    action: str,
    lesson: dict[str, Any],
    actor: str | None,
    previous: dict[str, Any] | None = None,
    *,
    plugins: pluggy.PluginManager | None = None,
) -> None:
    """Tell plugins a lesson was written; call it after the write succeeded. Never raises.

    :param plugins: the plugin manager to use; by default the current app's.
    """
    try:
        if action not in LESSON_ACTIONS:
            log.error("lesson_saved with unknown action %r ignored (expected one of %s)",
                      action, sorted(LESSON_ACTIONS))
            return
        pm = _plugin_manager(plugins)
        if pm is None:
            log.debug("lesson_saved(%s) outside an app: no plugins to tell", action)
            return
        call_isolated(pm, "lesson_saved", action=action, lesson=lesson, actor=actor, previous=previous)
    except Exception:  # belt and braces: the write already happened and must be answered
        log.exception("lesson_saved(%s) dispatch failed", action)


def alert_triggered(alert: dict[str, Any], *, plugins: pluggy.PluginManager | None = None) -> None:
    """Tell plugins (alert sinks among them) an alert fired. Never raises.

    :param plugins: the plugin manager to use; by default the current app's.
    """
    try:
        pm = _plugin_manager(plugins)
        if pm is None:
            log.warning("alert %s raised outside an app: no plugins to tell", alert.get("name"))
            return
        call_isolated(pm, "alert_triggered", alert=alert)
    except Exception:
        log.exception("alert_triggered dispatch failed")
