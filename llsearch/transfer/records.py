"""Validate raw import records into lessons, or into rejections that say why; catch repeated ids."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from marshmallow import ValidationError

from llsearch.model.lesson import ImportedLessonSchema
from llsearch.transfer.items import Notice, Origin, RawRecord, Rejection
from llsearch.transfer.jsontext import json_type


@dataclass
class Candidate:
    """A valid lesson on its way to the engine; `lesson["id"]` is absent until one is assigned."""

    origin: Origin
    lesson: dict
    timestamp_given: bool = True  # False: timestamp_created is the import time


def describe_errors(messages: Any, prefix: str = "") -> str:
    """marshmallow's nested messages as one line: `title: Missing data…; action_items.0.due_date: …`."""
    if isinstance(messages, dict):
        parts = []
        for key, value in messages.items():
            name = prefix if key == "_schema" else (f"{prefix}.{key}" if prefix else str(key))
            parts.append(describe_errors(value, name))
        return "; ".join(part for part in parts if part)
    if isinstance(messages, (list, tuple)):
        if all(isinstance(item, str) for item in messages):
            text = " ".join(messages)
            return f"{prefix}: {text}" if prefix else text
        return "; ".join(describe_errors(item, prefix) for item in messages)
    return f"{prefix}: {messages}" if prefix else str(messages)


def _json_keys(messages: Any) -> Any:
    """The messages with integer keys (list positions) as strings, as JSON will show them."""
    if isinstance(messages, dict):
        return {str(key): _json_keys(value) for key, value in messages.items()}
    if isinstance(messages, (list, tuple)):
        return [_json_keys(item) for item in messages]
    return messages


class RecordValidator:
    """Turns raw records into candidates with `ImportedLessonSchema`: ids and timestamps kept as given.

    A record without `timestamp_created` gets `import_time` (the moment the import started).
    The exported `version` is kept for a lesson the import creates, so a restore is exact; the
    store still numbers every later revision itself.
    """

    def __init__(self, import_time: str):
        self.import_time = import_time
        self.schema = ImportedLessonSchema()

    def validate(self, record: RawRecord) -> Candidate | Rejection:
        data = record.data
        if not isinstance(data, dict):
            return Rejection(record.origin, f"expected a lesson (a JSON object), got {json_type(data)}")
        given_id = data.get("id") if isinstance(data.get("id"), str) else None
        try:
            lesson = self.schema.load(data)
        except ValidationError as error:
            return Rejection(record.origin, f"invalid lesson: {describe_errors(error.messages)}",
                             errors=_json_keys(error.messages), id=given_id)
        version = data.get("version")
        if isinstance(version, int) and not isinstance(version, bool) and version >= 1:
            lesson["version"] = version
        given = "timestamp_created" in lesson
        lesson.setdefault("timestamp_created", self.import_time)
        return Candidate(record.origin, lesson, timestamp_given=given)

    @staticmethod
    def id_notice(record: RawRecord, candidate: Candidate) -> Notice | None:
        """A notice when index.json promised another id than the file holds."""
        actual = candidate.lesson.get("id")
        if record.expected_id and actual != record.expected_id:
            holds = actual or "no id"
            return Notice(record.origin, f"index.json lists this file as {record.expected_id}, but it holds {holds}")
        return None


class IdRegistry:
    """The ids seen so far in one import; the second record with an id is rejected."""

    def __init__(self):
        self.first_seen: dict[str, Origin] = {}

    def claim(self, lesson_id: str, origin: Origin) -> Rejection | None:
        first = self.first_seen.get(lesson_id)
        if first is not None:
            return Rejection(origin, f"duplicate id {lesson_id}: already imported from {first}", id=lesson_id)
        self.first_seen[lesson_id] = origin
        return None
