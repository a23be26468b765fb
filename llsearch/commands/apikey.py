"""`llsearch apikey create|list|revoke`: API keys, stored in the engine only as hashes."""

from __future__ import annotations

import json

import click
from opensearchpy.exceptions import ConnectionError as EngineConnectionError
from opensearchpy.exceptions import ConnectionTimeout

from llsearch.commands.common import EngineConnection, audited_command, connect
from llsearch.security.apikeys import ApiKeyError, ApiKeyStore
from llsearch.security.roles import Role

COLUMNS = (("ID", "key_id"), ("NAME", "name"), ("ROLE", "role"), ("CREATED", "created_at"),
           ("LAST USED", "last_used"), ("REVOKED", "revoked_at"))


def open_store() -> tuple[ApiKeyStore, EngineConnection]:
    """The key store of the configured engine, after the idempotent setup; never starts an engine."""
    connection = connect()
    return ApiKeyStore.from_settings(connection.client, connection.settings), connection


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
    store, connection = open_store()
    with audited_command(connection, "apikey_create", target=name) as learned:
        issued = store.create(name, role)
        learned["details"] = {"key_id": issued.key_id, "role": str(issued.role)}
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
    keys = open_store()[0].list(include_revoked=include_revoked)
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
    store, connection = open_store()
    with audited_command(connection, "apikey_revoke", target=key_id_or_name):
        record = store.revoke(key_id_or_name)
    click.echo(f"revoked API key {record['key_id']} ({record['name']}, role {record['role']})")
