"""Index, alias and template names, all derived from one prefix so test sessions never collide."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

MONTH_PATTERN = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
INDEX_GENERATION = 1


def month_key(day: date | datetime) -> str:
    """`2026-02` for any moment of February 2026."""
    return f"{day.year:04d}-{day.month:02d}"


@dataclass(frozen=True)
class IndexNames:
    """Names of everything the service keeps in the engine.

    A month is an alias (`lessons-2026-02`) over a versioned concrete index
    (`lessons-2026-02-v1`) so that one month can be reindexed without downtime.
    """

    prefix: str = ""

    @property
    def lessons(self) -> str:
        """Read alias over every live month."""
        return f"{self.prefix}lessons"

    @property
    def archive(self) -> str:
        """Read alias over archived months."""
        return f"{self.prefix}lessons-archive"

    @property
    def lessons_template(self) -> str:
        return f"{self.prefix}lessons"

    @property
    def lessons_patterns(self) -> list[str]:
        """Match concrete month indices of any year (they start with a digit), never `lessons-archive`."""
        return [f"{self.prefix}lessons-{digit}*" for digit in "0123456789"]

    @property
    def lessons_pattern(self) -> str:
        """The same as one comma-separated index expression, for APIs that take index names."""
        return ",".join(self.lessons_patterns)

    @property
    def counters(self) -> str:
        """Per-day id counters."""
        return f"{self.prefix}llsearch-counters"

    @property
    def apikeys(self) -> str:
        return f"{self.prefix}llsearch-apikeys"

    @property
    def audit(self) -> str:
        """Read alias over the monthly audit indices."""
        return f"{self.prefix}llsearch-audit"

    @property
    def audit_pattern(self) -> str:
        return f"{self.prefix}llsearch-audit-2*"

    def audit_index(self, day: date | datetime) -> str:
        return f"{self.prefix}llsearch-audit-{month_key(day)}"

    def month_alias(self, day: date | datetime | str) -> str:
        """`lessons-YYYY-MM`: the name of a month, whatever index generation backs it."""
        key = day if isinstance(day, str) else month_key(day)
        if not MONTH_PATTERN.match(key):
            raise ValueError(f"not a month: {key!r} (expected YYYY-MM)")
        return f"{self.prefix}lessons-{key}"

    def month_index(self, day: date | datetime | str, generation: int = INDEX_GENERATION) -> str:
        """The concrete index behind a month alias."""
        return f"{self.month_alias(day)}-v{generation}"

    def month_of(self, index_or_alias: str) -> str | None:
        """The `YYYY-MM` a month index or alias belongs to, or None."""
        head = f"{self.prefix}lessons-"
        if not index_or_alias.startswith(head):
            return None
        key = index_or_alias[len(head):len(head) + 7]
        return key if MONTH_PATTERN.match(key) else None
