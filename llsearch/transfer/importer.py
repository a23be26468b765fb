"""Run an import: validate streamed records, give ids to those without, bulk-write, report each one.

The pipeline is a generator: records are read, validated and handed to `BulkWriter` chunk by
chunk, so memory holds one chunk (plus one small result per record), not the whole import.
Records that carry an id are written first; `BulkWriter` then raises each day's counter past
the ids it stored. Only then are records without an id settled: one that is a stored lesson
(same title and creation time, see `identity`) takes its id, so re-importing an id-less file
changes nothing; the others get fresh numbers of their `timestamp_created` day, which can never
collide with an id the same import carries. Id-less records wait in memory until then.
A lesson whose id is already stored in another month than that of its `timestamp_created` is
rejected rather than stored a second time.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Callable, Iterable, Iterator

from opensearchpy import OpenSearch

from llsearch.engine import counters
from llsearch.engine.bulk import BulkReport, BulkWriter, chunks
from llsearch.engine.codec import DocumentCodec
from llsearch.engine.names import IndexNames
from llsearch.model.dates import format_datetime, utc_day
from llsearch.model.ids import format_lesson_id
from llsearch.transfer.identity import StoredMatcher, describe_key, identity_key
from llsearch.transfer.items import Notice, Origin, RawRecord, Rejection, SourceItem
from llsearch.transfer.layout import month_of
from llsearch.transfer.records import Candidate, IdRegistry, RecordValidator

OUTCOMES = ("created", "updated", "unchanged", "rejected")
DRY_RUN_OUTCOMES = ("valid", "rejected")
_PENDING = "pending"


@dataclass
class RecordResult:
    """The fate of one record (or of one rejected file) of an import."""

    origin: Origin
    id: str | None
    outcome: str
    reason: str | None = None
    errors: dict | None = None

    @classmethod
    def rejected(cls, rejection: Rejection) -> "RecordResult":
        return cls(rejection.origin, rejection.id, "rejected", rejection.reason, rejection.errors)

    def reject(self, reason: str, errors: dict | None = None) -> None:
        self.outcome, self.reason, self.errors = "rejected", reason, errors


@dataclass
class ImportReport:
    """Every record's result in input order, and the notices met on the way."""

    dry_run: bool = False
    results: list[RecordResult] = field(default_factory=list)
    notices: list[Notice] = field(default_factory=list)

    @property
    def counts(self) -> dict[str, int]:
        found = Counter(result.outcome for result in self.results)
        return {outcome: found.get(outcome, 0) for outcome in (DRY_RUN_OUTCOMES if self.dry_run else OUTCOMES)}

    @property
    def rejections(self) -> list[RecordResult]:
        return [result for result in self.results if result.outcome == "rejected"]


