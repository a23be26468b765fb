"""`llsearch apikey create|list|revoke` as an operator runs them against the real engine."""

import json

import pytest
from click.testing import CliRunner

from llsearch.cli import main
from llsearch.config import load_settings
from llsearch.engine.embedded import free_port
from llsearch.security.apikeys import KEY_PATTERN, ApiKeyStore


@pytest.fixture(scope="module")
def env(base_config):
    return {
        "LLSEARCH_OPENSEARCH_URL": base_config["opensearch_url"],
        "LLSEARCH_INDEX_PREFIX": base_config["index_prefix"] + "keycli-",
        "LLSEARCH_DATA_DIR": base_config["data_dir"],
    }


@pytest.fixture
def run(env, engine):
    runner = CliRunner()

    def run(*args, **extra_env):
        return runner.invoke(main, ["apikey", *args], env={**env, **extra_env}, catch_exceptions=False)

    return run


@pytest.fixture
def store(env, engine):
    settings = load_settings({"opensearch_url": env["LLSEARCH_OPENSEARCH_URL"],
                              "index_prefix": env["LLSEARCH_INDEX_PREFIX"], "apikey_cache_seconds": 0})
    return ApiKeyStore.from_settings(engine, settings)


def test_create_prints_a_working_key_once(run, store):
    result = run("create", "--name", "grafana", "--role", "reader")
    assert result.exit_code == 0, result.output
    key = result.stdout.splitlines()[1]
    assert KEY_PATTERN.fullmatch(key)
    assert "will not be shown again" in result.output
    assert store.authenticate(key).name == "grafana"
    listed = run("list")
    assert "grafana" in listed.output and key not in listed.output


def test_create_as_json_for_scripts(run, store):
    result = run("create", "--name", "deploy-bot", "--role", "psa", "--json")
    issued = json.loads(result.stdout)
    assert issued["name"] == "deploy-bot" and issued["role"] == "psa"
    assert store.authenticate(issued["key"]).key_id == issued["key_id"]


def test_list_shows_a_table_and_json_and_revoked_keys_with_all(run):
    created = json.loads(run("create", "--name", "old-laptop", "--role", "council", "--json").stdout)
    table = run("list").stdout.splitlines()
    assert table[0].split() == ["ID", "NAME", "ROLE", "CREATED", "LAST", "USED", "REVOKED"]
    row = next(line for line in table if created["key_id"] in line)
    assert "old-laptop" in row and "council" in row
    assert run("revoke", "old-laptop").stdout.startswith(f"revoked API key {created['key_id']}")
    assert created["key_id"] not in run("list").stdout
    everything = json.loads(run("list", "--all", "--json").stdout)
    record = next(key for key in everything if key["key_id"] == created["key_id"])
    assert record["revoked_at"] and "secret_hash" not in record
    assert created["key_id"] in run("list", "--all").stdout


def test_revoke_by_id_and_the_key_stops_working(run, store):
    created = json.loads(run("create", "--name", "temp", "--role", "admin", "--json").stdout)
    assert run("revoke", created["key_id"]).exit_code == 0
    assert store.authenticate(created["key"]) is None


def test_mistakes_are_one_line_errors(run):
    assert run("create", "--name", "twice", "--role", "cqo").exit_code == 0
    duplicate = run("create", "--name", "twice", "--role", "cqo")
    assert duplicate.exit_code == 1 and "already named 'twice'" in duplicate.output
    unknown = run("revoke", "nobody-at-all")
    assert unknown.exit_code == 1 and "no API key" in unknown.output
    assert "Traceback" not in duplicate.output + unknown.output


def test_roles_are_checked_by_the_command_line(run):
    result = run("create", "--name", "x", "--role", "root")
    assert result.exit_code == 2
    assert "reader" in result.output and "admin" in result.output


def test_a_stopped_embedded_engine_is_reported_not_started(run, tmp_path):
    result = run("list", LLSEARCH_OPENSEARCH_URL="", LLSEARCH_DATA_DIR=str(tmp_path))
    assert result.exit_code == 1
    assert "llsearch engine start" in result.output
    assert not (tmp_path / "engine" / "engine.pid").exists()


def test_an_unreachable_engine_is_reported(run):
    result = run("list", LLSEARCH_OPENSEARCH_URL=f"http://127.0.0.1:{free_port()}")
    assert result.exit_code == 1
    assert "cannot reach the engine" in result.output
