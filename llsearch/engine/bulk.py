"""Bulk storage of lessons that already have ids (import, demo data): idempotent and reported.

Chunks are pipelined: while the engine indexes up to `in_flight` chunks, this thread reads,
compares and encodes the next one. One request in flight leaves the engine idle during all the
client-side work; two keep both sides busy (measured in bench/ and docs/performance.md).
"""

from __future__ import annotations

from collections import Counter, deque
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
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
    """Counts and failures always; every outcome only when `keep_outcomes` (an import reports each
    record; a demo load of millions needs the counts, not a million objects in memory)."""

    keep_outcomes: bool = True
    outcomes: list[BulkOutcome] = field(default_factory=list)
    failed: list[BulkOutcome] = field(default_factory=list)
    _counts: Counter = field(default_factory=Counter)

    def add(self, outcome: BulkOutcome) -> None:
        self._counts[outcome.result] += 1
        if outcome.result == "failed":
            self.failed.append(outcome)
        if self.keep_outcomes:
            self.outcomes.append(outcome)

    @property
    def counts(self) -> dict[str, int]:
        return dict(self._counts)


_RESULTS = {"create": "created", "index": "updated"}


class BulkWriter:
    """Streams lessons into their creation months and keeps the per-day id counters ahead.

    Each chunk is compared with what is stored (one multi-get): unchanged lessons are skipped, so
    importing the same data twice writes nothing and leaves every version number where it was;
    new ones are created, changed ones replaced (compare-and-set on the read sequence number).
    A chunk holding an id still in flight waits for it, so the comparison always sees it stored.
    """

    def __init__(self, client: OpenSearch, names: IndexNames, chunk_size: int = 500,
                 codec: DocumentCodec = PLAIN, in_flight: int = 2):
        self.client = client
        self.names = names
        self.codec = codec
        self.chunk_size = chunk_size
        self.in_flight = max(1, in_flight)
        # Month key -> its index creation; a chunk is sent only once its months are ready.
        self._months: dict[str, Future] = {}
        self._creator: ThreadPoolExecutor | None = None

    def _month_ready(self, created: datetime) -> tuple[str, Future]:
        """The month key of a moment and its index creation, started (once, off this thread) if new."""
        key = f"{created.year:04d}-{created.month:02d}"
        ready = self._months.get(key)
        if ready is None or (ready.done() and ready.exception() is not None):  # a failed one is retried
            ready = self._months[key] = self._creator.submit(ensure_month_index, self.client, self.names, created)
        return key, ready

    def _month_alias(self, lesson: dict, needed: dict[str, Future]) -> str:
        """The month alias of a lesson, noting the creation its chunk must wait for."""
        key, needed[key] = self._month_ready(parse_datetime(lesson["timestamp_created"]))
        return self.names.month_alias(key)

    def _stored_versions(self, targets: list[tuple[str, dict]]) -> list[dict | None]:
        docs = [{"_index": alias, "_id": lesson["id"]} for alias, lesson in targets]
        answer = self.client.mget(body={"docs": docs})
        return [found if found.get("found") else None for found in answer["docs"]]

    def _actions(self, chunk: list[dict], report: BulkReport, needed: dict[str, Future]) -> list[dict]:
        # A month being created has nothing stored yet: the multi-get answers "not found".
        targets = [(self._month_alias(lesson, needed), lesson) for lesson in chunk]
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
                report.add(BulkOutcome(lesson["id"], "unchanged"))
                continue
            actions.append({"_op_type": "index", "_index": found["_index"], "_id": lesson["id"],
                            "if_seq_no": found["_seq_no"], "if_primary_term": found["_primary_term"],
                            "_source": {**doc, "version": (found["_source"].get("version") or 0) + 1}})
        return actions

    def _send(self, actions: list[dict], months: list[Future]) -> list[BulkOutcome]:
        """One chunk to the engine (run on a sender thread); retries what the engine pushed back.

        Waits for the chunk's month indices first: a write to a missing alias would otherwise
        auto-create a plain index under the alias's name.
        """
        outcomes: list[BulkOutcome] = []
        for ready in months:
            ready.result()
        if not actions:
            return outcomes
        results = helpers.streaming_bulk(
            self.client, actions, chunk_size=len(actions), raise_on_error=False,
            raise_on_exception=False, max_retries=3, initial_backoff=1,
        )
        for ok, item in results:
            op, answer = next(iter(item.items()))
            if ok:
                outcomes.append(BulkOutcome(answer["_id"], _RESULTS[op]))
            else:
                error = answer.get("error")
                reason = error.get("reason", str(error)) if isinstance(error, dict) else str(error)
                outcomes.append(BulkOutcome(answer.get("_id", "?"), "failed", reason))
        return outcomes

    def write(self, lessons: Iterable[dict], progress: Callable[[int], None] | None = None,
              months: Iterable[datetime] = (), keep_outcomes: bool = True) -> BulkReport:
        """Store every lesson; `progress(n)` is called after each chunk with its size.

        `months`, when the caller knows them (any moment in each month), has every month index made
        ahead, beside the writing: making one takes the engine ~80 ms, one after the other.
        `keep_outcomes=False` keeps counts and failures only, so memory stays flat at any size.
        """
        report = BulkReport(keep_outcomes=keep_outcomes)
        highest: dict = {}
        pending: deque[_Pending] = deque()
        in_flight_ids: set[str] = set()

        def settle_oldest() -> None:
            done = pending.popleft()
            for outcome in done.future.result():
                report.add(outcome)
            in_flight_ids.difference_update(done.ids)
            if progress:
                progress(done.size)

        with ThreadPoolExecutor(self.in_flight, thread_name_prefix="llsearch-bulk") as senders, \
                ThreadPoolExecutor(1, thread_name_prefix="llsearch-months") as self._creator:
            for moment in months:
                self._month_ready(moment)
            try:
                for chunk in chunks(lessons, self.chunk_size):
                    ids = [lesson["id"] for lesson in chunk]
                    for lesson_id in ids:
                        day, number = parse_lesson_id(lesson_id)
                        highest[day] = max(highest.get(day, 0), number)
                    while pending and in_flight_ids.intersection(ids):
                        settle_oldest()
                    needed: dict[str, Future] = {}
                    actions = self._actions(chunk, report, needed)
                    pending.append(_Pending(senders.submit(self._send, actions, list(needed.values())),
                                            ids, len(chunk)))
                    in_flight_ids.update(ids)
                    while len(pending) >= self.in_flight + 1:
                        settle_oldest()
            finally:
                # Everything sent is settled even when reading the input failed part way.
                while pending:
                    settle_oldest()
        counters.raise_all(self.client, self.names, highest)
        self.client.indices.refresh(index=self.names.lessons)
        return report


@dataclass
class _Pending:
    future: Future
    ids: list[str]
    size: int


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
