"""The requests measured: each one as the service is asked over HTTP and, built with the service's own
body builders, as the same engine searches sent straight to the node.

The engine side of a scenario may take several searches when the service makes several (the severity
trend asks for the data's range first); it returns the sum of the engine's own `took`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Callable

import requests

from llsearch.api.search.args import LessonFilterArgsSchema, selection_from_args
from llsearch.api.search.schemas import LessonQueryArgsSchema
from llsearch.engine import stats, stats_actions, stats_trend
from llsearch.engine.filters import LENIENT, search_indices
from llsearch.engine.lesson_search import SearchRequest, build_search_body
from llsearch.engine.names import IndexNames

SEARCH_PATH = "/api/lessons-learned"
STATS_PATH = "/api/lessons-learned/stats"

# The seven queries of the specification, exactly as written there.
SPEC_QUERIES = {
    "category=SECURITY": {"category": "SECURITY"},
    "severity=CRITICAL": {"severity": "CRITICAL"},
    "component=health_check": {"component": "health_check"},
    "from=2026-01-01&to=2026-02-01": {"from": "2026-01-01", "to": "2026-02-01"},
    "tags=prometheus,monitoring": {"tags": "prometheus,monitoring"},
    "search=rollback": {"search": "rollback"},
    "action_status=OPEN": {"action_status": "OPEN"},
}
# Free text combined with filters, phrases, exclusions, accents and typos.
TEXT_QUERIES = {
    "search=rollback&severity=CRITICAL,HIGH": {"search": "rollback", "severity": "CRITICAL,HIGH"},
    'search="health check" -staging&category=TECHNICAL': {"search": '"health check" -staging',
                                                           "category": "TECHNICAL"},
    "search=reversao&from=2026-01-01": {"search": "reversao", "from": "2026-01-01"},
    "search=timeout&action_status=OPEN&page_size=100": {"search": "timeout", "action_status": "OPEN",
                                                        "page_size": "100"},
    "search=rolback (typo)&tags=monitoring": {"search": "rolback", "tags": "monitoring"},
    # Archived months too: every month ever loaded, not only the live ones.
    "search=rollback&include_archived=true": {"search": "rollback", "include_archived": "true"},
    "category=SECURITY&include_archived=true": {"category": "SECURITY", "include_archived": "true"},
}
STATS = {
    "stats/by_category": ("by_category", {}),
    "stats/severity_trend?period=monthly": ("severity_trend", {"period": "monthly"}),
    "stats/top_components": ("top_components", {}),
    "stats/overdue_actions": ("overdue_actions", {}),
}


@dataclass
class Scenario:
    """One measured request: `http` params for the service path, `engine` doing the same searches."""

    name: str
    group: str
    path: str
    params: dict
    engine: Callable[[requests.Session], float] | None = field(default=None, repr=False)


class EngineSide:
    """Raw HTTP to the node (a `requests.Session` per caller), the way the service's client sends it."""

    def __init__(self, engine_url: str, prefix: str):
        self.url = engine_url.rstrip("/")
        self.names = IndexNames(prefix)

    def search(self, session: requests.Session, index: str, body: dict) -> dict:
        answer = session.post(f"{self.url}/{index}/_search", params=LENIENT, json=body, timeout=30)
        answer.raise_for_status()
        return answer.json()

    def fixed(self, index: str, body: dict) -> Callable[[requests.Session], float]:
        def run(session: requests.Session) -> float:
            return self.search(session, index, body)["took"]
        return run


def search_request(params: dict) -> SearchRequest:
    """The SearchRequest the service builds from these query parameters (same schema, same defaults)."""
    args = LessonQueryArgsSchema().load(params)
    cursor = args.get("cursor")
    return SearchRequest(selection=selection_from_args(args), text=args.get("search"), sort=args.get("sort"),
                         page_size=args["page_size"], after=cursor[1] if cursor else None)


def search_scenario(engine: EngineSide, name: str, group: str, params: dict) -> Scenario:
    request = search_request(params)
    index = search_indices(engine.names, request.selection)
    return Scenario(name, group, SEARCH_PATH, params, engine.fixed(index, build_search_body(request)))


def stat_scenario(engine: EngineSide, name: str, kind: str, params: dict, today) -> Scenario:
    filters = {k: v for k, v in params.items() if k not in ("period", "limit")}
    selection = selection_from_args(LessonFilterArgsSchema().load(filters))
    index = search_indices(engine.names, selection)
    if kind == "by_category":
        run = engine.fixed(index, stats.by_category_body(selection))
    elif kind == "top_components":
        run = engine.fixed(index, stats.top_components_body(selection, int(params.get("limit", 10))))
    elif kind == "overdue_actions":
        run = engine.fixed(index, stats_actions.overdue_body(selection, today, int(params.get("limit", 100))))
    else:
        period = params.get("period", "monthly")

        def run(session: requests.Session) -> float:
            # As the service does: the data's first and last creation, then the histogram over them.
            first, last = stats_trend.requested_range(selection)
            took = 0
            if first is None or last is None:
                answer = engine.search(session, index, stats_trend.data_range_body(selection))
                took += answer["took"]
                data_first, data_last = stats_trend.shape_data_range(answer)
                first, last = first or data_first, last or data_last
            bounds = stats_trend.checked_range(first, last, period)
            return took + engine.search(session, index, stats_trend.trend_body(selection, period, bounds))["took"]
    return Scenario(name, "stat", f"{STATS_PATH}/{kind}", params, run)


def metrics_scenario(engine: EngineSide) -> Scenario:
    from llsearch.engine.filters import LessonFilter
    from llsearch_prometheus.aggregation import metrics_body

    index = search_indices(engine.names, LessonFilter())

    def run(session: requests.Session) -> float:
        return engine.search(session, index, metrics_body(datetime.now(timezone.utc)))["took"]
    return Scenario("/metrics", "metrics", "/metrics", {}, run)


def all_scenarios(engine: EngineSide) -> list[Scenario]:
    today = datetime.now(timezone.utc).date()
    found = [search_scenario(engine, name, "spec", params) for name, params in SPEC_QUERIES.items()]
    found += [stat_scenario(engine, name, kind, params, today) for name, (kind, params) in STATS.items()]
    found += [search_scenario(engine, name, "text", params) for name, params in TEXT_QUERIES.items()]
    found.append(metrics_scenario(engine))
    return found


def mix(engine: EngineSide) -> list[Scenario]:
    """What throughput clients cycle through: the seven queries and the four stats."""
    return [s for s in all_scenarios(engine) if s.group in ("spec", "stat")]
