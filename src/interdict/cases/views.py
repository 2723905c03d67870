"""What a person deciding alerts reads, gathered in one call each: the queue, an alert with its evidence, a case, the register.

The web UI's alert and watch pages are thin over these (and the CLI's
`alerts history` / `cases history`, the API's `/alerts/{id}/history`), so the
rules of what a page shows live here, not in templates:

- an alert's list entry is shown as the *loaded* lists hold it now, next to
  what the alert recorded; whether that entry is still the one decided on is
  said in words (`EntryState`), from the content hash the alert stored;
- a history is the audit log's records about the subject ("alert 12",
  "case 3"), never a second copy of it, so what the page shows is what
  `audit verify` vouches for;
- "last screened" of a register party is the newest screening record naming
  it (the newest `RECENT_SCREENINGS` register screenings are read, so a page
  costs the same however long the log is); list changes screened against the
  whole register since are shown beside it (`Register.list_changes`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from sqlalchemy import func, select

from ..errors import NotFoundError
from ..match.screener import Screener
from ..model import Entity
from ..store import audit
from ..store.schema import alerts, audit_log, monitored_snapshots, register_parties, snapshots
from . import register
from .alerts import UNASSIGNED, CaseStore, entry_facts
from .model import LIVE, Alert, AlertStatus, Case, Comment, Decision, DecisionState

RECENT_SCREENINGS = 2000  # register screening records read to find when each party was last screened
QUEUE_LIMIT = 200  # alerts per page of the queue


class EntryState(StrEnum):
    """The alert's list entry now, against the content the alert recorded."""

    SAME = "same"  # the loaded lists hold the entry with the content the alert was raised on
    CHANGED = "changed"  # the entry's content changed since (a suppressed pair re-alerts on this)
    GONE = "gone"  # the active lists no longer hold the entry (delisted, or a list not loaded)


ENTRY_STATE_TEXT = {
    EntryState.SAME: "unchanged since the alert was raised",
    EntryState.CHANGED: "changed since the alert was raised: read the entry again before deciding",
    EntryState.GONE: "no longer in the active lists",
}


@dataclass(frozen=True)
class QueueFilter:
    """The queue's filters, as a page's query string or a CLI's options give them ('' means any)."""

    status: str = "live"
    dataset: str = ""
    min_score: float | None = None
    assignee: str = ""  # a user name, or UNASSIGNED
    by_score: bool = False  # highest score first (else newest first)
    offset: int = 0
    limit: int = QUEUE_LIMIT

    def to_query(self) -> dict[str, str]:
        """The filters as a query string's values, for links (the next page) that keep them ('' status: any)."""
        values = {
            "list": self.dataset,
            "min_score": "" if self.min_score is None else f"{self.min_score:g}",
            "assignee": self.assignee,
        }
        return {
            "status": self.status,
            **{key: value for key, value in values.items() if value},
            **({"sort": "score"} if self.by_score else {}),
        }


@dataclass
class Queue:
    alerts: list[Alert]
    total: int  # alerts matching the filters (the page shows `alerts`, from `filter.offset`)
    filter: QueueFilter
    datasets: list[str]  # the lists alerts were raised on: the list filter's choices
    counts: dict[str, int]  # alerts per status, all filters aside


def queue(cases: CaseStore, wanted: QueueFilter) -> Queue:
    """One page of the alert queue, newest (or highest score) first, filtered in the database (InputError on a bad filter)."""
    filters: dict[str, Any] = {
        "status": wanted.status or None,
        "dataset": wanted.dataset or None,
        "min_score": wanted.min_score,
        "assignee": wanted.assignee or None,
    }
    found = cases.alerts(**filters, limit=max(1, min(wanted.limit, 1000)), offset=max(0, wanted.offset), by_score=wanted.by_score)
    return Queue(found, cases.count_alerts(**filters), wanted, cases.alert_datasets(), cases.counts())


@dataclass
class AlertView:
    alert: Alert
    decisions: list[Decision]
    pending: Decision | None  # the decision waiting for a supervisor, if any
    comments: list[Comment]
    entry: Entity | None  # the entry as the loaded lists hold it (None: not loaded)
    entry_state: EntryState
    history: list[audit.Record]
    party: register.RegisteredParty | None  # the register's party (an alert of origin register)
    case: Case | None
    others: list[Alert] = field(default_factory=list)  # the party's other alerts (the same person on other lists, often)

    @property
    def decidable(self) -> bool:
        """Whether an analyst may propose a decision now (open, or escalated and waiting for a further one)."""
        return self.alert.status in (AlertStatus.OPEN, AlertStatus.ESCALATED)

    @property
    def live(self) -> bool:
        return self.alert.status in LIVE


def alert_view(cases: CaseStore, screener: Screener, alert_id: int) -> AlertView:
    """One alert with everything its page shows (NotFoundError if there is no such alert)."""
    alert = cases.alert(alert_id)
    decisions = cases.decisions(alert_id)
    pending = next((d for d in decisions if d.state == DecisionState.PROPOSED), None)
    with cases.reading() as conn:
        now = entry_facts(conn, [alert.entity_id]).get(alert.entity_id)
        history = audit.about(conn, [f"alert {alert_id}"])
    state = EntryState.GONE if now is None else EntryState.SAME if now[1] == alert.entry_sha256 else EntryState.CHANGED
    position = screener.position(alert.entity_id)
    entry = None if position is None else screener.entity_at(position)
    party = register.party(cases, alert.party_id) if alert.origin == "register" else None
    case = cases.case(alert.case_id) if alert.case_id is not None else None
    others = [other for other in cases.alerts(party_id=alert.party_id, limit=51) if other.id != alert.id][:50]
    return AlertView(alert, decisions, pending, cases.comments(alert_id=alert_id), entry, state, history, party, case, others)


