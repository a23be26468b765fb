"""Every operation leaves an audit record: who, when, what, outcome, request id; admins can read them."""

from __future__ import annotations

import json

import pytest
from opensearchpy import OpenSearch

from llsearch.app import create_app
from llsearch.engine.embedded import free_port

URL = "/api/lessons-learned"
BODY = {"category": "PROCESS", "severity": "MEDIUM", "component": "release", "title": "Audited lesson",
        "situation": "Someone changed it.", "root_cause": "r", "solution": "s", "prevention": "p",
        "metrics": {"business_impact_usd": 31337}}


def records(client, auth, engine, app, **filters):
    engine.indices.refresh(index=app.extensions["llsearch"].names.audit)
    answer = client.get("/api/audit", query_string=filters, headers=auth("admin"))
    assert answer.status_code == 200, answer.json
    return answer.json["items"]


def test_a_lessons_life_is_recorded(client, auth, engine, app, api_keys):
    created = client.post(URL, json=BODY, headers={**auth("psa"), "X-Request-ID": "req-create-1"})
    lesson_id = created.json["id"]
    assert created.headers["X-Request-ID"] == "req-create-1"
    client.patch(f"{URL}/{lesson_id}", json={"severity": "HIGH", "metrics": {"business_impact_usd": 1}},
                 headers=auth("council"))
    client.patch(f"{URL}/{lesson_id}/action-items/A9", json={"status": "OPEN"}, headers=auth("psa"))
    client.post(f"{URL}/{lesson_id}/approve", headers=auth("cqo"))
    client.delete(f"{URL}/{lesson_id}", headers=auth("admin"))

    found = records(client, auth, engine, app, lesson_id=lesson_id)
    by_action = {record["action"]: record for record in found}
    assert {"create", "update", "approve", "delete"} <= set(by_action)
    create = by_action["create"]
    assert create["actor"] == api_keys["psa"].name and create["role"] == "psa"
    assert create["request_id"] == "req-create-1"
    assert create["outcome"] == "success" and create["status"] == 200
    update = by_action["update"]
    assert update["diff"]["severity"] == {"from": "MEDIUM", "to": "HIGH"}
    assert update["diff"]["metrics.business_impact_usd"] == {"from": "[encrypted]", "to": "[encrypted]"}
    assert by_action["approve"]["diff"]["approver"]["to"] == api_keys["cqo"].name
    deleted = by_action["delete"]
    assert deleted["document"]["id"] == lesson_id and deleted["document"]["title"] == "Audited lesson"
    assert "31337" not in json.dumps(found)


def test_denied_attempts_are_recorded(client, auth, engine, app):
    client.get(f"{URL}/LL-2026-01-01-001", headers={"Authorization": "Bearer llk_nope"})
    client.delete(f"{URL}/LL-2026-01-01-001", headers=auth("reader"))
    denied = records(client, auth, engine, app, action="denied")
    statuses = {(record["status"], record["path"]) for record in denied}
    assert (401, f"{URL}/LL-2026-01-01-001") in statuses
    assert (403, f"{URL}/LL-2026-01-01-001") in statuses


def test_only_admins_read_the_trail_and_filters_are_validated(client, auth):
    assert client.get("/api/audit", headers=auth("psa")).status_code == 403
    assert client.get("/api/audit").status_code == 401
    bad = client.get("/api/audit?action=explode", headers=auth("admin"))
    assert bad.status_code == 422 and "action" in bad.json["errors"]


def test_filters_by_actor_and_time_and_pages(client, auth, engine, app, api_keys):
    for _ in range(3):
        client.post(URL, json=BODY, headers=auth("council"))
    mine = records(client, auth, engine, app, actor=api_keys["council"].name, action="create", page_size=2)
    assert len(mine) == 2
    first = client.get("/api/audit", query_string={"actor": api_keys["council"].name, "page_size": 2},
                       headers=auth("admin")).json
    second = client.get("/api/audit", query_string={"actor": api_keys["council"].name, "page_size": 2,
                                                    "cursor": first["next_cursor"]}, headers=auth("admin")).json
    assert {r["record_id"] for r in first["items"]}.isdisjoint({r["record_id"] for r in second["items"]})
    assert records(client, auth, engine, app, **{"from": "2000-01-01", "to": "2000-01-02"}) == []


def test_a_write_whose_record_cannot_be_written_does_not_happen(base_config, auth, api_keys, engine):
    app = create_app(base_config)
    runtime = app.extensions["llsearch"]
    client = app.test_client()
    from llsearch.api.auditing import EXTENSION
    from llsearch.security.audit import AuditTrail

    with app.app_context():
        app.extensions[EXTENSION] = AuditTrail(OpenSearch(hosts=[f"http://127.0.0.1:{free_port()}"],
                                                          max_retries=0), runtime.names, runtime.now)
    before = engine.count(index=runtime.names.lessons)["count"]
    answer = client.post(URL, json=BODY, headers=auth("psa"))
    assert answer.status_code == 503
    assert "audit trail" in answer.json["message"]
    engine.indices.refresh(index=runtime.names.lessons)
    assert engine.count(index=runtime.names.lessons)["count"] == before


def test_requests_carry_ids_and_security_headers(client):
    answer = client.get("/healthz")
    assert len(answer.headers["X-Request-ID"]) == 32
    assert answer.headers["X-Content-Type-Options"] == "nosniff"
    assert answer.headers["X-Frame-Options"] == "DENY"
    weird = client.get("/healthz", headers={"X-Request-ID": "bad id with spaces"})
    assert weird.headers["X-Request-ID"] != "bad id with spaces"


def test_cors_allows_only_listed_origins(base_config):
    app = create_app({**base_config, "cors_origins": "https://ll.example.com"})
    client = app.test_client()
    allowed = client.get("/healthz", headers={"Origin": "https://ll.example.com"})
    assert allowed.headers["Access-Control-Allow-Origin"] == "https://ll.example.com"
    other = client.get("/healthz", headers={"Origin": "https://evil.example"})
    assert "Access-Control-Allow-Origin" not in other.headers


def test_the_audit_command_prints_records(client, auth, engine, app, base_config):
    from click.testing import CliRunner

    from llsearch.cli import main

    lesson_id = client.post(URL, json=BODY, headers=auth("psa")).json["id"]
    engine.indices.refresh(index=app.extensions["llsearch"].names.audit)
    env = {"LLSEARCH_OPENSEARCH_URL": base_config["opensearch_url"],
           "LLSEARCH_INDEX_PREFIX": base_config["index_prefix"],
           "LLSEARCH_ENCRYPTION_KEYS": base_config["encryption_keys"]}
    result = CliRunner().invoke(main, ["audit", "--lesson-id", lesson_id], env=env)
    assert result.exit_code == 0, result.output
    assert "create" in result.output and lesson_id in result.output
    as_json = CliRunner().invoke(main, ["audit", "--lesson-id", lesson_id, "--json", "--from", "2000-01-01"], env=env)
    assert json.loads(as_json.output.splitlines()[0])["lesson_id"] == lesson_id
    none = CliRunner().invoke(main, ["audit", "--actor", "nobody-at-all", "--to", "2000-01-01"], env=env)
    assert "no audit records match" in none.output
    bad = CliRunner().invoke(main, ["audit", "--from", "someday"], env=env)
    assert bad.exit_code == 2
