"""Bearer keys on a protected view: 401 without a good key, 403 for the wrong role, 200 otherwise."""

import pytest
from flask import g
from flask.views import MethodView
from flask_smorest import Blueprint

from llsearch.api.auth import STORE_EXTENSION, auth_responses, authorize, register_security_scheme
from llsearch.app import create_app
from llsearch.config import load_settings
from llsearch.engine.embedded import free_port
from llsearch.security.apikeys import ApiKeyStore
from llsearch.security.roles import Action


def probe_blueprint() -> Blueprint:
    """A throwaway resource whose views only ask for a permission and say who called."""
    blp = Blueprint("probe", __name__, url_prefix="/probe")

    def caller(principal):
        assert g.principal is principal
        return {"name": principal.name, "role": principal.role, "anonymous": principal.anonymous}

    @blp.route("")
    class Probe(MethodView):
        @auth_responses(blp, Action.READ)
        @blp.response(200)
        def get(self):
            """Read something."""
            return caller(authorize(Action.READ))

        @auth_responses(blp, Action.CREATE)
        @blp.response(200)
        def post(self):
            """Create something."""
            return caller(authorize(Action.CREATE))

        @auth_responses(blp, Action.DELETE)
        @blp.response(200)
        def delete(self):
            """Delete something."""
            return caller(authorize(Action.DELETE))

    return blp


def probe_app(config: dict):
    app = create_app(config)
    api = app.extensions["flask-smorest"]["apis"][""]["ext_obj"]
    register_security_scheme(api)
    api.register_blueprint(probe_blueprint())
    return app


@pytest.fixture(scope="module")
def config(base_config):
    return {**base_config, "index_prefix": base_config["index_prefix"] + "auth-", "apikey_cache_seconds": 0}


@pytest.fixture(scope="module")
def app(config, engine):
    return probe_app(config)


@pytest.fixture(scope="module")
def open_app(config, engine):
    return probe_app({**config, "anonymous_read": True})


@pytest.fixture(scope="module")
def keys(config, app, engine):
    """One key per role the scenarios need, plus one already revoked."""
    store = ApiKeyStore.from_settings(engine, load_settings(config))
    issued = {role: store.create(f"probe-{role}", role).key for role in ("reader", "psa", "admin")}
    revoked = store.create("probe-revoked", "admin")
    store.revoke(revoked.key_id)
    return {**issued, "revoked": revoked.key}


def bearer(key: str) -> dict:
    return {"Authorization": f"Bearer {key}"}


def assert_unauthorized(answer):
    assert answer.status_code == 401, answer.json
    assert answer.json["code"] == 401 and answer.json["status"] == "Unauthorized"
    assert answer.json["message"]
    assert answer.headers["WWW-Authenticate"].startswith("Bearer")


def test_no_key_is_401_with_a_bearer_challenge(app):
    answer = app.test_client().get("/probe")
    assert_unauthorized(answer)
    assert "Authorization: Bearer" in answer.json["message"]


@pytest.mark.parametrize("header", ["Bearer", "Bearer ", "Basic x", "Bearer llk_nope", "Token abc", "llk_x"])
def test_malformed_authorization_is_401(app, header):
    assert_unauthorized(app.test_client().get("/probe", headers={"Authorization": header}))


def test_unknown_key_is_401(app):
    answer = app.test_client().get("/probe", headers=bearer("llk_0123456789abcdef_" + "a" * 64))
    assert_unauthorized(answer)
    assert 'error="invalid_token"' in answer.headers["WWW-Authenticate"]


def test_revoked_key_is_401(app, keys):
    assert_unauthorized(app.test_client().get("/probe", headers=bearer(keys["revoked"])))


