"""A tool posts a batch of lessons to the import endpoint and learns what became of each one."""

from __future__ import annotations

import json

import pytest

from llsearch.app import create_app
from llsearch.security.apikeys import ApiKeyStore
from llsearch.security.roles import Role

URL = "/api/lessons-learned/import"
NDJSON = "application/x-ndjson"


def lesson(lesson_id: str | None, **changes) -> dict:
    body = {"timestamp_created": "2023-05-10T08:00:00Z", "category": "TECHNICAL", "severity": "HIGH",
            "component": "trading_engine", "title": f"Lesson {lesson_id}", "situation": "O motor parou de negociar.",
            "metrics": {"business_impact_usd": 12000, "time_to_detect": "PT10M"}}
    if lesson_id:
        body["id"] = lesson_id
    return {**body, **changes}


def ndjson(*records) -> str:
    return "".join(json.dumps(record) + "\n" for record in records)


def make_app(base_config, engine, suffix: str, **settings):
    app = create_app({**base_config, "index_prefix": base_config["index_prefix"] + suffix, **settings})
    store = ApiKeyStore(engine, app.extensions["llsearch"].names)
    keys = {role.value: {"Authorization": f"Bearer {store.create(f'{suffix}{role.value}', role).key}"}
            for role in (Role.READER, Role.PSA, Role.COUNCIL)}
    return app, keys


@pytest.fixture(scope="module")
def service(base_config, engine):
    app, keys = make_app(base_config, engine, "impapi-")
    return app.test_client(), keys


def post(service, body, role="psa", content_type="application/json"):
    client, keys = service
    data = body if isinstance(body, (str, bytes)) else json.dumps(body)
    return client.post(URL, data=data, content_type=content_type, headers=keys.get(role, {}))


def test_only_psa_and_council_may_import(service):
    assert post(service, [], role=None).status_code == 401
    assert post(service, [], role="reader").status_code == 403
    assert post(service, [], role="council").status_code == 200


def test_a_json_array_is_imported_record_by_record(service):
    body = [lesson("LL-2023-05-10-001"), lesson(None, severity="SEVERE", situation=None), lesson("LL-2023-05-10-001"),
            lesson(None), "not a lesson"]
    answer = post(service, body)
    assert answer.status_code == 200, answer.json
    assert answer.json["counts"] == {"created": 2, "updated": 0, "unchanged": 0, "rejected": 3}
    assert answer.json["results"] == [
        {"index": 0, "id": "LL-2023-05-10-001", "outcome": "created"},
        {"index": 1, "id": None, "outcome": "rejected",
         "errors": {"severity": ["Must be one of: CRITICAL, HIGH, MEDIUM, LOW."],
                    "situation": ["Field may not be null."]}},
        {"index": 2, "id": "LL-2023-05-10-001", "outcome": "rejected",
         "errors": "duplicate id LL-2023-05-10-001: already imported from body[0]"},
        {"index": 3, "id": "LL-2023-05-10-002", "outcome": "created"},  # the next id of its creation day
        {"index": 4, "id": None, "outcome": "rejected", "errors": "expected a lesson (a JSON object), got a string"},
    ]
    client, keys = service
    stored = client.get("/api/lessons-learned/LL-2023-05-10-001", headers=keys["psa"]).json
    assert stored["timestamp_created"] == "2023-05-10T08:00:00Z"
    assert stored["metrics"]["business_impact_usd"] == 12000

    again = post(service, [lesson("LL-2023-05-10-001")])
    assert again.json["counts"] == {"created": 0, "updated": 0, "unchanged": 1, "rejected": 0}
    assert client.get("/api/lessons-learned/LL-2023-05-10-001", headers=keys["psa"]).json["version"] == 1


def test_an_import_is_audited_with_what_it_changed(service):
    client, _ = service
    answer = post(service, [lesson("LL-2023-05-13-001"), lesson("LL-2023-05-13-002", severity="HUGE")])
    assert answer.status_code == 200
    runtime = client.application.extensions["llsearch"]
    engine = runtime.engine
    engine.indices.refresh(index=runtime.names.audit)
    hits = engine.search(index=runtime.names.audit, body={"query": {"term": {"action": "import"}}, "size": 100})
    [record] = [hit["_source"] for hit in hits["hits"]["hits"]
                if "LL-2023-05-13-001" in hit["_source"].get("details", {}).get("created", [])]
    assert (record["outcome"], record["status"], record["role"]) == ("success", 200, "psa")
    assert record["details"] == {"records": 2, "created": ["LL-2023-05-13-001"], "updated": [],
                                 "counts": {"created": 1, "updated": 0, "unchanged": 0, "rejected": 1}}


