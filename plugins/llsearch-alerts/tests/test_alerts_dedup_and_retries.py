"""The same alert is sent once per window, and a flaky sink is retried with back-off, boundedly."""

from __future__ import annotations

import uuid

import llsearch_alerts.dedup as dedup_module
from llsearch_alerts.dedup import Deduplicator
from llsearch_alerts.delivery import deliver_with_retries, delivery_id


class FlakySink:
    name = "flaky"

    def __init__(self, failures: int):
        self.failures = failures
        self.calls = 0

    def send(self, alert):
        self.calls += 1
        if self.calls <= self.failures:
            raise RuntimeError(f"attempt {self.calls} failed")


def test_an_alert_is_raised_once_per_window_in_process(monkeypatch):
    clock = [1000.0]
    monkeypatch.setattr(dedup_module.time, "monotonic", lambda: clock[0])
    dedup = Deduplicator(None, f"p{uuid.uuid4().hex[:6]}-", window_seconds=60)
    assert dedup.first_in_window("overdue_action_items")
    assert not dedup.first_in_window("overdue_action_items")
    assert dedup.first_in_window("critical_lesson:LL-2026-12-01-001")  # another key, its own window
    clock[0] += 61
    assert dedup.first_in_window("overdue_action_items")
    dedup.forget("overdue_action_items")
    assert dedup.first_in_window("overdue_action_items")


def test_index_prefixes_deduplicate_apart():
    first = Deduplicator(None, f"a{uuid.uuid4().hex[:6]}-", 60)
    second = Deduplicator(None, f"b{uuid.uuid4().hex[:6]}-", 60)
    assert first.first_in_window("k") and second.first_in_window("k")


def test_a_flaky_sink_is_retried_with_back_off_until_it_succeeds():
    waits = []
    sink = FlakySink(failures=2)
    assert deliver_with_retries(sink, {"name": "x"}, retries=3, intervals=(1, 5), sleep=waits.append)
    assert sink.calls == 3 and waits == [1, 5]


def test_retries_are_bounded():
    waits = []
    sink = FlakySink(failures=100)
    assert not deliver_with_retries(sink, {"name": "x"}, retries=2, intervals=(1, 5, 30), sleep=waits.append)
    assert sink.calls == 3 and waits == [1, 5]


def test_delivery_ids_are_stable_per_alert_and_sink():
    alert = {"dedup_key": "overdue_action_items", "fired_at": "2026-12-01T00:15:00Z"}
    assert delivery_id(alert, "email", "p-") == delivery_id(dict(alert), "email", "p-")
    assert delivery_id(alert, "email", "p-") != delivery_id(alert, "slack", "p-")
    assert delivery_id(alert, "email", "p-").startswith("p-alert-email-")
