"""Searching the lessons: every filter and the specification's seven queries, checked against an
answer computed independently from the generated lessons."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from llsearch.model.dates import parse_datetime

URL = "/api/lessons-learned"


def ids_of(lessons) -> set[str]:
    return {lesson["id"] for lesson in lessons}


def walk(client, auth, query: str, page_size: int = 100) -> list[dict]:
    """Every lesson of a search, page by page through the cursors."""
    items, cursor = [], None
    while True:
        url = f"{URL}?{query}&page_size={page_size}" + (f"&cursor={cursor}" if cursor else "")
        answer = client.get(url, headers=auth("reader"))
        assert answer.status_code == 200, answer.json
        items.extend(answer.json["items"])
        cursor = answer.json["next_cursor"]
        if not cursor:
            return items


def created(lesson) -> datetime:
    return parse_datetime(lesson["timestamp_created"])


def has_status(lesson, *statuses) -> bool:
    return any(item["status"] in statuses for item in lesson.get("action_items", []))


SPEC_QUERIES = [
    ("category=SECURITY", lambda l: l["category"] == "SECURITY"),
    ("severity=CRITICAL", lambda l: l["severity"] == "CRITICAL"),
    ("component=health_check", lambda l: l["component"] == "health_check"),
    ("from=2026-01-01&to=2026-02-01",
     lambda l: datetime(2026, 1, 1, tzinfo=timezone.utc) <= created(l) < datetime(2026, 2, 2, tzinfo=timezone.utc)),
    ("tags=prometheus,monitoring", lambda l: {"prometheus", "monitoring"} <= set(l.get("tags", []))),
    ("action_status=OPEN", lambda l: has_status(l, "OPEN")),
]

MORE_FILTERS = [
    ("category=SECURITY,PROCESS", lambda l: l["category"] in ("SECURITY", "PROCESS")),
    ("severity=HIGH&component=api_gateway,health_check",
     lambda l: l["severity"] == "HIGH" and l["component"] in ("api_gateway", "health_check")),
    ("tags=prometheus,monitoring&tags_mode=any", lambda l: {"prometheus", "monitoring"} & set(l.get("tags", []))),
    ("action_status=OPEN,IN_PROGRESS", lambda l: has_status(l, "OPEN", "IN_PROGRESS")),
    ("from=2025-06-15T12:00:00Z&to=2025-09-30T23:00:00Z",
     lambda l: datetime(2025, 6, 15, 12, tzinfo=timezone.utc) <= created(l)
     <= datetime(2025, 9, 30, 23, tzinfo=timezone.utc)),
    ("from=2025-01-01&category=TECHNICAL&severity=CRITICAL,HIGH&action_status=COMPLETED",
     lambda l: created(l) >= datetime(2025, 1, 1, tzinfo=timezone.utc) and l["category"] == "TECHNICAL"
     and l["severity"] in ("CRITICAL", "HIGH") and has_status(l, "COMPLETED")),
]


@pytest.mark.parametrize("query, wanted", SPEC_QUERIES + MORE_FILTERS, ids=[q for q, _ in SPEC_QUERIES + MORE_FILTERS])
def test_filters_return_exactly_the_matching_lessons(data_client, dataset, auth, query, wanted):
    _, lessons = dataset
    expected = [lesson for lesson in lessons if wanted(lesson)]
    assert expected, "the dataset should exercise this filter"
    found = walk(data_client, auth, query)
    assert ids_of(found) == ids_of(expected)
    assert len(found) == len(expected)
    first = data_client.get(f"{URL}?{query}", headers=auth("reader")).json
    assert first["total"] == len(expected)


def test_facets_count_the_whole_result_not_the_page(data_client, dataset, auth):
    _, lessons = dataset
    chosen = [lesson for lesson in lessons if lesson["severity"] == "HIGH"]
    answer = data_client.get(f"{URL}?severity=HIGH&page_size=5", headers=auth("reader")).json
    facets = answer["facets"]
    for category in ("TECHNICAL", "PROCESS", "SECURITY", "OPERATIONAL"):
        assert facets["category"][category] == sum(1 for lesson in chosen if lesson["category"] == category)
    assert facets["severity"] == {"CRITICAL": 0, "HIGH": len(chosen), "MEDIUM": 0, "LOW": 0}
    top = facets["component"][0]
    assert top["count"] == max(sum(1 for l in chosen if l["component"] == c) for c in {l["component"] for l in chosen})


def test_default_order_is_newest_first_and_pages_do_not_overlap(data_client, dataset, auth):
    found = walk(data_client, auth, "category=PROCESS", page_size=7)
    stamps = [lesson["timestamp_created"] for lesson in found]
    assert stamps == sorted(stamps, reverse=True)
    assert len(ids_of(found)) == len(found)


def test_severity_sort_puts_critical_first(data_client, auth):
    found = walk(data_client, auth, "component=health_check&sort=severity", page_size=10)
    ranks = ["CRITICAL", "HIGH", "MEDIUM", "LOW"]
    assert [ranks.index(l["severity"]) for l in found] == sorted(ranks.index(l["severity"]) for l in found)


def test_free_text_finds_rollbacks_with_highlights(data_client, dataset, auth):
    _, lessons = dataset
    answer = data_client.get(f"{URL}?search=rollback", headers=auth("reader")).json
    assert answer["total"] > 0
    first = answer["items"][0]
    assert "rollback" in first["title"].lower()
    assert any("<mark>" in fragment for fragments in first["highlight"].values() for fragment in fragments)
    literal = [l for l in lessons if "rollback" in l["title"].lower()]
    assert answer["total"] >= len(literal)


def search_all(client, auth, text):
    """Every match of a free-text search, page by page."""
    found, cursor = [], None
    while True:
        query = {"search": text, "page_size": 100, **({"cursor": cursor} if cursor else {})}
        answer = client.get(URL, query_string=query, headers=auth("reader")).json
        found.extend(answer["items"])
        cursor = answer["next_cursor"]
        if not cursor:
            return found


def test_accents_typos_phrases_and_exclusions(data_client, auth):
    def search(text):
        answer = data_client.get(URL, query_string={"search": text, "page_size": 100}, headers=auth("reader"))
        assert answer.status_code == 200, answer.json
        return answer.json

    accented, folded = search("reversão"), search("reversao")
    assert folded["total"] == accented["total"] > 0
    typo, exact = search("rollbak"), search("rollback")
    # Scores differ (fuzzy terms are scored apart), the finding does not: the best typo match
    # is a rollback lesson, and the typo's first page is among the exact search's matches.
    assert "rollback" in typo["items"][0]["title"].lower()
    assert typo["total"] > 0.8 * exact["total"]
    exact_ids = {item["id"] for item in search_all(data_client, auth, "rollback")}
    assert {item["id"] for item in typo["items"]} <= exact_ids
    phrase = search('"health check"')
    assert phrase["total"] > 0
    excluded = search('"health check" -prometheus')
    assert 0 < excluded["total"] < phrase["total"]
    assert all("prometheus" not in str(item).lower() for item in excluded["items"])


def test_highlights_are_html_escaped(client, auth, app):
    body = {"category": "SECURITY", "severity": "LOW", "component": "web_ui", "title": "Stored <script> zebrafish",
            "situation": "A <b>zebrafish</b> payload rendered unescaped."}
    assert client.post(URL, json=body, headers=auth("psa")).status_code == 201
    item = client.get(f"{URL}?search=zebrafish", headers=auth("reader")).json["items"][0]
    assert item["highlight"]["title"] == ["Stored &lt;script&gt; <mark>zebrafish</mark>"]


def test_a_lesson_ranks_first_for_its_own_distinctive_words(client, auth):
    lessons = [
        {"category": "TECHNICAL", "severity": "HIGH", "component": "kafka_bridge",
         "title": "Partições do Kafka ficaram desbalanceadas após o failover do broker",
         "situation": "Depois do failover, o líder das partições concentrou-se em um único broker."},
        {"category": "OPERATIONAL", "severity": "MEDIUM", "component": "dns",
         "title": "Stale DNS records pointed clients at a decommissioned load balancer",
         "situation": "Clients kept resolving the retired balancer for hours."},
    ]
    for body in lessons:
        assert client.post(URL, json=body, headers=auth("psa")).status_code == 201
    pt = client.get(URL, query_string={"search": "partição desbalanceada failover"}, headers=auth("reader")).json
    assert pt["items"][0]["component"] == "kafka_bridge"
    en = client.get(URL, query_string={"search": "decommissioned balancers stale record"}, headers=auth("reader")).json
    assert en["items"][0]["component"] == "dns"


@pytest.mark.parametrize(
    "query, field",
    [("category=HARDWARE", "category"), ("severity=critical", "severity"), ("component=Bad Name", "component"),
     ("from=2026-02-30", "from"), ("to=yesterday", "to"), ("from=2026-03-01&to=2026-02-01", "from"),
     ("tags=UPPER", "tags"), ("tags_mode=some", "tags_mode"), ("action_status=DONE", "action_status"),
     ("page_size=0", "page_size"), ("page_size=101", "page_size"), ("sort=random", "sort"),
     ("cursor=garbage!", "cursor"), ("include_archived=perhaps", "include_archived"), ("colour=red", "colour"),
     ("search=" + "x" * 501, "search")],
)
def test_bad_arguments_get_422_naming_the_parameter(data_client, auth, query, field):
    answer = data_client.get(f"{URL}?{query}", headers=auth("reader"))
    assert answer.status_code == 422, answer.json
    assert field in answer.json["errors"], answer.json


def test_a_cursor_only_fits_its_own_sort(data_client, auth):
    cursor = data_client.get(f"{URL}?page_size=1", headers=auth("reader")).json["next_cursor"]
    answer = data_client.get(f"{URL}?page_size=1&sort=severity&cursor={cursor}", headers=auth("reader"))
    assert answer.status_code == 422
    assert "cursor" in answer.json["errors"]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(min_size=1, max_size=120))
def test_no_search_text_produces_a_server_error(data_client, auth, text):
    answer = data_client.get(URL, query_string={"search": text, "page_size": 3}, headers=auth("reader"))
    assert answer.status_code in (200, 422), (text, answer.json)


def test_the_end_of_the_calendar_is_an_open_upper_bound(data_client, dataset, auth):
    answer = data_client.get(f"{URL}?to=9999-12-31&page_size=1", headers=auth("reader"))
    assert answer.status_code == 200
    assert answer.json["total"] == len(dataset[1])
    assert data_client.get(f"{URL}?from=2026-01-02T10:00:00Z&to=2026-01-02", headers=auth("reader")).status_code == 200
