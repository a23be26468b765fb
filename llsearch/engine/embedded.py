"""The embedded single-node engine: build the launcher, start it in the background, stop it."""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

LAUNCHER_DIR = Path(__file__).resolve().parents[2] / "ops" / "engine"
READY_PREFIX = "LLSEARCH_ENGINE_READY "
JAR_NAME = "llsearch-engine.jar"


class EngineError(RuntimeError):
    """A one-line, actionable reason the embedded engine cannot be built, started or stopped."""


@dataclass(frozen=True)
class EngineLayout:
    """Where the embedded node keeps its files under the data dir."""

    data_dir: Path

    @property
    def root(self) -> Path:
        return self.data_dir / "engine"

    @property
    def home(self) -> Path:
        return self.root / "home"

    @property
    def data(self) -> Path:
        return self.root / "data"

    @property
    def snapshots(self) -> Path:
        """The node's `path.repo`: snapshot repositories must lie under it."""
        return self.data_dir / "snapshots"

    @property
    def pid_file(self) -> Path:
        return self.root / "engine.pid"

    @property
    def console_log(self) -> Path:
        return self.root / "console.log"

    @property
    def node_log(self) -> Path:
        return self.home / "logs" / "llsearch.log"


def _require_tool(name: str, what: str) -> str:
    path = shutil.which(name)
    if not path:
        raise EngineError(f"{what} ({name}) is not installed or not on PATH; install it to run the embedded engine")
    return path


def launcher_jar(launcher_dir: Path = LAUNCHER_DIR) -> Path:
    return launcher_dir / "target" / JAR_NAME


def launcher_is_stale(launcher_dir: Path = LAUNCHER_DIR) -> bool:
    """True when the jar is missing or older than the launcher's pom or sources."""
    jar = launcher_jar(launcher_dir)
    if not jar.exists() or not (jar.parent / "lib").is_dir():
        return True
    sources = [launcher_dir / "pom.xml", *(launcher_dir / "src").rglob("*")]
    newest = max(p.stat().st_mtime for p in sources if p.is_file())
    return newest > jar.stat().st_mtime


def build_launcher(launcher_dir: Path = LAUNCHER_DIR, force: bool = False) -> Path:
    """Build the launcher with Maven when it is missing or stale; return the jar."""
    if not force and not launcher_is_stale(launcher_dir):
        return launcher_jar(launcher_dir)
    if not (launcher_dir / "pom.xml").exists():
        raise EngineError(f"no engine launcher project at {launcher_dir}")
    _require_tool("java", "Java 17")
    mvn = _require_tool("mvn", "Maven")
    done = subprocess.run(
        [mvn, "-B", "-q", "-f", str(launcher_dir / "pom.xml"), "package"],
        capture_output=True, text=True,
    )
    if done.returncode != 0:
        tail = (done.stdout + done.stderr).strip().splitlines()[-5:]
        raise EngineError("building the engine launcher failed: " + " | ".join(tail))
    return launcher_jar(launcher_dir)


def jvm_options(launcher_dir: Path, heap: str) -> list[str]:
    lines = (launcher_dir / "jvm.options").read_text().splitlines()
    flags = [line.strip() for line in lines if line.strip() and not line.startswith("#")]
    return [f"-Xms{heap}", f"-Xmx{heap}", *flags]


