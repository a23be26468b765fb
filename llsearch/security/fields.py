"""Encryption of sensitive fields before they reach the engine (Fernet: AES-CBC + HMAC-SHA256).

Keys come from LLSEARCH_ENCRYPTION_KEYS, comma-separated: the first encrypts, every one decrypts,
so keys rotate by putting a new one first and running `llsearch keys rotate`.
"""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from llsearch.config import Settings, SettingsError
from llsearch.model.stored import DERIVED_FROM, from_stored, to_stored

log = logging.getLogger(__name__)

ALWAYS_SENSITIVE = ("metrics.business_impact_usd",)
MARKER = "enc:v1:"
KEY_FILE = Path("secrets") / "encryption.keys"


class DecryptionError(RuntimeError):
    """A stored value cannot be decrypted with any configured key."""


def sensitive_fields(settings: Settings) -> tuple[str, ...]:
    extra = [name.strip() for name in (settings.sensitive_fields or "").split(",") if name.strip()]
    return tuple(dict.fromkeys([*ALWAYS_SENSITIVE, *extra]))


def _parse_keys(text: str) -> list[Fernet]:
    keys = []
    for part in (piece.strip() for piece in text.split(",")):
        if not part:
            continue
        try:
            keys.append(Fernet(part))
        except (ValueError, TypeError):
            raise SettingsError("LLSEARCH_ENCRYPTION_KEYS holds a key that is not a Fernet key "
                                "(make one with `llsearch keys generate`)") from None
    return keys


def _demo_key_file(settings: Settings) -> str:
    """Embedded demo mode only: a key kept under the data dir, made on first use."""
    path = Path(settings.data_dir) / KEY_FILE
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(Fernet.generate_key().decode() + "\n")
        os.chmod(path, 0o600)
        log.warning("no LLSEARCH_ENCRYPTION_KEYS: generated a demo key in %s; set your own keys in production", path)
    return path.read_text().strip()


def load_keys(settings: Settings) -> list[Fernet]:
    """The configured keys; without any, production refuses to start and demo mode makes one."""
    if settings.encryption_keys:
        keys = _parse_keys(settings.encryption_keys)
        if keys:
            return keys
    if not settings.embedded:
        raise SettingsError("LLSEARCH_ENCRYPTION_KEYS is required with an external engine: sensitive fields "
                            "are encrypted before they are stored (make a key with `llsearch keys generate`)")
    return _parse_keys(_demo_key_file(settings))


def _get(doc: dict, path: list[str]):
    for part in path[:-1]:
        doc = doc.get(part)
        if not isinstance(doc, dict):
            return None, None
    return doc, path[-1]


def _copy_along(doc: dict, paths: list[list[str]]) -> dict:
    """A copy of `doc` whose dicts on `paths` are copies too; everything else is shared.

    Enough to change the values at `paths` without touching the caller's document, and a
    fraction of the cost of a deep copy of a whole lesson (measured on bulk loads).
    """
    root = dict(doc)
    for path in paths:
        parent = root
        for part in path[:-1]:
            child = parent.get(part)
            if not isinstance(child, dict):
                break
            child = parent[part] = dict(child)
            parent = child
    return root


class FieldCipher:
    """Encrypts and decrypts the values at the sensitive paths of a document."""

    def __init__(self, keys: list[Fernet], fields: tuple[str, ...]):
        self.fernet = MultiFernet(keys)
        self.fields = fields
        self.paths = [name.split(".") for name in fields]
        self.twins = [twin.split(".") for twin, source in DERIVED_FROM.items() if source in fields]

    def encrypt(self, doc: dict) -> dict:
        doc = _copy_along(doc, self.paths + self.twins)
        for twin in self.twins:  # a number derived from a secret would leak it
            parent, key = _get(doc, twin)
            if parent is not None:
                parent.pop(key, None)
        for path in self.paths:
            parent, key = _get(doc, path)
            if parent is not None and key in parent and parent[key] is not None:
                value = json.dumps(parent[key]).encode()
                parent[key] = MARKER + self.fernet.encrypt(value).decode()
        return doc

    def _each_token(self, doc: dict, transform) -> dict:
        """A copy of `doc` with `transform(path, token)` applied to every encrypted value."""
        doc = _copy_along(doc, self.paths)
        for path in self.paths:
            parent, key = _get(doc, path)
            value = parent.get(key) if parent is not None else None
            if isinstance(value, str) and value.startswith(MARKER):
                parent[key] = transform(path, value[len(MARKER):].encode())
        return doc

    def decrypt(self, doc: dict) -> dict:
        def plain(path, token):
            try:
                return json.loads(self.fernet.decrypt(token))
            except InvalidToken:
                raise DecryptionError(f"cannot decrypt {'.'.join(path)}: no configured key fits") from None

        return self._each_token(doc, plain)

    def rotate(self, doc: dict) -> dict:
        """The same document with every secret re-encrypted under the first key."""
        return self._each_token(doc, lambda path, token: MARKER + self.fernet.rotate(token).decode())


class EncryptingCodec:
    """The engine codec of the service: derived numbers plus encrypted sensitive fields."""

    def __init__(self, cipher: FieldCipher):
        self.cipher = cipher

    def encode(self, lesson: dict) -> dict:
        return self.cipher.encrypt(to_stored(lesson))

    def decode(self, doc: dict) -> dict:
        return from_stored(self.cipher.decrypt(doc))


def codec_for(settings: Settings) -> EncryptingCodec:
    return EncryptingCodec(FieldCipher(load_keys(settings), sensitive_fields(settings)))


def redact(lesson: dict, fields: tuple[str, ...]) -> dict:
    """A copy without the sensitive values, naming what was withheld in `redacted_fields`."""
    lesson = _copy_along(lesson, [name.split(".") for name in fields])
    withheld = []
    for name in fields:
        parent, key = _get(lesson, name.split("."))
        if parent is not None and key in parent:
            parent.pop(key)
            withheld.append(name)
    if withheld:
        lesson["redacted_fields"] = withheld
    return lesson
