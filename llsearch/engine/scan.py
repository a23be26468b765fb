"""Reading every stored lesson, live and optionally archived, in id order (export, audits)."""

from __future__ import annotations

from typing import Iterator

from opensearchpy import OpenSearch, helpers

from llsearch.engine.codec import DocumentCodec
from llsearch.engine.names import IndexNames

# A missing archive alias (nothing archived yet) or an empty store is not an error.
_TOLERANT = {"ignore_unavailable": True, "allow_no_indices": True}


def _indices(names: IndexNames, include_archived: bool) -> str:
    return f"{names.lessons},{names.archive}" if include_archived else names.lessons


def count_lessons(client: OpenSearch, names: IndexNames, include_archived: bool = False) -> int:
    """How many lessons `scan_lessons` would yield (before removing duplicates)."""
    answer = client.count(index=_indices(names, include_archived), **_TOLERANT)
    return int(answer["count"])


def scan_lessons(
    client: OpenSearch, names: IndexNames, codec: DocumentCodec, include_archived: bool = False,
    page_size: int = 500,
) -> Iterator[dict]:
    """Every stored lesson as its API document (with `version`, decoded by `codec`), sorted by id.

    A scroll sorted on the `id` keyword keeps memory flat whatever the store holds. A lesson
    seen twice (while a month moves between the live and the archive alias) is yielded once.
    """
    hits = helpers.scan(
        client,
        index=_indices(names, include_archived),
        query={"query": {"match_all": {}}, "sort": [{"id": "asc"}]},
        preserve_order=True,
        size=page_size,
        scroll="5m",
        **_TOLERANT,
    )
    previous = None
    for hit in hits:
        lesson = codec.decode(hit["_source"])
        if lesson.get("id") == previous:
            continue
        previous = lesson.get("id")
        yield lesson
