"""An operator exports the whole store, restores it into empty indices, and gets every lesson back exactly."""

from __future__ import annotations

import shutil
from datetime import datetime, timedelta, timezone

import pytest
from click.testing import CliRunner

from llsearch.app import create_app
from llsearch.cli import main
from llsearch.engine.bulk import BulkWriter
from llsearch.model.demo import generate_lessons
from llsearch.model.lesson import ImportedLessonSchema
from llsearch.model.markdown import parse_markdown
from llsearch.security.apikeys import ApiKeyStore
from llsearch.transfer.sources import loads

START = datetime(2026, 1, 12, 9, 0, tzinfo=timezone.utc)


def full_lesson(n: int) -> dict:
    return {
        "category": "SECURITY", "severity": "CRITICAL", "component": "api_gateway",
        "title": f"Certificado expirado derrubou o api_gateway ({n})",
        "situation": "O certificado TLS do api_gateway expirou às 03:00 UTC.\nNinguém foi alertado.",
        "impact": "- Downtime: 42 minutos\n- Usuários afetados: 3100",
        "root_cause": "1. Por quê? O certificado expirou.\n2. Por quê? A renovação era manual.",
        "solution": "Certificado renovado e rotação automatizada.",
        "prevention": "Alerta 14 dias antes da expiração.",
        "action_items": [
            {"action": "Automatizar a renovação - com cert-manager", "owner": "Bruno Costa", "due_date": "2026-02-01"},
            {"action": "Alertar 14 dias antes", "owner": "Ana Souza", "due_date": "2026-01-20", "status": "IN_PROGRESS"},
        ],
        "tags": ["tls", "certificates"], "related_incidents": ["INC-101"], "author": "Ana Souza",
        "references": [{"type": "POST_MORTEM", "link": "https://wiki.example.com/post-mortems/INC-0101"}],
        "metrics": {"time_to_detect": "PT2H30M", "time_to_resolve": "PT5H", "business_impact_usd": 50000.5,
                    "replication_attempts": 3, "success_rate_prevention": "87.5%"},
        "follow_up": {"due_date": "2026-03-01", "status": "PENDING", "notes": "Rever na próxima renovação.\nE depois."},
    }


class Store:
    """One index prefix: an app on it, a psa and a cqo key, the CLI environment for it."""

    def __init__(self, base_config: dict, engine, suffix: str):
        self.prefix = base_config["index_prefix"] + suffix
        self.app = create_app({**base_config, "index_prefix": self.prefix})
        self.runtime = self.app.extensions["llsearch"]
        keys = ApiKeyStore(engine, self.runtime.names)
        self.headers = {role: {"Authorization": f"Bearer {keys.create(f'{suffix}{role}', role).key}"}
                        for role in ("psa", "cqo")}
        self.client = self.app.test_client()
        self.env = {"LLSEARCH_OPENSEARCH_URL": base_config["opensearch_url"], "LLSEARCH_INDEX_PREFIX": self.prefix,
                    "LLSEARCH_DATA_DIR": base_config["data_dir"],
                    "LLSEARCH_ENCRYPTION_KEYS": base_config["encryption_keys"]}

    def cli(self, *args):
        return CliRunner().invoke(main, list(args), env=self.env, catch_exceptions=False)

    def documents(self, ids) -> dict:
        """Every lesson as the API gives it to a role that sees sensitive fields, with its ETag."""
        answers = {i: self.client.get(f"/api/lessons-learned/{i}", headers=self.headers["psa"]) for i in ids}
        assert all(answer.status_code == 200 for answer in answers.values())
        return {i: (answer.json, answer.headers["ETag"]) for i, answer in answers.items()}


def summary(result) -> str:
    return next(line for line in result.stdout.splitlines() if line.startswith(("imported:", "exported:")))


