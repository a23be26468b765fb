"""A plugin adds routes and exporters and hears about writes; a broken plugin takes nothing down."""

from __future__ import annotations

import logging
import types
from importlib import metadata

import flask
import pytest
from flask_smorest import Blueprint

from llsearch import hookimpl, plugins
from llsearch.app import create_app
from llsearch.events import lesson_saved

api_blp = Blueprint("plugin_test", __name__, url_prefix="/api/plugin-test", description="A test plugin")
plain_blp = flask.Blueprint("plugin_test_plain", __name__)
EXPORTER = object()
STARTED: list = []


@api_blp.route("/echo")
def echo():
    """Echo a greeting (a route a plugin adds)."""
    return {"hello": "from a plugin"}


@plain_blp.get("/plugin-test/plain")
def plain():
    return "plain text from a plugin", 200, {"Content-Type": "text/plain"}


# This module is itself the well-behaved plugin: the app below registers it by module path.
@hookimpl
def register_blueprints(app):
    return [api_blp, plain_blp]


@hookimpl
def register_exporters(app):
    return [EXPORTER]


@hookimpl
def startup(app):
    STARTED.append((app, app.extensions["llsearch"].setup_done))


def _raise(**_):
    raise RuntimeError("plugin bug")


# ...and this one raises in every hook; it is "installed" through an entry point.
RAISING = types.SimpleNamespace(**{
    name: hookimpl(types.FunctionType(_raise.__code__, globals(), name))
    for name in ("register_blueprints", "register_exporters", "startup")
})


@pytest.fixture(scope="module")
def plugged_app(base_config, engine):
    broken = metadata.EntryPoint(name="raising", value=f"{__name__}:RAISING", group="llsearch")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(plugins, "DEFAULT_PLUGINS", [*plugins.DEFAULT_PLUGINS, __name__])
        patch.setattr(metadata, "entry_points", lambda group: [broken])
        app = create_app(base_config)
    assert app.extensions["llsearch"].plugins.has_plugin("raising")
    return app


def test_hook_register_blueprints_adds_api_and_plain_routes(plugged_app):
    client = plugged_app.test_client()
    assert client.get("/api/plugin-test/echo").json == {"hello": "from a plugin"}
    assert client.get("/plugin-test/plain").text == "plain text from a plugin"
    spec = client.get("/api/openapi.json").json
    assert "/api/plugin-test/echo" in spec["paths"] and "/plugin-test/plain" not in spec["paths"]
    assert client.get("/healthz").status_code == 200  # the raising plugin's blueprints are just missing


def test_hook_register_exporters_are_kept_on_the_runtime(plugged_app):
    assert plugged_app.extensions["llsearch"].exporters == [EXPORTER]


def test_hook_startup_runs_once_per_app_after_the_engine_setup(plugged_app):
    assert [entry for entry in STARTED if entry[0] is plugged_app] == [(plugged_app, True)]


LESSON = {"category": "TECHNICAL", "severity": "LOW", "component": "plugins", "title": "A plugin raised",
          "situation": "Um plugin falhou ao ouvir a gravação de uma lição."}


class Raiser:
    @hookimpl(tryfirst=True)
    def lesson_saved(self, action):
        raise RuntimeError(f"cannot handle {action}")


class Recorder:
    def __init__(self):
        self.seen = []

    @hookimpl
    def lesson_saved(self, action, lesson, actor):
        self.seen.append((action, lesson["id"], actor))


def test_hook_lesson_saved_a_raising_plugin_never_breaks_a_write(app, client, auth, caplog):
    pm = app.extensions["llsearch"].plugins
    recorder = Recorder()
    pm.register(Raiser(), name="raiser")
    pm.register(recorder, name="recorder")
    try:
        with caplog.at_level(logging.ERROR, "llsearch.plugins"):
            created = client.post("/api/lessons-learned", json=LESSON, headers=auth("psa"))
            assert created.status_code == 201, created.json
            with app.app_context():
                lesson_saved("create", created.json, "test-psa")
    finally:
        pm.unregister(name="raiser")
        pm.unregister(name="recorder")
    assert ("create", created.json["id"], "test-psa") in recorder.seen
    assert "plugin raiser failed in hook lesson_saved" in caplog.text
    assert "cannot handle create" in caplog.text
    found = client.get(f"/api/lessons-learned/{created.json['id']}", headers=auth("psa"))
    assert found.status_code == 200
