"""`llsearch keys generate|rotate`: encryption keys of the sensitive fields."""

from __future__ import annotations

import click
from cryptography.fernet import Fernet

from llsearch.commands.common import connect
from llsearch.engine.rewrite import rewrite_lessons


@click.group()
def keys() -> None:
    """Encryption keys (LLSEARCH_ENCRYPTION_KEYS: the first encrypts, all decrypt)."""


@keys.command()
def generate() -> None:
    """Print a new key; put it first in LLSEARCH_ENCRYPTION_KEYS, then run `keys rotate`."""
    click.echo(Fernet.generate_key().decode())


@keys.command()
def rotate() -> None:
    """Re-encrypt every stored secret with the first key, so older keys can be retired."""
    connection = connect()
    report = rewrite_lessons(connection.client, connection.names, connection.codec.cipher.rotate)
    click.echo(f"keys rotate: {report.scanned} lessons scanned, {report.rewritten} re-encrypted, "
               f"{report.failed} failed; archived months are read-only and skipped (restore them to rotate)")
    if report.failed:
        raise SystemExit(1)
