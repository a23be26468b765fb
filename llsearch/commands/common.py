"""What data commands share: settings, a ready engine connection, and an audit record per change."""

from __future__ import annotations

import getpass
from contextlib import contextmanager
from functools import cached_property
from datetime import datetime, timezone

import click
from opensearchpy.exceptions import ConnectionError as EngineConnectionError
from opensearchpy.exceptions import ConnectionTimeout

from llsearch.config import Settings, load_settings
from llsearch.engine.client import make_client
from llsearch.engine.embedded import EmbeddedEngine
from llsearch.engine.names import IndexNames
from llsearch.engine.setup import setup
from llsearch.security.audit import Actor, AuditTrail, AuditUnavailable
from llsearch.security.fields import codec_for


class EngineConnection:
    """Settings, client and names for a command, after the idempotent engine setup."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self.client = make_client(settings)
        self.names = IndexNames(settings.index_prefix)

    @cached_property
    def codec(self):
        """Built on first use: only commands that touch lessons need the encryption keys."""
        return codec_for(self.settings)


def connect() -> EngineConnection:
    """Connect to the configured engine; the embedded one must already run (`llsearch engine start`)."""
    settings = load_settings()
    if settings.embedded:
        node = EmbeddedEngine(settings.data_dir, port=settings.engine_port)
        if not node.running():
            raise click.ClickException(
                f"the embedded engine is not running (data {node.layout.root}); start it with `llsearch engine start`"
            )
    connection = EngineConnection(settings)
    try:
        setup(connection.client, settings)
    except (EngineConnectionError, ConnectionTimeout):
        raise click.ClickException(f"cannot reach the engine at {settings.engine_url}") from None
    return connection


def operator() -> Actor:
    """The person at the terminal, as the audit trail names them."""
    return Actor(name=f"cli:{getpass.getuser()}", role="operator")


@contextmanager
def audited_command(connection: EngineConnection, action: str, **fields):
    """Record a command's change before it runs and its outcome after; no record, no change."""
    trail = AuditTrail(connection.client, connection.names, lambda: datetime.now(timezone.utc))
    try:
        record_id = trail.begin(action, operator(), **fields)
    except AuditUnavailable as error:
        raise click.ClickException(f"the audit trail cannot be written, so nothing was changed: {error}") from None
    learned: dict = {}
    try:
        yield learned
    except BaseException as error:
        trail.finish(record_id, "failure", 1, str(error)[:500] or type(error).__name__, **learned)
        raise
    trail.finish(record_id, "success", 0, **learned)
