"""`llsearch worker` runs rq jobs; `llsearch scheduler` keeps the periodic jobs scheduled."""

from __future__ import annotations

import logging
import signal
import threading

import click
import redis

from llsearch.config import Settings, load_settings
from llsearch.jobs.periodic import rq_scheduler, utc_now
from llsearch.jobs.queues import QUEUES, queue_name
from llsearch.jobs.schedule import next_run
from llsearch.jobs.workers import ForkingWorker, InProcessWorker
from llsearch.plugins import get_plugin_manager

WORK_ORDER = ["alerts", "metrics", "default", "maintenance"]  # rq takes from the first non-empty queue


def _redis_settings() -> Settings:
    settings = load_settings()
    if not settings.redis_url:
        raise click.ClickException(
            "LLSEARCH_REDIS_URL is not set; without Redis `llsearch serve` runs periodic jobs in-process"
        )
    return settings


def _purposes(value: str | None) -> list[str]:
    if not value:
        return WORK_ORDER
    chosen = [item.strip() for item in value.split(",") if item.strip()]
    unknown = [item for item in chosen if item not in QUEUES]
    if unknown:
        raise click.BadParameter(f"unknown queue(s) {', '.join(unknown)}; queues are {', '.join(QUEUES)}")
    return chosen


@click.command()
@click.option("--queues", help=f"Comma list of queues to work on, in priority order (default {','.join(WORK_ORDER)})")
@click.option("--burst", is_flag=True, help="Work until the queues are empty, then exit")
@click.option("--fork", is_flag=True, help="Run each job in a forked child (isolation; the child builds its own app)")
@click.option("--with-scheduler/--without-scheduler", default=True, show_default=True,
              help="Also move due delayed jobs (retry intervals) onto their queues")
def worker(queues: str | None, burst: bool, fork: bool, with_scheduler: bool) -> None:
    """Run an rq worker; the app (engine and Redis connections, plugins) is built once per process."""
    settings = _redis_settings()
    purposes = _purposes(queues)
    connection = redis.Redis.from_url(settings.redis_url)  # no socket timeout: rq blocks on BLPOP
    if not fork:
        from llsearch.app import create_app
        from llsearch.jobs.context import use_job_app

        use_job_app(create_app())
    names = [queue_name(purpose, settings.index_prefix) for purpose in purposes]
    worker_class = ForkingWorker if fork else InProcessWorker
    rq_worker = worker_class(names, connection=connection)
    click.echo(f"worker {rq_worker.name} on {', '.join(names)}")
    rq_worker.work(burst=burst, with_scheduler=with_scheduler)


@click.command()
@click.option("--once", is_flag=True, help="Enqueue the runs due now, then exit")
@click.option("--list", "list_only", is_flag=True, help="Show the periodic jobs and their next run")
def scheduler(once: bool, list_only: bool) -> None:
    """Enqueue every periodic job at its run times; safe to run twice (each run is claimed once)."""
    settings = _redis_settings()
    connection = redis.Redis.from_url(settings.redis_url, socket_timeout=10)
    planner = rq_scheduler(get_plugin_manager(settings), connection, settings.index_prefix)
    if list_only:
        now = utc_now()
        for job in planner.jobs:
            click.echo(f"{job.name}  {job.schedule}  queue {job.queue}  next {next_run(job, now).isoformat()}"
                       f"  {job.func}")
        return
    if once:
        for job_id in planner.tick():
            click.echo(f"enqueued {job_id}")
        return
    if not logging.getLogger().handlers:
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    click.echo(f"scheduler for {len(planner.jobs)} periodic jobs")
    planner.run(stop)
