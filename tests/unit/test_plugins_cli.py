"""An operator lists the installed plugins and runs the commands they add."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from llsearch import cli

pytest.importorskip("llsearch_template", reason="`make install` installs plugins/llsearch-template")


@pytest.fixture
def run(monkeypatch):
    def invoke(*args, **environ):
        monkeypatch.setattr(cli.main, "_plugin_commands", None)  # the group caches what plugins add
        return CliRunner().invoke(cli.main, list(args), env={"LLSEARCH_PLUGINS_ALLOW": None, **environ})
    return invoke


def test_plugins_lists_builtins_and_installed_plugins_with_versions_and_hooks(run):
    from llsearch_template import __version__

    result = run("plugins")
    assert result.exit_code == 0, result.output
    header, *rows = result.output.splitlines()
    assert header.split() == ["plugin", "distribution", "hooks"]
    assert rows[0].split()[:2] == ["llsearch.jobs.schedule", "built-in"]
    template = next(row for row in rows if row.startswith("template "))
    assert template.split(None, 3) == ["template", "llsearch-template", __version__,
                                       "lesson_saved, register_commands, startup"]
    listed = json.loads(run("plugins", "--json").output)
    assert {"name": "template", "distribution": "llsearch-template", "version": __version__,
            "hooks": ["lesson_saved", "register_commands", "startup"], "builtin": False} in listed


def test_hook_register_commands_adds_plugin_commands_to_the_cli(run):
    result = run("template-hello", "--name", "ops")
    assert result.exit_code == 0, result.output
    assert result.output.startswith("hello, ops, from llsearch-template")
    assert "template-hello" in run("--help").output
    assert run("template-hello", LLSEARCH_PLUGINS_AUTOLOAD="false").exit_code == 2  # no such command
    assert run("plugins", LLSEARCH_PLUGINS_AUTOLOAD="false").exit_code == 0
