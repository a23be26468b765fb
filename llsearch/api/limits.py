"""Rate limits per API key (per client address without one), reads and writes counted apart.

Counters live in Redis so every worker shares them; without Redis (the embedded demo) they live in
process memory, which is only right for a single process, and a warning says so.
"""

from __future__ import annotations

import logging

from flask import Flask, request
from flask_limiter import Limiter

from llsearch.config import Settings
from llsearch.security.apikeys import KEY_PATTERN

log = logging.getLogger(__name__)
EXEMPT_PATHS = ("/healthz", "/readyz", "/metrics", "/api/docs", "/api/openapi.json")
READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def _is_read() -> bool:
    return request.method in READ_METHODS


def rate_key() -> str:
    """`key:<id>` for a well-formed bearer key, else `addr:<client address>`, plus read or write."""
    header = request.headers.get("Authorization", "")
    match = KEY_PATTERN.fullmatch(header.partition(" ")[2].strip()) if header.lower().startswith("bearer ") else None
    who = f"key:{match.group(1)}" if match else f"addr:{request.remote_addr}"
    return f"{who}:{'read' if _is_read() else 'write'}"


def install_rate_limits(app: Flask, settings: Settings) -> Limiter | None:
    if not settings.rate_limits_enabled:
        return None
    if not settings.redis_url:
        log.warning("rate limits are counted in process memory (no LLSEARCH_REDIS_URL): "
                    "right for the embedded single-process mode only")
    return Limiter(
        rate_key, app=app,
        storage_uri=settings.redis_url or "memory://",
        application_limits=[lambda: settings.rate_limit_read if _is_read() else settings.rate_limit_write],
        application_limits_exempt_when=lambda: request.path.startswith(EXEMPT_PATHS),
        headers_enabled=True, strategy="moving-window", key_prefix=f"{settings.index_prefix}llsearch",
    )
