"""Rate limits: per key, reads and writes apart, shared by every worker through Redis, 429 + Retry-After."""

from __future__ import annotations

import uuid

import pytest

from llsearch.app import create_app

URL = "/api/lessons-learned"


@pytest.fixture
def limited_app(base_config, api_keys, engine):
    def build(**limits):
        # Each test gets its own counters: a fresh prefix keys them apart in the shared Redis.
        config = {**base_config, "rate_limit_read": "3/minute", "rate_limit_write": "2/minute",
                  "index_prefix": base_config["index_prefix"] + f"rl{uuid.uuid4().hex[:6]}-", **limits}
        app = create_app(config)
        engine.reindex(body={"source": {"index": base_config["index_prefix"] + "llsearch-apikeys"},
                             "dest": {"index": app.extensions["llsearch"].names.apikeys}}, refresh=True)
        return app
    return build


def test_reads_beyond_the_limit_get_429_with_retry_after(limited_app, auth):
    client = limited_app().test_client()
    statuses = [client.get(f"{URL}?page_size=1", headers=auth("reader")).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    answer = client.get(f"{URL}?page_size=1", headers=auth("reader"))
    assert answer.json["code"] == 429 and answer.json["status"] == "Too Many Requests"
    assert int(answer.headers["Retry-After"]) > 0
    assert answer.headers["X-RateLimit-Limit"] == "3"
    # another key has its own budget, and health probes are never limited
    assert client.get(f"{URL}?page_size=1", headers=auth("psa")).status_code == 200
    assert all(client.get("/healthz").status_code == 200 for _ in range(5))


def test_writes_have_their_own_budget(limited_app, auth):
    client = limited_app().test_client()
    bad = {"category": "NOPE"}
    assert [client.post(URL, json=bad, headers=auth("psa")).status_code for _ in range(3)] == [422, 422, 429]


def test_workers_share_the_counters_through_redis(limited_app, base_config):
    shared = {"index_prefix": base_config["index_prefix"] + f"rlshared{uuid.uuid4().hex[:6]}-"}
    first = limited_app(**shared).test_client()
    second = limited_app(**shared).test_client()
    anonymous = {"Authorization": "Bearer not-a-key"}
    assert first.get(URL, headers=anonymous).status_code == 401
    assert second.get(URL, headers=anonymous).status_code == 401
    assert first.get(URL, headers=anonymous).status_code == 401
    assert second.get(URL, headers=anonymous).status_code == 429


def test_limits_can_be_switched_off(limited_app):
    client = limited_app(rate_limits_enabled=False).test_client()
    assert all(client.get(URL).status_code == 401 for _ in range(6))
