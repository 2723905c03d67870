"""Versioned list snapshots in SQLite (default) or PostgreSQL, through SQLAlchemy Core.

Each load of a dataset with new content becomes a new snapshot row plus its
entities; a small `active` table points each dataset at its current snapshot.
Swapping a list is one UPDATE of that pointer inside the transaction that wrote
the new rows, so readers see either the old list or the new one, never half of
each, and a failed load leaves the last good snapshot active.

A load whose parsed content equals the active snapshot's is recorded as a
confirmation of it, not stored again, and after every swap the store keeps only
the newest few snapshots per list (plus the baseline and pinned ones): repeated
updates do not grow the store. The tables are in `schema`, the coverage guard
in `guard`, pinning and pruning in `retention`.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from enum import StrEnum
from typing import Any

from sqlalchemy import Connection, Engine, Row, Select, func, insert, select, update
from sqlalchemy.exc import SQLAlchemyError

from ..errors import NotFoundError, StoreError, UpdateError
from ..model import Entity, entity_from_json, entity_to_json
from ..sources.base import ParseResult
from . import audit, guard, migrate, retention
from .schema import active, baselines, entities, expected_lists, snapshot_checks, snapshots
from .settings import StoreSettings

log = logging.getLogger("interdict.store")

INSERT_BATCH = 2000


class Review(StrEnum):
    """Why a snapshot became its list's baseline: a person accepted it, or there was nothing to compare with."""

    BUNDLED = "bundled"  # seeded from the files shipped with interdict
    FORCED = "forced"  # loaded with --force
    ACCEPTED = "accepted"  # marked reviewed with `interdict accept`
    FIRST = "first"  # the list's first snapshot in this store


@dataclass(frozen=True)
class FileProvenance:
    role: str
    name: str
    origin: str  # URL or path the bytes came from
    sha256: str
    bytes: int
    checksum_from: str | None = None  # where the expected sha256 these bytes were verified against came from


@dataclass(frozen=True)
class Confirmation:
    """Later loads that found exactly this snapshot's content: how many, the last one's time and files."""

    checks: int
    last_checked_at: str
    origin: str
    files: list[FileProvenance]


@dataclass
class Snapshot:
    id: int
    dataset: str
    parser: str
    origin: str
    files: list[FileProvenance]
    sha256: str
    published: str | None
    loaded_at: str
    entries: int
    counts: dict[str, int]
    warnings: list[str] = field(default_factory=list)
    content_sha256: str | None = None
    confirmed: Confirmation | None = None

    @property
    def last_confirmed_at(self) -> str:
        """When the publisher's list was last seen to be this content (load or confirmation)."""
        return self.confirmed.last_checked_at if self.confirmed else self.loaded_at


@dataclass(frozen=True)
class Baseline:
    dataset: str
    snapshot_id: int
    accepted_at: str
    reason: Review


def combined_sha256(files: Iterable[FileProvenance]) -> str:
    digest = hashlib.sha256()
    for item in sorted(files, key=lambda f: f.role):
        digest.update(f"{item.role}:{item.sha256}\n".encode())
    return digest.hexdigest()


def content_sha256(published: str | None, items: Iterable[tuple[str, bytes]]) -> str:
    """Digest of a list's parsed content: its publication date and every entity, in id order."""
    digest = hashlib.sha256(f"published:{published or ''}\n".encode())
    for entity_id, data in sorted(items, key=lambda item: item[0]):
        digest.update(entity_id.encode() + b"\0" + hashlib.sha256(data).digest())
    return digest.hexdigest()


def _files(text: str) -> list[FileProvenance]:
    return [FileProvenance(**item) for item in json.loads(text)]


def _files_json(files: Iterable[FileProvenance]) -> str:
    return json.dumps([{k: v for k, v in asdict(item).items() if v is not None} for item in files])


def _row_to_snapshot(row: Row[Any]) -> Snapshot:
    confirmed = None
    if row.checks:
        confirmed = Confirmation(row.checks, row.last_checked_at, row.check_origin, _files(row.check_files))
    return Snapshot(
        id=row.id,
        dataset=row.dataset,
        parser=row.parser,
        origin=row.origin,
        files=_files(row.files),
        sha256=row.sha256,
        published=row.published,
        loaded_at=row.loaded_at,
        entries=row.entries,
        counts=json.loads(row.counts),
        warnings=json.loads(row.warnings),
        content_sha256=row.content_sha256,
        confirmed=confirmed,
    )


