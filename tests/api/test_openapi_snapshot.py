"""The generated OpenAPI spec equals the committed docs/openapi.json, so API changes are reviewed.

After an intended change: `LLSEARCH_UPDATE_OPENAPI=1 .venv/bin/python -m pytest tests/api/test_openapi_snapshot.py`.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

SNAPSHOT = Path(__file__).resolve().parents[2] / "docs" / "openapi.json"


def test_the_spec_matches_the_committed_snapshot(client):
    spec = client.get("/api/openapi.json").json
    rendered = json.dumps(spec, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    if os.environ.get("LLSEARCH_UPDATE_OPENAPI"):
        SNAPSHOT.write_text(rendered)
    assert SNAPSHOT.exists(), "run with LLSEARCH_UPDATE_OPENAPI=1 to create docs/openapi.json"
    assert rendered == SNAPSHOT.read_text(), "the API changed: review it, then refresh the snapshot"


def test_every_operation_is_described_with_responses(client):
    spec = client.get("/api/openapi.json").json
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            if method not in ("get", "post", "patch", "put", "delete"):
                continue  # path-level parameters
            assert operation.get("summary"), f"{method.upper()} {path} has no summary"
            assert operation.get("responses"), f"{method.upper()} {path} has no responses"
            for parameter in operation.get("parameters", []):
                if parameter["in"] == "query":
                    assert parameter.get("description"), f"{method.upper()} {path} ?{parameter['name']}"
