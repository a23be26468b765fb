"""What-if measurements on the engine alone, to size the fixes recommended in docs/performance.md.

- text: the free-text bodies the service builds, and the same with fuzziness narrowed;
- layout: every search and stat on the monthly indices and on one single-shard copy of the same lessons;
- bulk: raw `_bulk` of encoded demo lessons (one stream, two streams, two with refresh off), and the
  per-day counter raises of `BulkWriter` one request at a time against one `_bulk` request.
Every scratch index is named `bench-x-…` and dropped at the end.
"""

from __future__ import annotations

import copy
import json
import threading
import time
from datetime import datetime, timezone

import requests

from bench.environment import INDEX_PREFIX, BenchEnvironment
from bench.loading import delete_prefix
from bench.scenarios import SPEC_QUERIES, TEXT_QUERIES, EngineSide, search_request
from bench.stats import summary
from llsearch.engine.filters import LENIENT
from llsearch.engine.lesson_search import build_search_body
from llsearch.engine.text_query import weighted_fields

SCRATCH = "bench-x-"


def _multi_matches(node):
    if isinstance(node, dict):
        if "multi_match" in node and isinstance(node["multi_match"], dict):
            yield node["multi_match"]
        for value in node.values():
            yield from _multi_matches(value)
    elif isinstance(node, list):
        for value in node:
            yield from _multi_matches(value)


def _fuzzy_on_stems_too(body: dict) -> None:
    """The query before the fix: AUTO fuzziness on every field, stemmed variants included."""
    for match in _multi_matches(body):
        if "fuzziness" in match:
            match["fuzziness"] = "AUTO"
            if match.get("type") == "best_fields":  # the lesson fields (the action items' clause is a `match`)
                match["fields"] = weighted_fields()


def _highlight_stems_too(body: dict) -> None:
    """Highlights as first built: every prose field's stemmed variants as well."""
    if "highlight" in body:
        fields = body["highlight"]["fields"]
        for name in [name for name in fields if name != "tags"]:
            fields[f"{name}.pt"] = fields[f"{name}.en"] = dict(fields[name])


def _no_highlight(body: dict) -> None:
    body.pop("highlight", None)


def _no_fuzziness(body: dict) -> None:
    for match in _multi_matches(body):
        for key in ("fuzziness", "prefix_length", "max_expansions"):
            match.pop(key, None)


TEXT_VARIANTS = {
    "as built": lambda body: None,
    "fuzzy on stemmed fields too (before)": _fuzzy_on_stems_too,
    "highlight stemmed variants too (before)": _highlight_stems_too,
    "no highlight": _no_highlight,
    "no fuzziness": _no_fuzziness,
}


def _took(session: requests.Session, url: str, index: str, body: dict, reps: int, budget_s: float) -> dict:
    took, wall, total = [], [], None
    deadline = time.monotonic() + budget_s
    for _ in range(3):  # warm-up: the first requests of a new body pay for caches the others reuse
        session.post(f"{url}/{index}/_search", params=LENIENT, json=body, timeout=120)
    for _ in range(reps):
        if time.monotonic() > deadline:
            break
        started = time.perf_counter()
        answer = session.post(f"{url}/{index}/_search", params=LENIENT, json=body, timeout=120).json()
        wall.append((time.perf_counter() - started) * 1000)
        took.append(float(answer["took"]))
        total = answer["hits"]["total"]["value"]
    return {"took": summary(took), "wall": summary(wall), "hits": total}


def text_variants(engine_url: str, reps: int, budget_s: float, index: str = f"{INDEX_PREFIX}lessons",
                  variants: tuple[str, ...] = tuple(TEXT_VARIANTS)) -> list[dict]:
    session = requests.Session()
    queries = {name: params for name, params in {**SPEC_QUERIES, **TEXT_QUERIES}.items() if "search" in params}
    rows = []
    for name, params in queries.items():
        base = build_search_body(search_request(params))
        for variant in variants:
            body = copy.deepcopy(base)
            TEXT_VARIANTS[variant](body)
            rows.append({"query": name, "variant": variant, "index": index,
                         **_took(session, engine_url, index, body, reps, budget_s)})
    return rows


