"""Bulk storage of lessons that already have ids (import, demo data): idempotent and reported."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Callable, Iterable, Iterator

from opensearchpy import OpenSearch, helpers

from llsearch.engine import counters
from llsearch.engine.codec import PLAIN, DocumentCodec
from llsearch.engine.names import IndexNames
from llsearch.engine.setup import ensure_month_index
from llsearch.model.dates import parse_datetime
from llsearch.model.ids import parse_lesson_id

@dataclass
class BulkOutcome:
    """One record's fate: created, updated, unchanged or failed (with the engine's reason)."""

    id: str
    result: str
    reason: str | None = None


@dataclass
class BulkReport:
    outcomes: list[BulkOutcome] = field(default_factory=list)

    @property
    def counts(self) -> dict[str, int]:
        return dict(Counter(outcome.result for outcome in self.outcomes))

    @property
    def failed(self) -> list[BulkOutcome]:
        return [outcome for outcome in self.outcomes if outcome.result == "failed"]


_RESULTS = {"create": "created", "index": "updated"}


class BulkWriter:
    """Streams lessons into their creation months and keeps the per-day id counters ahead.

    Each chunk is compared with what is stored (one multi-get): unchanged lessons are skipped, so
    importing the same data twice writes nothing and leaves every version number where it was;
    new ones are created, changed ones replaced (compare-and-set on the read sequence number).
    """

    def __init__(self, client: OpenSearch, names: IndexNames, chunk_size: int = 500,
                 codec: DocumentCodec = PLAIN):
        self.client = client
        self.names = names
        self.codec = codec
        self.chunk_size = chunk_size
        self._months: set[str] = set()

    def _month_alias(self, lesson: dict) -> str:
        created = parse_datetime(lesson["timestamp_created"])
        key = f"{created.year:04d}-{created.month:02d}"
        if key not in self._months:
            ensure_month_index(self.client, self.names, created)
            self._months.add(key)
        return self.names.month_alias(key)

    def _stored_versions(self, targets: list[tuple[str, dict]]) -> list[dict | None]:
        docs = [{"_index": alias, "_id": lesson["id"]} for alias, lesson in targets]
        answer = self.client.mget(body={"docs": docs})
        return [found if found.get("found") else None for found in answer["docs"]]

    def _actions(self, chunk: list[dict], report: BulkReport) -> list[dict]:
        targets = [(self._month_alias(lesson), lesson) for lesson in chunk]
        actions = []
        for (alias, lesson), found in zip(targets, self._stored_versions(targets)):
            plain = {k: v for k, v in lesson.items() if k != "version"}
            doc = self.codec.encode(plain)
            if found is None:
                actions.append({"_op_type": "create", "_index": alias, "_id": lesson["id"],
                                "_source": {**doc, "version": lesson.get("version") or 1}})
                continue
            # Compare plain forms: encryption is randomised, the same secret never encrypts alike.
            current = {k: v for k, v in self.codec.decode(found["_source"]).items() if k != "version"}
            if current == plain:
                report.outcomes.append(BulkOutcome(lesson["id"], "unchanged"))
                continue
            actions.append({"_op_type": "index", "_index": found["_index"], "_id": lesson["id"],
                            "if_seq_no": found["_seq_no"], "if_primary_term": found["_primary_term"],
                            "_source": {**doc, "version": (found["_source"].get("version") or 0) + 1}})
        return actions

    def _send(self, actions: list[dict], report: BulkReport) -> None:
        if not actions:
            return
        results = helpers.streaming_bulk(
            self.client, actions, chunk_size=len(actions), raise_on_error=False,
            raise_on_exception=False, max_retries=3, initial_backoff=1,
        )
        for ok, item in results:
            op, answer = next(iter(item.items()))
            if ok:
                report.outcomes.append(BulkOutcome(answer["_id"], _RESULTS[op]))
            else:
                error = answer.get("error")
                reason = error.get("reason", str(error)) if isinstance(error, dict) else str(error)
                report.outcomes.append(BulkOutcome(answer.get("_id", "?"), "failed", reason))

    def write(self, lessons: Iterable[dict], progress: Callable[[int], None] | None = None) -> BulkReport:
        """Store every lesson; `progress(n)` is called after each chunk with its size."""
        report = BulkReport()
        highest: dict = {}
        for chunk in chunks(lessons, self.chunk_size):
            for lesson in chunk:
                day, number = parse_lesson_id(lesson["id"])
                highest[day] = max(highest.get(day, 0), number)
            self._send(self._actions(chunk, report), report)
            if progress:
                progress(len(chunk))
        for day, number in highest.items():
            counters.raise_to(self.client, self.names, day, number)
        self.client.indices.refresh(index=self.names.lessons)
        return report


def chunks(items: Iterable[dict], size: int) -> Iterator[list[dict]]:
    """Consecutive lists of at most `size` items, streamed."""
    chunk: list[dict] = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk
