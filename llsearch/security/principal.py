"""Who a request acts as: the holder of an API key, or the anonymous reader."""

from __future__ import annotations

from dataclasses import dataclass

from llsearch.security.roles import Role


@dataclass(frozen=True)
class Principal:
    """The caller as authentication found it; `name` is what audit records and `approver` show."""

    key_id: str | None
    name: str
    role: Role | None
    anonymous: bool = False


ANONYMOUS = Principal(key_id=None, name="anonymous", role=None, anonymous=True)
