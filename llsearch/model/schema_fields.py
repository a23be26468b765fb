"""Marshmallow field types for lessons: trimmed text, dates, date-times, durations, URLs, numbers.

Every field loads to plain JSON values (strings, numbers) in their canonical spelling, and
dumps either those values or the matching Python objects (``date``, ``datetime``, enums).
"""

from __future__ import annotations

import math
import re
from datetime import date, datetime

from marshmallow import ValidationError, fields, validate

from .dates import format_datetime, normalize_datetime, parse_date
from .durations import DURATION_PATTERN, parse_duration_seconds

# C0 and C1 control characters; a single-line value also refuses line and paragraph separators.
_MULTILINE_FORBIDDEN = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_SINGLE_LINE_FORBIDDEN = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")

PERCENTAGE_PATTERN = r"^(?:100(?:\.0+)?|[1-9]?[0-9](?:\.[0-9]+)?)%$"


def sentence(error: Exception) -> str:
    """A ValueError's message as a validation message: capitalised, with a final period."""
    text = str(error)
    return text[:1].upper() + text[1:] + ("" if text.endswith(".") else ".")


class Pattern(validate.Regexp):
    """A regular-expression validator that must match the whole value (``$`` allows no newline)."""

    def __call__(self, value: str) -> str:
        if self.regex.fullmatch(value) is None:
            raise ValidationError(self._format_error(value))
        return value


def unique_items(values: list) -> list:
    """Validator: a list with no repeated value (the first repeat is named)."""
    seen = set()
    for value in values:
        if value in seen:
            raise ValidationError(f"Duplicate value: {value!r}.")
        seen.add(value)
    return values


class Text(fields.String):
    """A string, trimmed, with control characters refused; ``multiline`` allows tabs and newlines.

    Line endings are normalised to ``\\n`` so a value reads the same on every platform.
    """

    default_error_messages = {
        "single_line": "Must be a single line without control characters.",
        "control": "Must not contain control characters (tabs and newlines are allowed).",
    }

    def __init__(self, *, multiline: bool = False, **kwargs):
        self.multiline = multiline
        super().__init__(**kwargs)

    def _deserialize(self, value, attr, data, **kwargs) -> str:
        text = super()._deserialize(value, attr, data, **kwargs)
        if self.multiline:
            text = text.replace("\r\n", "\n").replace("\r", "\n")
            if _MULTILINE_FORBIDDEN.search(text):
                raise self.make_error("control")
        elif _SINGLE_LINE_FORBIDDEN.search(text):
            raise self.make_error("single_line")
        return text.strip()


class DateString(Text):
    """A calendar date ``YYYY-MM-DD`` (a real day); loads to that text."""

    default_error_messages = {"invalid": "Not a valid date: expected a string YYYY-MM-DD."}

    def _deserialize(self, value, attr, data, **kwargs) -> str:
        text = super()._deserialize(value, attr, data, **kwargs)
        try:
            return parse_date(text).isoformat()
        except ValueError as error:
            raise ValidationError(sentence(error)) from None

    def _serialize(self, value, attr, obj, **kwargs):
        if isinstance(value, datetime):
            return value.date().isoformat()
        if isinstance(value, date):
            return value.isoformat()
        return super()._serialize(value, attr, obj, **kwargs)


class DateTimeString(Text):
    """An RFC 3339 date-time with a timezone; loads (and dumps) as UTC ``YYYY-MM-DDTHH:MM:SSZ``."""

    default_error_messages = {
        "invalid": "Not a valid date-time: expected an RFC 3339 string such as 2026-02-01T14:30:00Z."
    }

    def _deserialize(self, value, attr, data, **kwargs) -> str:
        text = super()._deserialize(value, attr, data, **kwargs)
        try:
            return normalize_datetime(text)
        except ValueError as error:
            raise ValidationError(sentence(error)) from None

    def _serialize(self, value, attr, obj, **kwargs):
        if isinstance(value, datetime):
            return format_datetime(value)
        if isinstance(value, str):
            try:
                return normalize_datetime(value)
            except ValueError:
                return value
        return super()._serialize(value, attr, obj, **kwargs)


class DurationString(Text):
    """An ISO 8601 duration in weeks, days, hours, minutes and seconds; the text is kept."""

    default_error_messages = {"invalid": "Not a valid duration: expected an ISO 8601 string such as PT2H30M."}

    def __init__(self, **kwargs):
        kwargs.setdefault("metadata", {})
        kwargs["metadata"] = {"pattern": DURATION_PATTERN, **kwargs["metadata"]}
        super().__init__(**kwargs)

    def _deserialize(self, value, attr, data, **kwargs) -> str:
        text = super()._deserialize(value, attr, data, **kwargs)
        try:
            parse_duration_seconds(text)
        except ValueError as error:
            raise ValidationError(sentence(error)) from None
        return text


class HttpUrl(fields.Url):
    """An absolute ``http://`` or ``https://`` URL (hosts without a dot, like ``jira``, allowed)."""

    default_error_messages = {"invalid": "Not a valid URL: expected an absolute http(s) URL."}

    def __init__(self, **kwargs):
        kwargs.setdefault("validate", validate.Length(max=2048))
        super().__init__(schemes={"http", "https"}, require_tld=False, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs) -> str:
        text = super()._deserialize(value, attr, data, **kwargs).strip()
        if _SINGLE_LINE_FORBIDDEN.search(text):
            raise self.make_error("invalid")
        return text


class Percentage(Text):
    """A percentage string from ``"0%"`` to ``"100%"``, whole or decimal (``"87.5%"``); the text is kept."""

    default_error_messages = {
        "invalid": 'Not a valid percentage: expected a string from "0%" to "100%", such as "87.5%".'
    }

    def __init__(self, **kwargs):
        pattern = Pattern(PERCENTAGE_PATTERN, error=self.default_error_messages["invalid"])
        super().__init__(validate=pattern, **kwargs)


class JsonNumber(fields.Float):
    """A finite JSON number; an integer stays an ``int`` and a fraction a ``float``."""

    default_error_messages = {"invalid": "Not a valid number."}

    def _validated(self, value) -> int | float:
        if value is True or value is False or not isinstance(value, (int, float)):
            raise self.make_error("invalid")
        if isinstance(value, float) and not math.isfinite(value):
            raise self.make_error("special")
        return value

    def _serialize(self, value, attr, obj, **kwargs):
        return value


class StrictInteger(fields.Integer):
    """A JSON integer: no strings, floats or booleans."""

    def __init__(self, **kwargs):
        super().__init__(strict=True, **kwargs)
