"""Under gunicorn with two workers and PROMETHEUS_MULTIPROC_DIR, every scrape tells the same story."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest
import requests
from prometheus_client.parser import text_string_to_metric_families

from llsearch.engine.embedded import free_port

pytestmark = pytest.mark.slow
REQUESTS = 30


def samples(text: str) -> dict[tuple, float]:
    return {(sample.name, tuple(sorted(sample.labels.items()))): sample.value
            for family in text_string_to_metric_families(text) for sample in family.samples}


@pytest.fixture
def served(base_config, tmp_path):
    port = free_port()
    multiproc = tmp_path / "prometheus-multiproc"
    multiproc.mkdir()
    env = {
        **os.environ,
        "LLSEARCH_OPENSEARCH_URL": base_config["opensearch_url"],
        "LLSEARCH_REDIS_URL": base_config["redis_url"],
        "LLSEARCH_INDEX_PREFIX": base_config["index_prefix"],
        "LLSEARCH_DATA_DIR": str(tmp_path / "data"),
        "LLSEARCH_ENCRYPTION_KEYS": base_config["encryption_keys"],
        "PROMETHEUS_MULTIPROC_DIR": str(multiproc),
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "llsearch", "serve", "--port", str(port), "--workers", "2"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            try:
                if requests.get(f"{url}/readyz", timeout=2).status_code == 200:
                    break
            except requests.ConnectionError:
                time.sleep(0.2)
        else:
            pytest.fail("llsearch serve did not become ready")
        yield url, multiproc
    finally:
        server.send_signal(signal.SIGTERM)
        server.communicate(timeout=30)


def test_http_and_lesson_metrics_are_the_same_from_every_worker(served):
    url, multiproc = served
    session = requests.Session()
    session.headers["Connection"] = "close"  # new connections spread over both workers
    for _ in range(REQUESTS):
        assert session.get(f"{url}/healthz", timeout=5).status_code == 200
    scrapes = [samples(session.get(f"{url}/metrics", timeout=10).text) for _ in range(6)]
    healthz = ("flask_http_request_duration_seconds_count",
               (("method", "GET"), ("path", "/healthz"), ("status", "200")))
    # Each worker alone would report only the requests it served; merged, every scrape sees all 30.
    assert {scrape[healthz] for scrape in scrapes} == {REQUESTS}
    lessons = [{key: value for key, value in scrape.items() if key[0].startswith("lessons_learned_")
                and key[0] != "lessons_learned_snapshot_timestamp_seconds"} for scrape in scrapes]
    assert lessons[0] and all(found == lessons[0] for found in lessons)
    assert len(list(multiproc.glob("*.db"))) >= 2  # one value file per worker process at least
