"""Read a lesson written in the Markdown template (see ``markdown`` for the format)."""

from __future__ import annotations

import re

from .dates import parse_date, utc_day
from .enums import ActionStatus
from .markdown_vocab import (
    ACTION_KEYWORDS,
    ACTION_SEPARATOR_RE,
    FOLLOW_UP_ALIASES,
    HEADER_ALIASES,
    HEADER_LABELS,
    METRIC_ALIASES,
    REFERENCE_ALIASES,
    SECTION_ALIASES,
    SECTION_LABELS,
    STRUCTURAL_LINE_RE,
    TITLE_PREFIX_RE,
    label_key,
    unescape_inline,
    unescape_line,
)

_HEADER_RE = re.compile(r"\*\*([^*]+?)[ \t]*:[ \t]*\*\*(.*)|\*\*([^*]+?)\*\*[ \t]*:(.*)")
_ITEM_RE = re.compile(r"[-*][ \t]+(?P<label>[^:]+?)[ \t]*:(?P<value>.*)")
_ACTION_RE = re.compile(r"[-*][ \t]+\[(?P<box>[ xX])\](?:[ \t]+(?P<rest>.*))?")
_INT_RE = re.compile(r"[+-]?[0-9]+")
_FLOAT_RE = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_LIST_FIELDS = ("tags", "related_incidents")
_PROSE = ("situation", "impact", "root_cause", "solution", "prevention")
_ENUM_FIELDS = ("category", "severity")


class MarkdownError(ValueError):
    """A Markdown lesson that does not follow the template; ``line`` is 1-based."""

    def __init__(self, line: int, reason: str):
        self.line = line
        self.reason = reason
        super().__init__(f"line {line}: {reason}")


def _enum_text(value: str) -> str:
    return "_".join(value.strip().upper().replace("-", " ").split())


def parse_markdown(text: str) -> dict:
    """Read one lesson from Markdown into an API document (not yet validated)."""
    lines = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    numbered = list(enumerate(lines, start=1))
    start = next((i for i, (_, line) in enumerate(numbered) if line.strip()), None)
    if start is None:
        raise MarkdownError(1, "empty document: expected '# Lesson Learned: TITLE'")
    number, first = numbered[start]
    title = STRUCTURAL_LINE_RE.fullmatch(first)
    if title is None or title.group(1) != "#":
        raise MarkdownError(number, "expected the title line '# Lesson Learned: TITLE'")
    lesson: dict = {"title": TITLE_PREFIX_RE.sub("", title.group(2), count=1).strip()}
    header, sections = _split(numbered[start + 1 :])
    _read_header(header, lesson)
    for key, (heading_line, body) in sections.items():
        if key in _PROSE:
            lesson[key] = "\n".join(unescape_line(line) for _, line in body).strip()
        elif key == "action_items":
            lesson[key] = [_action_item(n, line) for n, line in body if line.strip()]
        elif key == "references":
            lesson[key] = [_reference(n, line) for n, line in body if line.strip()]
        elif key == "metrics":
            lesson[key] = _metrics(body)
        else:
            lesson[key] = _follow_up(body)
    return lesson


def _split(numbered: list[tuple[int, str]]):
    """The header lines, then each section's heading line number and body lines, by field."""
    header: list[tuple[int, str]] = []
    sections: dict[str, tuple[int, list[tuple[int, str]]]] = {}
    body = header
    for number, line in numbered:
        heading = STRUCTURAL_LINE_RE.fullmatch(line)
        if heading is None:
            body.append((number, line))
            continue
        if heading.group(1) == "#":
            raise MarkdownError(number, "a second title line: a lesson has one '# Lesson Learned:' title")
        key = SECTION_ALIASES.get(label_key(heading.group(2)))
        if key is None:
            known = ", ".join(labels[0] for labels in SECTION_LABELS.values())
            raise MarkdownError(number, f"unknown section {heading.group(2)!r}; expected one of: {known}")
        if key in sections:
            raise MarkdownError(number, f"section {heading.group(2)!r} appears twice")
        body = []
        sections[key] = (number, body)
    return header, sections


def _read_header(header: list[tuple[int, str]], lesson: dict) -> None:
    seen: dict[str, int] = {}
    for number, line in header:
        if not line.strip() or line.strip() == "---":
            continue
        match = _HEADER_RE.fullmatch(line.strip())
        if match is None:
            raise MarkdownError(number, "expected a header line such as '**Categoria:** TECHNICAL' or a '## ' section")
        label, value = (match.group(1), match.group(2)) if match.group(1) else (match.group(3), match.group(4))
        field = HEADER_ALIASES.get(label_key(label))
        if field is None:
            known = ", ".join(labels[0] for labels in HEADER_LABELS.values())
            raise MarkdownError(number, f"unknown header {label.strip()!r}; expected one of: {known}")
        if field in seen:
            raise MarkdownError(number, f"header {label.strip()!r} appears twice")
        seen[field] = number
        value = value.strip()
        if field in _LIST_FIELDS:
            lesson[field] = [part.strip().strip("`").strip() for part in value.split(",") if part.strip("` \t")]
        elif value:
            lesson[field] = _enum_text(value) if field in _ENUM_FIELDS else value
    day = lesson.pop("day", None)
    if day is not None:
        _settle_day(day, seen["day"], lesson)


