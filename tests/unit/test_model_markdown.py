"""Lessons written in the specification's Markdown template: reading, writing, and lossless round trips."""

from datetime import date, datetime, timedelta, timezone

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from llsearch.model.dates import format_datetime
from llsearch.model.durations import format_duration
from llsearch.model.enums import ACTION_STATUSES, CATEGORIES, FOLLOW_UP_STATUSES, REFERENCE_TYPES, SEVERITIES
from llsearch.model.ids import format_lesson_id
from llsearch.model.lesson import COMPONENT_PATTERN, INCIDENT_PATTERN, TAG_PATTERN, ImportedLessonSchema
from llsearch.model.markdown import MarkdownError, parse_markdown, render_markdown
from llsearch.model.schema_fields import PERCENTAGE_PATTERN

SPEC_STYLE = """\
# Lesson Learned: Health check falso positivo derrubou o trading_engine

**ID:** LL-2026-01-31-001  
**Data:** 2026-01-31  
**Categoria:** TECHNICAL  
**Severidade:** HIGH  
**Componente:** health_check  
**Autor:** Ana Souza  
**Aprovador:** Carlos Lima (PSA)  

## Situação
O health check do trading_engine passou a falhar por timeout às 09:58.
O balanceador removeu 4 instâncias saudáveis.

## Impacto
- Downtime: 12 minutos
- Usuários afetados: 340
- Impacto financeiro: €18000
- Dados perdidos: NÃO

## Causa Raiz (5 Whys)
1. Por quê? O endpoint demorava mais que 2 s.
2. Por quê? Ele consultava o banco a cada chamada.
3. Por quê? Liveness e readiness usavam o mesmo endpoint.
4. Por quê? O padrão foi copiado sem revisão.
5. Por quê? Não existe guia de health checks = Causa raiz

## Solução Implementada
Separados liveness e readiness.

## Prevenção
Guia de health checks e teste de latência no CI.

## Action Items
- [ ] Separar liveness e readiness - Owner: Bruno Carvalho - Due: 2026-02-15
- [x] Publicar guia de health checks - Owner: Carla Mendes - Due: 2026-02-10

## Referências
- JIRA: https://jira.example.com/browse/OPS-1234
- GitHub PR: https://github.com/example/trading_engine/pull/88
- Post-mortem: https://wiki.example.com/post-mortems/incident-post-mortem-2026-01-31

## Follow-up
- Due: 2026-03-01
- Status: PENDING
"""


def test_a_file_in_the_specification_template_reads_into_a_valid_lesson():
    lesson = ImportedLessonSchema().load(parse_markdown(SPEC_STYLE))
    assert lesson["id"] == "LL-2026-01-31-001"
    assert lesson["timestamp_created"] == "2026-01-31T00:00:00Z"
    assert lesson["title"] == "Health check falso positivo derrubou o trading_engine"
    assert (lesson["category"], lesson["severity"], lesson["component"]) == ("TECHNICAL", "HIGH", "health_check")
    assert lesson["author"] == "Ana Souza" and lesson["approver"] == "Carlos Lima (PSA)"
    assert lesson["situation"].endswith("removeu 4 instâncias saudáveis.")
    assert lesson["impact"].splitlines()[0] == "- Downtime: 12 minutos"
    assert lesson["root_cause"].count("Por quê?") == 5
    assert lesson["action_items"] == [
        {"id": "A1", "action": "Separar liveness e readiness", "owner": "Bruno Carvalho", "due_date": "2026-02-15",
         "status": "OPEN"},
        {"id": "A2", "action": "Publicar guia de health checks", "owner": "Carla Mendes", "due_date": "2026-02-10",
         "status": "COMPLETED"},
    ]
    assert [ref["type"] for ref in lesson["references"]] == ["JIRA", "GITHUB", "POST_MORTEM"]
    assert lesson["follow_up"] == {"due_date": "2026-03-01", "status": "PENDING"}


