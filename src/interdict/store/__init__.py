"""Where interdict keeps its state: list snapshots (and, later, cases and audit).

SQLite in the user's data directory by default; any SQLAlchemy URL (e.g.
postgresql+psycopg://...) through `INTERDICT_DB` or `--db` for a shared server.
"""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from ..errors import StoreError
from .retention import Pin
from .settings import StoreSettings
from .snapshots import Baseline, Confirmation, FileProvenance, Review, Snapshot, SnapshotStore

__all__ = [
    "Baseline",
    "Confirmation",
    "FileProvenance",
    "Pin",
    "Review",
    "Snapshot",
    "SnapshotStore",
    "StoreSettings",
    "data_home",
    "default_url",
    "make_engine",
    "open_store",
]


def data_home() -> Path:
    """INTERDICT_HOME, else $XDG_DATA_HOME/interdict, else ~/.local/share/interdict."""
    if os.environ.get("INTERDICT_HOME"):
        return Path(os.environ["INTERDICT_HOME"]).expanduser()
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "interdict"


def default_url() -> str:
    if os.environ.get("INTERDICT_DB"):
        return os.environ["INTERDICT_DB"]
    return f"sqlite:///{data_home() / 'interdict.db'}"


def _sqlite_pragmas(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def make_engine(url: str | None = None) -> Engine:
    url = url or default_url()
    try:
        if url.startswith("sqlite:///"):
            path = Path(url.removeprefix("sqlite:///"))
            if str(path) != ":memory:":
                path.parent.mkdir(parents=True, exist_ok=True)
            engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})
            event.listen(engine, "connect", _sqlite_pragmas)
            return engine
        return create_engine(url, pool_pre_ping=True)
    except (ArgumentError, SQLAlchemyError, ImportError, OSError) as exc:
        raise StoreError(f"Cannot use the database {url!r}: {exc}") from None


def open_store(url: str | None = None, settings: StoreSettings | None = None) -> SnapshotStore:
    """The store at `url` (default: INTERDICT_DB, else SQLite in the data home), with the lifecycle settings
    from the environment unless given."""
    return SnapshotStore(make_engine(url), settings)
