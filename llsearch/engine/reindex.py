"""Zero-downtime reindex of a month: a new index generation from the current template, one alias swap.

Searches never stop: until the swap they read the old generation, after it the new one. Writes
are made safe by blocking them on the old index for the copy: a write during that window is
refused (the API answers 409) instead of being accepted and then lost with the old index.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Callable

from opensearchpy import OpenSearch
from opensearchpy.exceptions import NotFoundError

from llsearch.engine.lifecycle import (
    MonthIndex,
    UnknownMonth,
    block_writes,
    check_month,
    force_merge,
    live_months,
    month_indices,
    unblock_writes,
)
from llsearch.engine.names import IndexNames

POLL_SECONDS = (0.05, 1.0)  # first and longest pause between two looks at the copy task
COPY_TIMEOUT = 6 * 3600


class ReindexError(RuntimeError):
    """The copy did not complete; the month is left as it was before."""


@dataclass(frozen=True)
class ReindexResult:
    month: str
    source: str
    target: str
    documents: int
    seconds: float
    resumed: bool = False  # True: an interrupted run had already swapped; only its cleanup was left

    def as_dict(self) -> dict:
        return {"month": self.month, "source": self.source, "target": self.target,
                "documents": self.documents, "seconds": round(self.seconds, 3), "resumed": self.resumed}


def _generations(client: OpenSearch, names: IndexNames, month: str) -> tuple[MonthIndex, list[MonthIndex]]:
    """The generation behind the month alias, and the others (leftovers of an interrupted run)."""
    alias = names.month_alias(month)
    mine = [item for item in month_indices(client, names) if item.month == month]
    current = [item for item in mine if item.has(alias)]
    if len(current) != 1:
        raise UnknownMonth(month)
    return current[0], [item for item in mine if not item.has(alias)]


def _count(client: OpenSearch, index: str) -> int:
    client.indices.refresh(index=index)
    return int(client.count(index=index)["count"])


def _copy(client: OpenSearch, source: str, target: str, progress: Callable[[int, int], None] | None) -> None:
    """`_reindex` as a task polled to completion, so a slow copy never hits a client timeout (and a
    retried request never starts a second copy)."""
    started = client.reindex(body={"source": {"index": source}, "dest": {"index": target, "op_type": "create"}},
                             params={"wait_for_completion": "false", "refresh": "true"})
    task_id, deadline = started["task"], time.monotonic() + COPY_TIMEOUT
    pause = POLL_SECONDS[0]
    while time.monotonic() < deadline:
        task = client.tasks.get(task_id=task_id)
        status = task.get("task", {}).get("status", {})
        if progress:
            progress(status.get("created", 0), status.get("total", 0))
        if task.get("completed"):
            answer = task.get("response") or {}
            if task.get("error") or answer.get("failures"):
                detail = task.get("error") or answer["failures"][:3]
                raise ReindexError(f"copying {source} to {target} failed: {detail}")
            return
        time.sleep(pause)
        pause = min(pause * 2, POLL_SECONDS[1])
    raise ReindexError(f"copying {source} to {target} did not finish in {COPY_TIMEOUT}s")


def _swap(client: OpenSearch, names: IndexNames, source: str, target: str) -> None:
    """Move every alias of `source` (month, `lessons` or `lessons-archive`, pin) to `target` in one
    call, keeping each alias's properties such as `is_write_index`."""
    aliases = client.indices.get_alias(index=source)[source]["aliases"]
    actions = [{"remove": {"index": source, "alias": alias}} for alias in aliases]
    actions += [{"add": {"index": target, "alias": alias, **props}} for alias, props in aliases.items()]
    client.indices.update_aliases(body={"actions": actions})


def reindex_month(client: OpenSearch, names: IndexNames, month: str,
                  progress: Callable[[int, int], None] | None = None) -> ReindexResult:
    """Copy a month into generation n+1 of its index and swap every alias over; safe to rerun.

    A rerun after an interruption first removes what the last run left: a newer generation the
    alias never reached (a partial copy, done again) or an older one after the swap (deleted, and
    then the reindex is complete).
    """
    check_month(month)
    began = time.monotonic()
    current, leftovers = _generations(client, names, month)
    older = [item.index for item in leftovers if item.generation < current.generation]
    for item in leftovers:
        client.indices.delete(index=item.index)
    if older:
        return ReindexResult(month, ",".join(older), current.index, _count(client, current.index),
                             time.monotonic() - began, resumed=True)
    source, target = current.index, names.month_index(month, generation=current.generation + 1)
    archived = current.has(names.archive)
    if not current.write_blocked:
        block_writes(client, source)
    try:
        client.indices.create(index=target)  # from the template as it is now; no alias yet
        _copy(client, source, target, progress)
        documents = _count(client, source)
        if _count(client, target) != documents:
            raise ReindexError(f"{target} holds {_count(client, target)} documents, {source} {documents}")
        if archived:
            block_writes(client, target)
            force_merge(client, target)
        _swap(client, names, source, target)
    except Exception:
        _roll_back(client, names, source, target)
        raise
    client.indices.delete(index=source)
    return ReindexResult(month, source, target, documents, time.monotonic() - began)


def _roll_back(client: OpenSearch, names: IndexNames, source: str, target: str) -> None:
    """Leave the month as it was: no new generation, and writable again if it is live.

    If the swap reached the engine although its answer was lost, the new generation is the month
    now: it stays, and a rerun deletes the old one.
    """
    try:
        if client.indices.get_alias(index=target)[target]["aliases"]:
            return
        client.indices.delete(index=target)
    except NotFoundError:
        pass
    aliases = client.indices.get_alias(index=source)[source]["aliases"]
    if names.archive not in aliases:
        unblock_writes(client, source)


def reindex_all(client: OpenSearch, names: IndexNames,
                on_month: Callable[[str], Callable[[int, int], None] | None] | None = None) -> list[ReindexResult]:
    """Reindex every month, live and archived, one after the other."""
    results = []
    for item in live_months(client, names):
        results.append(reindex_month(client, names, item.month, on_month(item.month) if on_month else None))
    return results
