"""The store is private to its user: home 0700, database and its -wal/-shm 0600, cache folder 0700 (issue 10, item 18)."""

from __future__ import annotations

import logging
import os
import stat
from pathlib import Path

import pytest

from interdict.store import data_home, open_store, private_home


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh INTERDICT_HOME that does not exist yet, under a world-readable folder, with a permissive umask."""
    parent = tmp_path / "shared"
    parent.mkdir(mode=0o755)
    os.chmod(parent, 0o755)
    monkeypatch.setenv("INTERDICT_HOME", str(parent / "interdict"))
    old = os.umask(0o022)
    yield parent / "interdict"
    os.umask(old)


def test_a_new_home_and_database_are_private(home: Path) -> None:
    store = open_store()
    with store.engine.connect() as conn:  # WAL mode: -wal and -shm exist while a connection is open
        conn.exec_driver_sql("CREATE TABLE IF NOT EXISTS probe (x)")
        assert data_home() == home
        assert mode(home) == 0o700 and mode(home / "cache") == 0o700
        for name in ("interdict.db", "interdict.db-wal", "interdict.db-shm"):
            assert mode(home / name) == 0o600, name
    store.engine.dispose()
    assert mode(home.parent) == 0o755  # a folder that is not ours is left alone


def test_a_database_elsewhere_is_private_and_its_new_folders_too(home: Path, tmp_path: Path) -> None:
    target = tmp_path / "shared" / "new" / "deeper" / "lists.db"
    store = open_store(f"sqlite:///{target}")
    with store.engine.connect():
        pass
    store.engine.dispose()
    assert mode(target) == 0o600 and mode(target.parent) == 0o700 and mode(target.parent.parent) == 0o700
    assert mode(tmp_path / "shared") == 0o755


def test_an_existing_open_home_is_tightened_on_open(home: Path, caplog: pytest.LogCaptureFixture) -> None:
    home.mkdir(mode=0o755)
    (home / "cache").mkdir(mode=0o777)
    for name in ("interdict.db", "interdict.db-wal", "interdict.db-shm"):
        (home / name).touch()
    for path in (home, home / "cache", home / "interdict.db", home / "interdict.db-wal", home / "interdict.db-shm"):
        os.chmod(path, 0o777 if path.is_dir() else 0o644)
    with caplog.at_level(logging.INFO, logger="interdict.store"):
        open_store().engine.dispose()
    assert mode(home) == 0o700 and mode(home / "cache") == 0o700
    assert mode(home / "interdict.db") == 0o600
    assert any("private to its owner" in record.getMessage() for record in caplog.records)


def test_a_database_of_another_user_is_left_alone_with_a_warning(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """Files owned by someone else are not ours to change: interdict warns that others can read them."""
    target = tmp_path / "theirs.db"
    open_store(f"sqlite:///{target}").engine.dispose()
    os.chmod(target, 0o644)
    os.chown(target, 4242, 4242)  # the tests run as root in CI, which may give a file away
    with caplog.at_level(logging.WARNING, logger="interdict.store"):
        open_store(f"sqlite:///{target}").engine.dispose()
    assert mode(target) == 0o644
    assert any("readable by other users" in record.getMessage() and "4242" in record.getMessage() for record in caplog.records)


def test_shared_folders_are_never_narrowed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    sticky = tmp_path / "tmp-like"
    sticky.mkdir()
    os.chmod(sticky, 0o1777)
    monkeypatch.setenv("INTERDICT_HOME", str(sticky))
    private_home()
    assert mode(sticky) == 0o1777 and mode(sticky / "cache") == 0o700
    user_home = tmp_path / "user"
    user_home.mkdir()
    os.chmod(user_home, 0o755)
    monkeypatch.setenv("HOME", str(user_home))
    monkeypatch.setenv("INTERDICT_HOME", str(user_home))  # someone pointed the data home at their home directory
    private_home()
    assert mode(user_home) == 0o755
