"""Readiness of the engine as the service needs it: reachable, not red, template installed."""

from __future__ import annotations

from opensearchpy import OpenSearch

from llsearch.engine.mappings import TEMPLATE_VERSION
from llsearch.engine.names import IndexNames
from llsearch.engine.setup import installed_template_version


def engine_checks(client: OpenSearch, names: IndexNames) -> dict:
    """`{"engine": {...}, "template": {...}}`, each with `ok` and a human `detail`."""
    try:
        health = client.cluster.health(timeout=3)
    except Exception as exc:  # any transport failure means "not reachable"
        reason = f"engine unreachable: {type(exc).__name__}"
        return {"engine": {"ok": False, "detail": reason}, "template": {"ok": False, "detail": "unknown"}}
    status = health.get("status")
    engine = {"ok": status in ("green", "yellow"), "detail": f"cluster health {status}"}
    try:
        version = installed_template_version(client, names)
    except Exception as exc:
        return {"engine": engine, "template": {"ok": False, "detail": f"cannot read template: {exc}"}}
    if version is None:
        template = {"ok": False, "detail": f"index template {names.lessons_template} is missing"}
    elif version < TEMPLATE_VERSION:
        template = {"ok": False, "detail": f"index template is v{version}, v{TEMPLATE_VERSION} expected"}
    else:
        template = {"ok": True, "detail": f"index template v{version} installed"}
    return {"engine": engine, "template": template}
