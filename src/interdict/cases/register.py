"""The watch register: the customers and counterparties a team must keep screening.

A party is a row of the `screen-file` contract (`rows.py`) with a stable `id`.
Re-adding a party with other data makes a new version (the old ones stay in
`register_history`); re-adding it unchanged changes nothing. A removed party
keeps its history and its alerts and can be added again.

Every party carries the version it was last screened at (`screened_version`).
Writing a party and screening it are separate transactions, so a process
killed in between leaves the party *unscreened*, not forgotten: the next
`monitor` run screens every party whose screened version is behind.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from sqlalchemy import Connection, func, insert, select, update

from ..batch import Record
from ..errors import InputError
from ..rows import COLUMNS, read_row
from ..store import audit
from ..store.schema import register_history, register_parties
from .alerts import CaseStore, now, party_sha256

BATCH = 1000
MAX_ID = 200  # characters of a party id (the column's width)


class PartyStatus(StrEnum):
    ACTIVE = "active"
    REMOVED = "removed"


@dataclass(frozen=True)
class RegisteredParty:
    party_id: str
    version: int
    data: dict[str, Any]
    status: str
    added_at: str
    updated_at: str
    screened_version: int | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.party_id,
            "version": self.version,
            "status": self.status,
            "added_at": self.added_at,
            "updated_at": self.updated_at,
            "screened": self.screened_version == self.version,
            **{key: value for key, value in self.data.items() if key != "id"},
        }


@dataclass
class RegisterReport:
    """What `add` did, row by row where it matters: every input row is counted once."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: int = 0
    errors: list[tuple[int, str, str]] = field(default_factory=list)  # (line, id, why)

    @property
    def rows(self) -> int:
        return len(self.added) + len(self.updated) + self.unchanged + len(self.errors)

    def to_dict(self) -> dict[str, Any]:
        return {
            "rows": self.rows,
            "added": len(self.added),
            "updated": len(self.updated),
            "unchanged": self.unchanged,
            "errors": [{"line": line, "id": pid, "error": why} for line, pid, why in self.errors],
        }


def party_data(values: dict[str, object], line: int) -> dict[str, str]:
    """A raw row as the register keeps it (InputError naming the problem if it cannot be screened)."""
    lowered = {str(key).strip().lower(): value for key, value in values.items()}
    if not str(lowered.get("id") or "").strip():
        raise InputError("the register needs a stable `id` for every party (a customer or account number)")
    if len(str(lowered["id"]).strip()) > MAX_ID:
        raise InputError(f"the id is {len(str(lowered['id']).strip()):,} characters long; at most {MAX_ID}")
    row = read_row(values, line)
    if row.query is None:
        raise InputError(row.error or "this row cannot be screened")
    data = {"id": row.id}
    for column in COLUMNS[1:]:
        value = lowered.get(column)
        if value not in (None, ""):
            data[column] = str(value).strip()
    return data


def _party(row: Any) -> RegisteredParty:
    return RegisteredParty(row.party_id, row.version, json.loads(row.data), row.status, row.added_at, row.updated_at, row.screened_version)


def add(cases: CaseStore, records: Iterable[Record], progress: Callable[[int], None] | None = None) -> RegisterReport:
    """Add or update parties; one transaction (and one audit record listing them) per batch of rows."""
    report = RegisterReport()
    batch: list[tuple[int, dict[str, str]]] = []
    seen: dict[str, int] = {}
    done = 0
    for record in records:
        try:
            if record.error:
                raise InputError(record.error)
            data = party_data(record.values, record.line)
            if data["id"] in seen:
                raise InputError(f"id {data['id']!r} appears twice in the file (first on line {seen[data['id']]}); the later row is ignored")
            seen[data["id"]] = record.line
            batch.append((record.line, data))
        except InputError as exc:
            raw_id = str({str(k).strip().lower(): v for k, v in record.values.items()}.get("id") or record.line)
            report.errors.append((record.line, raw_id, str(exc)))
        if len(batch) >= BATCH:
            _write(cases, batch, report)
            done += len(batch)
            batch = []
            if progress:
                progress(done)
    if batch:
        _write(cases, batch, report)
        done += len(batch)
        if progress:
            progress(done)
    return report


