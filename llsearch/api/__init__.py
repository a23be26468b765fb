"""HTTP API: flask-smorest blueprints, one package per resource."""

from __future__ import annotations

from flask import Blueprint, Flask
from flask_smorest import Blueprint as ApiBlueprint

from llsearch.api.admin.routes import blp as admin_blp
from llsearch.api.audit.routes import blp as audit_blp
from llsearch.api.auth import register_security_scheme
from llsearch.api.discovery.routes import blp as discovery_blp
from llsearch.api.converters import register_converters
from llsearch.api.errors import LlsearchApi
from llsearch.api.health.routes import blp as health_blp
from llsearch.api.imports.routes import blp as imports_blp
from llsearch.api.lessons.routes import blp as lessons_blp
from llsearch.api.stats.routes import blp as stats_blp
from llsearch.plugins import collect


def register_api(app: Flask) -> LlsearchApi:
    api = LlsearchApi(app)
    register_security_scheme(api)
    register_converters(app, api)
    api.register_blueprint(health_blp)
    api.register_blueprint(lessons_blp)
    api.register_blueprint(stats_blp)
    api.register_blueprint(discovery_blp)
    api.register_blueprint(imports_blp)
    api.register_blueprint(audit_blp)
    api.register_blueprint(admin_blp)
    register_plugin_blueprints(app, api)
    return api


def register_plugin_blueprints(app: Flask, api: LlsearchApi) -> None:
    """Blueprints from `register_blueprints`: smorest ones join the OpenAPI document; a bad one is skipped."""
    for blueprint in collect(app.extensions["llsearch"].plugins, "register_blueprints", app=app):
        try:
            if isinstance(blueprint, ApiBlueprint):
                api.register_blueprint(blueprint)
            elif isinstance(blueprint, Blueprint):
                app.register_blueprint(blueprint)
            else:
                raise TypeError(f"{blueprint!r} is not a Blueprint")
        except Exception:
            app.logger.exception("plugin blueprint %r not registered", getattr(blueprint, "name", blueprint))
