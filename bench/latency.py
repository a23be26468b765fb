"""Latency of each scenario over HTTP and straight to the engine, interleaved in the same loop.

Each iteration sends the HTTP request and the engine request(s) back to back, alternating which goes
first, so both sides see the same machine load. Loops are bounded by a count and by a time budget.
"""

from __future__ import annotations

import time
from dataclasses import replace

import requests

from bench.scenarios import SEARCH_PATH, EngineSide, Scenario, search_request
from bench.stats import percentile, summary
from llsearch.engine.filters import search_indices
from llsearch.engine.lesson_search import build_search_body


class HttpSide:
    """The service, with one bearer key."""

    def __init__(self, url: str, key: str):
        self.url = url.rstrip("/")
        self.headers = {"Authorization": f"Bearer {key}", "Accept": "application/json"}

    def get(self, session: requests.Session, path: str, params: dict) -> requests.Response:
        return session.get(self.url + path, params=params, headers=self.headers, timeout=30)


def _timed(call) -> tuple[float, object]:
    started = time.perf_counter()
    result = call()
    return (time.perf_counter() - started) * 1000.0, result


def warm_up(http: HttpSide, scenarios: list[Scenario], rounds: int, budget_s: float) -> dict:
    """Every scenario, both sides, round after round (bounded by `rounds` and `budget_s`), before any
    timing: a node started for the run compiles its hot paths (JIT) during its first few hundred
    searches, and without this the first scenarios measured would pay for it alone."""
    http_session, engine_session = requests.Session(), requests.Session()
    started, done = time.monotonic(), 0
    while done < rounds and time.monotonic() - started < budget_s:
        for scenario in scenarios:
            http.get(http_session, scenario.path, scenario.params)
            if scenario.engine:
                scenario.engine(engine_session)
        done += 1
    return {"rounds": done, "seconds": round(time.monotonic() - started, 1)}


def measure(http: HttpSide, scenario: Scenario, iterations: int, warmup: int, budget_s: float) -> dict:
    """p50/p95/p99 over HTTP and on the engine for one scenario, and the p50 difference."""
    http_session, engine_session = requests.Session(), requests.Session()
    errors: list[str] = []

    def over_http() -> None:
        answer = http.get(http_session, scenario.path, scenario.params)
        if answer.status_code != 200:
            errors.append(f"{answer.status_code}: {answer.text[:200]}")
        elif "json" in answer.headers.get("Content-Type", ""):
            answer.json()  # the client decodes its answer on both sides

    warm_until = time.monotonic() + budget_s / 3  # warm-up takes at most a third of the budget
    for n in range(warmup):
        if n and time.monotonic() > warm_until:
            break
        over_http()
        if scenario.engine:
            scenario.engine(engine_session)
    http_ms, engine_ms, took_ms = [], [], []
    deadline = time.monotonic() + budget_s * 2 / 3
    for i in range(iterations):
        if time.monotonic() > deadline:
            break
        sides = [("http", over_http), ("engine", lambda: scenario.engine(engine_session))]
        if not scenario.engine:
            sides = sides[:1]
        for side, call in (sides if i % 2 == 0 else sides[::-1]):
            elapsed, result = _timed(call)
            if side == "http":
                http_ms.append(elapsed)
            else:
                engine_ms.append(elapsed)
                took_ms.append(float(result))
    return _result(scenario, http_ms, engine_ms, took_ms, errors)


def _result(scenario: Scenario, http_ms, engine_ms, took_ms, errors) -> dict:
    http_summary, engine_summary = summary(http_ms), summary(engine_ms)
    result = {
        "name": scenario.name, "group": scenario.group, "path": scenario.path, "params": scenario.params,
        "http": http_summary, "engine": engine_summary if engine_ms else None,
        "engine_took": summary(took_ms) if took_ms else None,
        "errors": len(errors), "first_error": errors[0] if errors else None,
    }
    if engine_ms:
        result["overhead_p50_ms"] = round(http_summary["p50"] - engine_summary["p50"], 2)
        # The same difference taken pairwise (HTTP and engine of one iteration, back to back), which
        # cancels most of the drift of a machine shared with other work.
        paired = [h - e for h, e in zip(http_ms, engine_ms)]
        result["overhead_paired_p50_ms"] = round(percentile(paired, 50), 2)
    return result


def deep_pages(http: HttpSide, engine: EngineSide, params: dict, pages: int, walks: int,
               budget_s: float) -> dict:
    """Walk `pages` pages of 100 by cursor over HTTP and by `search_after` on the engine, `walks` times
    each (alternating); every page's latency is a sample, the last five pages are also shown apart."""
    params = {**params, "page_size": "100"}
    http_session, engine_session = requests.Session(), requests.Session()
    http_pages: list[list[float]] = []
    engine_pages: list[list[float]] = []
    errors: list[str] = []
    deadline = time.monotonic() + budget_s

    def walk_http() -> list[float]:
        samples, cursor = [], None
        for _ in range(pages):
            query = {**params, **({"cursor": cursor} if cursor else {})}
            elapsed, answer = _timed(lambda: _json(http.get(http_session, SEARCH_PATH, query), errors))
            samples.append(elapsed)
            cursor = answer.get("next_cursor") if answer else None
            if not cursor or time.monotonic() > deadline:
                break
        return samples

    def walk_engine() -> list[float]:
        request = search_request(params)
        index = search_indices(engine.names, request.selection)
        samples = []
        for _ in range(pages):
            body = build_search_body(request)
            elapsed, answer = _timed(lambda: engine.search(engine_session, index, body))
            samples.append(elapsed)
            hits = answer["hits"]["hits"]
            if len(hits) <= request.page_size or time.monotonic() > deadline:
                break
            request = replace(request, after=hits[request.page_size - 1]["sort"])
        return samples

    walk_http()  # warm-up walk on both sides
    walk_engine()
    for i in range(walks):
        if time.monotonic() > deadline:
            break
        order = (walk_http, walk_engine) if i % 2 == 0 else (walk_engine, walk_http)
        for walk in order:
            (http_pages if walk is walk_http else engine_pages).append(walk())
    flat_http = [ms for walk in http_pages for ms in walk]
    flat_engine = [ms for walk in engine_pages for ms in walk]
    tail_http = [ms for walk in http_pages for ms in walk[-5:]]
    tail_engine = [ms for walk in engine_pages for ms in walk[-5:]]
    result = {
        "name": f"cursor walk, {pages} pages of 100 ({_describe(params)})", "group": "pages",
        "params": params, "pages_per_walk": [len(walk) for walk in http_pages],
        "http": summary(flat_http), "engine": summary(flat_engine),
        "last5_pages_http": summary(tail_http), "last5_pages_engine": summary(tail_engine),
        "walk_ms_http": summary([sum(walk) for walk in http_pages]),
        "errors": len(errors), "first_error": errors[0] if errors else None,
    }
    if flat_engine and flat_http:
        result["overhead_p50_ms"] = round(result["http"]["p50"] - result["engine"]["p50"], 2)
    return result


def _describe(params: dict) -> str:
    shown = {k: v for k, v in params.items() if k != "page_size"}
    return "&".join(f"{k}={v}" for k, v in shown.items()) or "all lessons, newest first"


def _json(answer: requests.Response, errors: list[str]) -> dict | None:
    if answer.status_code != 200:
        errors.append(f"{answer.status_code}: {answer.text[:200]}")
        return None
    return answer.json()
