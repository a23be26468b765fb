"""Calendar dates (``YYYY-MM-DD``) and RFC 3339 date-times normalised to UTC ``…Z``."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone

DATE_PATTERN = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
_DATE_RE = re.compile(DATE_PATTERN)
_DATETIME_RE = re.compile(
    r"([0-9]{4})-([0-9]{2})-([0-9]{2})[Tt ]([0-9]{2}):([0-9]{2}):([0-9]{2})"
    r"(?:\.([0-9]+))?(?P<zone>[Zz]|[+-][0-9]{2}:[0-9]{2})?"
)
_DATETIME_EXAMPLE = "expected an RFC 3339 date-time such as 2026-02-01T14:30:00Z"


def parse_date(text: str) -> date:
    """Return the calendar date written ``YYYY-MM-DD``; ValueError if malformed or not a real day."""
    if not isinstance(text, str) or _DATE_RE.fullmatch(text) is None:
        raise ValueError(f"not a date: expected YYYY-MM-DD, got {text!r}")
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"not a calendar date: {text!r}") from None


def parse_datetime(text: str) -> datetime:
    """Return the aware UTC datetime of an RFC 3339 date-time; ValueError without a timezone.

    Fractions beyond microseconds are truncated (Python keeps microseconds).
    """
    match = _DATETIME_RE.fullmatch(text) if isinstance(text, str) else None
    if match is None:
        if isinstance(text, str) and _DATE_RE.fullmatch(text):
            raise ValueError(f"a date-time is needed, not a date: {_DATETIME_EXAMPLE}, got {text!r}")
        raise ValueError(f"not a date-time: {_DATETIME_EXAMPLE}, got {text!r}")
    zone = match.group("zone")
    if zone is None:
        raise ValueError(
            f"date-time without a timezone: add Z or an offset such as +01:00, got {text!r}"
        )
    year, month, day, hour, minute, second, fraction = match.groups()[:7]
    micro = int((fraction or "0")[:6].ljust(6, "0"))
    try:
        if zone in ("Z", "z"):
            tz = timezone.utc
        else:
            hours, minutes = int(zone[1:3]), int(zone[4:6])
            if hours > 23 or minutes > 59:
                raise ValueError
            sign = -1 if zone[0] == "-" else 1
            tz = timezone(sign * timedelta(hours=hours, minutes=minutes))
        local = datetime(
            int(year), int(month), int(day), int(hour), int(minute), int(second), micro, tz
        )
        return local.astimezone(timezone.utc)
    except (ValueError, OverflowError):
        raise ValueError(f"not a valid date-time: {text!r}") from None


def format_datetime(value: datetime) -> str:
    """Return ``value`` in UTC as ``YYYY-MM-DDTHH:MM:SS[.fff[fff]]Z``; ValueError if naive."""
    if not isinstance(value, datetime):
        raise TypeError(f"expected a datetime, not {type(value).__name__}")
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError("naive datetime: attach a timezone (e.g. timezone.utc)")
    utc = value.astimezone(timezone.utc)
    text = (
        f"{utc.year:04d}-{utc.month:02d}-{utc.day:02d}"
        f"T{utc.hour:02d}:{utc.minute:02d}:{utc.second:02d}"
    )
    if utc.microsecond % 1000 == 0 and utc.microsecond:
        text += f".{utc.microsecond // 1000:03d}"
    elif utc.microsecond:
        text += f".{utc.microsecond:06d}"
    return text + "Z"


def normalize_datetime(text: str) -> str:
    """Return an RFC 3339 date-time in its canonical UTC spelling; ValueError if invalid."""
    return format_datetime(parse_datetime(text))


def utc_day(text: str) -> date:
    """The UTC calendar day of an RFC 3339 date-time."""
    return parse_datetime(text).date()
