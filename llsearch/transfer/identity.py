"""Which stored lesson a record without an id is, so importing the same id-less file twice is a no-op.

A record without `id` (a hand-written Markdown file, say) is the stored lesson with the same
`title` and `timestamp_created`; when the record has no `timestamp_created` either, the one with
the same `title`, `component` and `situation`. No match: a new lesson. Several: ambiguous, and
the record is rejected rather than guessed.
"""

from __future__ import annotations

from opensearchpy import OpenSearch

from llsearch.engine.codec import DocumentCodec
from llsearch.engine.names import IndexNames

_MAX_MATCHES = 20


def identity_key(lesson: dict, timestamp_given: bool) -> tuple:
    """What makes two id-less records the same lesson (see the module docstring)."""
    if timestamp_given:
        return ("created", lesson["title"], lesson["timestamp_created"])
    return ("content", lesson["title"], lesson["component"], lesson["situation"])


def describe_key(timestamp_given: bool) -> str:
    return "title and timestamp_created" if timestamp_given else "title, component and situation"


class StoredMatcher:
    """Finds the stored lessons an id-less record may be."""

    def __init__(self, client: OpenSearch, names: IndexNames, codec: DocumentCodec):
        self.client, self.names, self.codec = client, names, codec

    def matches(self, lesson: dict, timestamp_given: bool) -> list[dict]:
        """The stored lessons (API documents) with the record's identity, by id."""
        filters = [{"term": {"title.raw": lesson["title"]}}]
        if timestamp_given:
            filters.append({"term": {"timestamp_created": lesson["timestamp_created"]}})
        else:
            filters.append({"term": {"component": lesson["component"]}})
        answer = self.client.search(
            index=f"{self.names.lessons},{self.names.archive}",
            body={"query": {"bool": {"filter": filters}}, "size": _MAX_MATCHES, "sort": [{"id": "asc"}]},
            ignore_unavailable=True, allow_no_indices=True,
        )
        key = identity_key(lesson, timestamp_given)
        # The engine narrows down; exact equality (situation is text, dates have ms precision) is checked here.
        stored = [self.codec.decode(hit["_source"]) for hit in answer["hits"]["hits"]]
        return [doc for doc in stored if identity_key(doc, timestamp_given) == key]
