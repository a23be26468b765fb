"""Settings come from defaults < settings file < environment < explicit dict."""

from pathlib import Path

import pytest

from llsearch.config import Settings, SettingsError, load_settings, replace


def test_defaults_use_the_embedded_engine():
    settings = load_settings(environ={})
    assert settings.embedded
    assert settings.engine_url == "http://127.0.0.1:9200"
    assert settings.data_dir == Path("var")


def test_environment_overrides_defaults_and_is_coerced():
    env = {"LLSEARCH_ENGINE_PORT": "9400", "LLSEARCH_DATA_DIR": "/srv/ll", "LLSEARCH_REDIS_URL": ""}
    settings = load_settings(environ=env)
    assert settings.engine_port == 9400
    assert settings.data_dir == Path("/srv/ll")
    assert settings.redis_url is None


def test_explicit_dict_beats_environment_and_file(tmp_path):
    file = tmp_path / "llsearch.toml"
    file.write_text('[llsearch]\nindex_prefix = "file-"\nworkers = 5\nport = 9999\n')
    env = {"LLSEARCH_SETTINGS_FILE": str(file), "LLSEARCH_PORT": "8181"}
    settings = load_settings({"index_prefix": "dict-", "custom_knob": 1}, environ=env)
    assert settings.index_prefix == "dict-"
    assert settings.workers == 5
    assert settings.port == 8181
    assert settings.extra == {"custom_knob": 1}


def test_switches_read_true_and_false():
    assert load_settings(environ={"LLSEARCH_ANONYMOUS_READ": "yes"}).anonymous_read is True
    assert load_settings(environ={"LLSEARCH_ANONYMOUS_READ": "0"}).anonymous_read is False
    with pytest.raises(SettingsError, match="must be true or false"):
        load_settings(environ={"LLSEARCH_ALLOW_SELF_APPROVAL": "maybe"})


def test_external_engine_url_turns_embedded_mode_off():
    settings = load_settings({"opensearch_url": "http://search:9200"}, environ={})
    assert not settings.embedded
    assert settings.engine_url == "http://search:9200"


@pytest.mark.parametrize(
    "env, message",
    [
        ({"LLSEARCH_ENGINE_PORT": "ninety"}, "LLSEARCH_ENGINE_PORT must be a number"),
        ({"LLSEARCH_INDEX_PREFIX": "Bad-"}, "lower case"),
        ({"LLSEARCH_INDEX_PREFIX": "a b"}, "letters, digits"),
        ({"LLSEARCH_PORT": "70000"}, "ports"),
        ({"LLSEARCH_WORKERS": "0"}, "WORKERS"),
    ],
)
def test_bad_values_are_named(env, message):
    with pytest.raises(SettingsError, match=message):
        load_settings(environ=env)


def test_unreadable_settings_file_is_a_clear_error(tmp_path):
    broken = tmp_path / "broken.toml"
    broken.write_text("this is = = not toml")
    with pytest.raises(SettingsError, match="cannot read settings file"):
        load_settings(environ={"LLSEARCH_SETTINGS_FILE": str(broken)})
    with pytest.raises(SettingsError, match="cannot read settings file"):
        load_settings({"settings_file": str(tmp_path / "missing.toml")}, environ={})


def test_replace_returns_a_changed_copy():
    settings = Settings()
    assert replace(settings, port=1234).port == 1234
    assert settings.port == 8080
