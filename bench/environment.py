"""A private engine and a gunicorn service on free loopback ports in a temporary data dir.

Everything is started through the project's own commands (`llsearch engine start`, `llsearch serve`,
`llsearch apikey create`) with an environment of its own, and stopped again by pid when the run ends.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

BIN = Path(sys.executable).parent
LLSEARCH = str(BIN / "llsearch")
INDEX_PREFIX = "bench-"


class BenchError(RuntimeError):
    """The environment could not be set up; the message says which step and where its log is."""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _clean_environ() -> dict:
    """The caller's environment without any LLSEARCH_* or Prometheus setting that could leak in."""
    return {k: v for k, v in os.environ.items()
            if not k.startswith("LLSEARCH_") and k.lower() != "prometheus_multiproc_dir"}


class BenchEnvironment:
    """Use as a context manager: engine up on enter, service up with `start_service`, all down on exit."""

    def __init__(self, heap: str = "1g", workers: int = 4, keep: bool = False, root: Path | None = None):
        self.heap, self.workers, self.keep = heap, workers, keep
        self.root = Path(root or tempfile.mkdtemp(prefix="llsearch-bench-"))
        self.data_dir = self.root / "data"
        self.engine_port = free_port()
        self.service_port = free_port()
        self.engine_url: str | None = None
        self.engine_pid: int | None = None
        self.service: subprocess.Popen | None = None
        self.env = {
            **_clean_environ(),
            "LLSEARCH_DATA_DIR": str(self.data_dir),
            "LLSEARCH_ENGINE_PORT": str(self.engine_port),
            "LLSEARCH_ENGINE_HEAP": heap,
            "LLSEARCH_INDEX_PREFIX": INDEX_PREFIX,
            "LLSEARCH_RATE_LIMITS_ENABLED": "false",
            "LLSEARCH_HOST": "127.0.0.1",
            "LLSEARCH_PORT": str(self.service_port),
            "LLSEARCH_WORKERS": str(workers),
        }

    @property
    def service_url(self) -> str:
        return f"http://127.0.0.1:{self.service_port}"

    # -- commands --------------------------------------------------------------------------------

    def llsearch(self, *args: str, timeout: float = 600, env: dict | None = None,
                 check: bool = True) -> subprocess.CompletedProcess:
        """Run one `llsearch` command in the bench environment (bounded by `timeout` seconds)."""
        done = subprocess.run([LLSEARCH, *args], env={**self.env, **(env or {})}, capture_output=True,
                              text=True, timeout=timeout, cwd=self.root, stdin=subprocess.DEVNULL)
        if check and done.returncode != 0:
            tail = (done.stdout + done.stderr).strip().splitlines()[-8:]
            raise BenchError(f"`llsearch {' '.join(args)}` failed ({done.returncode}): " + " | ".join(tail))
        return done

    def start_engine(self) -> None:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.llsearch("engine", "start", timeout=300)
        record = json.loads((self.data_dir / "engine" / "engine.pid").read_text())
        self.engine_url, self.engine_pid = record["url"], int(record["pid"])
        key = self.llsearch("keys", "generate", timeout=60).stdout.strip()
        # From here on every command and the service talk to this node as an external engine.
        self.env.update({"LLSEARCH_OPENSEARCH_URL": self.engine_url, "LLSEARCH_ENCRYPTION_KEYS": key})

    def engine_version(self) -> str | None:
        try:
            return requests.get(self.engine_url, timeout=5).json()["version"]["number"]
        except (requests.RequestException, KeyError, ValueError):
            return None

    def create_api_key(self, name: str, role: str) -> str:
        done = self.llsearch("apikey", "create", "--name", name, "--role", role, "--json", timeout=120)
        return json.loads(done.stdout)["key"]

    def start_service(self, timeout: float = 120) -> None:
        log = (self.root / "serve.log").open("w")
        try:
            self.service = subprocess.Popen(
                [LLSEARCH, "serve", "--port", str(self.service_port), "--workers", str(self.workers)],
                env=self.env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                cwd=self.root, start_new_session=True,
            )
        finally:
            log.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.service.poll() is not None:
                raise BenchError(f"the service exited with {self.service.returncode}; see {self.root / 'serve.log'}")
            try:
                if requests.get(self.service_url + "/readyz", timeout=2).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.3)
        raise BenchError(f"the service was not ready after {timeout:.0f}s; see {self.root / 'serve.log'}")

    def worker_pids(self) -> list[int]:
        from bench.memory import children

        return children(self.service.pid) if self.service else []

    # -- teardown --------------------------------------------------------------------------------

    def stop_service(self, timeout: float = 30) -> None:
        if not self.service or self.service.poll() is not None:
            return
        self.service.send_signal(signal.SIGTERM)
        try:
            self.service.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(self.service.pid, signal.SIGKILL)  # the group this run started, by its id
            self.service.wait(timeout=10)

    def stop_engine(self) -> None:
        if self.engine_pid is None:
            return
        env = {k: v for k, v in self.env.items() if k != "LLSEARCH_OPENSEARCH_URL"}
        done = subprocess.run([LLSEARCH, "engine", "stop"], env=env, capture_output=True, text=True,
                              timeout=120, cwd=self.root, stdin=subprocess.DEVNULL)
        if done.returncode != 0:
            try:
                os.kill(self.engine_pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self.engine_pid = None

    def __enter__(self) -> "BenchEnvironment":
        try:
            self.start_engine()
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def __exit__(self, *exc) -> None:
        try:
            self.stop_service()
        finally:
            self.stop_engine()
            if not self.keep:
                shutil.rmtree(self.root, ignore_errors=True)
