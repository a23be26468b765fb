"""Markdown tables from results files (what docs/performance.md shows)."""

from __future__ import annotations

import json
from pathlib import Path


def _ms(value) -> str:
    return "–" if value is None else f"{value:.1f}"


def _row(cells) -> str:
    return "| " + " | ".join(str(cell) for cell in cells) + " |"


def latency_table(results: dict) -> list[str]:
    lines = [
        _row(["request", "HTTP p50", "HTTP p95", "HTTP p99", "engine p50", "engine p95", "engine p99",
              "engine took p50", "service adds (p50 − p50)", "service adds (paired p50)"]),
        _row(["---"] + ["---:"] * 9),
    ]
    for row in results["latency"] + results.get("pages", []):
        engine = row.get("engine") or {}
        took = row.get("engine_took") or {}
        name = row["name"] if row["group"] in ("pages", "metrics") else f"`{row['name']}`"
        lines.append(_row([name, _ms(row["http"].get("p50")), _ms(row["http"].get("p95")),
                           _ms(row["http"].get("p99")), _ms(engine.get("p50")), _ms(engine.get("p95")),
                           _ms(engine.get("p99")), _ms(took.get("p50")), _ms(row.get("overhead_p50_ms")),
                           _ms(row.get("overhead_paired_p50_ms"))]))
    return lines


def throughput_table(results: dict, key: str = "throughput") -> list[str]:
    data = results[key]
    engine = {row["clients"]: row for row in data.get("engine", [])}
    lines = [_row(["clients", "HTTP req/s", "HTTP p50 ms", "HTTP p95 ms", "errors", "engine req/s (same mix)",
                   "engine p95 ms"]), _row(["---:"] * 7)]
    for row in data["http"]:
        other = engine.get(row["clients"], {})
        lines.append(_row([row["clients"], row["rps"], _ms(row["latency"].get("p50")), _ms(row["latency"].get("p95")),
                           row["errors"], other.get("rps", "–"), _ms((other.get("latency") or {}).get("p95"))]))
    return lines


def bulk_table(results: dict) -> list[str]:
    from bench.targets import import_figures

    demo, gen = results["loading"]["demo"], results["loading"]["generator"]
    lines = [_row(["what", "lessons", "seconds", "lessons/s"]), _row(["---", "---:", "---:", "---:"]),
             _row([f"load: {demo['loader']}", f"{demo['lessons']:,}", demo["seconds"], f"{demo['lessons_per_s']:,}"]),
             _row(["generator alone (`iter_lessons`)", f"{gen['lessons']:,}", gen["seconds"], f"{gen['lessons_per_s']:,}"])]
    imp = results.get("import") or {}
    for label, text in (("export", "`llsearch export` (JSON-files layout)"),
                        ("import", "`llsearch import` of that tree into an empty prefix"),
                        ("reimport", "`llsearch import` again (all unchanged)")):
        if label == "export" and label in imp:  # as many lessons as the import then read back
            exported = (import_figures(results, "import") or {}).get("lessons") or imp["lessons"]
            seconds = imp[label]["seconds"]
            lines.append(_row([text, f"{exported:,}", seconds, f"{round(exported / seconds):,}"]))
        elif label in imp:
            done = import_figures(results, label)
            lines.append(_row([text, f"{done['lessons']:,}", done["seconds"], f"{done['lessons_per_s']:,}"]))
    creates = results.get("creates")
    if creates:
        lat = creates["latency"]
        lines += ["", _row(["single create `POST /api/lessons-learned` (psa)", "n", "p50 ms", "p95 ms", "p99 ms",
                            "errors"]), _row(["---", "---:", "---:", "---:", "---:", "---:"]),
                  _row(["sequential, one client", lat.get("n"), _ms(lat.get("p50")), _ms(lat.get("p95")),
                        _ms(lat.get("p99")), creates["errors"]])]
    return lines