def _snapshot_query(with_active: bool = False) -> Select[Any]:
    joined = snapshots.outerjoin(snapshot_checks, snapshot_checks.c.snapshot_id == snapshots.c.id)
    if with_active:
        joined = joined.join(active, active.c.snapshot_id == snapshots.c.id)
    columns = (
        snapshot_checks.c.checks,
        snapshot_checks.c.last_checked_at,
        snapshot_checks.c.origin.label("check_origin"),
        snapshot_checks.c.files.label("check_files"),
    )
    return select(snapshots, *columns).select_from(joined)


OPEN_ATTEMPTS = 5  # tries to open a store another process holds busy, before the error
OPEN_RETRY_SECONDS = 1.0  # the wait before the second try; it grows by as much each time


def _busy(exc: SQLAlchemyError) -> bool:
    """The database was busy (SQLite: locked by another process), not wrong: worth trying again."""
    text = str(getattr(exc, "orig", None) or exc).lower()
    return "database is locked" in text or "database is busy" in text or "database table is locked" in text


def _reason(exc: SQLAlchemyError) -> str:
    """The database's own complaint, without SQLAlchemy's SQL echo and help links."""
    orig = getattr(exc, "orig", None)
    return f"{exc.__class__.__name__}: {orig if orig is not None else exc}"


def _now() -> str:
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat()


