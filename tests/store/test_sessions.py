"""Web UI logins in the store: argon2 password hashes, server-side sessions, migration 0004."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import inspect, text

from interdict.errors import InputError
from interdict.store import migrate, open_store
from interdict.store.sessions import SessionStore, token_digest
from interdict.store.users import UserStore

PASSWORD = "correct horse battery staple"


@pytest.fixture
def engine(tmp_path: Path):  # type: ignore[no-untyped-def]
    store = open_store(f"sqlite:///{tmp_path / 'store.db'}")
    yield store.engine
    store.engine.dispose()


def test_passwords_are_argon2id_hashes_checked_without_telling_which_part_was_wrong(engine) -> None:  # type: ignore[no-untyped-def]
    users = UserStore(engine)
    users.add("ann", "analyst")
    assert users.check_password("ann", PASSWORD) is None  # no password yet: no login
    users.set_password("ann", PASSWORD)
    with engine.connect() as conn:
        stored = conn.execute(text("SELECT password_hash FROM users WHERE name = 'ann'")).scalar()
    assert stored.startswith("$argon2id$") and PASSWORD not in stored
    assert users.check_password("ann", PASSWORD).name == "ann"  # type: ignore[union-attr]
    assert users.check_password("ann", PASSWORD + " ") is None
    assert users.check_password("nobody", PASSWORD) is None
    assert users.check_password("ann", "x" * 5000) is None  # refused before hashing
    with pytest.raises(InputError):
        users.set_password("ann", "short")
    users.disable("ann")
    assert users.check_password("ann", PASSWORD) is None


def test_a_session_is_found_by_its_token_only_and_ends_with_logout_a_new_password_or_a_disabled_user(engine) -> None:  # type: ignore[no-untyped-def]
    users = UserStore(engine)
    users.add("ann", "analyst")
    users.set_password("ann", PASSWORD)
    sessions = SessionStore(engine)
    token, session = sessions.open(users.get("ann"))
    with engine.connect() as conn:
        assert conn.execute(text("SELECT token_sha256 FROM ui_sessions")).scalar() == token_digest(token) != token
    found = sessions.find(token)
    assert found is not None and found.user.name == "ann" and found.csrf == session.csrf
    assert sessions.find(token[:-1] + ("A" if token[-1] != "A" else "B")) is None
    sessions.close(session.token_sha256)
    assert sessions.find(token) is None

    token, _ = sessions.open(users.get("ann"))
    users.set_password("ann", PASSWORD + " new")
    assert sessions.find(token) is None  # a changed password logs every session out

    token, _ = sessions.open(users.get("ann"))
    users.disable("ann")
    assert sessions.find(token) is None
    users.enable("ann")
    assert sessions.find(token) is not None  # still within its time; the user is allowed again


def test_an_idle_session_expires(engine) -> None:  # type: ignore[no-untyped-def]
    users = UserStore(engine)
    users.add("ann", "analyst")
    token, _ = SessionStore(engine, idle=timedelta(seconds=-1)).open(users.get("ann"))
    assert SessionStore(engine).find(token) is None


def test_migration_0004_runs_again_over_what_a_run_cut_short_left(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'store.db'}"
    store = open_store(url)
    UserStore(store.engine).add("ann", "analyst")
    UserStore(store.engine).set_password("ann", PASSWORD)
    with store.engine.begin() as conn:  # cut short: the column made, the sessions table not, the revision not recorded
        conn.execute(text("DROP TABLE ui_sessions"))
        conn.execute(text("UPDATE alembic_version SET version_num = '0003'"))
    store.engine.dispose()
    store = open_store(url)
    with store.engine.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == migrate.HEAD  # 0004 and every later revision ran again
        assert "ui_sessions" in inspect(conn).get_table_names()
    assert UserStore(store.engine).check_password("ann", PASSWORD) is not None  # the hash survived
    store.engine.dispose()


def test_users_passwd_sets_a_password_from_stdin(cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    import io

    db = f"sqlite:///{tmp_path / 'store.db'}"
    assert cli("users", "add", "ann", "--role", "analyst", "--db", db).code == 0
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    done = cli("users", "passwd", "ann", "--password-stdin", "--db", db)
    assert done.code == 0 and "password of ann set" in done.stdout
    store = open_store(db)
    assert UserStore(store.engine).check_password("ann", PASSWORD) is not None
    store.engine.dispose()
    monkeypatch.setattr("sys.stdin", io.StringIO("short\n"))
    refused = cli("users", "passwd", "ann", "--password-stdin", "--db", db)
    assert refused.code != 0 and "10 to 1000 characters" in refused.flat_err
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    assert cli("users", "passwd", "nobody", "--password-stdin", "--db", db).code != 0