def test_a_key_revoked_while_in_use_stops_working(app, config, engine):
    store = ApiKeyStore.from_settings(engine, load_settings(config))
    issued = store.create("probe-short-lived", "reader")
    client = app.test_client()
    assert client.get("/probe", headers=bearer(issued.key)).status_code == 200
    store.revoke(issued.key_id)
    assert_unauthorized(client.get("/probe", headers=bearer(issued.key)))


def test_wrong_role_is_403_naming_the_allowed_roles(app, keys):
    client = app.test_client()
    answer = client.post("/probe", headers=bearer(keys["reader"]))
    assert answer.status_code == 403
    assert answer.json["code"] == 403 and answer.json["status"] == "Forbidden"
    assert "reader" in answer.json["message"] and "council, psa" in answer.json["message"]
    assert "WWW-Authenticate" not in answer.headers
    assert client.delete("/probe", headers=bearer(keys["psa"])).status_code == 403


def test_right_role_passes_and_the_view_knows_the_caller(app, keys):
    client = app.test_client()
    answer = client.post("/probe", headers=bearer(keys["psa"]))
    assert answer.status_code == 200
    assert answer.json == {"name": "probe-psa", "role": "psa", "anonymous": False}
    assert client.delete("/probe", headers=bearer(keys["admin"])).json["role"] == "admin"
    assert client.get("/probe", headers=bearer(keys["reader"])).json["name"] == "probe-reader"
    assert client.get("/probe", headers={"Authorization": f"bearer {keys['reader']}"}).status_code == 200


def test_anonymous_read_is_off_by_default(app):
    assert load_settings({}, environ={}).anonymous_read is False
    assert_unauthorized(app.test_client().get("/probe"))


def test_anonymous_read_when_switched_on_covers_reads_only(open_app, keys):
    client = open_app.test_client()
    answer = client.get("/probe")
    assert answer.status_code == 200
    assert answer.json == {"name": "anonymous", "role": None, "anonymous": True}
    assert_unauthorized(client.post("/probe"))
    assert_unauthorized(client.get("/probe", headers=bearer(keys["revoked"])))
    assert client.get("/probe", headers=bearer(keys["psa"])).json["role"] == "psa"


def test_the_store_is_built_once_per_app(app, open_app, keys):
    app.test_client().get("/probe", headers=bearer(keys["reader"]))
    open_app.test_client().get("/probe", headers=bearer(keys["reader"]))
    store = app.extensions[STORE_EXTENSION]
    app.test_client().get("/probe", headers=bearer(keys["reader"]))
    assert app.extensions[STORE_EXTENSION] is store
    assert open_app.extensions[STORE_EXTENSION] is not store


def test_an_engine_outage_is_503_not_401(base_config):
    app = probe_app({**base_config, "opensearch_url": f"http://127.0.0.1:{free_port()}"})
    answer = app.test_client().get("/probe", headers=bearer("llk_0123456789abcdef_" + "a" * 64))
    assert answer.status_code == 503


def test_openapi_documents_the_scheme_and_the_auth_responses(app):
    spec = app.test_client().get("/api/openapi.json").json
    scheme = spec["components"]["securitySchemes"]["bearerAuth"]
    assert (scheme["type"], scheme["scheme"]) == ("http", "bearer")
    operations = spec["paths"]["/probe"]
    for method in ("get", "post", "delete"):
        assert operations[method]["security"] == [{"bearerAuth": []}]
        assert "WWW-Authenticate" in operations[method]["responses"]["401"]["headers"]
    assert "403" not in operations["get"]["responses"]
    assert "403" in operations["post"]["responses"] and "403" in operations["delete"]["responses"]
    assert operations["post"]["x-llsearch-roles"] == ["council", "psa"]
    assert operations["get"]["x-llsearch-roles"] == ["admin", "council", "cqo", "psa", "reader"]


def test_registering_the_scheme_twice_is_harmless(app):
    api = app.extensions["flask-smorest"]["apis"][""]["ext_obj"]
    register_security_scheme(api)
    assert "bearerAuth" in api.spec.components.security_schemes
