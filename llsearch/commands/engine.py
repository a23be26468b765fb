"""`llsearch engine start|stop|status`: the embedded single-node engine."""

from __future__ import annotations

import json

import click

from llsearch.config import Settings, load_settings
from llsearch.engine.embedded import EmbeddedEngine, build_launcher


def embedded_engine(settings: Settings) -> EmbeddedEngine:
    return EmbeddedEngine(
        settings.data_dir, port=settings.engine_port, heap=settings.engine_heap,
        start_timeout=settings.engine_start_timeout,
    )


@click.group()
def engine() -> None:
    """Run the embedded engine (data under LLSEARCH_DATA_DIR)."""


@engine.command()
@click.option("--port", type=int, help="HTTP port (default LLSEARCH_ENGINE_PORT or 9200)")
@click.option("--heap", help="JVM heap, e.g. 512m or 2g (default LLSEARCH_ENGINE_HEAP)")
def start(port: int | None, heap: str | None) -> None:
    """Start the engine in the background and wait until it is green."""
    overrides = {k: v for k, v in {"engine_port": port, "engine_heap": heap}.items() if v}
    node = embedded_engine(load_settings(overrides))
    record = node.start()
    verb = "already running" if record["reused"] else "started"
    click.echo(f"engine {verb} at {record['url']} (pid {record['pid']}, data {node.layout.root})")


@engine.command()
def stop() -> None:
    """Stop the engine; its data stays on disk."""
    node = embedded_engine(load_settings())
    click.echo("engine stopped" if node.stop() else "engine was not running")


@engine.command()
@click.option("--json", "as_json", is_flag=True, help="Print the status as JSON")
def status(as_json: bool) -> None:
    """Print URL, health and engine version; exit 1 when it is not running."""
    node = embedded_engine(load_settings())
    state = node.status()
    if as_json:
        click.echo(json.dumps(state))
    elif state["running"]:
        click.echo(f"url: {state['url']}\nhealth: {state['health']}\nversion: {state['version']}\npid: {state['pid']}")
    else:
        click.echo(f"engine is not running (data {node.layout.root})")
    if not state["running"]:
        raise SystemExit(1)


@engine.command()
@click.option("--force", is_flag=True, help="Rebuild even when the launcher is up to date")
def build(force: bool) -> None:
    """Build the engine launcher with Maven (done by `start` when needed)."""
    click.echo(f"engine launcher: {build_launcher(force=force)}")
