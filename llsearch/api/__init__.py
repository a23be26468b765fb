"""HTTP API: flask-smorest blueprints, one package per resource."""

from __future__ import annotations

from flask import Flask

from llsearch.api.errors import LlsearchApi
from llsearch.api.health.routes import blp as health_blp


def register_api(app: Flask) -> LlsearchApi:
    api = LlsearchApi(app)
    api.register_blueprint(health_blp)
    return api
