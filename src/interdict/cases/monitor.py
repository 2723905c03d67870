"""Ongoing monitoring: screen the register when it changes, and screen list changes against the register.

Two directions, one rule for what is an alert (a hit with `match: true`,
raised through `CaseStore.raise_alerts`, so suppression and "why it is back"
apply the same way):

- *parties → lists*: parties added or changed (and, on demand, the whole
  register: `rescreen_all`) are screened as any party is;
- *list changes → parties* (`catch_up`): when a list's snapshot is replaced,
  only the delta is screened — the entries added or whose stored content
  changed. The register is indexed like a list (`RegisterIndex`: the parties as
  entities, through `match.index.build_index`), each changed entry's names are
  looked up in it to find candidate parties (with a threshold below the match
  threshold, so retrieval asymmetries do not lose one), and every candidate is
  then scored the normal way, party as query against the entry
  (`Screener.score_entry`), so a delta alert is exactly the alert a full
  re-screen would raise. Identifiers are matched exactly through a map.
  Entries gone from the list close their live alerts as delisted;
- *derived status → parties* (also `catch_up`): an entry can become blocked
  through ownership (its owner newly designated, a new holding in relation
  data) or a relative of a designated person without its own content
  changing. `relations.reach.reach_digests` gives, per entry a screen reaches
  through, a digest of what it reaches; `monitored_reach` keeps the digests
  the register was last screened with, and every entry whose digest changed
  is looked up in the register index and scored as above. Its alerts say why:
  "derived status changed: now blocked through ownership (us) …".

`monitored_snapshots` records, per list, the snapshot the register was last
screened against; it moves in the same transaction as the delta's alerts. A
re-screen killed half-way therefore resumes from the same snapshot next time
(alerts already written are not raised twice: one live alert per pair), and a
list update never goes unscreened because the process that made it died.
The reach digests likewise move in the transaction of the alerts they raise.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import delete, insert, select, update

from ..batch import Record
from ..cores import forked_map
from ..match.index import INDEX_VERSION, build_index, load_index, save_index
from ..match.query import Query
from ..match.screener import Screener, Screening
from ..model import Entity, Identifier, IdentifierType, Name, NameKind, Schema
from ..relations.reach import reach_digests
from ..rows import read_row
from ..screening import code_fingerprint
from ..store import SnapshotStore, audit, data_home
from ..store.schema import monitored_reach, monitored_snapshots
from . import register
from .alerts import CaseStore, Party
from .model import Origin

MIN_PARALLEL = 50  # items below which forking workers costs more than it saves
SCREEN_BATCH = 200  # parties screened per transaction of alerts
CANDIDATE_MARGIN = 0.0  # candidates are retrieved at the match threshold (retrieval keeps its own margin below it), then scored exactly


@dataclass
class MonitorReport:
    screened: int = 0
    alerts: list[int] = field(default_factory=list)
    suppressed: int = 0
    already_open: int = 0
    already_decided: int = 0
    delisted: list[int] = field(default_factory=list)
    entries: int = 0  # changed list entries screened against the register
    candidates: int = 0  # (party, entry) pairs scored
    errors: list[str] = field(default_factory=list)
    lists: dict[str, dict[str, Any]] = field(default_factory=dict)
    derived: dict[str, Any] = field(default_factory=dict)  # entries whose reach-through changed, screened against the register

    def to_dict(self) -> dict[str, Any]:
        return {
            "screened": self.screened,
            "alerts": self.alerts,
            "suppressed": self.suppressed,
            "already_open": self.already_open,
            "already_decided": self.already_decided,
            "delisted": self.delisted,
            "entries": self.entries,
            "candidates": self.candidates,
            "lists": self.lists,
            "derived": self.derived,
            "errors": self.errors,
        }


def party_query(party: register.RegisteredParty) -> Query | None:
    return read_row(party.data, 0).query


def screen_parties(
    cases: CaseStore,
    screener: Screener,
    parties: Iterable[register.RegisteredParty],
    context: str,
    progress: Callable[[int], None] | None = None,
) -> MonitorReport:
    """Screen parties and raise their alerts; each batch's alerts and 'screened' marks commit together."""
    report = MonitorReport()
    batch: list[tuple[register.RegisteredParty, list[dict[str, Any]]]] = []

    def flush() -> None:
        with cases.writing("Recording the register's alerts") as conn:
            for party, hits in batch:
                raised = cases.raise_alerts(conn, Party(party.party_id, party.data, party.version), hits, Origin.REGISTER, context)
                _count(report, raised)
                register.mark_screened(conn, party.party_id, party.version)
            audit.append(conn, audit.Action.SCREENING, "register", {"parties": [[p.party_id, p.version] for p, _ in batch], "context": context})
        report.screened += len(batch)
        batch.clear()
        if progress:
            progress(report.screened)

    for party in parties:
        query = party_query(party)
        if query is None:
            report.errors.append(f"party {party.party_id}: cannot be screened")
            continue
        hits = [hit.to_dict() for hit in screener.screening(query).hits]
        batch.append((party, hits))
        if len(batch) >= SCREEN_BATCH:
            flush()
    if batch:
        flush()
    return report


