"""The alerting path beside Prometheus (llsearch-alerts): overdue items and CRITICAL lessons reach a
signed webhook, a Slack webhook and a mailbox through real rq jobs, once per window, with retries.

Everything runs for real: the engine, Redis, an rq worker (burst, in this process), local HTTP
receivers and an SMTP server on 127.0.0.1.
"""

from __future__ import annotations

import signal
import uuid

import pytest
from rq.registry import FailedJobRegistry

from llsearch.app import create_app
from llsearch.jobs.context import use_job_app
from llsearch.jobs.workers import InProcessWorker
from llsearch.model.dates import parse_datetime
from llsearch.plugins import collect
from llsearch_alerts.alerts import OVERDUE_KEY, check_overdue, fire
from llsearch_alerts.dedup import Deduplicator
from llsearch_alerts.jobs import periodic_jobs
from llsearch_alerts.sinks import SIGNATURE_HEADER, verify
from llsearch_alerts.testing import SmtpReceiver, WebhookReceiver

NOW = parse_datetime("2026-12-01T12:00:00Z")
SECRET = "hook-secret"


def overdue_in_engine(runtime) -> int:
    item = {"bool": {"filter": [{"range": {"action_items.due_date": {"lt": "2026-12-01"}}}],
                     "must_not": [{"term": {"action_items.status": "COMPLETED"}}]}}
    answer = runtime.engine.search(index=runtime.names.lessons, body={"size": 0, "aggs": {"items": {
        "nested": {"path": "action_items"}, "aggs": {"overdue": {"filter": item}}}}})
    return answer["aggregations"]["items"]["overdue"]["doc_count"]


@pytest.fixture
def receivers():
    with WebhookReceiver() as hook, WebhookReceiver() as slack, SmtpReceiver() as smtp:
        yield hook, slack, smtp


def alerting_app(config: dict, receivers, **settings):
    hook, slack, smtp = receivers
    app = create_app({
        **config,
        "alerts_webhook_url": hook.url, "alerts_webhook_secret": SECRET,
        "alerts_slack_webhook_url": slack.url,
        "alerts_smtp_host": "127.0.0.1", "alerts_smtp_port": smtp.port, "alerts_smtp_to": "ops@example.com",
        "alerts_retry_seconds": "0",
        **settings,
    })
    app.extensions["llsearch"].clock = lambda: NOW
    return app


@pytest.fixture
def dataset_config(dataset, base_config) -> dict:
    """The dataset's lessons (read only here), with dedup keys of this test's own."""
    return {**base_config, "index_prefix": dataset[0].extensions["llsearch"].names.prefix}


@pytest.fixture
def clean_dedup(redis_url):
    import redis

    connection = redis.Redis.from_url(redis_url)
    yield
    for key in connection.scan_iter("llsearch:*alerts:dedup:*"):
        connection.delete(key)


def work(app) -> None:
    """Run the app's alerts queue to empty with a real rq worker, in this process."""
    saved = {signum: signal.getsignal(signum) for signum in (signal.SIGINT, signal.SIGTERM)}
    use_job_app(app)
    try:
        runtime = app.extensions["llsearch"]
        InProcessWorker([runtime.jobs.queue("alerts")], connection=runtime.redis).work(burst=True)
    finally:
        use_job_app(None)
        for signum, handler in saved.items():
            signal.signal(signum, handler)


def test_the_periodic_check_alerts_every_sink_once_per_window(dataset_config, receivers, clean_dedup):
    hook, slack, smtp = receivers
    app = alerting_app(dataset_config, receivers)
    runtime = app.extensions["llsearch"]
    expected = overdue_in_engine(runtime)
    assert expected > 2
    (job,) = [job for job in periodic_jobs() if job.name == "alerts-overdue-check"]
    assert job in collect(runtime.plugins, "register_periodic_jobs")
    queued = runtime.jobs.enqueue(job.func, kwargs=job.kwargs, queue=job.queue, timeout=job.timeout,
                                  retries=job.retries, retry_intervals=job.retry_intervals)
    work(app)  # the check, then the three deliveries it enqueued
    assert queued.return_value() == {"overdue_count": expected, "threshold": 2, "raised": True}

    (delivery,) = hook.requests
    assert verify(delivery.body, SECRET, delivery.headers[SIGNATURE_HEADER])
    alert = delivery.json()
    assert alert["name"] == "LessonsLearnedOverdueActionItems" and alert["dedup_key"] == OVERDUE_KEY
    assert alert["details"]["overdue_count"] == expected and alert["fired_at"] == "2026-12-01T12:00:00Z"
    assert sum(row["overdue"] for row in alert["details"]["by_component"]) <= expected
    assert slack.requests[0].json()["text"].startswith(f"[WARNING] {expected} lesson-learned action items")
    assert smtp.messages[0]["To"] == "ops@example.com"

    with app.app_context():
        assert check_overdue(runtime)["raised"] is False  # same window: deduplicated
    work(app)
    assert len(hook.requests) == len(slack.requests) == len(smtp.messages) == 1


