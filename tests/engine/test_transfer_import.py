"""A PSA imports a folder of lessons: every format lands, rejects are explained, a re-run changes nothing."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path
from types import SimpleNamespace

import pytest

from llsearch.config import load_settings
from llsearch.engine import counters
from llsearch.engine.lessons import LessonRepository
from llsearch.engine.names import IndexNames
from llsearch.engine.setup import setup
from llsearch.model.changes import new_lesson
from llsearch.security.fields import codec_for
from llsearch.transfer.importer import Importer
from llsearch.transfer.sources import array_records, plan_import

IMPORT_TIME = datetime(2025, 3, 6, 8, 0, tzinfo=timezone.utc)

# Written by hand in the style of the specification's template (§3.2), Portuguese headings and all.
SPEC_MARKDOWN = """\
# Lesson Learned: Rollback do trading_engine falhou por migração irreversível

**ID:** LL-2025-01-13-004  
**Data:** 2025-01-13  
**Categoria:** TECHNICAL  
**Severidade:** CRITICAL  
**Componente:** trading_engine  
**Autor:** Ana Souza  
**Aprovador:** Carlos Lima (PSA)  

## Situação
Durante o deploy da versão 4.2 do trading_engine, o rollback automático falhou
e as ordens ficaram paradas.

## Impacto
- Downtime: 47 minutos
- Usuários afetados: 1200
- Impacto financeiro: €35000
- Dados perdidos: NÃO

## Causa Raiz (5 Whys)
1. Por quê? O rollback falhou.
2. Por quê? A migração do banco removeu uma coluna.
3. Por quê? A migração não tinha script de reversão.
4. Por quê? O checklist de release não exigia migrações reversíveis.
5. Por quê? Nunca tínhamos precisado de um rollback com migração (causa raiz).

## Solução Implementada
Coluna restaurada a partir do backup e rollback concluído manualmente.

## Prevenção
Toda migração precisa de um script de reversão testado em staging.

## Action Items
- [ ] Exigir migrações reversíveis no checklist de release - Owner: Bruno Costa - Due: 2025-02-15
- [x] Restaurar a coluna removida - Owner: Ana Souza - Due: 2025-01-14

## Referências
- JIRA: https://jira.example.com/browse/TRD-812
- GitHub PR: https://github.com/example/trading_engine/pull/1290
- Post-mortem: https://wiki.example.com/post-mortems/INC-0042

