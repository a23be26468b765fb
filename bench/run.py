"""One benchmark run at one size: environment up, load, measure, results as JSON, environment down."""

from __future__ import annotations

import json
import os
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

import requests

from bench import latency, loading, machine, memory, throughput, writes
from bench.environment import INDEX_PREFIX, BenchEnvironment
from bench.latency import HttpSide
from bench.scenarios import EngineSide, all_scenarios, mix
from bench.targets import check

PROFILES = {
    # bench-quick: the whole run (engine start included) under five minutes on 2 busy cores, so slow
    # requests are cut by the per-scenario time budget (each row records its sample count).
    "quick": {"iterations": 100, "warmup": 8, "scenario_budget_s": 3, "pages": 32, "walks": 2,
              "page_budget_s": 8, "levels": [1, 4, 16], "duration_s": 4, "engine_duration_s": 1,
              "no_text_mix": False, "reimport": False, "creates": 1000, "create_warmup": 10,
              "create_budget_s": 50, "experiments": False, "warm_rounds": 20, "warm_budget_s": 30},
    "full": {"iterations": 300, "warmup": 15, "scenario_budget_s": 25, "pages": 35, "walks": 4,
             "page_budget_s": 60, "levels": [1, 4, 16], "duration_s": 10, "engine_duration_s": 10,
             "no_text_mix": True, "reimport": True, "creates": 1000, "create_warmup": 20,
             "create_budget_s": 180, "experiments": True, "experiment_reps": 15, "experiment_budget_s": 10,
             "bulk_experiment_lessons": 20_000, "warm_rounds": 30, "warm_budget_s": 60},
}
PAGE_WALKS = ({}, {"sort": "severity"})
RESULTS_DIR = Path(__file__).resolve().parent / "results"


def size_label(size: int) -> str:
    if size % 1_000_000 == 0:
        return f"{size // 1_000_000}m"
    return f"{size // 1000}k" if size % 1000 == 0 else str(size)


_TIMELINE: list = []
_STARTED = [time.perf_counter()]


def log(message: str) -> None:
    """Print a progress line and keep it, with the seconds since the run began and the load average."""
    elapsed = round(time.perf_counter() - _STARTED[0], 1)
    _TIMELINE.append({"t_s": elapsed, "load1": round(os.getloadavg()[0], 2), "event": message[:160]})
    print(f"[bench {datetime.now().strftime('%H:%M:%S')} +{elapsed:.0f}s] {message}", flush=True)


def wait_for_quiet_engine(env: BenchEnvironment, budget_s: float = 120) -> float:
    """After a bulk load, let background merges finish (bounded) so they do not land in the timings."""
    started = time.monotonic()
    while time.monotonic() - started < budget_s:
        stats = requests.get(f"{env.engine_url}/_nodes/stats/indices/merge", timeout=30).json()
        merging = sum(node["indices"]["merges"]["current"] for node in stats["nodes"].values())
        if merging == 0:
            break
        time.sleep(1)
    return round(time.monotonic() - started, 1)


def archive_like_the_daily_job(env: BenchEnvironment) -> dict:
    """`llsearch archive run`, as the daily lifecycle job does: the searches are then measured over the
    live months a running service has (24 months by default), not over every month ever loaded."""
    started = time.perf_counter()
    done = env.llsearch("archive", "run", "--json", timeout=3600)
    report = json.loads(done.stdout.strip().splitlines()[-1])
    live = requests.get(f"{env.engine_url}/_alias/{INDEX_PREFIX}lessons", timeout=60).json()
    archived = requests.get(f"{env.engine_url}/_alias/{INDEX_PREFIX}lessons-archive", timeout=60)
    return {"seconds": round(time.perf_counter() - started, 1), "after_months": report.get("after_months"),
            "live_months": len(live), "archived_months": len(archived.json()) if archived.status_code == 200 else 0}


