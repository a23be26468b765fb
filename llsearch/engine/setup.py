"""Idempotent installation of templates, system indices and aliases, run at every start."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, timezone

from opensearchpy import OpenSearch
from opensearchpy.exceptions import RequestError

from llsearch.config import Settings
from llsearch.engine.mappings import audit_index_template, APIKEY_MAPPINGS, COUNTER_MAPPINGS, TEMPLATE_VERSION, lesson_index_template
from llsearch.engine.names import IndexNames

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SystemIndex:
    """An index of the service's own (counters, api keys, …) created at setup when absent."""

    name: str
    mappings: dict


def system_indices(names: IndexNames) -> list[SystemIndex]:
    return [SystemIndex(names.counters, COUNTER_MAPPINGS), SystemIndex(names.apikeys, APIKEY_MAPPINGS)]


def _create_if_absent(client: OpenSearch, index: str, body: dict) -> bool:
    """Create an index; False when it already exists (another worker may have won the race)."""
    if client.indices.exists(index=index):
        return False
    try:
        client.indices.create(index=index, body=body)
        return True
    except RequestError as exc:
        if exc.error in ("resource_already_exists_exception", "index_already_exists_exception"):
            return False
        raise


def ensure_month_index(client: OpenSearch, names: IndexNames, day: date | datetime) -> str:
    """Make sure the month of `day` has its index, its month alias and the read alias."""
    alias = names.month_alias(day)
    if client.indices.exists(index=alias):  # any generation of the month, reindexed or not
        return alias
    aliases = {alias: {"is_write_index": True}, names.lessons: {}}
    _create_if_absent(client, names.month_index(day), {"aliases": aliases})
    return alias


def installed_template_version(client: OpenSearch, names: IndexNames) -> int | None:
    """The template version in the engine, or None when the template is missing."""
    if not client.indices.exists_index_template(name=names.lessons_template):
        return None
    found = client.indices.get_index_template(name=names.lessons_template)
    meta = found["index_templates"][0]["index_template"].get("_meta") or {}
    return meta.get("llsearch_template_version")


def setup(client: OpenSearch, settings: Settings, today: date | None = None) -> dict:
    """Install everything the service needs; safe to call from every worker at every start."""
    names = IndexNames(settings.index_prefix)
    template = lesson_index_template(names.lessons_patterns, settings.index_shards, settings.index_replicas)
    client.indices.put_index_template(name=names.lessons_template, body=template)
    client.indices.put_index_template(
        name=names.audit, body=audit_index_template(names.audit_pattern, names.audit, settings.index_replicas)
    )
    created = []
    for system in system_indices(names):
        body = {
            "settings": {"index": {"number_of_shards": 1, "number_of_replicas": settings.index_replicas}},
            "mappings": system.mappings,
        }
        if _create_if_absent(client, system.name, body):
            created.append(system.name)
    current = ensure_month_index(client, names, today or datetime.now(timezone.utc).date())
    log.info("engine setup done: template v%s, current month %s", TEMPLATE_VERSION, current)
    return {"template_version": TEMPLATE_VERSION, "created": created, "current_month": current}
