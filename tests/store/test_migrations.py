"""The store under alembic: new stores, and a store written before migrations brought under them without loss."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, select, text
from sqlalchemy.exc import SQLAlchemyError

from interdict.store import audit, migrate, open_store
from interdict.store.keys import open_keys
from interdict.store.users import UserStore

LEGACY = Path(__file__).parent.parent / "cases" / "data" / "store_before_migrations.sql"
LEGACY_SECRET = "idk_iRDtSyJuLQzX-yBwpqr_A67pjOSbf1Nvwo_LBRZOYGc"  # the analyst key in that store (a test store's)


def test_head_names_the_newest_migration() -> None:
    config = Config()
    config.set_main_option("script_location", str(migrate.MIGRATIONS))
    assert ScriptDirectory.from_config(config).get_current_head() == migrate.HEAD


def test_a_store_from_before_migrations_comes_under_alembic(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    with sqlite3.connect(path) as conn:
        conn.executescript(LEGACY.read_text())
    conn.close()
    store = open_store(f"sqlite:///{path}")
    with store.engine.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == migrate.HEAD
        tables = set(inspect(conn).get_table_names())
    assert {"users", "alerts", "decisions", "audit_log", "register_parties"} <= tables
    # Nothing lost: the snapshot, its entries, the baseline, and the key, which still works and now has a user.
    snapshot = store.active_snapshot("un_sc_sanctions")
    assert snapshot is not None and snapshot.entries == 1003 and snapshot.content_sha256
    assert store.get_entity("un_sc_sanctions-IRi.034").source_id == "IRi.034"
    assert store.baseline("un_sc_sanctions") is not None
    keys = open_keys(store.engine.url.render_as_string(hide_password=False))
    key = keys.verify(LEGACY_SECRET)
    assert key is not None and (key.role, key.user, key.label) == ("analyst", f"key-{key.id}", "legacy analyst")
    assert UserStore(store.engine).get(f"key-{key.id}").role == "analyst"
    # Opening again is a no-op, and the audit chain starts valid.
    open_store(f"sqlite:///{path}")
    with store.engine.connect() as conn:
        assert audit.verify(conn).ok


def test_demoting_or_disabling_a_user_reaches_their_keys(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 's.db'}"
    keys = open_keys(url)
    people = UserStore(keys.engine)
    people.add("ann", "supervisor")
    key, secret = keys.create(user="ann")
    assert key.role == "supervisor" and key.user == "ann"
    people.set_role("ann", "analyst")
    assert keys.verify(secret).role == "analyst"  # type: ignore[union-attr]
    people.disable("ann")
    assert keys.verify(secret) is None
    with keys.engine.connect() as conn:
        actions = [r.action for r in audit.records(conn)]
        assert conn.execute(select(text("count(*)")).select_from(text("users"))).scalar() == 1
    assert actions == ["user.added", "key.created", "user.changed", "user.changed"]


def _stamp(url: str, revision: str) -> None:
    """Record `revision` as the store's, as if the later ones had run without being recorded (a kill before the commit)."""
    from alembic import command
    from sqlalchemy import create_engine

    engine = create_engine(url)
    with engine.connect() as conn:
        config = Config()
        config.set_main_option("script_location", str(migrate.MIGRATIONS))
        config.attributes["connection"] = conn
        command.stamp(config, revision, purge=True)
        conn.commit()
    engine.dispose()


def _check_store(url: str, secret: str) -> None:
    store = open_store(url)
    with store.engine.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == migrate.HEAD
        assert conn.execute(text("SELECT count(*) FROM audit_head")).scalar() == 1
        assert audit.verify(conn).ok
    key = open_keys(url).verify(secret)
    assert key is not None and key.user == "ann"
    with store.engine.connect() as conn, pytest.raises(SQLAlchemyError):  # the append-only triggers are there (once)
        conn.execute(text("DELETE FROM audit_log"))
    store.engine.dispose()


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgres", marks=[pytest.mark.postgres])])
def test_migration_0002_runs_again_over_what_a_run_cut_short_left(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> None:
    if backend == "sqlite":
        url = f"sqlite:///{tmp_path / 'store.db'}"
    else:
        if not os.environ.get("INTERDICT_TEST_POSTGRES"):
            pytest.skip("INTERDICT_TEST_POSTGRES is not set")
        url = request.getfixturevalue("pg_url")
    store = open_store(url)
    UserStore(store.engine).add("ann", "analyst")
    secret = open_keys(url).create(user="ann")[1]
    with store.engine.begin() as conn:
        audit.append(conn, audit.Action.SCREENING, "party x", {"n": 1})
    store.engine.dispose()
    # Run twice: every table, index, trigger and row of 0002 (and 0003) is already there.
    _stamp(url, "0001")
    _check_store(url, secret)
    # Cut short: some of 0002's objects made, others not, and SQLite's abandoned copy of api_keys.
    engine = open_store(url).engine
    with engine.begin() as conn:
        conn.execute(text("DROP INDEX alerts_by_status"))
        conn.execute(text("DROP TABLE monitored_reach"))
        conn.execute(text("DROP TABLE suppressions"))
        if backend == "sqlite":
            conn.execute(text("DROP TRIGGER audit_log_no_delete"))
            conn.execute(text("CREATE TABLE _alembic_tmp_api_keys AS SELECT * FROM api_keys"))
    engine.dispose()
    _stamp(url, "0001")
    _check_store(url, secret)
    with open_store(url).engine.connect() as conn:
        names = set(inspect(conn).get_table_names())
    assert {"suppressions", "monitored_reach"} <= names and "_alembic_tmp_api_keys" not in names


@pytest.fixture
def pg_url() -> Iterator[str]:
    import uuid

    from sqlalchemy import create_engine

    base = os.environ["INTERDICT_TEST_POSTGRES"]
    schema = f"t_{uuid.uuid4().hex[:12]}"
    engine = create_engine(base)
    with engine.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    engine.dispose()
    yield f"{base}?options=-csearch_path%3D{schema}"
    engine = create_engine(base)
    with engine.begin() as conn:
        conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
    engine.dispose()
