"""HTTP API: flask-smorest blueprints, one package per resource."""

from __future__ import annotations

from flask import Flask

from llsearch.api.auth import register_security_scheme
from llsearch.api.errors import LlsearchApi
from llsearch.api.health.routes import blp as health_blp
from llsearch.api.lessons.routes import blp as lessons_blp


def register_api(app: Flask) -> LlsearchApi:
    api = LlsearchApi(app)
    register_security_scheme(api)
    api.register_blueprint(health_blp)
    api.register_blueprint(lessons_blp)
    return api
