"""An admin backs up, verifies, restores and archives over HTTP; nobody else may."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest

from llsearch.app import create_app
from llsearch.engine.setup import ensure_month_index
from llsearch.security.apikeys import ApiKeyStore
from llsearch.security.audit import AuditQuery, AuditTrail

NOW = datetime(2026, 11, 20, 8, 0, tzinfo=timezone.utc)


def node_path_repo(engine) -> Path:
    node = next(iter(engine.nodes.info(metric="settings")["nodes"].values()))
    repo = node["settings"]["path"]["repo"]
    return Path(repo[0] if isinstance(repo, list) else repo)


@pytest.fixture(scope="module")
def admin_app(base_config, engine):
    """An app on its own prefix and repository with an old month, and admin and psa keys."""
    repository = base_config["index_prefix"] + "apibackups"
    app = create_app({**base_config, "index_prefix": base_config["index_prefix"] + "adm-",
                      "snapshot_repository": repository,
                      "snapshot_location": str(node_path_repo(engine) / repository)})
    runtime = app.extensions["llsearch"]
    runtime.clock = lambda: NOW
    runtime.ensure_setup()
    ensure_month_index(engine, runtime.names, datetime(2023, 2, 1, tzinfo=timezone.utc))
    engine.index(index=runtime.names.month_alias("2023-02"), id="LL-2023-02-01-001", body={"title": "old"},
                 refresh=True)
    store = ApiKeyStore(engine, runtime.names)
    keys = {role: store.create(f"adm-{role}", role).key for role in ("admin", "psa")}
    return app, {role: {"Authorization": f"Bearer {key}"} for role, key in keys.items()}


@pytest.fixture
def http(admin_app):
    return admin_app[0].test_client()


@pytest.fixture
def as_role(admin_app):
    return admin_app[1]


ADMIN_CALLS = [
    ("get", "/api/admin/backups"), ("post", "/api/admin/backups"), ("post", "/api/admin/backups/prune"),
    ("post", "/api/admin/backups/latest/restore"), ("post", "/api/admin/backups/latest/verify"),
    ("get", "/api/admin/archive"), ("post", "/api/admin/archive/run"),
    ("post", "/api/admin/archive/2023-02/restore"),
]


@pytest.mark.parametrize("method, path", ADMIN_CALLS)
def test_only_admins_may_call_admin_endpoints(http, as_role, method, path):
    assert getattr(http, method)(path).status_code == 401
    refused = getattr(http, method)(path, headers=as_role["psa"])
    assert refused.status_code == 403 and "admin" in refused.json["message"]


def test_admin_backs_up_lists_verifies_restores_and_prunes(http, as_role, admin_app, engine):
    created = http.post("/api/admin/backups", headers=as_role["admin"])
    assert created.status_code == 201, created.json
    name = created.json["name"]
    assert created.json["state"] == "SUCCESS" and created.json["kind"] == "manual"
    assert created.json["taken_by"] == "adm-admin"
    listed = http.get("/api/admin/backups", headers=as_role["admin"])
    assert listed.status_code == 200 and name in [item["name"] for item in listed.json["items"]]
    verified = http.post(f"/api/admin/backups/{name}/verify", headers=as_role["admin"])
    assert verified.status_code == 200 and verified.json["ok"], verified.json
    restored = http.post(f"/api/admin/backups/{name}/restore", json={"safety_snapshot": False},
                         headers=as_role["admin"])
    assert restored.status_code == 200 and restored.json["safety_snapshot"] is None
    assert restored.json["snapshot"] == name and restored.json["indices"]
    runtime = admin_app[0].extensions["llsearch"]
    engine.indices.refresh(index=runtime.names.audit)
    trail = AuditTrail(engine, runtime.names, runtime.now)
    assert [record["actor"] for record in trail.search(AuditQuery(action="backup_restore"))[0]] == ["adm-admin"]
    pruned = http.post("/api/admin/backups/prune", json={"dry_run": True}, headers=as_role["admin"])
    assert pruned.status_code == 200 and pruned.json == {"dry_run": True, "deleted": []}
    assert http.post("/api/admin/backups/prune", headers=as_role["admin"]).status_code == 200


def test_unknown_snapshots_and_months_are_404(http, as_role):
    for path in ("/api/admin/backups/nope/verify", "/api/admin/backups/nope/restore",
                 "/api/admin/archive/1999-01/restore", "/api/admin/archive/not-a-month/restore"):
        answer = http.post(path, headers=as_role["admin"])
        assert answer.status_code == 404, (path, answer.json)
        assert answer.json["code"] == 404 and answer.json["message"]


def test_admin_archives_with_a_dry_run_first_and_restores_a_month(http, as_role):
    dry = http.post("/api/admin/archive/run", json={"dry_run": True}, headers=as_role["admin"])
    assert dry.status_code == 200 and dry.json["dry_run"]
    assert {"month": "2023-02", "index": dry.json["archived"][0]["index"],
            "steps": ["block", "merge", "move"]} in dry.json["archived"]
    done = http.post("/api/admin/archive/run", headers=as_role["admin"])
    assert done.status_code == 200 and "2023-02" in [plan["month"] for plan in done.json["archived"]]
    status = http.get("/api/admin/archive", headers=as_role["admin"])
    month = next(item for item in status.json["months"] if item["month"] == "2023-02")
    assert status.json["after_months"] == 24 and month["state"] == "archived"
    restored = http.post("/api/admin/archive/2023-02/restore", headers=as_role["admin"])
    assert restored.status_code == 200 and restored.json["steps"] == ["restore_aliases", "unblock"]
    again = http.post("/api/admin/archive/run", headers=as_role["admin"])
    assert again.json["pinned"] == ["2023-02"] and again.json["archived"] == []
