"""The audit trail: who did what, when, with which outcome, in monthly engine indices and JSON logs.

A mutation is recorded before it runs (outcome `pending`) and its outcome is filled in after, so a
change can never happen unrecorded: when the record cannot be written, the change is not made.
"""

from __future__ import annotations

import json
import logging
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Callable

from opensearchpy import OpenSearch

from llsearch.engine.filters import LENIENT
from llsearch.engine.names import IndexNames
from llsearch.model.dates import format_datetime

log = logging.getLogger("llsearch.audit")
HIDDEN = "[encrypted]"


class AuditUnavailable(RuntimeError):
    """The audit record could not be written, so the operation must not happen."""


@dataclass(frozen=True)
class Actor:
    """Who asks, and from where; the API fills it from the request, the CLI from the process."""

    name: str
    role: str | None = None
    key_id: str | None = None
    request_id: str | None = None
    method: str | None = None
    path: str | None = None
    remote_addr: str | None = None


@dataclass
class AuditQuery:
    lesson_id: str | None = None
    actor: str | None = None
    action: str | None = None
    outcome: str | None = None
    created_from: datetime | None = None
    created_before: datetime | None = None
    size: int = 50
    after: list | None = field(default=None)


def field_diff(before: dict, after: dict, hidden: tuple[str, ...] = ()) -> dict:
    """`{field: {"from": old, "to": new}}` for changed fields, one level into objects; secrets hidden."""
    diff = {}
    for key in sorted(set(before) | set(after)):
        old, new = before.get(key), after.get(key)
        if old == new:
            continue
        if isinstance(old, dict) and isinstance(new, dict):
            for inner in sorted(set(old) | set(new)):
                if old.get(inner) != new.get(inner):
                    diff[f"{key}.{inner}"] = _change(f"{key}.{inner}", old.get(inner), new.get(inner), hidden)
        else:
            diff[key] = _change(key, old, new, hidden)
    return diff


def _change(path: str, old, new, hidden: tuple[str, ...]) -> dict:
    if path in hidden:
        return {"from": HIDDEN if old is not None else None, "to": HIDDEN if new is not None else None}
    return {"from": old, "to": new}


class AuditTrail:
    def __init__(self, client: OpenSearch, names: IndexNames, clock: Callable[[], datetime]):
        self.client = client
        self.names = names
        self.clock = clock

    def begin(self, action: str, actor: Actor, **fields) -> str:
        """Write the record of an operation about to run; AuditUnavailable when that fails."""
        record_id = uuid.uuid4().hex
        record = self._record(action, actor, outcome="pending", record_id=record_id, **fields)
        try:
            self.client.index(index=self.names.audit_index(self.clock()), id=record_id, body=record,
                              op_type="create")
        except Exception as exc:  # any failure to record means the operation must not happen
            log.error(json.dumps({"audit": "unavailable", "action": action, "error": str(exc)}))
            raise AuditUnavailable(str(exc)) from None
        self._log(record)
        return record_id

    def finish(self, record_id: str, outcome: str, status: int, message: str | None = None, **fields) -> None:
        """Fill in the outcome; a failure here is logged (the record already says `pending`)."""
        now = self.clock()
        update = {"outcome": outcome, "status": status, "finished_at": format_datetime(now), **fields}
        if message:
            update["message"] = message[:2000]
        try:
            self.client.update(index=self.names.audit_index(now), id=record_id, body={"doc": update},
                               params={"retry_on_conflict": 3})
        except Exception:
            self._update_anywhere(record_id, update)
        self._log({"id": record_id, **update})

    def _update_anywhere(self, record_id: str, update: dict) -> None:
        """The month may have turned between begin and finish: find the record by id."""
        try:
            self.client.update_by_query(
                index=self.names.audit, body={"query": {"ids": {"values": [record_id]}},
                                              "script": {"source": "ctx._source.putAll(params.u)", "params": {"u": update}}},
                params={"conflicts": "proceed"},
            )
        except Exception as exc:
            log.error(json.dumps({"audit": "outcome not recorded", "id": record_id, "error": str(exc)}))

    def record(self, action: str, actor: Actor, outcome: str, status: int, **fields) -> None:
        """One-shot record of something that changed nothing (denied access); best effort."""
        record_id = uuid.uuid4().hex
        record = {**self._record(action, actor, outcome=outcome, record_id=record_id, **fields), "status": status}
        try:
            self.client.index(index=self.names.audit_index(self.clock()), id=record_id, body=record)
        except Exception as exc:
            log.error(json.dumps({"audit": "not recorded", "action": action, "error": str(exc)}))
        self._log(record)

    def _record(self, action: str, actor: Actor, outcome: str, **fields) -> dict:
        record = {"timestamp": format_datetime(self.clock()), "action": action, "outcome": outcome,
                  "actor": actor.name, "role": actor.role, "key_id": actor.key_id,
                  "request_id": actor.request_id, "method": actor.method, "path": actor.path,
                  "remote_addr": actor.remote_addr, **fields}
        return {key: value for key, value in record.items() if value is not None}

    @staticmethod
    def _log(record: dict) -> None:
        log.info(json.dumps({"audit": record}, default=str, sort_keys=True))

    def search(self, query: AuditQuery) -> tuple[list[dict], list | None]:
        """Matching records, newest first, and the search_after of the next page (None at the end)."""
        clauses = [{"term": {name: value}} for name, value in
                   (("lesson_id", query.lesson_id), ("actor", query.actor), ("action", query.action),
                    ("outcome", query.outcome)) if value]
        bounds = {}
        if query.created_from:
            bounds["gte"] = format_datetime(query.created_from)
        if query.created_before:
            bounds["lt"] = format_datetime(query.created_before)
        if bounds:
            clauses.append({"range": {"timestamp": bounds}})
        body = {"query": {"bool": {"filter": clauses}}, "size": query.size + 1,
                "sort": [{"timestamp": "desc"}, {"record_id": "asc"}]}
        if query.after:
            body["search_after"] = query.after
        hits = self.client.search(index=self.names.audit, body=body, params=LENIENT)["hits"]["hits"]
        page = [hit["_source"] for hit in hits[:query.size]]
        return page, hits[query.size - 1]["sort"] if len(hits) > query.size else None
