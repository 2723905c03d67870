"""Versioned list snapshots in SQLite (default) or PostgreSQL, through SQLAlchemy Core.

Each load of a dataset becomes a new snapshot row plus its entities; a small
`active` table points each dataset at its current snapshot. Swapping a list is
one UPDATE of that pointer inside the transaction that wrote the new rows, so
readers see either the old list or the new one, never half of each, and a
failed load leaves the last good snapshot active.
"""

from __future__ import annotations

import hashlib
import json
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Callable, Iterable, Iterator

from sqlalchemy import (
    Column,
    Connection,
    Engine,
    ForeignKey,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    and_,
    delete,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.exc import SQLAlchemyError

from ..errors import NotFoundError, StoreError, UpdateError
from ..model import Entity, entity_from_json, entity_to_json
from ..sources.base import ParseResult

metadata = MetaData()

snapshots = Table(
    "snapshots",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("dataset", String(64), nullable=False, index=True),
    Column("parser", String(64), nullable=False),
    Column("origin", Text, nullable=False),
    Column("files", Text, nullable=False),  # JSON: [{role, name, origin, sha256, bytes}]
    Column("sha256", String(64), nullable=False),
    Column("published", String(32)),
    Column("loaded_at", String(32), nullable=False),
    Column("entries", Integer, nullable=False),
    Column("counts", Text, nullable=False),  # JSON {schema: n}
    Column("warnings", Text, nullable=False),  # JSON [str]
)

entities = Table(
    "entities",
    metadata,
    Column("snapshot_id", Integer, ForeignKey("snapshots.id", ondelete="CASCADE"), primary_key=True),
    Column("entity_id", String(200), primary_key=True),
    Column("schema", String(32), nullable=False),
    Column("caption", Text, nullable=False),
    Column("data", LargeBinary, nullable=False),
)

active = Table(
    "active",
    metadata,
    Column("dataset", String(64), primary_key=True),
    Column("snapshot_id", Integer, ForeignKey("snapshots.id"), nullable=False),
)

MAX_SHRINK = 0.10  # a new snapshot may lose at most this share of the previous entries


@dataclass(frozen=True)
class FileProvenance:
    role: str
    name: str
    origin: str  # URL or path the bytes came from
    sha256: str
    bytes: int


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


def combined_sha256(files: Iterable[FileProvenance]) -> str:
    digest = hashlib.sha256()
    for item in sorted(files, key=lambda f: f.role):
        digest.update(f"{item.role}:{item.sha256}\n".encode())
    return digest.hexdigest()


def _row_to_snapshot(row) -> Snapshot:  # type: ignore[no-untyped-def]
    return Snapshot(
        id=row.id,
        dataset=row.dataset,
        parser=row.parser,
        origin=row.origin,
        files=[FileProvenance(**item) for item in json.loads(row.files)],
        sha256=row.sha256,
        published=row.published,
        loaded_at=row.loaded_at,
        entries=row.entries,
        counts=json.loads(row.counts),
        warnings=json.loads(row.warnings),
    )


def _reason(exc: SQLAlchemyError) -> str:
    """The database's own complaint, without SQLAlchemy's SQL echo and help links."""
    orig = getattr(exc, "orig", None)
    return f"{exc.__class__.__name__}: {orig if orig is not None else exc}"


class SnapshotStore:
    """Snapshots of the lists. Thread-safe for readers; one writer at a time."""

    def __init__(self, engine: Engine):
        self.engine = engine
        try:
            metadata.create_all(engine)
            # create_all skips tables that exist: a database of another program
            # (or an incompatible version) shows up here, not at the first read.
            with engine.connect() as conn:
                for table in (snapshots, entities, active):
                    conn.execute(select(*table.columns).limit(1)).all()
        except SQLAlchemyError as exc:
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

    # --- reading -----------------------------------------------------------

    def active_snapshots(self) -> list[Snapshot]:
        query = select(snapshots).join(active, active.c.snapshot_id == snapshots.c.id).order_by(snapshots.c.dataset)
        with self._reading() as conn:
            return [_row_to_snapshot(row) for row in conn.execute(query)]

    def active_snapshot(self, dataset: str) -> Snapshot | None:
        query = select(snapshots).join(active, active.c.snapshot_id == snapshots.c.id).where(active.c.dataset == dataset)
        with self._reading() as conn:
            row = conn.execute(query).first()
        return _row_to_snapshot(row) if row else None

    def history(self, dataset: str) -> list[Snapshot]:
        query = select(snapshots).where(snapshots.c.dataset == dataset).order_by(snapshots.c.id.desc())
        with self._reading() as conn:
            return [_row_to_snapshot(row) for row in conn.execute(query)]

    def snapshot(self, snapshot_id: int) -> Snapshot:
        with self._reading() as conn:
            row = conn.execute(select(snapshots).where(snapshots.c.id == snapshot_id)).first()
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

    def entity_count(self, snapshot_id: int) -> int:
        with self._reading() as conn:
            return conn.execute(select(func.count()).select_from(entities).where(entities.c.snapshot_id == snapshot_id)).scalar_one()

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
    ) -> Snapshot:
        """Store a parsed list and make it active, unless it shrinks coverage.

        Refuses (UpdateError) an empty list, or one that loses more than 10% of
        the previous snapshot's entries, unless `force`. All writes happen in
        one transaction, so a failure leaves the previous snapshot active.
        """
        if not result.entities:
            raise UpdateError(f"{dataset}: the new file holds no entries; keeping the current snapshot.")
        previous = self.active_snapshot(dataset)
        new_count = len(result.entities)
        if previous and not force and new_count < previous.entries * (1 - MAX_SHRINK):
            lost = previous.entries - new_count
            raise UpdateError(
                f"{dataset}: the new file has {new_count} entries, {lost} fewer than the current "
                f"{previous.entries} ({lost / previous.entries:.0%}). Refusing to drop more than "
                f"{MAX_SHRINK:.0%} of a list; check the source, or pass --force to accept it."
            )
        seen: set[str] = set()
        for entity in result.entities:
            if entity.id in seen:
                raise UpdateError(f"{dataset}: the parser produced entity id {entity.id!r} twice; refusing the snapshot.")
            seen.add(entity.id)
        now = datetime.now(timezone.utc).replace(microsecond=0).isoformat()
        row = {
            "dataset": dataset,
            "parser": parser,
            "origin": origin,
            "files": json.dumps([item.__dict__ for item in files]),
            "sha256": combined_sha256(files),
            "published": result.published,
            "loaded_at": now,
            "entries": new_count,
            "counts": json.dumps(result.counts(), sort_keys=True),
            "warnings": json.dumps(result.warnings),
        }
        try:
            with self.engine.begin() as conn:
                snapshot_id = conn.execute(insert(snapshots).values(**row)).inserted_primary_key[0]
                batch: list[dict] = []
                for index, entity in enumerate(result.entities, 1):
                    batch.append(
                        {
                            "snapshot_id": snapshot_id,
                            "entity_id": entity.id,
                            "schema": entity.schema,
                            "caption": entity.caption,
                            "data": entity_to_json(entity),
                        }
                    )
                    if len(batch) >= 2000:
                        conn.execute(insert(entities), batch)
                        batch = []
                        if progress:
                            progress(index)
                if batch:
                    conn.execute(insert(entities), batch)
                if progress:
                    progress(new_count)
                updated = conn.execute(update(active).where(active.c.dataset == dataset).values(snapshot_id=snapshot_id))
                if updated.rowcount == 0:
                    conn.execute(insert(active).values(dataset=dataset, snapshot_id=snapshot_id))
        except SQLAlchemyError as exc:
            raise StoreError(f"{dataset}: writing the snapshot failed ({exc.__class__.__name__}); the previous snapshot stays active.") from None
        return self.snapshot(snapshot_id)

    def prune(self, dataset: str, keep: int = 3) -> int:
        """Delete all but the newest `keep` snapshots of a dataset (never the active one)."""
        current = self.active_snapshot(dataset)
        history = self.history(dataset)
        doomed = [snap.id for snap in history[keep:] if not current or snap.id != current.id]
        if not doomed:
            return 0
        with self.engine.begin() as conn:
            conn.execute(delete(entities).where(entities.c.snapshot_id.in_(doomed)))
            conn.execute(delete(snapshots).where(and_(snapshots.c.id.in_(doomed), snapshots.c.dataset == dataset)))
        return len(doomed)
