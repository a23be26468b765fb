"""`llsearch serve`: gunicorn with several workers, or the Flask reloader with --dev."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import click
from gunicorn.app.base import BaseApplication

from llsearch.commands.engine import embedded_engine
from llsearch.config import load_settings
from llsearch.engine.client import make_client
from llsearch.engine.setup import setup
from llsearch.jobs.periodic import start_in_process_runner


class GunicornServer(BaseApplication):
    """Each worker builds its own app (no preload), so engine and Redis connections are per process."""

    def __init__(self, options: dict):
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):
        from llsearch.app import create_app

        return create_app()


@click.command()
@click.option("--host", help="Address to bind (default LLSEARCH_HOST or 127.0.0.1)")
@click.option("--port", type=int, help="Port (default LLSEARCH_PORT or 8080)")
@click.option("--workers", type=int, help="gunicorn workers (default LLSEARCH_WORKERS or 3)")
@click.option("--dev", is_flag=True, help="Flask's development server with the reloader")
def serve(host: str | None, port: int | None, workers: int | None, dev: bool) -> None:
    """Serve the API; with no LLSEARCH_OPENSEARCH_URL the embedded engine is started or reused first."""
    overrides = {k: v for k, v in {"host": host, "port": port, "workers": workers}.items() if v}
    settings = load_settings(overrides)
    if settings.embedded:
        record = embedded_engine(settings).start()
        click.echo(f"engine at {record['url']}")
    setup(make_client(settings), settings)
    click.echo(f"serving on http://{settings.host}:{settings.port}")
    if dev:
        from llsearch.app import create_app

        app = create_app()
        if os.environ.get("WERKZEUG_RUN_MAIN") == "true":  # the reloader's child serves; its parent watches
            start_in_process_runner(app)
        app.run(host=settings.host, port=settings.port, debug=True, use_reloader=True)
        return
    _shared_metrics_dir(settings)
    GunicornServer({
        "bind": f"{settings.host}:{settings.port}",
        "workers": settings.workers,
        "worker_class": "sync",
        "timeout": 60,
        "graceful_timeout": 20,
        "accesslog": "-",
        "errorlog": "-",
        "when_ready": _periodic_jobs_in_master,
    }).run()


def _shared_metrics_dir(settings) -> None:
    """Workers write HTTP metrics to one fresh directory so any of them answers a scrape with all."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR") or settings.workers < 2:
        return
    directory = Path(settings.data_dir).resolve() / "prometheus-multiproc"
    shutil.rmtree(directory, ignore_errors=True)  # stale files of a previous run would be summed in
    directory.mkdir(parents=True)
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(directory)


def _periodic_jobs_in_master(arbiter) -> None:
    """Without Redis, periodic jobs run on a thread of the gunicorn master: once, not once per worker."""
    if not load_settings().redis_url:
        from llsearch.app import create_app

        start_in_process_runner(create_app())
