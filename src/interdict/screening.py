"""The library front door: from the store to a ready Screener, and one-call screening.

    >>> from interdict import screen
    >>> hits = screen("Mohammad Baqer Qalibaf", schema="Person")

`open_screener` loads the bundled lists on first use, then builds the index
once per set of active snapshots and caches it next to the database, so later
processes start in about a second.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path
from typing import Callable

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from .atomic import remove_stale_temps
from .cores import can_fork, fork_available, usable_cores
from .errors import InputError, UnknownDatasetError
from .lists import load_lists, missing_lists
from .match.index import INDEX_VERSION, Index, build_index, load_index, save_index
from .match.query import MAX_NAME_CHARS, Query, clean_schema
from .match.retrieve import store_typo_neighbours
from .match.screener import DEFAULT_LIMIT, Hit, Screener, Screening
from .model import Entity
from .relations import own_lists, reach, relation_datasets
from .sources import registry
from .store import SnapshotStore, data_home, default_url, open_store

_default: Screener | None = None
_lock = threading.Lock()


def code_fingerprint() -> str:
    """Hash of everything that shapes index contents: tokenisation code and its tables, and the country names.

    A cached index built by other code or tables would silently disagree with
    the query side, so any change to them invalidates the cache.
    """
    digest = hashlib.sha256()
    package = resources.files("interdict")
    for folder in ("text", "text/data", "match"):
        directory = package.joinpath(folder)
        for item in sorted(directory.iterdir(), key=lambda entry: entry.name):
            if item.is_file() and (item.name.endswith((".py", ".txt", ".tsv"))):
                digest.update(item.name.encode())
                digest.update(item.read_bytes())
    # The country names text/names.py reads a bracketed place by ("Deutsche Bank (Schweiz) AG").
    for name in ("countries.py", "data/country_aliases.csv"):
        digest.update(name.encode())
        digest.update(package.joinpath(name).read_bytes())
    return digest.hexdigest()[:16]


def index_key(store: SnapshotStore) -> str:
    """The cache key: a hash of the store's URL, then one of its active snapshots and the matcher's code. The store's
    part comes first so that a new index replaces its own store's older ones and no other's (`clean_cache`)."""
    snapshots = store.active_snapshots()
    text = f"v{INDEX_VERSION}|{code_fingerprint()}|{store.engine.url}|" + ",".join(f"{s.dataset}:{s.id}:{s.sha256}" for s in snapshots)
    store_part = hashlib.sha256(str(store.engine.url).encode()).hexdigest()[:8]
    return f"{store_part}-{hashlib.sha256(text.encode()).hexdigest()[:20]}"


def cache_path(key: str) -> Path:
    return data_home() / "cache" / f"index-{key}.idx"


LEGACY_TEMP_AGE = 3600.0  # seconds: temp files of older versions carry no process id; older than this, no writer is alive
# An index of another store sharing this home is kept while in use (loading it touches the file): two stores
# (a PostgreSQL store and a local one, or a test store) then never rebuild each other's index. Unused this long,
# its store is most likely gone; a store used again after that rebuilds once (about a minute for every list).
OTHER_STORE_INDEX_AGE = 30 * 86400.0


def clean_cache(folder: Path, keep: Path | None = None) -> None:
    """Remove what interrupted index saves left behind (a killed save leaves a temp file as large as the index).

    With `keep` (the index just saved), also the indexes it replaces: its store's older ones. Other stores'
    indexes stay until unused for OTHER_STORE_INDEX_AGE.
    """
    remove_stale_temps(folder)
    now = time.time()
    try:
        for stale in folder.glob("index-*.pkl.*.tmp"):  # the naming of versions before the atomic-write helper
            if now - stale.stat().st_mtime > LEGACY_TEMP_AGE:
                stale.unlink(missing_ok=True)
        for legacy in folder.glob("index-*.pkl"):  # pickled indexes of versions before the mapped format
            legacy.unlink(missing_ok=True)
        if keep is not None:
            store_part = keep.name.removeprefix("index-").split("-")[0]
            for stale in folder.glob("index-*.idx"):
                if stale == keep:
                    continue
                if stale.name.startswith(f"index-{store_part}-") or stale.name.count("-") == 1:
                    stale.unlink(missing_ok=True)  # its store's older index, or one of a version keyed without its store
                elif now - stale.stat().st_mtime > OTHER_STORE_INDEX_AGE:
                    stale.unlink(missing_ok=True)
    except OSError:
        pass  # a read-only home still screens


def build_lists_index(entities: Iterable[Entity], build_key: str = "", progress: Callable[[str], None] | None = None) -> Index:
    """The lists' index as screening uses it: the candidate index, and every list word's typo neighbours and pairs
    (match/retrieve.py `store_typo_neighbours`), found once here rather than by every process on first use."""
    if progress:
        progress("building the name index (once per list update)")
    index = build_index(entities, build_key=build_key)
    if progress:
        progress(f"finding the typo neighbours of {len(index.tokens):,} list words (once per list update)")
    store_typo_neighbours(index)
    return index


def load_or_build_index(store: SnapshotStore, progress: Callable[[str], None] | None = None) -> Index:
    """The index for the store's active snapshots, from cache when it is current."""
    key = index_key(store)
    path = cache_path(key)
    clean_cache(path.parent)
    index = _cached(path, key)
    if index is not None:
        return index
    with _building(path) as shared_cache:
        index = _cached(path, key)  # another process (a service's other worker) built it while this one waited
        return index if index is not None else _build_and_save(store, key, path, progress, shared_cache)


