"""Archiving of old months and bringing them back, each step checking the engine's state first.

A month is archived in three steps: its index is write-blocked, force-merged to one segment, then
moved from the read alias `lessons` to `lessons-archive` in one `_aliases` call. Every step looks
at what is already done, so a run interrupted anywhere ends right when it runs again.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime

from opensearchpy import OpenSearch

from llsearch.config import Settings
from llsearch.engine import snapshots
from llsearch.engine.names import MONTH_PATTERN, IndexNames

LENIENT = {"ignore_unavailable": "true", "allow_no_indices": "true"}
MERGE_TIMEOUT = 3600  # seconds: force-merging a big month takes a while and must not be retried early

STEP_TEXT = {
    "block": "block writes",
    "merge": "force-merge to one segment",
    "move": "move from {lessons} to {archive}",
    "restore_aliases": "move from {archive} back to {lessons} and pin it live",
    "unblock": "remove the write block",
}


class UnknownMonth(LookupError):
    """No month index holds that month."""


def pinned_alias(names: IndexNames) -> str:
    """Marks months restored from the archive, so the periodic run leaves them live."""
    return f"{names.prefix}lessons-pinned"


def months_between(month: str, now: date | datetime) -> int:
    """How many months `month` (YYYY-MM) lies before the month of `now`."""
    year, number = (int(part) for part in month.split("-"))
    return (now.year * 12 + now.month) - (year * 12 + number)


def is_due(month: str, now: date | datetime, after_months: int) -> bool:
    """A month is archived once even its last day is more than `after_months` months old."""
    return months_between(month, now) > after_months


def check_month(month: str) -> str:
    if not MONTH_PATTERN.match(month or ""):
        raise ValueError(f"not a month: {month!r} (expected YYYY-MM)")
    return month


@dataclass(frozen=True)
class MonthIndex:
    """One concrete month index and what the engine says about it."""

    index: str
    month: str
    generation: int
    aliases: dict[str, dict]
    write_blocked: bool
    segments: int  # the most segments any primary shard has

    def has(self, alias: str) -> bool:
        return alias in self.aliases


def month_index_pattern(names: IndexNames) -> re.Pattern:
    return re.compile(rf"^{re.escape(names.prefix)}lessons-(\d{{4}}-\d{{2}})-v(\d+)$")


def month_indices(client: OpenSearch, names: IndexNames) -> list[MonthIndex]:
    """Every concrete month index of this prefix (aliased or not), oldest month first."""
    pattern = month_index_pattern(names)
    aliases = client.indices.get_alias(index=names.lessons_pattern, params=LENIENT)
    if not aliases:
        return []
    blocks = client.indices.get_settings(index=names.lessons_pattern, name="index.blocks.write",
                                         flat_settings=True, params=LENIENT)
    segments = client.indices.segments(index=names.lessons_pattern, params=LENIENT).get("indices", {})
    found = []
    for index, body in aliases.items():
        matched = pattern.match(index)
        if not matched:
            continue
        setting = (blocks.get(index) or {}).get("settings", {}).get("index.blocks.write")
        found.append(MonthIndex(
            index=index, month=matched.group(1), generation=int(matched.group(2)),
            aliases=body.get("aliases") or {}, write_blocked=str(setting).lower() == "true",
            segments=_most_segments(segments.get(index)),
        ))
    return sorted(found, key=lambda item: (item.month, item.generation))


def _most_segments(index_segments: dict | None) -> int:
    shards = (index_segments or {}).get("shards", {})
    counts = [len(copy.get("segments") or {}) for copies in shards.values() for copy in copies
              if copy.get("routing", {}).get("primary")]
    return max(counts, default=0)


def current_month_index(client: OpenSearch, names: IndexNames, month: str) -> MonthIndex:
    """The index the month alias points at; UnknownMonth when there is none."""
    alias = names.month_alias(check_month(month))
    for candidate in month_indices(client, names):
        if candidate.month == month and candidate.has(alias):
            return candidate
    raise UnknownMonth(month)


def live_months(client: OpenSearch, names: IndexNames) -> list[MonthIndex]:
    """Indices that back a month alias (leftovers of an interrupted reindex are not months)."""
    return [item for item in month_indices(client, names) if item.has(names.month_alias(item.month))]


@dataclass
class MonthPlan:
    """What one month needs (or needed, after the run)."""

    month: str
    index: str
    steps: list[str] = field(default_factory=list)

    def describe(self, names: IndexNames) -> list[str]:
        return [STEP_TEXT[step].format(lessons=names.lessons, archive=names.archive) for step in self.steps]


def archive_steps(names: IndexNames, item: MonthIndex) -> list[str]:
    """The archiving steps `item` still needs, in order; empty when it is fully archived."""
    steps = []
    if not item.write_blocked:
        steps.append("block")
    if item.segments > 1 or not item.write_blocked:
        steps.append("merge")
    if item.has(names.lessons) or not item.has(names.archive):
        steps.append("move")
    return steps


def block_writes(client: OpenSearch, index: str) -> None:
    client.indices.add_block(index=index, block="write")


def unblock_writes(client: OpenSearch, index: str) -> None:
    client.indices.put_settings(index=index, body={"index": {"blocks": {"write": None}}})


def force_merge(client: OpenSearch, index: str) -> None:
    """Merge to one segment; the refresh makes the merged segment the one searches use."""
    client.indices.forcemerge(index=index, max_num_segments=1, request_timeout=MERGE_TIMEOUT)
    client.indices.refresh(index=index)


def _move_actions(names: IndexNames, item: MonthIndex, source: str, target: str, *extra: str) -> list[dict]:
    actions = [{"remove": {"index": item.index, "alias": source}}] if item.has(source) else []
    for alias in (target, *extra):
        if not item.has(alias):
            actions.append({"add": {"index": item.index, "alias": alias}})
    return actions


def _run_archive_steps(client: OpenSearch, names: IndexNames, item: MonthIndex, steps: list[str]) -> None:
    if "block" in steps:
        block_writes(client, item.index)
    if "merge" in steps:
        force_merge(client, item.index)
    if "move" in steps:
        actions = _move_actions(names, item, names.lessons, names.archive)
        if item.has(pinned_alias(names)):
            actions.append({"remove": {"index": item.index, "alias": pinned_alias(names)}})
        client.indices.update_aliases(body={"actions": actions})


@dataclass
class ArchiveReport:
    """What a run did (or would do): months archived, months pinned live, months already done."""

    now: str
    after_months: int
    dry_run: bool
    archived: list[MonthPlan] = field(default_factory=list)
    pinned: list[str] = field(default_factory=list)
    already: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "now": self.now, "after_months": self.after_months, "dry_run": self.dry_run,
            "archived": [{"month": plan.month, "index": plan.index, "steps": plan.steps} for plan in self.archived],
            "pinned": self.pinned, "already_archived": self.already,
        }


def run_archive(client: OpenSearch, settings: Settings, now: datetime, dry_run: bool = False,
                after_months: int | None = None) -> ArchiveReport:
    """Archive every month that is due at `now` and not pinned live; safe to rerun at any point.

    This is the function the daily periodic job calls.
    """
    names = IndexNames(settings.index_prefix)
    after = settings.archive_after_months if after_months is None else after_months
    report = ArchiveReport(now=now.isoformat(), after_months=after, dry_run=dry_run)
    for item in live_months(client, names):
        if not is_due(item.month, now, after):
            continue
        steps = archive_steps(names, item)
        if item.has(pinned_alias(names)) and steps:
            report.pinned.append(item.month)
            continue
        if not steps:
            report.already.append(item.month)
            continue
        if not dry_run:
            _run_archive_steps(client, names, item, steps)
        report.archived.append(MonthPlan(item.month, item.index, steps))
    return report


def archive_month(client: OpenSearch, names: IndexNames, month: str, dry_run: bool = False) -> MonthPlan:
    """Archive one month now, whatever its age; clears a pin left by `restore_month`."""
    item = current_month_index(client, names, month)
    steps = archive_steps(names, item)
    if item.has(pinned_alias(names)) and "move" not in steps:
        steps.append("move")
    if not dry_run and steps:
        _run_archive_steps(client, names, item, steps)
    return MonthPlan(month, item.index, steps)


def restore_steps(names: IndexNames, item: MonthIndex) -> list[str]:
    steps = []
    if item.has(names.archive) or not item.has(names.lessons) or not item.has(pinned_alias(names)):
        steps.append("restore_aliases")
    if item.write_blocked:
        steps.append("unblock")
    return steps


def restore_month(client: OpenSearch, names: IndexNames, month: str, dry_run: bool = False) -> MonthPlan:
    """Bring an archived month back into `lessons`, writable, pinned so the daily run keeps it live.

    Aliases move first: a month interrupted between the two steps is pinned, so no archive run
    fights the restore, and running the restore again removes the block.
    """
    item = current_month_index(client, names, month)
    steps = restore_steps(names, item)
    if not dry_run:
        if "restore_aliases" in steps:
            actions = _move_actions(names, item, names.archive, names.lessons, pinned_alias(names))
            client.indices.update_aliases(body={"actions": actions})
        if "unblock" in steps:
            unblock_writes(client, item.index)
    return MonthPlan(month, item.index, steps)


def month_status(names: IndexNames, item: MonthIndex, now: datetime, after_months: int) -> dict:
    """One month as `archive status` shows it, with anything odd spelled out."""
    if not item.has(names.month_alias(item.month)):
        state, note = "leftover", "no month alias: left by an interrupted reindex; `llsearch reindex MONTH` removes it"
    elif item.has(names.archive) and not archive_steps(names, item):
        state, note = "archived", ""
    elif item.has(names.archive) or (item.write_blocked and is_due(item.month, now, after_months)
                                     and not item.has(pinned_alias(names))):
        state, note = "partly archived", "the next `llsearch archive run` finishes it"
    elif item.write_blocked:
        state, note = "live, write-blocked", "an interrupted reindex? `llsearch reindex MONTH` finishes it"
    else:
        state = "live (pinned)" if item.has(pinned_alias(names)) else "live"
        note = "due for archiving" if is_due(item.month, now, after_months) and state == "live" else ""
    return {"month": item.month, "index": item.index, "state": state, "segments": item.segments,
            "write_blocked": item.write_blocked, "aliases": sorted(item.aliases), "note": note}


def archive_status(client: OpenSearch, settings: Settings, now: datetime) -> list[dict]:
    names = IndexNames(settings.index_prefix)
    return [month_status(names, item, now, settings.archive_after_months)
            for item in month_indices(client, names)]


def run_daily_lifecycle(client: OpenSearch, settings: Settings, now: datetime) -> dict:
    """The daily lifecycle in its order: archive what is due, take the day's snapshot, prune.

    Archiving first means the day's snapshot already holds the months as archived. Each step is
    idempotent, so the periodic job may run this twice or after a failure.
    """
    archived = run_archive(client, settings, now)
    snapshot = snapshots.create_daily_snapshot(client, settings, now)
    pruned = snapshots.prune_snapshots(client, settings, now)
    return {"archive": archived.as_dict(), "snapshot": snapshot.name if snapshot else None,
            "pruned": [item.name for item in pruned]}
