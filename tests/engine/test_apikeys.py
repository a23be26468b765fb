"""API keys in the real engine: issued once, stored as a hash, listed, revoked, checked."""

import json
from concurrent.futures import ThreadPoolExecutor

import pytest

from llsearch.config import load_settings
from llsearch.engine.names import IndexNames
from llsearch.engine.setup import setup
from llsearch.security.apikeys import (
    KEY_PATTERN, ApiKeyError, ApiKeyStore, DuplicateKeyName, UnknownApiKey, hash_key,
)
from llsearch.security.roles import Role


@pytest.fixture(scope="module")
def settings(base_config, engine):
    settings = load_settings({**base_config, "index_prefix": base_config["index_prefix"] + "keys-",
                              "apikey_cache_seconds": 0})
    setup(engine, settings)
    return settings


@pytest.fixture(scope="module")
def index(settings):
    return IndexNames(settings.index_prefix).apikeys


@pytest.fixture
def store(engine, settings):
    return ApiKeyStore.from_settings(engine, settings)


class FakeClock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def test_a_new_key_authenticates_at_once_with_its_name_and_role(store):
    issued = store.create("ci-pipeline", "psa")
    assert KEY_PATTERN.fullmatch(issued.key)
    assert issued.key.startswith(f"llk_{issued.key_id}_")
    assert issued.role is Role.PSA
    principal = store.authenticate(issued.key)
    assert principal is not None
    assert (principal.key_id, principal.name, principal.role, principal.anonymous) == (
        issued.key_id, "ci-pipeline", Role.PSA, False)


def test_only_a_hash_of_the_key_reaches_the_engine(store, engine, index):
    issued = store.create("hash-only", "reader")
    secret = issued.key.split("_")[2]
    stored = engine.get(index=index, id=issued.key_id)["_source"]
    raw = json.dumps(stored)
    assert issued.key not in raw and secret not in raw
    assert stored["secret_hash"] == hash_key(issued.key)
    assert set(stored) == {"kind", "key_id", "name", "role", "secret_hash", "created_at", "revoked_at", "last_used"}
    everything = engine.search(index=index, body={"query": {"match_all": {}}, "size": 1000})
    assert secret not in json.dumps(everything)


@pytest.mark.parametrize("presented", [
    None, "", "llk_", "llk_nope", "Bearer llk_x", "x" * 5000,
    "llk_0123456789abcdef_" + "a" * 64,  # well formed, unknown id
    "llk_0123456789ABCDEF_" + "a" * 64,  # upper-case id
    "llk_0123456789abcdef_" + "A" * 64,  # upper-case secret
    "llk_0123456789abcdef_" + "a" * 63,  # short secret
])
def test_malformed_and_unknown_keys_are_refused(store, presented):
    assert store.authenticate(presented) is None


def test_a_wrong_secret_for_a_real_key_id_is_refused(store):
    issued = store.create("wrong-secret", "admin")
    last = "0" if issued.key[-1] != "0" else "1"
    assert store.authenticate(issued.key[:-1] + last) is None
    assert store.authenticate(issued.key + "x") is None
    assert store.authenticate(issued.key) is not None


def test_list_shows_active_keys_without_secrets_and_revoked_ones_on_request(store):
    kept = store.create("listed-kept", "council")
    gone = store.create("listed-gone", "cqo")
    store.revoke(gone.key_id)
    active = {key["key_id"]: key for key in store.list()}
    everything = {key["key_id"]: key for key in store.list(include_revoked=True)}
    assert kept.key_id in active and gone.key_id not in active
    assert everything[gone.key_id]["revoked_at"]
    assert set(active[kept.key_id]) == {"key_id", "name", "role", "created_at", "last_used", "revoked_at"}
    assert active[kept.key_id]["role"] == "council" and active[kept.key_id]["revoked_at"] is None
    created = [key["created_at"] for key in everything.values()]
    assert created == sorted(created)