def _cached(path: Path, key: str) -> Index | None:
    index = load_index(path)
    if index is None or index.build_key != key:
        return None
    try:
        os.utime(path)  # in use: another store's next build keeps it (OTHER_STORE_INDEX_AGE)
    except OSError:
        pass  # a read-only home still screens
    return index


_thread_locks: dict[str, threading.Lock] = {}  # per lock file: POSIX record locks do not exclude this process's threads


@contextmanager
def _building(path: Path) -> Iterator[bool]:
    """Held while a store's index is built: the processes that find it missing at once (each worker of a service
    after a list update) build it once, the others wait and load it. Yields whether the cache folder is writable.

    A POSIX record lock (`lockf`), not `flock`: it belongs to this process, so the build's forked workers do not
    inherit it, and the system drops it when this process dies, even if an orphaned worker lives on. Record locks
    do not exclude this process's own threads, so a thread lock per file comes first.
    """
    store_part = path.name.removeprefix("index-").split("-")[0]
    lock_path = path.parent / f"build-{store_part}.lock"
    in_process = _thread_locks.setdefault(str(lock_path), threading.Lock())  # one call: atomic under the GIL
    with in_process:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(lock_path, os.O_CREAT | os.O_RDWR, 0o600)
        except OSError:
            yield False  # a read-only home: no cache to share either
            return
        try:
            try:
                import fcntl

                fcntl.lockf(fd, fcntl.LOCK_EX)
            except (ImportError, OSError):
                pass  # Windows, or a file system without locks (some network mounts): each process builds its own
            yield True
        finally:
            os.close(fd)  # drops the lock


def _build_and_save(store: SnapshotStore, key: str, path: Path, progress: Callable[[str], None] | None, shared_cache: bool) -> Index:
    if shared_cache and not can_fork() and usable_cores() > 1 and fork_available():
        # (Without fork the child could not use more cores than this process; without a writable cache it could not
        # hand its index over.)
        index = _built_apart(store, key, path, progress)
        if index is not None:
            return index
    index = build_lists_index(store.active_entities(), key, progress)
    try:
        save_index(index, path)
        clean_cache(path.parent, keep=path)
    except OSError:
        return index  # a read-only home still screens; it just rebuilds next time
    # Screen from the saved file, as every later process will: its pages are shared and mostly not resident.
    return load_index(path) or index


# How a process with threads (the service, after a list update) builds the index on every core: in a fresh interpreter,
# which runs one thread and so may fork its workers (`cores.can_fork`), and saves it to the cache for this one to load.
APART_OTHER_KEY = 3  # the child's exit status when its key is not the parent's (new code or new lists meanwhile)
APART_PROGRESS = "progress: "  # how the child's progress lines start in its output (the rest is its errors)
_APART = "import sys; from interdict.screening import build_for_parent; sys.exit(build_for_parent(sys.argv[1]))"
APART_POLL = 0.5  # seconds between looks at the child's output: progress lines are a few a minute


