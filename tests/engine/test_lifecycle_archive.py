"""Old months are archived with a pinned clock: read-only, merged, searched only when asked; reruns end right."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from llsearch.app import create_app
from llsearch.config import load_settings
from llsearch.engine.lifecycle import (
    archive_month,
    block_writes,
    current_month_index,
    force_merge,
    pinned_alias,
    restore_month,
    run_archive,
)
from llsearch.engine.names import IndexNames
from llsearch.engine.setup import ensure_month_index, setup
from llsearch.security.apikeys import ApiKeyStore

NOW = datetime(2026, 12, 15, 3, 0, tzinfo=timezone.utc)
CREATED = {  # month -> when its lessons are created
    "2024-01": datetime(2024, 1, 10, 9, 0, tzinfo=timezone.utc),   # 35 months old: archived
    "2024-11": datetime(2024, 11, 20, 9, 0, tzinfo=timezone.utc),  # ends 24 months + 2 weeks ago: archived
    "2024-12": datetime(2024, 12, 5, 9, 0, tzinfo=timezone.utc),   # ends less than 24 months ago: live
    "2026-11": datetime(2026, 11, 2, 9, 0, tzinfo=timezone.utc),   # recent: live
}
LESSON = {"category": "TECHNICAL", "severity": "HIGH", "component": "health_check",
          "situation": "O health check falhou durante o deploy.", "author": "Ana Souza"}


@pytest.fixture(scope="module")
def lab(base_config, engine):
    """An app on its own prefix with two lessons in each month of CREATED, and psa/reader keys."""
    config = {**base_config, "index_prefix": base_config["index_prefix"] + "arch-"}
    settings = load_settings(config)
    setup(engine, settings, today=NOW.date())
    app = create_app(config)
    runtime = app.extensions["llsearch"]
    store = ApiKeyStore(engine, runtime.names)
    keys = {role: store.create(f"lc-{role}", role).key for role in ("psa", "reader")}
    client = app.test_client()
    ids = {}
    for month, moment in CREATED.items():
        runtime.clock = lambda moment=moment: moment
        ids[month] = [
            client.post("/api/lessons-learned", json={**LESSON, "title": f"Flapping {month} #{n}"},
                        headers={"Authorization": f"Bearer {keys['psa']}"}).json["id"]
            for n in range(2)
        ]
    runtime.clock = lambda: NOW
    return {"settings": settings, "names": runtime.names, "client": client, "ids": ids,
            "auth": lambda role: {"Authorization": f"Bearer {keys[role]}"}}


def state(engine, names: IndexNames, month: str) -> dict:
    item = current_month_index(engine, names, month)
    return {"blocked": item.write_blocked, "segments": item.segments, "aliases": set(item.aliases)}


def test_a_dry_run_reports_and_changes_nothing(engine, lab):
    names = lab["names"]
    report = run_archive(engine, lab["settings"], NOW, dry_run=True)
    assert [plan.month for plan in report.archived] == ["2024-01", "2024-11"]
    assert all(plan.steps == ["block", "merge", "move"] for plan in report.archived)
    assert state(engine, names, "2024-01")["aliases"] == {names.month_alias("2024-01"), names.lessons}


def test_months_older_than_24_are_archived_newer_ones_untouched_and_a_rerun_does_nothing(engine, lab):
    names = lab["names"]
    report = run_archive(engine, lab["settings"], NOW)
    assert [plan.month for plan in report.archived] == ["2024-01", "2024-11"]
    for month in ("2024-01", "2024-11"):
        assert state(engine, names, month) == {
            "blocked": True, "segments": 1, "aliases": {names.month_alias(month), names.archive}}
    for month in ("2024-12", "2026-11"):
        assert state(engine, names, month)["aliases"] == {names.month_alias(month), names.lessons}
        assert not state(engine, names, month)["blocked"]
    again = run_archive(engine, lab["settings"], NOW)
    assert again.archived == [] and again.already == ["2024-01", "2024-11"]


def test_archived_lessons_are_searched_only_with_include_archived(engine, lab):
    run_archive(engine, lab["settings"], NOW)
    client, old = lab["client"], lab["ids"]["2024-01"][0]
    default = client.get("/api/lessons-learned?page_size=100", headers=lab["auth"]("reader")).json
    assert old not in [item["id"] for item in default["items"]]
    everything = client.get("/api/lessons-learned?include_archived=true&page_size=100",
                            headers=lab["auth"]("reader")).json
    assert old in [item["id"] for item in everything["items"]]
    assert everything["total"] == default["total"] + 4
    assert client.get(f"/api/lessons-learned/{old}", headers=lab["auth"]("reader")).status_code == 200


def test_changing_an_archived_lesson_is_a_409_until_its_month_is_restored(engine, lab):
    run_archive(engine, lab["settings"], NOW)
    client, old = lab["client"], lab["ids"]["2024-11"][1]
    refused = client.patch(f"/api/lessons-learned/{old}", json={"severity": "LOW"}, headers=lab["auth"]("psa"))
    assert refused.status_code == 409
    assert "archived" in refused.json["message"] and "archive restore" in refused.json["message"]
    audit = lab["client"].application.extensions["llsearch"].names.audit
    engine.indices.refresh(index=audit)
    record = engine.search(index=audit, body={"query": {"bool": {"filter": [
        {"term": {"lesson_id": old}}, {"term": {"action": "update"}}]}}})["hits"]["hits"][0]["_source"]
    assert (record["outcome"], record["status"]) == ("failure", 409)

    plan = restore_month(engine, lab["names"], "2024-11")
    assert plan.steps == ["restore_aliases", "unblock"]
    names = lab["names"]
    assert state(engine, names, "2024-11")["aliases"] == {
        names.month_alias("2024-11"), names.lessons, pinned_alias(names)}
    changed = client.patch(f"/api/lessons-learned/{old}", json={"severity": "LOW"}, headers=lab["auth"]("psa"))
    assert changed.status_code == 200 and changed.json["severity"] == "LOW"
    # The daily run leaves a restored month live; archiving it explicitly clears the pin.
    rerun = run_archive(engine, lab["settings"], NOW)
    assert rerun.pinned == ["2024-11"] and rerun.archived == []
    assert archive_month(engine, names, "2024-11").steps == ["block", "merge", "move"]
    assert state(engine, names, "2024-11")["aliases"] == {names.month_alias("2024-11"), names.archive}
    assert restore_month(engine, names, "2024-11", dry_run=True).steps == ["restore_aliases", "unblock"]


def test_an_archive_interrupted_after_any_step_is_finished_by_the_next_run(engine, base_config):
    config = {**base_config, "index_prefix": base_config["index_prefix"] + "intr-"}
    settings = load_settings(config)
    setup(engine, settings, today=NOW.date())
    names = IndexNames(settings.index_prefix)
    for month, day in (("2023-03", 3), ("2023-04", 4), ("2023-05", 5)):
        ensure_month_index(engine, names, datetime(int(month[:4]), int(month[5:]), day, tzinfo=timezone.utc))
        for n in range(3):  # three refreshes, three segments
            engine.index(index=names.month_alias(month), id=f"{month}-{n}", body={"title": "x"}, refresh=True)
    # 2023-03: blocked only; 2023-04: blocked and merged; 2023-05: also added to the archive alias
    block_writes(engine, names.month_index("2023-03"))
    block_writes(engine, names.month_index("2023-04"))
    force_merge(engine, names.month_index("2023-04"))
    block_writes(engine, names.month_index("2023-05"))
    engine.indices.update_aliases(body={"actions": [{"add": {"index": names.month_index("2023-05"),
                                                             "alias": names.archive}}]})
    report = run_archive(engine, settings, NOW)
    assert {plan.month: plan.steps for plan in report.archived} == {
        "2023-03": ["merge", "move"], "2023-04": ["move"], "2023-05": ["merge", "move"]}
    for month in ("2023-03", "2023-04", "2023-05"):
        assert state(engine, names, month) == {
            "blocked": True, "segments": 1, "aliases": {names.month_alias(month), names.archive}}
        assert engine.count(index=names.month_alias(month))["count"] == 3
    assert run_archive(engine, settings, NOW).archived == []
    # A restore interrupted after moving the aliases (still blocked) is finished by running it again.
    engine.indices.update_aliases(body={"actions": [
        {"remove": {"index": names.month_index("2023-03"), "alias": names.archive}},
        {"add": {"index": names.month_index("2023-03"), "alias": names.lessons}},
        {"add": {"index": names.month_index("2023-03"), "alias": pinned_alias(names)}},
    ]})
    assert restore_month(engine, names, "2023-03").steps == ["unblock"]
    assert not state(engine, names, "2023-03")["blocked"]
    assert restore_month(engine, names, "2023-03").steps == []
