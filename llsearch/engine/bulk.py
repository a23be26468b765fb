"""Bulk storage of lessons that already have ids (import, demo data): idempotent and reported."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Callable, Iterable, Iterator

from opensearchpy import OpenSearch, helpers

from llsearch.engine import counters
from llsearch.engine.names import IndexNames
from llsearch.engine.setup import ensure_month_index
from llsearch.model.dates import parse_datetime
from llsearch.model.ids import parse_lesson_id
from llsearch.model.stored import to_stored

# Replace the stored lesson only when it differs (the revision number aside), so importing the
# same data twice is a no-op in the engine and leaves every version number where it was.
_REPLACE_IF_CHANGED = """
Map current = new HashMap(ctx._source);
current.remove('version');
if (current.equals(params.doc)) { ctx.op = 'noop'; return; }
long version = ctx._source.containsKey('version') && ctx._source.version != null ? ctx._source.version : 0;
ctx._source.clear();
ctx._source.putAll(params.doc);
ctx._source.version = version + 1;
"""


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


_RESULTS = {"created": "created", "updated": "updated", "noop": "unchanged"}


class BulkWriter:
    """Streams lessons into their creation months and keeps the per-day id counters ahead."""

    def __init__(self, client: OpenSearch, names: IndexNames, chunk_size: int = 500):
        self.client = client
        self.names = names
        self.chunk_size = chunk_size
        self._months: set[str] = set()

    def _actions(self, lessons: Iterable[dict], highest: dict) -> Iterator[dict]:
        for lesson in lessons:
            created = parse_datetime(lesson["timestamp_created"])
            key = f"{created.year:04d}-{created.month:02d}"
            if key not in self._months:
                ensure_month_index(self.client, self.names, created)
                self._months.add(key)
            day, number = parse_lesson_id(lesson["id"])
            highest[day] = max(highest.get(day, 0), number)
            doc = {k: v for k, v in to_stored(lesson).items() if k != "version"}
            yield {
                "_op_type": "update",
                "_index": self.names.month_alias(key),
                "_id": lesson["id"],
                "script": {"source": _REPLACE_IF_CHANGED, "lang": "painless", "params": {"doc": doc}},
                "upsert": {**doc, "version": lesson.get("version") or 1},
            }

    def write(self, lessons: Iterable[dict], progress: Callable[[int], None] | None = None) -> BulkReport:
        """Store every lesson; `progress(n)` is called after each chunk with its size."""
        report = BulkReport()
        highest: dict = {}
        results = helpers.streaming_bulk(
            self.client, self._actions(lessons, highest), chunk_size=self.chunk_size,
            raise_on_error=False, raise_on_exception=False, max_retries=3, initial_backoff=1,
        )
        done = 0
        for ok, item in results:
            answer = item["update"]
            if ok:
                report.outcomes.append(BulkOutcome(answer["_id"], _RESULTS.get(answer.get("result"), "updated")))
            else:
                error = answer.get("error")
                reason = error.get("reason", str(error)) if isinstance(error, dict) else str(error)
                report.outcomes.append(BulkOutcome(answer.get("_id", "?"), "failed", reason))
            done += 1
            if progress and done % self.chunk_size == 0:
                progress(self.chunk_size)
        if progress and done % self.chunk_size:
            progress(done % self.chunk_size)
        for day, number in highest.items():
            counters.raise_to(self.client, self.names, day, number)
        self.client.indices.refresh(index=self.names.lessons)
        return report
