"""A search box suggests titles, components and tags while the user types, accents or not."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

URL = "/api/lessons-learned/suggest"


def suggest(client, auth, q: str, **params):
    answer = client.get(URL, query_string={"q": q, **params}, headers=auth("reader"))
    assert answer.status_code == 200, answer.json
    return answer.json


def fold(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text.lower()) if not unicodedata.combining(c))


def value_counts(lessons, field: str) -> Counter:
    counts: Counter = Counter()
    for lesson in lessons:
        values = lesson[field] if isinstance(lesson[field], list) else [lesson[field]]
        counts.update(values)
    return counts


def test_a_title_prefix_finds_that_title_first(data_client, dataset, auth):
    for lesson in dataset[1][::250]:
        typed = lesson["title"][:-2]
        titles = suggest(data_client, auth, typed)["titles"]
        assert titles[0]["title"] == lesson["title"], typed


def test_titles_are_distinct_and_point_at_a_lesson_with_that_title(data_client, dataset, auth):
    titles = suggest(data_client, auth, "Rollback", limit=20)["titles"]
    assert len(titles) == 20 and len({t["title"] for t in titles}) == 20
    by_id = {lesson["id"]: lesson for lesson in dataset[1]}
    assert all(by_id[t["id"]]["title"] == t["title"] for t in titles)


@pytest.mark.parametrize("typed", ["reversao", "Reversão", "REVERSAO DE", "reversao de deploy no ord"])
def test_unaccented_prefixes_find_accented_titles(data_client, auth, typed):
    titles = suggest(data_client, auth, typed)["titles"]
    assert titles
    for title in titles:
        words = fold(title["title"]).split()
        assert words[0] == "reversao", title
        assert "Reversão" in title["title"]


def test_expiracao_finds_expiracao_titles(data_client, auth):
    titles = suggest(data_client, auth, "expiracao de cert")["titles"]
    assert titles and all(title["title"].startswith("Expiração de certificado") for title in titles)


def test_component_prefixes_count_lessons(data_client, dataset, auth):
    counts = value_counts(dataset[1], "component")
    answer = suggest(data_client, auth, "heal")
    assert answer["components"] == [{"key": "health_check", "count": counts["health_check"]}]
    # the second or third word of a name matches too, after the names that start with the text
    assert suggest(data_client, auth, "check")["components"] == answer["components"]
    assert suggest(data_client, auth, "health ch")["components"] == answer["components"]
    expected = sorted((name for name in counts if name.startswith("p")), key=lambda n: (-counts[n], n))
    later = sorted((name for name in counts if not name.startswith("p")  # the second or third word
                    and any(part.startswith("p") for part in re.split(r"[_.-]", name)[1:3])),
                   key=lambda n: (-counts[n], n))
    answer = suggest(data_client, auth, "P", limit=20)
    assert [entry["key"] for entry in answer["components"]] == (expected + later)[:20]
    assert all(entry["count"] == counts[entry["key"]] for entry in answer["components"])


def test_tag_prefixes_count_lessons(data_client, dataset, auth):
    counts = value_counts(dataset[1], "tags")
    assert suggest(data_client, auth, "mon")["tags"] == [{"key": "monitoring", "count": counts["monitoring"]}]
    assert suggest(data_client, auth, "on-c")["tags"] == [{"key": "on-call", "count": counts["on-call"]}]
    expected = sorted((tag for tag in counts if tag.startswith("p")), key=lambda t: (-counts[t], t))[:5]
    assert [entry["key"] for entry in suggest(data_client, auth, "p")["tags"]] == expected


def test_filters_narrow_every_list(data_client, dataset, auth):
    chosen = [lesson for lesson in dataset[1] if lesson["category"] == "SECURITY"]
    counts = value_counts(chosen, "tags")
    answer = suggest(data_client, auth, "c", category="SECURITY", limit=20)
    expected = sorted((tag for tag in counts if tag.startswith("c")), key=lambda t: (-counts[t], t))
    assert [(e["key"], e["count"]) for e in answer["tags"]][:len(expected)] == [(t, counts[t]) for t in expected]
    ids = {lesson["id"] for lesson in chosen}
    assert answer["titles"] and all(title["id"] in ids for title in answer["titles"])
    nothing = suggest(data_client, auth, "heal", component="kafka")
    assert nothing == {"titles": [], "components": [], "tags": []}


@pytest.mark.parametrize("params, field", [
    ({}, "q"), ({"q": ""}, "q"), ({"q": "   "}, "q"), ({"q": "x" * 101}, "q"),
    ({"q": "a", "limit": 0}, "limit"), ({"q": "a", "limit": 21}, "limit"),
    ({"q": "a", "severity": "BAD"}, "severity"), ({"q": "a", "prefix": "a"}, "prefix"),
])
def test_bad_suggest_arguments_are_422(data_client, auth, params, field):
    answer = data_client.get(URL, query_string=params, headers=auth("reader"))
    assert answer.status_code == 422, answer.json
    assert field in answer.json["errors"]


def test_suggest_is_not_taken_for_a_lesson_id(data_client, auth):
    answer = data_client.get(URL, query_string={"q": "re"}, headers=auth("reader"))
    assert set(answer.json) == {"titles", "components", "tags"}
    assert data_client.get(URL, query_string={"q": "re"}).status_code == 401


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(min_size=1, max_size=100).filter(lambda text: text.strip()))
def test_no_typed_text_breaks_suggest(data_client, auth, typed):
    answer = data_client.get(URL, query_string={"q": typed}, headers=auth("reader"))
    assert answer.status_code in (200, 422), answer.json
    if answer.status_code == 200:
        assert set(answer.json) == {"titles", "components", "tags"}