def _single_index_copy(env: BenchEnvironment) -> str:
    url = env.engine_url
    months = sorted(row["index"] for row in requests.get(
        f"{url}/_cat/indices/{INDEX_PREFIX}lessons-2*", params={"format": "json", "h": "index"}, timeout=60).json())
    source = requests.get(f"{url}/{months[0]}", timeout=60).json()[months[0]]
    settings = {k: v for k, v in source["settings"]["index"].items() if k in ("analysis", "number_of_replicas")}
    target = f"{SCRATCH}one"
    requests.put(f"{url}/{target}", json={"settings": {"index": {**settings, "number_of_shards": 1,
                                                                   "refresh_interval": "-1"}},
                                          "mappings": source["mappings"]}, timeout=120).raise_for_status()
    # As a task, polled: a long reindex answered in one response can carry more headers than http.client takes.
    answer = requests.post(f"{url}/_reindex", params={"wait_for_completion": "false"},
                           json={"source": {"index": f"{INDEX_PREFIX}lessons", "size": 1000}, "dest": {"index": target}},
                           timeout=120)
    answer.raise_for_status()
    task = answer.json()["task"]
    deadline = time.monotonic() + 3 * 3600
    while time.monotonic() < deadline:
        state = requests.get(f"{url}/_tasks/{task}", timeout=60).json()
        if state.get("completed"):
            if state.get("error") or (state.get("response") or {}).get("failures"):
                raise RuntimeError(f"reindex into {target} failed: {str(state)[:300]}")
            break
        time.sleep(2)
    else:
        raise TimeoutError(f"reindex into {target} did not finish in time")
    requests.put(f"{url}/{target}/_settings", json={"index": {"refresh_interval": "1s"}}, timeout=60)
    requests.post(f"{url}/{target}/_refresh", timeout=600)
    requests.post(f"{url}/{target}/_forcemerge", params={"max_num_segments": 5}, timeout=3600)
    return target


class SingleIndexSide(EngineSide):
    """The same engine requests, each sent to one fixed index instead of the monthly alias."""

    def __init__(self, engine_url: str, prefix: str, index: str):
        super().__init__(engine_url, prefix)
        self.index = index

    def search(self, session, index, body):
        return super().search(session, self.index, body)


def layout(env: BenchEnvironment, reps: int, budget_s: float, text_reps: int, text_budget_s: float) -> dict:
    """Each scenario's engine side on the monthly alias and on a single-shard copy, interleaved;
    then the free-text variants on the copy."""
    from bench.scenarios import all_scenarios

    started = time.perf_counter()
    target = _single_index_copy(env)
    copy_s = round(time.perf_counter() - started, 1)
    monthly = all_scenarios(EngineSide(env.engine_url, INDEX_PREFIX))
    single = {s.name: s for s in all_scenarios(SingleIndexSide(env.engine_url, INDEX_PREFIX, target))}
    rows = []
    for scenario in monthly:
        other = single[scenario.name]
        session = requests.Session()
        scenario.engine(session), other.engine(session)  # warm-up
        took = {"monthly": [], "single": []}
        deadline = time.monotonic() + budget_s
        for i in range(reps):
            if time.monotonic() > deadline:
                break
            for name, side in ((("monthly", scenario), ("single", other)) if i % 2 == 0
                               else (("single", other), ("monthly", scenario))):
                took[name].append(float(side.engine(session)))
        rows.append({"name": scenario.name, "monthly_took": summary(took["monthly"]),
                     "single_took": summary(took["single"])})
    text = text_variants(env.engine_url, text_reps, text_budget_s, index=target,
                         variants=("as built", "fuzzy on stemmed fields too (before)"))
    delete_prefix(env, SCRATCH)
    return {"single_index": target, "copy_seconds": copy_s, "rows": rows, "text_variants": text}


