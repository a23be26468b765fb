"""Every endpoint of the spec × every role, plus no key and bad keys, gets exactly the status CONTRACT §3 implies."""

from __future__ import annotations

import re

import pytest

from llsearch.app import create_app
from llsearch.security.apikeys import ApiKeyStore
from llsearch.security.roles import Role

PUBLIC = {"/healthz", "/readyz", "/metrics"}
BODIES = {"post": {}, "patch": {}, "put": {}}


@pytest.fixture(scope="module")
def matrix(base_config, api_keys, engine, auth):
    app = create_app({**base_config, "index_prefix": base_config["index_prefix"] + "matrix-"})
    runtime = app.extensions["llsearch"]
    engine.reindex(body={"source": {"index": base_config["index_prefix"] + "llsearch-apikeys"},
                         "dest": {"index": runtime.names.apikeys}}, refresh=True)
    store = ApiKeyStore(engine, runtime.names, cache_seconds=0)
    revoked = store.create("matrix-revoked", Role.ADMIN)
    store.revoke(revoked.key_id)
    client = app.test_client()
    lesson = client.post("/api/lessons-learned", headers=auth("psa"), json={
        "category": "TECHNICAL", "severity": "LOW", "component": "matrix", "title": "Matrix",
        "situation": "s", "action_items": [{"action": "a"}]}).json
    spec = client.get("/api/openapi.json").json
    return app, client, spec, lesson["id"], revoked.key


def operations(spec):
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            if method in ("get", "post", "patch", "delete", "put"):
                yield path, method, operation


def concrete(path: str, lesson_id: str) -> str:
    values = {"lesson_id": lesson_id, "item_id": "A1", "month": "2020-01", "name": "no-such-backup"}
    return re.sub(r"{(\w+)}", lambda m: values.get(m.group(1), "x"), path)


def call(client, method, url, headers):
    kwargs = {"headers": headers}
    if method in BODIES:
        kwargs["json"] = BODIES[method]
    return getattr(client, method)(url, **kwargs)


def test_every_protected_operation_documents_its_roles(matrix):
    _, _, spec, _, _ = matrix
    for path, method, operation in operations(spec):
        if path in PUBLIC:
            continue
        assert operation.get("x-llsearch-roles"), f"{method.upper()} {path} documents no roles"
        assert "401" in operation["responses"], f"{method.upper()} {path} documents no 401"


def test_the_whole_matrix(matrix, auth):
    app, client, spec, lesson_id, revoked_key = matrix
    bad_credentials = {
        "no key": {},
        "malformed": {"Authorization": "Token abc"},
        "empty bearer": {"Authorization": "Bearer "},
        "unknown key": {"Authorization": "Bearer llk_0123456789abcdef_" + "0" * 64},
        "revoked key": {"Authorization": f"Bearer {revoked_key}"},
    }
    checked = 0
    for path, method, operation in operations(spec):
        if path in PUBLIC:
            continue
        allowed = set(operation["x-llsearch-roles"])
        url = concrete(path, lesson_id)
        for label, headers in bad_credentials.items():
            answer = call(client, method, url, headers)
            assert answer.status_code == 401, (method, path, label, answer.status_code)
            checked += 1
        for role in Role:
            answer = call(client, method, url, auth(role.value))
            if role.value in allowed:
                assert answer.status_code not in (401, 403), (method, path, role, answer.status_code, answer.json)
            else:
                assert answer.status_code == 403, (method, path, role, answer.status_code)
            checked += 1
    assert checked > 100
