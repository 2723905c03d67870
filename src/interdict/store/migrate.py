"""Bring a store's tables to the current revision with alembic, once, whoever opens it first.

Every opening of a store (`SnapshotStore`, `KeyStore`, the case store) calls
`upgrade`. When the store is already at `HEAD` that costs one small query and
alembic is not even imported. Otherwise the migrations in `migrations/`
(shipped as package data) run under a lock, so two processes opening an old
store at once (`serve --workers 2`) migrate it once: a PostgreSQL advisory
lock, or for a SQLite file an exclusive `flock` on a file beside it.

A store made by interdict before it had migrations has no `alembic_version`
table; revision 0001 creates only what such a store lacks, so it comes under
alembic without losing a row.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import SQLAlchemyError

HEAD = "0004"  # the newest revision in migrations/versions (a test checks they agree)
MIGRATIONS = Path(__file__).parent / "migrations"
PG_LOCK = 0x696E7464  # "intd": the advisory lock key of interdict's migrations


def current_revision(conn: Connection) -> str | None:
    """The store's alembic revision; None for a new store or one made before migrations."""
    try:
        with conn.begin_nested() if conn.in_transaction() else conn.begin():
            return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except SQLAlchemyError:
        return None


def upgrade(engine: Engine) -> None:
    """Apply the migrations the store lacks (none when it is at HEAD). Raises SQLAlchemyError when refused."""
    with engine.connect() as conn:
        if current_revision(conn) == HEAD:
            return
    with _locked(engine) as conn:
        if current_revision(conn) == HEAD:  # another process migrated it while we waited
            return
        from alembic import command  # only here: a store at HEAD never pays for importing alembic
        from alembic.config import Config

        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        config.attributes["connection"] = conn
        command.upgrade(config, "head")
        if conn.in_transaction():
            conn.commit()


@contextmanager
def _locked(engine: Engine) -> Iterator[Connection]:
    """A connection holding the store's migration lock."""
    if engine.dialect.name == "postgresql":
        with engine.connect() as conn:
            conn.execute(text("SELECT pg_advisory_lock(:key)"), {"key": PG_LOCK})
            conn.commit()
            try:
                yield conn
            finally:
                if conn.in_transaction():
                    conn.rollback()
                conn.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": PG_LOCK})
                conn.commit()
        return
    database = engine.url.database if engine.dialect.name == "sqlite" else None
    if not database or database == ":memory:" or database.startswith("file:"):
        with engine.connect() as conn:
            yield conn
        return
    import fcntl

    lock_path = Path(f"{database}.migrate-lock")
    fd = os.open(lock_path, os.O_CREAT | os.O_RDWR, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        with engine.connect() as conn:
            yield conn
    finally:
        os.close(fd)
