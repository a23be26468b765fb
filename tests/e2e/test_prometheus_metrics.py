"""An operator scrapes /metrics: lessons_learned_* equal the dataset's counts, computed independently here.

The llsearch-prometheus plugin is installed in the venv (plugins/llsearch-prometheus), so every app
built by create_app has /metrics; the last test builds one without it.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections import Counter, defaultdict
from datetime import date, timedelta

import pytest
from prometheus_client.parser import text_string_to_metric_families

from llsearch.app import create_app
from llsearch.model.dates import parse_datetime
from llsearch.model.durations import parse_duration_seconds

NOW = parse_datetime("2026-12-01T12:00:00Z")  # the dataset fixture's pinned clock
TODAY = NOW.date()


def scrape(client) -> dict[tuple, float]:
    """`{(sample name, (label, value)...): value}` of one /metrics answer."""
    answer = client.get("/metrics")
    assert answer.status_code == 200, answer.data[:300]
    assert answer.headers["Content-Type"].startswith("text/plain; version=0.0.4")
    samples = {}
    for family in text_string_to_metric_families(answer.get_data(as_text=True)):
        for sample in family.samples:
            samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return samples


def family(samples: dict, name: str, label: str) -> dict[str, float]:
    return {dict(labels)[label]: value for (sample, labels), value in samples.items() if sample == name}


def open_items(lessons):
    for lesson in lessons:
        for item in lesson.get("action_items", []):
            if item["status"] != "COMPLETED":
                yield lesson, item


def due_bucket(due: str | None) -> str:
    if due is None:
        return "no_due_date"
    late = (TODAY - date.fromisoformat(due)).days
    if late > 30:
        return "overdue_over_30_days"
    if late > 7:
        return "overdue_8_to_30_days"
    if late >= 1:
        return "overdue_1_to_7_days"
    return "due_within_7_days" if late >= -7 else "due_later"


def age_bucket(created: str) -> str:
    age = (TODAY - parse_datetime(created).date()).days
    for bound, key in ((7, "0_to_7_days"), (30, "8_to_30_days"), (90, "31_to_90_days"), (365, "91_to_365_days")):
        if age <= bound:
            return key
    return "over_365_days"


def mean_seconds(lessons, field: str) -> dict[str, float]:
    values = defaultdict(list)
    for lesson in lessons:
        text = (lesson.get("metrics") or {}).get(field)
        if text:
            values[lesson["severity"]].append(parse_duration_seconds(text))
    return {severity: sum(found) / len(found) for severity, found in values.items()}


@pytest.fixture(scope="module")
def scraped(dataset, data_client):
    return scrape(data_client)


def test_lessons_by_category_and_severity_and_by_component(dataset, scraped):
    _, lessons = dataset
    expected = Counter((lesson["category"], lesson["severity"]) for lesson in lessons)
    got = {(dict(labels)["category"], dict(labels)["severity"]): value
           for (name, labels), value in scraped.items() if name == "lessons_learned_total"}
    assert len(got) == 16  # every category x severity, zeros included
    assert got == {key: expected.get(key, 0) for key in got}
    assert family(scraped, "lessons_learned_by_component", "component") == Counter(
        lesson["component"] for lesson in lessons)


def test_open_and_overdue_action_items_by_component(dataset, scraped):
    _, lessons = dataset
    open_by_component = Counter(lesson["component"] for lesson, _ in open_items(lessons))
    overdue = Counter(lesson["component"] for lesson, item in open_items(lessons)
                      if item.get("due_date") and item["due_date"] < TODAY.isoformat())
    components = {lesson["component"] for lesson in lessons}
    assert family(scraped, "lessons_learned_action_items_open", "component") == {
        name: open_by_component.get(name, 0) for name in components}
    assert family(scraped, "lessons_learned_action_items_overdue", "component") == {
        name: overdue.get(name, 0) for name in components}
    assert sum(overdue.values()) > 2  # the alert of ops/prometheus/alerts.yml fires on this data


def test_action_items_by_status_due_date_and_age(dataset, scraped):
    _, lessons = dataset
    statuses = Counter(item["status"] for lesson in lessons for item in lesson.get("action_items", []))
    assert family(scraped, "lessons_learned_action_items", "status") == {
        status: statuses.get(status, 0) for status in ("OPEN", "IN_PROGRESS", "COMPLETED")}
    by_due = Counter(due_bucket(item.get("due_date")) for _, item in open_items(lessons))
    got_due = family(scraped, "lessons_learned_action_items_open_by_due", "due")
    assert got_due == {key: by_due.get(key, 0) for key in got_due} and len(got_due) == 6
    by_age = Counter(age_bucket(lesson["timestamp_created"]) for lesson, _ in open_items(lessons))
    got_age = family(scraped, "lessons_learned_action_items_open_by_age", "age")
    assert got_age == {key: by_age.get(key, 0) for key in got_age} and len(got_age) == 5
    assert sum(got_age.values()) == sum(got_due.values()) == len(list(open_items(lessons)))


def test_mean_times_to_detect_and_resolve_and_the_last_day(dataset, scraped):
    _, lessons = dataset
    for name, field in (("lessons_learned_mttd_seconds", "time_to_detect"),
                        ("lessons_learned_mttr_seconds", "time_to_resolve")):
        expected = mean_seconds(lessons, field)
        got = family(scraped, name, "severity")
        assert got.keys() == expected.keys()
        for severity, value in expected.items():
            assert got[severity] == pytest.approx(value, rel=1e-9)
    day_ago = NOW - timedelta(days=1)
    recent = Counter(lesson["severity"] for lesson in lessons
                     if parse_datetime(lesson["timestamp_created"]) >= day_ago)
    got = family(scraped, "lessons_learned_created_last_24h", "severity")
    assert got == {severity: recent.get(severity, 0) for severity in ("CRITICAL", "HIGH", "MEDIUM", "LOW")}
    assert scraped[("lessons_learned_engine_up", ())] == 1


def test_promtool_accepts_the_exposition(data_client, client):
    client.get("/readyz")  # some HTTP metrics in the output too
    for answer in (data_client.get("/metrics"), client.get("/metrics")):
        checked = subprocess.run([shutil.which("promtool") or "/usr/bin/promtool", "check", "metrics"],
                                 input=answer.data, capture_output=True, timeout=60)
        assert checked.returncode == 0, checked.stdout + checked.stderr


def test_http_requests_are_counted_by_route_template_not_by_lesson_id(client, auth):
    client.get("/api/lessons-learned/LL-2026-01-01-999", headers=auth("reader"))
    samples = scrape(client)
    durations = {dict(labels)["path"] for (name, labels) in samples
                 if name == "flask_http_request_duration_seconds_count"}
    assert any(path.startswith("/api/lessons-learned/<") and "lesson_id>" in path for path in durations)
    assert not any("LL-2026" in path for path in durations) and "/metrics" not in durations
    assert samples[("flask_http_request_total", (("method", "GET"), ("status", "404")))] >= 1


def test_a_write_refreshes_the_cached_values(client, auth, app):
    """The snapshot is cached in Redis for 10 s; creating a lesson drops it, the next scrape counts it."""
    key = ("lessons_learned_total", (("category", "SECURITY"), ("severity", "LOW")))
    before = scrape(client).get(key, 0)
    body = {"category": "SECURITY", "severity": "LOW", "component": "dns", "title": "Zone transfer open",
            "situation": "AXFR was open to the internet.", "author": "Ana Souza",
            "action_items": [{"action": "Close AXFR", "owner": "Bruno", "due_date": "2020-01-01"}]}
    created = client.post("/api/lessons-learned", json=body, headers=auth("psa"))
    assert created.status_code == 201, created.json
    after = scrape(client)
    assert after[key] == before + 1
    assert after[("lessons_learned_action_items_overdue", (("component", "dns"),))] >= 1


def test_workers_share_the_cached_snapshot(dataset, data_client):
    """Whatever process computed the snapshot, every worker on the same Redis serves it as is."""
    runtime = dataset[0].extensions["llsearch"]
    key = f"llsearch:{runtime.names.prefix}prometheus:snapshot"
    scrape(data_client)
    shared = json.loads(runtime.redis.get(key))
    shared["lessons"][0][2] = 424242  # what another worker would have computed a moment ago
    runtime.redis.set(key, json.dumps(shared), px=5000)
    try:
        other_app = create_app({**runtime_config(dataset), "index_prefix": runtime.names.prefix})
        other_app.extensions["llsearch"].clock = runtime.clock
        category, severity, _ = shared["lessons"][0]
        got = scrape(other_app.test_client())
        assert got[("lessons_learned_total", (("category", category), ("severity", severity)))] == 424242
    finally:
        runtime.redis.delete(key)


def runtime_config(dataset) -> dict:
    settings = dataset[0].extensions["llsearch"].settings
    return {"opensearch_url": settings.opensearch_url, "redis_url": settings.redis_url,
            "data_dir": str(settings.data_dir), "encryption_keys": settings.encryption_keys}


def test_an_unreachable_engine_serves_the_last_snapshot_flagged(dataset, data_client):
    runtime = dataset[0].extensions["llsearch"]
    scrape(data_client)  # the last good snapshot is stored
    down = create_app({**runtime_config(dataset), "index_prefix": runtime.names.prefix,
                       "opensearch_url": "http://127.0.0.1:9", "prometheus_cache_seconds": 0})
    samples = scrape(down.test_client())
    assert samples[("lessons_learned_engine_up", ())] == 0
    assert sum(value for (name, _), value in samples.items() if name == "lessons_learned_total") == len(dataset[1])
    assert ("lessons_learned_snapshot_timestamp_seconds", ()) in samples


def test_without_redis_each_scrape_asks_the_engine(dataset):
    config = {**runtime_config(dataset), "redis_url": None,
              "index_prefix": dataset[0].extensions["llsearch"].names.prefix}
    alone = create_app(config)
    alone.extensions["llsearch"].clock = lambda: NOW
    samples = scrape(alone.test_client())
    assert sum(value for (name, _), value in samples.items() if name == "lessons_learned_total") == len(dataset[1])
    assert samples[("lessons_learned_engine_up", ())] == 1


def test_without_the_plugin_metrics_are_gone_and_nothing_else_breaks(base_config, auth):
    for settings in ({"plugins_allow": "template"}, {"plugins_autoload": False}):
        bare = create_app({**base_config, **settings})
        assert "prometheus" not in dict(bare.extensions["llsearch"].plugins.list_name_plugin())
        client = bare.test_client()
        assert client.get("/metrics").status_code == 404
        assert client.get("/readyz").status_code == 200
        found = client.get("/api/lessons-learned?category=SECURITY", headers=auth("reader"))
        assert found.status_code == 200 and "items" in found.json


def test_the_daily_sync_runs_at_midnight_utc_on_a_real_worker(dataset):
    import signal

    from llsearch.jobs.context import use_job_app
    from llsearch.jobs.periodic import periodic_jobs
    from llsearch.jobs.workers import InProcessWorker

    app, lessons = dataset
    runtime = app.extensions["llsearch"]
    (job,) = [job for job in periodic_jobs(runtime.plugins) if job.name == "prometheus-daily-sync"]
    assert (job.cron, job.queue) == ("0 0 * * *", "metrics")
    runtime.redis.delete(f"llsearch:{runtime.names.prefix}prometheus:snapshot")
    queued = runtime.jobs.enqueue(job.func, kwargs=job.kwargs, queue=job.queue, timeout=job.timeout,
                                  retries=job.retries, retry_intervals=job.retry_intervals)
    saved = {signum: signal.getsignal(signum) for signum in (signal.SIGINT, signal.SIGTERM)}
    use_job_app(app)
    try:
        InProcessWorker([runtime.jobs.queue("metrics")], connection=runtime.redis).work(burst=True)
    finally:
        use_job_app(None)
        for signum, handler in saved.items():
            signal.signal(signum, handler)
    overdue = sum(1 for _, item in open_items(lessons) if item.get("due_date") and item["due_date"] < TODAY.isoformat())
    assert queued.return_value() == {"today": "2026-12-01", "lessons": len(lessons),
                                     "open_action_items": len(list(open_items(lessons))),
                                     "overdue_action_items": overdue}
    cached = json.loads(runtime.redis.get(f"llsearch:{runtime.names.prefix}prometheus:snapshot"))
    last = json.loads(runtime.redis.get(f"llsearch:{runtime.names.prefix}prometheus:last"))
    assert cached["today"] == last["today"] == "2026-12-01" and cached["lessons_total"] == len(lessons)


def test_llsearch_metrics_show_and_sync_on_the_command_line(dataset):
    from click.testing import CliRunner

    from llsearch.cli import main

    settings = dataset[0].extensions["llsearch"].settings
    env = {"LLSEARCH_OPENSEARCH_URL": settings.opensearch_url, "LLSEARCH_REDIS_URL": settings.redis_url,
           "LLSEARCH_INDEX_PREFIX": settings.index_prefix, "LLSEARCH_ENCRYPTION_KEYS": settings.encryption_keys,
           "LLSEARCH_DATA_DIR": str(settings.data_dir)}
    shown = CliRunner().invoke(main, ["metrics", "show"], env=env)
    assert shown.exit_code == 0, shown.output
    totals = [sample.value for family in text_string_to_metric_families(shown.output)
              if family.name == "lessons_learned_total" for sample in family.samples]
    assert sum(totals) == len(dataset[1])
    synced = CliRunner().invoke(main, ["metrics", "sync"], env=env)
    assert synced.exit_code == 0, synced.output
    assert json.loads(synced.output.strip().splitlines()[-1])["lessons"] == len(dataset[1])
    down = CliRunner().invoke(main, ["metrics", "show"], env={**env, "LLSEARCH_OPENSEARCH_URL": "http://127.0.0.1:9"})
    assert down.exit_code == 1 and "engine" in down.output.lower()