def screen_unscreened(cases: CaseStore, screener: Screener, progress: Callable[[int], None] | None = None) -> MonitorReport:
    """Screen the parties added or changed since they were last screened (a run cut short resumes here)."""
    return screen_parties(cases, screener, list(register.parties(cases, unscreened=True)), "added to the register", progress)


def rescreen_all(cases: CaseStore, screener: Screener, progress: Callable[[int], None] | None = None) -> MonitorReport:
    """Screen every active party against the current lists (on demand; list changes use `catch_up`)."""
    return screen_parties(cases, screener, register.parties(cases), "full re-screen", progress)


def add_and_screen(
    cases: CaseStore, snapshots: SnapshotStore, screener: Screener | None, records: Iterable[Record]
) -> tuple[register.RegisterReport, MonitorReport | None]:
    """Add or update parties and, with a screener, screen every unscreened one at once (POST /monitor, the watch page).

    A first party marks the active snapshots as seen, so later list changes are screened as deltas."""
    mark_seen(cases, snapshots)
    report = register.add(cases, records)
    if screener is None:
        return report, None
    return report, screen_parties(cases, screener, list(register.parties(cases, unscreened=True)), "added to the register")


def screen_again(cases: CaseStore, screener: Screener, party_ids: Iterable[str]) -> MonitorReport:
    """Screen these active parties again now (a person asked to: the watch page's "screen again"); unknown or
    removed ids are named in the report's errors. A cleared false positive stays suppressed unless something changed."""
    wanted = list(dict.fromkeys(party_ids))
    found = register.parties_by_id(cases, wanted)
    active = [found[pid] for pid in wanted if pid in found and found[pid].status == register.PartyStatus.ACTIVE]
    report = screen_parties(cases, screener, active, "screened again on request")
    report.errors += [f"party {pid}: not an active party of the register" for pid in wanted if pid not in {p.party_id for p in active}]
    return report


def _count(report: MonitorReport, raised: Any) -> None:
    report.alerts += raised.alerts
    report.suppressed += raised.suppressed
    report.already_open += raised.already_open
    report.already_decided += raised.already_decided


# --- the register as an index ---------------------------------------------------


def party_entity(party: register.RegisteredParty) -> Entity | None:
    query = party_query(party)
    if query is None:
        return None
    names = [Name(full=name, kind=NameKind.PRIMARY if i == 0 else NameKind.ALIAS) for i, name in enumerate(query.names)]
    return Entity(
        id=party.party_id,
        dataset="register",
        source_id=party.party_id,
        schema=query.schema or Schema.LEGAL_ENTITY,
        names=names,
        birth_dates=list(query.birth_dates),
        nationalities=list(query.nationalities),
        countries=list(query.countries),
        identifiers=[Identifier(IdentifierType.REGISTRATION, value) for value in query.identifiers],  # a lookup type: indexed for exact finding
    )


