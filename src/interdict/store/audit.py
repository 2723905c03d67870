"""The hash-chained audit log: every record carries the hash of the one before.

A record is appended *inside* the transaction of the change it describes (a
decision, a list swap, a new key), so either both are stored or neither is:
a process killed mid-way leaves no change without its record and no record
without its change. Appending first updates the one-row `audit_head` table,
which takes SQLite's write lock or PostgreSQL's row lock before the head is
read; concurrent appenders therefore queue and the chain never forks.

`verify` recomputes every hash from the first record: an edited record no
longer hashes to its stored hash (and, if the hash was rewritten too, the
next record's `prev_hash` no longer agrees); a deleted record leaves a gap in
`seq` and a broken link; swapped records break both links. Deleting the newest
records and rewriting `audit_head` to match is the one change the database
alone cannot reveal: that is what anchoring is for. An operator copies the head
(`interdict audit head`: seq and hash) somewhere the database's administrators
cannot rewrite — an RFC 3161 timestamp, a signed e-mail, a write-once bucket,
the ticket of the day — and later runs `interdict audit verify --anchor SEQ:HASH`,
which fails unless record SEQ still has that hash.

On PostgreSQL the migration installs a trigger that refuses UPDATE, DELETE and
TRUNCATE on `audit_log`; a deployment should also run the service as a role
without those privileges (`REVOKE UPDATE, DELETE, TRUNCATE ON audit_log FROM ...`).
"""

from __future__ import annotations

import getpass
import hashlib
import json
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Connection, insert, select, update

from .schema import audit_head, audit_log

GENESIS = "0" * 64
MAX_PROBLEMS = 50  # verification reports the first ones; one is enough to fail


class Action(StrEnum):
    """What a record describes. Stored as the plain string."""

    LIST_UPDATED = "list.updated"
    LIST_CONFIRMED = "list.confirmed"
    LIST_ACCEPTED = "list.accepted"
    KEY_CREATED = "key.created"
    KEY_REVOKED = "key.revoked"
    USER_ADDED = "user.added"
    USER_CHANGED = "user.changed"
    REGISTER_ADDED = "register.added"
    REGISTER_UPDATED = "register.updated"
    REGISTER_REMOVED = "register.removed"
    SCREENING = "screening"
    ALERT_RAISED = "alert.raised"
    ALERT_CLOSED = "alert.closed"
    ALERT_ASSIGNED = "alert.assigned"
    DECISION_PROPOSED = "decision.proposed"
    DECISION_APPROVED = "decision.approved"
    DECISION_REJECTED = "decision.rejected"
    CASE_OPENED = "case.opened"
    CASE_CHANGED = "case.changed"
    COMMENT_ADDED = "comment.added"


_actor: ContextVar[str | None] = ContextVar("interdict_audit_actor", default=None)


def current_actor() -> str:
    """Who the records of this context are written for: set by `acting_as`, else the operating-system user."""
    actor = _actor.get()
    if actor:
        return actor
    try:
        return f"os:{getpass.getuser()}"
    except (KeyError, OSError):
        return "os:unknown"


@contextmanager
def acting_as(actor: str) -> Iterator[None]:
    """Attribute the records written in this block to `actor` (a user name, or e.g. 'key 3')."""
    token = _actor.set(actor)
    try:
        yield
    finally:
        _actor.reset(token)


@dataclass(frozen=True)
class Record:
    seq: int
    at: str
    actor: str
    action: str
    subject: str
    data: dict[str, Any]
    prev_hash: str
    hash: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "seq": self.seq,
            "at": self.at,
            "actor": self.actor,
            "action": self.action,
            "subject": self.subject,
            "data": self.data,
            "prev_hash": self.prev_hash,
            "hash": self.hash,
        }


