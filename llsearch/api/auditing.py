"""Audit records of API operations: the actor from the request, and a guard around each mutation."""

from __future__ import annotations

from contextlib import contextmanager

from flask import current_app, g, request
from flask_smorest import abort
from werkzeug.exceptions import HTTPException

from llsearch.api.requests import request_id
from llsearch.engine.lessons import ArchivedLesson, LessonNotFound
from llsearch.runtime import current_runtime
from llsearch.security.audit import Actor, AuditTrail, AuditUnavailable

EXTENSION = "llsearch_audit"
DOMAIN_STATUS = {ArchivedLesson: 409, LessonNotFound: 404}


def audit_trail() -> AuditTrail:
    trail = current_app.extensions.get(EXTENSION)
    if trail is None:
        runtime = current_runtime()
        trail = AuditTrail(runtime.engine, runtime.names, runtime.now)
        current_app.extensions[EXTENSION] = trail
    return trail


def request_actor() -> Actor:
    principal = getattr(g, "principal", None)
    return Actor(
        name=getattr(principal, "name", None) or "anonymous",
        role=str(principal.role) if getattr(principal, "role", None) else None,
        key_id=getattr(principal, "key_id", None),
        request_id=request_id(), method=request.method, path=request.path, remote_addr=request.remote_addr,
    )


@contextmanager
def audited(action: str, **fields):
    """Record `action` before it runs and its outcome after; 503 and no change if it cannot be recorded.

    Yields a dict the operation may fill with what it learns (e.g. the new lesson's id).
    """
    trail = audit_trail()
    try:
        record_id = trail.begin(action, request_actor(), **fields)
    except AuditUnavailable:
        abort(503, message="the audit trail cannot be written, so nothing was changed; retry shortly")
    learned: dict = {}
    try:
        yield learned
    except HTTPException as error:
        trail.finish(record_id, "failure", error.code or 500, error.description, **learned)
        raise
    except Exception as error:
        status = DOMAIN_STATUS.get(type(error), 500)  # what the error handlers will answer
        trail.finish(record_id, "failure", status, str(error) or type(error).__name__, **learned)
        raise
    trail.finish(record_id, "success", 200, **learned)


def record_denied(status: int, message: str) -> None:
    """Failed authentication (401) or a forbidden attempt (403): recorded, never blocking."""
    audit_trail().record("denied", request_actor(), outcome="denied", status=status, message=message)
