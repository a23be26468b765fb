"""Resident memory of the service (gunicorn master and workers) and of the engine JVM, from /proc."""

from __future__ import annotations

from pathlib import Path


def _kib(path: Path, key: str) -> int | None:
    try:
        for line in path.read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1])
    except (OSError, ValueError):
        return None
    return None


def children(pid: int) -> list[int]:
    """Direct children of `pid` (the gunicorn workers of its master)."""
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found += [int(child) for child in (task / "children").read_text().split()]
        except (OSError, ValueError):
            continue
    return found


def process_memory(pid: int) -> dict:
    """RSS and PSS (shared pages split between sharers) of one process, MiB."""
    rss = _kib(Path(f"/proc/{pid}/status"), "VmRSS")
    pss = _kib(Path(f"/proc/{pid}/smaps_rollup"), "Pss")
    return {"pid": pid, "rss_mib": round(rss / 1024, 1) if rss else None,
            "pss_mib": round(pss / 1024, 1) if pss else None}


def service_memory(master_pid: int) -> dict:
    """The gunicorn master and each worker, and their sums (RSS double-counts shared pages, PSS does not)."""
    processes = [process_memory(master_pid)] + [process_memory(pid) for pid in children(master_pid)]
    return {
        "processes": processes,
        "rss_mib": round(sum(p["rss_mib"] or 0 for p in processes), 1),
        "pss_mib": round(sum(p["pss_mib"] or 0 for p in processes), 1),
    }


def snapshot(master_pid: int | None, engine_pid: int | None) -> dict:
    return {
        "service": service_memory(master_pid) if master_pid else None,
        "engine": process_memory(engine_pid) if engine_pid else None,
    }
