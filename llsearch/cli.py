"""The `llsearch` command group; each command lives in llsearch.commands."""

from __future__ import annotations

import click

from llsearch import __version__
from llsearch.commands import COMMANDS
from llsearch.config import SettingsError, load_settings
from llsearch.engine.embedded import EngineError
from llsearch.plugins import collect, get_plugin_manager


class LlsearchGroup(click.Group):
    """Turns the project's expected failures into one-line errors instead of tracebacks.

    Commands from plugins (`register_commands`) are looked up only when the built-ins do not
    have the name, so a broken plugin cannot stop the core commands.
    """

    _plugin_commands: dict[str, click.Command] | None = None

    def plugin_commands(self) -> dict[str, click.Command]:
        if self._plugin_commands is None:
            try:
                found = collect(get_plugin_manager(load_settings()), "register_commands")
            except SettingsError:  # the built-in command that runs will report the bad setting
                found = []
            self._plugin_commands = {}
            for command in found:
                if isinstance(command, click.Command) and command.name not in self.commands:
                    self._plugin_commands.setdefault(command.name, command)
        return self._plugin_commands

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        return super().get_command(ctx, name) or self.plugin_commands().get(name)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self.plugin_commands()})

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
