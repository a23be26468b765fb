"""Delivering a raised alert to every sink: one job per sink on the `alerts` queue.

Each (alert, sink) pair is its own job, with the queue's retries and back-off (rq's Retry with
Redis; timers of the in-process runner without it), so a sink that fails or hangs never holds up
the others, and a flaky one is retried alone. A job rebuilds its sink by name from the settings
of the process that runs it (`register_alert_sinks`), so secrets never travel through Redis.
"""

from __future__ import annotations

import hashlib
import logging
import time
from typing import Any

from llsearch.plugins import collect

from llsearch_alerts.settings import AlertSettings

log = logging.getLogger(__name__)

DELIVER = "llsearch_alerts.delivery.deliver_to_sink"


def all_sinks(runtime: Any) -> list:
    """The sinks of every plugin (`register_alert_sinks`), valid ones only, first of each name."""
    sinks: dict[str, Any] = {}
    for sink in collect(runtime.plugins, "register_alert_sinks", settings=runtime.settings):
        name = getattr(sink, "name", None)
        if not name or not callable(getattr(sink, "send", None)):
            log.error("alert sink %r has no name or no send(alert); ignored", sink)
        elif name in sinks:
            log.error("alert sink %s is declared twice; the first one is kept", name)
        else:
            sinks[name] = sink
    return list(sinks.values())


def delivery_id(alert: dict, sink: str, prefix: str) -> str:
    digest = hashlib.sha256(f"{alert.get('dedup_key')}|{alert.get('fired_at')}|{sink}".encode()).hexdigest()
    return f"{prefix}alert-{sink}-{digest[:16]}"


def dispatch(runtime: Any, alert: dict) -> list[str]:
    """Enqueue one delivery per sink; returns the job ids (an enqueue that fails is logged)."""
    config = AlertSettings.load(runtime.settings)
    job_ids = []
    for sink in all_sinks(runtime):
        job_id = delivery_id(alert, sink.name, runtime.names.prefix)
        try:
            if runtime.jobs is None:
                deliver_with_retries(sink, alert, config.retries, config.retry_seconds)
                continue
            runtime.jobs.enqueue(DELIVER, kwargs={"alert": alert, "sink": sink.name}, queue="alerts",
                                 retries=config.retries, retry_intervals=config.retry_seconds,
                                 timeout=int(max(30, config.smtp_timeout * 3)), job_id=job_id)
        except Exception:
            log.exception("alert %s not handed to sink %s", alert.get("name"), sink.name)
            continue
        job_ids.append(job_id)
    return job_ids


def deliver_to_sink(alert: dict, sink: str) -> str:
    """The job: one attempt at one sink; raising lets the queue retry it."""
    from llsearch.jobs.context import job_runtime

    with job_runtime() as runtime:
        found = {item.name: item for item in all_sinks(runtime)}
    if sink not in found:
        log.error("alert sink %s is not configured in this process; delivery dropped", sink)
        return "dropped"
    found[sink].send(alert)
    log.info("alert %s delivered to %s", alert.get("name"), sink)
    return "delivered"


def deliver_with_retries(sink: Any, alert: dict, retries: int, intervals: tuple[int, ...],
                         sleep=time.sleep) -> bool:
    """Inline fallback (no job queue at all): bounded attempts with the given back-off."""
    for attempt in range(retries + 1):
        try:
            sink.send(alert)
            return True
        except Exception as exc:
            if attempt == retries:
                log.error("alert %s to %s failed for good: %s", alert.get("name"), sink.name, exc)
                return False
            delay = intervals[min(attempt, len(intervals) - 1)]
            log.warning("alert %s to %s failed, retry in %ss: %s", alert.get("name"), sink.name, delay, exc)
            sleep(delay)
    return False