ENGLISH_AND_UNACCENTED = """\ufeff
# lesson learned:   Expired certificate\r
\r
**ID**: LL-2026-02-01-002
**Date:** 2026-02-01
**Created at:** 2026-02-01T10:15:00+01:00
**Category:** security
**severity:** critical
**Component:** api_gateway
**Tags:** `tls`, certificates,
**Related incidents:** INC-001, INC-002
---

## SITUACAO
Cert expired.

## solucao implementada
Renewed.

## Prevencao
Alert at 14 days.

## Acoes
* [X] Automate renewal - Responsável: Ana - Prazo: 2026-02-20 - Concluído: 2026-02-19
- [ ] Inventory - Owner: Bob - Status: in progress

## Referencias
- GitHub: [PR 12](https://github.com/example/gw/pull/12)
- documento: <https://docs.example.com/runbooks/gw>

## Metrics
- time_to_detect: PT2H30M
- Time to resolve: PT5H
- Business impact (USD): 1234.5
- replication attempts: 0
- Success rate (prevention): 100%

## Follow up
- Prazo: 2026-03-01
- Estado: completed
- Notas: first line

  after a blank line
"""


def test_english_labels_unaccented_headings_and_loose_spelling_are_accepted():
    lesson = ImportedLessonSchema().load(parse_markdown(ENGLISH_AND_UNACCENTED))
    assert lesson["title"] == "Expired certificate"
    assert lesson["timestamp_created"] == "2026-02-01T09:15:00Z"
    assert (lesson["category"], lesson["severity"]) == ("SECURITY", "CRITICAL")
    assert lesson["tags"] == ["tls", "certificates"]
    assert lesson["related_incidents"] == ["INC-001", "INC-002"]
    assert (lesson["situation"], lesson["solution"], lesson["prevention"]) == ("Cert expired.", "Renewed.",
                                                                               "Alert at 14 days.")
    assert lesson["action_items"] == [
        {"id": "A1", "action": "Automate renewal", "owner": "Ana", "due_date": "2026-02-20", "status": "COMPLETED",
         "completion_date": "2026-02-19"},
        {"id": "A2", "action": "Inventory", "owner": "Bob", "status": "IN_PROGRESS"},
    ]
    assert lesson["references"] == [
        {"type": "GITHUB", "link": "https://github.com/example/gw/pull/12"},
        {"type": "DOCUMENT", "link": "https://docs.example.com/runbooks/gw"},
    ]
    assert lesson["metrics"] == {"time_to_detect": "PT2H30M", "time_to_resolve": "PT5H",
                                 "business_impact_usd": 1234.5, "replication_attempts": 0,
                                 "success_rate_prevention": "100%"}
    assert lesson["follow_up"] == {"due_date": "2026-03-01", "status": "COMPLETED",
                                   "notes": "first line\n\nafter a blank line"}


def test_a_title_without_the_prefix_is_taken_whole():
    assert parse_markdown("# Just a title\n## Situação\nx")["title"] == "Just a title"


@pytest.mark.parametrize(
    "text, line, reason",
    [
        ("", 1, "empty document"),
        ("\n\nSome text\n", 3, "title line"),
        ("## Situação\nx", 1, "title line"),
        ("# T\n**Categoria:** TECHNICAL\nstray text\n", 3, "header line"),
        ("# T\n**Colour:** red\n", 2, "unknown header"),
        ("# T\n**Autor:** a\n**Author:** b\n", 3, "appears twice"),
        ("# T\n**Data:** 2026-02-30\n", 2, "not a calendar date"),
        ("# T\n**Data:** 2026-02-01\n**Criado em:** 2026-02-02T10:00:00Z\n", 2, "not the UTC day"),
        ("# T\n## Situação\nx\n# Another title\n", 4, "second title"),
        ("# T\n## Timeline\n", 2, "unknown section"),
        ("# T\n## Situação\na\n## Situacao\nb\n", 4, "appears twice"),
        ("# T\n## Action Items\n- do it\n", 3, "expected an action item"),
        ("# T\n## Action Items\n- [ ]\n", 3, "no text"),
        ("# T\n## Action Items\n- [x] \u3000 - Owner: x\n", 3, "no text"),
        ("# T\n## Action Items\n- [x] a - Status: OPEN\n", 3, "contradicts"),
        ("# T\n## Action Items\n- [ ] a - Status: COMPLETED\n", 3, "contradicts"),
        ("# T\n## Action Items\n- [ ] a - Owner: x - Owner: y\n", 3, "appears twice"),
        ("# T\n## Referências\n- Wiki: https://x.example\n", 3, "reference"),
        ("# T\n## Referências\n- JIRA:\n", 3, "no link"),
        ("# T\n## Métricas\n- MTTR: 5\n", 3, "metrics"),
        ("# T\n## Métricas\n- Replication attempts: three\n", 3, "whole number"),
        ("# T\n## Métricas\n- Business impact: 50,000\n", 3, "number such as"),
        ("# T\n## Métricas\n- ttd: PT1H\n- Time to detect: PT2H\n", 4, "appears twice"),
        ("# T\n## Follow-up\n- Owner: x\n", 3, "follow-up"),
        ("# T\n## Follow-up\n- Due: 2026-01-01\n- Due: 2026-01-02\n", 4, "appears twice"),
    ],
)
def test_malformed_files_say_which_line_and_why(text, line, reason):
    with pytest.raises(MarkdownError) as caught:
        parse_markdown(text)
    assert caught.value.line == line
    assert reason in caught.value.reason
    assert str(caught.value).startswith(f"line {line}: ")


