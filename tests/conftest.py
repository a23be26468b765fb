"""Test session: one real engine node and one real Redis on free ports, a unique index prefix."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
import uuid
from pathlib import Path

import pytest
import redis
from cryptography.fernet import Fernet

from llsearch.app import create_app
from llsearch.engine.client import make_client
from llsearch.config import load_settings
from llsearch.engine.embedded import EmbeddedEngine, free_port


@pytest.fixture(scope="session")
def engine_url(tmp_path_factory) -> str:
    """The engine under test: LLSEARCH_TEST_OPENSEARCH_URL if given, else a node started here."""
    given = os.environ.get("LLSEARCH_TEST_OPENSEARCH_URL")
    if given:
        yield given
        return
    node = EmbeddedEngine(tmp_path_factory.mktemp("engine"), port=free_port(), heap="768m")
    record = node.start()
    yield record["url"]
    node.stop()


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory) -> str:
    """A real redis-server on a free port, without persistence, stopped after the session."""
    given = os.environ.get("LLSEARCH_TEST_REDIS_URL")
    if given:
        yield given
        return
    server = shutil.which("redis-server")
    if not server:
        pytest.exit("redis-server is not installed; `make test` installs it", returncode=3)
    port = free_port()
    workdir = tmp_path_factory.mktemp("redis")
    process = subprocess.Popen(
        [server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
         "--dir", str(workdir)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    url = f"redis://127.0.0.1:{port}/0"
    client = redis.Redis.from_url(url)
    for _ in range(100):
        try:
            client.ping()
            break
        except redis.ConnectionError:
            time.sleep(0.05)
    yield url
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture(scope="session")
def index_prefix() -> str:
    return f"t{uuid.uuid4().hex[:8]}-"


@pytest.fixture(scope="session")
def base_config(engine_url, redis_url, index_prefix, tmp_path_factory) -> dict:
    """Settings every test app starts from; tests add or change keys for their own scenario."""
    return {
        "opensearch_url": engine_url,
        "redis_url": redis_url,
        "index_prefix": index_prefix,
        "data_dir": str(tmp_path_factory.mktemp("data")),
        "encryption_keys": Fernet.generate_key().decode(),
        "rate_limit_read": "100000/minute",  # scenarios below are not about limits; test_rate_limits is
        "rate_limit_write": "100000/minute",
    }


@pytest.fixture(scope="session")
def engine(base_config):
    """A raw engine client, for tests that look at what the service stored."""
    client = make_client(load_settings(base_config))
    yield client
    client.indices.delete(index=f"{base_config['index_prefix']}*", expand_wildcards="all")
    client.indices.delete_index_template(name=f"{base_config['index_prefix']}*", ignore=404)


@pytest.fixture(scope="session")
def app(base_config, engine):
    return create_app(base_config)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def repo_root() -> Path:
    return Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def api_keys(app, engine) -> dict:
    """One issued key per role, created once for the session: `api_keys["psa"].key`."""
    from llsearch.security.apikeys import ApiKeyStore
    from llsearch.security.roles import Role

    runtime = app.extensions["llsearch"]
    store = ApiKeyStore(engine, runtime.names)
    return {role.value: store.create(f"test-{role.value}", role) for role in Role}


@pytest.fixture(scope="session")
def auth(api_keys):
    """`auth("psa")` gives the Authorization header of that role's key."""
    return lambda role: {"Authorization": f"Bearer {api_keys[role].key}"}


DATASET_NOW = "2026-12-01T12:00:00Z"
DATASET_SIZE = 3000


@pytest.fixture(scope="session")
def dataset(base_config, engine, app, api_keys):
    """A few thousand generated lessons in indices of their own, for correctness tests.

    Returns `(app, lessons)`: the app searches exactly these lessons, its clock pinned to
    DATASET_NOW; `lessons` are the API documents, for computing expected answers independently.
    """
    from llsearch.engine.bulk import BulkWriter
    from llsearch.model.dates import parse_datetime
    from llsearch.model.demo import generate_lessons

    now = parse_datetime(DATASET_NOW)
    config = {**base_config, "index_prefix": base_config["index_prefix"] + "data-"}
    data_app = create_app(config)
    runtime = data_app.extensions["llsearch"]
    runtime.clock = lambda: now
    # The session's api keys work here too: copy their stored hashes into this app's key index.
    engine.reindex(body={"source": {"index": app.extensions["llsearch"].names.apikeys},
                         "dest": {"index": runtime.names.apikeys}}, refresh=True)
    lessons = generate_lessons(DATASET_SIZE, seed=2026, now=now)
    report = BulkWriter(runtime.engine, runtime.names, codec=runtime.codec).write(lessons)
    assert not report.failed, report.failed[:3]
    return data_app, lessons


@pytest.fixture(scope="session")
def data_client(dataset):
    return dataset[0].test_client()
