"""Search-as-you-type suggestions: lesson titles, components and tags for a typed prefix.

One request: the titles are the hits of a `bool_prefix` multi_match over `title.suggest` and its
shingle fields (folded, so `reversao` finds `reversão`), one hit per distinct title (collapsed on
`title.raw`); components and tags are terms aggregations whose `include` regex keeps the
values starting with the prefix, then those with a later word starting with it (`check` finds
`health_check`), counted by the engine over the selected lessons (a `global` aggregation
re-applying the filters, so the title query does not narrow them).
"""

from __future__ import annotations

import re
import unicodedata

from opensearchpy import OpenSearch

from llsearch.engine.filters import LENIENT, LessonFilter, filter_clauses, filter_query, search_indices
from llsearch.engine.names import IndexNames

TITLE_FIELDS = ["title.suggest", "title.suggest._2gram", "title.suggest._3gram"]
MAX_SUGGESTIONS = 20
# One index per month is one shard per month: without global term statistics the same title
# scores differently in each month and an exact match can rank below a longer title.
DFS = {"search_type": "dfs_query_then_fetch"}
MAX_PREFIX = 100
# Components and tags are lower-case identifiers: words of letters and digits joined by these.
WORD_SEPARATORS = "_-."
_SPLIT = re.compile(r"[\s_.\-]+")
_WORD = re.compile(r"[a-z0-9]+")
_SEPARATOR = "[" + "".join("\\" + char for char in WORD_SEPARATORS) + "]"
# Longer prefixes cannot start an identifier (components have at most 64 characters) or are
# hardly one word of it. A pattern with a free beginning costs the engine per shard (one shard
# per month), more the longer its literal and the freer its beginning: so later words are the
# second or third one, and `.*` (not a character class) ends each pattern, the engine's fast
# path for prefixes.
MAX_VALUE_PREFIX = 64
MAX_WORD_PREFIX = 15


def fold(text: str) -> str:
    """Lower case without accents: the spelling components and tags are written in."""
    decomposed = unicodedata.normalize("NFKD", text.strip().lower())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def prefix_patterns(prefix: str) -> tuple[str | None, str | None] | None:
    """Lucene regexes for component and tag values: those starting with `prefix`, and those whose
    second or third word starts with it (`check` finds `health_check`; one-word prefixes only).
    Spaces and separators in the prefix match any separator (`health ch` finds
    `health_check`). None when no identifier can match (nothing left after folding, or
    characters identifiers never contain), so the engine is not asked."""
    words = [word for word in _SPLIT.split(fold(prefix)) if word]
    if not words or not all(_WORD.fullmatch(word) for word in words):
        return None
    literal = _SEPARATOR.join(words)
    length = len("_".join(words))
    starts = f"{literal}.*" if length <= MAX_VALUE_PREFIX else None
    later = f"([a-z0-9]*{_SEPARATOR}){{1,2}}{literal}.*" if len(words) == 1 and length <= MAX_WORD_PREFIX else None
    return (starts, later) if starts or later else None


def _terms(field: str, pattern: str, limit: int) -> dict:
    return {"terms": {"field": field, "size": limit, "include": pattern,
                      "order": [{"_count": "desc"}, {"_key": "asc"}]}}


def _matching_values(field: str, patterns: tuple[str | None, str | None] | None, limit: int) -> dict:
    """Values of `field` starting with the prefix, and (after them) values with a later word
    starting with it. `include` filters the field's terms once per shard (a `regexp` query to
    skip lessons would cost more than it saves)."""
    if patterns is None:
        return {"filter": {"match_none": {}}}
    aggs = {name: _terms(field, pattern, limit) for name, pattern in zip(("starts", "later"), patterns) if pattern}
    return {"filter": {"match_all": {}}, "aggs": aggs}


def suggest_body(prefix: str, selection: LessonFilter, limit: int = 5) -> dict:
    if not 1 <= limit <= MAX_SUGGESTIONS:
        raise ValueError(f"limit must be 1..{MAX_SUGGESTIONS}, got {limit}")
    if not prefix.strip() or len(prefix) > MAX_PREFIX:
        raise ValueError(f"the prefix must have 1..{MAX_PREFIX} characters, not only spaces")
    patterns = prefix_patterns(prefix)
    return {
        "size": limit,
        "track_total_hits": False,
        "query": {"bool": {
            "must": [{"multi_match": {"query": prefix, "type": "bool_prefix", "fields": TITLE_FIELDS}}],
            "filter": filter_clauses(selection),
        }},
        "collapse": {"field": "title.raw"},
        "sort": ["_score", {"timestamp_created": "desc"}],
        "_source": ["id", "title"],
        "aggs": {"everything": {"global": {}, "aggs": {"selected": {"filter": filter_query(selection), "aggs": {
            "components": _matching_values("component", patterns, limit),
            "tags": _matching_values("tags", patterns, limit),
        }}}}},
    }


def _values(agg: dict, limit: int) -> list[dict]:
    """Values starting with the prefix first, then those with a later word starting with it."""
    buckets = {}
    for name in ("starts", "later"):
        for bucket in agg.get(name, {}).get("buckets", []):
            buckets.setdefault(bucket["key"], bucket["doc_count"])
    return [{"key": key, "count": count} for key, count in buckets.items()][:limit]


def shape_suggest(answer: dict, limit: int) -> dict:
    selected = answer["aggregations"]["everything"]["selected"]
    return {
        "titles": [{"id": hit["_source"]["id"], "title": hit["_source"]["title"]} for hit in answer["hits"]["hits"]],
        "components": _values(selected["components"], limit),
        "tags": _values(selected["tags"], limit),
    }


def suggest(client: OpenSearch, names: IndexNames, prefix: str, selection: LessonFilter, limit: int = 5) -> dict:
    """`{"titles": [{"id", "title"}], "components": [{"key", "count"}], "tags": [{"key", "count"}]}`."""
    body = suggest_body(prefix, selection, limit)
    answer = client.search(index=search_indices(names, selection), body=body, params={**LENIENT, **DFS})
    return shape_suggest(answer, limit)

