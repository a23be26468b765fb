"""Bulk rates: demo data (`llsearch demo-data`, which streams at any size), the generator alone, and
`llsearch export` / `llsearch import` of an exported tree."""

from __future__ import annotations

import json
import shutil
import time
from datetime import datetime, timezone

import requests

from bench.environment import INDEX_PREFIX, BenchEnvironment
from llsearch.model.demo import iter_lessons

GENERATOR_SAMPLE = 20_000


def count(env: BenchEnvironment, prefix: str = INDEX_PREFIX) -> int:
    answer = requests.get(f"{env.engine_url}/{prefix}lessons/_count", timeout=60)
    return answer.json().get("count", 0) if answer.status_code == 200 else 0


def generator_rate(size: int, seed: int) -> dict:
    """Lessons/s of `iter_lessons` alone (a sample), so the load rate can be split into its parts."""
    sample = min(size, GENERATOR_SAMPLE)
    started = time.perf_counter()
    for _ in iter_lessons(sample, seed, datetime.now(timezone.utc)):
        pass
    elapsed = time.perf_counter() - started
    return {"lessons": sample, "seconds": round(elapsed, 2), "lessons_per_s": round(sample / elapsed)}


def load_demo(env: BenchEnvironment, size: int, seed: int, prefix: str = INDEX_PREFIX,
              timeout_s: float = 6 * 3600) -> dict:
    """Load `size` demo lessons into `prefix`; wall time includes generation, encryption, bulk and refresh."""
    started = time.perf_counter()
    loader = f"llsearch demo-data --count {size} --seed {seed}"
    done = env.llsearch("demo-data", "--count", str(size), "--seed", str(seed),
                        env={"LLSEARCH_INDEX_PREFIX": prefix}, timeout=timeout_s)
    outcome = done.stdout.strip().splitlines()[-1] if done.stdout.strip() else ""
    elapsed = time.perf_counter() - started
    stored = count(env, prefix)
    return {"loader": loader, "lessons": size, "stored": stored, "seconds": round(elapsed, 2),
            "lessons_per_s": round(size / elapsed), "outcome": outcome}


def delete_prefix(env: BenchEnvironment, prefix: str) -> None:
    """Drop every index of a scratch prefix (only ever `bench-src-` / `bench-imp-`, made by this run)."""
    answer = requests.get(f"{env.engine_url}/_cat/indices/{prefix}*", params={"format": "json", "h": "index"},
                          timeout=60)
    indices = [row["index"] for row in answer.json()] if answer.status_code == 200 else []
    for start in range(0, len(indices), 50):
        requests.delete(f"{env.engine_url}/{','.join(indices[start:start + 50])}", timeout=120)
    requests.delete(f"{env.engine_url}/_index_template/{prefix}lessons", timeout=60)


def export_import(env: BenchEnvironment, size: int, import_size: int, seed: int, reimport: bool = True) -> dict:
    """`llsearch export` of `import_size` lessons, then `llsearch import` of that tree into an empty
    prefix, then the same import again (every lesson compared and found unchanged)."""
    source = INDEX_PREFIX
    result: dict = {"lessons": import_size}
    if import_size != size:
        source = "bench-src-"
        result["source_load"] = load_demo(env, import_size, seed + 1, prefix=source)
    tree = env.root / "export"
    shutil.rmtree(tree, ignore_errors=True)
    started = time.perf_counter()
    # Archived months too: the main prefix has been through `archive run` by now.
    env.llsearch("export", "--include-archived", str(tree), env={"LLSEARCH_INDEX_PREFIX": source}, timeout=3600)
    exported = time.perf_counter() - started
    result["export"] = {"seconds": round(exported, 2), "lessons_per_s": round(import_size / exported)}
    for label in ("import", "reimport") if reimport else ("import",):
        started = time.perf_counter()
        done = env.llsearch("import", "--json", str(tree), env={"LLSEARCH_INDEX_PREFIX": "bench-imp-"},
                            timeout=3600, check=False)
        elapsed = time.perf_counter() - started
        try:
            counts = json.loads(done.stdout)["counts"]
            handled = sum(counts.values())  # the rate counts what the import went through, not what was asked
        except (ValueError, KeyError):
            counts = {"exit_code": done.returncode, "output": (done.stdout + done.stderr)[-300:]}
            handled = 0
        result[label] = {"seconds": round(elapsed, 2), "lessons": handled,
                         "lessons_per_s": round(handled / elapsed), "counts": counts}
    shutil.rmtree(tree, ignore_errors=True)
    for prefix in ("bench-imp-", "bench-src-"):
        delete_prefix(env, prefix)
    return result
