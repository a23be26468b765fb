"""What the numbers were measured on: cores, memory, CPU model, versions, load average."""

from __future__ import annotations

import os
import platform
import subprocess
import sys
from pathlib import Path


def _first(path: str, key: str) -> str | None:
    try:
        for line in Path(path).read_text().splitlines():
            if line.startswith(key):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return None


def load_average() -> dict:
    """The 1, 5 and 15 minute load averages and the `uptime` line, as other work on the box matters."""
    one, five, fifteen = os.getloadavg()
    try:
        line = subprocess.run(["uptime"], capture_output=True, text=True, timeout=5).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        line = None
    return {"load1": round(one, 2), "load5": round(five, 2), "load15": round(fifteen, 2), "uptime": line}


def _java_version() -> str | None:
    try:
        done = subprocess.run(["java", "-version"], capture_output=True, text=True, timeout=20)
    except (OSError, subprocess.SubprocessError):
        return None
    lines = (done.stderr or done.stdout).strip().splitlines()
    return lines[0] if lines else None


def _package_version(name: str) -> str | None:
    from importlib import metadata

    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def describe(engine_version: str | None = None) -> dict:
    mem_kb = _first("/proc/meminfo", "MemTotal")
    return {
        "nproc": os.cpu_count(),
        "cpu_model": _first("/proc/cpuinfo", "model name"),
        "memory_total_mib": int(mem_kb.split()[0]) // 1024 if mem_kb else None,
        "kernel": platform.release(),
        "python": sys.version.split()[0],
        "java": _java_version(),
        "opensearch": engine_version,
        "packages": {name: _package_version(name) for name in
                     ("llsearch", "flask", "flask-smorest", "gunicorn", "opensearch-py", "requests")},
    }
