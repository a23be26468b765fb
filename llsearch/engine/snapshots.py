"""Snapshot backups of one prefix's indices: repository, create, list, restore, verify, prune.

A snapshot holds every index of this prefix (lesson months with their aliases, counters, API
keys, audit records) and nothing of other prefixes; its name carries the prefix, so one
repository serves several deployments of the service.
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

from opensearchpy import OpenSearch, helpers
from opensearchpy.exceptions import NotFoundError, TransportError

from llsearch.config import Settings
from llsearch.engine.embedded import EngineLayout
from llsearch.engine.names import IndexNames
from llsearch.engine.setup import setup

LONG_TIMEOUT = 3600  # seconds: snapshot and restore wait for completion; a retry must not start a second one
LENIENT = {"expand_wildcards": "all", "ignore_unavailable": "true", "allow_no_indices": "true"}
KINDS = ("daily", "manual", "pre-restore")
MAX_LISTED_IDS = 20


class SnapshotError(RuntimeError):
    """A one-line reason a backup operation cannot be done."""


class SnapshotNotFound(SnapshotError, LookupError):
    """No snapshot of this prefix has that name."""


def snapshot_patterns(names: IndexNames) -> list[str]:
    """Everything a snapshot covers: lesson months, counters, API keys and audit indices."""
    return [*names.lessons_patterns, names.counters, names.apikeys, f"{names.prefix}llsearch-audit-*"]


def _is_month_index(names: IndexNames, index: str) -> bool:
    head = f"{names.prefix}lessons-"
    return index.startswith(head) and index[len(head):len(head) + 1].isdigit()


def _belongs(names: IndexNames, index: str) -> bool:
    return (index in (names.counters, names.apikeys) or _is_month_index(names, index)
            or index.startswith(f"{names.prefix}llsearch-audit-"))


def prefix_indices(client: OpenSearch, names: IndexNames) -> list[str]:
    """The indices of this prefix that exist now, open or closed."""
    found = client.indices.get_settings(index=",".join(snapshot_patterns(names)), name="index.uuid", params=LENIENT)
    return sorted(index for index in found if _belongs(names, index))


def _reason(exc: TransportError) -> str:
    info = exc.info if isinstance(exc.info, dict) else {}
    error = info.get("error")
    return error.get("reason", str(exc)) if isinstance(error, dict) else str(exc.error or exc)


# Repository ----------------------------------------------------------------------------------

def repository_location(settings: Settings) -> str | None:
    """Where the `fs` repository lives: the configured location, else `<data_dir>/snapshots/<repository>`
    for the embedded node; None for an external cluster without one (it must be configured there)."""
    if settings.snapshot_location:
        location = settings.snapshot_location
        if settings.embedded and Path(location).is_absolute():
            root = EngineLayout(Path(settings.data_dir).resolve()).snapshots
            if not Path(location).resolve().is_relative_to(root):
                raise SnapshotError(f"LLSEARCH_SNAPSHOT_LOCATION must lie under the embedded node's path.repo {root}")
        return location
    if settings.embedded:
        return str(EngineLayout(Path(settings.data_dir).resolve()).snapshots / settings.snapshot_repository)
    return None


def ensure_repository(client: OpenSearch, settings: Settings) -> dict:
    """Register the repository unless it is already registered as configured; returns its settings.

    On an external cluster with no location configured, a repository registered by ops under the
    configured name (any type) is used as it is.
    """
    name = settings.snapshot_repository
    existing = client.snapshot.get_repository(repository=name, ignore=404).get(name)
    location = repository_location(settings)
    if location is None:
        if existing:
            return existing
        raise SnapshotError(
            f"no snapshot repository {name!r}: set LLSEARCH_SNAPSHOT_LOCATION to a directory under the "
            "cluster's path.repo (shared by every node), or register the repository yourself"
        )
    if existing and existing.get("type") == "fs" and existing.get("settings", {}).get("location") == location:
        return existing
    body = {"type": "fs", "settings": {"location": location, "compress": True}}
    try:
        client.snapshot.create_repository(repository=name, body=body)
    except TransportError as exc:
        raise SnapshotError(f"cannot register snapshot repository {name!r} at {location}: {_reason(exc)}") from None
    return body


# Names and listing ---------------------------------------------------------------------------

def _name_pattern(names: IndexNames) -> re.Pattern:
    kinds = "|".join(KINDS)
    return re.compile(rf"^{re.escape(names.prefix)}llsearch-(\d{{8}})-(\d{{6}})-({kinds})(?:-\d+)?$")


def snapshot_name(names: IndexNames, now: datetime, kind: str) -> str:
    return f"{names.prefix}llsearch-{now.astimezone(timezone.utc):%Y%m%d-%H%M%S}-{kind}"


@dataclass(frozen=True)
class Snapshot:
    """One snapshot of this prefix as the engine describes it."""

    name: str
    kind: str
    state: str
    start: datetime
    end: datetime | None
    indices: tuple[str, ...]
    failed_shards: int = 0
    day: str = ""  # the UTC day (YYYYMMDD) its name carries
    taken_by: str | None = None

    def as_dict(self) -> dict:
        stamp = lambda moment: moment.isoformat(timespec="seconds").replace("+00:00", "Z") if moment else None
        duration = (self.end - self.start).total_seconds() if self.end else None
        return {"name": self.name, "kind": self.kind, "state": self.state, "start_time": stamp(self.start),
                "end_time": stamp(self.end), "duration_seconds": duration, "indices": list(self.indices),
                "failed_shards": self.failed_shards, "taken_by": self.taken_by}


def _millis(value) -> datetime | None:
    return datetime.fromtimestamp(value / 1000, tz=timezone.utc) if value else None


def _snapshot(names: IndexNames, info: dict) -> Snapshot | None:
    matched = _name_pattern(names).match(info.get("snapshot", ""))
    if not matched:
        return None
    return Snapshot(
        name=info["snapshot"], kind=matched.group(3), state=info.get("state", "UNKNOWN"),
        start=_millis(info.get("start_time_in_millis")) or datetime.now(timezone.utc),
        end=_millis(info.get("end_time_in_millis")), indices=tuple(sorted(info.get("indices") or ())),
        failed_shards=(info.get("shards") or {}).get("failed", 0), day=matched.group(1),
        taken_by=(info.get("metadata") or {}).get("taken_by"),
    )


def list_snapshots(client: OpenSearch, settings: Settings) -> list[Snapshot]:
    """This prefix's snapshots, oldest first."""
    ensure_repository(client, settings)
    names = IndexNames(settings.index_prefix)
    answer = client.snapshot.get(repository=settings.snapshot_repository, snapshot=f"{names.prefix}llsearch-*",
                                 params={"ignore_unavailable": "true"})
    found = [_snapshot(names, info) for info in answer.get("snapshots", [])]
    return sorted((item for item in found if item), key=lambda item: item.start)


