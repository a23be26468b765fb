"""Computing the metrics snapshot and sharing it between worker processes.

A scrape reads the snapshot of the current UTC day from Redis when one younger than the cache TTL
is there (every gunicorn worker, every replica on the same Redis answers the same values);
otherwise it runs the aggregation search and stores the answer. Without Redis every scrape asks
the engine: values are then identical across workers because they all come from the engine.

The last snapshot computed is also kept without expiry (Redis, or the process without it): when
the engine is unreachable `/metrics` serves it with `lessons_learned_engine_up 0`, instead of
failing the scrape. Writes (`lesson_saved`) drop the cached snapshot so the next scrape sees them.
"""

from __future__ import annotations

import json
import logging
import os
import time
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from llsearch.engine.filters import LENIENT, LessonFilter, search_indices

from llsearch_prometheus.aggregation import SNAPSHOT_VERSION, metrics_body, shape_snapshot, utc_today

log = logging.getLogger(__name__)

DEFAULT_CACHE_SECONDS = 10.0
# Per-process fallback when no Redis is configured: index prefix -> last snapshot.
_LAST_IN_PROCESS: dict[str, dict] = {}


def plugin_setting(settings: Any, name: str, default: Any = None) -> Any:
    """A setting of this plugin: `settings.extra["prometheus_<name>"]`, else the environment
    variable `LLSEARCH_PROMETHEUS_<NAME>`, else `default`."""
    key = f"prometheus_{name}"
    extra = getattr(settings, "extra", None) or {}
    if extra.get(key) is not None:
        return extra[key]
    return os.environ.get(f"LLSEARCH_{key.upper()}", default)


def _as_bool(value: Any) -> bool:
    return value if isinstance(value, bool) else str(value).strip().lower() in {"1", "true", "yes", "on"}


@dataclass
class SnapshotStore:
    """Where snapshots are cached (Redis when configured) under keys of one index prefix."""

    redis: Any
    prefix: str
    ttl: float = DEFAULT_CACHE_SECONDS

    @property
    def live_key(self) -> str:
        return f"llsearch:{self.prefix}prometheus:snapshot"

    @property
    def last_key(self) -> str:
        return f"llsearch:{self.prefix}prometheus:last"

    def _get(self, key: str) -> dict | None:
        try:
            raw = self.redis.get(key)
        except Exception as exc:  # a Redis outage must not fail the scrape: compute instead
            log.warning("metrics cache unreadable: %s", exc)
            return None
        if not raw:
            return None
        try:
            snapshot = json.loads(raw)
        except ValueError:
            return None
        return snapshot if snapshot.get("version") == SNAPSHOT_VERSION else None

    def fresh(self, today: str) -> dict | None:
        """The cached snapshot of `today`, if one is cached (the TTL bounds its age)."""
        if self.redis is None or self.ttl <= 0:
            return None
        snapshot = self._get(self.live_key)
        return snapshot if snapshot and snapshot.get("today") == today else None

    def last(self) -> dict | None:
        """The last snapshot computed by any process sharing this store."""
        if self.redis is None:
            return _LAST_IN_PROCESS.get(self.prefix)
        return self._get(self.last_key)

    def put(self, snapshot: dict) -> None:
        if self.redis is None:
            _LAST_IN_PROCESS[self.prefix] = snapshot
            return
        raw = json.dumps(snapshot, separators=(",", ":"))
        try:
            with self.redis.pipeline() as pipe:
                if self.ttl > 0:
                    pipe.set(self.live_key, raw, px=int(self.ttl * 1000))
                pipe.set(self.last_key, raw)
                pipe.execute()
        except Exception as exc:
            log.warning("metrics cache not updated: %s", exc)

    def invalidate(self) -> None:
        """Forget the cached snapshot (a lesson was written); the fallback copy stays."""
        if self.redis is None:
            return
        try:
            self.redis.delete(self.live_key)
        except Exception as exc:
            log.warning("metrics cache not invalidated: %s", exc)


def store_for(runtime: Any) -> SnapshotStore:
    ttl = float(plugin_setting(runtime.settings, "cache_seconds", DEFAULT_CACHE_SECONDS))
    return SnapshotStore(runtime.redis, runtime.names.prefix, ttl)


def compute_snapshot(runtime: Any, now: datetime | None = None) -> dict:
    """Run the aggregation search now (raises when the engine fails)."""
    now = now or runtime.now()
    archived = _as_bool(plugin_setting(runtime.settings, "include_archived", False))
    indices = search_indices(runtime.names, LessonFilter(include_archived=archived))
    answer = runtime.engine.search(index=indices, body=metrics_body(now), params=LENIENT)
    return shape_snapshot(answer, now, computed_at=time.time())


@dataclass
class Reading:
    """What a scrape shows: a snapshot (None when there never was one) and whether it is live."""

    snapshot: dict | None
    engine_up: bool
    cached: bool = False


def read_snapshot(runtime: Any, store: SnapshotStore | None = None) -> Reading:
    """The current snapshot: cached if fresh, else computed and cached, else the last one."""
    store = store or store_for(runtime)
    now = runtime.now()
    cached = store.fresh(utc_today(now).isoformat())
    if cached is not None:
        return Reading(cached, engine_up=True, cached=True)
    try:
        snapshot = compute_snapshot(runtime, now)
    except Exception as exc:  # engine down or failing: serve the last values, flagged
        log.warning("lessons metrics not computed, serving the last snapshot: %s", exc)
        return Reading(store.last(), engine_up=False)
    store.put(snapshot)
    return Reading(snapshot, engine_up=True)


def sync_snapshot(runtime: Any) -> dict:
    """Recompute the snapshot and store it (the daily 00:00 UTC job and `llsearch metrics sync`)."""
    store = store_for(runtime)
    snapshot = compute_snapshot(runtime)
    store.put(snapshot)
    log.info(
        "lessons metrics synced for %s: %d lessons, %d open action items, %d overdue",
        snapshot["today"], snapshot["lessons_total"],
        sum(row[2] for row in snapshot["components"]), sum(row[3] for row in snapshot["components"]),
    )
    return snapshot