def test_revoke_by_id_or_name_stops_the_key(store):
    by_id = store.create("revoke-by-id", "psa")
    by_name = store.create("revoke-by-name", "psa")
    record = store.revoke(by_id.key_id)
    assert record["key_id"] == by_id.key_id and record["revoked_at"]
    assert store.revoke("revoke-by-name")["key_id"] == by_name.key_id
    assert store.authenticate(by_id.key) is None
    assert store.authenticate(by_name.key) is None


def test_revoking_unknown_or_revoked_keys_says_why(store):
    with pytest.raises(UnknownApiKey, match="no API key"):
        store.revoke("nobody")
    with pytest.raises(UnknownApiKey):
        store.revoke("0123456789abcdef")
    issued = store.create("revoked-twice", "reader")
    store.revoke(issued.key_id)
    with pytest.raises(ApiKeyError, match="already revoked"):
        store.revoke(issued.key_id)
    with pytest.raises(UnknownApiKey):
        store.revoke("revoked-twice")


def test_active_names_are_unique_and_free_again_after_revoke(store):
    first = store.create("dashboard", "reader")
    with pytest.raises(DuplicateKeyName, match="dashboard"):
        store.create("dashboard", "admin")
    store.revoke("dashboard")
    second = store.create("dashboard", "reader")
    assert second.key_id != first.key_id
    assert [key["key_id"] for key in store.list() if key["name"] == "dashboard"] == [second.key_id]


def test_concurrent_creates_of_one_name_give_exactly_one_key(store):
    def attempt(_):
        try:
            return store.create("race", "psa")
        except DuplicateKeyName:
            return None

    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(attempt, range(8)))
    winners = [result for result in results if result is not None]
    assert len(winners) == 1
    assert [key["key_id"] for key in store.list() if key["name"] == "race"] == [winners[0].key_id]


def test_a_name_claimed_by_a_create_that_crashed_is_taken_over(store, engine, index):
    engine.index(index=index, id="name:crashed", refresh="true", body={
        "kind": "name", "name": "crashed", "key_id": "00000000000000aa", "created_at": "2020-01-01T00:00:00Z"})
    assert store.create("crashed", "reader").name == "crashed"


def test_bad_names_and_roles_are_refused(store):
    with pytest.raises(ApiKeyError, match="name"):
        store.create("   ", "psa")
    with pytest.raises(ApiKeyError, match="name"):
        store.create("x" * 101, "psa")
    with pytest.raises(ApiKeyError, match="role"):
        store.create("no-such-role", "superuser")


def test_another_process_revoking_takes_effect_when_the_cache_expires(engine, settings):
    clock = FakeClock()
    names = IndexNames(settings.index_prefix)
    worker = ApiKeyStore(engine, names, cache_seconds=5, clock=clock)
    cli = ApiKeyStore(engine, names, cache_seconds=0)
    issued = cli.create("cached", "psa")
    assert worker.authenticate(issued.key) is not None
    cli.revoke(issued.key_id)
    clock.now += 4
    assert worker.authenticate(issued.key) is not None  # still cached: at most cache_seconds late
    clock.now += 2
    assert worker.authenticate(issued.key) is None


def test_a_revoke_through_the_same_store_takes_effect_at_once(engine, settings):
    store = ApiKeyStore(engine, IndexNames(settings.index_prefix), cache_seconds=60)
    issued = store.create("cached-here", "psa")
    assert store.authenticate(issued.key) is not None
    store.revoke("cached-here")
    assert store.authenticate(issued.key) is None


def test_use_is_recorded_as_last_used(engine, settings):
    store = ApiKeyStore(engine, IndexNames(settings.index_prefix), cache_seconds=0, last_used_seconds=0)
    issued = store.create("used", "reader")
    assert next(k for k in store.list() if k["key_id"] == issued.key_id)["last_used"] is None
    store.authenticate(issued.key)
    engine.indices.refresh(index=store.index)
    assert next(k for k in store.list() if k["key_id"] == issued.key_id)["last_used"]


def test_cache_and_last_used_intervals_come_from_settings(engine, base_config):
    settings = load_settings({**base_config, "apikey_cache_seconds": "2.5"})
    store = ApiKeyStore.from_settings(engine, settings)
    assert (store.cache_seconds, store.last_used_seconds) == (2.5, 60.0)
