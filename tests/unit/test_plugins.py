"""A plugin author reads the hooks, installs a plugin, and a broken plugin never takes the core down."""

from __future__ import annotations

import ast
import inspect
import logging
import re
from importlib import metadata
from pathlib import Path

import pytest

from llsearch import hookimpl, hookspecs
from llsearch.config import load_settings
from llsearch.events import alert_triggered, lesson_saved
from llsearch.plugins import (
    DEFAULT_PLUGINS,
    LlsearchPluginManager,
    _drop_invalid,
    call_isolated,
    collect,
    get_plugin_manager,
)

ROOT = Path(__file__).resolve().parents[2]


def hook_specs() -> dict:
    return {name: fn for name, fn in vars(hookspecs).items()
            if callable(fn) and hasattr(fn, "llsearch_spec")}


def manager(**settings) -> LlsearchPluginManager:
    return get_plugin_manager(load_settings(settings, environ={}))


def hooks_with_tests() -> set[str]:
    """Hooks with a test named `test_hook_<hook>...` in the suite or in a plugin's tests."""
    names = set()
    files = [*ROOT.glob("tests/**/test_*.py"), *ROOT.glob("plugins/*/tests/**/test_*.py")]
    for path in files:
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.FunctionDef) and node.name.startswith("test_hook_"):
                names.add(node.name)
    return {hook for hook in hook_specs() for name in names if name.startswith(f"test_hook_{hook}")}


def test_every_hook_is_typed_documented_and_tested():
    docs = (ROOT / "docs/plugins.md").read_text()
    specs = hook_specs()
    assert {"register_exporters", "register_report_renderers", "register_alert_sinks", "register_periodic_jobs",
            "register_commands", "register_blueprints", "startup", "lesson_saved", "alert_triggered"} <= set(specs)
    for name, spec in specs.items():
        signature = inspect.signature(spec)
        assert signature.return_annotation is not inspect.Signature.empty, name
        for parameter in signature.parameters.values():
            assert parameter.annotation is not inspect.Parameter.empty, (name, parameter.name)
            assert f":param {parameter.name}:" in spec.__doc__, (name, parameter.name)
        assert re.search(rf"^### {name}$", docs, re.MULTILINE), f"docs/plugins.md has no section for {name}"
    assert set(specs) - hooks_with_tests() == set(), "hooks without a test_hook_<name> test"


def test_the_builtins_load_first_and_autoload_can_be_switched_off():
    pm = manager(plugins_autoload=False)
    assert [info.name for info in pm.describe()] == DEFAULT_PLUGINS
    assert all(info.builtin for info in pm.describe())
    environ = {"LLSEARCH_PLUGINS_AUTOLOAD": "false"}
    assert not get_plugin_manager(load_settings(environ=environ)).has_plugin("template")


def test_installed_plugins_load_from_their_entry_points():
    pytest.importorskip("llsearch_template", reason="`make install` installs plugins/llsearch-template")
    info = next(info for info in manager().describe() if info.name == "template")
    assert (info.distribution, info.builtin) == ("llsearch-template", False)
    assert info.version == metadata.version("llsearch-template")
    assert set(info.hooks) == {"register_commands", "startup", "lesson_saved"}


def test_the_allow_list_limits_which_installed_plugins_load():
    pytest.importorskip("llsearch_template")
    assert manager(plugins_allow="template").has_plugin("template")
    assert manager(plugins_allow="llsearch-template").has_plugin("template")  # distribution names work too
    only_other = manager(plugins_allow="someone-else")
    assert not only_other.has_plugin("template")
    assert only_other.has_plugin(DEFAULT_PLUGINS[0])
    from_env = get_plugin_manager(load_settings(environ={"LLSEARCH_PLUGINS_ALLOW": "a, b"}))
    assert not from_env.has_plugin("template")


def test_a_plugin_that_fails_to_import_is_logged_and_skipped(monkeypatch, caplog):
    broken = metadata.EntryPoint(name="broken", value="llsearch_no_such_module", group="llsearch")
    monkeypatch.setattr(metadata, "entry_points", lambda group: [broken])
    with caplog.at_level(logging.ERROR, "llsearch.plugins"):
        pm = manager()
    assert not pm.has_plugin("broken") and pm.has_plugin(DEFAULT_PLUGINS[0])
    assert "plugin broken" in caplog.text and "failed to load" in caplog.text


