"""The API key table (store/keys.py) and the service settings, without a server."""

from __future__ import annotations

import pytest

from interdict.api.settings import ServiceSettings
from interdict.errors import InputError, NotFoundError
from interdict.store import open_store
from interdict.store.keys import KeyStore, hash_secret


@pytest.fixture
def keys(tmp_path) -> KeyStore:  # type: ignore[no-untyped-def]
    return KeyStore(open_store(f"sqlite:///{tmp_path / 'keys.db'}").engine)


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
    assert keys.all()[0].to_dict().keys() == {"id", "prefix", "role", "label", "created_at", "revoked_at", "last_used", "active"}
    assert len(hash_secret(secret)) == 64


def test_errors(keys: KeyStore) -> None:
    with pytest.raises(InputError, match="screener, analyst, admin"):
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
