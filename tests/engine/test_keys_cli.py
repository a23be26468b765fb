"""`llsearch keys generate|rotate`: a new key goes first, rotation re-encrypts every stored secret."""

from __future__ import annotations

from click.testing import CliRunner
from cryptography.fernet import Fernet

from llsearch.app import create_app
from llsearch.cli import main
from llsearch.security.fields import MARKER


def test_generate_prints_a_usable_key():
    result = CliRunner().invoke(main, ["keys", "generate"])
    assert result.exit_code == 0
    Fernet(result.output.strip())


def test_rotate_moves_every_secret_to_the_new_key(base_config, auth, api_keys, engine):
    old = base_config["encryption_keys"]
    prefix = base_config["index_prefix"] + "rot-"
    app = create_app({**base_config, "index_prefix": prefix})
    engine.reindex(body={"source": {"index": base_config["index_prefix"] + "llsearch-apikeys"},
                         "dest": {"index": prefix + "llsearch-apikeys"}}, refresh=True)
    body = {"category": "PROCESS", "severity": "LOW", "component": "billing", "title": "Rotated",
            "situation": "s", "metrics": {"business_impact_usd": 42}}
    lesson = app.test_client().post("/api/lessons-learned", json=body, headers=auth("psa")).json

    new = Fernet.generate_key().decode()
    env = {"LLSEARCH_OPENSEARCH_URL": base_config["opensearch_url"], "LLSEARCH_INDEX_PREFIX": prefix,
           "LLSEARCH_ENCRYPTION_KEYS": f"{new},{old}"}
    result = CliRunner().invoke(main, ["keys", "rotate"], env=env)
    assert result.exit_code == 0, result.output
    assert "1 re-encrypted" in result.output

    only_new = create_app({**base_config, "index_prefix": prefix, "encryption_keys": new})
    answer = only_new.test_client().get(f"/api/lessons-learned/{lesson['id']}", headers=auth("admin")).json
    assert answer["metrics"]["business_impact_usd"] == 42
    hits = engine.search(index=prefix + "lessons", body={"query": {"term": {"id": lesson["id"]}}})["hits"]["hits"]
    assert hits[0]["_source"]["metrics"]["business_impact_usd"].startswith(MARKER)
    again = CliRunner().invoke(main, ["keys", "rotate"], env={**env, "LLSEARCH_ENCRYPTION_KEYS": new})
    assert "1 re-encrypted" in again.output  # Fernet tokens are re-issued with a fresh IV
