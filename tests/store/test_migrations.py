"""The store under alembic: new stores, and a store written before migrations brought under them without loss."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, select, text

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
