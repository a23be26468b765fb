"""Deduplication of alerts over a window: one key per `dedup_key`, claimed once per window.

With Redis the claim is `SET NX EX` (shared by every worker and job process of one index prefix);
without it, a dictionary of this process with expiry times.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

log = logging.getLogger(__name__)

_memory: dict[str, float] = {}
_memory_lock = threading.Lock()


class Deduplicator:
    def __init__(self, redis: Any, prefix: str, window_seconds: int):
        self.redis = redis
        self.prefix = prefix
        self.window = max(1, int(window_seconds))

    def key(self, dedup_key: str) -> str:
        return f"llsearch:{self.prefix}alerts:dedup:{dedup_key}"

    def first_in_window(self, dedup_key: str) -> bool:
        """True for the first alert with this key in the window (and claims it); False afterwards."""
        key = self.key(dedup_key)
        if self.redis is not None:
            try:
                return bool(self.redis.set(key, str(time.time()), nx=True, ex=self.window))
            except Exception as exc:  # better a duplicate alert than a lost one
                log.warning("alert dedup unavailable (%s): sending %s", exc, dedup_key)
                return True
        now = time.monotonic()
        with _memory_lock:
            if _memory.get(key, 0.0) > now:
                return False
            _memory[key] = now + self.window
            return True

    def forget(self, dedup_key: str) -> None:
        """The condition cleared: the next occurrence alerts again at once."""
        key = self.key(dedup_key)
        if self.redis is not None:
            try:
                self.redis.delete(key)
            except Exception as exc:
                log.warning("alert dedup key %s not cleared: %s", dedup_key, exc)
            return
        with _memory_lock:
            _memory.pop(key, None)
