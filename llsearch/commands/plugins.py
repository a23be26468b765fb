"""`llsearch plugins`: the registered plugins, their distributions and the hooks they implement."""

from __future__ import annotations

import json
from dataclasses import asdict

import click

from llsearch.config import load_settings
from llsearch.plugins import get_plugin_manager


@click.command("plugins")
@click.option("--json", "as_json", is_flag=True, help="One JSON document instead of a table")
def plugins(as_json: bool) -> None:
    """List plugins (built-in and installed) with their version and hooks."""
    infos = get_plugin_manager(load_settings()).describe()
    if as_json:
        click.echo(json.dumps([asdict(info) for info in infos], indent=2))
        return
    rows = [(info.name, "built-in" if info.builtin else f"{info.distribution} {info.version}",
             ", ".join(info.hooks) or "-") for info in infos]
    widths = [max(len(row[i]) for row in rows + [("plugin", "distribution", "hooks")]) for i in range(2)]
    for row in [("plugin", "distribution", "hooks"), *rows]:
        click.echo(f"{row[0]:<{widths[0]}}  {row[1]:<{widths[1]}}  {row[2]}")