def test_the_threshold_is_a_setting_and_clearing_it_re_arms_the_alert(dataset_config, receivers, clean_dedup):
    runtime = alerting_app(dataset_config, receivers, alerts_overdue_threshold=10**6).extensions["llsearch"]
    runtime.redis.set(f"llsearch:{runtime.names.prefix}alerts:dedup:{OVERDUE_KEY}", "1")
    assert check_overdue(runtime)["raised"] is False
    assert runtime.redis.get(f"llsearch:{runtime.names.prefix}alerts:dedup:{OVERDUE_KEY}") is None


def test_a_failing_sink_is_retried_and_never_blocks_the_others(dataset_config, receivers, clean_dedup):
    hook, slack, smtp = receivers
    hook.statuses = [500, 503, 200]  # fails twice, then accepts
    slack.statuses = [500]  # always fails
    app = alerting_app(dataset_config, receivers, alerts_retries=2)
    runtime = app.extensions["llsearch"]
    alert = {"name": "Test", "severity": "info", "summary": "retry me", "details": {},
             "fired_at": "2026-12-01T12:00:00Z", "dedup_key": f"test:{uuid.uuid4().hex}"}
    with app.app_context():
        assert fire(runtime, alert)
    work(app)
    assert len(hook.requests) == 3 and hook.requests[-1].json() == alert
    assert len(slack.requests) == 3  # the first attempt and two retries, then given up
    assert len(smtp.messages) == 1
    failed = FailedJobRegistry(queue=runtime.jobs.queue("alerts"))
    assert any("-alert-slack-" in job_id for job_id in failed.get_job_ids())


def test_without_redis_alerts_are_deduplicated_and_delivered_in_process(dataset_config, receivers):
    hook, slack, smtp = receivers
    app = alerting_app({**dataset_config, "redis_url": None}, receivers,
                       alerts_dedup_seconds=3600, alerts_slack_webhook_url=None, alerts_smtp_host=None)
    runtime = app.extensions["llsearch"]
    Deduplicator(None, runtime.names.prefix, 1).forget(OVERDUE_KEY)
    with app.app_context():
        assert check_overdue(runtime)["raised"] is True
        assert check_overdue(runtime)["raised"] is False
    (delivery,) = hook.wait_for(1)
    assert delivery.json()["name"] == "LessonsLearnedOverdueActionItems"
    assert slack.requests == [] and smtp.messages == []
    Deduplicator(None, runtime.names.prefix, 1).forget(OVERDUE_KEY)


def lesson(severity: str) -> dict:
    return {"category": "OPERATIONAL", "severity": severity, "component": "market_data",
            "title": f"Exchange feed lost ({severity})", "situation": "O feed da bolsa caiu por 20 minutos.",
            "author": "Ana Souza"}


def test_a_new_critical_lesson_alerts_and_other_writes_do_not(base_config, receivers, auth, clean_dedup):
    hook, slack, smtp = receivers
    app = alerting_app(base_config, receivers)
    app.extensions["llsearch"].clock = lambda: parse_datetime("2026-06-10T08:00:00Z")
    client = app.test_client()
    high = client.post("/api/lessons-learned", json=lesson("HIGH"), headers=auth("psa"))
    critical = client.post("/api/lessons-learned", json=lesson("CRITICAL"), headers=auth("psa"))
    assert high.status_code == critical.status_code == 201
    patched = client.patch(f"/api/lessons-learned/{critical.json['id']}", json={"impact": "20 min sem cotações"},
                           headers={**auth("psa"), "If-Match": critical.headers["ETag"]})
    assert patched.status_code == 200
    work(app)
    (delivery,) = hook.requests
    alert = delivery.json()
    assert alert["name"] == "LessonsLearnedCriticalLessonRecorded" and alert["severity"] == "critical"
    assert alert["details"]["lesson_id"] == critical.json["id"]
    assert alert["dedup_key"] == f"critical_lesson:{critical.json['id']}"
    assert len(slack.requests) == len(smtp.messages) == 1
    assert critical.json["id"] in smtp.messages[0]["Subject"]


def test_without_the_alerts_plugin_writes_go_on_and_nothing_is_sent(base_config, receivers, auth):
    hook, slack, smtp = receivers
    app = alerting_app(base_config, receivers, plugins_allow="prometheus")
    runtime = app.extensions["llsearch"]
    assert collect(runtime.plugins, "register_alert_sinks", settings=runtime.settings) == []
    created = app.test_client().post("/api/lessons-learned", json=lesson("CRITICAL"), headers=auth("psa"))
    assert created.status_code == 201
    work(app)
    assert hook.requests == [] and slack.requests == [] and smtp.messages == []
