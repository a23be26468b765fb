"""Probes: /healthz says the process lives, /readyz says whether the service can serve."""

from llsearch.app import create_app
from llsearch.engine.embedded import free_port


def test_healthz_answers_without_the_engine(base_config):
    app = create_app({**base_config, "opensearch_url": f"http://127.0.0.1:{free_port()}", "redis_url": None})
    answer = app.test_client().get("/healthz")
    assert answer.status_code == 200
    assert answer.json["status"] == "ok"


def test_ready_with_engine_template_and_redis(client):
    answer = client.get("/readyz")
    assert answer.status_code == 200, answer.json
    assert answer.json["status"] == "ready"
    assert set(answer.json["checks"]) == {"engine", "template", "redis"}


def test_not_ready_when_the_engine_is_down(base_config):
    app = create_app({**base_config, "opensearch_url": f"http://127.0.0.1:{free_port()}"})
    answer = app.test_client().get("/readyz")
    assert answer.status_code == 503
    assert answer.json["status"] == "not_ready"
    assert not answer.json["checks"]["engine"]["ok"]
    assert "unreachable" in answer.json["checks"]["engine"]["detail"]
    assert answer.json["checks"]["redis"]["ok"]


def test_not_ready_when_redis_is_down(base_config):
    app = create_app({**base_config, "redis_url": f"redis://127.0.0.1:{free_port()}/0"})
    answer = app.test_client().get("/readyz")
    assert answer.status_code == 503
    assert answer.json["checks"]["engine"]["ok"]
    assert not answer.json["checks"]["redis"]["ok"]


def test_readyz_reinstalls_a_deleted_template(base_config, engine):
    prefix = base_config["index_prefix"] + "heal-"
    app = create_app({**base_config, "index_prefix": prefix})
    engine.indices.delete_index_template(name=f"{prefix}lessons")
    app.extensions["llsearch"].setup_done = False
    answer = app.test_client().get("/readyz")
    assert answer.status_code == 200, answer.json


def test_openapi_spec_and_docs_are_served(client):
    spec = client.get("/api/openapi.json")
    assert spec.status_code == 200
    assert spec.json["openapi"].startswith("3.")
    assert "/readyz" in spec.json["paths"]
    assert client.get("/api/docs").status_code == 200


def test_unknown_path_gets_the_error_body(client):
    answer = client.get("/no/such/path")
    assert answer.status_code == 404
    assert answer.json["code"] == 404
    assert answer.json["status"] == "Not Found"