## Follow-up
- Due: 2025-03-01
- Status: PENDING
"""


def lesson(lesson_id: str | None, created: str | None = "2025-01-10T12:00:00Z", **changes) -> dict:
    body = {"category": "OPERATIONAL", "severity": "MEDIUM", "component": "prometheus",
            "title": f"Lesson {lesson_id}", "situation": "O Prometheus perdeu métricas durante a janela."}
    if lesson_id:
        body["id"] = lesson_id
    if created:
        body["timestamp_created"] = created
    return {**body, **changes}


def write(path: Path, content) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(content if isinstance(content, str) else json.dumps(content, ensure_ascii=False), encoding="utf-8")
    return path


def ndjson(*records) -> str:
    return "".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in records)


@pytest.fixture(scope="module")
def store(base_config, engine):
    settings = load_settings({**base_config, "index_prefix": base_config["index_prefix"] + "imp-"})
    setup(engine, settings)
    names, codec = IndexNames(settings.index_prefix), codec_for(settings)
    return SimpleNamespace(client=engine, names=names, codec=codec, repo=LessonRepository(engine, names, codec))


def run_import(store, path, dry_run=False):
    importer = Importer(store.client, store.names, lambda: IMPORT_TIME, codec=store.codec, dry_run=dry_run)
    return importer.run(plan_import(path).items())


def stored_version(store, lesson_id: str) -> int:
    return store.repo.get(lesson_id).lesson["version"]


def test_every_source_format_is_imported(tmp_path, store):
    layout = tmp_path / "lessons-learned"
    write(layout / "2025-01" / "LL-2025-01-10-001.json", lesson("LL-2025-01-10-001"))
    write(layout / "index.json", {"generated_at": "2025-02-01T00:00:00Z", "count": 1,
                                  "lessons": [{"id": "LL-2025-01-10-001", "path": "2025-01/LL-2025-01-10-001.json"}]})
    write(tmp_path / "batch.json", [lesson("LL-2025-01-11-001"), lesson("LL-2025-01-11-002")])
    write(tmp_path / "single.json", lesson("LL-2025-01-11-003"))
    write(tmp_path / "stream.ndjson", ndjson(lesson("LL-2025-01-12-001"), lesson("LL-2025-01-12-002")))
    write(tmp_path / "postmortem.md", SPEC_MARKDOWN)

    report = run_import(store, tmp_path)

    assert report.counts == {"created": 7, "updated": 0, "unchanged": 0, "rejected": 0}
    assert not report.notices
    assert [(Path(r.origin.source).name, r.origin.line, r.origin.index, r.id) for r in report.results] == [
        ("batch.json", None, 0, "LL-2025-01-11-001"), ("batch.json", None, 1, "LL-2025-01-11-002"),
        ("postmortem.md", None, None, "LL-2025-01-13-004"), ("single.json", None, None, "LL-2025-01-11-003"),
        ("stream.ndjson", 1, None, "LL-2025-01-12-001"), ("stream.ndjson", 2, None, "LL-2025-01-12-002"),
        ("LL-2025-01-10-001.json", None, None, "LL-2025-01-10-001"),
    ]
    from_markdown = store.repo.get("LL-2025-01-13-004").lesson
    assert from_markdown == {
        "id": "LL-2025-01-13-004",
        "timestamp_created": "2025-01-13T00:00:00Z",
        "version": 1,
        "category": "TECHNICAL",
        "severity": "CRITICAL",
        "component": "trading_engine",
        "title": "Rollback do trading_engine falhou por migração irreversível",
        "author": "Ana Souza",
        "approver": "Carlos Lima (PSA)",
        "situation": "Durante o deploy da versão 4.2 do trading_engine, o rollback automático falhou\n"
                     "e as ordens ficaram paradas.",
        "impact": "- Downtime: 47 minutos\n- Usuários afetados: 1200\n- Impacto financeiro: €35000\n"
                  "- Dados perdidos: NÃO",
        "root_cause": "\n".join([
            "1. Por quê? O rollback falhou.",
            "2. Por quê? A migração do banco removeu uma coluna.",
            "3. Por quê? A migração não tinha script de reversão.",
            "4. Por quê? O checklist de release não exigia migrações reversíveis.",
            "5. Por quê? Nunca tínhamos precisado de um rollback com migração (causa raiz).",
        ]),
        "solution": "Coluna restaurada a partir do backup e rollback concluído manualmente.",
        "prevention": "Toda migração precisa de um script de reversão testado em staging.",
        "action_items": [
            {"id": "A1", "action": "Exigir migrações reversíveis no checklist de release", "owner": "Bruno Costa",
             "due_date": "2025-02-15", "status": "OPEN"},
            {"id": "A2", "action": "Restaurar a coluna removida", "owner": "Ana Souza", "due_date": "2025-01-14",
             "status": "COMPLETED"},
        ],
        "references": [
            {"type": "JIRA", "link": "https://jira.example.com/browse/TRD-812"},
            {"type": "GITHUB", "link": "https://github.com/example/trading_engine/pull/1290"},
            {"type": "POST_MORTEM", "link": "https://wiki.example.com/post-mortems/INC-0042"},
        ],
        "follow_up": {"due_date": "2025-03-01", "status": "PENDING"},
    }
    assert store.repo.get("LL-2025-01-12-002").lesson["timestamp_created"] == "2025-01-10T12:00:00Z"


def test_every_rejected_file_and_record_is_reported_with_its_reason(tmp_path, store):
    layout = tmp_path / "lessons-learned"
    write(layout / "2025-02" / "LL-2025-02-01-001.json", lesson("LL-2025-02-01-001", "2025-02-01T09:00:00Z"))
    write(layout / "2025-02" / "LL-2025-02-01-003.json", lesson("LL-2025-02-01-003", "2025-02-01T09:00:00Z"))
    write(layout / "index.json", {"lessons": [{"id": "LL-2025-02-01-001", "path": "2025-02/LL-2025-02-01-001.json"},
                                              {"id": "LL-2025-02-01-002", "path": "2025-02/LL-2025-02-01-002.json"}]})
    write(tmp_path / "broken.json", '{"id": "LL-2025-02-02-009",\n  "title": }')
    write(tmp_path / "mixed.json", [
        lesson("LL-2025-02-02-001", "2025-02-02T09:00:00Z"),
        lesson("LL-2025-02-02-002", "2025-02-02T09:00:00Z", severity="SEVERE", situation=None, colour="red"),
        lesson("LL-2025-02-02-001", "2025-02-02T10:00:00Z", title="Same id again"),
    ])
    write(tmp_path / "no-title.md", "**ID:** LL-2025-02-03-005\n**Categoria:** TECHNICAL\n\n## Situação\nAlgo.\n")
    write(tmp_path / "stream.ndjson", ndjson(lesson("LL-2025-02-03-001", "2025-02-03T09:00:00Z"), '{"title": oops}'))

    report = run_import(store, tmp_path)

    assert report.counts == {"created": 4, "updated": 0, "unchanged": 0, "rejected": 6}
    rejected = {str(r.origin).removeprefix(f"{tmp_path}/"): r for r in report.rejections}
    assert sorted(rejected) == ["broken.json", "lessons-learned/index.json[1]", "mixed.json[1]", "mixed.json[2]",
                                "no-title.md:1", "stream.ndjson:2"]
    assert rejected["broken.json"].reason == "invalid JSON at line 2, column 12: Expecting value"
    assert rejected["lessons-learned/index.json[1]"].reason == "lists 2025-02/LL-2025-02-01-002.json, which is missing"
    schema_error = rejected["mixed.json[1]"]
    assert set(schema_error.errors) == {"severity", "situation", "colour"}
    assert schema_error.id == "LL-2025-02-02-002"
    assert "severity: Must be one of" in schema_error.reason and "colour: Unknown field." in schema_error.reason
    assert rejected["mixed.json[2]"].reason == (
        f"duplicate id LL-2025-02-02-001: already imported from {tmp_path}/mixed.json[0]")
    assert "expected the title line '# Lesson Learned: TITLE'" in rejected["no-title.md:1"].reason
    assert rejected["stream.ndjson:2"].reason.startswith("invalid JSON at column 11")
    assert [str(n.origin) for n in report.notices] == [str(layout / "2025-02" / "LL-2025-02-01-003.json")]
    for lesson_id in ("LL-2025-02-01-001", "LL-2025-02-01-003", "LL-2025-02-02-001", "LL-2025-02-03-001"):
        assert store.repo.get(lesson_id).lesson["version"] == 1
    assert store.repo.get("LL-2025-02-02-001").lesson["title"] == "Lesson LL-2025-02-02-001"  # the first one won


def test_importing_the_same_files_twice_changes_nothing(tmp_path, store):
    exported = [lesson(f"LL-2025-01-20-00{n}", "2025-01-20T10:00:00Z", version=3, updated_at="2025-01-21T10:00:00Z",
                       approver="Carla Dias", approval_date="2025-01-21T10:00:00Z",
                       action_items=[{"id": "A2", "action": "Aumentar o disco", "status": "COMPLETED",
                                      "completion_date": "2025-01-22"}],
                       metrics={"time_to_detect": "PT15M", "business_impact_usd": 1234.5})
                for n in range(1, 4)]
    source = write(tmp_path / "lessons.json", exported)
    first = run_import(store, source)
    assert first.counts == {"created": 3, "updated": 0, "unchanged": 0, "rejected": 0}
    before = {item["id"]: store.repo.get(item["id"]).lesson for item in exported}
    assert all(stored["version"] == 3 for stored in before.values())  # an exported version is restored as is
    raw = store.client.get(index=store.names.month_alias("2025-01"), id="LL-2025-01-20-001")["_source"]
    assert raw["metrics"]["business_impact_usd"].startswith("enc:v1:")  # sensitive: encrypted at rest

    second = run_import(store, source)
    assert second.counts == {"created": 0, "updated": 0, "unchanged": 3, "rejected": 0}
    assert {lesson_id: store.repo.get(lesson_id).lesson for lesson_id in before} == before

    exported[0]["title"] = "A better title"
    third = run_import(store, write(tmp_path / "lessons.json", exported))
    assert third.counts == {"created": 0, "updated": 1, "unchanged": 2, "rejected": 0}
    assert stored_version(store, "LL-2025-01-20-001") == 4


def test_ids_are_kept_and_the_day_counter_moves_past_them(store):
    imported = lesson("LL-2026-03-01-007", "2026-02-27T23:10:00Z")  # the id's day is not the creation day: kept
    importer = Importer(store.client, store.names, lambda: IMPORT_TIME, codec=store.codec)
    report = importer.run(array_records([imported], "test"))
    assert report.counts["created"] == 1
    stored = store.repo.get("LL-2026-03-01-007")
    assert stored.lesson["timestamp_created"] == "2026-02-27T23:10:00Z"
    assert stored.index == store.names.month_index("2026-02")

    pinned = datetime(2026, 3, 1, 9, 0, tzinfo=timezone.utc)
    created = store.repo.create(new_lesson(lesson(None, None), pinned), pinned)
    assert created.lesson["id"] == "LL-2026-03-01-008"


def test_records_without_id_get_the_next_number_of_their_creation_day(tmp_path, store):
    source = write(tmp_path / "new.ndjson", ndjson(
        lesson(None, "2025-03-05T10:00:00Z", title="No id yet"),
        lesson("LL-2025-03-05-002", "2025-03-05T11:00:00Z"),
        lesson(None, None, title="Neither id nor time"),
    ))
    report = run_import(store, source)
    assert report.counts == {"created": 3, "updated": 0, "unchanged": 0, "rejected": 0}
    # The id-less lesson of 2025-03-05 comes after the id the same import carries for that day.
    assert [r.id for r in report.results] == ["LL-2025-03-05-003", "LL-2025-03-05-002", "LL-2025-03-06-001"]
    assert store.repo.get("LL-2025-03-06-001").lesson["timestamp_created"] == "2025-03-06T08:00:00Z"
    assert counters.current_number(store.client, store.names, datetime(2025, 3, 5).date()) == 3


def test_a_dry_run_validates_and_writes_nothing(tmp_path, store):
    source = write(tmp_path / "dry.ndjson", ndjson(lesson("LL-2025-04-01-001", "2025-04-01T10:00:00Z"),
                                                   lesson(None, "2025-04-01T10:00:00Z"), {"title": "incomplete"}))
    report = run_import(store, source, dry_run=True)
    assert report.counts == {"valid": 2, "rejected": 1}
    assert [r.outcome for r in report.results] == ["valid", "valid", "rejected"]
    query = {"query": {"term": {"id": "LL-2025-04-01-001"}}}
    assert store.client.count(index=store.names.lessons, body=query)["count"] == 0
    assert counters.current_number(store.client, store.names, datetime(2025, 4, 1).date()) == 0


def test_a_lesson_is_not_moved_to_another_month_by_import(store):
    importer = Importer(store.client, store.names, lambda: IMPORT_TIME, codec=store.codec)
    assert importer.run(array_records([lesson("LL-2025-05-01-001", "2025-05-01T10:00:00Z")], "a")).counts["created"] == 1
    moved = importer.run(array_records([lesson("LL-2025-05-01-001", "2025-06-02T10:00:00Z")], "b"))
    assert moved.counts == {"created": 0, "updated": 0, "unchanged": 0, "rejected": 1}
    assert moved.rejections[0].reason.startswith(
        "already stored in the month 2025-05, but its timestamp_created is in 2025-06")
    query = {"query": {"ids": {"values": ["LL-2025-05-01-001"]}}}
    assert store.client.count(index=store.names.lessons, body=query)["count"] == 1


def test_an_id_less_file_imported_again_is_the_lesson_it_created_the_first_time(tmp_path, store):
    written = SPEC_MARKDOWN.replace("**ID:** LL-2025-01-13-004  \n", "").replace("2025-01-13", "2025-07-14")
    source = write(tmp_path / "handwritten.md", written)
    write(tmp_path / "no-time.ndjson", ndjson(lesson(None, None, title="Sem data nem id")))
    first = run_import(store, tmp_path)
    assert first.counts == {"created": 2, "updated": 0, "unchanged": 0, "rejected": 0}
    ids = [result.id for result in first.results]
    assert ids[0].startswith("LL-2025-07-14-") and ids[1].startswith("LL-2025-03-06-")  # import time: IMPORT_TIME

    later = Importer(store.client, store.names, lambda: datetime(2025, 9, 1, tzinfo=timezone.utc), codec=store.codec)
    second = later.run(plan_import(tmp_path).items())
    assert second.counts == {"created": 0, "updated": 0, "unchanged": 2, "rejected": 0}
    assert [result.id for result in second.results] == ids

    source.write_text(written.replace("Coluna restaurada", "A coluna foi restaurada"), encoding="utf-8")
    third = run_import(store, source)
    assert third.counts["updated"] == 1 and third.results[0].id == ids[0]


def test_id_less_records_that_are_the_same_lesson_are_not_stored_twice(tmp_path, store):
    twin = lesson(None, "2025-08-01T10:00:00Z", title="Gêmeos")
    report = run_import(store, write(tmp_path / "twins.json", [twin, twin]))
    assert report.counts == {"created": 1, "updated": 0, "unchanged": 0, "rejected": 1}
    assert report.rejections[0].reason == (
        f"the same lesson as {tmp_path}/twins.json[0] (same title and timestamp_created); give each an id")
    # Two stored lessons with that identity: an id-less record cannot say which it is.
    assert run_import(store, write(tmp_path / "other.json", [{**twin, "id": "LL-2025-08-01-050"}])).counts["created"] == 1
    ambiguous = run_import(store, write(tmp_path / "again.json", [twin]))
    assert ambiguous.rejections[0].reason.startswith("stored lessons LL-2025-08-01-001, LL-2025-08-01-050 all have its")
