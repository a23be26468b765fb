"""Similar lessons by `more_like_this`: likely duplicates of a stored lesson or of a draft.

Each of the text's fields (title, situation, root cause, solution) is compared with the same
field of other lessons, in its Portuguese and English analyses (accents folded, stems): the
engine picks the text's most distinctive terms (tf-idf) and scores lessons sharing them; the
title counts double. The texts are given as `like` strings, one `more_like_this` per field, so
the stop words below apply (the engine ignores them for artificial documents) and a situation
is never matched against another lesson's title.
"""

from __future__ import annotations

from opensearchpy import OpenSearch

from llsearch.engine.filters import LENIENT, LessonFilter, filter_clauses, search_indices
from llsearch.engine.names import IndexNames

DRAFT_FIELDS = ("title", "situation", "root_cause", "solution")
FIELD_BOOSTS = {"title": 2.0, "situation": 1.0, "root_cause": 1.0, "solution": 1.0}
MAX_DRAFT_CHARS = 20_000
MAX_SIMILAR = 50
# Each text is analysed in both languages, so the Portuguese sub-field keeps English function
# words and the English one Portuguese ones; these never make two lessons alike.
STOP_WORDS = sorted({
    "a", "an", "and", "are", "as", "at", "be", "but", "by", "for", "if", "in", "into", "is", "it", "no",
    "not", "of", "on", "or", "such", "that", "the", "their", "then", "there", "these", "they", "this",
    "to", "was", "will", "with",
    "o", "os", "as", "um", "uma", "de", "do", "da", "dos", "das", "em", "no", "na", "nos", "nas", "por",
    "para", "com", "e", "ou", "que", "se", "ao", "aos", "pelo", "pela", "foi", "nao",
})
# Lessons are short: a term that occurs once in a text and in one other lesson may be the one
# that identifies a duplicate (the engine's defaults, 2 and 5, find nothing on short drafts or
# small collections). `minimum_should_match` keeps one shared common word from matching.
MLT_PARAMETERS = {
    "min_term_freq": 1,
    "min_doc_freq": 1,
    "max_query_terms": 40,
    "min_word_length": 2,
    "minimum_should_match": "30%",
    "stop_words": STOP_WORDS,
}
# Each month is its own index (shard): scores from per-shard term statistics differ by month,
# enough for a copy of a lesson to rank below its month-mates. DFS makes them global.
DFS = {"search_type": "dfs_query_then_fetch"}
RESULT_SOURCE = ["id", "title", "category", "severity", "component"]


def draft_texts(draft: dict) -> dict[str, str]:
    """The non-empty comparable fields of a draft or stored lesson."""
    texts = {name: draft[name].strip()[:MAX_DRAFT_CHARS] for name in DRAFT_FIELDS
             if isinstance(draft.get(name), str) and draft[name].strip()}
    if not texts:
        raise ValueError(f"a draft needs at least one non-empty field of: {', '.join(DRAFT_FIELDS)}")
    return texts


def field_match(name: str, text: str) -> dict:
    return {"more_like_this": {"fields": [f"{name}.pt", f"{name}.en"], "like": [text], **MLT_PARAMETERS,
                               "boost": FIELD_BOOSTS[name]}}


def similar_body(draft: dict, selection: LessonFilter, limit: int = 5, exclude_id: str | None = None) -> dict:
    """Lessons most like `draft`'s texts, best first (ties: newest first), `exclude_id` left out."""
    if not 1 <= limit <= MAX_SIMILAR:
        raise ValueError(f"limit must be 1..{MAX_SIMILAR}, got {limit}")
    query: dict = {"bool": {
        "should": [field_match(name, text) for name, text in draft_texts(draft).items()],
        "minimum_should_match": 1,
        "filter": filter_clauses(selection),
    }}
    if exclude_id:
        query["bool"]["must_not"] = [{"ids": {"values": [exclude_id]}}]
    return {
        "size": limit,
        "track_total_hits": False,
        "query": query,
        "_source": RESULT_SOURCE,
        "sort": ["_score", {"timestamp_created": "desc"}, {"id": "asc"}],
    }


def shape_similar(answer: dict) -> dict:
    return {"items": [
        {**{name: hit["_source"].get(name) for name in RESULT_SOURCE}, "score": round(hit["_score"], 4)}
        for hit in answer["hits"]["hits"]
    ]}


def similar(client: OpenSearch, names: IndexNames, draft: dict, selection: LessonFilter,
            limit: int = 5, exclude_id: str | None = None) -> dict:
    """`{"items": [{"id", "title", "category", "severity", "component", "score"}]}`, best first.
    For a stored lesson, pass the lesson as `draft` and its id as `exclude_id`."""
    body = similar_body(draft, selection, limit, exclude_id)
    answer = client.search(index=search_indices(names, selection), body=body, params={**LENIENT, **DFS})
    return shape_similar(answer)
