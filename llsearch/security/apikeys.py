"""API keys kept in the engine: issued once, stored only as a hash, looked up by key id."""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
import secrets
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Callable

from opensearchpy import OpenSearch
from opensearchpy.exceptions import ConflictError, NotFoundError

from llsearch.config import Settings, SettingsError
from llsearch.engine.names import IndexNames
from llsearch.security.principal import Principal
from llsearch.security.roles import Role

log = logging.getLogger(__name__)

KEY_PREFIX = "llk"
# llk_<key id: 16 hex, the engine doc id>_<secret: 64 hex, 256 random bits>; hex only, so a
# double-click selects the whole key and the parts split unambiguously.
KEY_PATTERN = re.compile(r"llk_([0-9a-f]{16})_([0-9a-f]{64})")
KEY_ID_PATTERN = re.compile(r"[0-9a-f]{16}")
MAX_NAME_LENGTH = 100
MAX_CACHED_KEYS = 10_000
# A reservation whose key document never appeared is abandoned after this long (a crashed create).
STALE_RESERVATION_SECONDS = 60.0
PUBLIC_FIELDS = ("key_id", "name", "role", "created_at", "last_used", "revoked_at")
_REVOKE_SCRIPT = (
    "if (ctx._source.revoked_at != null) { ctx.op = 'noop' } else { ctx._source.revoked_at = params.now }"
)


class ApiKeyError(Exception):
    """A one-line, user-facing reason an API key operation failed."""


class UnknownApiKey(ApiKeyError):
    """No key has that id, and no active key has that name."""


class DuplicateKeyName(ApiKeyError):
    """An active key already has that name."""


@dataclass(frozen=True)
class IssuedKey:
    """A freshly created key: `key` is the only copy of the secret and is never stored."""

    key_id: str
    name: str
    role: Role
    key: str


def hash_key(key: str) -> str:
    """SHA-256 of the whole key text; a 256-bit random secret needs no slow password hash."""
    return hashlib.sha256(key.encode()).hexdigest()


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")


def _age_seconds(stamp: str | None) -> float:
    if not stamp:
        return float("inf")
    moment = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    return (datetime.now(timezone.utc) - moment).total_seconds()


def _clean_name(name: str) -> str:
    cleaned = (name or "").strip()
    if not cleaned or len(cleaned) > MAX_NAME_LENGTH or not cleaned.isprintable():
        raise ApiKeyError(f"a key name must be 1 to {MAX_NAME_LENGTH} printable characters, got {name!r}")
    return cleaned


def _role(role: Role | str) -> Role:
    try:
        return Role(role)
    except ValueError:
        raise ApiKeyError(f"unknown role {role!r}; choose one of {', '.join(Role)}") from None


def _public(source: dict) -> dict:
    return {field: source.get(field) for field in PUBLIC_FIELDS}


def _setting_seconds(settings: Settings, name: str, default: float) -> float:
    value = settings.extra.get(name, default)
    try:
        return max(0.0, float(value))
    except (TypeError, ValueError):
        raise SettingsError(f"{name} must be a number of seconds, got {value!r}") from None


