"""Opaque pagination cursors: the engine's `search_after` values, tied to the sort they came from."""

from __future__ import annotations

import base64
import json

from marshmallow import ValidationError, fields

MAX_CURSOR_LENGTH = 2048


def encode_cursor(sort_key: str, after: list) -> str:
    raw = json.dumps({"s": sort_key, "a": after}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(text: str) -> tuple[str, list]:
    """(sort key, search_after values); ValueError for anything not made by encode_cursor."""
    if len(text) > MAX_CURSOR_LENGTH:
        raise ValueError("cursor too long")
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise ValueError("not a cursor returned by this API") from None
    if not isinstance(data, dict) or not isinstance(data.get("s"), str) or not isinstance(data.get("a"), list):
        raise ValueError("not a cursor returned by this API")
    if not all(isinstance(value, (str, int, float)) and not isinstance(value, bool) for value in data["a"]):
        raise ValueError("not a cursor returned by this API")
    return data["s"], data["a"]


class CursorField(fields.String):
    """A query parameter holding a cursor; loads as (sort key, search_after values)."""

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        try:
            return decode_cursor(text)
        except ValueError as error:
            raise ValidationError(f"Invalid cursor: {error}; pass `next_cursor` from a previous page.") from None
