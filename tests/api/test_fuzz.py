"""Property-based fuzzing of the whole OpenAPI spec: no 5xx, and every response matches the spec."""

from __future__ import annotations

import json

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from llsearch.app import create_app


@pytest.fixture(scope="module")
def fuzz_app(base_config, api_keys, engine):
    app = create_app({**base_config, "index_prefix": base_config["index_prefix"] + "fuzz-"})
    engine.reindex(body={"source": {"index": base_config["index_prefix"] + "llsearch-apikeys"},
                         "dest": {"index": app.extensions["llsearch"].names.apikeys}}, refresh=True)
    return app


@pytest.fixture(scope="module")
def api_schema(fuzz_app):
    return schemathesis.openapi.from_wsgi("/api/openapi.json", fuzz_app)


schema = schemathesis.pytest.from_fixture("api_schema")

# A schema-valid value may still be refused for a reason no schema can state (a cursor from another
# search, a URL that is not http(s)); the request is answered with a documented 422, not accepted.
SEMANTIC_ONLY = [schemathesis.checks.positive_data_acceptance]
# The import endpoint answers 200 with one outcome per record, rejected records included, by design.
PER_RECORD = [*SEMANTIC_ONLY, schemathesis.checks.negative_data_rejection]


@schemathesis.serializer("application/x-ndjson")
def ndjson(ctx, value):
    rows = value if isinstance(value, list) else [value]
    return "\n".join(json.dumps(row) for row in rows).encode()


def excluded(case) -> list:
    return PER_RECORD if case.operation.path.endswith("/import") else SEMANTIC_ONLY


@schema.parametrize()
@settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck))
def test_as_psa_no_server_errors_and_responses_match_the_spec(case, auth):
    case.call_and_validate(headers=auth("psa"), excluded_checks=excluded(case))


@schema.parametrize()
@settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck))
def test_as_reader_no_server_errors_and_responses_match_the_spec(case, auth):
    case.call_and_validate(headers=auth("reader"), excluded_checks=excluded(case))
