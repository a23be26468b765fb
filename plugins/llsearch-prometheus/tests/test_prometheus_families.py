"""The exporter as data: one aggregation body, its shaping into a snapshot, the families it exports."""

from __future__ import annotations

import shutil
import subprocess
from datetime import datetime, timedelta, timezone

from click.testing import CliRunner
from prometheus_client import CollectorRegistry, generate_latest

import llsearch_prometheus
from llsearch.config import load_settings
from llsearch.jobs.schedule import next_run
from llsearch.plugins import collect, get_plugin_manager
from llsearch_prometheus.aggregation import DUE_BUCKETS, metrics_body, shape_snapshot, utc_today
from llsearch_prometheus.collector import LessonsCollector
from llsearch_prometheus.snapshot import Reading, SnapshotStore

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=timezone.utc)


def buckets(**counts):
    return [{"key": key, "doc_count": value} for key, value in counts.items()]


def engine_answer() -> dict:
    """What the engine answers to metrics_body, for two components and a few items."""
    open_items = lambda n, late: {"doc_count": 0, "open": {"doc_count": n, "overdue": {"doc_count": late}}}  # noqa: E731
    return {
        "took": 7,
        "hits": {"total": {"value": 5, "relation": "eq"}},
        "aggregations": {
            "by_category": {"buckets": [{"key": "TECHNICAL", "doc_count": 4,
                                         "by_severity": {"buckets": buckets(CRITICAL=1, LOW=3)}},
                                        {"key": "SECURITY", "doc_count": 1,
                                         "by_severity": {"buckets": buckets(HIGH=1)}}]},
            "by_severity": {"buckets": [
                {"key": "LOW", "doc_count": 3, "detect": {"value": 600.0}, "resolve": {"value": 7200.0}},
                {"key": "CRITICAL", "doc_count": 1, "detect": {"value": 60.0}, "resolve": {"value": None}}]},
            "last_day": {"doc_count": 1, "by_severity": {"buckets": buckets(CRITICAL=1)}},
            "by_component": {"buckets": [
                {"key": "dns", "doc_count": 2, "items": open_items(3, 2)},
                {"key": "kafka", "doc_count": 3, "items": open_items(0, 0)}]},
            "items": {"doc_count": 6, "by_status": {"buckets": buckets(OPEN=2, COMPLETED=3, IN_PROGRESS=1)},
                      "open": {"doc_count": 3, "no_due_date": {"doc_count": 0},
                               "by_due": {"buckets": {"overdue_over_30_days": {"doc_count": 2},
                                                      "due_later": {"doc_count": 1}}}}},
            "open_age": {"buckets": {"0_to_7_days": {"doc_count": 1, "items": {"open": {"doc_count": 1}}},
                                     "over_365_days": {"doc_count": 1, "items": {"open": {"doc_count": 2}}}}},
        },
    }


def test_one_search_computes_everything_relative_to_the_utc_day():
    body = metrics_body(NOW)
    assert body["size"] == 0 and set(body["aggs"]) == {
        "by_category", "by_severity", "last_day", "by_component", "items", "open_age"}
    overdue = body["aggs"]["by_component"]["aggs"]["items"]["aggs"]["open"]["aggs"]["overdue"]
    assert overdue == {"filter": {"range": {"action_items.due_date": {"lt": "2026-12-01"}}}}
    ranges = body["aggs"]["items"]["aggs"]["open"]["aggs"]["by_due"]["date_range"]["ranges"]
    assert ranges[0] == {"key": "overdue_over_30_days", "to": "2026-11-01"}
    assert ranges[3] == {"key": "due_within_7_days", "from": "2026-12-01", "to": "2026-12-09"}
    assert body["aggs"]["last_day"]["filter"] == {"range": {"timestamp_created": {"gte": "2026-11-30T12:00:00Z"}}}


