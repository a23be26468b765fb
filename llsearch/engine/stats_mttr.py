"""Mean time to detect and to resolve: count, average, min, max and percentiles, in seconds.

Computed by the engine from `metrics.time_to_detect_seconds` / `time_to_resolve_seconds` (the
stored copies of the ISO 8601 durations), over the selected lessons and per severity or per
component. Percentiles are the engine's TDigest estimates: approximate, close on large groups.
Values are `null` when no lesson of the group has that metric.
"""

from __future__ import annotations

from opensearchpy import OpenSearch

from llsearch.engine.filters import LessonFilter
from llsearch.engine.names import IndexNames
from llsearch.engine.stats import COMPONENT_SHARD_SIZE, aggregation_body, enum_terms, run_stats
from llsearch.model.enums import SEVERITIES

METRICS = {"time_to_detect": "metrics.time_to_detect_seconds",
           "time_to_resolve": "metrics.time_to_resolve_seconds"}
PERCENTS = (50, 90, 95)
GROUP_BY = ("severity", "component")
MAX_GROUPS = 100


def metric_aggs() -> dict:
    aggs = {}
    for name, field in METRICS.items():
        aggs[f"{name}_stats"] = {"stats": {"field": field}}
        aggs[f"{name}_percentiles"] = {"percentiles": {"field": field, "percents": list(PERCENTS)}}
    return aggs


def group_terms(group_by: str, limit: int) -> dict:
    if group_by == "severity":
        return enum_terms("severity", SEVERITIES)
    if group_by == "component":
        return {"terms": {"field": "component", "size": limit, "shard_size": max(COMPONENT_SHARD_SIZE, limit),
                          "order": [{"_count": "desc"}, {"_key": "asc"}]}}
    raise ValueError(f"unknown group_by {group_by!r}; expected one of {', '.join(GROUP_BY)}")


def mttr_body(selection: LessonFilter, group_by: str = "severity", limit: int = 20) -> dict:
    if not 1 <= limit <= MAX_GROUPS:
        raise ValueError(f"limit must be 1..{MAX_GROUPS}, got {limit}")
    return aggregation_body(selection, {
        **metric_aggs(),
        "groups": {**group_terms(group_by, limit), "aggs": metric_aggs()},
    })


def shape_metrics(aggs: dict) -> dict:
    """`{metric: {count, avg, min, max, p50, p90, p95}}` from one bucket's sub-aggregations."""
    shaped = {}
    for name in METRICS:
        stats = aggs[f"{name}_stats"]
        values = aggs[f"{name}_percentiles"]["values"]
        empty = not stats["count"]
        shaped[name] = {
            "count": stats["count"],
            "avg": stats["avg"],
            "min": stats["min"],
            "max": stats["max"],
            **{f"p{p}": None if empty else values.get(f"{float(p)}") for p in PERCENTS},
        }
    return shaped


def _empty_metrics() -> dict:
    nothing = {"count": 0, "avg": None, "min": None, "max": None, **{f"p{p}": None for p in PERCENTS}}
    return {name: dict(nothing) for name in METRICS}


def shape_mttr(answer: dict, group_by: str) -> dict:
    aggs = answer["aggregations"]
    groups = [{"key": bucket["key"], "lessons": bucket["doc_count"], **shape_metrics(bucket)}
              for bucket in aggs["groups"]["buckets"]]
    if group_by == "severity":
        found = {group["key"]: group for group in groups}
        groups = [found.get(key) or {"key": key, "lessons": 0, **_empty_metrics()} for key in SEVERITIES]
    return {
        "group_by": group_by,
        "overall": {"lessons": answer["hits"]["total"]["value"], **shape_metrics(aggs)},
        "groups": groups,
    }


def mttr(client: OpenSearch, names: IndexNames, selection: LessonFilter, group_by: str = "severity",
         limit: int = 20) -> dict:
    """Detection and resolution times overall and per group (every severity; the `limit`
    components with most lessons, count desc then name)."""
    return shape_mttr(run_stats(client, names, selection, mttr_body(selection, group_by, limit)), group_by)
