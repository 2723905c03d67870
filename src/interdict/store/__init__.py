"""Where interdict keeps its state: list snapshots (and, later, cases and audit).

SQLite in the user's data directory by default; any SQLAlchemy URL (e.g.
postgresql+psycopg://...) through `INTERDICT_DB` or `--db` for a shared server.

The store holds API key hashes and, later, screening decisions, and the
index cache beside it is a pickle that interdict loads as trusted code. So
the data home and its cache folder are private to their user (0700), and so
is a SQLite database (0600; SQLite gives its -wal and -shm files the
database's mode). Existing ones are tightened when interdict opens them, if
the user owns them; else a warning says who can read them (issue 10, item 18).
"""

from __future__ import annotations

import logging
import os
import stat
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
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
    "private_home",
]

log = logging.getLogger("interdict.store")

PRIVATE_DIR = 0o700
PRIVATE_FILE = 0o600


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


def _shared_bits(mode: int) -> int:
    return stat.S_IMODE(mode) & 0o077


def _tighten(path: Path, private: int, what: str) -> None:
    """Take group and other permissions off `path` if this user owns it; else warn if others may read it."""
    try:
        info = path.stat()
    except OSError:
        return
    if not _shared_bits(info.st_mode):
        return
    if info.st_uid == os.geteuid():
        try:
            os.chmod(path, stat.S_IMODE(info.st_mode) & private)
            log.info("made %s %s private to its owner (mode %o)", what, path, stat.S_IMODE(info.st_mode) & private)
            return
        except OSError as exc:
            reason = exc.strerror or str(exc)
    else:
        reason = f"it belongs to user id {info.st_uid}"
    log.warning("%s %s is readable by other users (mode %o) and was left so: %s.", what, path, stat.S_IMODE(info.st_mode), reason)


def _private_dir(path: Path, tighten: bool = True) -> None:
    """Create `path` (and missing parents) accessible to this user only; tighten it if it exists."""
    if path.is_dir():
        # Never narrow a folder others rightly share: the user's home directory, or a sticky one such as /tmp.
        if tighten and path.resolve() != Path.home().resolve() and not path.stat().st_mode & stat.S_ISVTX:
            _tighten(path, PRIVATE_DIR, "data folder")
        return
    missing = [path, *[parent for parent in path.parents if not parent.exists()]]
    path.mkdir(mode=PRIVATE_DIR, parents=True, exist_ok=True)
    for folder in missing:
        try:
            os.chmod(folder, PRIVATE_DIR)  # mkdir's mode is filtered by the umask, and parents get the default
        except OSError:
            pass


def private_home() -> Path:
    """The data home and its cache folder, created (or tightened) private to this user; best effort.

    A read-only home still serves (the index is then rebuilt in memory); only a warning is logged.
    """
    home = data_home()
    try:
        _private_dir(home)
        _private_dir(home / "cache")
    except OSError as exc:
        log.warning("cannot make the data folder %s private: %s", home, exc.strerror or exc)
    return home


def _sqlite_path(parsed: URL) -> Path | None:
    """The database file of a SQLite URL (plain or `file:` URI); None for an in-memory database."""
    database = parsed.database
    if not database or database == ":memory:":
        return None
    if parsed.query.get("uri") in ("true", "1") or database.startswith("file:"):
        database = database.removeprefix("file:").split("?", 1)[0]
        if not database or database == ":memory:" or parsed.query.get("mode") == "memory":
            return None
    return Path(database)


def _private_database(path: Path) -> None:
    """Create the SQLite file 0600 before SQLite does (it would use the umask), or tighten an existing one and its -wal/-shm."""
    if path.exists():
        for item in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
            _tighten(item, PRIVATE_FILE, "database file")
        return
    home = data_home()
    _private_dir(path.parent, tighten=path.parent.resolve() == home.resolve())
    try:
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, PRIVATE_FILE))
        os.chmod(path, PRIVATE_FILE)
    except FileExistsError:
        pass


def make_engine(url: str | None = None) -> Engine:
    url = url or default_url()
    try:
        private_home()  # the index cache lives there, whatever the database
        parsed = make_url(url)
        if parsed.drivername.startswith("sqlite"):
            path = _sqlite_path(parsed)
            if path is not None and parsed.query.get("mode") != "ro":
                _private_database(path)
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
