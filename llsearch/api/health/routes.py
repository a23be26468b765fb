"""GET /healthz (process alive) and GET /readyz (engine, template and Redis ready)."""

from __future__ import annotations

from flask import jsonify
from flask.views import MethodView
from flask_smorest import Blueprint

from llsearch import __version__
from llsearch.api.health.schemas import HealthSchema, ReadinessSchema
from llsearch.engine.health import engine_checks
from llsearch.runtime import current_runtime

blp = Blueprint("health", __name__, description="Liveness and readiness probes")


@blp.route("/healthz")
class Health(MethodView):
    @blp.response(200, HealthSchema)
    def get(self):
        """The process is alive (says nothing about the engine)."""
        return {"status": "ok", "version": __version__}


@blp.route("/readyz")
class Readiness(MethodView):
    @blp.response(200, ReadinessSchema, description="Every part is ready")
    @blp.alt_response(503, schema=ReadinessSchema, description="At least one part is down")
    def get(self):
        """Ready when the engine answers, the template is installed and Redis (if configured) answers."""
        runtime = current_runtime()
        checks = engine_checks(runtime.engine, runtime.names)
        if not checks["template"]["ok"] and checks["engine"]["ok"] and runtime.ensure_setup():
            checks = engine_checks(runtime.engine, runtime.names)
        if runtime.redis is not None:
            checks["redis"] = _redis_check(runtime.redis)
        ready = all(check["ok"] for check in checks.values())
        response = jsonify({"status": "ready" if ready else "not_ready", "checks": checks})
        response.status_code = 200 if ready else 503
        return response


def _redis_check(client) -> dict:
    try:
        client.ping()
    except Exception as exc:  # any failure means not ready; the detail tells which
        return {"ok": False, "detail": f"redis unreachable: {exc}"}
    return {"ok": True, "detail": "redis answers"}
