"""Percentiles and latency summaries (milliseconds), with no dependency beyond the standard library."""

from __future__ import annotations

import math


def percentile(samples: list[float], q: float) -> float | None:
    """The q-th percentile (0..100) by linear interpolation between closest ranks; None when empty."""
    if not samples:
        return None
    ordered = sorted(samples)
    rank = (len(ordered) - 1) * q / 100.0
    low, high = math.floor(rank), math.ceil(rank)
    if low == high:
        return ordered[low]
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def summary(samples_ms: list[float]) -> dict:
    """Count, p50, p95, p99, mean, min and max of latencies in milliseconds, rounded to 0.01 ms."""
    if not samples_ms:
        return {"n": 0}
    def r(value):
        return None if value is None else round(value, 2)
    return {
        "n": len(samples_ms),
        "p50": r(percentile(samples_ms, 50)),
        "p95": r(percentile(samples_ms, 95)),
        "p99": r(percentile(samples_ms, 99)),
        "mean": r(sum(samples_ms) / len(samples_ms)),
        "min": r(min(samples_ms)),
        "max": r(max(samples_ms)),
    }