def test_ndjson_gives_lines_as_well(service):
    body = ndjson(lesson("LL-2023-05-11-001")) + "\n" + ndjson(lesson("LL-2023-05-11-002", title="Changed"))
    answer = post(service, body, content_type=NDJSON)
    assert answer.status_code == 200, answer.json
    assert answer.json["results"] == [
        {"index": 0, "line": 1, "id": "LL-2023-05-11-001", "outcome": "created"},
        {"index": 1, "line": 3, "id": "LL-2023-05-11-002", "outcome": "created"},
    ]
    assert post(service, "", content_type=NDJSON).json == {
        "counts": {"created": 0, "updated": 0, "unchanged": 0, "rejected": 0}, "results": []}


def test_an_empty_array_imports_nothing(service):
    answer = post(service, [])
    assert answer.status_code == 200
    assert answer.json == {"counts": {"created": 0, "updated": 0, "unchanged": 0, "rejected": 0}, "results": []}


@pytest.mark.parametrize(("body", "content_type", "status", "message"), [
    ('[{"title": "x"},\n {"title" "y"}]', "application/json", 400, "invalid JSON at line 2, column 11"),
    ('{"title": "a", "title": "b"}', "application/json", 400, "the key 'title' appears twice"),
    ("", "application/json", 400, "invalid JSON at line 1, column 1"),
    (b'["\xff"]', "application/json", 400, "not UTF-8"),
    ('{"id": "LL-2023-05-10-001"}', "application/json", 422, "must be a JSON array of lessons, not an object"),
    ('"lessons"', "application/json", 422, "not a string"),
    ('{"title": "ok"}\n{"title": nope}\n', NDJSON, 400, "NDJSON line 2: invalid JSON at column 11"),
    ("[]", "text/plain", 415, "application/x-ndjson"),
    ("[" * 100_000 + "]" * 100_000, "application/json", 400, "nested too deeply"),
])
def test_a_body_that_cannot_be_read_is_refused_whole(service, body, content_type, status, message):
    answer = post(service, body, content_type=content_type)
    assert answer.status_code == status, answer.json
    assert answer.json["code"] == status
    assert message in answer.json["message"]


def test_import_bodies_may_exceed_the_1_mib_limit_up_to_max_import_bytes(service, base_config, engine):
    padded = "[" + " " * (2 * 1024 * 1024) + json.dumps(lesson("LL-2023-05-12-001")) + "]"
    answer = post(service, padded)
    assert answer.status_code == 200, answer.json
    assert answer.json["counts"]["created"] == 1
    client, keys = service  # other endpoints keep the 1 MiB limit
    assert client.post("/api/lessons-learned", data=padded, content_type="application/json",
                       headers=keys["psa"]).status_code == 413

    small_app, small_keys = make_app(base_config, engine, "impsmall-", max_import_bytes=4096)
    refused = small_app.test_client().post(URL, data=padded, content_type="application/json", headers=small_keys["psa"])
    assert refused.status_code == 413
    assert refused.json["message"] == "the import body is larger than 4096 bytes; split it into several imports"


def test_openapi_documents_both_body_types_and_the_answer(service):
    client, _ = service
    spec = client.get("/api/openapi.json").json
    operation = spec["paths"][URL]["post"]
    content = operation["requestBody"]["content"]
    assert content["application/json"]["schema"]["items"] == {"$ref": "#/components/schemas/ImportedLesson"}
    assert NDJSON in content and content[NDJSON]["example"]
    assert operation["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ImportAnswer"}
    assert {"400", "401", "403", "413", "415", "422"} <= set(operation["responses"])
    assert operation["x-llsearch-roles"] == ["council", "psa"]
    result = spec["components"]["schemas"]["ImportResult"]["properties"]
    assert result["outcome"]["enum"] == ["created", "updated", "unchanged", "rejected"]
    assert all(prop.get("description") for prop in result.values())
