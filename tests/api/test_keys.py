"""The API key table (store/keys.py) and the service settings; a read-only store behind a real server."""

from __future__ import annotations

import logging
import os
import time
import uuid
from collections.abc import Iterator

import pytest

from interdict.api import create_app
from interdict.api.settings import HELP, ServiceSettings, env_name
from interdict.errors import InputError, NotFoundError, StoreError
from interdict.store import open_store
from interdict.store.keys import KeyStore, hash_secret


@pytest.fixture
def keys(tmp_path) -> Iterator[KeyStore]:  # type: ignore[no-untyped-def]
    store = KeyStore(open_store(f"sqlite:///{tmp_path / 'keys.db'}").engine)
    yield store
    store.close()  # its usage writer thread ends: a process of one thread may fork (interdict.cores.can_fork)


def test_create_verify_revoke(keys: KeyStore) -> None:
    key, secret = keys.create("analyst", "  ops team ")
    assert secret.startswith("idk_") and len(secret) > 40 and key.prefix == secret[:8]
    assert key.role == "analyst" and key.label == "ops team" and key.active and key.last_used is None
    assert keys.verify(secret) == key
    assert keys.verify(secret + "x") is None and keys.verify("") is None and keys.verify("x" * 1000) is None
    keys.touch(key.id)
    assert keys.get(key.id).last_used is not None
    revoked = keys.revoke(key.id)
    assert not revoked.active and keys.verify(secret) is None
    assert keys.revoke(key.id).revoked_at == revoked.revoked_at  # idempotent
    assert [item.id for item in keys.all()] == [key.id]


def test_secrets_are_not_stored(keys: KeyStore) -> None:
    _, secret = keys.create("screener")
    assert secret not in str(keys.all())
    assert keys.all()[0].to_dict().keys() == {"id", "prefix", "role", "label", "created_at", "revoked_at", "last_used", "user", "active"}
    assert len(hash_secret(secret)) == 64


def test_errors(keys: KeyStore) -> None:
    with pytest.raises(InputError, match="screener, analyst, supervisor, admin"):
        keys.create("root")
    with pytest.raises(NotFoundError, match="keys list"):
        keys.revoke(42)


def test_settings_round_trip_through_the_environment() -> None:
    settings = ServiceSettings(
        db="sqlite:////tmp/x.db", auth=False, max_queries=7, request_timeout=2.5, mirror="http://127.0.0.1:1",
        cors_origins=("https://a.example", "http://b.example:8080"), header_timeout=2.5, forwarded_allow_ips="10.0.0.1,10.0.0.2",
    )  # fmt: skip
    assert ServiceSettings.from_env(settings.to_env()) == settings
    assert ServiceSettings.from_env({}) == ServiceSettings()
    with pytest.raises(InputError, match="INTERDICT_SERVE_MAX_QUERIES"):
        ServiceSettings.from_env({"INTERDICT_SERVE_MAX_QUERIES": "many"})


def test_uses_are_recorded_in_batches(keys: KeyStore) -> None:
    first, _ = keys.create("screener")
    second, _ = keys.create("admin")
    keys.usage_flush_seconds = 3600.0  # only explicit flushes in this test
    keys.record_use(first.id)
    keys.record_use(second.id)
    keys.record_use(first.id)
    assert keys.get(first.id).last_used is None  # noted in memory, not written yet
    assert keys.flush_uses() == 2 and keys.flush_uses() == 0
    assert keys.get(first.id).last_used and keys.get(second.id).last_used


def test_uses_are_written_by_the_background_thread(keys: KeyStore) -> None:
    key, _ = keys.create("screener")
    keys.usage_flush_seconds = 0.05
    keys.record_use(key.id)
    deadline = time.monotonic() + 10
    while keys.get(key.id).last_used is None:
        assert time.monotonic() < deadline, "the batch was never written"
        time.sleep(0.02)
    keys.close()


def _read_only(url: str) -> str:
    """The same SQLite file opened read-only by SQLite itself (file permissions do not stop root, which CI runs as)."""
    path = url.removeprefix("sqlite:///")
    return f"sqlite:///file:{path}?mode=ro&uri=true"