def canonical(data: dict[str, Any]) -> str:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def record_hash(seq: int, at: str, actor: str, action: str, subject: str, data_text: str, prev_hash: str) -> str:
    body = json.dumps([seq, at, actor, action, subject, data_text, prev_hash], separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


def lock(conn: Connection) -> None:
    """Take the chain's lock for the rest of this transaction (a no-op update of the head row)."""
    conn.execute(update(audit_head).where(audit_head.c.id == 1).values(seq=audit_head.c.seq))


def append(conn: Connection, action: Action, subject: str, data: dict[str, Any] | None = None, actor: str | None = None) -> Record:
    """Append one record in the caller's transaction; it commits or rolls back with the change it describes."""
    lock(conn)
    head = conn.execute(select(audit_head.c.seq, audit_head.c.hash).where(audit_head.c.id == 1)).one()
    seq = int(head.seq) + 1
    at = _now()
    who = (actor or current_actor())[:200]
    data_text = canonical(data or {})
    digest = record_hash(seq, at, who, action.value, subject[:200], data_text, head.hash)
    conn.execute(
        insert(audit_log).values(seq=seq, at=at, actor=who, action=action.value, subject=subject[:200], data=data_text, prev_hash=head.hash, hash=digest)
    )
    conn.execute(update(audit_head).where(audit_head.c.id == 1).values(seq=seq, hash=digest))
    return Record(seq, at, who, action.value, subject[:200], data or {}, head.hash, digest)


@dataclass
class Verification:
    """What `verify` found: ok only when every record, link and the head agree (and the anchor, if given)."""

    records: int = 0
    head_seq: int = 0
    head_hash: str = GENESIS
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def to_dict(self) -> dict[str, Any]:
        return {"ok": self.ok, "records": self.records, "head": {"seq": self.head_seq, "hash": self.head_hash}, "problems": self.problems}


def verify(conn: Connection, anchor: tuple[int, str] | None = None) -> Verification:
    """Recompute the chain from its first record; see the module docstring for what each tampering breaks."""
    result = Verification()
    problems = result.problems

    def problem(message: str) -> None:
        if len(problems) < MAX_PROBLEMS:
            problems.append(message)

    expected_seq, prev = 1, GENESIS
    anchor_seen = False
    for row in conn.execute(select(audit_log).order_by(audit_log.c.seq)).yield_per(5000):
        result.records += 1
        if row.seq != expected_seq:
            problem(f"record {row.seq}: expected record {expected_seq} here; records {expected_seq}–{row.seq - 1} are missing")
        if row.prev_hash != prev:
            problem(f"record {row.seq}: its link to the record before does not match (deleted, reordered or edited records)")
        digest = record_hash(row.seq, row.at, row.actor, row.action, row.subject, row.data, row.prev_hash)
        if digest != row.hash:
            problem(f"record {row.seq}: its content does not hash to its stored hash (the record was edited)")
        if anchor is not None and row.seq == anchor[0]:
            anchor_seen = True
            if row.hash != anchor[1]:
                problem(f"record {row.seq}: its hash {row.hash[:16]}… is not the anchored {anchor[1][:16]}…")
        expected_seq, prev = row.seq + 1, row.hash
    head = conn.execute(select(audit_head.c.seq, audit_head.c.hash).where(audit_head.c.id == 1)).first()
    if head is None:
        problem("the chain's head row is missing")
    else:
        result.head_seq, result.head_hash = int(head.seq), head.hash
        if head.seq != expected_seq - 1 or head.hash != prev:
            problem(f"the head says record {head.seq} ({head.hash[:16]}…) but the log ends at record {expected_seq - 1} ({prev[:16]}…): records were deleted or added outside interdict")
    if anchor is not None and not anchor_seen:
        problem(f"the anchored record {anchor[0]} is not in the log (the log was cut short)")
    return result


def records(conn: Connection, since: str | None = None, until: str | None = None) -> Iterator[Record]:
    """Records in order, optionally those at or after `since` and before `until` (ISO dates or times, UTC)."""
    query = select(audit_log).order_by(audit_log.c.seq)
    if since:
        query = query.where(audit_log.c.at >= since)
    if until:
        query = query.where(audit_log.c.at < until)
    for row in conn.execute(query).yield_per(5000):
        yield Record(row.seq, row.at, row.actor, row.action, row.subject, json.loads(row.data), row.prev_hash, row.hash)


def head(conn: Connection) -> tuple[int, str]:
    row = conn.execute(select(audit_head.c.seq, audit_head.c.hash).where(audit_head.c.id == 1)).one()
    return int(row.seq), str(row.hash)


def about(conn: Connection, subjects: Iterable[str], limit: int = 5000) -> list[Record]:
    """The records about these subjects ("alert 12", "case 3", "party c-1"), oldest first: an alert's or a case's history.

    Reads only the rows asked for; the chain itself is checked by `verify`, not here. At most `limit` records (the
    newest are dropped first), so one page never reads an unbounded history."""
    wanted = sorted({subject[:200] for subject in subjects})
    found: list[Record] = []
    for start in range(0, len(wanted), 500):
        query = select(audit_log).where(audit_log.c.subject.in_(wanted[start : start + 500])).order_by(audit_log.c.seq).limit(limit)
        for row in conn.execute(query):
            found.append(Record(row.seq, row.at, row.actor, row.action, row.subject, json.loads(row.data), row.prev_hash, row.hash))
    found.sort(key=lambda record: record.seq)
    return found[:limit]
