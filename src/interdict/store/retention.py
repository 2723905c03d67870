"""Which old snapshots are kept: the newest few per list, the baseline, and every pinned one.

A pin is a (snapshot, reason) pair, so several alerts or decisions can hold the
same snapshot and each releases only its own. Pins and baselines reference
snapshots by foreign key without cascading, so the database itself refuses to
delete a snapshot that is pinned while a prune runs: a prune racing a pin
fails (and is retried at the next update) rather than losing the snapshot.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, delete, insert, select

from ..errors import InputError
from .schema import active, alerts, baselines, entities, monitored_snapshots, snapshot_checks, snapshot_pins, snapshots

MAX_REASON = 200


@dataclass(frozen=True)
class Pin:
    snapshot_id: int
    reason: str
    pinned_at: str


def pin(conn: Connection, snapshot_id: int, reason: str, now: str) -> Pin:
    reason = reason.strip()
    if not reason or len(reason) > MAX_REASON:
        raise InputError(f"A pin needs a reason of 1 to {MAX_REASON} characters (e.g. 'alert 1234'); got {len(reason)}.")
    existing = conn.execute(
        select(snapshot_pins).where(snapshot_pins.c.snapshot_id == snapshot_id, snapshot_pins.c.reason == reason)
    ).first()
    if existing is not None:
        return Pin(existing.snapshot_id, existing.reason, existing.pinned_at)
    conn.execute(insert(snapshot_pins).values(snapshot_id=snapshot_id, reason=reason, pinned_at=now))
    return Pin(snapshot_id, reason, now)


def unpin(conn: Connection, snapshot_id: int, reason: str | None) -> int:
    query = delete(snapshot_pins).where(snapshot_pins.c.snapshot_id == snapshot_id)
    if reason is not None:
        query = query.where(snapshot_pins.c.reason == reason.strip())
    return conn.execute(query).rowcount


def pins(conn: Connection, snapshot_id: int | None) -> list[Pin]:
    query = select(snapshot_pins).order_by(snapshot_pins.c.snapshot_id, snapshot_pins.c.reason)
    if snapshot_id is not None:
        query = query.where(snapshot_pins.c.snapshot_id == snapshot_id)
    return [Pin(row.snapshot_id, row.reason, row.pinned_at) for row in conn.execute(query)]


def protected(conn: Connection, dataset: str) -> set[int]:
    """Snapshots of a dataset that pruning must keep whatever their age."""
    keep: set[int] = set()
    keep.update(conn.execute(select(active.c.snapshot_id).where(active.c.dataset == dataset)).scalars())
    keep.update(conn.execute(select(baselines.c.snapshot_id).where(baselines.c.dataset == dataset)).scalars())
    pinned = select(snapshot_pins.c.snapshot_id).join(snapshots, snapshots.c.id == snapshot_pins.c.snapshot_id)
    keep.update(conn.execute(pinned.where(snapshots.c.dataset == dataset)).scalars())
    # An alert names the snapshot it was raised on, and monitoring the snapshot it last screened the
    # register against: both keep theirs (their foreign keys would refuse the prune anyway).
    for table in (alerts, monitored_snapshots):
        referenced = select(table.c.snapshot_id).distinct().join(snapshots, snapshots.c.id == table.c.snapshot_id)
        keep.update(conn.execute(referenced.where(snapshots.c.dataset == dataset)).scalars())
    return keep


def prune(conn: Connection, dataset: str, keep: int) -> int:
    """Delete the dataset's snapshots beyond the newest `keep`, except protected ones; returns how many."""
    newest_first = list(conn.execute(select(snapshots.c.id).where(snapshots.c.dataset == dataset).order_by(snapshots.c.id.desc())).scalars())
    kept = protected(conn, dataset)
    doomed = [snapshot_id for snapshot_id in newest_first[max(keep, 0) :] if snapshot_id not in kept]
    if not doomed:
        return 0
    conn.execute(delete(entities).where(entities.c.snapshot_id.in_(doomed)))
    conn.execute(delete(snapshot_checks).where(snapshot_checks.c.snapshot_id.in_(doomed)))
    conn.execute(delete(snapshots).where(snapshots.c.id.in_(doomed), snapshots.c.dataset == dataset))
    return len(doomed)