def test_keyed_requests_succeed_on_a_read_only_store(un_db: str, start_server, caplog) -> None:  # type: ignore[no-untyped-def]
    """Issue 10, item 19: every key check wrote a last-used time, so a read-only store failed every keyed request."""
    writable = open_store(un_db)
    key, secret = KeyStore(writable.engine).create("screener", "read-only test")
    writable.engine.dispose()
    read_only = _read_only(un_db)
    settings = ServiceSettings(db=read_only, key_cache_seconds=0.0, key_usage_seconds=0.05, watch_seconds=0)
    server = start_server(create_app(settings))
    match = {"queries": {"q": {"schema": "Person", "properties": {"name": ["Javad Karimi Sabet"]}}}}
    with caplog.at_level(logging.WARNING, logger="interdict.store"), server.client(secret) as client:
        deadline = time.monotonic() + 120
        while client.get("/readyz").status_code != 200:
            assert time.monotonic() < deadline, "the index never loaded from the read-only store"
            time.sleep(0.1)
        for _ in range(5):
            assert client.post("/match/default", json=match).status_code == 200
            assert client.get("/algorithms").status_code == 200
            time.sleep(0.06)  # let batches fail to be written in between
    failures = [record for record in caplog.records if "last-used times are not being recorded" in record.getMessage()]
    assert len(failures) == 1  # logged once, not per request or per batch
    with pytest.raises(StoreError):  # the store really is read-only
        KeyStore(open_store(read_only).engine).touch(key.id)
    assert KeyStore(open_store(un_db).engine).get(key.id).last_used is None


def test_every_setting_is_documented() -> None:
    """A help line per setting, and every INTERDICT_SERVE_ variable in docs/deployment.md."""
    from pathlib import Path

    page = (Path(__file__).parents[2] / "docs" / "deployment.md").read_text(encoding="utf-8")
    for name, text in HELP.items():
        assert len(text) > 20, name
        assert env_name(name) in page, f"{env_name(name)} is not in docs/deployment.md"


@pytest.mark.postgres
@pytest.mark.skipif(not os.environ.get("INTERDICT_TEST_POSTGRES"), reason="INTERDICT_TEST_POSTGRES is not set (CI sets it; see .ci/postgres.sh)")
def test_uses_are_recorded_in_batches_on_postgres() -> None:
    """The batched UPDATE (one statement, many rows) on the other database the store supports."""
    from sqlalchemy import create_engine, text

    base = os.environ["INTERDICT_TEST_POSTGRES"]
    schema = f"t_{uuid.uuid4().hex[:12]}"
    with create_engine(base).begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    try:
        keys = KeyStore(open_store(f"{base}?options=-csearch_path%3D{schema}").engine, usage_flush_seconds=3600.0)
        ids = [keys.create("screener")[0].id for _ in range(3)]
        for key_id in ids[:2]:
            keys.record_use(key_id)
        assert keys.flush_uses() == 2
        assert [bool(keys.get(key_id).last_used) for key_id in ids] == [True, True, False]
        keys.close()  # its usage writer thread ends: a process of one thread may fork (interdict.cores.can_fork)
        keys.engine.dispose()
    finally:
        with create_engine(base).begin() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))


def test_a_cached_key_in_use_is_renewed_before_it_expires_and_a_revoked_one_still_dropped_in_time(keys: KeyStore) -> None:
    """A key in steady use never expires under load (one background lookup renews it past half its cache life),
    and a revocation still takes effect within key_cache_seconds."""
    from interdict.api.state import ServiceState

    key, secret = keys.create("screener", "renewal")
    life = 2.0
    state = ServiceState(ServiceSettings(key_cache_seconds=life, watch_seconds=0.0, warm_caches=False), keys=keys)
    assert state.cached_key(secret) is None
    assert state.authenticate(secret) == key
    until = time.monotonic() + 2.5 * life
    while time.monotonic() < until:
        assert state.cached_key(secret) == key, "a key in use expired"
        time.sleep(0.05)
    keys.revoke(key.id)
    revoked_at = time.monotonic()
    while state.cached_key(secret) is not None:
        assert time.monotonic() - revoked_at < life + 0.5, "a revoked key stayed cached past key_cache_seconds"
        time.sleep(0.05)
    assert state.authenticate(secret) is None
