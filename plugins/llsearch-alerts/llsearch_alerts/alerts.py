"""The alerts this plugin raises, and `fire`: deduplicate, then call the `alert_triggered` hook.

An alert is a JSON-serialisable dict: `name`, `severity` (critical|warning|info), `summary`,
`details`, `fired_at` (RFC 3339 UTC), `dedup_key` and `source`. The names match the Prometheus
rules of ops/prometheus/alerts.yml, so both paths read the same in a chat channel.
"""

from __future__ import annotations

import logging
from datetime import datetime, timezone
from typing import Any

from llsearch.engine.filters import LENIENT
from llsearch.events import alert_triggered

from llsearch_alerts.dedup import Deduplicator
from llsearch_alerts.settings import AlertSettings

log = logging.getLogger(__name__)

OVERDUE = "LessonsLearnedOverdueActionItems"
CRITICAL = "LessonsLearnedCriticalLessonRecorded"
OVERDUE_KEY = "overdue_action_items"
TOP_COMPONENTS = 10


def stamp(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def overdue_body(today: str) -> dict:
    """Overdue action items (due before `today`, not COMPLETED): the count, and the components
    holding most of them, in one aggregation search."""
    overdue = {"bool": {"filter": [{"range": {"action_items.due_date": {"lt": today}}}],
                        "must_not": [{"term": {"action_items.status": "COMPLETED"}}]}}
    items = {"nested": {"path": "action_items"}, "aggs": {"overdue": {"filter": overdue}}}
    return {
        "size": 0,
        "query": {"nested": {"path": "action_items", "query": overdue}},
        "aggs": {
            "items": items,
            "by_component": {"terms": {"field": "component", "size": TOP_COMPONENTS,
                                       "order": [{"items>overdue": "desc"}, {"_key": "asc"}]},
                             "aggs": {"items": items}},
        },
    }


def count_overdue(runtime: Any, today: str) -> tuple[int, list[dict]]:
    answer = runtime.engine.search(index=runtime.names.lessons, body=overdue_body(today), params=LENIENT)
    aggs = answer.get("aggregations")
    if not aggs:  # no lesson index at all
        return 0, []
    top = [{"component": bucket["key"], "overdue": bucket["items"]["overdue"]["doc_count"]}
           for bucket in aggs["by_component"]["buckets"]]
    return aggs["items"]["overdue"]["doc_count"], top


def overdue_alert(count: int, threshold: int, top: list[dict], today: str, now: datetime) -> dict:
    return {
        "name": OVERDUE,
        "severity": "warning",
        "summary": f"{count} lesson-learned action items are overdue (threshold {threshold})",
        "details": {"overdue_count": count, "threshold": threshold, "today": today,
                    "top_components": ", ".join(f"{row['component']} ({row['overdue']})" for row in top),
                    "by_component": top, "list": "GET /api/lessons-learned/stats/overdue_actions"},
        "fired_at": stamp(now),
        "dedup_key": OVERDUE_KEY,
        "source": "llsearch",
    }


def critical_lesson_alert(lesson: dict, actor: str | None, now: datetime) -> dict:
    lesson_id = lesson.get("id")
    return {
        "name": CRITICAL,
        "severity": "critical",
        "summary": f"CRITICAL lesson {lesson_id} recorded: {lesson.get('title')}",
        "details": {"lesson_id": lesson_id, "title": lesson.get("title"), "category": lesson.get("category"),
                    "component": lesson.get("component"), "author": lesson.get("author"),
                    "recorded_by": actor, "timestamp_created": lesson.get("timestamp_created"),
                    "link": f"GET /api/lessons-learned/{lesson_id}"},
        "fired_at": stamp(now),
        "dedup_key": f"critical_lesson:{lesson_id}",
        "source": "llsearch",
    }


def deduplicator(runtime: Any, config: AlertSettings) -> Deduplicator:
    return Deduplicator(runtime.redis, runtime.names.prefix, config.dedup_seconds)


def fire(runtime: Any, alert: dict, config: AlertSettings | None = None) -> bool:
    """Raise `alert` unless one with its dedup_key was raised in the window; True when raised."""
    config = config or AlertSettings.load(runtime.settings)
    if not deduplicator(runtime, config).first_in_window(alert["dedup_key"]):
        log.info("alert %s (%s) suppressed: already raised in the last %ss",
                 alert["name"], alert["dedup_key"], config.dedup_seconds)
        return False
    log.warning("alert raised: %s", alert["summary"])
    alert_triggered(alert, plugins=runtime.plugins)
    return True


def check_overdue(runtime: Any, config: AlertSettings | None = None) -> dict:
    """Count overdue items now; above the threshold raise the overdue alert, at or below it clear
    its dedup key so the next breach alerts at once."""
    config = config or AlertSettings.load(runtime.settings)
    now = runtime.now()
    today = now.astimezone(timezone.utc).date().isoformat()
    count, top = count_overdue(runtime, today)
    raised = False
    if count > config.overdue_threshold:
        raised = fire(runtime, overdue_alert(count, config.overdue_threshold, top, today, now), config)
    else:
        deduplicator(runtime, config).forget(OVERDUE_KEY)
    return {"overdue_count": count, "threshold": config.overdue_threshold, "raised": raised}
