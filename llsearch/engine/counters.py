"""Per-day lesson numbers, allocated by the engine's own per-document concurrency control.

Each day has one counter document. An update script increments it atomically on the primary
shard (`retry_on_conflict` absorbs version conflicts between concurrent writers), so any number
of processes get distinct, consecutive numbers without a lock of their own.
"""

from __future__ import annotations

import random
import time
from datetime import date

from opensearchpy import OpenSearch, helpers
from opensearchpy.exceptions import ConflictError

from llsearch.engine.names import IndexNames

_INCREMENT = "ctx._source.value += 1"
_RAISE_TO = "if (ctx._source.value < params.n) { ctx._source.value = params.n } else { ctx.op = 'noop' }"
_GIVE_BACK = "if (ctx._source.value == params.n) { ctx._source.value = params.n - 1 } else { ctx.op = 'noop' }"
_RETRIES = 20
_ROUNDS = 50


def _counter_id(day: date) -> str:
    return day.isoformat()


def _update(client: OpenSearch, names: IndexNames, day: date, body: dict, **params) -> dict:
    """An update that outlasts heavy contention: the engine retries, then we back off and retry."""
    for round_ in range(_ROUNDS):
        try:
            return client.update(index=names.counters, id=_counter_id(day), body=body,
                                 params={"retry_on_conflict": _RETRIES, **params})
        except ConflictError:
            if round_ == _ROUNDS - 1:
                raise
            time.sleep(random.uniform(0, 0.005 * (round_ + 1)))
    raise AssertionError("unreachable")


def next_number(client: OpenSearch, names: IndexNames, day: date) -> int:
    """The next lesson number of `day` (1 for the first lesson of a day)."""
    answer = _update(client, names, day, {"script": {"source": _INCREMENT, "lang": "painless"},
                                          "upsert": {"day": _counter_id(day), "value": 1}}, _source="true")
    return int(answer["get"]["_source"]["value"])


def give_back(client: OpenSearch, names: IndexNames, day: date, number: int) -> bool:
    """Return a number whose lesson could not be written, if no later number was handed out.

    That keeps ids gapless when a write fails; when a later number exists the gap stays, since
    renumbering would break ids already returned to callers.
    """
    answer = _update(client, names, day, {"script": {"source": _GIVE_BACK, "lang": "painless",
                                                     "params": {"n": number}}})
    return answer.get("result") == "updated"


def _raise_body(day: date, number: int) -> dict:
    return {"script": {"source": _RAISE_TO, "lang": "painless", "params": {"n": number}},
            "upsert": {"day": _counter_id(day), "value": number}}


def raise_to(client: OpenSearch, names: IndexNames, day: date, number: int) -> None:
    """Make sure later allocations for `day` come after `number` (after an import kept its ids)."""
    _update(client, names, day, _raise_body(day, number))


def raise_all(client: OpenSearch, names: IndexNames, highest: dict[date, int]) -> None:
    """`raise_to` for many days in one bulk request (an import touches one counter per day).

    A day the bulk request could not update (a conflict outlasting the engine's retries) is
    raised again on its own, with backoff.
    """
    actions = [{"_op_type": "update", "_index": names.counters, "_id": _counter_id(day),
                "retry_on_conflict": _RETRIES, **_raise_body(day, number)}
               for day, number in sorted(highest.items())]
    if not actions:
        return
    for ok, item in helpers.streaming_bulk(client, actions, chunk_size=1000, raise_on_error=False,
                                           raise_on_exception=False, max_retries=3):
        if not ok:
            day = date.fromisoformat(item["update"]["_id"])
            raise_to(client, names, day, highest[day])


def current_number(client: OpenSearch, names: IndexNames, day: date) -> int:
    """The last number handed out for `day` (0 when none)."""
    found = client.get(index=names.counters, id=_counter_id(day), ignore=404)
    return int(found["_source"]["value"]) if found.get("found") else 0
