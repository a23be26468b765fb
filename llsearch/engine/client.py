"""The one place an OpenSearch client is made."""

from __future__ import annotations

from opensearchpy import OpenSearch

from llsearch.config import Settings


def make_client(settings: Settings) -> OpenSearch:
    """A client for the configured engine, or for the embedded node when none is configured."""
    return OpenSearch(
        hosts=[settings.engine_url],
        timeout=settings.request_timeout,
        max_retries=2,
        retry_on_timeout=True,
        http_compress=False,
    )
