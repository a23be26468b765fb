"""Rewrite every stored lesson through a function, with compare-and-set (key rotation, migrations)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from opensearchpy import OpenSearch, helpers

from llsearch.engine.filters import LENIENT
from llsearch.engine.names import IndexNames


@dataclass
class RewriteReport:
    scanned: int = 0
    rewritten: int = 0
    failed: int = 0


def rewrite_lessons(client: OpenSearch, names: IndexNames, change: Callable[[dict], dict],
                    chunk_size: int = 500) -> RewriteReport:
    """Apply `change` to each stored document of the live months; write back only what changed."""
    report = RewriteReport()

    def actions():
        for hit in helpers.scan(client, index=names.lessons, query={"query": {"match_all": {}}},
                                seq_no_primary_term=True, size=chunk_size, **LENIENT):
            report.scanned += 1
            changed = change(hit["_source"])
            if changed != hit["_source"]:
                yield {"_op_type": "index", "_index": hit["_index"], "_id": hit["_id"], "_source": changed,
                       "if_seq_no": hit["_seq_no"], "if_primary_term": hit["_primary_term"]}

    for ok, _ in helpers.streaming_bulk(client, actions(), chunk_size=chunk_size, raise_on_error=False):
        if ok:
            report.rewritten += 1
        else:
            report.failed += 1
    client.indices.refresh(index=names.lessons, **LENIENT)
    return report
