"""Dashboard statistics of CONTRACT §3.2: lessons by category and the components with most lessons.

Every number is an aggregation computed by the engine over the lessons a `LessonFilter` selects;
Python only reshapes the buckets (zero-filling absent keys). The trend, action-item and MTTR
statistics live in `stats_trend`, `stats_actions` and `stats_mttr`; they share `run_stats` here.
Each statistic has a pure body builder (unit-tested as data), a pure shaper and a runner.
"""

from __future__ import annotations

from opensearchpy import OpenSearch

from llsearch.engine.filters import LENIENT, LessonFilter, filter_query, search_indices
from llsearch.engine.names import IndexNames
from llsearch.model.enums import CATEGORIES

# Per-shard candidates for `terms` over components: far above any realistic number of distinct
# components, so the top list is exact (each monthly index is a shard; with fewer candidates a
# component could be cut per shard and undercounted).
COMPONENT_SHARD_SIZE = 5000
MAX_TOP_COMPONENTS = 100


def run_stats(client: OpenSearch, names: IndexNames, selection: LessonFilter, body: dict) -> dict:
    """Run an aggregation body over the indices of `selection` (live months, and archived ones
    when asked); tolerant of absent aliases."""
    return client.search(index=search_indices(names, selection), body=body, params=LENIENT)


def aggregation_body(selection: LessonFilter, aggs: dict, **extra) -> dict:
    """A `size: 0` search over the selected lessons carrying `aggs`."""
    return {"size": 0, "track_total_hits": True, "query": filter_query(selection), "aggs": aggs, **extra}


def bucket_counts(buckets: list[dict], keys: list[str]) -> dict[str, int]:
    """`{key: doc_count}` for every one of `keys`, in that order, 0 when the engine had no bucket."""
    found = {bucket["key"]: bucket["doc_count"] for bucket in buckets}
    return {key: found.get(key, 0) for key in keys}


def enum_terms(field: str, values: list[str]) -> dict:
    """A terms aggregation over a closed vocabulary: one bucket per known value, exact counts."""
    return {"terms": {"field": field, "size": len(values), "include": list(values)}}


# by_category -------------------------------------------------------------------------------------

def by_category_body(selection: LessonFilter) -> dict:
    return aggregation_body(selection, {"by_category": enum_terms("category", CATEGORIES)})


def shape_by_category(answer: dict) -> dict[str, int]:
    return bucket_counts(answer["aggregations"]["by_category"]["buckets"], CATEGORIES)


def by_category(client: OpenSearch, names: IndexNames, selection: LessonFilter) -> dict[str, int]:
    """`{"TECHNICAL": n, "PROCESS": n, "SECURITY": n, "OPERATIONAL": n}`: every category, 0 when none."""
    return shape_by_category(run_stats(client, names, selection, by_category_body(selection)))


# top_components ----------------------------------------------------------------------------------

def top_components_body(selection: LessonFilter, limit: int) -> dict:
    if not 1 <= limit <= MAX_TOP_COMPONENTS:
        raise ValueError(f"limit must be 1..{MAX_TOP_COMPONENTS}, got {limit}")
    return aggregation_body(selection, {
        "top_components": {
            "terms": {
                "field": "component",
                "size": limit,
                "shard_size": max(COMPONENT_SHARD_SIZE, limit),
                "order": [{"_count": "desc"}, {"_key": "asc"}],
            }
        }
    })


def shape_top_components(answer: dict) -> list[dict]:
    return [
        {"component": bucket["key"], "count": bucket["doc_count"]}
        for bucket in answer["aggregations"]["top_components"]["buckets"]
    ]


def top_components(client: OpenSearch, names: IndexNames, selection: LessonFilter, limit: int = 10) -> list[dict]:
    """The `limit` components with most lessons: `[{"component", "count"}]`, count desc, ties by name."""
    return shape_top_components(run_stats(client, names, selection, top_components_body(selection, limit)))