def index_info(env: BenchEnvironment) -> dict:
    rows = requests.get(f"{env.engine_url}/_cat/indices/{INDEX_PREFIX}lessons-*",
                        params={"format": "json", "bytes": "b", "h": "index,docs.count,store.size,pri"},
                        timeout=60).json()
    segments = requests.get(f"{env.engine_url}/{INDEX_PREFIX}lessons/_stats/segments", timeout=60).json()
    jvm = requests.get(f"{env.engine_url}/_nodes/stats/jvm", timeout=60).json()
    heap = next(iter(jvm["nodes"].values()))["jvm"]["mem"]
    lessons = requests.get(f"{env.engine_url}/{INDEX_PREFIX}lessons/_count", timeout=60).json()["count"]
    return {"month_indices": len(rows), "shards": sum(int(r["pri"]) for r in rows), "docs": lessons,
            "lucene_docs_with_nested": sum(int(r["docs.count"]) for r in rows),
            "store_mib": round(sum(int(r["store.size"]) for r in rows) / 2**20, 1),
            "segments": segments["_all"]["primaries"]["segments"]["count"],
            "heap_used_mib": round(heap["heap_used_in_bytes"] / 2**20), "heap_max_mib": round(heap["heap_max_in_bytes"] / 2**20)}


# Copying every lesson into a single-shard index is only worth its time up to this size.
LAYOUT_EXPERIMENT_MAX = 200_000


def run_experiments(env: BenchEnvironment, profile: dict, seed: int, size: int, found: dict) -> None:
    """The what-ifs, each stored in `found` as soon as it is measured."""
    from bench import experiments

    log("experiment: free-text variants on the monthly indices")
    found["text_variants"] = experiments.text_variants(env.engine_url, profile["experiment_reps"],
                                                       profile["experiment_budget_s"])
    log("experiment: raw bulk rates")
    found["bulk"] = experiments.bulk(env, profile["bulk_experiment_lessons"], seed)
    if size <= LAYOUT_EXPERIMENT_MAX:
        log("experiment: the same lessons in one single-shard index")
        found["layout"] = experiments.layout(env, profile["experiment_reps"], profile["experiment_budget_s"],
                                             profile["experiment_reps"], profile["experiment_budget_s"])


def run(size: int, profile_name: str, heap: str, workers: int, seed: int, import_size: int,
        out_dir: Path = RESULTS_DIR, keep: bool = False) -> Path:
    profile = PROFILES[profile_name]
    started_at = datetime.now(timezone.utc)
    began = time.perf_counter()
    results: dict = {
        "run": {"size": size, "profile": profile_name, "profile_settings": profile, "seed": seed,
                "started_at": started_at.isoformat(timespec="seconds"), "command": " ".join(sys.argv)},
        "config": {"gunicorn_workers": workers, "worker_class": "sync", "engine_heap": heap,
                   "rate_limits": "disabled (LLSEARCH_RATE_LIMITS_ENABLED=false)", "redis": "none",
                   "api_key_role_for_reads": "reader", "api_key_role_for_creates": "psa"},
        "load_average": {"before": machine.load_average()},
        "memory": {},
    }
    _TIMELINE.clear()
    _STARTED[0] = began
    results["run"]["timeline"] = _TIMELINE
    try:
        _measure(results, profile, size, heap, workers, seed, import_size, keep, began)
    except BaseException as exc:  # keep what was measured; the file says where it stopped
        results["run"]["error"] = f"{type(exc).__name__}: {exc}"
        log(f"run stopped: {results['run']['error']}")
        _write(results, started_at, began, out_dir)
        raise
    return _write(results, started_at, began, out_dir)


def _write(results: dict, started_at: datetime, began: float, out_dir: Path) -> Path:
    results["load_average"]["after"] = machine.load_average()
    results["run"]["duration_s"] = round(time.perf_counter() - began, 1)
    results["run"]["finished_at"] = datetime.now(timezone.utc).isoformat(timespec="seconds")
    if "error" not in results["run"]:
        results["targets"] = check(results)
    out_dir.mkdir(parents=True, exist_ok=True)
    suffix = "-incomplete" if "error" in results["run"] else ""
    path = out_dir / f"{size_label(results['run']['size'])}-{started_at.strftime('%Y-%m-%dT%H%MZ')}{suffix}.json"
    path.write_text(json.dumps(results, indent=1, ensure_ascii=False) + "\n")
    log(f"results in {path} ({results['run']['duration_s']} s)")
    return path