def get_snapshot(client: OpenSearch, settings: Settings, name: str) -> Snapshot:
    ensure_repository(client, settings)
    names = IndexNames(settings.index_prefix)
    if not _name_pattern(names).match(name):
        raise SnapshotNotFound(name)
    try:
        answer = client.snapshot.get(repository=settings.snapshot_repository, snapshot=name)
    except NotFoundError:
        raise SnapshotNotFound(name) from None
    found = [_snapshot(names, info) for info in answer.get("snapshots", [])]
    if not found or not found[0]:
        raise SnapshotNotFound(name)
    return found[0]


def resolve_snapshot(client: OpenSearch, settings: Settings, name: str) -> str:
    """`latest` names the newest successful snapshot; any other name is returned as given."""
    if name != "latest":
        return name
    done = [item for item in list_snapshots(client, settings) if item.state == "SUCCESS"]
    if not done:
        raise SnapshotNotFound("latest")
    return done[-1].name


# Create and prune ----------------------------------------------------------------------------

def create_snapshot(client: OpenSearch, settings: Settings, now: datetime, kind: str = "manual",
                    taken_by: str = "llsearch") -> Snapshot:
    """Snapshot every index of this prefix now and wait until it is done.

    Not an audited change (no document changes; a record written first would sit in the snapshot
    as pending): who took it is kept in the snapshot's own metadata.
    """
    ensure_repository(client, settings)
    names = IndexNames(settings.index_prefix)
    taken = {item.name for item in list_snapshots(client, settings)}
    name, number = snapshot_name(names, now, kind), 1
    while name in taken:
        number += 1
        name = f"{snapshot_name(names, now, kind)}-{number}"
    body = {"indices": ",".join(snapshot_patterns(names)), "ignore_unavailable": True,
            "include_global_state": False,
            "metadata": {"llsearch_prefix": names.prefix, "kind": kind, "taken_by": taken_by}}
    try:
        answer = client.snapshot.create(repository=settings.snapshot_repository, snapshot=name, body=body,
                                        params={"wait_for_completion": "true"}, request_timeout=LONG_TIMEOUT)
    except TransportError as exc:
        raise SnapshotError(f"snapshot {name} failed: {_reason(exc)}") from None
    snapshot = _snapshot(names, answer["snapshot"])
    if snapshot.state != "SUCCESS":
        raise SnapshotError(f"snapshot {name} ended {snapshot.state} ({snapshot.failed_shards} shards failed)")
    return snapshot