class Typo:
    @hookimpl
    def lesson_savd(self, lesson):  # not a hook: pluggy would keep it silently
        pass


def test_a_plugin_implementing_an_unknown_hook_is_disabled(caplog):
    pm = manager(plugins_autoload=False)
    pm.register(Typo(), name="typo")
    with caplog.at_level(logging.ERROR, "llsearch.plugins"):
        _drop_invalid(pm)
    assert not pm.has_plugin("typo")
    assert "plugin typo is disabled" in caplog.text


class Recorder:
    def __init__(self):
        self.calls = []

    @hookimpl
    def lesson_saved(self, action, lesson, actor, previous):
        lesson["title"] = "changed by a plugin"
        self.calls.append((action, lesson["id"], actor, previous))

    @hookimpl
    def alert_triggered(self, alert):
        self.calls.append(("alert", alert["name"]))

    @hookimpl
    def register_report_renderers(self):
        return ["markdown-report"]

    @hookimpl
    def register_alert_sinks(self, settings):
        return [f"sink for {settings.index_prefix}"]


class Raiser:
    @hookimpl(tryfirst=True)
    def lesson_saved(self):
        raise RuntimeError("plugin bug")

    @hookimpl(tryfirst=True)
    def alert_triggered(self, alert):
        raise RuntimeError("sink down")

    @hookimpl
    def register_report_renderers(self):
        return "not a list"

    @hookimpl
    def register_alert_sinks(self, settings):
        raise RuntimeError("bad config")


@pytest.fixture
def plugged():
    pm = manager(plugins_autoload=False)
    recorder = Recorder()
    pm.register(recorder, name="recorder")
    pm.register(Raiser(), name="raiser")
    return pm, recorder


def test_hook_lesson_saved_reaches_every_plugin_past_a_raising_one(plugged, caplog):
    pm, recorder = plugged
    lesson = {"id": "LL-2026-01-02-001", "title": "original"}
    with caplog.at_level(logging.ERROR, "llsearch.plugins"):
        lesson_saved("update", lesson, "ana", {"id": lesson["id"]}, plugins=pm)
    assert recorder.calls == [("update", "LL-2026-01-02-001", "ana", {"id": "LL-2026-01-02-001"})]
    assert lesson["title"] == "original"  # each plugin gets its own copy
    assert "plugin raiser failed in hook lesson_saved" in caplog.text and "plugin bug" in caplog.text


def test_lesson_saved_ignores_unknown_actions_and_calls_without_an_app(plugged, caplog):
    pm, recorder = plugged
    with caplog.at_level(logging.ERROR, "llsearch.events"):
        lesson_saved("rename", {"id": "x"}, None, plugins=pm)
    assert recorder.calls == [] and "unknown action 'rename'" in caplog.text
    lesson_saved("create", {"id": "x"}, None)  # no app context, no manager: nothing to do, no error


def test_hook_alert_triggered_reaches_every_sink_past_a_failing_one(plugged, caplog):
    pm, recorder = plugged
    with caplog.at_level(logging.ERROR, "llsearch.plugins"):
        alert_triggered({"name": "overdue-action-items", "severity": "warning"}, plugins=pm)
    assert recorder.calls == [("alert", "overdue-action-items")]
    assert "plugin raiser failed in hook alert_triggered" in caplog.text


def test_hook_register_report_renderers_keeps_lists_and_drops_the_rest(plugged, caplog):
    pm, _ = plugged
    with caplog.at_level(logging.ERROR, "llsearch.plugins"):
        assert collect(pm, "register_report_renderers") == ["markdown-report"]
    assert "plugin raiser: register_report_renderers must return a list, got str" in caplog.text


def test_hook_register_alert_sinks_gets_the_settings(plugged):
    pm, _ = plugged
    settings = load_settings({"index_prefix": "ops-"}, environ={})
    assert collect(pm, "register_alert_sinks", settings=settings) == ["sink for ops-"]


def test_tracing_logs_every_hook_call(caplog):
    pm = manager(plugins_autoload=False, plugins_trace=True)
    with caplog.at_level(logging.INFO, "llsearch.plugins"):
        call_isolated(pm, "register_periodic_jobs")
    assert "plugin trace: llsearch.jobs.schedule.register_periodic_jobs() -> [PeriodicJob(" in caplog.text
