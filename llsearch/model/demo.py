"""Realistic, deterministic demo lessons (Portuguese and English) for demos and load tests."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import date, datetime, timedelta, timezone

from .demo_text import (
    APPROVERS,
    AUTHORS,
    COMPONENTS,
    FAMILIES,
    FOLLOW_UP_NOTES,
    GENERIC_ACTIONS,
    GENERIC_TAGS,
    IMPACT,
    LOST,
    REGIONS,
    TITLE_SUFFIXES,
    WHY,
)
from .durations import format_duration
from .ids import format_lesson_id

MONTHS_OF_HISTORY = 36
SEVERITY_WEIGHTS = {"CRITICAL": 6, "HIGH": 20, "MEDIUM": 44, "LOW": 30}
# Weighted choices as tuples with repeats: one random() and an index each.
_SEVERITY_DRAW = tuple(name for name, weight in SEVERITY_WEIGHTS.items() for _ in range(weight))
_STATUSES_WHEN_PAST_DUE = ("COMPLETED",) * 12 + ("IN_PROGRESS",) * 3 + ("OPEN",) * 5
_STATUSES_WHEN_DUE_LATER = ("OPEN",) * 10 + ("IN_PROGRESS",) * 7 + ("COMPLETED",) * 3
_REFERENCE_LINKS = {
    "JIRA": "https://jira.example.com/browse/OPS-{n}",
    "GITHUB": "https://github.com/example/{component}/pull/{n}",
    "POST_MORTEM": "https://wiki.example.com/post-mortems/INC-{n:04d}",
    "DOCUMENT": "https://docs.example.com/runbooks/{component}",
}
_OTHER_COMPONENTS = {name: tuple(other for other in COMPONENTS if other != name) for name in COMPONENTS}
# The five whys of each family and language, numbered once: one format() per lesson.
_ROOT_CAUSES = {
    (id(family), language): "\n".join(
        f"{n}. {WHY[language]} {answer}" for n, answer in enumerate(family[language]["whys"], 1)
    )
    for family in FAMILIES
    for language in ("pt", "en")
}
_SUCCESS_RATES = ("0%", "25%", "50%", "66.7%", "75%", "87.5%", "90%", "100%", "100%")


def _stamp(moment: datetime) -> str:
    """``format_datetime`` for the whole-second UTC datetimes drawn here, several times faster."""
    return moment.isoformat()[:19] + "Z"


def months_before(moment: datetime, months: int) -> datetime:
    """The same instant ``months`` calendar months earlier (the day clipped to the month's end)."""
    year, month = divmod(moment.year * 12 + moment.month - 1 - months, 12)
    month += 1
    next_month = date(year + month // 12, month % 12 + 1, 1)
    last_day = (next_month - timedelta(days=1)).day
    return moment.replace(year=year, month=month, day=min(moment.day, last_day))


def generate_lessons(count: int, seed: int, now: datetime) -> list[dict]:
    """``count`` lessons created over the 36 months before ``now``, the same for the same arguments."""
    return list(iter_lessons(count, seed, now))


def demo_months(now: datetime) -> list[datetime]:
    """One moment in each month the demo lessons of ``now`` can fall in, oldest first."""
    return [months_before(now.astimezone(timezone.utc), back) for back in range(MONTHS_OF_HISTORY, -1, -1)]


def iter_lessons(count: int, seed: int, now: datetime) -> Iterator[dict]:
    """Like ``generate_lessons``, one lesson at a time, oldest first."""
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be an aware datetime (e.g. datetime.now(timezone.utc))")
    if count < 0:
        raise ValueError(f"count must be >= 0, got {count}")
    now = now.astimezone(timezone.utc).replace(microsecond=0)
    start = months_before(now, MONTHS_OF_HISTORY)
    span = int((now - start).total_seconds())
    rng = random.Random(seed)
    draw = rng.random
    offsets = sorted(int(draw() * span) for _ in range(count))
    per_day: dict[date, int] = {}
    for offset in offsets:
        created = start + timedelta(seconds=offset)
        day = created.date()
        per_day[day] = number = per_day.get(day, 0) + 1
        yield _Builder(rng, created, now).lesson(format_lesson_id(day, number))


class _Builder:
    """Draws one lesson from the random stream; every choice goes through ``rng.random``.

    (``random()`` with index arithmetic is several times faster than ``choice``/``randint``.)
    """

    def __init__(self, rng: random.Random, created: datetime, now: datetime):
        self.random, self.created, self.now, self.today = rng.random, created, now, now.date()

    def pick(self, values):
        return values[int(self.random() * len(values))]

    def between(self, low: int, high: int) -> int:
        return low + int(self.random() * (high - low + 1))

    def sample(self, values, count: int) -> list:
        pool = list(values)
        for i in range(count):
            j = i + int(self.random() * (len(pool) - i))
            pool[i], pool[j] = pool[j], pool[i]
        return pool[:count]

    def lesson(self, lesson_id: str) -> dict:
        family = self.pick(FAMILIES)
        self.language = language = "pt" if self.random() < 0.55 else "en"
        text = family[language]
        component = self.pick(family["components"])
        self.params = params = {
            "component": component,
            "service": self.pick(_OTHER_COMPONENTS[component]),
            "minutes": self.between(3, 240),
            "users": self.between(10, 50_000),
            "count": self.between(2, 500),
            "percent": self.between(2, 97),
            "version": f"{self.between(1, 4)}.{self.between(0, 30)}.{self.between(0, 9)}",
            "region": self.pick(REGIONS),
            "threshold": self.pick((80, 200, 500, 1500)),
            "days": self.pick((7, 14, 30, 90)),
        }
        lesson = {
            "id": lesson_id,
            "timestamp_created": _stamp(self.created),
            "category": self.pick(family["categories"]),
            "severity": self.pick(_SEVERITY_DRAW),
            "component": component,
            "title": self._title(text["title"]).format_map(params),
            "situation": self.pick(text["situation"]).format_map(params),
            "author": self.pick(AUTHORS),
            "tags": self._tags(family, component),
        }
        if self.random() < 0.9:
            lesson["impact"] = IMPACT[language].format(
                cost=self.between(0, 5000) * 50, lost=LOST[language][self.random() < 0.08], **params
            )
        complete = self.random() < 0.85
        if complete or self.random() < 0.5:
            lesson["root_cause"] = _ROOT_CAUSES[id(family), language].format_map(params)
        if complete:
            lesson["solution"] = self.pick(text["solution"]).format_map(params)
            lesson["prevention"] = self.pick(text["prevention"]).format_map(params)
        self._optional_parts(lesson, text)
        self._approval_and_update(lesson, complete and "root_cause" in lesson)
        return lesson

    def _title(self, titles: tuple) -> str:
        title = self.pick(titles)
        return title + self.pick(TITLE_SUFFIXES[self.language]) if self.random() < 0.5 else title

    def _tags(self, family: dict, component: str) -> list[str]:
        tags = self.sample(family["tags"], self.between(1, len(family["tags"])))
        tags.append(component)
        if self.random() < 0.4:
            tags.append(self.pick(GENERIC_TAGS))
        return list(dict.fromkeys(tags))

    def _optional_parts(self, lesson: dict, text: dict) -> None:
        count = self.pick((0, 1, 1, 2, 2, 3, 3, 4))
        if count:
            lesson["action_items"] = self._action_items(text, count)
        if self.random() < 0.35:
            incidents = {f"INC-{self.between(1, 9999):04d}" for _ in range(self.between(1, 3))}
            lesson["related_incidents"] = sorted(incidents)
        if self.random() < 0.8:
            kinds = self.sample(list(_REFERENCE_LINKS), self.between(1, 3))
            lesson["references"] = [
                {"type": kind, "link": _REFERENCE_LINKS[kind].format(n=self.between(1, 9999), **self.params)}
                for kind in kinds
            ]
        if self.random() < 0.85:
            lesson["metrics"] = self._metrics()
        if self.random() < 0.7:
            lesson["follow_up"] = self._follow_up()

    def _action_items(self, text: dict, count: int) -> list[dict]:
        created_day = self.created.date()
        pool = text["actions"] + GENERIC_ACTIONS[self.language]
        items = []
        for number, action in enumerate(self.sample(pool, count), 1):
            due = created_day + timedelta(days=self.between(3, 120))
            if due < self.today:
                status = self.pick(_STATUSES_WHEN_PAST_DUE)
            else:
                status = self.pick(_STATUSES_WHEN_DUE_LATER)
            item = {"id": f"A{number}", "action": action.format_map(self.params), "owner": self.pick(AUTHORS),
                    "due_date": due.isoformat(), "status": status}
            if status == "COMPLETED":
                latest = max(created_day, min(self.today, due + timedelta(days=14)))
                done = created_day + timedelta(days=self.between(0, (latest - created_day).days))
                item["completion_date"] = done.isoformat()
            items.append(item)
        return items

    def _metrics(self) -> dict:
        detect = self.between(1, 720) * 60
        metrics = {
            "time_to_detect": format_duration(detect),
            "time_to_resolve": format_duration(self.between(5, 2880) * 60 + self.pick((0, 0, 30))),
            "replication_attempts": self.between(0, 6),
            "success_rate_prevention": self.pick(_SUCCESS_RATES),
        }
        if self.random() < 0.7:
            metrics["business_impact_usd"] = (
                self.between(0, 5000) * 100 if self.random() < 0.8 else round(self.random() * 100_000, 2)
            )
        return metrics

    def _follow_up(self) -> dict:
        due = self.created.date() + timedelta(days=self.between(30, 60))
        done = due < self.today and self.random() < 0.75
        follow_up = {"due_date": due.isoformat(), "status": "COMPLETED" if done else "PENDING"}
        if self.random() < 0.5:
            follow_up["notes"] = self.pick(FOLLOW_UP_NOTES[self.language])
        return follow_up

    def _approval_and_update(self, lesson: dict, complete: bool) -> None:
        age_days = (self.now - self.created).days
        changed = self.created + timedelta(seconds=self.between(0, 20 * 86400))
        if complete and self.random() < 0.25 + 0.65 * min(1.0, age_days / 120):
            approved = self.created + timedelta(seconds=self.between(3600, 10 * 86400))
            if approved < self.now:
                lesson["approver"] = self.pick(APPROVERS)
                lesson["approval_date"] = _stamp(approved)
                changed = max(changed, approved)
        lesson["updated_at"] = _stamp(min(changed, self.now))
