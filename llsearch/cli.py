"""The `llsearch` command group; each command lives in llsearch.commands."""

from __future__ import annotations

import click

from llsearch import __version__
from llsearch.commands import COMMANDS
from llsearch.config import SettingsError, load_settings
from llsearch.engine.embedded import EngineError


class LlsearchGroup(click.Group):
    """Turns the project's expected failures into one-line errors instead of tracebacks."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except (SettingsError, EngineError) as exc:
            raise click.ClickException(str(exc)) from None


@click.group(cls=LlsearchGroup)
@click.version_option(__version__, prog_name="llsearch")
@click.pass_context
def main(ctx: click.Context) -> None:
    """llsearch: the lessons-learned database and search service."""
    ctx.ensure_object(dict)


def settings_from(ctx: click.Context, **overrides):
    """Settings from the environment, with command-line overrides that were actually given."""
    given = {key: value for key, value in overrides.items() if value is not None}
    return load_settings(given)


for command in COMMANDS:
    main.add_command(command)
