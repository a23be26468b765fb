"""Analysis settings and mappings of the lesson indices: declared here and nowhere else."""

from __future__ import annotations

# v2: Portuguese stems taken before accent folding (the stemmer's plural rules need the accents:
# "partições" and "partição" now share a stem), and sub-fields no query used are gone
# (`component.suggest`, `tags.suggest`, the `.text` of names). Older months: `llsearch reindex`.
TEMPLATE_VERSION = 2

ANALYSIS = {
    "filter": {
        "ll_folding": {"type": "asciifolding", "preserve_original": False},
        "ll_pt_stop": {"type": "stop", "stopwords": "_portuguese_"},
        "ll_pt_stem": {"type": "stemmer", "language": "light_portuguese"},
        # "reversoes" typed without accents is the plural "reversões": give the stemmer its accent.
        "ll_pt_plural_accent": {"type": "pattern_replace", "pattern": "oes$", "replacement": "ões"},
        "ll_en_possessive": {"type": "stemmer", "language": "possessive_english"},
        "ll_en_stop": {"type": "stop", "stopwords": "_english_"},
        "ll_en_stem": {"type": "stemmer", "language": "english"},
    },
    "analyzer": {
        # Stop words are removed and stems taken before folding: the stop list is accented, and
        # the stemmer's rules need the accents ("-ções" -> "-ção"); folding afterwards makes the
        # stems of accented and unaccented spellings meet.
        "ll_folded": {"tokenizer": "standard", "filter": ["lowercase", "ll_folding"]},
        "ll_portuguese": {
            "tokenizer": "standard",
            "filter": ["lowercase", "ll_pt_stop", "ll_pt_plural_accent", "ll_pt_stem", "ll_folding"],
        },
        "ll_english": {
            "tokenizer": "standard",
            "filter": ["ll_en_possessive", "lowercase", "ll_en_stop", "ll_folding", "ll_en_stem"],
        },
    },
    "normalizer": {"ll_lowercase": {"type": "custom", "filter": ["lowercase", "asciifolding"]}},
}


def prose(**extra_fields: dict) -> dict:
    """Free text in Portuguese or English: folded, plus one stemmed sub-field per language."""
    return {
        "type": "text",
        "analyzer": "ll_folded",
        "fields": {
            "pt": {"type": "text", "analyzer": "ll_portuguese"},
            "en": {"type": "text", "analyzer": "ll_english"},
            **extra_fields,
        },
    }


KEYWORD = {"type": "keyword"}
DATE = {"type": "date"}
NAME = KEYWORD  # people are filtered and aggregated by exact name, never searched as prose

LESSON_PROPERTIES = {
    "id": KEYWORD,
    "timestamp_created": DATE,
    "updated_at": DATE,
    "version": {"type": "long"},
    "category": KEYWORD,
    "severity": KEYWORD,
    "component": KEYWORD,  # suggestions come from a terms aggregation (engine/suggest.py)
    "title": prose(
        raw={"type": "keyword", "ignore_above": 256},
        suggest={"type": "search_as_you_type", "analyzer": "ll_folded"},
    ),
    "situation": prose(),
    "impact": prose(),
    "root_cause": prose(),
    "solution": prose(),
    "prevention": prose(),
    "action_items": {
        "type": "nested",
        "properties": {
            "id": KEYWORD,
            "action": prose(),
            "owner": NAME,
            "due_date": DATE,
            "status": KEYWORD,
            "completion_date": DATE,
        },
    },
    "tags": KEYWORD,
    "related_incidents": KEYWORD,
    "author": NAME,
    "approver": NAME,
    "approval_date": DATE,
    "references": {
        "properties": {"type": KEYWORD, "link": {"type": "keyword", "ignore_above": 2048}},
    },
    "metrics": {
        "properties": {
            "time_to_detect": KEYWORD,
            "time_to_resolve": KEYWORD,
            "time_to_detect_seconds": {"type": "double"},
            "time_to_resolve_seconds": {"type": "double"},
            # Sensitive: stored encrypted, so never indexed nor aggregated.
            "business_impact_usd": {"type": "keyword", "index": False, "doc_values": False},
            "replication_attempts": {"type": "integer"},
            "success_rate_prevention": KEYWORD,
            "success_rate_prevention_pct": {"type": "float"},
        },
    },
    "follow_up": {
        "properties": {"due_date": DATE, "status": KEYWORD, "notes": prose()},
    },
}


def lesson_index_template(patterns: list[str], shards: int, replicas: int) -> dict:
    """The composable index template every month index is created from."""
    return {
        "index_patterns": patterns,
        "priority": 100,
        "_meta": {"llsearch_template_version": TEMPLATE_VERSION},
        "template": {
            "settings": {
                "index": {"number_of_shards": shards, "number_of_replicas": replicas},
                "analysis": ANALYSIS,
            },
            "mappings": {"dynamic": "strict", "properties": LESSON_PROPERTIES},
        },
    }


COUNTER_MAPPINGS = {
    "dynamic": "strict",
    "properties": {"day": KEYWORD, "value": {"type": "long"}},
}


# One index holds two kinds of document: `key` (doc id = key id) and `name` (doc id `name:<name>`,
# a claim that keeps the names of active keys unique). The key text itself is never stored.
APIKEY_MAPPINGS = {
    "dynamic": "strict",
    "properties": {
        "kind": KEYWORD,
        "key_id": KEYWORD,
        "name": KEYWORD,
        "role": KEYWORD,
        "secret_hash": {"type": "keyword", "index": False, "doc_values": False},
        "created_at": DATE,
        "revoked_at": DATE,
        "last_used": DATE,
    },
}


def audit_index_template(pattern: str, alias: str, replicas: int) -> dict:
    """Monthly audit indices; each joins the read alias as the engine creates it on first write."""
    return {
        "index_patterns": [pattern],
        "priority": 100,
        "template": {
            "settings": {"index": {"number_of_shards": 1, "number_of_replicas": replicas}},
            "aliases": {alias: {}},
            "mappings": {
                "dynamic": "strict",
                "properties": {
                    "record_id": KEYWORD, "timestamp": DATE, "finished_at": DATE, "action": KEYWORD, "outcome": KEYWORD,
                    "status": {"type": "short"}, "actor": KEYWORD, "role": KEYWORD, "key_id": KEYWORD,
                    "request_id": KEYWORD, "lesson_id": KEYWORD, "target": KEYWORD, "method": KEYWORD,
                    "path": KEYWORD, "remote_addr": KEYWORD, "message": {"type": "text"},
                    "diff": {"type": "object", "enabled": False},
                    "document": {"type": "object", "enabled": False},
                    "details": {"type": "object", "enabled": False},
                },
            },
        },
    }
