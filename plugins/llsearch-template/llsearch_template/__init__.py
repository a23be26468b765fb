"""A template llsearch plugin: a command, a startup message and a lesson_saved listener.

Everything here is harmless when installed (the Makefile installs every plugin in `plugins/`):
the command only prints, the listeners only count and log at DEBUG.
"""

from __future__ import annotations

import logging
from collections import Counter
from typing import Any

import click

from llsearch import hookimpl

__version__ = "0.1.0"

log = logging.getLogger(__name__)

saved_actions: Counter[str] = Counter()
"""How many lessons this process saw saved, by action (a stand-in for real work)."""


@click.command("template-hello")
@click.option("--name", default="world", show_default=True)
def hello(name: str) -> None:
    """Say hello (the template plugin's example command)."""
    click.echo(f"hello, {name}, from llsearch-template {__version__}")


@hookimpl
def register_commands() -> list[click.Command]:
    return [hello]


@hookimpl
def startup(app) -> None:
    log.debug("llsearch-template ready in app %s", app.name)


@hookimpl
def lesson_saved(action: str, lesson: dict[str, Any]) -> None:
    # An implementation may accept only the arguments it needs; hooks are always called by keyword.
    # Slow work belongs in a job: app.extensions["llsearch"].jobs.enqueue("your_module.func", ...).
    saved_actions[action] += 1
    log.debug("lesson %s: %s", lesson.get("id"), action)