def create_daily_snapshot(client: OpenSearch, settings: Settings, now: datetime) -> Snapshot | None:
    """The daily backup: one successful `daily` snapshot per UTC day; None when today's exists.

    This is the function the daily periodic job calls.
    """
    today = now.astimezone(timezone.utc).strftime("%Y%m%d")
    for item in list_snapshots(client, settings):
        if item.kind == "daily" and item.day == today and item.state in ("SUCCESS", "IN_PROGRESS"):
            return None
    return create_snapshot(client, settings, now, kind="daily", taken_by="daily job")


def snapshots_to_prune(snapshots: list[Snapshot], now: datetime, retention_days: int, min_keep: int) -> list[Snapshot]:
    """Snapshots started before the retention window, except the `min_keep` newest successful ones.

    A snapshot still in progress is never pruned; failed ones do not count towards `min_keep`.
    """
    cutoff = now - timedelta(days=retention_days)
    finished = sorted((item for item in snapshots if item.state != "IN_PROGRESS"), key=lambda item: item.start)
    kept = {item.name for item in [item for item in finished if item.state == "SUCCESS"][-min_keep:]}
    return [item for item in finished if item.name not in kept and item.start < cutoff]


def prune_snapshots(client: OpenSearch, settings: Settings, now: datetime, dry_run: bool = False) -> list[Snapshot]:
    """Delete snapshots past retention (keeping the newest few); returns what was (or would be) deleted.

    This is the function the daily periodic job calls, after `create_daily_snapshot`.
    """
    doomed = snapshots_to_prune(list_snapshots(client, settings), now, settings.snapshot_retention_days,
                                settings.snapshot_min_keep)
    if not dry_run:
        for item in doomed:
            try:
                client.snapshot.delete(repository=settings.snapshot_repository, snapshot=item.name,
                                       request_timeout=LONG_TIMEOUT)
            except NotFoundError:
                pass  # deleted meanwhile by another run
    return doomed


# Restore -------------------------------------------------------------------------------------

def _restorable(client: OpenSearch, settings: Settings, name: str) -> tuple[Snapshot, list[str]]:
    snapshot = get_snapshot(client, settings, name)
    if snapshot.state != "SUCCESS":
        raise SnapshotError(f"snapshot {name} is {snapshot.state}; only a successful snapshot can be restored")
    names = IndexNames(settings.index_prefix)
    return snapshot, [index for index in snapshot.indices if _belongs(names, index)]


def _batches(indices: list[str], size: int = 50):
    """Explicit names a few at a time: they work with `action.destructive_requires_name` and keep
    each request line well under the engine's 4 KB limit."""
    for start in range(0, len(indices), size):
        yield ",".join(indices[start:start + size])


def _delete(client: OpenSearch, indices: list[str]) -> None:
    for batch in _batches(indices):
        client.indices.delete(index=batch, params=LENIENT)


def restore_snapshot(client: OpenSearch, settings: Settings, name: str, now: datetime,
                     safety_snapshot: bool = True) -> dict:
    """Put this prefix back exactly as it was in snapshot `name`, aliases included.

    First a `pre-restore` snapshot of the current state (unless asked not to, or nothing exists),
    then live indices that the snapshot also holds are closed (a restore overwrites a closed index)
    and the others deleted (months created or reindexed later would clash with the restored
    aliases); the restore brings back indices and aliases; setup reinstalls the template, which
    snapshots do not carry.
    """
    snapshot, indices = _restorable(client, settings, name)
    names = IndexNames(settings.index_prefix)
    live = prefix_indices(client, names)
    safety = (create_snapshot(client, settings, now, kind="pre-restore", taken_by=f"restore of {name}")
              if safety_snapshot and live else None)
    _delete(client, [index for index in live if index not in indices])
    closing = [index for index in live if index in indices]
    for batch in _batches(closing):
        client.indices.close(index=batch, params=LENIENT)
    body = {"indices": ",".join(indices), "include_aliases": True, "include_global_state": False}
    try:
        client.snapshot.restore(repository=settings.snapshot_repository, snapshot=name, body=body,
                                params={"wait_for_completion": "true"}, request_timeout=LONG_TIMEOUT)
    except TransportError as exc:
        hint = f"; the state before is in snapshot {safety.name}" if safety else ""
        raise SnapshotError(f"restoring {name} failed: {_reason(exc)}{hint}") from None
    client.cluster.health(index=",".join(snapshot_patterns(names)), wait_for_status="yellow", timeout="120s",
                          request_timeout=150)
    setup(client, settings, today=now.date())
    return {"snapshot": name, "indices": indices, "deleted": [i for i in live if i not in indices],
            "safety_snapshot": safety.name if safety else None}


