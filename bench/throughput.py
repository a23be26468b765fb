"""Requests per second with 1, 4 and 16 concurrent clients, each a thread with its own session.

Every client cycles through the same mix (the seven queries and the four stats), starting at its own
offset; a run lasts a fixed duration and each client is also capped in request count.
"""

from __future__ import annotations

import threading
import time

import requests

from bench.latency import HttpSide
from bench.scenarios import Scenario
from bench.stats import summary

MAX_REQUESTS_PER_CLIENT = 100_000


def _client(index: int, call, mix: list[Scenario], start: threading.Barrier, stop_at: list[float],
            out: dict) -> None:
    session = requests.Session()
    latencies, errors = [], 0
    start.wait()
    i = index
    for _ in range(MAX_REQUESTS_PER_CLIENT):
        if time.monotonic() >= stop_at[0]:
            break
        scenario = mix[i % len(mix)]
        i += 1
        began = time.perf_counter()
        try:
            ok = call(session, scenario)
        except requests.RequestException:
            ok = False
        latencies.append((time.perf_counter() - began) * 1000.0)
        errors += 0 if ok else 1
    out[index] = (latencies, errors)


def run(call, mix: list[Scenario], clients: int, duration_s: float) -> dict:
    start = threading.Barrier(clients + 1)
    stop_at = [0.0]
    out: dict = {}
    threads = [threading.Thread(target=_client, args=(n, call, mix, start, stop_at, out), daemon=True)
               for n in range(clients)]
    for thread in threads:
        thread.start()
    stop_at[0] = time.monotonic() + duration_s
    began = time.perf_counter()
    start.wait()
    for thread in threads:
        thread.join(timeout=duration_s + 60)
    elapsed = time.perf_counter() - began
    latencies = [ms for lat, _ in out.values() for ms in lat]
    errors = sum(err for _, err in out.values())
    return {"clients": clients, "duration_s": round(elapsed, 2), "requests": len(latencies), "errors": errors,
            "rps": round(len(latencies) / elapsed, 1), "latency": summary(latencies)}


def http_call(http: HttpSide):
    def call(session: requests.Session, scenario: Scenario) -> bool:
        answer = http.get(session, scenario.path, scenario.params)
        answer.json()
        return answer.status_code == 200
    return call


def engine_call(session: requests.Session, scenario: Scenario) -> bool:
    scenario.engine(session)
    return True


def sweep(http: HttpSide, mix: list[Scenario], levels: list[int], duration_s: float,
          engine_duration_s: float, on_level=None) -> dict:
    """HTTP at each concurrency level, then the same mix straight to the engine (its ceiling here)."""
    result = {"mix": [s.name for s in mix], "http": [], "engine": []}
    for clients in levels:
        result["http"].append(run(http_call(http), mix, clients, duration_s))
        if on_level:
            on_level(clients)
    if engine_duration_s > 0:
        for clients in levels:
            result["engine"].append(run(engine_call, mix, clients, engine_duration_s))
    return result
