"""What a running service holds: the current index generation, swapped atomically.

A request reads `state.current()` once and works on that Generation to the end,
so a list update never changes the index under a request. An update builds the
next index off to the side (from the store, or from the index cache another
process wrote), then replaces the one reference under a lock: requests in
flight finish on the old Screener, new ones get the new one, none fail. The old
index is freed when its last request ends.

Several worker processes (`interdict serve --workers N`) each hold their own
generation; a watcher thread notices when the store's active snapshots changed
(an update through another worker, or `interdict update` from a shell) and
swaps the new index in the same way.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from .. import update as updating
from ..cases import CaseStore, catch_up
from ..errors import InterdictError, UpdateError
from ..heap import Settler, settle
from ..lists import load_lists, missing_lists
from ..match.screener import Screener
from ..relations.context import relations_of
from ..screening import load_or_build_index, make_screener
from ..store import Snapshot, SnapshotStore, make_engine
from ..store.keys import ApiKey, KeyStore, hash_secret
from .limits import Runner
from .settings import ServiceSettings

log = logging.getLogger("interdict.api")


class NotReady(Exception):
    """The first index is still loading (or failed to load): answer 503."""


@dataclass
class Generation:
    """One loaded index and the store facts that describe it."""

    screener: Screener
    key: str
    snapshots: dict[str, Snapshot]  # dataset → its active snapshot when the index was built
    loaded_at: str
    datasets: frozenset[str] = field(default_factory=frozenset)  # datasets present in the index
    derived: dict = field(default_factory=dict)  # per-generation caches (e.g. last_change of every entry)
    missing: tuple[str, ...] = ()  # lists the store should hold but does not: /readyz is 503, responses carry a header

    @classmethod
    def build(cls, screener: Screener, snapshots: list[Snapshot]) -> Generation:
        return cls(
            screener=screener,
            key=screener.build_key,
            snapshots={snap.dataset: snap for snap in snapshots},
            loaded_at=datetime.now(UTC).replace(microsecond=0).isoformat(),
            datasets=screener.datasets,
            missing=tuple(screener.missing_datasets),
        )


@dataclass
class UpdateStatus:
    running: bool = False
    started_at: str | None = None
    finished_at: str | None = None
    results: list[dict] = field(default_factory=list)
    error: str | None = None

    def to_dict(self) -> dict:
        return {
            "running": self.running,
            "started_at": self.started_at,
            "finished_at": self.finished_at,
            "results": self.results,
            "error": self.error,
        }


class ServiceState:
    """The service's shared state; one per worker process."""

    def __init__(
        self,
        settings: ServiceSettings,
        store: SnapshotStore | None = None,
        screener: Screener | None = None,
        keys: KeyStore | None = None,
    ):
        self.settings = settings
        self.store = store
        self.keys = keys
        self.cases: CaseStore | None = None  # opened on the first casework request (api/routes_cases.py)
        self.load_error: str | None = None
        self.update_status = UpdateStatus()
        self._generation: Generation | None = None
        self._swap_lock = threading.Lock()
        self._update_lock = threading.Lock()
        self._stop = threading.Event()
        self.warmed = threading.Event()  # set when the caches of the installed index are warm and settled (warm_caches)
        self._threads: list[threading.Thread] = []
        self._key_cache: dict[str, tuple[ApiKey, float]] = {}
        self._renewing: set[str] = set()  # digests of cached keys being verified again (cached_key)
        self.stale = False
        self.runner = Runner(settings.screen_threads, settings.request_timeout, settings.inline_name_chars)
        if screener is not None:
            if store is None:
                raise ValueError("a preloaded screener needs its store")
            self.install(screener)

    # --- the current generation -------------------------------------------

    def current(self) -> Generation:
        generation = self._generation  # one read of one reference: atomic
        if generation is None:
            raise NotReady(self.load_error or "Index not ready.")
        return generation

    @property
    def ready(self) -> bool:
        return self._generation is not None

    @property
    def generation(self) -> Generation | None:
        """The current generation, or None while the first index loads (no 503: for reporting, not screening)."""
        return self._generation

    def install(self, screener: Screener, snapshots: list[Snapshot] | None = None) -> Generation:
        """Make `screener` the one new requests use (built by the caller, off to the side).

        `snapshots`: the active snapshots read before the index was built (so a
        list that changed meanwhile shows up as a difference to the watcher).
        """
        assert self.store is not None
        generation = Generation.build(screener, self.store.active_snapshots() if snapshots is None else snapshots)
        with self._swap_lock:
            old, self._generation = self._generation, generation
        self.stale = False
        # The index, and the memo tables screening fills, are long-lived objects; keeping the collector off
        # them avoids full-collection pauses that would show in request latency (interdict.heap).
        settle()
        screener.settler = Settler()
        log.info("index %s ready: %d entities in %d lists%s", generation.key, screener.size, len(generation.datasets), " (swapped)" if old else "")
        if self.settings.warm_caches:
            self._spawn("interdict-warm", lambda: self._warm(screener))
        return generation

    def _warm(self, screener: Screener) -> None:
        """What the first screen and the first entity page would otherwise build while someone waits: the relation
        graph (shared by /adjacent, /exposure and the UI's entity page) and the screener's reach-through table."""
        try:
            relations_of(screener)
            reach = getattr(screener, "reach", None)
            if reach is not None and hasattr(reach, "table"):
                reach.table()
        except Exception:  # a cache that could not be warmed is built on first use instead, where its error is reported
            log.exception("warming the relation caches failed; they are built on first use")
        # The warmed tables are long-lived too: out of the collector's view now, or the first collections walk them
        # all while requests wait (61 and 71 ms, the first full and middle-generation collections after warming,
        # measured in-process; the longest pauses of a bench/load.py run).
        settle()
        self.warmed.set()

    # --- loading ------------------------------------------------------------

    def start(self) -> None:
        """Load the first index in the background (so /healthz and /readyz answer meanwhile) and watch for updates."""
        if self._generation is None:
            self._spawn("interdict-index-loader", self._load_first)
        if self.settings.watch_seconds > 0:
            self._spawn("interdict-index-watcher", self._watch)

    def stop(self) -> None:
        self._stop.set()
        if self.keys is not None:
            self.keys.close()

    def _spawn(self, name: str, target: Callable[[], None]) -> None:
        thread = threading.Thread(target=target, name=name, daemon=True)
        thread.start()
        self._threads.append(thread)

    def open_store(self) -> SnapshotStore:
        if self.store is None:
            self.store = load_lists(self.settings.db, warn=log.warning)
        return self.store

    def _load_first(self) -> None:
        try:
            self.open_store()
            self.rebuild()
        except InterdictError as exc:
            self.load_error = f"Index not ready: {exc}"
            log.error("loading the index failed: %s", exc)
        except Exception:  # a worker must report, not die silently
            self.load_error = "Index not ready: loading failed; see the server log."
            log.exception("loading the index failed")

    def rebuild(self) -> Generation:
        """Load (from cache) or build the index for the store's active snapshots and swap it in."""
        store = self.open_store()
        self.stale = True
        snapshots = store.active_snapshots()
        index = load_or_build_index(store, progress=lambda message: log.info("%s", message))
        missing = tuple(missing_lists(store))
        current = self._generation
        if current is not None and current.key == index.build_key and current.missing == missing:
            self.stale = False
            return current
        screener = make_screener(index)
        screener.missing_datasets = missing
        if missing:
            log.warning("screening WITHOUT lists that are not loaded: %s (/readyz answers 503 until they are)", ", ".join(missing))
        return self.install(screener, snapshots)

    def watch_register(self) -> None:
        """Screen the list changes just swapped in against the watch register (never fails the update: a change
        not screened now is screened by the next update or `interdict monitor rescreen`, see cases/monitor.py)."""
        try:
            store = self.open_store()
            if self.cases is None:
                self.cases = CaseStore(store.engine)
            report = catch_up(self.cases, store, self.current().screener)
            if report.lists:
                log.info("watch register screened against %s: %d new alert(s), %d delisted", ", ".join(report.lists), len(report.alerts), len(report.delisted))
        except Exception:
            log.exception("screening the list change against the watch register failed; `interdict monitor rescreen` resumes it")

    def lists_changed(self) -> bool:
        """Whether the store's active snapshots differ from those the current index was built from.

        Compares snapshot ids only (not the code fingerprint in the index key):
        upgrading interdict under a running server must not make the old code
        build an index that new processes would take for theirs.
        """
        generation = self._generation
        if generation is None:
            return False
        active = {snap.dataset: snap.id for snap in self.open_store().active_snapshots()}
        return active != {dataset: snap.id for dataset, snap in generation.snapshots.items()}

    def _watch(self) -> None:
        while not self._stop.wait(self.settings.watch_seconds):
            if self._generation is None or self._update_lock.locked():
                continue
            try:
                if self.lists_changed():
                    log.info("the active lists changed; loading the new index")
                    with self._update_lock:
                        self.rebuild()
            except Exception:  # keep watching; the current index keeps serving
                log.exception("reloading the index failed (the current one keeps serving)")

    # --- updates ------------------------------------------------------------

    def update(self, datasets: list[str] | None, force: bool = False) -> UpdateStatus:
        """Fetch the lists (official URLs or the mirror), then swap the new index in.

        Runs in the caller's thread; raises UpdateError if an update is already running.
        """
        if not self._update_lock.acquire(blocking=False):
            raise UpdateError("A list update is already running; try again when it has finished (GET /updatez shows its progress).")
        status = UpdateStatus(running=True, started_at=_now())
        self.update_status = status
        try:
            results = updating.update(self.open_store(), datasets, mirror=self.settings.mirror, force=force)
            status.results = [
                {
                    "dataset": result.dataset,
                    "ok": result.ok,
                    "entries": result.snapshot.entries if result.snapshot else None,
                    "previous_entries": result.previous_entries,
                    "error": result.error,
                    "unchanged": result.unchanged,
                    "snapshot_id": result.snapshot.id if result.snapshot else None,
                }
                for result in results
            ]
            if any(result.ok for result in results):
                self.rebuild()
                self.watch_register()
        except InterdictError as exc:
            status.error = str(exc)
        except Exception:  # reported in the status; the current index keeps serving
            status.error = "The update failed; see the server log. The current lists keep serving."
            log.exception("list update failed")
        finally:
            status.running = False
            status.finished_at = _now()
            self._update_lock.release()
        return status

    @property
    def updating(self) -> bool:
        return self._update_lock.locked()

    # --- API keys -----------------------------------------------------------

    def cached_key(self, secret: str) -> ApiKey | None:
        """The key for this secret if it was verified less than key_cache_seconds ago.

        Past half that age, one lookup in the background verifies it again (`_renew`), so a key in steady use
        never expires under a burst of requests that would each look it up (50 clients: every 5 s, dozens of
        database reads on the way to the route instead of the fast path). A revoked key is still refused within
        key_cache_seconds: the renewal drops it, and an entry the renewal did not reach in time expires as before.
        """
        digest = hash_secret(secret)
        cached = self._key_cache.get(digest)
        if cached is None:
            return None
        key, expires = cached
        left = expires - time.monotonic()
        if left <= 0:
            return None
        if left < self.settings.key_cache_seconds / 2 and digest not in self._renewing:
            self._renewing.add(digest)
            threading.Thread(target=self._renew, args=(secret, digest), name="interdict-key-renew", daemon=True).start()
        return key

    def _renew(self, secret: str, digest: str) -> None:
        try:
            self._verify(secret)
        except Exception:  # the store is unreachable: the entry expires as it would have, and the route reports it
            log.exception("renewing a cached API key failed; it expires as usual")
        finally:
            self._renewing.discard(digest)

    def authenticate(self, secret: str) -> ApiKey | None:
        """The active key with this secret (a database read; verified keys are cached)."""
        cached = self.cached_key(secret)
        if cached is not None:
            return cached
        return self._verify(secret)

    def _verify(self, secret: str) -> ApiKey | None:
        """The active key with this secret, read from the store and cached (dropped from the cache if gone)."""
        if self.keys is None:
            engine = make_engine(self.settings.db) if self.store is None else self.store.engine
            self.keys = KeyStore(engine, usage_flush_seconds=self.settings.key_usage_seconds)
        digest = hash_secret(secret)
        key = self.keys.verify(secret)
        if key is None:
            self._key_cache.pop(digest, None)
            return None
        self.keys.record_use(key.id)  # last_used: in memory, written in batches (best effort)
        if self.settings.key_cache_seconds > 0:
            if len(self._key_cache) > 10_000:
                self._key_cache.clear()
            self._key_cache[digest] = (key, time.monotonic() + self.settings.key_cache_seconds)
        return key


def _now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()