class RegisterIndex:
    """The active parties as match indexes of their own (names, and id numbers as lookup identifiers).

    Two indexes: a large *base*, cached on disk and rebuilt rarely, and a small
    *recent* one of the parties added or changed since the base was built
    (built on every open). A register that changes every day therefore does not
    rebuild a million-party index every day; the base is rebuilt when the recent
    parties pass `REBUILD_SHARE` of it. A party the base holds but that changed
    or left since is harmless: candidates are re-read from the register and
    scored with their current data (removed parties are skipped).
    """

    REBUILD_SHARE = 0.1

    def __init__(self, screeners: list[Screener]):
        self.screeners = screeners

    @classmethod
    def open(cls, cases: CaseStore, progress: Callable[[str], None] | None = None, rebuild: bool = False) -> RegisterIndex:
        """Load the cached base index (building it when missing, stale or `rebuild`) and index the recent parties."""
        with cases.reading() as conn:
            count, _, last = register.state(conn)
        # The tokenisation code and tables shape an index's keys: a register indexed by other code would silently
        # disagree with the lists' side, so they are part of the version, as for the lists' index.
        version = f"{INDEX_VERSION}.{code_fingerprint()}"
        store_key = hashlib.sha256(f"{version}:{cases.engine.url}".encode()).hexdigest()[:16]
        path = data_home() / "cache" / f"register-{store_key}.idx"
        base = None if rebuild or not path.exists() else load_index(path)
        cutoff = base.build_key.split("|", 1)[1] if base is not None and base.build_key.startswith(f"{version}|") else None
        recent = list(register.parties(cases, updated_since=cutoff)) if cutoff is not None else []
        if cutoff is None or len(recent) > max(1000, cls.REBUILD_SHARE * count):
            if progress:
                progress(f"indexing the watch register ({count:,} parties)")
            base = build_index(
                (entity for entity in map(party_entity, register.parties(cases)) if entity is not None),
                build_key=f"{version}|{last}",  # parties changed at or after `last` go to the recent index
            )
            try:
                save_index(base, path)
            except OSError:
                pass  # a read-only home: rebuilt next time
            recent = list(register.parties(cases, updated_since=last))
        assert base is not None
        screeners = [Screener(base)]
        entities = [entity for entity in map(party_entity, recent) if entity is not None]
        if entities:
            screeners.append(Screener(build_index(entities, build_key="recent")))
        return cls(screeners)

    def candidates(self, entry: Entity) -> set[str]:
        """Party ids that may match a list entry: by name, loosely, and by identifier, exactly."""
        found: set[str] = set()
        names = [name.full for name in entry.names if name.full.strip()][:100]
        for screener in self.screeners:
            if names and screener.size:
                found.update(screener.candidates(Query(names=names), max(screener.threshold - CANDIDATE_MARGIN, 0.3)))
            for identifier in entry.identifiers:
                found.update(match.entity_id for match in screener.find_identifier(identifier.value))
        return found


# --- list changes -----------------------------------------------------------------


def catch_up(
    cases: CaseStore,
    snapshots: SnapshotStore,
    screener: Screener,
    progress: Callable[[str], None] | None = None,
    index: RegisterIndex | None = None,
    workers: int = 1,
) -> MonitorReport:
    """Screen every list change the register has not been screened against yet (see the module docstring).

    `workers` > 1 looks candidates up and scores them in that many forked processes, which share the
    indexes' memory with this one (copy-on-write); only the database work stays here."""
    report = MonitorReport()
    with cases.reading() as conn:
        pointers = {row.dataset: row.snapshot_id for row in conn.execute(select(monitored_snapshots))}
        has_parties = register.state(conn)[0] > 0
    scored_entries: set[str] = set()  # entries scored against the register in this run (as the screener reaches them)
    stale = False
    for snap in snapshots.active_snapshots():
        previous = pointers.get(snap.dataset)
        if previous == snap.id:
            continue
        if not has_parties:
            _move_pointer(cases, snap.dataset, snap.id, previous, {})
            continue
        before = snapshots.entry_digests(previous) if previous is not None else {}
        after = snapshots.entry_digests(snap.id)
        changed = sorted(entity_id for entity_id, digest in after.items() if before.get(entity_id) != digest)
        removed = sorted(set(before) - set(after))
        if any(screener.position(entity_id) is None for entity_id in changed[:50]):
            report.errors.append(f"{snap.dataset}: the screener is older than snapshot {snap.id}; open a fresh one and run again")
            stale = True
            continue
        if progress:
            progress(f"{snap.dataset}: screening {len(changed):,} new or changed entries against the register")
        if index is None:
            index = RegisterIndex.open(cases, progress)
        pairs: dict[str, list[dict[str, Any]]] = {}
        entries = snapshots.entities_of(snap.id, changed)
        for entry, found in zip(entries, _in_workers(_candidates_of, entries, workers, (index, screener))):
            for party_id in found:
                pairs.setdefault(party_id, []).append({"entity_id": entry.id})
        scored = _score_pairs(cases, screener, pairs, workers, index)
        report.entries += len(changed)
        report.candidates += sum(len(items) for items in pairs.values())
        scored_entries.update(changed)
        summary: dict[str, Any] = {"snapshot_id": snap.id, "previous_snapshot_id": previous, "changed": len(changed), "removed": len(removed), "alerts": 0}
        with cases.writing(f"Recording the re-screen of {snap.dataset}") as conn:
            for party, hits in scored:
                raised = cases.raise_alerts(conn, party, hits, Origin.REGISTER, f"list change: {snap.dataset} snapshot {snap.id}")
                _count(report, raised)
                summary["alerts"] += len(raised.alerts)
            delisted = cases.delist(conn, removed, snap.id, snap.dataset)
            report.delisted += delisted
            summary["delisted"] = len(delisted)
            _set_pointer(conn, snap.dataset, snap.id, previous is not None)
            audit.append(conn, audit.Action.SCREENING, f"list change {snap.dataset}", summary)
        report.lists[snap.dataset] = summary
    # Digests of a screener older than the lists would be recorded as screened: wait for a fresh one. An empty
    # register has nothing to screen (and the reach table costs a graph): its first parties are screened whole
    # when added, and the first catch-up after that records the digests (screening each reaching entry once).
    if has_parties and not stale:
        _screen_derived(cases, screener, report, index, workers, progress, scored_entries)
    return report


