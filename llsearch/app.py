"""create_app(): the only place the pieces are wired together."""

from __future__ import annotations

import logging
from typing import Any, Mapping

from flask import Flask

from llsearch import __version__
from llsearch.api import register_api
from llsearch.api.limits import install_rate_limits
from llsearch.api.requests import install_request_hooks
from llsearch.config import load_settings
from llsearch.plugins import call_isolated, collect
from llsearch.runtime import Runtime

MAX_BODY_BYTES = 1024 * 1024


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the Flask app from settings (see llsearch.config for their sources)."""
    settings = load_settings(config)
    app = Flask("llsearch")
    app.config.update(
        MAX_CONTENT_LENGTH=MAX_BODY_BYTES,
        JSON_SORT_KEYS=False,
        API_TITLE="llsearch",
        API_VERSION=__version__,
        OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX="/api",
        OPENAPI_JSON_PATH="openapi.json",
        OPENAPI_SWAGGER_UI_PATH="/docs",
        OPENAPI_SWAGGER_UI_URL=settings.extra.get(
            "swagger_ui_url", "https://cdn.jsdelivr.net/npm/swagger-ui-dist/"
        ),
    )
    app.json.sort_keys = False
    runtime = Runtime.build(settings)
    app.extensions["llsearch"] = runtime
    install_request_hooks(app, tuple(o.strip() for o in settings.cors_origins.split(",") if o.strip()))
    install_rate_limits(app, settings)
    runtime.exporters = collect(runtime.plugins, "register_exporters", app=app)
    register_api(app)  # the core's blueprints, then those of register_blueprints
    if not logging.getLogger().handlers:
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    logging.getLogger("opensearch").setLevel(logging.WARNING)  # one line per engine call is noise
    runtime.ensure_setup()
    call_isolated(runtime.plugins, "startup", app=app)
    return app
