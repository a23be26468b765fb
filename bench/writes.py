"""Single-create latency: sequential `POST /api/lessons-learned` with a psa key (each answer is the
stored lesson, searchable when it returns: id counter, audit record, lesson write with refresh)."""

from __future__ import annotations

import time
from datetime import datetime, timezone

import requests

from bench.stats import summary
from llsearch.model.changes import editable_part
from llsearch.model.demo import iter_lessons


def create_bodies(count: int, seed: int) -> list[dict]:
    """Realistic create bodies: demo lessons without the server-owned fields."""
    return [editable_part(lesson) for lesson in iter_lessons(count, seed, datetime.now(timezone.utc))]


def measure_creates(service_url: str, key: str, count: int, warmup: int, seed: int, budget_s: float) -> dict:
    session = requests.Session()
    headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}
    bodies = create_bodies(count + warmup, seed)
    url = service_url.rstrip("/") + "/api/lessons-learned"
    latencies, errors, first_error = [], 0, None
    deadline = time.monotonic() + budget_s
    for n, body in enumerate(bodies):
        if time.monotonic() > deadline:
            break
        started = time.perf_counter()
        answer = session.post(url, json=body, headers=headers, timeout=30)
        elapsed = (time.perf_counter() - started) * 1000.0
        if answer.status_code != 201:
            errors += 1
            first_error = first_error or f"{answer.status_code}: {answer.text[:300]}"
        elif n >= warmup:
            latencies.append(elapsed)
    wall = sum(latencies) / 1000.0
    return {"creates": len(latencies), "warmup": warmup, "errors": errors, "first_error": first_error,
            "latency": summary(latencies), "creates_per_s_sequential": round(len(latencies) / wall, 1) if wall else None}