def test_a_malformed_creation_time_is_left_for_the_schema_to_report():
    parsed = parse_markdown("# T\n**Data:** 2026-02-01\n**Criado em:** yesterday\n")
    assert parsed["timestamp_created"] == "yesterday"


def test_rendering_follows_the_template():
    lesson = ImportedLessonSchema().load(parse_markdown(SPEC_STYLE))
    text = render_markdown(lesson)
    assert text.startswith("# Lesson Learned: Health check falso positivo")
    assert "**ID:** LL-2026-01-31-001  \n**Data:** 2026-01-31  \n" in text
    assert "\n## Causa Raiz (5 Whys)\n1. Por quê?" in text
    assert "- [x] Publicar guia de health checks - Owner: Carla Mendes - Due: 2026-02-10 - ID: A2" in text
    english = render_markdown(lesson, language="en")
    assert "**Category:** TECHNICAL" in english and "## Root Cause (5 Whys)" in english
    with pytest.raises(ValueError):
        render_markdown(lesson, language="fr")


def test_escapes_keep_awkward_text_intact():
    lesson = {
        "title": "Lesson Learned: nested", "situation": "## Impacto\n# x\n\\## y\n### kept", "category": "PROCESS",
        "action_items": [{"action": "Fix - Owner: me", "owner": "A - Due: B \\- C", "status": "IN_PROGRESS"}],
        "follow_up": {"status": "PENDING", "notes": "a\n  b\n\n   \n- Due: x"},
    }
    text = render_markdown(lesson)
    assert "\n\\## Impacto\n\\# x\n\\\\## y\n### kept\n" in text
    assert "- [ ] Fix \\- Owner: me - Owner: A \\- Due: B \\- C - Status: IN_PROGRESS" in text
    assert parse_markdown(text) == lesson


def test_empty_lists_and_texts_stay_distinct_from_absent_ones():
    lesson = {"title": "t", "situation": "s", "impact": "", "tags": [], "action_items": [], "references": [],
              "metrics": {}, "follow_up": {"status": "PENDING", "notes": ""}}
    assert parse_markdown(render_markdown(lesson)) == lesson
    assert parse_markdown(render_markdown({"title": "t"})) == {"title": "t"}


# --- the property: any valid lesson survives render -> parse unchanged --------------------------------

_CHARS = st.characters(exclude_categories=("Cc", "Cs", "Zl", "Zp"))
_TRICKY = (" - Owner: ", " - owner:", " \\- Due: ", "\\", "\\\\-", "- ", " -", "# ", "## ", "**", ":", ", ",
           "`", "[x]", " - ID: A1", " - Status: OPEN", "Lesson Learned: ", "  ", "-", "é", "ç", " - Completed:")
_TRICKY_LINES = ("\n", "\n## Impacto\n", "\n# Title", "\n\\## x", "\n  indented", "\t", "\n\n", "\n- [ ] x",
                 "\n**ID:** y", "\n---", "\n##", "\n#\t", "\n   \n", "\n- Due: 2026-01-01", "\n\\\\# z")


def _text(pieces, max_pieces=8):
    return st.lists(st.one_of(st.sampled_from(pieces), st.text(_CHARS, max_size=6)), max_size=max_pieces).map("".join)


