"""One search request — filters, free text, sort, page — as one engine query with its facets."""

from __future__ import annotations

from dataclasses import dataclass

from opensearchpy import OpenSearch

from llsearch.engine.filters import LENIENT, LessonFilter, filter_clauses, search_indices
from llsearch.engine.names import IndexNames
from llsearch.engine.text_query import highlight_request, merge_highlights, parse_text, text_clauses
from llsearch.model.enums import CATEGORIES, SEVERITIES
from llsearch.engine.codec import PLAIN, DocumentCodec

SEVERITY_RANK = {name: rank for rank, name in enumerate(SEVERITIES)}  # CRITICAL first
TIEBREAK = {"id": "asc"}

SORTS = {
    "relevance": [{"_score": "desc"}, {"timestamp_created": "desc"}, TIEBREAK],
    "-timestamp_created": [{"timestamp_created": "desc"}, TIEBREAK],
    "timestamp_created": [{"timestamp_created": "asc"}, TIEBREAK],
    "-updated_at": [{"updated_at": "desc"}, TIEBREAK],
    "updated_at": [{"updated_at": "asc"}, TIEBREAK],
    "severity": [
        {"_script": {"type": "number", "order": "asc", "script": {
            "lang": "painless", "source": "params.rank[doc['severity'].value]", "params": {"rank": SEVERITY_RANK}}}},
        {"timestamp_created": "desc"}, TIEBREAK,
    ],
}
FACET_SIZES = {"component": 20, "tags": 20}


@dataclass(frozen=True)
class SearchRequest:
    selection: LessonFilter
    text: str | None = None
    sort: str | None = None
    page_size: int = 20
    after: list | None = None

    @property
    def sort_key(self) -> str:
        """The sort in force: relevance with free text, newest first without."""
        parsed = parse_text(self.text) if self.text else None
        return self.sort or ("relevance" if parsed and not parsed.empty else "-timestamp_created")


@dataclass(frozen=True)
class SearchPage:
    total: int
    items: list[dict]
    next_after: list | None
    facets: dict


def build_search_body(request: SearchRequest) -> dict:
    """The engine query body for a search request (pure, so it can be checked as data)."""
    must, must_not = (text_clauses(parse_text(request.text)) if request.text else ([], []))
    query = {"bool": {"filter": filter_clauses(request.selection), "must": must, "must_not": must_not}}
    body = {
        "query": query,
        "sort": SORTS[request.sort_key],
        "size": request.page_size + 1,  # one more than shown tells whether another page exists
        "track_total_hits": True,
        "aggs": {
            "category": {"terms": {"field": "category", "size": len(CATEGORIES)}},
            "severity": {"terms": {"field": "severity", "size": len(SEVERITIES)}},
            **{name: {"terms": {"field": name, "size": size}} for name, size in FACET_SIZES.items()},
        },
    }
    if must:
        body["highlight"] = highlight_request()
    if request.after:
        body["search_after"] = request.after
    return body


def _facets(aggregations: dict) -> dict:
    def counts(name: str) -> dict:
        return {bucket["key"]: bucket["doc_count"] for bucket in aggregations[name]["buckets"]}

    return {
        "category": {**dict.fromkeys(CATEGORIES, 0), **counts("category")},
        "severity": {**dict.fromkeys(SEVERITIES, 0), **counts("severity")},
        **{name: [{"key": b["key"], "count": b["doc_count"]} for b in aggregations[name]["buckets"]]
           for name in FACET_SIZES},
    }


def search_lessons(client: OpenSearch, names: IndexNames, request: SearchRequest,
                   codec: DocumentCodec = PLAIN) -> SearchPage:
    """Run one search; `next_after` is None on the last page."""
    body = build_search_body(request)
    answer = client.search(index=search_indices(names, request.selection), body=body, params=LENIENT)
    hits = answer["hits"]["hits"]
    more = len(hits) > request.page_size
    hits = hits[:request.page_size]
    items = []
    for hit in hits:
        lesson = codec.decode(hit["_source"])
        if "highlight" in body:
            lesson["highlight"] = merge_highlights(hit)
        items.append(lesson)
    total = answer["hits"]["total"]["value"]
    next_after = hits[-1]["sort"] if more else None
    aggregations = answer.get("aggregations")
    facets = _facets(aggregations) if aggregations else _facets(_EMPTY_AGGS)
    return SearchPage(total=total, items=items, next_after=next_after, facets=facets)


_EMPTY_AGGS = {name: {"buckets": []} for name in ("category", "severity", *FACET_SIZES)}