@pytest.fixture(scope="module")
def source(base_config, engine):
    """A store with lessons created, edited, approved and completed through the API, plus demo data."""
    store = Store(base_config, engine, "rtsrc-")
    runtime, client, headers = store.runtime, store.client, store.headers
    moments = iter(START + timedelta(hours=hours) for hours in range(100))
    runtime.clock = lambda: next(moments)
    ids = []
    for n in range(3):
        answer = client.post("/api/lessons-learned", json=full_lesson(n), headers=headers["psa"])
        assert answer.status_code == 201, answer.json
        ids.append(answer.json["id"])
    assert client.post(f"/api/lessons-learned/{ids[0]}/approve", headers=headers["cqo"]).status_code == 200
    assert client.patch(f"/api/lessons-learned/{ids[1]}", json={"severity": "HIGH", "impact": None},
                        headers=headers["psa"]).status_code == 200
    assert client.patch(f"/api/lessons-learned/{ids[1]}/action-items/A1", json={"status": "COMPLETED"},
                        headers=headers["psa"]).status_code == 200
    demo = generate_lessons(6, seed=7, now=START)
    assert not BulkWriter(runtime.engine, runtime.names, codec=runtime.codec).write(demo).failed
    return store, sorted(ids + [lesson["id"] for lesson in demo])


def test_export_then_import_into_empty_indices_gives_every_lesson_back(tmp_path, source, base_config, engine):
    store, ids = source
    exported = store.cli("export", str(tmp_path), "--markdown")
    assert exported.exit_code == 0, exported.output
    assert summary(exported) == f"exported: 9 lessons to {tmp_path / 'lessons-learned'} (19 files)"
    assert "exporting lessons" in exported.output  # the progress bar

    restored = Store(base_config, engine, "rtdst-")
    first = restored.cli("import", str(tmp_path))
    assert first.exit_code == 0, first.output
    assert summary(first) == "imported: 9 created, 0 updated, 0 unchanged, 0 rejected"
    assert "9 Markdown file(s) not read" in first.stdout
    again = restored.cli("import", str(tmp_path / "lessons-learned"))
    assert summary(again) == "imported: 0 created, 0 updated, 9 unchanged, 0 rejected"

    before, after = store.documents(ids), restored.documents(ids)
    assert after == before
    # What the comparison covered: approvals, completed action items, secrets, edited versions.
    docs = [doc for doc, _ in before.values()]
    assert any(doc.get("approver") and doc.get("approval_date") for doc in docs)
    assert any(item.get("completion_date") for doc in docs for item in doc.get("action_items", []))
    assert any("business_impact_usd" in doc.get("metrics", {}) for doc in docs)
    assert any(etag != '"1"' for _, etag in before.values())


def test_exported_markdown_parses_back_to_the_same_lessons(tmp_path, source, base_config, engine):
    store, ids = source
    assert store.cli("export", str(tmp_path / "out"), "--markdown").exit_code == 0
    directory = tmp_path / "out" / "lessons-learned"
    schema = ImportedLessonSchema()
    markdown_only = tmp_path / "markdown"
    for path in sorted(directory.rglob("LL-*.md")):
        as_json = loads(path.with_suffix(".json").read_text(encoding="utf-8"))
        assert schema.load(parse_markdown(path.read_text(encoding="utf-8"))) == schema.load(as_json), path.name
        target = markdown_only / path.relative_to(directory)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(path, target)

    from_markdown = Store(base_config, engine, "rtmd-")
    result = from_markdown.cli("import", str(markdown_only))
    assert summary(result) == "imported: 9 created, 0 updated, 0 unchanged, 0 rejected", result.output
    # Markdown carries no revision number: everything but the version comes back.
    without_version = lambda docs: {i: {k: v for k, v in doc.items() if k != "version"} for i, (doc, _) in docs.items()}
    assert without_version(from_markdown.documents(ids)) == without_version(store.documents(ids))


def test_export_refuses_a_non_empty_target_unless_overwrite(tmp_path, source):
    store, _ = source
    assert store.cli("export", str(tmp_path)).exit_code == 0
    (tmp_path / "lessons-learned" / "2019-01").mkdir()
    (tmp_path / "lessons-learned" / "2019-01" / "LL-2019-01-01-001.json").write_text("{}")
    refused = store.cli("export", str(tmp_path))
    assert refused.exit_code == 1 and "--overwrite" in refused.output
    replaced = store.cli("export", str(tmp_path), "--overwrite")
    assert replaced.exit_code == 0
    assert "removed 1 lesson files of an earlier export" in replaced.stdout
    assert not (tmp_path / "lessons-learned" / "2019-01").exists()
