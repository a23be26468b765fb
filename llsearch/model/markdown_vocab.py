"""Vocabulary of the Markdown template: labels in Portuguese and English, their aliases, escapes."""

from __future__ import annotations

import re
import unicodedata

LANGUAGES = ("pt", "en")
TITLE_PREFIX = "Lesson Learned:"
TITLE_PREFIX_RE = re.compile(r"^(?:lesson learned|li[cç][aã]o aprendida)[ \t]*:[ \t]*", re.IGNORECASE)


def label_key(text: str) -> str:
    """Compare labels loosely: no accents, lower case, punctuation as single spaces."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()
    return " ".join(re.sub(r"[^a-z0-9]+", " ", plain).split())


# field -> (Portuguese label, English label), in rendering order.
HEADER_LABELS = {
    "id": ("ID", "ID"),
    "day": ("Data", "Date"),
    "timestamp_created": ("Criado em", "Created at"),
    "updated_at": ("Atualizado em", "Updated at"),
    "category": ("Categoria", "Category"),
    "severity": ("Severidade", "Severity"),
    "component": ("Componente", "Component"),
    "author": ("Autor", "Author"),
    "approver": ("Aprovador", "Approver"),
    "approval_date": ("Data de aprovação", "Approval date"),
    "tags": ("Tags", "Tags"),
    "related_incidents": ("Incidentes relacionados", "Related incidents"),
}
SECTION_LABELS = {
    "situation": ("Situação", "Situation"),
    "impact": ("Impacto", "Impact"),
    "root_cause": ("Causa Raiz (5 Whys)", "Root Cause (5 Whys)"),
    "solution": ("Solução Implementada", "Solution Implemented"),
    "prevention": ("Prevenção", "Prevention"),
    "action_items": ("Action Items", "Action Items"),
    "references": ("Referências", "References"),
    "metrics": ("Métricas", "Metrics"),
    "follow_up": ("Follow-up", "Follow-up"),
}
METRIC_LABELS = {
    "time_to_detect": ("Tempo para detectar", "Time to detect"),
    "time_to_resolve": ("Tempo para resolver", "Time to resolve"),
    "business_impact_usd": ("Impacto financeiro (USD)", "Business impact (USD)"),
    "replication_attempts": ("Tentativas de replicação", "Replication attempts"),
    "success_rate_prevention": ("Taxa de sucesso da prevenção", "Success rate (prevention)"),
}
REFERENCE_LABELS = {"JIRA": "JIRA", "GITHUB": "GitHub PR", "POST_MORTEM": "Post-mortem", "DOCUMENT": "Document"}
FOLLOW_UP_LABELS = {"due_date": "Due", "status": "Status", "notes": "Notes"}
ACTION_LABELS = {"owner": "Owner", "due_date": "Due", "status": "Status", "completion_date": "Completed", "id": "ID"}

_EXTRA_ALIASES = {
    "header": {
        "timestamp_created": ["created", "criado"],
        "updated_at": ["updated", "atualizado"],
        "approval_date": ["approved at", "aprovado em"],
        "related_incidents": ["incidents", "incidentes"],
    },
    "section": {
        "root_cause": ["causa raiz", "root cause", "causa raiz 5 porques", "root cause analysis"],
        "solution": ["solucao", "solution", "implemented solution"],
        "action_items": ["itens de acao", "acoes", "actions"],
        "follow_up": ["followup", "acompanhamento"],
    },
    "metric": {
        "time_to_detect": ["tempo de deteccao", "ttd"],
        "time_to_resolve": ["tempo de resolucao", "ttr"],
        "business_impact_usd": ["business impact", "impacto financeiro", "impacto no negocio usd"],
    },
    "reference": {
        "GITHUB": ["github", "pr", "pull request", "github pull request"],
        "POST_MORTEM": ["postmortem", "post mortem report"],
        "DOCUMENT": ["documento", "doc", "docs"],
    },
    "follow_up": {"due_date": ["prazo", "due date"], "status": ["estado"], "notes": ["notas", "notes"]},
}


def _aliases(labels: dict, extra: dict) -> dict[str, str]:
    table: dict[str, str] = {}
    for name, texts in labels.items():
        texts = (texts,) if isinstance(texts, str) else texts
        for text in (*texts, name, *extra.get(name, ())):
            table[label_key(text)] = name
    return table


HEADER_ALIASES = _aliases(HEADER_LABELS, _EXTRA_ALIASES["header"])
SECTION_ALIASES = _aliases(SECTION_LABELS, _EXTRA_ALIASES["section"])
METRIC_ALIASES = _aliases(METRIC_LABELS, _EXTRA_ALIASES["metric"])
REFERENCE_ALIASES = _aliases(REFERENCE_LABELS, _EXTRA_ALIASES["reference"])
FOLLOW_UP_ALIASES = _aliases(FOLLOW_UP_LABELS, _EXTRA_ALIASES["follow_up"])
ACTION_KEYWORDS = {
    "owner": "owner", "responsável": "owner", "responsavel": "owner",
    "due": "due_date", "prazo": "due_date",
    "status": "status", "estado": "status",
    "completed": "completion_date", "concluído": "completion_date", "concluido": "completion_date",
    "id": "id",
}

# An action item line is "- [ ] ACTION - Owner: X - Due: D …": " - Keyword: " separates the
# parts. Inside a value, a hyphen that would read as such a separator gets a backslash
# (and one more backslash when it already has some), which Markdown displays as "-".
_KEYWORDS = "|".join(re.escape(word) for word in sorted(ACTION_KEYWORDS, key=len, reverse=True))
ACTION_SEPARATOR_RE = re.compile(rf" - ({_KEYWORDS}):(?: |$)", re.IGNORECASE)
_INLINE_ESCAPE_RE = re.compile(rf"(?<= )(\\*)-(?= (?:{_KEYWORDS}):(?: |$))", re.IGNORECASE)
_INLINE_UNESCAPE_RE = re.compile(rf"(?<= )\\(\\*)-(?= (?:{_KEYWORDS}):(?: |$))", re.IGNORECASE)

# In free text, a line that would read as a "#" or "##" heading gets a leading backslash.
STRUCTURAL_LINE_RE = re.compile(r"(#{1,2})(?=[ \t]|$)[ \t]*(.*?)[ \t]*")
_LINE_ESCAPE_RE = re.compile(r"^(\\*#{1,2}(?:[ \t]|$))")
_LINE_UNESCAPE_RE = re.compile(r"^\\(\\*#{1,2}(?:[ \t]|$))")


def escape_inline(value: str) -> str:
    """Escape the hyphens of ``value`` that would read as an action-item separator."""
    return _INLINE_ESCAPE_RE.sub(lambda m: "\\" + m.group(1) + "-", value)


def unescape_inline(value: str) -> str:
    """Undo ``escape_inline``."""
    return _INLINE_UNESCAPE_RE.sub(lambda m: m.group(1) + "-", value)


def escape_line(line: str) -> str:
    """Escape a free-text line that would read as a title or section heading."""
    return _LINE_ESCAPE_RE.sub(r"\\\1", line)


def unescape_line(line: str) -> str:
    """Undo ``escape_line``."""
    return _LINE_UNESCAPE_RE.sub(r"\1", line)
