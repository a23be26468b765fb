"""A team records a lesson, reads it, improves it, closes its action items and gets it approved."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

CREATED_AT = datetime(2026, 2, 14, 9, 30, tzinfo=timezone.utc)


def lesson_body(**changes) -> dict:
    body = {
        "category": "TECHNICAL",
        "severity": "HIGH",
        "component": "health_check",
        "title": "Health check flapped during the deploy",
        "situation": "O health check falhou três vezes durante o deploy e o balanceador removeu os nós.",
        "impact": "- Downtime: 12 minutos",
        "root_cause": "1. Por quê? O timeout era curto demais.",
        "solution": "Timeout raised to 5 s.",
        "prevention": "Load-test health checks before each release.",
        "author": "Ana Souza",
        "tags": ["deploy", "health"],
        "action_items": [
            {"action": "Add a canary stage", "owner": "Bruno", "due_date": "2026-03-01"},
            {"action": "Document the timeout", "owner": "Carla", "due_date": "2026-02-20", "status": "IN_PROGRESS"},
        ],
        "metrics": {"time_to_detect": "PT15M", "time_to_resolve": "PT2H30M", "business_impact_usd": 1200},
    }
    body.update(changes)
    return body


@pytest.fixture
def pinned(app):
    runtime = app.extensions["llsearch"]
    previous = runtime.clock
    runtime.clock = lambda: CREATED_AT
    yield runtime
    runtime.clock = previous


def create(client, auth, **changes):
    answer = client.post("/api/lessons-learned", json=lesson_body(**changes), headers=auth("psa"))
    assert answer.status_code == 201, answer.json
    return answer


def test_create_returns_the_stored_lesson_with_location_and_etag(client, auth, pinned, engine):
    answer = create(client, auth)
    lesson = answer.json
    assert lesson["id"].startswith("LL-2026-02-14-")
    assert lesson["timestamp_created"] == "2026-02-14T09:30:00Z"
    assert lesson["version"] == 1
    assert answer.headers["ETag"] == '"1"'
    assert answer.headers["Location"].endswith(f"/api/lessons-learned/{lesson['id']}")
    assert [item["id"] for item in lesson["action_items"]] == ["A1", "A2"]
    assert lesson["action_items"][0]["status"] == "OPEN"
    names = pinned.names
    hits = engine.search(index=names.lessons, body={"query": {"term": {"id": lesson["id"]}}})["hits"]["hits"]
    assert hits and hits[0]["_index"] == names.month_index("2026-02")
    assert hits[0]["_source"]["metrics"]["time_to_resolve_seconds"] == 9000


def test_read_as_json_and_as_markdown(client, auth, pinned):
    lesson = create(client, auth).json
    answer = client.get(f"/api/lessons-learned/{lesson['id']}", headers=auth("council"))
    assert answer.status_code == 200
    assert answer.json == lesson
    markdown = client.get(f"/api/lessons-learned/{lesson['id']}",
                          headers={**auth("reader"), "Accept": "text/markdown"})
    assert markdown.status_code == 200
    assert markdown.mimetype == "text/markdown"
    text = markdown.get_data(as_text=True)
    assert text.startswith("# Lesson Learned: Health check flapped during the deploy")
    assert f"**ID:** {lesson['id']}" in text
    assert "- [ ] Add a canary stage - Owner: Bruno - Due: 2026-03-01" in text


def test_unknown_and_malformed_ids_are_404(client, auth):
    for lesson_id in ("LL-2020-01-01-999", "not-an-id", "LL-2026-02-30-001"):
        answer = client.get(f"/api/lessons-learned/{lesson_id}", headers=auth("reader"))
        assert answer.status_code == 404, lesson_id
        assert answer.json["code"] == 404


def test_patch_merges_and_honours_if_match(client, auth, pinned):
    lesson = create(client, auth).json
    url = f"/api/lessons-learned/{lesson['id']}"
    answer = client.patch(url, json={"severity": "CRITICAL", "impact": None, "metrics": {"time_to_detect": "PT5M"}},
                          headers={**auth("council"), "If-Match": '"1"'})
    assert answer.status_code == 200, answer.json
    updated = answer.json
    assert updated["severity"] == "CRITICAL"
    assert "impact" not in updated
    assert updated["metrics"] == {"time_to_detect": "PT5M", "time_to_resolve": "PT2H30M", "business_impact_usd": 1200}
    assert updated["version"] == 2 and answer.headers["ETag"] == '"2"'
    assert updated["timestamp_created"] == lesson["timestamp_created"]
    stale = client.patch(url, json={"severity": "LOW"}, headers={**auth("psa"), "If-Match": '"1"'})
    assert stale.status_code == 412
    assert client.get(url, headers=auth("reader")).json["severity"] == "CRITICAL"


def test_patch_validates_the_result_and_names_fields(client, auth, pinned):
    lesson = create(client, auth).json
    url = f"/api/lessons-learned/{lesson['id']}"
    for body, field in [({"severity": "SEVERE"}, "severity"), ({"title": None}, "title"),
                        ({"colour": "red"}, "colour"), ({"id": "LL-2026-01-01-001"}, "id"),
                        ({"metrics": {"time_to_detect": "2 hours"}}, "metrics")]:
        answer = client.patch(url, json=body, headers=auth("psa"))
        assert answer.status_code == 422, (body, answer.json)
        assert field in answer.json["errors"], answer.json


def test_new_action_items_get_fresh_ids_and_one_item_can_be_closed_and_reopened(client, auth, pinned):
    lesson = create(client, auth).json
    url = f"/api/lessons-learned/{lesson['id']}"
    items = lesson["action_items"] + [{"action": "Alert on flapping", "owner": "Dario", "due_date": "2026-04-01"}]
    answer = client.patch(url, json={"action_items": items}, headers=auth("psa"))
    assert [item["id"] for item in answer.json["action_items"]] == ["A1", "A2", "A3"]

    closed = client.patch(f"{url}/action-items/A2", json={"status": "COMPLETED"}, headers=auth("psa"))
    assert closed.status_code == 200, closed.json
    item = next(i for i in closed.json["action_items"] if i["id"] == "A2")
    assert item == {"id": "A2", "action": "Document the timeout", "owner": "Carla", "due_date": "2026-02-20",
                    "status": "COMPLETED", "completion_date": "2026-02-14"}
    reopened = client.patch(f"{url}/action-items/A2", json={"status": "OPEN"}, headers=auth("psa"))
    item = next(i for i in reopened.json["action_items"] if i["id"] == "A2")
    assert item["status"] == "OPEN" and "completion_date" not in item
    assert client.patch(f"{url}/action-items/A9", json={"status": "OPEN"}, headers=auth("psa")).status_code == 404
    bad = client.patch(f"{url}/action-items/A1", json={"status": "DONE"}, headers=auth("psa"))
    assert bad.status_code == 422 and "status" in bad.json["errors"]


def test_approval_records_the_caller_and_refuses_twice(client, auth, pinned, api_keys):
    lesson = create(client, auth).json
    url = f"/api/lessons-learned/{lesson['id']}/approve"
    answer = client.post(url, headers=auth("cqo"))
    assert answer.status_code == 200, answer.json
    assert answer.json["approver"] == api_keys["cqo"].name
    assert answer.json["approval_date"] == "2026-02-14T09:30:00Z"
    again = client.post(url, headers=auth("psa"))
    assert again.status_code == 409
    assert "already approved" in again.json["message"]


def test_incomplete_lessons_cannot_be_approved(client, auth, pinned):
    lesson = create(client, auth, root_cause="   ", prevention=None).json
    answer = client.post(f"/api/lessons-learned/{lesson['id']}/approve", headers=auth("psa"))
    assert answer.status_code == 409
    assert "root_cause" in answer.json["message"] and "prevention" in answer.json["message"]


def test_authors_cannot_approve_their_own_lesson(client, auth, pinned, api_keys):
    lesson = create(client, auth, author=api_keys["psa"].name).json
    answer = client.post(f"/api/lessons-learned/{lesson['id']}/approve", headers=auth("psa"))
    assert answer.status_code == 403
    assert "author" in answer.json["message"]


def test_delete_is_for_admins_and_is_final(client, auth, pinned):
    lesson = create(client, auth).json
    url = f"/api/lessons-learned/{lesson['id']}"
    assert client.delete(url, headers=auth("psa")).status_code == 403
    assert client.delete(url, headers=auth("admin")).status_code == 204
    assert client.get(url, headers=auth("reader")).status_code == 404
    assert client.delete(url, headers=auth("admin")).status_code == 404


@pytest.mark.parametrize(
    "body, field",
    [
        ({"category": "HARDWARE"}, "category"),
        ({"severity": "critical"}, "severity"),
        ({"component": "Health Check"}, "component"),
        ({"title": "x" * 201}, "title"),
        ({"action_items": [{"action": "a", "due_date": "2026-02-30"}]}, "action_items"),
        ({"references": [{"type": "JIRA", "link": "ftp://x"}]}, "references"),
        ({"metrics": {"success_rate_prevention": "101%"}}, "metrics"),
        ({"metrics": {"business_impact_usd": -1}}, "metrics"),
        ({"surprise": True}, "surprise"),
        ({"timestamp_created": "2026-01-01T00:00:00Z"}, "timestamp_created"),
    ],
)
def test_bad_create_bodies_get_422_naming_the_field(client, auth, body, field):
    answer = client.post("/api/lessons-learned", json=lesson_body(**body), headers=auth("psa"))
    assert answer.status_code == 422, answer.json
    assert field in answer.json["errors"]
    assert answer.json["code"] == 422 and answer.json["status"] == "Unprocessable Entity"


def test_malformed_and_oversized_bodies(client, auth):
    malformed = client.post("/api/lessons-learned", data="{not json", content_type="application/json",
                            headers=auth("psa"))
    assert malformed.status_code == 400
    assert malformed.json["code"] == 400
    huge = client.post("/api/lessons-learned", data="x" * (1024 * 1024 + 1), content_type="application/json",
                       headers=auth("psa"))
    assert huge.status_code == 413
    assert huge.json["code"] == 413


def test_roles_gate_every_write(client, auth, pinned):
    assert client.post("/api/lessons-learned", json=lesson_body(), headers=auth("reader")).status_code == 403
    assert client.post("/api/lessons-learned", json=lesson_body(), headers=auth("cqo")).status_code == 403
    assert client.post("/api/lessons-learned", json={"bad": 1}).status_code == 401
    lesson = create(client, auth).json
    url = f"/api/lessons-learned/{lesson['id']}"
    assert client.get(url).status_code == 401
    assert client.patch(url, json={"severity": "LOW"}, headers=auth("cqo")).status_code == 403
    assert client.post(url + "/approve", headers=auth("council")).status_code == 403