def _screen_derived(
    cases: CaseStore,
    screener: Screener,
    report: MonitorReport,
    index: RegisterIndex | None,
    workers: int,
    progress: Callable[[str], None] | None,
    scored: set[str],
) -> None:
    """Screen the entries whose reach-through changed since the register was last screened, and record the digests."""
    current = reach_digests(screener)
    with cases.reading() as conn:
        stored = {row.entity_id: row.digest for row in conn.execute(select(monitored_reach))}
    changed = sorted(entity_id for entity_id in current.keys() | stored.keys() if current.get(entity_id) != stored.get(entity_id))
    if not changed:
        return
    # entries no longer reaching anything are screened too: a hit on a list entry stays a hit, without the relation
    due = [entity_id for entity_id in changed if entity_id not in scored and screener.position(entity_id) is not None]
    pairs: dict[str, list[dict[str, Any]]] = {}
    if due:
        if progress:
            progress(f"screening {len(due):,} entries whose derived status changed against the register")
        if index is None:
            index = RegisterIndex.open(cases, progress)
        entries = [screener.entity(entity_id) for entity_id in due]
        for entry, found in zip(entries, _in_workers(_candidates_of, entries, workers, (index, screener))):
            for party_id in found:
                pairs.setdefault(party_id, []).append({"entity_id": entry.id})
    results = _score_pairs(cases, screener, pairs, workers, index) if pairs else []
    summary: dict[str, Any] = {"changed": len(changed), "screened": len(due), "alerts": 0}
    with cases.writing("Recording the re-screen of derived statuses") as conn:
        for party, hits in results:
            for hit in hits:  # one reason per entry: what it reaches now
                raised = cases.raise_alerts(conn, party, [hit], Origin.REGISTER, derived_reason(hit))
                _count(report, raised)
                summary["alerts"] += len(raised.alerts)
        _store_digests(conn, stored, current)
        audit.append(conn, audit.Action.SCREENING, "derived status", {**summary, "entries": changed[:1000]})
    report.entries += len(due)
    report.candidates += sum(len(items) for items in pairs.values())
    report.derived = summary


def derived_reason(hit: dict[str, Any]) -> str:
    """Why an entry whose derived status changed alerts: what a hit on it reaches now."""
    relation = hit.get("relation")
    if not isinstance(relation, dict):
        return "derived status changed: no longer reached through ownership, control or relations (a hit on the entry itself)"
    if relation.get("status") == "related":
        return f"derived status changed: now {relation.get('summary', 'related to a designated person')}"
    jurisdiction = ", ".join(str(code) for code in relation.get("jurisdictions") or [relation.get("jurisdiction", "")] if code)
    where = f" ({jurisdiction})" if jurisdiction else ""
    return f"derived status changed: now {relation.get('status', 'blocked')} through {relation.get('type', 'ownership')}{where}: {relation.get('path') or relation.get('summary', '')}"


