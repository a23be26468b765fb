"""Roles, the actions they may take, and the permission table of CONTRACT §3 as data."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    """The role an API key carries."""

    READER = "reader"
    PSA = "psa"
    COUNCIL = "council"
    CQO = "cqo"
    ADMIN = "admin"


class Action(StrEnum):
    """What a request wants to do; each protected view asks for exactly one."""

    READ = "read"
    CREATE = "create"
    UPDATE = "update"
    APPROVE = "approve"
    DELETE = "delete"
    IMPORT = "import"
    MANAGE_KEYS = "manage_keys"
    AUDIT = "audit"
    BACKUP = "backup"
    ARCHIVE = "archive"


PERMISSIONS: dict[Action, frozenset[Role]] = {
    Action.READ: frozenset(Role),
    Action.CREATE: frozenset({Role.PSA, Role.COUNCIL}),
    Action.UPDATE: frozenset({Role.PSA, Role.COUNCIL}),
    Action.IMPORT: frozenset({Role.PSA, Role.COUNCIL}),
    Action.APPROVE: frozenset({Role.PSA, Role.CQO}),
    Action.DELETE: frozenset({Role.ADMIN}),
    Action.MANAGE_KEYS: frozenset({Role.ADMIN}),
    Action.AUDIT: frozenset({Role.ADMIN}),
    Action.BACKUP: frozenset({Role.ADMIN}),
    Action.ARCHIVE: frozenset({Role.ADMIN}),
}


def allowed(role: Role | str | None, action: Action | str) -> bool:
    """True when `role` may take `action`; unknown roles and actions are never allowed."""
    try:
        return Role(role) in PERMISSIONS[Action(action)]
    except (ValueError, KeyError):
        return False
