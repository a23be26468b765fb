"""Every request: an X-Request-ID (accepted or made), security headers, a JSON access log line."""

from __future__ import annotations

import json
import logging
import re
import time
import uuid

from flask import Flask, g, request

log = logging.getLogger("llsearch.requests")
REQUEST_ID = re.compile(r"^[A-Za-z0-9._:\-]{1,128}$")
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Cache-Control": "no-store",
}
DOCS_CSP = "default-src 'self' https://cdn.jsdelivr.net; img-src 'self' data: https://cdn.jsdelivr.net; " \
           "style-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; script-src 'self' 'unsafe-inline' " \
           "https://cdn.jsdelivr.net"


def request_id() -> str:
    return getattr(g, "request_id", None) or "-"


def install_request_hooks(app: Flask, cors_origins: tuple[str, ...]) -> None:
    @app.before_request
    def _start():
        given = request.headers.get("X-Request-ID", "")
        g.request_id = given if REQUEST_ID.match(given) else uuid.uuid4().hex
        g.started = time.perf_counter()

    @app.after_request
    def _finish(response):
        response.headers["X-Request-ID"] = request_id()
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        response.headers.setdefault(
            "Content-Security-Policy", DOCS_CSP if request.path.startswith("/api/docs") else "default-src 'none'"
        )
        origin = request.headers.get("Origin")
        if origin and origin in cors_origins:
            response.headers["Access-Control-Allow-Origin"] = origin
            response.headers["Vary"] = "Origin"
            response.headers["Access-Control-Allow-Headers"] = "Authorization, Content-Type, If-Match, X-Request-ID"
            response.headers["Access-Control-Allow-Methods"] = "GET, POST, PATCH, DELETE, OPTIONS"
            response.headers["Access-Control-Expose-Headers"] = "ETag, Location, X-Request-ID, Retry-After"
        principal = getattr(g, "principal", None)
        log.info(json.dumps({
            "request_id": request_id(), "method": request.method, "path": request.path,
            "status": response.status_code, "actor": getattr(principal, "name", None),
            "duration_ms": round((time.perf_counter() - g.get("started", time.perf_counter())) * 1000, 2),
            "remote_addr": request.remote_addr,
        }))
        return response
