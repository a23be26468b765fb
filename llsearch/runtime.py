"""The live connections one app instance shares: settings, engine client, index names, Redis."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Callable

import pluggy
import redis
from flask import current_app
from opensearchpy import OpenSearch

from llsearch.config import Settings
from llsearch.engine.client import make_client
from llsearch.engine.codec import PLAIN, DocumentCodec
from llsearch.engine.lessons import LessonRepository
from llsearch.engine.names import IndexNames
from llsearch.engine.setup import setup
from llsearch.jobs.queues import InProcessJobs, RqJobs, make_jobs
from llsearch.plugins import get_plugin_manager
from llsearch.security.fields import codec_for

log = logging.getLogger(__name__)


@dataclass
class Runtime:
    """Built once per process by create_app; views and jobs reach the outside world through it."""

    settings: Settings
    engine: OpenSearch
    names: IndexNames
    redis: redis.Redis | None = None
    codec: DocumentCodec = PLAIN
    setup_done: bool = field(default=False)
    clock: Callable[[], datetime] = field(default=lambda: datetime.now(timezone.utc))
    plugins: pluggy.PluginManager | None = None  # the plugin manager (llsearch.plugins)
    jobs: RqJobs | InProcessJobs | None = None  # job queues: rq, or in-process without Redis
    exporters: list = field(default_factory=list)  # what register_exporters returned

    @property
    def lessons(self) -> LessonRepository:
        return LessonRepository(self.engine, self.names, self.codec)

    def now(self) -> datetime:
        """The current UTC time; tests pin `clock` to make dates deterministic."""
        return self.clock()

    @classmethod
    def build(cls, settings: Settings) -> "Runtime":
        client = make_client(settings)
        cache = redis.Redis.from_url(settings.redis_url, socket_timeout=2) if settings.redis_url else None
        return cls(settings=settings, engine=client, names=IndexNames(settings.index_prefix), redis=cache,
                   codec=codec_for(settings), plugins=get_plugin_manager(settings),
                   jobs=make_jobs(cache, settings.index_prefix))

    def ensure_setup(self) -> bool:
        """Run the idempotent engine setup once; an unreachable engine is logged, not fatal."""
        if self.setup_done:
            return True
        try:
            setup(self.engine, self.settings)
        except Exception as exc:  # the engine may come up later; /readyz reports it meanwhile
            log.warning("engine setup failed, will retry: %s", exc)
            return False
        self.setup_done = True
        return True


def current_runtime() -> Runtime:
    """The Runtime of the app handling the current request."""
    return current_app.extensions["llsearch"]
