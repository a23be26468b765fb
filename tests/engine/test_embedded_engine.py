"""`llsearch engine start|stop|status` on a node of its own, including the ways it can fail."""

from __future__ import annotations

import os
import shutil
import socket
from pathlib import Path

import pytest
from click.testing import CliRunner
from opensearchpy import OpenSearch

from llsearch.cli import main
from llsearch.engine.embedded import LAUNCHER_DIR, EmbeddedEngine, build_launcher, free_port, launcher_is_stale

pytestmark = pytest.mark.slow


def run(args, env):
    return CliRunner().invoke(main, args, env=env, catch_exceptions=False)


@pytest.fixture
def engine_env(tmp_path):
    return {"LLSEARCH_DATA_DIR": str(tmp_path / "var"), "LLSEARCH_ENGINE_PORT": str(free_port()),
            "LLSEARCH_ENGINE_HEAP": "384m"}


def test_start_status_stop_and_restart_keeps_the_data(engine_env):
    started = run(["engine", "start"], engine_env)
    assert started.exit_code == 0, started.output
    assert "engine started at http://127.0.0.1:" in started.output
    url = f"http://127.0.0.1:{engine_env['LLSEARCH_ENGINE_PORT']}"
    try:
        status = run(["engine", "status"], engine_env)
        assert status.exit_code == 0
        assert f"url: {url}" in status.output
        assert "health: green" in status.output
        assert "version: 2.19." in status.output
        again = run(["engine", "start"], engine_env)
        assert "already running" in again.output

        client = OpenSearch(hosts=[url])
        client.indices.create(index="kept", body={"settings": {"number_of_replicas": 0}})
        client.index(index="kept", id="1", body={"lesson": "survives a restart"}, refresh=True)

        assert "engine stopped" in run(["engine", "stop"], engine_env).output
        assert run(["engine", "status"], engine_env).exit_code == 1
        assert "not running" in run(["engine", "stop"], engine_env).output

        assert run(["engine", "start"], engine_env).exit_code == 0
        assert client.get(index="kept", id="1")["_source"] == {"lesson": "survives a restart"}
        state = run(["engine", "status", "--json"], engine_env)
        assert '"health": "green"' in state.output
    finally:
        run(["engine", "stop"], engine_env)


def test_a_taken_port_is_a_one_line_error(engine_env):
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", int(engine_env["LLSEARCH_ENGINE_PORT"])))
        squatter.listen()
        result = CliRunner().invoke(main, ["engine", "start"], env=engine_env)
    assert result.exit_code == 1
    assert f"port {engine_env['LLSEARCH_ENGINE_PORT']} is already in use" in result.output


def test_a_node_that_cannot_start_points_at_its_log(engine_env):
    env = {**engine_env, "LLSEARCH_ENGINE_HEAP": "1k"}
    result = CliRunner().invoke(main, ["engine", "start"], env=env)
    assert result.exit_code == 1
    assert "the engine failed to start" in result.output
    assert "console.log" in result.output
    log = Path(env["LLSEARCH_DATA_DIR"]) / "engine" / "console.log"
    assert "heap" in log.read_text().lower()


def test_missing_java_is_named(engine_env, monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path / "empty-bin"))
    result = CliRunner().invoke(main, ["engine", "start"], env=engine_env)
    assert result.exit_code == 1
    assert "Java 17 (java) is not installed" in result.output


def test_missing_maven_is_named_when_the_launcher_needs_a_build(tmp_path, monkeypatch):
    launcher = tmp_path / "launcher"
    shutil.copytree(LAUNCHER_DIR, launcher, ignore=shutil.ignore_patterns("target"))
    assert launcher_is_stale(launcher)
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    os.symlink(shutil.which("java"), bin_dir / "java")
    monkeypatch.setenv("PATH", str(bin_dir))
    node = EmbeddedEngine(tmp_path / "var", port=free_port(), launcher_dir=launcher)
    with pytest.raises(Exception, match=r"Maven \(mvn\) is not installed"):
        node.start()


def test_launcher_is_rebuilt_when_its_sources_change(tmp_path):
    launcher = tmp_path / "launcher"
    shutil.copytree(LAUNCHER_DIR, launcher)
    assert not launcher_is_stale(launcher)
    jar = build_launcher(launcher)
    source = next((launcher / "src").rglob("*.java"))
    os.utime(source, (jar.stat().st_mtime + 10, jar.stat().st_mtime + 10))
    assert launcher_is_stale(launcher)
    build_launcher(launcher)
    assert not launcher_is_stale(launcher)
