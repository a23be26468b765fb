"""The plugin manager: built-in hook implementations, entry-point plugins, and isolated hook calls."""

from __future__ import annotations

import copy
import importlib
import logging
from dataclasses import dataclass
from importlib import metadata
from typing import Any

import pluggy

from llsearch import hookspecs
from llsearch.config import Settings, load_settings

log = logging.getLogger(__name__)

DEFAULT_PLUGINS: list[str] = [
    "llsearch.jobs.schedule",  # the core's periodic jobs (register_periodic_jobs)
]
"""Modules of the core's own hook implementations; registered first, under their module path."""

ENTRY_POINT_GROUP = hookspecs.PROJECT


@dataclass(frozen=True)
class PluginInfo:
    """What `llsearch plugins` shows about one registered plugin."""

    name: str
    distribution: str | None
    version: str | None
    hooks: tuple[str, ...]
    builtin: bool


class LlsearchPluginManager(pluggy.PluginManager):
    """A pluggy manager that remembers which distribution each entry-point plugin came from."""

    def __init__(self) -> None:
        super().__init__(hookspecs.PROJECT)
        self.add_hookspecs(hookspecs)
        self.distributions: dict[str, tuple[str, str]] = {}
        self.builtins: set[str] = set()
        self.tracing = False

    def describe(self) -> list[PluginInfo]:
        """Every registered plugin with the hooks it implements, built-ins first."""
        infos = []
        for name, plugin in self.list_name_plugin():
            if plugin is None:  # blocked
                continue
            hooks = tuple(sorted(caller.name for caller in self.get_hookcallers(plugin) or []))
            dist, version = self.distributions.get(name, (None, None))
            infos.append(PluginInfo(name, dist, version, hooks, name in self.builtins))
        return sorted(infos, key=lambda info: (not info.builtin, info.name))


def allowed_names(settings: Settings) -> set[str] | None:
    """The entry-point names LLSEARCH_PLUGINS_ALLOW permits; None means every installed plugin."""
    if settings.plugins_allow is None:
        return None
    return {name.strip() for name in settings.plugins_allow.split(",") if name.strip()}


def get_plugin_manager(settings: Settings | None = None) -> LlsearchPluginManager:
    """Build a plugin manager: DEFAULT_PLUGINS, then the installed entry points the settings allow."""
    settings = settings or load_settings()
    pm = LlsearchPluginManager()
    for module_path in DEFAULT_PLUGINS:
        pm.register(importlib.import_module(module_path), name=module_path)
        pm.builtins.add(module_path)
    if settings.plugins_autoload:
        _load_entry_points(pm, allowed_names(settings))
    _drop_invalid(pm)
    if settings.plugins_trace:  # pluggy's tracer covers pm.hook calls; call_isolated logs its own
        pm.trace.root.setwriter(lambda message: log.info("plugin trace: %s", message.rstrip()))
        pm.enable_tracing()
        pm.tracing = True
    return pm


def _load_entry_points(pm: LlsearchPluginManager, allowed: set[str] | None) -> None:
    """Import and register each allowed entry point; one that fails to load is logged and skipped."""
    for entry_point in metadata.entry_points(group=ENTRY_POINT_GROUP):
        dist = entry_point.dist
        dist_name = dist.metadata["Name"] if dist else None
        if allowed is not None and entry_point.name not in allowed and dist_name not in allowed:
            log.info("plugin %s not loaded: not in LLSEARCH_PLUGINS_ALLOW", entry_point.name)
            continue
        if pm.has_plugin(entry_point.name):  # the same distribution seen twice on sys.path
            continue
        try:
            pm.register(entry_point.load(), name=entry_point.name)
        except Exception:
            log.exception("plugin %s (%s) failed to load and is disabled", entry_point.name, dist_name)
            continue
        pm.distributions[entry_point.name] = (dist_name, dist.version if dist else None)


def _drop_invalid(pm: LlsearchPluginManager) -> None:
    """Unregister plugins implementing hooks that do not exist (a typo would otherwise stay silent)."""
    while True:
        try:
            pm.check_pending()
            return
        except pluggy.PluginValidationError as error:
            log.error("plugin %s is disabled: %s", pm.get_name(error.plugin), error)
            pm.unregister(error.plugin)


def _impls(pm: pluggy.PluginManager, hook_name: str) -> list[pluggy.HookImpl]:
    """The hook's plain implementations in pluggy's call order (tryfirst first, last registered first)."""
    impls = getattr(pm.hook, hook_name).get_hookimpls()
    wrappers = [impl.plugin_name for impl in impls if impl.hookwrapper or impl.wrapper]
    if wrappers:
        log.warning("hook %s: wrappers of %s are not applied to isolated calls", hook_name, wrappers)
    return [impl for impl in reversed(impls) if not (impl.hookwrapper or impl.wrapper)]


def call_isolated(pm: pluggy.PluginManager, hook_name: str, /, **kwargs: Any) -> list[tuple[str, Any]]:
    """Call every implementation of a hook on its own; one that raises is logged and skipped.

    Each implementation gets its own deep copy of dict and list arguments, so a plugin that mutates
    an argument cannot change what the caller or the other plugins see.

    :return: ``(plugin name, result)`` for each implementation that returned normally.
    """
    results = []
    for impl in _impls(pm, hook_name):
        try:
            args = [_isolate(kwargs[name]) for name in impl.argnames]
            result = impl.function(*args)
        except Exception:
            log.exception("plugin %s failed in hook %s; the other plugins go on", impl.plugin_name, hook_name)
            continue
        if getattr(pm, "tracing", False):
            log.info("plugin trace: %s.%s(%s) -> %r", impl.plugin_name, hook_name, ", ".join(impl.argnames), result)
        results.append((impl.plugin_name, result))
    return results


def _isolate(value: Any) -> Any:
    return copy.deepcopy(value) if isinstance(value, (dict, list)) else value


def collect(pm: pluggy.PluginManager, hook_name: str, /, **kwargs: Any) -> list[Any]:
    """Flatten the lists a ``register_*`` hook returns; a failing or ill-typed plugin is skipped."""
    items: list[Any] = []
    for plugin_name, result in call_isolated(pm, hook_name, **kwargs):
        if result is None:
            continue
        if not isinstance(result, (list, tuple)):
            log.error("plugin %s: %s must return a list, got %s", plugin_name, hook_name, type(result).__name__)
            continue
        items.extend(result)
    return items
