"""An author about to record a lesson sees the lessons most like it: likely duplicates first."""

from __future__ import annotations

import pytest

BASE = "/api/lessons-learned"


def lesson_body(**changes) -> dict:
    body = {
        "category": "TECHNICAL", "severity": "HIGH", "component": "quokka_scheduler",
        "title": "Quokka scheduler deadlock froze the zebrafish pipeline",
        "situation": "O quokka scheduler entrou em deadlock e a fila do zebrafish pipeline parou por 40 minutos.",
        "root_cause": "Two quokka workers took the zebrafish locks in opposite order.",
        "solution": "Locks are now always taken in one order.",
    }
    body.update(changes)
    return body


@pytest.fixture(scope="module")
def family(app, api_keys):
    """A lesson, its near-duplicate written later by someone else, and an unrelated one."""
    client = app.test_client()
    headers = {"Authorization": f"Bearer {api_keys['psa'].key}"}

    def create(**changes):
        answer = client.post(BASE, json=lesson_body(**changes), headers=headers)
        assert answer.status_code == 201, answer.json
        return answer.json

    original = create()
    duplicate = create(situation="A fila do zebrafish pipeline parou: deadlock no quokka scheduler durante 35 minutos.",
                       severity="MEDIUM")
    other = create(title="Certificado expirado no gateway", component="gateway",
                   situation="O certificado TLS do gateway expirou de madrugada.", root_cause="Sem alerta.",
                   solution="Renovado.")
    return original, duplicate, other


def test_a_lessons_near_duplicate_ranks_first_and_it_is_not_its_own_match(client, auth, family):
    original, duplicate, _ = family
    answer = client.get(f"{BASE}/{original['id']}/similar", headers=auth("reader"))
    assert answer.status_code == 200, answer.json
    items = answer.json["items"]
    assert items[0]["id"] == duplicate["id"]
    assert items[0] == {"id": duplicate["id"], "title": duplicate["title"], "category": "TECHNICAL",
                        "severity": "MEDIUM", "component": "quokka_scheduler", "score": items[0]["score"]}
    assert original["id"] not in [item["id"] for item in items]


def test_a_draft_finds_both_lessons_before_it_is_saved(client, auth, family):
    original, duplicate, _ = family
    draft = {"title": "Deadlock no quokka scheduler", "situation": "zebrafish pipeline parado"}
    answer = client.post(f"{BASE}/similar", json=draft, headers=auth("reader"))
    assert answer.status_code == 200, answer.json
    assert {item["id"] for item in answer.json["items"][:2]} == {original["id"], duplicate["id"]}
    scores = [item["score"] for item in answer.json["items"]]
    assert scores == sorted(scores, reverse=True)


def test_filters_and_limit_apply_to_similar_lessons(client, auth, family):
    original, duplicate, _ = family
    answer = client.get(f"{BASE}/{original['id']}/similar", query_string={"severity": "HIGH", "limit": 1},
                        headers=auth("reader"))
    assert answer.status_code == 200
    assert duplicate["id"] not in [item["id"] for item in answer.json["items"]]
    assert len(answer.json["items"]) <= 1


def test_a_stored_lessons_own_text_finds_it_first_in_the_dataset(data_client, dataset, auth):
    for lesson in dataset[1][::300]:
        draft = {name: lesson[name] for name in ("title", "situation", "root_cause", "solution") if name in lesson}
        answer = data_client.post(f"{BASE}/similar", json=draft, headers=auth("reader"))
        assert answer.status_code == 200, answer.json
        assert answer.json["items"][0]["id"] == lesson["id"], lesson["title"]


def test_similar_lessons_of_a_dataset_lesson_share_its_story(data_client, dataset, auth):
    lesson = dataset[1][1234]
    answer = data_client.get(f"{BASE}/{lesson['id']}/similar", query_string={"limit": 10}, headers=auth("reader"))
    items = answer.json["items"]
    assert len(items) == 10 and lesson["id"] not in [item["id"] for item in items]
    by_id = {other["id"]: other for other in dataset[1]}
    words = set(lesson["situation"].lower().split())
    for item in items:
        shared = words & set(by_id[item["id"]]["situation"].lower().split())
        assert len(shared) >= 5, (lesson["situation"], by_id[item["id"]]["situation"])
    only_security = data_client.get(f"{BASE}/{lesson['id']}/similar", query_string={"category": "SECURITY"},
                                    headers=auth("reader")).json["items"]
    assert all(item["category"] == "SECURITY" for item in only_security)


def test_an_unknown_lesson_is_404(client, auth):
    for lesson_id in ("LL-2020-01-01-999", "not-an-id"):
        answer = client.get(f"{BASE}/{lesson_id}/similar", headers=auth("reader"))
        assert answer.status_code == 404, answer.json


@pytest.mark.parametrize("body, field", [
    ({}, "_schema"),
    ({"title": "   ", "situation": ""}, "_schema"),
    ({"title": "x", "impact": "not compared"}, "impact"),
    ({"title": 42}, "title"),
    ({"title": "t" * 201}, "title"),
    ([{"title": "a list"}], "_schema"),
])
def test_a_bad_draft_is_422(client, auth, body, field):
    answer = client.post(f"{BASE}/similar", json=body, headers=auth("reader"))
    assert answer.status_code == 422, answer.json
    assert field in answer.json["errors"], answer.json


@pytest.mark.parametrize("query, field", [
    ({"limit": 0}, "limit"), ({"limit": 51}, "limit"), ({"category": "X"}, "category"), ({"q": "x"}, "q"),
])
def test_bad_similar_arguments_are_422(client, auth, family, query, field):
    original = family[0]
    for answer in (client.get(f"{BASE}/{original['id']}/similar", query_string=query, headers=auth("reader")),
                   client.post(f"{BASE}/similar", query_string=query, json={"title": "x"}, headers=auth("reader"))):
        assert answer.status_code == 422, answer.json
        assert field in answer.json["errors"]


def test_malformed_json_is_400_and_a_key_is_needed(client, auth):
    answer = client.post(f"{BASE}/similar", data="{nope", content_type="application/json", headers=auth("reader"))
    assert answer.status_code == 400
    assert client.post(f"{BASE}/similar", json={"title": "x"}).status_code == 401


def test_the_static_routes_win_over_lesson_ids_and_ids_still_reach_lessons(client, auth, family):
    original = family[0]
    assert "items" in client.post(f"{BASE}/similar", json={"title": "quokka"}, headers=auth("reader")).json
    lesson = client.get(f"{BASE}/{original['id']}", headers=auth("reader"))
    assert lesson.status_code == 200 and lesson.json["id"] == original["id"]
    assert client.get(f"{BASE}/similar", headers=auth("reader")).status_code in (404, 405)
