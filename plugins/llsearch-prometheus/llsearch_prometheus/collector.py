"""The custom prometheus_client collector: one snapshot in, the lessons_learned_* families out."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from prometheus_client.core import GaugeMetricFamily, Metric, UnknownMetricFamily
from prometheus_client.registry import Collector

from llsearch_prometheus.snapshot import Reading

# `lessons_learned_total` is the name the contract fixes. It is a current count (deletes and
# archiving lower it), so neither a counter nor, by Prometheus naming rules, a gauge (gauges
# must not end in `_total`; `promtool check metrics` says so): it is exported untyped.
PREFIX = "lessons_learned"


def lesson_families(snapshot: dict) -> list[Metric]:
    """Every lessons_learned_* family of one snapshot."""
    total = UnknownMetricFamily(f"{PREFIX}_total", "Lessons learned by category and severity.",
                                labels=["category", "severity"])
    for category, severity, count in snapshot["lessons"]:
        total.add_metric([category, severity], count)

    by_component = GaugeMetricFamily(f"{PREFIX}_by_component", "Lessons learned by component.",
                                     labels=["component"])
    open_items = GaugeMetricFamily(
        f"{PREFIX}_action_items_open", "Action items not COMPLETED (OPEN or IN_PROGRESS), by component.",
        labels=["component"])
    overdue = GaugeMetricFamily(
        f"{PREFIX}_action_items_overdue",
        "Action items not COMPLETED whose due date is before today (UTC), by component.",
        labels=["component"])
    for component, lessons, pending, late in snapshot["components"]:
        by_component.add_metric([component], lessons)
        open_items.add_metric([component], pending)
        overdue.add_metric([component], late)

    return [
        total, by_component, open_items, overdue,
        _keyed(f"{PREFIX}_action_items", "Action items by status.", "status",
               snapshot["items_by_status"]),
        _keyed(f"{PREFIX}_action_items_open_by_due",
               "Open action items by due date relative to today (UTC), as in the stats API.",
               "due", snapshot["open_by_due"]),
        _keyed(f"{PREFIX}_action_items_open_by_age",
               "Open action items by age: days since their lesson was recorded.", "age",
               snapshot["open_by_age"]),
        _keyed(f"{PREFIX}_mttd_seconds",
               "Mean time to detect (metrics.time_to_detect) of lessons, by severity.", "severity",
               snapshot["mttd_seconds"]),
        _keyed(f"{PREFIX}_mttr_seconds",
               "Mean time to resolve (metrics.time_to_resolve) of lessons, by severity.", "severity",
               snapshot["mttr_seconds"]),
        _keyed(f"{PREFIX}_created_last_24h", "Lessons learned created in the last 24 hours, by severity.",
               "severity", snapshot["created_last_24h"]),
    ]


def _keyed(name: str, documentation: str, label: str, values: dict) -> GaugeMetricFamily:
    """One gauge per key; keys without a value (a mean over no lessons) are left out."""
    family = GaugeMetricFamily(name, documentation, labels=[label])
    for key, value in values.items():
        if value is not None:
            family.add_metric([key], value)
    return family


def health_families(reading: Reading) -> list[Metric]:
    """Whether the values are live, and when they were computed."""
    up = GaugeMetricFamily(f"{PREFIX}_engine_up",
                           "1 when the lessons_learned_* values were just read from the engine (or its "
                           "shared cache), 0 when the engine failed and the last snapshot is shown.",
                           value=1 if reading.engine_up else 0)
    families: list[Metric] = [up]
    if reading.snapshot is not None:
        families.append(GaugeMetricFamily(
            f"{PREFIX}_snapshot_timestamp_seconds",
            "Unix time at which the lessons_learned_* values were computed by the engine.",
            value=reading.snapshot["computed_at"]))
    return families


class LessonsCollector(Collector):
    """Reads the current snapshot at each scrape (`read` returns a `Reading`)."""

    def __init__(self, read: Callable[[], Reading]):
        self.read = read

    def collect(self) -> Iterator[Metric]:
        reading = self.read()
        if reading.snapshot is not None:
            yield from lesson_families(reading.snapshot)
        yield from health_families(reading)
