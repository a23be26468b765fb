"""The template plugin's own tests: its hooks as llsearch calls them, through the entry point."""

from click.testing import CliRunner

import llsearch_template
from llsearch.config import load_settings
from llsearch.events import lesson_saved
from llsearch.plugins import collect, get_plugin_manager


def plugin_manager():
    return get_plugin_manager(load_settings({"plugins_allow": "template"}, environ={}))


def test_the_entry_point_registers_the_plugin():
    pm = plugin_manager()
    assert pm.get_plugin("template") is llsearch_template
    info = next(info for info in pm.describe() if info.name == "template")
    assert info.distribution == "llsearch-template" and info.version == llsearch_template.__version__


def test_the_command_says_hello():
    commands = collect(plugin_manager(), "register_commands")
    result = CliRunner().invoke(commands[0], ["--name", "ops"])
    assert result.output == f"hello, ops, from llsearch-template {llsearch_template.__version__}\n"


def test_saved_lessons_are_counted():
    before = llsearch_template.saved_actions["create"]
    lesson_saved("create", {"id": "LL-20260101-001"}, "someone", plugins=plugin_manager())
    assert llsearch_template.saved_actions["create"] == before + 1
