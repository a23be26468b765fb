"""Sensitive fields are encrypted in the engine, shown to cleared roles and withheld from readers."""

from __future__ import annotations

import json

import pytest
from cryptography.fernet import Fernet

from llsearch.app import create_app
from llsearch.config import SettingsError, load_settings
from llsearch.security.fields import MARKER, FieldCipher, codec_for, load_keys

URL = "/api/lessons-learned"
BODY = {"category": "SECURITY", "severity": "CRITICAL", "component": "payments", "title": "Leaked token",
        "situation": "A token was pushed to a public repository.", "impact": "Customer data exposed",
        "metrics": {"business_impact_usd": 987654.25, "time_to_resolve": "PT3H"}}


def raw_source(engine, names, lesson_id):
    hits = engine.search(index=names.lessons, body={"query": {"term": {"id": lesson_id}}})["hits"]["hits"]
    return hits[0]["_source"]


def test_the_engine_never_sees_the_business_impact(client, auth, app, engine):
    lesson = client.post(URL, json=BODY, headers=auth("psa")).json
    source = raw_source(engine, app.extensions["llsearch"].names, lesson["id"])
    assert "987654" not in json.dumps(source)
    assert source["metrics"]["business_impact_usd"].startswith(MARKER)
    assert source["metrics"]["time_to_resolve_seconds"] == 10800


@pytest.mark.parametrize("role", ["psa", "council", "cqo", "admin"])
def test_cleared_roles_read_the_decrypted_value(client, auth, role):
    lesson = client.post(URL, json=BODY, headers=auth("psa")).json
    answer = client.get(f"{URL}/{lesson['id']}", headers=auth(role)).json
    assert answer["metrics"]["business_impact_usd"] == 987654.25
    assert "redacted_fields" not in answer


def test_readers_get_it_redacted_everywhere(client, auth):
    lesson = client.post(URL, json=BODY, headers=auth("psa")).json
    one = client.get(f"{URL}/{lesson['id']}", headers=auth("reader")).json
    assert "business_impact_usd" not in one["metrics"]
    assert one["redacted_fields"] == ["metrics.business_impact_usd"]
    found = client.get(f"{URL}?search=leaked token&component=payments", headers=auth("reader")).json["items"]
    assert found and all("business_impact_usd" not in item.get("metrics", {}) for item in found)
    markdown = client.get(f"{URL}/{lesson['id']}", headers={**auth("reader"), "Accept": "text/markdown"})
    assert "987654" not in markdown.get_data(as_text=True)


def test_configured_sensitive_fields_are_encrypted_too(base_config, auth, engine, api_keys):
    config = {**base_config, "sensitive_fields": "impact,metrics.time_to_resolve"}
    app = create_app(config)
    client = app.test_client()
    lesson = client.post(URL, json=BODY, headers=auth("psa")).json
    assert lesson["impact"] == "Customer data exposed"
    source = raw_source(engine, app.extensions["llsearch"].names, lesson["id"])
    assert source["impact"].startswith(MARKER)
    assert source["metrics"]["time_to_resolve"].startswith(MARKER)
    assert "time_to_resolve_seconds" not in source["metrics"]  # a derived number would leak the secret
    reader = client.get(f"{URL}/{lesson['id']}", headers=auth("reader")).json
    assert set(reader["redacted_fields"]) == {"metrics.business_impact_usd", "impact", "metrics.time_to_resolve"}


def test_keys_rotate_first_encrypts_all_decrypt():
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    fields = ("metrics.business_impact_usd",)
    before = FieldCipher(load_keys(load_settings({"encryption_keys": old, "opensearch_url": "http://x"})), fields)
    stored = before.encrypt({"metrics": {"business_impact_usd": 5}})
    rotated_settings = load_settings({"encryption_keys": f"{new},{old}", "opensearch_url": "http://x"})
    after = FieldCipher(load_keys(rotated_settings), fields)
    assert after.decrypt(stored) == {"metrics": {"business_impact_usd": 5}}
    rotated = after.rotate(stored)
    only_new = FieldCipher(load_keys(load_settings({"encryption_keys": new, "opensearch_url": "http://x"})), fields)
    assert only_new.decrypt(rotated) == {"metrics": {"business_impact_usd": 5}}


def test_production_without_a_key_refuses_to_start(base_config):
    with pytest.raises(SettingsError, match="LLSEARCH_ENCRYPTION_KEYS is required"):
        create_app({**base_config, "encryption_keys": None})
    with pytest.raises(SettingsError, match="not a Fernet key"):
        create_app({**base_config, "encryption_keys": "not-a-key"})


def test_demo_mode_generates_and_keeps_a_key(tmp_path, caplog):
    settings = load_settings({"data_dir": str(tmp_path), "opensearch_url": None, "encryption_keys": None},
                             environ={})
    first = codec_for(settings).encode({"metrics": {"business_impact_usd": 1}})
    assert "generated a demo key" in caplog.text
    assert codec_for(settings).decode(first) == {"metrics": {"business_impact_usd": 1}}
    assert (tmp_path / "secrets" / "encryption.keys").stat().st_mode & 0o777 == 0o600
