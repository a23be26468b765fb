"""The issue's targets, checked against a run's results (reported, never asserted in unit tests)."""

from __future__ import annotations

P95_TARGET_MS = 50.0          # every query and stat at 100,000 lessons, over HTTP
SPEC_FLOOR_MS = 100.0         # the specification's load test: any query under 100 ms
OVERHEAD_TARGET_MS = 10.0     # what the service adds at p50 over the raw engine
BULK_TARGET_PER_S = 3000      # bulk import, lessons per second


def _worst(rows: list[dict], key) -> dict | None:
    rows = [row for row in rows if key(row) is not None]
    return max(rows, key=key) if rows else None


def import_figures(results: dict, label: str) -> dict | None:
    """Lessons, seconds and rate of one import of a run, counting the records the import reported
    (older result files computed the rate from the number asked for, even when fewer were exported)."""
    found = (results.get("import") or {}).get(label)
    if not found:
        return None
    counts = found.get("counts") or {}
    handled = sum(v for v in counts.values() if isinstance(v, int)) if "exit_code" not in counts else 0
    lessons = found.get("lessons", handled)
    return {"lessons": lessons, "seconds": found["seconds"],
            "lessons_per_s": round(lessons / found["seconds"]) if found["seconds"] else 0}


def check(results: dict) -> list[dict]:
    size = results["run"]["size"]
    rows = [row for row in results["latency"] if row["group"] in ("spec", "stat")]
    worst_p95 = _worst(rows, lambda row: row["http"].get("p95"))
    worst_filter = _worst([row for row in rows if "search" not in row["params"]], lambda row: row["http"].get("p95"))
    # The overhead target is read on the short requests (queries, stats, /metrics). On the free-text
    # searches the engine runs the two cores flat for hundreds of ms, so HTTP − engine there is mostly
    # noise; those and the 100-lesson pages are reported on their own line.
    short = [row for row in results["latency"] if row["group"] in ("spec", "stat", "metrics")
             and row.get("overhead_p50_ms") is not None and row["name"] != "search=rollback"]
    worst_overhead = _worst(short, lambda row: row["overhead_p50_ms"])
    heavy = [row for row in results["latency"] + results.get("pages", [])
             if row.get("overhead_p50_ms") is not None and row not in short]
    worst_heavy = _worst(heavy, lambda row: row.get("overhead_paired_p50_ms") or row["overhead_p50_ms"])
    load = results["loading"]["demo"]
    imported = import_figures(results, "import") or {}
    targets = [
        {"target": f"every query and stat p95 <= {P95_TARGET_MS:.0f} ms over HTTP (stated at 100,000 lessons)",
         "applies": size == 100_000,
         "measured": f"worst p95 {worst_p95['http']['p95']} ms ({worst_p95['name']})" if worst_p95 else None,
         "met": bool(worst_p95) and worst_p95["http"]["p95"] <= P95_TARGET_MS},
        {"target": f"the same without the free-text query (six filters, four stats)",
         "applies": False,
         "measured": f"worst p95 {worst_filter['http']['p95']} ms ({worst_filter['name']})" if worst_filter else None,
         "met": bool(worst_filter) and worst_filter["http"]["p95"] <= P95_TARGET_MS},
        {"target": f"specification load test: every query under {SPEC_FLOOR_MS:.0f} ms (p95, HTTP)",
         "applies": size == 10_000,
         "measured": f"worst p95 {worst_p95['http']['p95']} ms ({worst_p95['name']})" if worst_p95 else None,
         "met": bool(worst_p95) and worst_p95["http"]["p95"] < SPEC_FLOOR_MS},
        {"target": f"service adds <= {OVERHEAD_TARGET_MS:.0f} ms at p50 over the raw engine (queries without "
                   "free text, stats, /metrics)",
         "applies": True,
         "measured": (f"worst {worst_overhead['overhead_p50_ms']} ms ({worst_overhead['name']})"
                      if worst_overhead else None),
         "met": bool(worst_overhead) and worst_overhead["overhead_p50_ms"] <= OVERHEAD_TARGET_MS},
        {"target": f"the same on free-text searches and pages of 100 (paired p50 where measured)",
         "applies": False,
         "measured": (f"worst {worst_heavy.get('overhead_paired_p50_ms') or worst_heavy['overhead_p50_ms']} ms "
                      f"({worst_heavy['name']})" if worst_heavy else None),
         "met": bool(worst_heavy) and (worst_heavy.get("overhead_paired_p50_ms")
                                       or worst_heavy["overhead_p50_ms"]) <= OVERHEAD_TARGET_MS},
        {"target": f"bulk load >= {BULK_TARGET_PER_S:,} lessons/s (demo data)", "applies": True,
         "measured": f"{load['lessons_per_s']:,} lessons/s ({load['lessons']:,} in {load['seconds']} s)",
         "met": load["lessons_per_s"] >= BULK_TARGET_PER_S},
    ]
    if imported:
        targets.append({
            "target": f"bulk import >= {BULK_TARGET_PER_S:,} lessons/s (`llsearch import` of an exported tree)",
            "applies": True,
            "measured": f"{imported['lessons_per_s']:,} lessons/s ({imported['lessons']:,} in "
                        f"{imported['seconds']} s)",
            "met": imported["lessons_per_s"] >= BULK_TARGET_PER_S})
    if size >= 1_000_000:
        targets.append({"target": "the 1,000,000-lesson run completes", "applies": True,
                        "measured": f"completed in {results['run']['duration_s']} s", "met": True})
    return targets
