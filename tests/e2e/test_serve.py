"""`llsearch serve` runs gunicorn with several workers against the real engine."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest
import requests

from llsearch.engine.embedded import free_port

pytestmark = pytest.mark.slow


def test_serve_answers_readyz_from_several_workers(base_config, tmp_path):
    port = free_port()
    env = {
        **os.environ,
        "LLSEARCH_OPENSEARCH_URL": base_config["opensearch_url"],
        "LLSEARCH_REDIS_URL": base_config["redis_url"],
        "LLSEARCH_INDEX_PREFIX": base_config["index_prefix"],
        "LLSEARCH_DATA_DIR": str(tmp_path),
        "LLSEARCH_ENCRYPTION_KEYS": base_config["encryption_keys"],
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "llsearch", "serve", "--port", str(port), "--workers", "2"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    try:
        deadline = time.monotonic() + 60
        answer = None
        while time.monotonic() < deadline:
            try:
                answer = requests.get(f"http://127.0.0.1:{port}/readyz", timeout=2)
                break
            except requests.ConnectionError:
                time.sleep(0.2)
        assert answer is not None and answer.status_code == 200, answer and answer.text
        assert answer.json()["status"] == "ready"
        assert (tmp_path / "prometheus-multiproc").is_dir()  # workers share their HTTP metrics
    finally:
        server.send_signal(signal.SIGTERM)
        output, _ = server.communicate(timeout=30)
    assert "Booting worker" in output
    assert output.count("Booting worker") >= 2
