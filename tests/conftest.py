"""Shared pytest fixtures.

State lives in a temporary INTERDICT_HOME for the whole session, so no test
touches the user's own store. The expensive fixture is `seeded`: every bundled
list loaded once and the name index built once (about a minute); the CLI and
batch tests share it read-only. Tests that write use small stores of their own
(the UN list alone, copied from a template built once).
"""

from __future__ import annotations

import gc
import os
import shutil
import sqlite3
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from interdict.store import SnapshotStore, open_store

MISSING_LIST = "us_ofac_cons"  # the list whose seeding fails in the `broken` store

# Entries per bundled list: what seeding must load, exactly.
BUNDLED_COUNTS = {
    "us_ofac_sdn": 14_965,
    "un_sc_sanctions": 1_003,
    "gb_fcdo_sanctions": 6_046,
    "us_ofac_cons": 442,
    "eu_fsf": 5_316,
    "ca_dfatd_sema_sanctions": 4_759,
    "au_dfat_sanctions": 3_062,
    "us_trade_csl": 14_048,
}


@pytest.fixture(scope="session", autouse=True)
def interdict_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A private INTERDICT_HOME (store and index cache) for the whole session."""
    home = tmp_path_factory.mktemp("interdict-home")
    saved = {name: os.environ.get(name) for name in ("INTERDICT_HOME", "INTERDICT_DB", "INTERDICT_MIRROR")}
    os.environ["INTERDICT_HOME"] = str(home)
    os.environ.pop("INTERDICT_DB", None)
    os.environ.pop("INTERDICT_MIRROR", None)
    yield home
    for name, value in saved.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


@dataclass
class Seeded:
    """The default store with every bundled list, and a screener over it (read-only for tests)."""

    home: Path
    store: SnapshotStore
    screener: object  # interdict.match.screener.Screener
    progress: list[tuple[str, int, int]] = field(default_factory=list)


@pytest.fixture(scope="session")
def seeded(interdict_home: Path) -> Seeded:
    from interdict import lists, screening

    progress: list[tuple[str, int, int]] = []
    store = lists.load_lists(progress=lambda dataset, done, total: progress.append((dataset, done, total)))
    screener = screening.open_screener()  # builds and caches the index; CLI runs load it from the cache
    # Millions of long-lived index objects would make every later full GC pass
    # (e.g. while a CLI run unpickles its own index) several times slower.
    gc.freeze()
    return Seeded(home=interdict_home, store=store, screener=screener, progress=progress)


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


def copy_sqlite(source: Path, target: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        if Path(f"{source}{suffix}").exists():
            shutil.copyfile(f"{source}{suffix}", f"{target}{suffix}")


@pytest.fixture(scope="session")
def un_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store file holding only the bundled UN list (1,003 entries), built once."""
    from interdict.lists import seed_bundle

    path = tmp_path_factory.mktemp("un-template") / "un.db"
    store = open_store(sqlite_url(path))
    seed_bundle(store, ["un_sc_sanctions"])
    store.engine.dispose()  # the last connection to close checkpoints the WAL into the file
    return path


@pytest.fixture
def un_db(un_template: Path, tmp_path: Path) -> str:
    """URL of a private copy of the UN-only store."""
    target = tmp_path / "store.db"
    copy_sqlite(un_template, target)
    return sqlite_url(target)


@pytest.fixture
def un_store(un_db: str) -> Iterator[SnapshotStore]:
    store = open_store(un_db)
    yield store
    store.engine.dispose()


@pytest.fixture(scope="session")
def broken(un_template: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Path]:
    """A UN-only store that should also hold us_ofac_cons, whose seeding fails (a trigger aborts its insert).

    Shared by the tests that need a list missing (they only read it), with its own
    home, so its name index is built once: the index cache is keyed by the store's URL.
    """
    folder = tmp_path_factory.mktemp("broken")
    path = folder / "store.db"
    copy_sqlite(un_template, path)
    store = open_store(f"sqlite:///{path}")
    store.expect_lists([MISSING_LIST])
    store.engine.dispose()
    with sqlite3.connect(path) as conn:
        conn.execute(
            f"CREATE TRIGGER full_disk BEFORE INSERT ON snapshots WHEN NEW.dataset = '{MISSING_LIST}' "
            "BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END"
        )
    conn.close()
    return f"sqlite:///{path}", folder / "home"


@pytest.fixture
def broken_db(broken: tuple[str, Path], monkeypatch: pytest.MonkeyPatch) -> str:
    """URL of the `broken` store, with INTERDICT_HOME pointed at its own home for this test."""
    monkeypatch.setenv("INTERDICT_HOME", str(broken[1]))
    return broken[0]


@dataclass
class CliResult:
    code: int
    stdout: str
    stderr: str

    @property
    def flat_err(self) -> str:
        """stderr with line wrapping undone (rich wraps at the console width)."""
        return " ".join(self.stderr.split())

    @property
    def flat_out(self) -> str:
        return " ".join(self.stdout.split())


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Callable[..., CliResult]:
    """Run `interdict ARGS...` in this process through the real entry point (`interdict.cli:main`).

    In-process so CLI tests reuse the session's store and index cache; the exit
    code is what the console script would return.
    """
    from interdict import cli as cli_module

    monkeypatch.setenv("COLUMNS", "250")  # rich reads it at each render: wide tables, unwrapped messages

    def run(*args: str) -> CliResult:
        monkeypatch.setattr(sys, "argv", ["interdict", *[str(arg) for arg in args]])
        capsys.readouterr()
        try:
            cli_module.main()
            code = 0
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        captured = capsys.readouterr()
        return CliResult(code, captured.out, captured.err)

    return run
