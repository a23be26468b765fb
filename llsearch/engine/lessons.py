"""Lesson documents in the engine: create with a fresh id, read, compare-and-set replace, delete."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from opensearchpy import OpenSearch
from opensearchpy.exceptions import AuthorizationException, ConflictError, NotFoundError, TransportError

from llsearch.engine import counters
from llsearch.engine.codec import PLAIN, DocumentCodec
from llsearch.engine.names import IndexNames
from llsearch.engine.setup import ensure_month_index
from llsearch.model.ids import format_lesson_id, parse_lesson_id

WRITE_ATTEMPTS = 3


class LessonNotFound(LookupError):
    """No lesson has that id."""


class StaleLesson(RuntimeError):
    """Someone else changed the lesson since it was read."""


class ArchivedLesson(RuntimeError):
    """The lesson's month is archived, so it is read-only."""


@dataclass(frozen=True)
class StoredLesson:
    """A lesson as read from the engine, with what a compare-and-set write needs."""

    lesson: dict
    index: str
    seq_no: int
    primary_term: int

    @property
    def etag(self) -> str:
        return f'"{self.lesson.get("version", 1)}"'


# The index blocks an archived month carries (`_block/write` or `index.blocks.write`, and the older
# `index.blocks.read_only`), as the engine names them in a cluster_block_exception's reason. Other
# blocks (a cluster-wide read-only switch, a disk flood stage) are not an archived month.
_INDEX_WRITE_BLOCKS = ("index write (api)", "index read-only (api)")


def _is_write_block(exc: TransportError) -> bool:
    """True when a write was refused because the lesson's index is write-blocked (archived)."""
    if getattr(exc, "error", None) != "cluster_block_exception":
        return False
    return any(block in str(exc.info) for block in _INDEX_WRITE_BLOCKS)


class LessonRepository:
    """Reads go through the month alias named by the id; writes are refreshed before returning."""

    def __init__(self, client: OpenSearch, names: IndexNames, codec: DocumentCodec = PLAIN):
        self.client = client
        self.names = names
        self.codec = codec

    def create(self, lesson: dict, now: datetime) -> StoredLesson:
        """Store a validated lesson under the next id of `now`'s day, in `now`'s month."""
        day = now.date()
        alias = ensure_month_index(self.client, self.names, day)
        number = counters.next_number(self.client, self.names, day)
        lesson = {**lesson, "id": format_lesson_id(day, number)}
        for attempt in range(WRITE_ATTEMPTS):
            try:
                answer = self.client.index(
                    index=alias, id=lesson["id"], body=self.codec.encode(lesson),
                    op_type="create", refresh="true",
                )
                return StoredLesson(lesson, answer["_index"], answer["_seq_no"], answer["_primary_term"])
            except ConflictError:
                raise  # the id exists: the counter was behind the data, which import prevents
            except TransportError:
                if attempt == WRITE_ATTEMPTS - 1:
                    counters.give_back(self.client, self.names, day, number)
                    raise
        raise AssertionError("unreachable")

    def get(self, lesson_id: str) -> StoredLesson:
        """The lesson with this id, live or archived."""
        try:
            day, _ = parse_lesson_id(lesson_id)
        except ValueError:
            raise LessonNotFound(lesson_id) from None
        try:
            found = self.client.get(index=self.names.month_alias(day), id=lesson_id)
            return self._stored(found)
        except NotFoundError:
            pass
        return self._find_anywhere(lesson_id)

    def _find_anywhere(self, lesson_id: str) -> StoredLesson:
        """Imported lessons may sit in a month other than their id's day: look them up by term."""
        answer = self.client.search(
            index=f"{self.names.lessons},{self.names.archive}",
            body={"query": {"term": {"id": lesson_id}}, "size": 1, "seq_no_primary_term": True},
            params={"ignore_unavailable": "true", "allow_no_indices": "true"},
        )
        hits = answer["hits"]["hits"]
        if not hits:
            raise LessonNotFound(lesson_id)
        return self._stored(hits[0])

    def _stored(self, hit: dict) -> StoredLesson:
        return StoredLesson(self.codec.decode(hit["_source"]), hit["_index"], hit["_seq_no"], hit["_primary_term"])

    def replace(self, current: StoredLesson, lesson: dict) -> StoredLesson:
        """Write `lesson` over `current` only if nobody wrote in between."""
        try:
            answer = self.client.index(
                index=current.index, id=current.lesson["id"], body=self.codec.encode(lesson),
                if_seq_no=current.seq_no, if_primary_term=current.primary_term, refresh="true",
            )
        except ConflictError:
            raise StaleLesson(current.lesson["id"]) from None
        except AuthorizationException as exc:
            if _is_write_block(exc):
                raise ArchivedLesson(current.lesson["id"]) from None
            raise
        return StoredLesson(lesson, answer["_index"], answer["_seq_no"], answer["_primary_term"])

    def delete(self, current: StoredLesson) -> None:
        try:
            self.client.delete(
                index=current.index, id=current.lesson["id"],
                if_seq_no=current.seq_no, if_primary_term=current.primary_term, refresh="true",
            )
        except ConflictError:
            raise StaleLesson(current.lesson["id"]) from None
        except NotFoundError:
            raise LessonNotFound(current.lesson["id"]) from None
        except AuthorizationException as exc:
            if _is_write_block(exc):
                raise ArchivedLesson(current.lesson["id"]) from None
            raise