class SnapshotStore:
    """Snapshots of the lists. Thread-safe for readers; one writer at a time."""

    def __init__(self, engine: Engine, settings: StoreSettings | None = None):
        self.engine = engine
        self.settings = settings or StoreSettings.from_env()
        for attempt in range(OPEN_ATTEMPTS):
            try:
                migrate.upgrade(engine)
                # create_all skips tables that exist: a database of another program
                # (or an incompatible version) shows up here, not at the first read.
                with engine.connect() as conn:
                    for table in (snapshots, entities, active, baselines, expected_lists):
                        conn.execute(select(*table.columns).limit(1)).all()
                break
            except SQLAlchemyError as exc:
                if attempt + 1 < OPEN_ATTEMPTS and _busy(exc):
                    # Another process is creating or seeding the same new database (`serve --workers 2` on a
                    # first run): SQLite can refuse past its busy timeout on a loaded machine. Try again.
                    time.sleep(OPEN_RETRY_SECONDS * (attempt + 1))
                    continue
                raise StoreError(
                    f"Cannot open the snapshot store at {engine.url!r}: {_reason(exc)}. "
                    "Check that the path or URL points to an interdict database, or choose another with --db."
                ) from None

    @contextmanager
    def _reading(self) -> Iterator[Connection]:
        """A connection for reads; database failures become StoreError (no tracebacks)."""
        try:
            with self.engine.connect() as conn:
                yield conn
        except SQLAlchemyError as exc:
            raise StoreError(f"Reading the snapshot store at {self.engine.url!r} failed: {_reason(exc)}.") from None

    @contextmanager
    def _writing(self, what: str) -> Iterator[Connection]:
        """One transaction; a database failure rolls it back and becomes StoreError naming `what`."""
        try:
            with self.engine.begin() as conn:
                yield conn
        except SQLAlchemyError as exc:
            raise StoreError(f"{what} failed ({_reason(exc)}); nothing was changed.") from None

    # --- reading -----------------------------------------------------------

    def active_snapshots(self) -> list[Snapshot]:
        query = _snapshot_query(with_active=True).order_by(snapshots.c.dataset)
        with self._reading() as conn:
            return [_row_to_snapshot(row) for row in conn.execute(query)]

    def active_snapshot(self, dataset: str) -> Snapshot | None:
        query = _snapshot_query(with_active=True).where(active.c.dataset == dataset)
        with self._reading() as conn:
            row = conn.execute(query).first()
        return _row_to_snapshot(row) if row else None

    def history(self, dataset: str) -> list[Snapshot]:
        query = _snapshot_query().where(snapshots.c.dataset == dataset).order_by(snapshots.c.id.desc())
        with self._reading() as conn:
            return [_row_to_snapshot(row) for row in conn.execute(query)]

    def snapshot(self, snapshot_id: int) -> Snapshot:
        with self._reading() as conn:
            row = conn.execute(_snapshot_query().where(snapshots.c.id == snapshot_id)).first()
        if row is None:
            raise NotFoundError(f"No snapshot with id {snapshot_id}.")
        return _row_to_snapshot(row)

    def iter_entities(self, snapshot_ids: Iterable[int]) -> Iterator[Entity]:
        ids = list(snapshot_ids)
        if not ids:
            return
        query = select(entities.c.data).where(entities.c.snapshot_id.in_(ids)).order_by(entities.c.snapshot_id, entities.c.entity_id)
        with self._reading() as conn:
            for (data,) in conn.execute(query):
                yield entity_from_json(data)

    def active_entities(self, datasets: Iterable[str] | None = None) -> Iterator[Entity]:
        wanted = set(datasets) if datasets is not None else None
        ids = [snap.id for snap in self.active_snapshots() if wanted is None or snap.dataset in wanted]
        yield from self.iter_entities(ids)

    def get_entity(self, entity_id: str) -> Entity:
        query = (
            select(entities.c.data)
            .join(active, active.c.snapshot_id == entities.c.snapshot_id)
            .where(entities.c.entity_id == entity_id)
        )
        with self._reading() as conn:
            row = conn.execute(query).first()
        if row is None:
            raise NotFoundError(f"No entity {entity_id!r} in the active lists. Try `interdict screen` to find its id.")
        return entity_from_json(row[0])

    def entry_digests(self, snapshot_id: int) -> dict[str, str]:
        """Each entry id of a snapshot with the SHA-256 of its stored content (what a re-screen diffs)."""
        query = select(entities.c.entity_id, entities.c.data).where(entities.c.snapshot_id == snapshot_id)
        with self._reading() as conn:
            return {row.entity_id: hashlib.sha256(bytes(row.data)).hexdigest() for row in conn.execute(query)}

    def entities_of(self, snapshot_id: int, entity_ids: Iterable[str]) -> list[Entity]:
        """The given entries of one snapshot (those it holds), in id order."""
        ids = sorted(set(entity_ids))
        found: list[Entity] = []
        with self._reading() as conn:
            for start in range(0, len(ids), 500):
                query = select(entities.c.data).where(entities.c.snapshot_id == snapshot_id, entities.c.entity_id.in_(ids[start : start + 500]))
                found.extend(entity_from_json(data) for (data,) in conn.execute(query))
        return sorted(found, key=lambda entity: entity.id)

    def entity_count(self, snapshot_id: int) -> int:
        with self._reading() as conn:
            count: int = conn.execute(select(func.count()).select_from(entities).where(entities.c.snapshot_id == snapshot_id)).scalar_one()
        return count

    # --- baselines and expected lists ------------------------------------------

    def baseline(self, dataset: str) -> Baseline | None:
        """The snapshot a person last reviewed for this list (None in stores older than baselines, until one is set)."""
        with self._reading() as conn:
            row = conn.execute(select(baselines).where(baselines.c.dataset == dataset)).first()
        return Baseline(row.dataset, row.snapshot_id, row.accepted_at, Review(row.reason)) if row else None

    def accept(self, dataset: str, snapshot_id: int | None = None, reason: Review = Review.ACCEPTED) -> Baseline:
        """Make a snapshot (default: the active one) the list's reviewed baseline for later updates."""
        if snapshot_id is None:
            current = self.active_snapshot(dataset)
            if current is None:
                raise NotFoundError(f"{dataset} has no loaded snapshot to accept; load or update it first.")
            snapshot_id = current.id
        elif self.snapshot(snapshot_id).dataset != dataset:
            raise NotFoundError(f"Snapshot {snapshot_id} is not a snapshot of {dataset}.")
        now = _now()
        with self._writing(f"Accepting snapshot {snapshot_id} of {dataset}") as conn:
            _set_baseline(conn, dataset, snapshot_id, reason, now)
            audit.append(conn, audit.Action.LIST_ACCEPTED, dataset, {"snapshot_id": snapshot_id, "reason": reason.value})
        return Baseline(dataset, snapshot_id, now, reason)

    def expected_lists(self) -> list[str]:
        """The lists this store was set up to hold; empty when it never said (then it expects every registered list)."""
        with self._reading() as conn:
            return [row.dataset for row in conn.execute(select(expected_lists.c.dataset).order_by(expected_lists.c.dataset))]

    def expect_lists(self, datasets: Iterable[str]) -> None:
        """Record that this store is meant to hold these lists (added to what it already expects)."""
        wanted = set(datasets) - set(self.expected_lists())
        if not wanted:
            return
        now = _now()
        try:
            with self.engine.begin() as conn:
                conn.execute(insert(expected_lists), [{"dataset": name, "since": now} for name in sorted(wanted)])
        except SQLAlchemyError as exc:
            # Several processes opening a new store at once (serve --workers N) record the same lists: fine
            # when they are all recorded now, whoever did it.
            if wanted - set(self.expected_lists()):
                raise StoreError(f"Recording the store's lists failed ({_reason(exc)}); nothing was changed.") from None

    # --- pins and pruning ---------------------------------------------------

    def pin_snapshot(self, snapshot_id: int, reason: str) -> retention.Pin:
        """Keep a snapshot whatever the retention setting says, e.g. because an alert or a decision refers to it."""
        self.snapshot(snapshot_id)  # NotFoundError for an unknown id
        with self._writing(f"Pinning snapshot {snapshot_id}") as conn:
            return retention.pin(conn, snapshot_id, reason, _now())

    def unpin_snapshot(self, snapshot_id: int, reason: str | None = None) -> int:
        """Remove one pin (or, without a reason, every pin) of a snapshot; returns how many were removed."""
        with self._writing(f"Unpinning snapshot {snapshot_id}") as conn:
            return retention.unpin(conn, snapshot_id, reason)

    def pins(self, snapshot_id: int | None = None) -> list[retention.Pin]:
        with self._reading() as conn:
            return retention.pins(conn, snapshot_id)

    def prune(self, dataset: str, keep: int | None = None) -> int:
        """Delete all but the newest `keep` snapshots of a dataset (default: the setting), never the active,
        baseline or a pinned one. One transaction; returns how many were deleted."""
        keep = self.settings.keep_snapshots if keep is None else keep
        with self._writing(f"Pruning old snapshots of {dataset}") as conn:
            return retention.prune(conn, dataset, keep)

    def _prune_after_swap(self, dataset: str) -> None:
        """Pruning is housekeeping: its failure is logged and never touches the snapshot just swapped in."""
        try:
            removed = self.prune(dataset)
        except StoreError as exc:
            log.warning("%s: could not delete old snapshots (they stay until the next update): %s", dataset, exc)
            return
        if removed:
            log.info("%s: deleted %d old snapshot(s)", dataset, removed)

    # --- writing -----------------------------------------------------------

    def add_snapshot(
        self,
        dataset: str,
        parser: str,
        result: ParseResult,
        files: list[FileProvenance],
        origin: str,
        force: bool = False,
        progress: Callable[[int], None] | None = None,
        review: Review | None = None,
    ) -> Snapshot:
        """Store a parsed list and make it active, unless it would silently lose coverage.

        Refuses (UpdateError) an empty list, and, unless `force`, one that
        shrinks or churns past the limits against the baseline or the current
        snapshot (see `guard`). Content equal to the active snapshot's is
        recorded as a confirmation and the active snapshot is returned. A forced
        load, or one with a `review`, becomes the baseline. All writes of the
        swap happen in one transaction, so a failure leaves the previous
        snapshot active; old snapshots are pruned afterwards, separately.
        """
        if not result.entities:
            raise UpdateError(f"{dataset}: the new file holds no entries; keeping the current snapshot.")
        encoded: dict[str, bytes] = {}
        for entity in result.entities:
            if entity.id in encoded:
                raise UpdateError(f"{dataset}: the parser produced entity id {entity.id!r} twice; refusing the snapshot.")
            encoded[entity.id] = entity_to_json(entity)
        content = content_sha256(result.published, encoded.items())
        accepted = review or (Review.FORCED if force else None)
        previous = self.active_snapshot(dataset)
        if previous is not None and previous.parser == parser and self._content_of(previous) == content:
            self._confirm(previous, origin, files, accepted)
            return self.snapshot(previous.id)
        if previous is not None and not force:
            self._guard(dataset, previous, result)
        if previous is None and accepted is None and self.baseline(dataset) is None:
            accepted = Review.FIRST
        now = _now()
        row = {
            "dataset": dataset,
            "parser": parser,
            "origin": origin,
            "files": _files_json(files),
            "sha256": combined_sha256(files),
            "published": result.published,
            "loaded_at": now,
            "entries": len(encoded),
            "counts": json.dumps(result.counts(), sort_keys=True),
            "warnings": json.dumps(result.warnings),
            "content_sha256": content,
        }
        try:
            with self.engine.begin() as conn:
                snapshot_id: int = conn.execute(insert(snapshots).values(**row)).inserted_primary_key[0]  # type: ignore[index]  # one-column primary key
                batch: list[dict[str, Any]] = []
                for index, entity in enumerate(result.entities, 1):
                    batch.append(
                        {
                            "snapshot_id": snapshot_id,
                            "entity_id": entity.id,
                            "schema": entity.schema,
                            "caption": entity.caption,
                            "data": encoded[entity.id],
                        }
                    )
                    if len(batch) >= INSERT_BATCH:
                        conn.execute(insert(entities), batch)
                        batch = []
                        if progress:
                            progress(index)
                if batch:
                    conn.execute(insert(entities), batch)
                if progress:
                    progress(len(encoded))
                updated = conn.execute(update(active).where(active.c.dataset == dataset).values(snapshot_id=snapshot_id))
                if updated.rowcount == 0:
                    conn.execute(insert(active).values(dataset=dataset, snapshot_id=snapshot_id))
                if accepted is not None:
                    _set_baseline(conn, dataset, snapshot_id, accepted, now)
                audit.append(
                    conn,
                    audit.Action.LIST_UPDATED,
                    dataset,
                    {
                        "snapshot_id": snapshot_id,
                        "previous_snapshot_id": previous.id if previous else None,
                        "entries": len(encoded),
                        "content_sha256": content,
                        "files_sha256": row["sha256"],
                        "origin": origin,
                        "forced": force,
                        "baseline": accepted.value if accepted else None,
                    },
                )
        except SQLAlchemyError as exc:
            raise StoreError(f"{dataset}: writing the snapshot failed ({_reason(exc)}); the previous snapshot stays active.") from None
        self._prune_after_swap(dataset)
        return self.snapshot(snapshot_id)

    def _content_of(self, snapshot: Snapshot) -> str:
        """The snapshot's content digest; computed from its rows (and remembered) for snapshots stored before digests were."""
        if snapshot.content_sha256:
            return snapshot.content_sha256
        query = select(entities.c.entity_id, entities.c.data).where(entities.c.snapshot_id == snapshot.id)
        with self._reading() as conn:
            digest = content_sha256(snapshot.published, ((row.entity_id, bytes(row.data)) for row in conn.execute(query)))
        try:
            with self.engine.begin() as conn:
                conn.execute(update(snapshots).where(snapshots.c.id == snapshot.id).values(content_sha256=digest))
        except SQLAlchemyError:
            pass  # only a cache: computed again next time
        return digest

    def _confirm(self, snapshot: Snapshot, origin: str, files: list[FileProvenance], accepted: Review | None) -> None:
        """Record that a load found exactly this snapshot's content (and, if forced or reviewed, make it the baseline)."""
        now = _now()
        values = {"last_checked_at": now, "origin": origin, "files": _files_json(files)}
        with self._writing(f"{snapshot.dataset}: recording the confirmation of snapshot {snapshot.id}") as conn:
            query = update(snapshot_checks).where(snapshot_checks.c.snapshot_id == snapshot.id)
            if conn.execute(query.values(checks=snapshot_checks.c.checks + 1, **values)).rowcount == 0:
                conn.execute(insert(snapshot_checks).values(snapshot_id=snapshot.id, checks=1, **values))
            if accepted is not None:
                _set_baseline(conn, snapshot.dataset, snapshot.id, accepted, now)

    def _guard(self, dataset: str, previous: Snapshot, result: ParseResult) -> None:
        """Refuse (UpdateError) a list that shrinks or churns too much against the baseline or the current snapshot."""
        after = {entity.id: guard.entity_fingerprint(entity) for entity in result.entities}
        base = self.baseline(dataset)
        references: list[guard.Reference] = []
        if base is not None and base.snapshot_id != previous.id:
            try:
                reviewed = self.snapshot(base.snapshot_id)
                references.append(guard.Reference("reviewed baseline", reviewed.id, reviewed.entries, f"{base.reason.value} {base.accepted_at[:10]}"))
            except NotFoundError:  # cannot happen through the store's own pruning; be safe with edited stores
                pass
        if base is not None and base.snapshot_id == previous.id:
            references.append(guard.Reference("reviewed baseline (the current snapshot)", previous.id, previous.entries, f"{base.reason.value} {base.accepted_at[:10]}"))
        else:
            references.append(guard.Reference("current snapshot", previous.id, previous.entries, f"loaded {previous.loaded_at[:10]}"))
        drifts = [guard.measure(ref, self._fingerprints(ref.snapshot_id), after) for ref in references]
        guard.check(dataset, drifts, self.settings)

    def _fingerprints(self, snapshot_id: int) -> Iterator[tuple[str, guard.Fingerprint]]:
        query = select(entities.c.entity_id, entities.c.data).where(entities.c.snapshot_id == snapshot_id)
        with self._reading() as conn:
            rows = conn.execute(query).all()
        for row in rows:
            yield row.entity_id, guard.stored_fingerprint(bytes(row.data))


def _set_baseline(conn: Connection, dataset: str, snapshot_id: int, reason: Review, now: str) -> None:
    values = {"snapshot_id": snapshot_id, "accepted_at": now, "reason": reason.value}
    if conn.execute(update(baselines).where(baselines.c.dataset == dataset).values(**values)).rowcount == 0:
        conn.execute(insert(baselines).values(dataset=dataset, **values))