def _write(cases: CaseStore, batch: list[tuple[int, dict[str, str]]], report: RegisterReport) -> None:
    added: list[str] = []
    updated: list[str] = []
    unchanged = 0
    changes: list[dict[str, Any]] = []
    with cases.writing("Adding parties to the watch register") as conn:
        ids = [data["id"] for _, data in batch]
        existing = {row.party_id: row for row in conn.execute(select(register_parties).where(register_parties.c.party_id.in_(ids)))}
        at = now()
        actor = audit.current_actor()
        new_rows: list[dict[str, Any]] = []
        history_rows: list[dict[str, Any]] = []
        for _, data in batch:
            pid = data["id"]
            digest = party_sha256(data)
            text = json.dumps(data, ensure_ascii=False, sort_keys=True)
            old = existing.get(pid)
            if old is not None and old.data_sha256 == digest and old.status == PartyStatus.ACTIVE.value:
                unchanged += 1
                continue
            version = 1 if old is None else old.version + 1
            action = "added" if old is None else "restored" if old.status == PartyStatus.REMOVED.value else "updated"
            if old is None:
                new_rows.append({"party_id": pid, "version": 1, "data": text, "data_sha256": digest, "status": PartyStatus.ACTIVE.value, "added_at": at, "updated_at": at})
                added.append(pid)
            else:
                conn.execute(
                    update(register_parties)
                    .where(register_parties.c.party_id == pid)
                    .values(version=version, data=text, data_sha256=digest, status=PartyStatus.ACTIVE.value, updated_at=at)
                )
                updated.append(pid)
            history_rows.append({"party_id": pid, "version": version, "data": text, "data_sha256": digest, "action": action, "at": at, "actor": actor})
            changes.append({"id": pid, "version": version, "sha256": digest, "action": action})
        if new_rows:
            conn.execute(insert(register_parties), new_rows)
        if history_rows:
            conn.execute(insert(register_history), history_rows)
        if changes:
            audit.append(conn, audit.Action.REGISTER_UPDATED if not added else audit.Action.REGISTER_ADDED, "register", {"parties": changes})
    report.added += added
    report.updated += updated
    report.unchanged += unchanged


def remove(cases: CaseStore, party_ids: Iterable[str]) -> tuple[list[str], list[str]]:
    """Remove parties (kept in history, alerts untouched): (removed, not found or already removed)."""
    removed: list[str] = []
    missing: list[str] = []
    with cases.writing("Removing parties from the watch register") as conn:
        at = now()
        for pid in dict.fromkeys(party_ids):
            row = conn.execute(select(register_parties).where(register_parties.c.party_id == pid)).first()
            if row is None or row.status == PartyStatus.REMOVED.value:
                missing.append(pid)
                continue
            conn.execute(
                update(register_parties).where(register_parties.c.party_id == pid).values(status=PartyStatus.REMOVED.value, version=row.version + 1, updated_at=at)
            )
            conn.execute(
                insert(register_history).values(
                    party_id=pid, version=row.version + 1, data=row.data, data_sha256=row.data_sha256, action="removed", at=at, actor=audit.current_actor()
                )
            )
            removed.append(pid)
        if removed:
            audit.append(conn, audit.Action.REGISTER_REMOVED, "register", {"parties": removed})
    return removed, missing


def parties(
    cases: CaseStore,
    status: PartyStatus | None = PartyStatus.ACTIVE,
    unscreened: bool = False,
    batch: int = 5000,
    updated_since: str | None = None,
    after: str = "",
) -> Iterator[RegisteredParty]:
    """Parties in id order, read in batches (the register may hold millions); `updated_since`: changed at or after it;
    `after`: only ids after this one (a page of the register)."""
    while True:
        query = select(register_parties).where(register_parties.c.party_id > after).order_by(register_parties.c.party_id).limit(batch)
        if status is not None:
            query = query.where(register_parties.c.status == status.value)
        if unscreened:
            query = query.where((register_parties.c.screened_version.is_(None)) | (register_parties.c.screened_version != register_parties.c.version))
        if updated_since is not None:
            query = query.where(register_parties.c.updated_at >= updated_since)
        with cases.reading() as conn:
            rows = conn.execute(query).all()
        if not rows:
            return
        for row in rows:
            yield _party(row)
        after = rows[-1].party_id


def party(cases: CaseStore, party_id: str) -> RegisteredParty | None:
    with cases.reading() as conn:
        row = conn.execute(select(register_parties).where(register_parties.c.party_id == party_id)).first()
    return _party(row) if row else None


def parties_by_id(cases: CaseStore, party_ids: Iterable[str]) -> dict[str, RegisteredParty]:
    """The parties with these ids (any status), read 500 at a time."""
    ids = sorted(set(party_ids))
    found: dict[str, RegisteredParty] = {}
    with cases.reading() as conn:
        for start in range(0, len(ids), 500):
            for row in conn.execute(select(register_parties).where(register_parties.c.party_id.in_(ids[start : start + 500]))):
                found[row.party_id] = _party(row)
    return found


def history(cases: CaseStore, party_id: str) -> list[dict[str, Any]]:
    query = select(register_history).where(register_history.c.party_id == party_id).order_by(register_history.c.version)
    with cases.reading() as conn:
        return [{"version": r.version, "action": r.action, "at": r.at, "actor": r.actor, "data": json.loads(r.data)} for r in conn.execute(query)]


def state(conn: Connection) -> tuple[int, int, str]:
    """(active parties, sum of versions, last change): changes whenever the register does; keys the register's index."""
    row = conn.execute(
        select(func.count(), func.coalesce(func.sum(register_parties.c.version), 0), func.coalesce(func.max(register_parties.c.updated_at), ""))
    ).one()
    return int(row[0]), int(row[1]), str(row[2])


def mark_screened(conn: Connection, party_id: str, version: int) -> None:
    conn.execute(
        update(register_parties).where(register_parties.c.party_id == party_id, register_parties.c.version == version).values(screened_version=version)
    )