def _store_digests(conn: Any, stored: dict[str, str], current: dict[str, str]) -> None:
    gone = [entity_id for entity_id in stored if entity_id not in current]
    for start in range(0, len(gone), 500):
        conn.execute(delete(monitored_reach).where(monitored_reach.c.entity_id.in_(gone[start : start + 500])))
    new = [{"entity_id": entity_id, "digest": digest} for entity_id, digest in current.items() if entity_id not in stored]
    if new:
        conn.execute(insert(monitored_reach), new)
    for entity_id, digest in current.items():
        if entity_id in stored and stored[entity_id] != digest:
            conn.execute(update(monitored_reach).where(monitored_reach.c.entity_id == entity_id).values(digest=digest))


def mark_seen(cases: CaseStore, snapshots: SnapshotStore) -> None:
    """With an empty register there is nothing to screen: record the active snapshots as seen, so the parties
    added later are screened against later changes only (they are screened against these when added)."""
    with cases.reading() as conn:
        pointers = {row.dataset: row.snapshot_id for row in conn.execute(select(monitored_snapshots))}
        if register.state(conn)[0] > 0:
            return
    for snap in snapshots.active_snapshots():
        if pointers.get(snap.dataset) != snap.id:
            _move_pointer(cases, snap.dataset, snap.id, pointers.get(snap.dataset), {})


def _score_pairs(
    cases: CaseStore, screener: Screener, pairs: dict[str, list[dict[str, Any]]], workers: int = 1, index: RegisterIndex | None = None
) -> list[tuple[Party, list[dict[str, Any]]]]:
    """Score each candidate party against its entries as a screen would; (party, hits) for the matches."""
    current = register.parties_by_id(cases, pairs)
    jobs = [
        (Party(party.party_id, party.data, party.version), [str(item["entity_id"]) for item in pairs[party.party_id]])
        for party in (current.get(party_id) for party_id in sorted(pairs))
        if party is not None and party.status == register.PartyStatus.ACTIVE
    ]
    results = _in_workers(_hits_of, jobs, workers, (index, screener))
    return [(party, hits) for (party, _), hits in zip(jobs, results) if hits]


# --- work in forked processes -------------------------------------------------------

Shared = tuple[RegisterIndex | None, Screener]  # what the forked workers read: the register's index, the screener


def _candidates_of(shared: Shared, entries: Sequence[Entity]) -> list[set[str]]:
    index = shared[0]
    assert index is not None
    return [index.candidates(entry) for entry in entries]


def _hits_of(shared: Shared, jobs: Sequence[tuple[Party, list[str]]]) -> list[list[dict[str, Any]]]:
    return [_party_hits(shared[1], party, entity_ids) for party, entity_ids in jobs]


def _party_hits(screener: Screener, party: Party, entity_ids: list[str]) -> list[dict[str, Any]]:
    query = read_row(party.data, 0).query
    if query is None:
        return []
    found = [hit for hit in (screener.score_entry(query, entity_id) for entity_id in entity_ids) if hit is not None]
    if screener.reach is not None:
        # the step every screen ends with: a node of the user's relation data alerts only when it reaches a
        # designated party, and a hit that does carries its relation and path (as a full screen would)
        found = screener.reach(Screening(hits=found, matches=sum(hit.match for hit in found))).hits
    return [hit.to_dict() for hit in found if hit.match]


def _in_workers(function: Callable[[Shared, Sequence[Any]], list[Any]], items: list[Any], workers: int, shared: Shared) -> list[Any]:
    """`function` over `items`, in order, in this process or in `workers` forked ones (large batches only). A worker
    that dies fails the run with an InterdictError before any pointer moves: the next run screens the change again."""
    if len(items) < MIN_PARALLEL:
        workers = 1
    return list(forked_map(function, items, workers, max(1, len(items) // (max(1, workers) * 8)), shared))


def _set_pointer(conn: Any, dataset: str, snapshot_id: int, exists: bool) -> None:
    if exists:
        conn.execute(update(monitored_snapshots).where(monitored_snapshots.c.dataset == dataset).values(snapshot_id=snapshot_id))
    else:
        conn.execute(insert(monitored_snapshots).values(dataset=dataset, snapshot_id=snapshot_id))


def _move_pointer(cases: CaseStore, dataset: str, snapshot_id: int, previous: int | None, summary: dict[str, Any]) -> None:
    with cases.writing(f"Recording that {dataset} was screened") as conn:
        _set_pointer(conn, dataset, snapshot_id, previous is not None)