class ApiKeyStore:
    """Create, list, revoke and check API keys in the `names.apikeys` index.

    Key documents have the key id as doc id. Active names are made unique by a second document per
    name (`name:<name>`, `kind: name`) created with create-if-absent, so two concurrent creates of one
    name cannot both win; revoking a key releases its name.

    Looked-up keys are cached in this process for `cache_seconds`: a revoke made by another process
    (the CLI, another worker) takes effect within that time; a revoke through this store at once.
    """

    def __init__(self, client: OpenSearch, names: IndexNames, cache_seconds: float = 5.0,
                 last_used_seconds: float = 60.0, clock: Callable[[], float] = time.monotonic):
        self.client = client
        self.index = names.apikeys
        self.cache_seconds = cache_seconds
        self.last_used_seconds = last_used_seconds
        self._clock = clock
        self._cache: dict[str, tuple[float, dict]] = {}
        self._last_noted: dict[str, float] = {}
        self._lock = threading.Lock()

    @classmethod
    def from_settings(cls, client: OpenSearch, settings: Settings) -> "ApiKeyStore":
        """A store whose cache and `last_used` intervals come from `apikey_cache_seconds` (5) and
        `apikey_last_used_seconds` (60) of the settings file or explicit config."""
        return cls(
            client, IndexNames(settings.index_prefix),
            cache_seconds=_setting_seconds(settings, "apikey_cache_seconds", 5.0),
            last_used_seconds=_setting_seconds(settings, "apikey_last_used_seconds", 60.0),
        )

    # -- issuing and revoking ---------------------------------------------------------------------

    def create(self, name: str, role: Role | str) -> IssuedKey:
        """Issue a key; its text is returned here once and only its hash is stored."""
        name, role = _clean_name(name), _role(role)
        key_id = secrets.token_hex(8)
        key = f"{KEY_PREFIX}_{key_id}_{secrets.token_hex(32)}"
        self._reserve_name(name, key_id)
        document = {
            "kind": "key", "key_id": key_id, "name": name, "role": role.value,
            "secret_hash": hash_key(key), "created_at": _now(), "revoked_at": None, "last_used": None,
        }
        try:
            self.client.create(index=self.index, id=key_id, body=document, refresh="true")
        except Exception:
            self._release_name(name, key_id)
            raise
        return IssuedKey(key_id=key_id, name=name, role=role, key=key)

    def list(self, include_revoked: bool = False) -> list[dict]:
        """Keys oldest first, without hashes; revoked ones only when asked."""
        query: dict = {"bool": {"filter": [{"term": {"kind": "key"}}]}}
        if not include_revoked:
            query["bool"]["must_not"] = [{"exists": {"field": "revoked_at"}}]
        found = self.client.search(
            index=self.index,
            body={"query": query, "sort": [{"created_at": "asc"}, {"key_id": "asc"}], "size": 10_000},
            _source_excludes="secret_hash",
        )
        return [_public(hit["_source"]) for hit in found["hits"]["hits"]]

    def revoke(self, key_id_or_name: str) -> dict:
        """Revoke a key given by id, or the active key of that name; return its record."""
        source = self._find_for_revoke(key_id_or_name)
        key_id, now = source["key_id"], _now()
        answer = self.client.update(
            index=self.index, id=key_id, refresh="true", retry_on_conflict=3,
            body={"script": {"source": _REVOKE_SCRIPT, "lang": "painless", "params": {"now": now}}},
        )
        if answer.get("result") == "noop":
            raise ApiKeyError(f"API key {key_id} ({source['name']}) is already revoked")
        self._release_name(source["name"], key_id)
        with self._lock:
            self._cache.pop(key_id, None)
        return _public({**source, "revoked_at": now})

    def _find_for_revoke(self, key_id_or_name: str) -> dict:
        given = (key_id_or_name or "").strip()
        if KEY_ID_PATTERN.fullmatch(given):
            source = self._get(given)
            if source is not None:
                if source.get("revoked_at"):
                    raise ApiKeyError(f"API key {given} ({source['name']}) is already revoked")
                return source
        reservation = self._get(_name_doc_id(given), kind="name") if given else None
        source = self._get(reservation["key_id"]) if reservation else None
        if source is None or source.get("revoked_at"):
            raise UnknownApiKey(f"no API key has the id {given!r} and no active key is named {given!r}")
        return source

    # -- authentication ---------------------------------------------------------------------------

    def authenticate(self, presented: str) -> Principal | None:
        """The principal of a valid, active key; None for malformed, unknown or revoked keys."""
        match = KEY_PATTERN.fullmatch(presented) if isinstance(presented, str) else None
        if match is None:
            return None
        key_id = match.group(1)
        source = self._lookup(key_id)
        if source is None or source.get("revoked_at"):
            return None
        if not hmac.compare_digest(hash_key(presented).encode(), str(source.get("secret_hash", "")).encode()):
            return None
        try:
            role = Role(source.get("role"))
        except ValueError:
            log.warning("API key %s carries an unknown role %r; refused", key_id, source.get("role"))
            return None
        self._note_use(key_id)
        return Principal(key_id=key_id, name=source["name"], role=role)

    def _lookup(self, key_id: str) -> dict | None:
        """The key document, from the cache while fresh; misses are not cached so new keys work at once."""
        if self.cache_seconds > 0:
            with self._lock:
                cached = self._cache.get(key_id)
            if cached and cached[0] > self._clock():
                return cached[1]
        source = self._get(key_id)
        if source is not None and self.cache_seconds > 0:
            with self._lock:
                if len(self._cache) >= MAX_CACHED_KEYS:
                    self._cache.clear()  # crude bound; real deployments hold a handful of keys
                self._cache[key_id] = (self._clock() + self.cache_seconds, source)
        return source

    def _note_use(self, key_id: str) -> None:
        """Record `last_used`, at most once per `last_used_seconds` per key and process.

        A failure is logged and never fails the request. The write is synchronous; it costs one
        engine update per key per interval.
        """
        now = self._clock()
        with self._lock:
            last = self._last_noted.get(key_id)
            if last is not None and now - last < self.last_used_seconds:
                return
            self._last_noted[key_id] = now
        try:
            self.client.update(index=self.index, id=key_id, body={"doc": {"last_used": _now()}},
                               retry_on_conflict=3)
        except Exception as exc:  # bookkeeping only: never turn it into a failed request
            log.warning("could not record last_used of API key %s: %s", key_id, exc)

    # -- engine documents -------------------------------------------------------------------------

    def _get(self, doc_id: str, kind: str = "key") -> dict | None:
        try:
            found = self.client.get(index=self.index, id=doc_id)
        except NotFoundError:  # unknown document, or the index is not set up yet
            return None
        source = found["_source"]
        if source.get("kind") != kind:
            return None
        return {**source, "_seq_no": found["_seq_no"], "_primary_term": found["_primary_term"]}

    def _reserve_name(self, name: str, key_id: str) -> None:
        """Claim `name` for `key_id`, taking over a claim whose key is revoked or was never written."""
        doc_id = _name_doc_id(name)
        body = {"kind": "name", "name": name, "key_id": key_id, "created_at": _now()}
        for _ in range(3):
            try:
                self.client.create(index=self.index, id=doc_id, body=body, refresh="true")
                return
            except ConflictError:
                pass
            held = self._get(doc_id, kind="name")
            if held is None:
                continue  # released meanwhile: try again
            holder = self._get(held["key_id"])
            if holder is not None and not holder.get("revoked_at"):
                raise DuplicateKeyName(f"an active API key is already named {name!r} (id {holder['key_id']})")
            if holder is None and _age_seconds(held.get("created_at")) < STALE_RESERVATION_SECONDS:
                raise DuplicateKeyName(f"an API key named {name!r} is being created right now")
            try:
                self.client.index(index=self.index, id=doc_id, body=body, refresh="true",
                                  if_seq_no=held["_seq_no"], if_primary_term=held["_primary_term"])
                return
            except ConflictError:
                continue
        raise DuplicateKeyName(f"the name {name!r} is being claimed concurrently; try again")

    def _release_name(self, name: str, key_id: str) -> None:
        """Free `name` if `key_id` still holds it."""
        doc_id = _name_doc_id(name)
        held = self._get(doc_id, kind="name")
        if held is None or held.get("key_id") != key_id:
            return
        try:
            self.client.delete(index=self.index, id=doc_id, refresh="true",
                               if_seq_no=held["_seq_no"], if_primary_term=held["_primary_term"])
        except (ConflictError, NotFoundError):
            pass  # someone else took it over or released it: nothing left to free


def _name_doc_id(name: str) -> str:
    return f"name:{name}"
