"""JSON text as imports read it: repeated keys refused, errors with their position, values named."""

from __future__ import annotations

import json
from typing import Any


class _DuplicateKey(ValueError):
    pass


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict:
    # json keeps the last of repeated keys; that would drop a value without a word.
    result = dict(pairs)
    if len(result) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise _DuplicateKey(f"the key {key!r} appears twice in one object")
            seen.add(key)
    return result


def json_type(value: Any) -> str:
    """How JSON calls the kind of `value`, for messages: "an object", "an array", "a number", …"""
    names = {dict: "an object", list: "an array", str: "a string", bool: "a boolean", type(None): "null"}
    return names.get(type(value), "a number")


def loads(text: str) -> Any:
    """`json.loads` that refuses repeated keys (ValueError) instead of keeping the last one."""
    try:
        return json.loads(text, object_pairs_hook=_no_duplicate_keys)
    except RecursionError:
        raise ValueError("arrays or objects nested too deeply") from None


def json_error(error: ValueError, with_line: bool = True) -> str:
    """A readable reason for a JSON text that could not be parsed, with its position."""
    if isinstance(error, json.JSONDecodeError):
        where = f"line {error.lineno}, column {error.colno}" if with_line else f"column {error.colno}"
        return f"invalid JSON at {where}: {error.msg}"
    return f"invalid JSON: {error}"
