"""The engine's copy of a lesson: the API document plus derived, aggregatable numbers.

``to_stored`` adds, inside ``metrics``, the seconds of each duration and the percentage
as a number; ``from_stored`` removes them again, so ``from_stored(to_stored(x)) == x``.
"""

from __future__ import annotations

from .durations import parse_duration_seconds

#: Each derived field (a dotted path inside the stored document) and the field it comes from.
DERIVED_FROM = {
    "metrics.time_to_detect_seconds": "metrics.time_to_detect",
    "metrics.time_to_resolve_seconds": "metrics.time_to_resolve",
    "metrics.success_rate_prevention_pct": "metrics.success_rate_prevention",
}
DERIVED_FIELDS = tuple(DERIVED_FROM)
APPROVAL_REQUIRED_FIELDS = ("root_cause", "solution", "prevention")


def percentage_value(text: str) -> float:
    """The number in a percentage string: ``"87.5%"`` -> 87.5; ValueError if not one."""
    if not isinstance(text, str) or not text.endswith("%"):
        raise ValueError(f"not a percentage: {text!r}")
    try:
        value = float(text[:-1])
    except ValueError:
        raise ValueError(f"not a percentage: {text!r}") from None
    if not 0 <= value <= 100:
        raise ValueError(f"percentage out of range 0%..100%: {text!r}")
    return value


def to_stored(lesson: dict) -> dict:
    """A copy of ``lesson`` (already validated) with the derived metrics fields added."""
    stored = dict(lesson)
    metrics = lesson.get("metrics")
    if isinstance(metrics, dict):
        metrics = dict(metrics)
        for key in ("time_to_detect", "time_to_resolve"):
            if metrics.get(key) is not None:
                metrics[f"{key}_seconds"] = parse_duration_seconds(metrics[key])
        if metrics.get("success_rate_prevention") is not None:
            metrics["success_rate_prevention_pct"] = percentage_value(metrics["success_rate_prevention"])
        stored["metrics"] = metrics
    return stored


def from_stored(doc: dict) -> dict:
    """A copy of the stored document ``doc`` without the derived fields: the API document."""
    lesson = dict(doc)
    metrics = doc.get("metrics")
    if isinstance(metrics, dict):
        prefix = "metrics."
        lesson["metrics"] = {
            key: value for key, value in metrics.items() if prefix + key not in DERIVED_FROM
        }
    return lesson


def is_complete_for_approval(lesson: dict) -> list[str]:
    """The names among root_cause, solution, prevention that are missing, empty or blank."""
    missing = []
    for name in APPROVAL_REQUIRED_FIELDS:
        value = lesson.get(name)
        if not isinstance(value, str) or not value.strip():
            missing.append(name)
    return missing
