"""`llsearch demo-data` as `make run` uses it: lessons streamed in, every month made, and no second load."""

from __future__ import annotations

from click.testing import CliRunner

from llsearch.cli import main
from llsearch.engine.names import IndexNames


def test_demo_data_loads_every_lesson_once_and_if_empty_keeps_them(engine, base_config):
    prefix = base_config["index_prefix"] + "democli-"
    env = {"LLSEARCH_OPENSEARCH_URL": base_config["opensearch_url"], "LLSEARCH_INDEX_PREFIX": prefix,
           "LLSEARCH_DATA_DIR": base_config["data_dir"], "LLSEARCH_ENCRYPTION_KEYS": base_config["encryption_keys"]}

    def run(*args):
        return CliRunner().invoke(main, ["demo-data", *args], env=env, catch_exceptions=False)

    first = run("--count", "120", "--seed", "3")
    assert first.exit_code == 0, first.output
    assert "demo data: 120 created" in first.output
    names = IndexNames(prefix)
    assert engine.count(index=names.lessons)["count"] == 120
    # Every month of the demo span exists, even those no lesson of this small load fell in.
    months = engine.indices.get_alias(name=names.lessons)
    assert len(months) == 37

    again = run("--count", "120", "--seed", "3", "--if-empty")
    assert again.exit_code == 0 and "120 lessons already stored" in again.output
    # Without --if-empty the same seed gives the same ids again (dates move with "now"): replaced, not added.
    same = run("--count", "120", "--seed", "3")
    assert same.exit_code == 0 and "demo data: 120 " in same.output
    engine.indices.refresh(index=names.lessons)
    assert engine.count(index=names.lessons)["count"] == 120
