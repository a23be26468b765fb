"""The app a job runs in: the current one, or one built once per worker process and cached."""

from __future__ import annotations

import os
import threading
from contextlib import contextmanager
from typing import TYPE_CHECKING, Iterator

from flask import Flask, current_app, has_app_context

if TYPE_CHECKING:
    from llsearch.runtime import Runtime

_lock = threading.Lock()
_cached: tuple[int, Flask] | None = None


def use_job_app(app: Flask | None) -> None:
    """Make `app` the one jobs of this process run in (the worker command and tests set it)."""
    global _cached
    _cached = (os.getpid(), app) if app is not None else None


def job_app() -> Flask:
    """The current app if there is one, else this process's cached app, built on first use.

    The cache is keyed by process id: a forked child builds its own app rather than sharing the
    parent's engine and Redis connections.
    """
    global _cached
    if has_app_context():
        return current_app._get_current_object()
    with _lock:
        if _cached is None or _cached[0] != os.getpid():
            from llsearch.app import create_app  # jobs sit below the app: import it only when needed

            _cached = (os.getpid(), create_app())
        return _cached[1]


@contextmanager
def job_runtime() -> Iterator[Runtime]:
    """`with job_runtime() as runtime:` inside a job function: an app context and its Runtime."""
    app = job_app()
    with app.app_context():
        yield app.extensions["llsearch"]
