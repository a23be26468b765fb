"""What data commands share: settings, a ready engine connection, and a progress bar."""

from __future__ import annotations

import click

from llsearch.config import Settings, load_settings
from llsearch.engine.client import make_client
from llsearch.engine.embedded import EmbeddedEngine
from llsearch.engine.names import IndexNames
from llsearch.engine.setup import setup
from llsearch.security.fields import codec_for


class EngineConnection:
    """Settings, client and names for a command, after the idempotent engine setup."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self.client = make_client(settings)
        self.names = IndexNames(settings.index_prefix)
        self.codec = codec_for(settings)


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
    setup(connection.client, settings)
    return connection