def _settle_day(day: str, number: int, lesson: dict) -> None:
    try:
        parsed = parse_date(day)
    except ValueError as error:
        raise MarkdownError(number, str(error)) from None
    created = lesson.get("timestamp_created")
    if created is None:
        lesson["timestamp_created"] = f"{parsed.isoformat()}T00:00:00Z"
        return
    try:
        created_day = utc_day(created)
    except ValueError:
        return  # the schema reports the malformed date-time
    if created_day != parsed:
        raise MarkdownError(number, f"the date {day} is not the UTC day of the creation time {created}")


def _action_item(number: int, line: str) -> dict:
    match = _ACTION_RE.fullmatch(line.strip())
    if match is None:
        raise MarkdownError(number, "expected an action item such as '- [ ] ACTION - Owner: NAME - Due: YYYY-MM-DD'")
    action, *pairs = ACTION_SEPARATOR_RE.split(match.group("rest") or "")
    item: dict = {"action": unescape_inline(action).strip()}
    for keyword, value in zip(pairs[::2], pairs[1::2]):
        field = ACTION_KEYWORDS[keyword.lower()]
        if field in item:
            raise MarkdownError(number, f"{keyword!r} appears twice in this action item")
        value = unescape_inline(value).strip()
        item[field] = _enum_text(value) if field == "status" else value
    if not item["action"]:
        raise MarkdownError(number, "the action item has no text")
    checked = match.group("box") in "xX"
    status = item.get("status")
    if status is None:
        item["status"] = ActionStatus.COMPLETED.value if checked else ActionStatus.OPEN.value
    elif checked != (status == ActionStatus.COMPLETED):
        box = "[x]" if checked else "[ ]"
        raise MarkdownError(number, f"the checkbox {box} contradicts 'Status: {status}'")
    return item


def _label_value(number: int, line: str, aliases: dict[str, str], what: str, raw: bool = False) -> tuple[str, str]:
    """The field named by a '- LABEL: VALUE' line and its value (``raw``: only the separating space removed)."""
    match = _ITEM_RE.fullmatch(line.lstrip())
    field = aliases.get(label_key(match.group("label"))) if match else None
    if field is None:
        raise MarkdownError(number, f"expected a {what} line such as '- LABEL: VALUE' with a known label")
    value = match.group("value")
    if raw:
        return field, value[1:] if value.startswith(" ") else value
    return field, value.strip()


def _reference(number: int, line: str) -> dict:
    kind, link = _label_value(number, line, REFERENCE_ALIASES, "reference (JIRA, GitHub PR, Post-mortem, Document)")
    markdown_link = re.fullmatch(r"\[[^\]]*\]\((\S+)\)|<(\S+)>", link)
    if markdown_link:
        link = markdown_link.group(1) or markdown_link.group(2)
    if not link:
        raise MarkdownError(number, "the reference has no link")
    return {"type": kind, "link": link}


def _metrics(body: list[tuple[int, str]]) -> dict:
    metrics: dict = {}
    for number, line in body:
        if not line.strip():
            continue
        field, value = _label_value(number, line, METRIC_ALIASES, "metrics")
        if field in metrics:
            raise MarkdownError(number, f"metric {field} appears twice")
        if field == "replication_attempts":
            if not _INT_RE.fullmatch(value):
                raise MarkdownError(number, f"replication attempts must be a whole number, got {value!r}")
            metrics[field] = int(value)
        elif field == "business_impact_usd":
            if _INT_RE.fullmatch(value):
                metrics[field] = int(value)
            elif _FLOAT_RE.fullmatch(value):
                metrics[field] = float(value)
            else:
                raise MarkdownError(number, f"business impact must be a number such as 50000 or 1234.5, got {value!r}")
        else:
            metrics[field] = value
    return metrics


def _blank(line: str) -> bool:
    """An empty line that is not an (indented) continuation line."""
    return not line.startswith("  ") and not line.strip()


def _follow_up(body: list[tuple[int, str]]) -> dict:
    follow_up: dict = {}
    index = 0
    while index < len(body):
        number, line = body[index]
        index += 1
        if not line.strip():
            continue
        field, value = _label_value(number, line, FOLLOW_UP_ALIASES, "follow-up (Due, Status, Notes)", raw=True)
        if field in follow_up:
            raise MarkdownError(number, f"follow-up {field} appears twice")
        if field == "notes":
            lines = [value]
            # Continuation lines are indented by two spaces; blank lines between them belong too.
            while index < len(body):
                ahead = index
                while ahead < len(body) and _blank(body[ahead][1]):
                    ahead += 1
                if ahead == len(body) or not body[ahead][1].startswith("  "):
                    break
                lines += [""] * (ahead - index) + [body[ahead][1][2:]]
                index = ahead + 1
            value = "\n".join(lines).strip()
        follow_up[field] = _enum_text(value) if field == "status" else value.strip()
    return follow_up