# Verify --------------------------------------------------------------------------------------

def document_hash(source: dict) -> str:
    """A checksum of one stored document that ignores key order."""
    text = json.dumps(source, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def index_checksums(client: OpenSearch, index: str) -> dict[str, str]:
    """Document id → checksum of its `_source`, over a scan of the whole index.

    The refresh first makes every write searchable: a snapshot holds writes a search may not see yet.
    """
    client.indices.refresh(index=index)
    hits = helpers.scan(client, index=index, query={"query": {"match_all": {}}}, size=1000,
                        request_timeout=LONG_TIMEOUT)
    return {hit["_id"]: document_hash(hit["_source"]) for hit in hits}


@dataclass
class IndexComparison:
    index: str
    snapshot_docs: int
    live_docs: int | None  # None: the index does not exist live
    live_index: str | None = None  # what it was compared with (a newer generation after a reindex)
    missing: list[str] = field(default_factory=list)  # in the snapshot, not live
    extra: list[str] = field(default_factory=list)    # live, not in the snapshot
    changed: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.live_docs is not None and not (self.missing or self.extra or self.changed)

    def as_dict(self) -> dict:
        capped = {key: sorted(getattr(self, key))[:MAX_LISTED_IDS] for key in ("missing", "extra", "changed")}
        counts = {f"{key}_count": len(getattr(self, key)) for key in ("missing", "extra", "changed")}
        return {"index": self.index, "live_index": self.live_index, "ok": self.ok,
                "snapshot_docs": self.snapshot_docs, "live_docs": self.live_docs, **counts, **capped}


def compare_checksums(index: str, snapshot: dict[str, str], live: dict[str, str] | None,
                      live_index: str | None = None) -> IndexComparison:
    if live is None:
        return IndexComparison(index, len(snapshot), None, missing=list(snapshot))
    return IndexComparison(
        index, len(snapshot), len(live), live_index or index,
        missing=[key for key in snapshot if key not in live],
        extra=[key for key in live if key not in snapshot],
        changed=[key for key, value in snapshot.items() if key in live and live[key] != value],
    )


_GENERATION = re.compile(r"-v(\d+)$")


def _generation(index: str) -> int:
    found = _GENERATION.search(index)
    return int(found.group(1)) if found else 0


def live_counterparts(names: IndexNames, snapshot_indices, live) -> tuple[dict[str, str | None], list[str]]:
    """The live index each snapshot index is compared with, and the live indices compared with none.

    The same name when it exists, else the newest generation of the same month: a month reindexed
    since the snapshot (v1 → v2) is still compared document by document.
    """
    latest: dict[str, str] = {}
    for index in sorted(live, key=_generation):
        if _is_month_index(names, index):
            latest[_GENERATION.sub("", index)] = index
    pairs = {index: index if index in live else latest.get(_GENERATION.sub("", index)) for index in snapshot_indices}
    return pairs, sorted(set(live) - set(pairs.values()))


def verify_snapshot(client: OpenSearch, settings: Settings, name: str) -> dict:
    """Restore `name` into temporary indices, compare every document with the live index, clean up."""
    snapshot, indices = _restorable(client, settings, name)
    names = IndexNames(settings.index_prefix)
    scratch = f"{names.prefix}llsearch-verify-{secrets.token_hex(3)}-"
    temporary = {index: scratch + index[len(names.prefix):] for index in indices}
    _delete(client, sorted(client.indices.get_settings(
        index=f"{names.prefix}llsearch-verify-*", name="index.uuid", params=LENIENT)))  # an earlier run's leftovers
    body = {"indices": ",".join(indices), "include_aliases": False, "include_global_state": False,
            "rename_pattern": f"^{names.prefix}(.+)$", "rename_replacement": f"{scratch}$1",
            "index_settings": {"index.number_of_replicas": 0}}
    try:
        client.snapshot.restore(repository=settings.snapshot_repository, snapshot=name, body=body,
                                params={"wait_for_completion": "true"}, request_timeout=LONG_TIMEOUT)
        pairs, live_only = live_counterparts(names, indices, prefix_indices(client, names))
        comparisons = [
            compare_checksums(index, index_checksums(client, temporary[index]),
                              index_checksums(client, pairs[index]) if pairs[index] else None, pairs[index])
            for index in indices
        ]
    except TransportError as exc:
        raise SnapshotError(f"verifying {name} failed: {_reason(exc)}") from None
    finally:
        _delete(client, list(temporary.values()))
    ok = all(item.ok for item in comparisons) and not live_only
    return {"snapshot": name, "ok": ok, "indices": [item.as_dict() for item in comparisons],
            "live_only_indices": live_only,
            "documents": sum(item.snapshot_docs for item in comparisons)}