def test_the_day_is_the_utc_day_whatever_the_clock_zone():
    late_in_sao_paulo = datetime(2026, 11, 30, 22, 30, tzinfo=timezone(timedelta(hours=-3)))
    assert utc_today(late_in_sao_paulo).isoformat() == "2026-12-01"
    assert utc_today(datetime(2026, 12, 1, 0, 0)).isoformat() == "2026-12-01"  # naive = UTC


def test_the_snapshot_zero_fills_every_closed_vocabulary():
    snapshot = shape_snapshot(engine_answer(), NOW, computed_at=1.5)
    assert len(snapshot["lessons"]) == 16 and ["TECHNICAL", "LOW", 3] in snapshot["lessons"]
    assert ["PROCESS", "CRITICAL", 0] in snapshot["lessons"]
    assert snapshot["components"] == [["dns", 2, 3, 2], ["kafka", 3, 0, 0]]
    assert snapshot["items_by_status"] == {"OPEN": 2, "IN_PROGRESS": 1, "COMPLETED": 3}
    assert list(snapshot["open_by_due"]) == list(DUE_BUCKETS) and snapshot["open_by_due"]["due_later"] == 1
    assert snapshot["open_by_age"] == {"0_to_7_days": 1, "8_to_30_days": 0, "31_to_90_days": 0,
                                       "91_to_365_days": 0, "over_365_days": 2}
    assert snapshot["mttr_seconds"] == {"CRITICAL": None, "HIGH": None, "MEDIUM": None, "LOW": 7200.0}
    assert snapshot["created_last_24h"]["CRITICAL"] == 1 and snapshot["today"] == "2026-12-01"


def exposition(reading: Reading) -> str:
    registry = CollectorRegistry()
    registry.register(LessonsCollector(lambda: reading))
    return generate_latest(registry).decode()


def test_the_families_are_the_contract_ones_and_promtool_accepts_them():
    text = exposition(Reading(shape_snapshot(engine_answer(), NOW, computed_at=1.5), engine_up=True))
    assert '# TYPE lessons_learned_total untyped' in text
    assert 'lessons_learned_total{category="TECHNICAL",severity="CRITICAL"} 1.0' in text
    assert 'lessons_learned_action_items_open{component="dns"} 3.0' in text
    assert 'lessons_learned_action_items_overdue{component="dns"} 2.0' in text
    assert 'lessons_learned_mttr_seconds{severity="LOW"} 7200.0' in text
    assert 'lessons_learned_mttr_seconds{severity="CRITICAL"}' not in text  # no data: no sample
    assert "lessons_learned_engine_up 1.0" in text
    checked = subprocess.run([shutil.which("promtool") or "/usr/bin/promtool", "check", "metrics"],
                             input=text.encode(), capture_output=True, timeout=60)
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_with_no_snapshot_at_all_only_the_health_gauge_is_exported():
    text = exposition(Reading(None, engine_up=False))
    assert "lessons_learned_engine_up 0.0" in text and "lessons_learned_total" not in text


def test_without_redis_nothing_is_cached_but_the_last_snapshot_is_kept_in_process():
    store = SnapshotStore(None, "unit-", ttl=10)
    assert store.fresh("2026-12-01") is None and store.last() is None
    store.put({"version": 1, "today": "2026-12-01"})
    assert store.fresh("2026-12-01") is None and store.last()["today"] == "2026-12-01"


def test_the_plugin_declares_its_hooks_and_the_daily_job():
    pm = get_plugin_manager(load_settings({"plugins_allow": "prometheus"}, environ={}))
    assert pm.get_plugin("prometheus") is llsearch_prometheus
    (job,) = [job for job in collect(pm, "register_periodic_jobs") if job.name == "prometheus-daily-sync"]
    assert job.queue == "metrics" and job.func == "llsearch_prometheus.jobs.daily_sync"
    assert next_run(job, NOW) == datetime(2026, 12, 2, 0, 0, tzinfo=timezone.utc)
    (command,) = [c for c in collect(pm, "register_commands") if c.name == "metrics"]
    assert set(command.commands) == {"show", "sync"}
    assert "Prometheus text format" in CliRunner().invoke(command, ["show", "--help"]).output
