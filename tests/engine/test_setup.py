"""setup() installs the template, the system indices and the current month, and can run again."""

from datetime import date

from llsearch.config import load_settings
from llsearch.engine.health import engine_checks
from llsearch.engine.mappings import TEMPLATE_VERSION
from llsearch.engine.names import IndexNames
from llsearch.engine.setup import ensure_month_index, installed_template_version, setup


def test_setup_is_idempotent(engine, base_config):
    settings = load_settings({**base_config, "index_prefix": base_config["index_prefix"] + "idem-"})
    names = IndexNames(settings.index_prefix)
    first = setup(engine, settings, today=date(2026, 2, 14))
    second = setup(engine, settings, today=date(2026, 2, 14))
    assert first["created"] == [names.counters, names.apikeys]
    assert second["created"] == []
    assert second["current_month"] == names.month_alias("2026-02")
    assert installed_template_version(engine, names) == TEMPLATE_VERSION
    aliases = engine.indices.get_alias(index=names.month_index("2026-02"))
    assert set(aliases[names.month_index("2026-02")]["aliases"]) == {names.lessons, names.month_alias("2026-02")}


def test_month_index_gets_the_template_mappings(engine, base_config):
    settings = load_settings({**base_config, "index_prefix": base_config["index_prefix"] + "map-"})
    names = IndexNames(settings.index_prefix)
    setup(engine, settings, today=date(2026, 3, 1))
    alias = ensure_month_index(engine, names, date(2025, 7, 9))
    index = names.month_index("2025-07")
    mapping = engine.indices.get_mapping(index=alias)[index]["mappings"]
    assert mapping["dynamic"] == "strict"
    assert mapping["properties"]["category"]["type"] == "keyword"
    assert mapping["properties"]["action_items"]["type"] == "nested"
    assert mapping["properties"]["title"]["fields"]["pt"]["analyzer"] == "ll_portuguese"
    index_settings = engine.indices.get_settings(index=index)[index]["settings"]["index"]
    assert index_settings["number_of_replicas"] == "0"


def test_prose_is_folded_and_stemmed_in_both_languages(engine, base_config):
    settings = load_settings({**base_config, "index_prefix": base_config["index_prefix"] + "an-"})
    names = IndexNames(settings.index_prefix)
    setup(engine, settings, today=date(2026, 3, 1))
    index = names.month_index("2026-03")

    def tokens(analyzer, text):
        found = engine.indices.analyze(index=index, body={"analyzer": analyzer, "text": text})
        return [t["token"] for t in found["tokens"]]

    assert tokens("ll_folded", "Reversão") == tokens("ll_folded", "reversao")
    assert tokens("ll_portuguese", "reversões") == tokens("ll_portuguese", "reversoes")
    # Stems are taken before folding, so singular and plural meet, with accents or without.
    assert tokens("ll_portuguese", "partições") == tokens("ll_portuguese", "partição") \
        == tokens("ll_portuguese", "particao") == tokens("ll_portuguese", "particoes")
    assert tokens("ll_english", "rollbacks") == tokens("ll_english", "rollback")


def test_checks_report_a_missing_template(engine, base_config):
    names = IndexNames(base_config["index_prefix"] + "none-")
    checks = engine_checks(engine, names)
    assert checks["engine"]["ok"]
    assert not checks["template"]["ok"]
    assert "missing" in checks["template"]["detail"]