def _built_apart(store: SnapshotStore, key: str, path: Path, progress: Callable[[str], None] | None) -> Index | None:
    """The index for `key`, built and saved by a child process; None (the caller builds it here, on one core) if the
    store cannot be opened from another process or the child did not save this key's index, whatever the reason.

    The child runs in a session of its own, and its whole process group is killed once it has exited: a child killed
    mid-build (the OOM killer's first choice: it holds the index) leaves forked workers that would otherwise wait
    forever. Its output goes to a file, not a pipe, so no such orphan can hold this process's reading open either.
    """
    url = store.engine.url
    if url.drivername.startswith("sqlite") and url.database in (None, "", ":memory:"):
        return None  # a database only this process can see
    if progress:
        progress("building the index in a separate process, on every core (this process runs other threads)")
    # The URL reaches the child through its environment, not its command line, which any local user may read.
    environment = {**os.environ, "INTERDICT_DB": url.render_as_string(hide_password=False)}
    folder = Path(tempfile.mkdtemp(prefix="interdict-build-"))
    try:
        output_path = folder / "output.txt"
        with output_path.open("ab") as output, output_path.open("rb") as reading:
            try:
                child = subprocess.Popen(
                    [sys.executable, "-c", _APART, key], env=environment, stdin=subprocess.DEVNULL, stdout=output,
                    stderr=subprocess.STDOUT, start_new_session=True,
                )
            except OSError:
                return None
            try:
                status: int | None = None
                lines: list[str] = []
                while status is None:
                    try:
                        status = child.wait(timeout=APART_POLL)
                    except subprocess.TimeoutExpired:
                        pass
                    for line in reading.read().decode("utf-8", "replace").splitlines():
                        lines.append(line)
                        if progress and line.startswith(APART_PROGRESS):
                            progress(line.removeprefix(APART_PROGRESS))
            finally:
                _end_group(child)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    if status == 0:
        index = load_index(path)
        if index is not None and index.build_key == key:
            return index
    if progress:
        why = "its lists or code changed meanwhile" if status == APART_OTHER_KEY else f"exit status {status}"
        errors = [line for line in lines if line.strip() and not line.startswith(APART_PROGRESS)]
        last = _masked(errors[-1].strip()) if errors and status != APART_OTHER_KEY else ""
        progress(f"the separate build did not give this index ({why}{': ' + last if last else ''}); building it here")
    return None


def _end_group(child: subprocess.Popen[bytes]) -> None:
    """Kill what is left of the child's process group (orphaned workers), then reap the child."""
    try:
        os.killpg(child.pid, signal.SIGKILL)
    except (OSError, AttributeError):
        pass  # the group is gone already (or the platform has none)
    child.wait()


def _masked(text: str) -> str:
    """A database URL's password masked, should an error message quote the URL."""
    return re.sub(r"://([^:/@\s]+):[^@\s]+@", r"://\1:***@", text)


def build_for_parent(key: str) -> int:
    """`_built_apart`'s child: build and save the index of the store in INTERDICT_DB if its key is `key`; the exit status."""
    store = open_store()
    try:
        if index_key(store) != key:
            return APART_OTHER_KEY
        path = cache_path(key)
        index = build_lists_index(store.active_entities(), key, lambda message: print(APART_PROGRESS + message, flush=True))
        save_index(index, path)
        clean_cache(path.parent, keep=path)
        return 0
    finally:
        store.engine.dispose()


def make_screener(index: Index) -> Screener:
    """A Screener over `index` whose screens reach through ownership and family relations (relations/reach.py)."""
    return reach.attach(Screener(index))


def open_screener(
    db: str | None = None, progress: Callable[[str], None] | None = None, warn: Callable[[str], None] | None = None
) -> Screener:
    """A Screener over the active lists (bundled lists are loaded on first use, and after a run cut short).

    `missing_datasets` names the lists the store should hold but does not: every
    front-end reports them, so a screen without a list never looks like a clean one.
    """

    def seed_progress(dataset: str, done: int, total: int) -> None:
        if progress and dataset:
            progress(f"loading bundled list {dataset} ({done + 1}/{total})")

    store = load_lists(db, progress=seed_progress, warn=warn)
    screener = make_screener(load_or_build_index(store, progress))
    screener.missing_datasets = tuple(missing_lists(store))
    return screener


def index_file(screener: Screener) -> Path:
    """The saved index file a screener screens from, for other processes to open (Spark ships it to executors).

    It is the cache file when the screener was opened from the store; an index
    that could not be cached (a read-only home) is saved to a temporary file.
    """
    path = cache_path(screener.build_key)
    if path.is_file():
        return path
    folder = Path(tempfile.mkdtemp(prefix="interdict-index-"))
    path = folder / path.name
    save_index(screener.index, path)
    return path