def memory_table(results: dict) -> list[str]:
    lines = [_row(["moment", "service RSS MiB (master + workers)", "service PSS MiB", "engine JVM RSS MiB"]),
             _row(["---", "---:", "---:", "---:"])]
    moments = [("after start", results["memory"].get("after_start")),
               ("after latency runs", results["memory"].get("after_latency"))]
    moments += [(f"after {clients} clients", snap)
                for clients, snap in (results["memory"].get("after_throughput_level") or {}).items()]
    moments.append(("end (after imports and creates)", results["memory"].get("end")))
    for label, snap in moments:
        if not snap:
            continue
        service, engine = snap.get("service") or {}, snap.get("engine") or {}
        lines.append(_row([label, service.get("rss_mib", "–"), service.get("pss_mib", "–"), engine.get("rss_mib", "–")]))
    return lines


def _targets(results: dict) -> list[dict]:
    from bench.targets import check

    try:  # an interrupted run: check what it measured
        return check(results)
    except (KeyError, TypeError):
        return []


def targets_table(results: dict) -> list[str]:
    lines = [_row(["target", "applies at this size", "measured", "met"]), _row(["---", "---", "---", "---"])]
    for t in _targets(results):
        lines.append(_row([t["target"], "yes" if t["applies"] else "no (informative)", t["measured"],
                           "**met**" if t["met"] else "**missed**"]))
    return lines


def experiments_tables(results: dict) -> list[str]:
    found = results.get("experiments")
    if not found:
        return []
    lines = ["", "What-if, engine only — free text (engine `took` p50 ms, monthly indices; hits in brackets):", ""]
    variants = list(dict.fromkeys(row["variant"] for row in found["text_variants"]))
    lines += [_row(["query"] + variants), _row(["---"] + ["---:"] * len(variants))]
    for query in dict.fromkeys(row["query"] for row in found["text_variants"]):
        cells = []
        for variant in variants:
            row = next(r for r in found["text_variants"] if r["query"] == query and r["variant"] == variant)
            cells.append(f"{_ms(row['took'].get('p50'))} ({row['hits']})")
        lines.append(_row([f"`{query}`"] + cells))
    layout = found.get("layout")
    if layout:
        lines += ["", f"What-if, engine only — the same lessons in one single-shard index instead of "
                      f"{results['index']['month_indices']} monthly ones (engine `took` ms; copy made in "
                      f"{layout['copy_seconds']} s):", "",
                  _row(["request", "monthly p50", "monthly p95", "single p50", "single p95"]),
                  _row(["---", "---:", "---:", "---:", "---:"])]
        for row in layout["rows"]:
            m, o = row["monthly_took"], row["single_took"]
            lines.append(_row([f"`{row['name']}`", _ms(m.get("p50")), _ms(m.get("p95")), _ms(o.get("p50")),
                               _ms(o.get("p95"))]))
        text = layout.get("text_variants") or []
        if text:
            lines += ["", "Free text on the single-shard copy (engine `took` p50 ms):", "",
                      _row(["query", "as built", "fuzzy on stemmed fields too (before)"]), _row(["---", "---:", "---:"])]
            for query in dict.fromkeys(row["query"] for row in text):
                rows = [r for r in text if r["query"] == query]
                lines.append(_row([f"`{query}`"] + [f"{_ms(r['took'].get('p50'))} ({r['hits']})" for r in rows]))
    bulk = found.get("bulk")
    if bulk:
        lines += ["", f"What-if, engine only — raw `_bulk` of {bulk['lessons']:,} encoded lessons (500 per request):", "",
                  _row(["variant", "month indices created (s)", "bulk + refresh (s)", "lessons/s"]),
                  _row(["---", "---:", "---:", "---:"])]
        for label in ("1 stream", "2 streams", "2 streams, refresh off"):
            row = bulk[label]
            lines.append(_row([label, row["create_indices_s"], row["bulk_s"], f"{row['lessons_per_s']:,}"]))
        c = bulk["counters"]
        lines += ["", f"Per-day id counters raised after a bulk write ({c['days']} days): one update request per "
                      f"day {c['one_request_per_day_s']} s; the same updates in one `_bulk` request "
                      f"{c['one_bulk_request_s']} s."]
    return lines