def bulk(env: BenchEnvironment, count: int, seed: int) -> dict:
    """Raw `_bulk` rates of encoded demo lessons into scratch month indices (what BulkWriter's writes
    cost the engine without its multi-get and counter updates), and the counter raises."""
    from llsearch.config import load_settings
    from llsearch.engine.names import IndexNames, month_key
    from llsearch.engine.setup import ensure_month_index, setup
    from llsearch.model.demo import generate_lessons
    from llsearch.model.dates import parse_datetime
    from llsearch.engine.client import make_client
    from llsearch.security.fields import codec_for

    url = env.engine_url
    lessons = generate_lessons(count, seed + 3, datetime.now(timezone.utc))
    results: dict = {"lessons": count}
    for label, streams, refresh_off in (("1 stream", 1, False), ("2 streams", 2, False),
                                        ("2 streams, refresh off", 2, True)):
        prefix = f"{SCRATCH}{streams}{'r' if refresh_off else ''}-"
        settings = load_settings(environ={**env.env, "LLSEARCH_INDEX_PREFIX": prefix})
        client, names, codec = make_client(settings), IndexNames(prefix), codec_for(settings)
        setup(client, settings)
        began = time.perf_counter()
        months = sorted({month_key(parse_datetime(lesson["timestamp_created"])) for lesson in lessons})
        for key in months:
            ensure_month_index(client, names, parse_datetime(f"{key}-01T00:00:00Z"))
        create_s = time.perf_counter() - began
        if refresh_off:
            requests.put(f"{url}/{prefix}lessons-2*/_settings", json={"index": {"refresh_interval": "-1"}}, timeout=60)
        lines = []
        for lesson in lessons:
            alias = names.month_alias(month_key(parse_datetime(lesson["timestamp_created"])))
            lines.append(json.dumps({"create": {"_index": alias, "_id": lesson["id"]}}))
            lines.append(json.dumps({**codec.encode(lesson), "version": 1}, ensure_ascii=False))
        chunks = ["\n".join(lines[i:i + 1000]) + "\n" for i in range(0, len(lines), 1000)]
        began = time.perf_counter()
        _send_chunks(url, chunks, streams)
        if refresh_off:
            requests.put(f"{url}/{prefix}lessons-2*/_settings", json={"index": {"refresh_interval": "1s"}}, timeout=60)
        requests.post(f"{url}/{prefix}lessons/_refresh", timeout=600)
        write_s = time.perf_counter() - began
        results[label] = {"month_indices": len(months), "create_indices_s": round(create_s, 2),
                          "bulk_s": round(write_s, 2), "lessons_per_s": round(count / write_s)}
    # counters: one update per day (BulkWriter) against one _bulk of the same updates
    days: dict[str, int] = {}
    for lesson in lessons:
        day = lesson["id"][3:13]
        days[day] = max(days.get(day, 0), int(lesson["id"][14:]))
    counters = f"{SCRATCH}1-llsearch-counters"
    script = "if (ctx._source.value < params.n) { ctx._source.value = params.n } else { ctx.op = 'noop' }"
    session = requests.Session()
    began = time.perf_counter()
    for day, number in days.items():
        session.post(f"{url}/{counters}/_update/{day}", json={"script": {"source": script, "params": {"n": number}},
                                                             "upsert": {"day": day, "value": number}}, timeout=60)
    one_by_one = time.perf_counter() - began
    lines = []
    for day, number in days.items():
        lines.append(json.dumps({"update": {"_index": f"{SCRATCH}2-llsearch-counters", "_id": day}}))
        lines.append(json.dumps({"script": {"source": script, "params": {"n": number}}, "upsert": {"day": day, "value": number}}))
    began = time.perf_counter()
    session.post(f"{url}/_bulk", data="\n".join(lines) + "\n", headers={"Content-Type": "application/x-ndjson"}, timeout=300)
    in_bulk = time.perf_counter() - began
    results["counters"] = {"days": len(days), "one_request_per_day_s": round(one_by_one, 2),
                           "one_bulk_request_s": round(in_bulk, 2)}
    delete_prefix(env, SCRATCH)
    return results


def _send_chunks(url: str, chunks: list[str], streams: int) -> None:
    pending = list(enumerate(chunks))
    lock = threading.Lock()

    def worker():
        session = requests.Session()
        while True:
            with lock:
                if not pending:
                    return
                _, chunk = pending.pop(0)
            answer = session.post(f"{url}/_bulk", data=chunk.encode(), timeout=600,
                                  headers={"Content-Type": "application/x-ndjson"})
            answer.raise_for_status()

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(streams)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=3600)
