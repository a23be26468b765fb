"""Lessons as Markdown, in the template of the specification (§3.2), losslessly.

A rendered lesson looks like this (Portuguese labels; ``language="en"`` writes English
ones, and the parser accepts both, with or without accents, in any letter case)::

    # Lesson Learned: TITLE

    **ID:** LL-2026-02-01-001
    **Data:** 2026-02-01                       (UTC day of timestamp_created)
    **Criado em:** 2026-02-01T14:30:00Z        (extension: timestamp_created)
    **Atualizado em:** 2026-02-02T09:00:00Z    (extension: updated_at)
    **Categoria:** TECHNICAL
    **Severidade:** HIGH
    **Componente:** health_check
    **Autor:** Ana Souza
    **Aprovador:** Carlos Lima
    **Data de aprovação:** 2026-02-01T15:00:00Z   (extension: approval_date)
    **Tags:** prometheus, monitoring          (extension)
    **Incidentes relacionados:** INC-001       (extension: related_incidents)

    ## Situação / ## Impacto / ## Causa Raiz (5 Whys) / ## Solução Implementada / ## Prevenção
    free text, verbatim

    ## Action Items
    - [ ] ACTION - Owner: NAME - Due: 2026-03-01 - ID: A1
    - [ ] ACTION - Owner: NAME - Due: 2026-03-01 - Status: IN_PROGRESS - ID: A2
    - [x] ACTION - Owner: NAME - Due: 2026-03-01 - Completed: 2026-02-20 - ID: A3

    ## Referências
    - JIRA: URL / - GitHub PR: URL / - Post-mortem: URL / - Document: URL

    ## Métricas                                (extension)
    - Tempo para detectar: PT2H30M / - Tempo para resolver: PT5H
    - Impacto financeiro (USD): 50000 / - Tentativas de replicação: 3
    - Taxa de sucesso da prevenção: 100%      (the JSON field names are accepted too)

    ## Follow-up
    - Due: 2026-03-01
    - Status: PENDING
    - Notes: first line
      further lines indented by two spaces

Absent fields are not written; an empty list or text keeps its (empty) line or section,
so absent and empty stay distinct. A file with ``**Data:**`` but no ``**Criado em:**``
gets ``timestamp_created`` at midnight UTC of that day. ``version`` is not written.

Escapes keep any text lossless: a free-text line that would read as a ``#``/``##``
heading starts with ``\\``; in an action item, a `` - `` that would read as a
``- Owner:``-style separator is written `` \\- ``. Both display as the original text.

``parse_markdown`` checks structure only (``MarkdownError`` with a line number);
validate its result with ``ImportedLessonSchema``.
"""

from __future__ import annotations

from .dates import utc_day
from .enums import ActionStatus
from .markdown_parse import MarkdownError, parse_markdown
from .markdown_vocab import (
    ACTION_LABELS,
    FOLLOW_UP_LABELS,
    HEADER_LABELS,
    LANGUAGES,
    METRIC_LABELS,
    REFERENCE_LABELS,
    SECTION_LABELS,
    TITLE_PREFIX,
    escape_inline,
    escape_line,
)

__all__ = ["MarkdownError", "parse_markdown", "render_markdown"]

_PROSE = ("situation", "impact", "root_cause", "solution", "prevention")


def render_markdown(lesson: dict, language: str = "pt") -> str:
    """Write ``lesson`` (an API document) in the Markdown template; ``language`` is "pt" or "en"."""
    if language not in LANGUAGES:
        raise ValueError(f"language must be one of {', '.join(LANGUAGES)}, got {language!r}")
    column = LANGUAGES.index(language)
    lines = [f"# {TITLE_PREFIX} {lesson.get('title', '')}", ""]
    lines += _header(lesson, column)
    for field in _PROSE:
        if field in lesson:
            body = [escape_line(line) for line in lesson[field].split("\n")]
            lines += [f"## {SECTION_LABELS[field][column]}", *body, ""]
    renderers = {
        "action_items": lambda items: [_action_item(item) for item in items],
        "references": lambda refs: [f"- {REFERENCE_LABELS.get(r['type'], r['type'])}: {r['link']}" for r in refs],
        "metrics": lambda metrics: _metrics(metrics, column),
        "follow_up": _follow_up,
    }
    for field, render in renderers.items():
        if field in lesson:
            lines += [f"## {SECTION_LABELS[field][column]}", *render(lesson[field]), ""]
    return "\n".join(lines)


def _header(lesson: dict, column: int) -> list[str]:
    values = dict(lesson)
    if "timestamp_created" in lesson:
        try:
            values["day"] = utc_day(lesson["timestamp_created"]).isoformat()
        except ValueError:
            values["day"] = str(lesson["timestamp_created"])[:10]
    lines = []
    for field, labels in HEADER_LABELS.items():
        if field in values:
            value = values[field]
            text = ", ".join(value) if isinstance(value, list) else str(value)
            # Two trailing spaces: a Markdown line break, as in the template.
            lines.append(f"**{labels[column]}:** {text}".rstrip() + "  ")
    return lines + [""] if lines else lines


def _action_item(item: dict) -> str:
    status = item.get("status", ActionStatus.OPEN)
    box = "x" if status == ActionStatus.COMPLETED else " "
    text = f"- [{box}] {escape_inline(item.get('action', ''))}"
    for field, label in ACTION_LABELS.items():
        value = item.get(field)
        if field == "status" and value in (ActionStatus.OPEN, ActionStatus.COMPLETED):
            continue
        if value is not None:
            text += f" - {label}: {escape_inline(str(value))}"
    return text


def _number(value) -> str:
    return repr(value) if isinstance(value, float) else str(value)


def _metrics(metrics: dict, column: int) -> list[str]:
    return [
        f"- {labels[column]}: {_number(metrics[field])}"
        for field, labels in METRIC_LABELS.items()
        if field in metrics
    ]


def _follow_up(follow_up: dict) -> list[str]:
    lines = []
    for field, label in FOLLOW_UP_LABELS.items():
        if field not in follow_up:
            continue
        first, *rest = str(follow_up[field]).split("\n")
        lines.append(f"- {label}: {first}")
        lines += ["  " + line if line else "" for line in rest]
    return lines