class Importer:
    """Imports lessons into the store behind `names`; `clock` gives the import time (tests pin it).

    `codec` is the store's document codec (encryption of sensitive fields), as the repository uses.
    """

    def __init__(self, client: OpenSearch | None, names: IndexNames, clock: Callable[[], datetime], *,
                 codec: DocumentCodec | None, dry_run: bool = False, chunk_size: int = 500):
        # No default codec on purpose: a forgotten one would store sensitive fields in clear.
        if (client is None or codec is None) and not dry_run:
            raise ValueError("an engine client and the store's codec are needed unless dry_run")
        self.client, self.names, self.clock, self.codec = client, names, clock, codec
        self.dry_run, self.chunk_size = dry_run, chunk_size

    def run(self, items: Iterable[SourceItem], progress: Callable[[int], None] | None = None) -> ImportReport:
        """Import every record of `items`; `progress(n)` after each written chunk of n lessons."""
        report = ImportReport(dry_run=self.dry_run)
        run = _Run(report, RecordValidator(format_datetime(self.clock())))
        if self.dry_run:
            for _ in run.candidates(items):
                pass
            for result in report.results:
                if result.outcome == _PENDING:
                    result.outcome = "valid"
            return report
        writer = BulkWriter(self.client, self.names, chunk_size=self.chunk_size, codec=self.codec)
        run.settle(writer.write(self._in_place(run.candidates(items), run), progress))
        if run.deferred:
            ready, assigned = self._identify(run)
            run.settle(writer.write(ready, progress))
            self._give_back_unused(run, assigned)
        for result in report.results:
            if result.outcome == _PENDING:
                result.reject("the engine gave no answer for this lesson; import it again")
        return report

    def _in_place(self, lessons: Iterable[dict], run: "_Run") -> Iterator[dict]:
        """The lessons that are new or stored in the month they would be written to.

        The writer looks a lesson up in the month of its `timestamp_created`; one whose stored
        copy sits in another month would be stored twice, so it is rejected instead.
        """
        for chunk in chunks(lessons, self.chunk_size):
            stored = self._stored_months([lesson["id"] for lesson in chunk])
            for lesson in chunk:
                month, target = stored.get(lesson["id"]), month_of(lesson)
                if month is not None and month != target:
                    run.by_id[lesson["id"]].reject(
                        f"already stored in the month {month}, but its timestamp_created is in {target}: "
                        "an import does not move a lesson to another month (delete the stored one first)")
                    continue
                yield lesson

    def _stored_months(self, ids: list[str]) -> dict[str, str | None]:
        answer = self.client.search(
            index=f"{self.names.lessons},{self.names.archive}",
            body={"query": {"ids": {"values": ids}}, "_source": False, "size": len(ids)},
            ignore_unavailable=True, allow_no_indices=True,
        )
        return {hit["_id"]: self.names.month_of(hit["_index"]) for hit in answer["hits"]["hits"]}

    def _identify(self, run: "_Run") -> tuple[list[dict], dict[str, tuple[date, int]]]:
        """Give each id-less lesson the id of the stored lesson it is, or the next number of its day.

        Returns the lessons to write and the numbers newly handed out (by id).
        """
        matcher = StoredMatcher(self.client, self.names, self.codec)
        ready, assigned, seen = [], {}, {}
        for candidate, result in run.deferred:
            lesson, given = candidate.lesson, candidate.timestamp_given
            key = identity_key(lesson, given)
            if key in seen:
                result.reject(f"the same lesson as {seen[key]} (same {describe_key(given)}); give each an id")
                continue
            seen[key] = candidate.origin
            found = matcher.matches(lesson, given)
            if len(found) > 1:
                ids = ", ".join(doc["id"] for doc in found)
                result.reject(f"stored lessons {ids} all have its {describe_key(given)}; give it an id to say which")
                continue
            if found:
                lesson_id = found[0]["id"]
                lesson["timestamp_created"] = found[0]["timestamp_created"]
                duplicate = run.registry.claim(lesson_id, candidate.origin)
                if duplicate:
                    result.id = lesson_id
                    result.reject(duplicate.reason)
                    continue
            else:
                day = utc_day(lesson["timestamp_created"])
                number = counters.next_number(self.client, self.names, day)
                lesson_id = format_lesson_id(day, number)
                assigned[lesson_id] = (day, number)
            lesson["id"] = result.id = lesson_id
            run.by_id[lesson_id] = result
            ready.append(lesson)
        return ready, assigned

    def _give_back_unused(self, run: "_Run", assigned: dict[str, tuple[date, int]]) -> None:
        """Numbers handed out for lessons the engine refused go back, when nothing came after them."""
        failed = [assigned[result.id] for _, result in run.deferred
                  if result.outcome == "rejected" and result.id in assigned]
        for day, number in sorted(failed, reverse=True):
            counters.give_back(self.client, self.names, day, number)


class _Run:
    """The state of one import: results by id, and the valid records still waiting for an id."""

    def __init__(self, report: ImportReport, validator: RecordValidator):
        self.report, self.validator = report, validator
        self.registry = IdRegistry()
        self.by_id: dict[str, RecordResult] = {}
        self.deferred: list[tuple[Candidate, RecordResult]] = []

    def candidates(self, items: Iterable[SourceItem]) -> Iterator[dict]:
        """The valid lessons that carry an id, recording everything else on the way."""
        report = self.report
        for item in items:
            if isinstance(item, Notice):
                report.notices.append(item)
                continue
            if isinstance(item, Rejection):
                report.results.append(RecordResult.rejected(item))
                continue
            checked = self.validator.validate(item)
            if isinstance(checked, Rejection):
                report.results.append(RecordResult.rejected(checked))
                continue
            lesson = self._accept(item, checked)
            if lesson is not None:
                yield lesson

    def _accept(self, record: RawRecord, candidate: Candidate) -> dict | None:
        notice = self.validator.id_notice(record, candidate)
        if notice:
            self.report.notices.append(notice)
        lesson_id = candidate.lesson.get("id")
        result = RecordResult(candidate.origin, lesson_id, _PENDING)
        self.report.results.append(result)
        if lesson_id is None:
            self.deferred.append((candidate, result))
            return None
        duplicate = self.registry.claim(lesson_id, candidate.origin)
        if duplicate:
            result.reject(duplicate.reason)
            return None
        self.by_id[lesson_id] = result
        return candidate.lesson

    def settle(self, bulk: BulkReport) -> None:
        for outcome in bulk.outcomes:
            result = self.by_id.get(outcome.id)
            if result is None:
                continue
            if outcome.result == "failed":
                result.reject(f"the engine refused it: {outcome.reason}")
            else:
                result.outcome = outcome.result
