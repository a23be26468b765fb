"""What of a lesson the caller may see: sensitive fields only for the roles cleared for them."""

from __future__ import annotations

from flask import g

from llsearch.runtime import current_runtime
from llsearch.security.fields import redact, sensitive_fields
from llsearch.security.roles import Role

CLEARED_ROLES = frozenset({Role.PSA, Role.COUNCIL, Role.CQO, Role.ADMIN})


def visible(lesson: dict) -> dict:
    """The lesson as the current caller may see it (readers and anonymous get it redacted)."""
    principal = getattr(g, "principal", None)
    if principal is not None and principal.role in CLEARED_ROLES:
        return lesson
    return redact(lesson, sensitive_fields(current_runtime().settings))