_VISIBLE = st.one_of(st.sampled_from("#-\\[*`Lé"), _CHARS.filter(lambda c: not c.isspace()))
single_line = st.tuples(_VISIBLE, _text(_TRICKY), _VISIBLE).map("".join)
prose = _text(_TRICKY + _TRICKY_LINES, 12)
days = st.dates(min_value=date(1900, 1, 1), max_value=date(2200, 12, 31)).map(date.isoformat)
offsets = st.integers(-23 * 60 - 59, 23 * 60 + 59).map(lambda minutes: timezone(timedelta(minutes=minutes)))
moments = st.datetimes(min_value=datetime(1971, 1, 1), max_value=datetime(2199, 1, 1), timezones=offsets)
timestamps = st.one_of(moments.map(datetime.isoformat), moments.map(format_datetime))
durations = st.one_of(
    st.integers(0, 10**8).map(format_duration),
    st.tuples(*[st.integers(0, 99)] * 5, st.sampled_from(["", ".5", ".25"])).map(
        lambda p: f"P{p[0]}W{p[1]}DT{p[2]}H{p[3]}M{p[4]}{p[5]}S"),
)
links = st.tuples(st.sampled_from(["https://jira.example.com/browse/", "http://wiki/", "https://github.com/o/r/"]),
                  st.text("abcdefghijklmnopqrstuvwxyz0123456789-_/", max_size=20)).map("".join)


@st.composite
def action_items(draw):
    items = draw(st.lists(st.fixed_dictionaries(
        {"action": single_line},
        optional={"owner": single_line, "due_date": days, "status": st.sampled_from(ACTION_STATUSES)}), max_size=5))
    numbers = draw(st.lists(st.integers(1, 50), min_size=len(items), max_size=len(items), unique=True))
    for item, number in zip(items, numbers):
        if draw(st.booleans()):
            item["id"] = f"A{number}"
        if item.get("status") == "COMPLETED" and draw(st.booleans()):
            item["completion_date"] = draw(days)
    return items


@st.composite
def lessons(draw):
    lesson = draw(st.fixed_dictionaries(
        {
            "category": st.sampled_from(CATEGORIES), "severity": st.sampled_from(SEVERITIES),
            "component": st.from_regex(COMPONENT_PATTERN, fullmatch=True),
            "title": single_line, "situation": st.tuples(_VISIBLE, prose).map("".join),
        },
        optional={
            "id": st.builds(format_lesson_id, st.dates(min_value=date(1000, 1, 1)), st.integers(1, 2000)),
            "timestamp_created": timestamps, "updated_at": timestamps,
            "impact": prose, "root_cause": prose, "solution": prose, "prevention": prose,
            "action_items": action_items(),
            "tags": st.lists(st.from_regex(TAG_PATTERN, fullmatch=True), max_size=5, unique=True),
            "related_incidents": st.lists(st.from_regex(INCIDENT_PATTERN, fullmatch=True), max_size=3, unique=True),
            "author": single_line,
            "references": st.lists(st.fixed_dictionaries({"type": st.sampled_from(REFERENCE_TYPES), "link": links}),
                                   max_size=4),
            "metrics": st.fixed_dictionaries({}, optional={
                "time_to_detect": durations, "time_to_resolve": durations,
                "business_impact_usd": st.one_of(st.integers(0, 10**15), st.floats(0, 1e15)),
                "replication_attempts": st.integers(0, 2**31 - 1),
                "success_rate_prevention": st.from_regex(PERCENTAGE_PATTERN, fullmatch=True),
            }),
            "follow_up": st.fixed_dictionaries({}, optional={
                "due_date": days, "status": st.sampled_from(FOLLOW_UP_STATUSES), "notes": prose}),
        },
    ))
    if draw(st.booleans()):
        lesson["approver"] = draw(single_line)
        lesson["approval_date"] = draw(timestamps)
    return ImportedLessonSchema().load(lesson)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(lessons(), st.sampled_from(["pt", "en"]))
def test_any_valid_lesson_survives_a_markdown_round_trip(lesson, language):
    parsed = parse_markdown(render_markdown(lesson, language=language))
    assert parsed == lesson
    assert ImportedLessonSchema().load(parsed) == lesson


def test_demo_lessons_survive_a_markdown_round_trip():
    from llsearch.model.demo import generate_lessons

    for lesson in generate_lessons(300, seed=11, now=datetime(2026, 2, 1, tzinfo=timezone.utc)):
        assert parse_markdown(render_markdown(lesson)) == lesson


def test_a_malformed_creation_time_still_renders_its_day_as_written():
    text = render_markdown({"title": "t", "timestamp_created": "2026-02-01 nonsense"})
    assert "**Data:** 2026-02-01  " in text and "**Criado em:** 2026-02-01 nonsense  " in text