def _measure(results: dict, profile: dict, size: int, heap: str, workers: int, seed: int, import_size: int,
             keep: bool, began: float) -> None:
    with BenchEnvironment(heap=heap, workers=workers, keep=keep) as env:
        results["run"]["engine_start_s"] = round(time.perf_counter() - began, 1)
        results["machine"] = machine.describe(env.engine_version())
        log(f"engine at {env.engine_url} (data {env.root}); measuring the generator")
        results["loading"] = {"generator": loading.generator_rate(size, seed)}
        log(f"loading {size:,} demo lessons")
        results["loading"]["demo"] = loading.load_demo(env, size, seed)
        log(f"loaded: {results['loading']['demo']}")
        log("archiving as the daily lifecycle job does")
        results["loading"]["archive"] = archive_like_the_daily_job(env)
        log(f"archive: {results['loading']['archive']}")
        results["loading"]["merge_wait_s"] = wait_for_quiet_engine(env)
        reader, psa = env.create_api_key("bench-reader", "reader"), env.create_api_key("bench-psa", "psa")
        env.start_service()
        log(f"service at {env.service_url} with {workers} workers")
        engine_pid = env.engine_pid
        results["memory"]["after_start"] = memory.snapshot(env.service.pid, engine_pid)
        http, engine = HttpSide(env.service_url, reader), EngineSide(env.engine_url, INDEX_PREFIX)
        log("warming up the node and the workers")
        results["warm_up"] = latency.warm_up(http, all_scenarios(engine), profile["warm_rounds"],
                                             profile["warm_budget_s"])
        results["latency"] = []
        for scenario in all_scenarios(engine):
            row = latency.measure(http, scenario, profile["iterations"], profile["warmup"],
                                  profile["scenario_budget_s"])
            results["latency"].append(row)
            log(f"{row['name']}: http p50 {row['http'].get('p50')} p95 {row['http'].get('p95')} ms, engine p50 "
                f"{(row['engine'] or {}).get('p50')} ms, errors {row['errors']}")
        results["pages"] = []
        for params in PAGE_WALKS:
            row = latency.deep_pages(http, engine, params, profile["pages"], profile["walks"], profile["page_budget_s"])
            results["pages"].append(row)
            log(f"{row['name']}: http p50 {row['http'].get('p50')} ms, engine p50 {row['engine'].get('p50')} ms")
        results["memory"]["after_latency"] = memory.snapshot(env.service.pid, engine_pid)
        peak: dict = {}

        def sample(clients: int) -> None:
            peak[str(clients)] = memory.snapshot(env.service.pid, engine_pid)

        log("throughput")
        results["throughput"] = throughput.sweep(http, mix(engine), profile["levels"], profile["duration_s"],
                                                 profile["engine_duration_s"], on_level=sample)
        if profile["no_text_mix"]:
            no_text = [s for s in mix(engine) if "search" not in s.params]
            results["throughput_no_text"] = throughput.sweep(http, no_text, profile["levels"], profile["duration_s"],
                                                             profile["engine_duration_s"])
        results["memory"]["after_throughput_level"] = peak
        for row in results["throughput"]["http"]:
            log(f"{row['clients']} clients: {row['rps']} req/s over HTTP, p95 {row['latency'].get('p95')} ms")
        log(f"export and import of {import_size:,} lessons")
        results["import"] = loading.export_import(env, size, import_size, seed, reimport=profile["reimport"])
        log(f"import: {results['import'].get('import')}")
        log(f"{profile['creates']} creates")
        results["creates"] = writes.measure_creates(env.service_url, psa, profile["creates"], profile["create_warmup"],
                                                    seed + 7, profile["create_budget_s"])
        log(f"creates: {results['creates']['latency']}")
        results["memory"]["end"] = memory.snapshot(env.service.pid, engine_pid)
        results["index"] = index_info(env)
        if profile["experiments"]:
            results["experiments"] = {}
            run_experiments(env, profile, seed, size, results["experiments"])