def alert_history(cases: CaseStore, alert_id: int) -> list[audit.Record]:
    """An alert's history from the audit log: raised, assigned, commented, proposed, approved, closed."""
    cases.alert(alert_id)
    with cases.reading() as conn:
        return audit.about(conn, [f"alert {alert_id}"])


@dataclass
class CaseView:
    case: Case
    alerts: list[Alert]
    comments: list[Comment]
    history: list[audit.Record]  # the case's records and those of every alert in it, in chain order


def case_view(cases: CaseStore, case_id: int) -> CaseView:
    """A case, its alerts and its whole history (NotFoundError if there is no such case)."""
    case = cases.case(case_id)
    members = [cases.alert(alert_id) for alert_id in case.alert_ids]
    with cases.reading() as conn:
        history = audit.about(conn, [f"case {case_id}", *(f"alert {alert_id}" for alert_id in case.alert_ids)])
    return CaseView(case, members, cases.comments(case_id=case_id), history)


def case_history(cases: CaseStore, case_id: int) -> list[audit.Record]:
    return case_view(cases, case_id).history


# --- the watch register ---------------------------------------------------------------------


@dataclass
class WatchedParty:
    party: register.RegisteredParty
    alerts: list[Alert]  # every alert raised on the party, newest first
    last_screened: str | None  # when the newest screening record naming the party was written (None: not among the recent ones)

    @property
    def screened(self) -> bool:
        """Whether its current version has been screened (else the next monitor run screens it)."""
        return self.party.screened_version == self.party.version

    @property
    def live_alerts(self) -> list[Alert]:
        return [alert for alert in self.alerts if alert.status in LIVE]


@dataclass
class ListChange:
    dataset: str
    snapshot_id: int
    loaded_at: str | None  # when that snapshot was loaded


@dataclass
class Register:
    parties: list[WatchedParty]
    total: int  # active (or removed) parties in all
    list_changes: list[ListChange] = field(
        default_factory=list
    )  # per list, the snapshot the whole register was last screened against
    next_after: str | None = None  # the last party id of this page, when more follow


def _last_screened(cases: CaseStore, party_ids: set[str]) -> dict[str, str]:
    found: dict[str, str] = {}
    query = (
        select(audit_log.c.at, audit_log.c.data)
        .where(audit_log.c.action == audit.Action.SCREENING.value, audit_log.c.subject == "register")
        .order_by(audit_log.c.seq.desc())
        .limit(RECENT_SCREENINGS)
    )
    with cases.reading() as conn:
        for row in conn.execute(query):
            try:
                named = json.loads(row.data).get("parties") or []
            except (ValueError, AttributeError):
                continue
            for item in named:
                pid = item[0] if isinstance(item, list) and item else None
                if pid in party_ids and pid not in found:
                    found[pid] = row.at
            if len(found) == len(party_ids):
                break
    return found


def watch_register(
    cases: CaseStore, status: register.PartyStatus = register.PartyStatus.ACTIVE, after: str = "", limit: int = 200
) -> Register:
    """One page of the register (id order, from after `after`), each party with its alerts and when it was last screened."""
    parties: list[register.RegisteredParty] = []
    more = False
    for party in register.parties(cases, status=status, batch=limit + 1, after=after):
        if len(parties) == limit:
            more = True
            break
        parties.append(party)
    ids = {party.party_id for party in parties}
    raised: dict[str, list[Alert]] = {pid: [] for pid in ids}
    with cases.reading() as conn:
        for start in range(0, len(ids), 500):
            chunk = sorted(ids)[start : start + 500]
            for row in conn.execute(select(alerts).where(alerts.c.party_id.in_(chunk)).order_by(alerts.c.id.desc())):
                raised[row.party_id].append(Alert.from_row(row))
    screened = _last_screened(cases, ids) if ids else {}
    with cases.reading() as conn:
        total = int(
            conn.execute(
                select(func.count()).select_from(register_parties).where(register_parties.c.status == status.value)
            ).scalar_one()
        )
        changes = [
            ListChange(row.dataset, row.snapshot_id, row.loaded_at)
            for row in conn.execute(
                select(monitored_snapshots.c.dataset, monitored_snapshots.c.snapshot_id, snapshots.c.loaded_at)
                .outerjoin(snapshots, snapshots.c.id == monitored_snapshots.c.snapshot_id)
                .order_by(monitored_snapshots.c.dataset)
            )
        ]
    rows = [WatchedParty(party, raised[party.party_id], screened.get(party.party_id)) for party in parties]
    return Register(rows, total, changes, parties[-1].party_id if more and parties else None)


@dataclass
class PartyView:
    party: register.RegisteredParty | None  # None: never in the register (alerts of recorded screenings only)
    versions: list[dict[str, Any]]  # every version: action, when, who, the data
    alerts: list[Alert]
    last_screened: str | None


def party_view(cases: CaseStore, party_id: str) -> PartyView:
    """A register party's history and every alert raised on it (NotFoundError if the id is unknown)."""
    party = register.party(cases, party_id)
    versions = register.history(cases, party_id)
    raised = cases.alerts(party_id=party_id, limit=1000)
    if party is None and not raised:
        raise NotFoundError(f"No party {party_id!r} in the register and no alert on it.")
    return PartyView(party, versions, raised, _last_screened(cases, {party_id}).get(party_id) if party else None)


__all__ = [
    "ENTRY_STATE_TEXT",
    "UNASSIGNED",
    "AlertView",
    "CaseView",
    "EntryState",
    "ListChange",
    "PartyView",
    "Queue",
    "QueueFilter",
    "Register",
    "WatchedParty",
    "alert_history",
    "alert_view",
    "case_history",
    "case_view",
    "party_view",
    "queue",
    "watch_register",
]
