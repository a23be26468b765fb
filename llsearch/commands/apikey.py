"""`llsearch apikey create|list|revoke`: API keys, stored in the engine only as hashes."""

from __future__ import annotations

import json

import click
from opensearchpy.exceptions import ConnectionError as EngineConnectionError
from opensearchpy.exceptions import ConnectionTimeout

from llsearch.commands.engine import embedded_engine
from llsearch.config import load_settings
from llsearch.engine.client import make_client
from llsearch.engine.setup import setup
from llsearch.security.apikeys import ApiKeyError, ApiKeyStore
from llsearch.security.roles import Role

COLUMNS = (("ID", "key_id"), ("NAME", "name"), ("ROLE", "role"), ("CREATED", "created_at"),
           ("LAST USED", "last_used"), ("REVOKED", "revoked_at"))


def open_store() -> ApiKeyStore:
    """The key store of the configured engine, after the idempotent setup; never starts an engine."""
    settings = load_settings()
    if settings.embedded and not embedded_engine(settings).running():
        raise click.ClickException("the embedded engine is not running; start it with `llsearch engine start`")
    client = make_client(settings)
    try:
        setup(client, settings)
    except (EngineConnectionError, ConnectionTimeout):
        raise click.ClickException(f"cannot reach the engine at {settings.engine_url}") from None
    return ApiKeyStore.from_settings(client, settings)


class ApiKeyGroup(click.Group):
    """Key errors and engine outages become one-line messages with exit code 1."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except ApiKeyError as exc:
            raise click.ClickException(str(exc)) from None
        except (EngineConnectionError, ConnectionTimeout) as exc:
            raise click.ClickException(f"the engine stopped answering: {exc}") from None


@click.group(cls=ApiKeyGroup)
def apikey() -> None:
    """Create, list and revoke API keys."""


@apikey.command()
@click.option("--name", required=True, help="Who or what holds the key (unique among active keys)")
@click.option("--role", required=True, type=click.Choice([role.value for role in Role]), help="The key's role")
@click.option("--json", "as_json", is_flag=True, help="Print the new key as JSON")
def create(name: str, role: str, as_json: bool) -> None:
    """Create a key and print it once: only its hash is stored."""
    issued = open_store().create(name, role)
    if as_json:
        click.echo(json.dumps({"key_id": issued.key_id, "name": issued.name, "role": issued.role.value,
                               "key": issued.key}))
        return
    click.echo(f"created API key {issued.key_id} for {issued.name!r} with role {issued.role}")
    click.echo(issued.key)
    click.echo("Copy the key now: it is stored only as a hash and will not be shown again.", err=True)


@apikey.command(name="list")
@click.option("--all", "include_revoked", is_flag=True, help="Include revoked keys")
@click.option("--json", "as_json", is_flag=True, help="Print the keys as JSON")
def list_keys(include_revoked: bool, as_json: bool) -> None:
    """List keys (never their secrets), oldest first."""
    keys = open_store().list(include_revoked=include_revoked)
    if as_json:
        click.echo(json.dumps(keys))
        return
    if not keys:
        click.echo("no API keys" if include_revoked else "no active API keys")
        return
    rows = [[title for title, _ in COLUMNS]] + [[key.get(field) or "-" for _, field in COLUMNS] for key in keys]
    widths = [max(len(row[column]) for row in rows) for column in range(len(COLUMNS))]
    for row in rows:
        click.echo("  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip())


@apikey.command()
@click.argument("key_id_or_name")
def revoke(key_id_or_name: str) -> None:
    """Revoke a key by id or by the name of an active key; it stops working within seconds."""
    record = open_store().revoke(key_id_or_name)
    click.echo(f"revoked API key {record['key_id']} ({record['name']}, role {record['role']})")
