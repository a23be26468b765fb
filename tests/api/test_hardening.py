"""Hostile bodies get a clear 4xx, never a 500."""

from __future__ import annotations

import pytest

URL = "/api/lessons-learned"


@pytest.mark.parametrize("body", [
    "[" * 50_000 + "]" * 50_000,
    '{"a":' * 20_000 + "1" + "}" * 20_000,
    '{"title": "' + "\\ud800" * 10 + '"}',
    "\xff\xfe not utf-8",
    "",
    "null",
    "[]",
    '"just a string"',
])
def test_hostile_json_bodies_are_refused_cleanly(client, auth, body):
    answer = client.post(URL, data=body.encode("utf-8", "surrogatepass") if isinstance(body, str) else body,
                         content_type="application/json", headers=auth("psa"))
    assert 400 <= answer.status_code < 500, (answer.status_code, answer.get_data(as_text=True)[:300])
    assert answer.json["code"] == answer.status_code


def test_deeply_nested_values_inside_a_valid_lesson_are_refused(client, auth):
    nested = {"a": None}
    for _ in range(40):
        nested = {"a": nested}
    body = {"category": "TECHNICAL", "severity": "LOW", "component": "x", "title": "t", "situation": "s",
            "metrics": nested}
    answer = client.post(URL, json=body, headers=auth("psa"))
    assert answer.status_code in (400, 422)


def test_a_wrong_content_type_is_a_4xx(client, auth):
    answer = client.post(URL, data="category=TECHNICAL", content_type="application/x-www-form-urlencoded",
                         headers=auth("psa"))
    assert 400 <= answer.status_code < 500