def port_is_free(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return False
    return True


def free_port() -> int:
    """A port the OS considers free right now (for tests and ad-hoc nodes)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get_json(url: str, timeout: float = 2.0) -> dict | None:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as answer:
            return json.loads(answer.read())
    except (urllib.error.URLError, OSError, ValueError):
        return None


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    cmdline = Path(f"/proc/{pid}/cmdline")
    if cmdline.exists():
        return JAR_NAME.encode() in cmdline.read_bytes()
    return True


@contextmanager
def _lock(path: Path):
    """Serialise starts and stops on one data dir across processes."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


class EmbeddedEngine:
    """One engine node whose files live under `data_dir`; at most one per data dir."""

    def __init__(self, data_dir: Path, port: int = 9200, heap: str = "512m",
                 launcher_dir: Path = LAUNCHER_DIR, start_timeout: float = 120.0):
        self.layout = EngineLayout(Path(data_dir).resolve())
        self.port = port
        self.heap = heap
        self.launcher_dir = launcher_dir
        self.start_timeout = start_timeout

    def running(self) -> dict | None:
        """The pid file's record when its process is alive, else None (a stale file is removed)."""
        try:
            record = json.loads(self.layout.pid_file.read_text())
        except (OSError, ValueError):
            return None
        if _process_alive(int(record.get("pid", 0))):
            return record
        self.layout.pid_file.unlink(missing_ok=True)
        return None

    def status(self) -> dict:
        """URL, pid, cluster health and engine version; health is `down` when not running."""
        record = self.running()
        if not record:
            return {"running": False, "health": "down", "url": None, "pid": None, "version": None}
        info = _get_json(record["url"]) or {}
        health = _get_json(record["url"] + "/_cluster/health") or {}
        return {
            "running": True,
            "url": record["url"],
            "pid": record["pid"],
            "health": health.get("status", "unreachable"),
            "version": (info.get("version") or {}).get("number"),
        }

    def start(self) -> dict:
        """Start the node, or reuse the one already running on this data dir; wait for green."""
        with _lock(self.layout.root / "start.lock"):
            record = self.running()
            if record:
                return {**record, "reused": True}
            jar = build_launcher(self.launcher_dir)
            java = _require_tool("java", "Java 17")
            if not port_is_free(self.port):
                raise EngineError(
                    f"port {self.port} is already in use; choose another with --port or LLSEARCH_ENGINE_PORT"
                )
            for path in (self.layout.home, self.layout.data, self.layout.snapshots):
                path.mkdir(parents=True, exist_ok=True)
            process = self._spawn(java, jar)
            url = self._wait_ready(process)
            record = {"pid": process.pid, "port": self.port, "url": url, "started_at": time.time()}
            self.layout.pid_file.write_text(json.dumps(record))
            return {**record, "reused": False}

    def _spawn(self, java: str, jar: Path) -> subprocess.Popen:
        command = [
            java, *jvm_options(self.launcher_dir, self.heap), "-jar", str(jar),
            "--port", str(self.port), "--home", str(self.layout.home),
            "--data", str(self.layout.data), "--repo", str(self.layout.snapshots),
        ]
        console = self.layout.console_log.open("w")
        try:
            return subprocess.Popen(
                command, stdout=console, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                start_new_session=True, cwd=self.layout.root,
            )
        finally:
            console.close()

    def _wait_ready(self, process: subprocess.Popen) -> str:
        deadline = time.monotonic() + self.start_timeout
        while time.monotonic() < deadline:
            for line in self.layout.console_log.read_text(errors="replace").splitlines():
                if line.startswith(READY_PREFIX):
                    return line[len(READY_PREFIX):].strip()
            if process.poll() is not None:
                raise EngineError(
                    f"the engine failed to start (exit code {process.returncode}); see {self.layout.console_log}"
                    f" and {self.layout.node_log}"
                )
            time.sleep(0.2)
        process.terminate()
        raise EngineError(f"the engine was not green after {self.start_timeout:.0f}s; see {self.layout.node_log}")

    def stop(self, timeout: float = 60.0) -> bool:
        """SIGTERM the node and wait for it to close its indices; False when it was not running."""
        with _lock(self.layout.root / "start.lock"):
            record = self.running()
            if not record:
                return False
            pid = int(record["pid"])
            os.kill(pid, signal.SIGTERM)
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline and _process_alive(pid):
                _reap(pid)
                time.sleep(0.1)
            if _process_alive(pid):
                os.kill(pid, signal.SIGKILL)
            self.layout.pid_file.unlink(missing_ok=True)
            return True


def _reap(pid: int) -> None:
    """Collect the exit status when the node is our own child, so it does not linger as a zombie."""
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        pass
