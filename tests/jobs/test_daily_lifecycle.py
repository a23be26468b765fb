"""The daily lifecycle job archives what is due, takes the day's snapshot and prunes, and can run twice."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

from llsearch.app import create_app
from llsearch.jobs import tasks
from llsearch.jobs.context import use_job_app

NOW = datetime(2026, 12, 15, 1, 0, tzinfo=timezone.utc)


def test_the_daily_job_archives_snapshots_and_is_idempotent(base_config, engine):
    repo_root = engine.nodes.info(metric="settings")["nodes"]
    path_repo = next(iter(repo_root.values()))["settings"]["path"]["repo"]
    path_repo = path_repo[0] if isinstance(path_repo, list) else path_repo
    prefix = base_config["index_prefix"] + "daily-"
    app = create_app({**base_config, "index_prefix": prefix,
                      "snapshot_location": str(Path(path_repo) / f"{prefix}repo"),
                      "snapshot_repository": f"{prefix}repo"})
    runtime = app.extensions["llsearch"]
    runtime.clock = lambda: NOW
    from llsearch.engine.setup import ensure_month_index

    ensure_month_index(engine, runtime.names, datetime(2023, 5, 3, tzinfo=timezone.utc))
    use_job_app(app)
    try:
        first = tasks.daily_lifecycle()
        second = tasks.daily_lifecycle()
    finally:
        use_job_app(None)
    assert "2023-05" in str(first["archive"])
    assert first["snapshot"] and first["snapshot"].startswith(prefix)
    assert second["snapshot"] is None  # one snapshot per UTC day
    aliases = engine.indices.get_alias(name=runtime.names.archive)
    assert runtime.names.month_index("2023-05") in aliases