def _archive_note(archive: dict | None) -> str:
    if not archive:
        return ""
    return (f"; after `llsearch archive run` (as the daily job, {archive['after_months']} months, "
            f"{archive['seconds']} s) {archive['live_months']} months live, {archive['archived_months']} archived: "
            "searches cover the live ones unless `include_archived=true`")


def render(results: dict) -> str:
    run, machine, index = results["run"], results["machine"], results.get("index", {})
    load = results["load_average"]
    during = [event["load1"] for event in run.get("timeline", [])]
    head = [
        f"### {run['size']:,} lessons — {run['started_at']} (profile `{run['profile']}`, {run['duration_s']} s)",
        "",
        f"Machine: {machine['nproc']} cores ({machine['cpu_model']}), {machine['memory_total_mib']:,} MiB; "
        f"Python {machine['python']}, OpenSearch {machine['opensearch']}, {machine['java']}. "
        f"gunicorn {results['config']['gunicorn_workers']} sync workers, engine heap {results['config']['engine_heap']}. "
        f"Index: {index.get('month_indices')} month indices, {index.get('docs', 0):,} lessons in the live ones "
        "at the end "
        f"({index.get('store_mib')} MiB, {index.get('segments')} segments)"
        + (_archive_note(results["loading"].get("archive")) if results.get("loading") else "") + ".",
        f"Load average before: {load['before']['load1']} / {load['before']['load5']} / {load['before']['load15']}; "
        f"after: {load['after']['load1']} / {load['after']['load5']} / {load['after']['load15']}"
        + (f"; 1-minute load during the run {min(during)}–{max(during)}." if during else "."),
        *([f"**Interrupted**: {run['error']} (everything above that point was measured)."] if run.get("error") else []),
        "",
        *([f"Before timing, every request was sent {results['warm_up']['rounds']} times over both sides "
           f"({results['warm_up']['seconds']} s) so the node's JIT had compiled its hot paths.", ""]
          if results.get("warm_up") else []),
        "Latency (ms; client-side wall time including the JSON decode, "
        f"{results['latency'][0]['http']['n']} samples per side unless the time budget cut it):",
        "",
    ]
    sections = head + latency_table(results) + ["", "Throughput (mix of the seven queries and four stats):", ""]
    sections += throughput_table(results)
    if results.get("throughput_no_text"):
        sections += ["", "Throughput without free text (six filter queries and four stats):", ""]
        sections += throughput_table(results, "throughput_no_text")
    sections += ["", "Bulk and writes:", ""] + bulk_table(results)
    sections += ["", "Resident memory:", ""] + memory_table(results) + ["", "Targets:", ""] + targets_table(results)
    sections += experiments_tables(results)
    return "\n".join(sections) + "\n"


def comparison(files: list[dict]) -> str:
    """p95 over HTTP of each query per size, side by side."""
    files = sorted(files, key=lambda r: r["run"]["size"])
    names = [row["name"] for row in files[0]["latency"]]
    lines = [_row(["request"] + [f"p50 / p95 @ {r['run']['size']:,}" for r in files]), _row(["---"] + ["---:"] * len(files))]
    for name in names:
        cells = []
        for r in files:
            row = next((x for x in r["latency"] if x["name"] == name), None)
            cells.append(f"{_ms(row['http'].get('p50'))} / {_ms(row['http'].get('p95'))}" if row else "–")
        lines.append(_row([f"`{name}`"] + cells))
    return "\n".join(lines) + "\n"


def main(paths: list[str]) -> None:
    loaded = [json.loads(Path(path).read_text()) for path in paths]
    for results in loaded:
        print(render(results))
    if len(loaded) > 1:
        print(comparison(loaded))
