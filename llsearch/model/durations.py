"""ISO 8601 durations that convert to seconds exactly: ``P[nW][nD][T[nH][nM][n[.n]S]]``."""

from __future__ import annotations

import math
import re
from decimal import Decimal

DURATION_PATTERN = (
    r"^P(?:[0-9]+W)?(?:[0-9]+D)?(?:T(?:[0-9]+H)?(?:[0-9]+M)?(?:[0-9]+(?:[.,][0-9]+)?S)?)?$"
)
#: A hundred years: anything longer is a typo, and it keeps derived seconds in a long.
MAX_DURATION_SECONDS = 100 * 365 * 86400
_MAX_TEXT = 64
_NANOSECOND = Decimal("0.000000001")

_DURATION_RE = re.compile(
    r"P(?:(?P<weeks>[0-9]+)W)?(?:(?P<days>[0-9]+)D)?"
    r"(?P<time>T(?:(?P<hours>[0-9]+)H)?(?:(?P<minutes>[0-9]+)M)?"
    r"(?:(?P<seconds>[0-9]+(?:[.,][0-9]+)?)S)?)?"
)
_UNIT_SECONDS = {"weeks": 604800, "days": 86400, "hours": 3600, "minutes": 60}
_EXAMPLE = "expected an ISO 8601 duration such as PT2H30M, PT45S or P1DT4H"


def _explain(text: str) -> str:
    """Say why ``text`` is not an accepted duration, as precisely as we can tell."""
    if text.startswith("-"):
        return f"negative durations are not allowed: {text!r}"
    if not text.startswith("P") and text.upper().startswith("P"):
        return f"designators must be upper-case (P, W, D, T, H, M, S): {text!r}"
    date_part = text.split("T", 1)[0]
    if text.startswith("P") and ("Y" in date_part or "M" in date_part):
        return (
            f"years and months are not allowed because their length in seconds varies; "
            f"use weeks (W) or days (D): {text!r}"
        )
    if re.fullmatch(r"P.*[0-9][.,][0-9]+[WDHM].*", text):
        return f"only the seconds may have a fraction: {text!r}"
    return f"not a duration: {_EXAMPLE}, got {text!r}"


def parse_duration_seconds(text: str) -> int | float:
    """Return the number of seconds ``text`` stands for (an int when whole); ValueError if bad."""
    if not isinstance(text, str):
        raise ValueError(f"not a duration: {_EXAMPLE}, got {text!r}")
    if len(text) > _MAX_TEXT:
        raise ValueError(f"duration too long (at most {_MAX_TEXT} characters)")
    match = _DURATION_RE.fullmatch(text)
    if match is None:
        raise ValueError(_explain(text))
    parts = match.groupdict()
    if parts["time"] is not None and not any(parts[k] for k in ("hours", "minutes", "seconds")):
        raise ValueError(f"'T' must be followed by hours, minutes or seconds: {text!r}")
    if not any(parts[k] for k in ("weeks", "days", "hours", "minutes", "seconds")):
        raise ValueError(f"empty duration: {_EXAMPLE}, got {text!r}")
    total = Decimal(parts["seconds"].replace(",", ".")) if parts["seconds"] else Decimal(0)
    for unit, factor in _UNIT_SECONDS.items():
        if parts[unit]:
            total += int(parts[unit]) * factor
    if total > MAX_DURATION_SECONDS:
        raise ValueError(f"duration longer than 100 years: {text!r}")
    return int(total) if total == total.to_integral_value() else float(total)


def format_duration(seconds: int | float | Decimal) -> str:
    """Return the canonical duration for ``seconds``: days, hours, minutes, seconds (9000 -> PT2H30M).

    Fractions of a second are kept to the nanosecond.
    """
    if isinstance(seconds, bool) or not isinstance(seconds, (int, float, Decimal)):
        raise TypeError(f"seconds must be a number, not {type(seconds).__name__}")
    if isinstance(seconds, float) and not math.isfinite(seconds):
        raise ValueError(f"seconds must be finite, got {seconds!r}")
    if isinstance(seconds, int):
        total: int | Decimal = seconds  # the common case, without Decimal arithmetic
    else:
        # repr() of a float is the shortest text that reads back as the same float.
        total = Decimal(repr(seconds)) if isinstance(seconds, float) else Decimal(seconds)
        total = total.quantize(_NANOSECOND) if total != total.to_integral_value() else total
    if total < 0:
        raise ValueError(f"durations cannot be negative, got {seconds!r}")
    whole = int(total)
    days, rest = divmod(whole, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    fraction = total - whole
    date_part = f"{days}D" if days else ""
    time_part = f"{hours}H" if hours else ""
    time_part += f"{minutes}M" if minutes else ""
    if fraction:
        time_part += format(secs + fraction, "f").rstrip("0").rstrip(".") + "S"
    elif secs:
        time_part += f"{secs}S"
    if not date_part and not time_part:
        return "PT0S"
    return f"P{date_part}" + (f"T{time_part}" if time_part else "")