def screener_from_file(path: Path | str, missing_datasets: tuple[str, ...] = ()) -> Screener:
    """A Screener over a saved index file (see `index_file`), as `open_screener` would give in the process that saved it."""
    index = load_index(Path(path))
    if index is None:
        raise InputError(f"{path}: not a readable index file of this version of interdict (index format v{INDEX_VERSION}).")
    # the reach-through step as open_screener attaches it: the relation graph is built from the index's own entries
    # (list entries and the user's relation nodes alike), so an executor needs no store to reach through
    screener = make_screener(index)
    screener.missing_datasets = tuple(missing_datasets)
    return screener


def default_screener() -> Screener:
    global _default
    with _lock:
        if _default is None:
            _default = open_screener()
        return _default


def validate_datasets(datasets: list[str] | None, loaded: Iterable[str] = ()) -> list[str] | None:
    """The dataset filter, checked: official list ids, or the names of loaded lists of the user's own (`load --ftm`)."""
    if not datasets:
        return None
    accepted = set(loaded)
    official = registry()
    for dataset in datasets:
        if dataset not in accepted and dataset not in official:
            own = sorted(accepted - set(official))
            raise UnknownDatasetError(
                f"Unknown dataset {dataset!r}. Known datasets: {', '.join(official)}. "
                + (f"Lists of your own loaded: {', '.join(own)}." if own else "No list of your own is loaded (`interdict load --ftm NAME FILE`).")
            )
    return list(datasets)


def check_datasets(datasets: list[str] | None, db: str | None = None) -> list[str] | None:
    """A front-end's early check of a dataset filter, before the index loads: official ids need no store;
    any other name must be a loaded list of the user's own (`load --ftm`) or relation data (`relations load`)."""
    if not datasets or all(dataset in registry() for dataset in datasets):
        return validate_datasets(datasets)
    if _no_store_yet(db):
        return validate_datasets(datasets)  # nothing of the user's can be loaded: refuse without creating the store
    return validate_datasets(datasets, own_datasets(open_store(db)))  # no seeding: a bad name fails fast


def _no_store_yet(db: str | None) -> bool:
    """A SQLite store whose file does not exist yet (opening it would create it, and seed every bundled list)."""
    try:
        parsed = make_url(db or default_url())
    except ArgumentError:
        return False  # opening it gives the store's own clear error
    database = parsed.database or ""
    if not parsed.drivername.startswith("sqlite") or not database or database == ":memory:" or database.startswith("file:"):
        return False
    return not Path(database).exists()


def own_datasets(store: SnapshotStore) -> list[str]:
    """Names a dataset filter accepts beyond the official lists: the user's own lists and relation data."""
    return sorted(set(own_lists(store)) | set(relation_datasets(store)))


def screening(
    name: str | list[str] | None,
    schema: str | None = None,
    birth_date: str | None = None,
    nationality: str | None = None,
    country: str | None = None,
    id_number: str | None = None,
    datasets: list[str] | None = None,
    limit: int = DEFAULT_LIMIT,
    threshold: float | None = None,
    screener: Screener | None = None,
) -> Screening:
    """Screen one party: its hits, how many matches the limit left out, and any doubt about completeness."""
    query = Query.build(name, schema=schema, birth_date=birth_date, nationality=nationality, country=country, id_number=id_number)
    screener = screener or default_screener()
    return screener.screening(query, datasets=validate_datasets(datasets, screener.datasets), limit=limit, threshold=threshold)


def screen(
    name: str | list[str] | None,
    schema: str | None = None,
    birth_date: str | None = None,
    nationality: str | None = None,
    country: str | None = None,
    id_number: str | None = None,
    datasets: list[str] | None = None,
    limit: int = DEFAULT_LIMIT,
    threshold: float | None = None,
    screener: Screener | None = None,
) -> list[Hit]:
    """Screen one party against the loaded lists; hits sorted by score (`screening` also says what the limit left out)."""
    return screening(name, schema, birth_date, nationality, country, id_number, datasets, limit, threshold, screener).hits


def check_pair(name1: str, name2: str) -> None:
    """Refuse an empty or oversized name before any index is loaded."""
    for name in (name1, name2):
        if not name or not name.strip():
            raise InputError("Both names are required.")
        if len(name) > MAX_NAME_CHARS:
            raise InputError(f"Name of {len(name)} characters is over the {MAX_NAME_CHARS} character limit.")


def compare(name1: str, name2: str, schema: str | None = None, screener: Screener | None = None) -> tuple[float, str]:
    """Score two names against each other, with the explanation."""
    check_pair(name1, name2)
    schema = clean_schema(schema)
    screener = screener or default_screener()
    return screener.compare(name1, name2, schema)
