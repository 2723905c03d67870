"""Alerts and their four-eyes decisions, in the store: every change is one transaction with its audit record.

Why the rules live here and in the tables rather than in a front-end:
- *maker ≠ checker*: `approve` refuses the proposer, and the decisions table's
  CHECK constraint `maker_is_not_checker` refuses the row even if some other
  code path tried;
- *one winner*: every change of an alert is an UPDATE guarded by the version
  the caller read (`WHERE version = :seen`), and the table allows one proposed
  decision per alert (a partial unique index). The loser of a race gets a
  ConflictError naming what changed, never a silent overwrite;
- *one live alert per (party, entry)* from monitoring: a partial unique index,
  so two re-screens racing cannot raise the same alert twice.

Each transaction first takes the audit chain's lock (`audit.lock`), which
serialises writers on SQLite and PostgreSQL alike before anything is read.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Engine, and_, func, insert, or_, select, update
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from ..errors import ConflictError, ForbiddenError, InputError, InterdictError, NotFoundError, StoreError
from ..store import audit, migrate, users
from ..store.schema import active, alerts, cases, comments, decisions, entities, suppressions
from ..store.schema import users as users_table
from .model import LIVE, OUTCOME_STATUS, Alert, AlertStatus, Case, Comment, Decision, DecisionState, Origin, Outcome

MAX_REASON = 4000
UNASSIGNED = "-"  # the assignee filter's value for alerts nobody is assigned to (`users.check_name` refuses "-" as a name)


def now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def party_sha256(data: dict[str, Any]) -> str:
    """Digest of a party's screened data (its id excluded): a changed digest re-alerts a suppressed pair."""
    content = {key: value for key, value in sorted(data.items()) if key != "id" and value not in (None, "")}
    return hashlib.sha256(json.dumps(content, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


@dataclass(frozen=True)
class Party:
    """Who was screened: the register's party (with its version) or a recorded one-off screening's row."""

    party_id: str
    data: dict[str, Any]
    version: int | None = None

    @property
    def sha256(self) -> str:
        return party_sha256(self.data)


@dataclass
class Raised:
    """What raising a party's hits did."""

    alerts: list[int]
    suppressed: int = 0
    already_open: int = 0
    already_decided: int = 0


def _reason(exc: SQLAlchemyError) -> str:
    orig = getattr(exc, "orig", None)
    return f"{exc.__class__.__name__}: {orig if orig is not None else exc}"


def _check_text(value: str, what: str) -> str:
    value = value.strip()
    if not value:
        raise InputError(f"{what} is required: say why, in a sentence a supervisor can read later.")
    if len(value) > MAX_REASON:
        raise InputError(f"{what} is {len(value):,} characters long; at most {MAX_REASON:,}.")
    return value


def entry_facts(conn: Connection, entity_ids: Iterable[str]) -> dict[str, tuple[int, str]]:
    """Per entry id in the active lists: (its snapshot, the SHA-256 of its stored content)."""
    ids = sorted(set(entity_ids))
    found: dict[str, tuple[int, str]] = {}
    for start in range(0, len(ids), 500):
        query = (
            select(entities.c.entity_id, entities.c.snapshot_id, entities.c.data)
            .join(active, active.c.snapshot_id == entities.c.snapshot_id)
            .where(entities.c.entity_id.in_(ids[start : start + 500]))
        )
        for row in conn.execute(query):
            found[row.entity_id] = (row.snapshot_id, hashlib.sha256(bytes(row.data)).hexdigest())
    return found


class CaseStore:
    """Alerts, decisions, cases and comments in the interdict database (SQLite or PostgreSQL)."""

    def __init__(self, engine: Engine):
        self.engine = engine
        try:
            migrate.upgrade(engine)
        except SQLAlchemyError as exc:
            raise StoreError(f"Cannot open the case tables at {engine.url!r}: {_reason(exc)}. Check --db.") from None

    # --- transactions -------------------------------------------------------

    @contextmanager
    def writing(self, what: str) -> Iterator[Connection]:
        """One transaction holding the audit lock; database failures become StoreError, nothing half-written."""
        try:
            with self.engine.begin() as conn:
                audit.lock(conn)
                yield conn
        except InterdictError:
            raise
        except IntegrityError as exc:
            raise ConflictError(f"{what}: refused by the database ({_reason(exc)}); nothing was changed. Reload and try again.") from None
        except SQLAlchemyError as exc:
            raise StoreError(f"{what} failed ({_reason(exc)}); nothing was changed.") from None

    @contextmanager
    def reading(self) -> Iterator[Connection]:
        try:
            with self.engine.connect() as conn:
                yield conn
        except SQLAlchemyError as exc:
            raise StoreError(f"Reading the case tables failed ({_reason(exc)}).") from None

    # --- raising ------------------------------------------------------------

    def raise_alerts(self, conn: Connection, party: Party, hits: Sequence[dict[str, Any]], origin: Origin, context: str = "") -> Raised:
        """Turn a party's matching hits into alerts, in the caller's transaction (see `raise_for`)."""
        matching = [hit for hit in hits if hit.get("match")]
        result = Raised([])
        if not matching:
            return result
        facts = entry_facts(conn, [str(hit["entity_id"]) for hit in matching])
        for hit in matching:
            entity_id = str(hit["entity_id"])
            if entity_id not in facts:
                continue  # the index is older than the active lists and the entry is gone: the next re-screen settles it
            snapshot_id, entry_sha = facts[entity_id]
            reason = f"screening: {context}" if origin == Origin.SCREENING else context or "new hit"
            if origin == Origin.REGISTER:
                verdict = self._register_verdict(conn, party, entity_id, entry_sha)
                if verdict is None:
                    result.already_open += 1
                    continue
                if verdict == "suppressed":
                    result.suppressed += 1
                    continue
                if verdict == "decided":
                    result.already_decided += 1
                    continue
                if verdict:
                    reason = f"{verdict}; {reason}" if context else verdict
            values = {
                "origin": origin.value,
                "party_id": party.party_id,
                "party_version": party.version,
                "party_sha256": party.sha256,
                "party_data": json.dumps(party.data, ensure_ascii=False, sort_keys=True),
                "entity_id": entity_id,
                "dataset": str(hit.get("dataset") or entity_id.split("-", 1)[0]),
                "entry_sha256": entry_sha,
                "snapshot_id": snapshot_id,
                "score": float(hit.get("score") or 0.0),
                "match": True,
                "explanation": str(hit.get("explanation") or ""),
                "hit": json.dumps(hit, ensure_ascii=False, sort_keys=True, default=str),
                "status": AlertStatus.OPEN.value,
                "reason": reason,
                "version": 1,
                "created_at": now(),
            }
            inserted = conn.execute(insert(alerts).values(**values)).inserted_primary_key
            assert inserted is not None
            alert_id = int(inserted[0])
            result.alerts.append(alert_id)
            audit.append(
                conn,
                audit.Action.ALERT_RAISED,
                f"alert {alert_id}",
                {
                    "party_id": party.party_id,
                    "party_version": party.version,
                    "party_sha256": party.sha256,
                    "entity_id": entity_id,
                    "entry_sha256": entry_sha,
                    "snapshot_id": snapshot_id,
                    "score": values["score"],
                    "origin": origin.value,
                    "reason": reason,
                },
            )
        return result

    def _register_verdict(self, conn: Connection, party: Party, entity_id: str, entry_sha: str) -> str | None:
        """None: a live alert exists; 'suppressed' / 'decided': nothing changed since; else why it is (back) ('' new)."""
        pair = and_(alerts.c.origin == Origin.REGISTER.value, alerts.c.party_id == party.party_id, alerts.c.entity_id == entity_id)
        live = conn.execute(select(alerts.c.id).where(pair, alerts.c.status.in_([s.value for s in LIVE]))).first()
        if live is not None:
            return None
        good = conn.execute(select(suppressions).where(suppressions.c.party_id == party.party_id, suppressions.c.entity_id == entity_id)).first()
        if good is not None:
            if good.party_sha256 == party.sha256 and good.entry_sha256 == entry_sha:
                return "suppressed"
            changed = [
                what
                for what, same in (("the party's data", good.party_sha256 == party.sha256), ("the list entry's content", good.entry_sha256 == entry_sha))
                if not same
            ]
            return f"back after false positive (decision {good.decision_id}): {' and '.join(changed)} changed since"
        last = conn.execute(select(alerts).where(pair).order_by(alerts.c.id.desc()).limit(1)).first()
        if last is None:
            return ""
        if last.status == AlertStatus.TRUE_MATCH.value and last.party_sha256 == party.sha256 and last.entry_sha256 == entry_sha:
            return "decided"
        if last.status == AlertStatus.DELISTED.value:
            return f"listed again (alert {last.id} was closed as delisted)"
        return f"changed since alert {last.id} ({last.status})"

    def raise_for(self, party: Party, hits: Sequence[dict[str, Any]], origin: Origin, context: str = "") -> Raised:
        """Raise a party's alerts in a transaction of their own."""
        with self.writing(f"Recording alerts for {party.party_id}") as conn:
            return self.raise_alerts(conn, party, hits, origin, context)

    def delist(self, conn: Connection, entity_ids: Iterable[str], snapshot_id: int, dataset: str) -> list[int]:
        """Close the live alerts on entries a new snapshot no longer holds, naming that snapshot."""
        closed: list[int] = []
        ids = sorted(set(entity_ids))
        for start in range(0, len(ids), 500):
            rows = conn.execute(
                select(alerts.c.id, alerts.c.version, alerts.c.entity_id).where(
                    alerts.c.entity_id.in_(ids[start : start + 500]), alerts.c.status.in_([s.value for s in LIVE])
                )
            ).all()
            for row in rows:
                reason = f"delisted: {row.entity_id} is not in snapshot {snapshot_id} of {dataset}"
                conn.execute(
                    update(alerts)
                    .where(alerts.c.id == row.id)
                    .values(status=AlertStatus.DELISTED.value, closed_at=now(), closed_snapshot_id=snapshot_id, closed_reason=reason, version=alerts.c.version + 1)
                )
                conn.execute(
                    update(decisions)
                    .where(decisions.c.alert_id == row.id, decisions.c.state == DecisionState.PROPOSED.value)
                    .values(state=DecisionState.WITHDRAWN.value, note="the alert closed as delisted before it was checked")
                )
                audit.append(conn, audit.Action.ALERT_CLOSED, f"alert {row.id}", {"status": "delisted", "snapshot_id": snapshot_id, "entity_id": row.entity_id})
                closed.append(row.id)
        return closed

    # --- reading ------------------------------------------------------------

    def alert(self, alert_id: int) -> Alert:
        with self.reading() as conn:
            return self._alert(conn, alert_id)

    def _alert(self, conn: Connection, alert_id: int) -> Alert:
        row = conn.execute(select(alerts).where(alerts.c.id == alert_id)).first()
        if row is None:
            raise NotFoundError(f"No alert {alert_id}; `interdict alerts list` shows them.")
        return Alert.from_row(row)

    def alerts(
        self,
        status: str | None = None,
        party_id: str | None = None,
        entity_id: str | None = None,
        case_id: int | None = None,
        limit: int | None = None,
        dataset: str | None = None,
        min_score: float | None = None,
        assignee: str | None = None,
        offset: int = 0,
        by_score: bool = False,
    ) -> list[Alert]:
        """Alerts, newest first (`by_score`: highest score first, then newest). `status` is a status, or 'live' for
        open, pending and escalated ones; `dataset` the list the entry is on; `min_score` the lowest score kept;
        `assignee` a user name, or UNASSIGNED."""
        query = self._filtered(select(alerts), status, party_id, entity_id, case_id, dataset, min_score, assignee)
        query = query.order_by(alerts.c.score.desc(), alerts.c.id.desc()) if by_score else query.order_by(alerts.c.id.desc())
        if limit:
            query = query.limit(limit)
        if offset:
            query = query.offset(offset)
        with self.reading() as conn:
            return [Alert.from_row(row) for row in conn.execute(query)]

    def count_alerts(
        self,
        status: str | None = None,
        party_id: str | None = None,
        entity_id: str | None = None,
        case_id: int | None = None,
        dataset: str | None = None,
        min_score: float | None = None,
        assignee: str | None = None,
    ) -> int:
        """How many alerts `alerts` would list with these filters and no limit (a queue says "N of M")."""
        query = self._filtered(select(func.count()).select_from(alerts), status, party_id, entity_id, case_id, dataset, min_score, assignee)
        with self.reading() as conn:
            return int(conn.execute(query).scalar_one())

    @staticmethod
    def _filtered(
        query: Any,
        status: str | None,
        party_id: str | None,
        entity_id: str | None,
        case_id: int | None,
        dataset: str | None,
        min_score: float | None,
        assignee: str | None,
    ) -> Any:
        if status == "live":
            query = query.where(alerts.c.status.in_([s.value for s in LIVE]))
        elif status:
            try:
                query = query.where(alerts.c.status == AlertStatus(status).value)
            except ValueError:
                raise InputError(f"Unknown alert status {status!r}; use live or one of {', '.join(s.value for s in AlertStatus)}.") from None
        if party_id:
            query = query.where(alerts.c.party_id == party_id)
        if entity_id:
            query = query.where(alerts.c.entity_id == entity_id)
        if case_id is not None:
            query = query.where(alerts.c.case_id == case_id)
        if dataset:
            query = query.where(alerts.c.dataset == dataset)
        if min_score is not None:
            if not 0.0 <= min_score <= 1.0:
                raise InputError(f"A minimum score is between 0 and 1; got {min_score}.")
            query = query.where(alerts.c.score >= min_score)
        if assignee == UNASSIGNED:
            query = query.where(alerts.c.assignee.is_(None))
        elif assignee:
            query = query.where(alerts.c.assignee == assignee)
        return query

    def alert_datasets(self) -> list[str]:
        """The lists alerts were raised on (the choices of a queue's list filter)."""
        with self.reading() as conn:
            return [str(row[0]) for row in conn.execute(select(alerts.c.dataset).distinct().order_by(alerts.c.dataset))]

    def counts(self) -> dict[str, int]:
        with self.reading() as conn:
            return {row.status: row.n for row in conn.execute(select(alerts.c.status, func.count().label("n")).group_by(alerts.c.status))}

    def decisions(self, alert_id: int | None = None, state: str | None = None) -> list[Decision]:
        maker, checker = users_table.alias("maker"), users_table.alias("checker")
        query = (
            select(decisions, maker.c.name.label("maker"), checker.c.name.label("checker"))
            .join(maker, maker.c.id == decisions.c.proposed_by)
            .outerjoin(checker, checker.c.id == decisions.c.checked_by)
            .order_by(decisions.c.id)
        )
        if alert_id is not None:
            query = query.where(decisions.c.alert_id == alert_id)
        if state:
            query = query.where(decisions.c.state == state)
        with self.reading() as conn:
            return [
                Decision(row.id, row.alert_id, row.outcome, row.reason, row.maker, row.proposed_at, row.state, row.checker, row.checked_at, row.note)
                for row in conn.execute(query)
            ]

    def suppressions(self) -> list[dict[str, Any]]:
        with self.reading() as conn:
            return [dict(row._mapping) for row in conn.execute(select(suppressions).order_by(suppressions.c.party_id, suppressions.c.entity_id))]

    def good_guy_pairs(self) -> list[tuple[str, str]]:
        """(party name, list entry id) of every suppression in force, the name as the approved alert had it.

        For tools that test screening with the good-guy list in force (the effectiveness test): they screen names,
        not register parties, so a suppression is applied to the name the four-eyes decision was taken on."""
        query = (
            select(alerts.c.party_data, suppressions.c.entity_id)
            .select_from(suppressions.join(decisions, decisions.c.id == suppressions.c.decision_id).join(alerts, alerts.c.id == decisions.c.alert_id))
            .order_by(suppressions.c.party_id, suppressions.c.entity_id)
        )
        pairs: list[tuple[str, str]] = []
        with self.reading() as conn:
            for row in conn.execute(query):
                try:
                    name = json.loads(row.party_data).get("name")
                except (ValueError, AttributeError):
                    name = None
                if isinstance(name, str) and name.strip():
                    pairs.append((name, row.entity_id))
        return pairs

    # --- decisions ----------------------------------------------------------

    def propose(self, alert_id: int, user: str, outcome: Outcome | str, reason: str, version: int | None = None) -> Decision:
        """An analyst proposes a decision; the alert waits for a supervisor. `version`: the alert's version the
        analyst saw (ConflictError if it changed since); without it, the current one."""
        try:
            outcome = Outcome(outcome)
        except ValueError:
            raise InputError(f"Unknown outcome {outcome!r}; use one of {', '.join(o.value for o in Outcome)}.") from None
        reason = _check_text(reason, "A reason")
        with self.writing(f"Proposing a decision on alert {alert_id}") as conn:
            maker = users.find(conn, user)
            if not maker.can("analyst"):
                raise ForbiddenError(f"User {maker.name} ({maker.role}{', disabled' if not maker.active else ''}) cannot propose decisions; an analyst can.")
            alert = self._alert(conn, alert_id)
            seen = alert.version if version is None else version
            if alert.version != seen:
                raise ConflictError(f"Alert {alert_id} changed since you read it (version {seen}, now {alert.version}, {alert.status}); reload it and decide again.")
            if alert.status not in (AlertStatus.OPEN, AlertStatus.ESCALATED):
                raise ConflictError(self._why_not_open(conn, alert))
            moved = conn.execute(
                update(alerts).where(alerts.c.id == alert_id, alerts.c.version == seen).values(status=AlertStatus.PENDING.value, version=seen + 1)
            ).rowcount
            if moved != 1:
                raise ConflictError(f"Alert {alert_id} was changed by someone else at the same moment; reload it and decide again.")
            inserted = conn.execute(
                insert(decisions).values(
                    alert_id=alert_id, outcome=outcome.value, reason=reason, proposed_by=maker.id, proposed_at=now(), state=DecisionState.PROPOSED.value
                )
            ).inserted_primary_key
            assert inserted is not None
            decision_id = int(inserted[0])
            audit.append(conn, audit.Action.DECISION_PROPOSED, f"alert {alert_id}", {"decision": decision_id, "outcome": outcome.value, "reason": reason}, actor=maker.name)
        return self.decision(decision_id)

    def _why_not_open(self, conn: Connection, alert: Alert) -> str:
        if alert.status == AlertStatus.PENDING:
            row = conn.execute(
                select(decisions.c.id, decisions.c.outcome, users_table.c.name)
                .join(users_table, users_table.c.id == decisions.c.proposed_by)
                .where(decisions.c.alert_id == alert.id, decisions.c.state == DecisionState.PROPOSED.value)
            ).first()
            who = f" (decision {row.id}: {row.outcome}, proposed by {row.name})" if row else ""
            return f"Alert {alert.id} already has a decision waiting for a supervisor{who}; approve or reject it first."
        return f"Alert {alert.id} is closed ({alert.status}); nothing to decide."

    def decision(self, decision_id: int) -> Decision:
        found = [item for item in self.decisions() if item.id == decision_id]
        if not found:
            raise NotFoundError(f"No decision {decision_id}; `interdict alerts show ID` lists an alert's decisions.")
        return found[0]

    def approve(self, decision_id: int, user: str, note: str = "") -> Decision:
        """A supervisor (never the proposer) approves: the alert takes the decision's outcome."""
        return self._check(decision_id, user, DecisionState.APPROVED, note)

    def reject(self, decision_id: int, user: str, note: str) -> Decision:
        """A supervisor (never the proposer) rejects: the alert is open again for another proposal."""
        return self._check(decision_id, user, DecisionState.REJECTED, _check_text(note, "A note saying why"))

    def pending_decision(self, alert_id: int) -> int:
        """The id of an alert's decision waiting for a supervisor."""
        with self.reading() as conn:
            row = conn.execute(select(decisions.c.id).where(decisions.c.alert_id == alert_id, decisions.c.state == DecisionState.PROPOSED.value)).first()
        if row is None:
            raise NotFoundError(f"Alert {alert_id} has no decision waiting for approval.")
        return int(row.id)

    def _check(self, decision_id: int, user: str, state: DecisionState, note: str) -> Decision:
        with self.writing(f"Checking decision {decision_id}") as conn:
            checker = users.find(conn, user)
            if not checker.can("supervisor"):
                raise ForbiddenError(f"User {checker.name} ({checker.role}{', disabled' if not checker.active else ''}) cannot approve or reject decisions; a supervisor can.")
            row = conn.execute(select(decisions).where(decisions.c.id == decision_id)).first()
            if row is None:
                raise NotFoundError(f"No decision {decision_id}.")
            if row.state != DecisionState.PROPOSED.value:
                raise ConflictError(f"Decision {decision_id} is already {row.state}; nothing to check.")
            if row.proposed_by == checker.id:
                raise ForbiddenError(f"Four eyes: {checker.name} proposed decision {decision_id} and cannot also check it; another supervisor must.")
            checked = conn.execute(
                update(decisions)
                .where(decisions.c.id == decision_id, decisions.c.state == DecisionState.PROPOSED.value)
                .values(state=state.value, checked_by=checker.id, checked_at=now(), note=note.strip() or None)
            ).rowcount
            if checked != 1:
                raise ConflictError(f"Decision {decision_id} was checked by someone else at the same moment.")
            alert = self._alert(conn, row.alert_id)
            outcome = Outcome(row.outcome)
            if state == DecisionState.APPROVED:
                status = OUTCOME_STATUS[outcome]
                closed = status not in LIVE
                values: dict[str, Any] = {"status": status.value, "version": alert.version + 1}
                if closed:
                    values.update(closed_at=now(), closed_reason=f"decision {decision_id}: {outcome.value}")
                if outcome == Outcome.FALSE_POSITIVE and alert.origin == Origin.REGISTER:
                    self._suppress(conn, alert, decision_id)
            else:
                values = {"status": AlertStatus.OPEN.value, "version": alert.version + 1}
            moved = conn.execute(update(alerts).where(alerts.c.id == alert.id, alerts.c.version == alert.version).values(**values)).rowcount
            if moved != 1:
                raise ConflictError(f"Alert {alert.id} changed while its decision was checked; reload and try again.")
            action = audit.Action.DECISION_APPROVED if state == DecisionState.APPROVED else audit.Action.DECISION_REJECTED
            audit.append(conn, action, f"alert {alert.id}", {"decision": decision_id, "outcome": outcome.value, "note": note.strip(), "status": values["status"]}, actor=checker.name)
        return self.decision(decision_id)

    def _suppress(self, conn: Connection, alert: Alert, decision_id: int) -> None:
        values = {"party_sha256": alert.party_sha256, "entry_sha256": alert.entry_sha256, "decision_id": decision_id, "at": now()}
        query = update(suppressions).where(suppressions.c.party_id == alert.party_id, suppressions.c.entity_id == alert.entity_id)
        if conn.execute(query.values(**values)).rowcount == 0:
            conn.execute(insert(suppressions).values(party_id=alert.party_id, entity_id=alert.entity_id, **values))

    # --- assignment, cases, comments ------------------------------------------

    def assign(self, alert_id: int, assignee: str | None, user: str, version: int | None = None) -> Alert:
        with self.writing(f"Assigning alert {alert_id}") as conn:
            actor = users.find(conn, user)
            if not actor.can("analyst"):
                raise ForbiddenError(f"User {actor.name} ({actor.role}) cannot assign alerts; an analyst can.")
            if assignee is not None:
                users.find(conn, assignee)
            alert = self._alert(conn, alert_id)
            seen = alert.version if version is None else version
            moved = conn.execute(update(alerts).where(alerts.c.id == alert_id, alerts.c.version == seen).values(assignee=assignee, version=seen + 1)).rowcount
            if moved != 1:
                raise ConflictError(f"Alert {alert_id} changed since you read it (version {seen}, now {alert.version}); reload and try again.")
            audit.append(conn, audit.Action.ALERT_ASSIGNED, f"alert {alert_id}", {"assignee": assignee}, actor=actor.name)
            return self._alert(conn, alert_id)

    def open_case(self, title: str, alert_ids: Sequence[int], user: str, assignee: str | None = None) -> Case:
        title = _check_text(title, "A title")
        with self.writing("Opening a case") as conn:
            actor = users.find(conn, user)
            if not actor.can("analyst"):
                raise ForbiddenError(f"User {actor.name} ({actor.role}) cannot open cases; an analyst can.")
            if assignee is not None:
                users.find(conn, assignee)
            inserted = conn.execute(
                insert(cases).values(title=title, status="open", assignee=assignee, created_by=actor.name, created_at=now(), version=1)
            ).inserted_primary_key
            assert inserted is not None
            case_id = int(inserted[0])
            self._attach(conn, case_id, alert_ids)
            audit.append(conn, audit.Action.CASE_OPENED, f"case {case_id}", {"title": title, "alerts": list(alert_ids), "assignee": assignee}, actor=actor.name)
        return self.case(case_id)

    def add_to_case(self, case_id: int, alert_ids: Sequence[int], user: str) -> Case:
        with self.writing(f"Adding alerts to case {case_id}") as conn:
            actor = users.find(conn, user)
            if not actor.can("analyst"):
                raise ForbiddenError(f"User {actor.name} ({actor.role}) cannot change cases; an analyst can.")
            self._case_row(conn, case_id)
            self._attach(conn, case_id, alert_ids)
            audit.append(conn, audit.Action.CASE_CHANGED, f"case {case_id}", {"added": list(alert_ids)}, actor=actor.name)
        return self.case(case_id)

    def _attach(self, conn: Connection, case_id: int, alert_ids: Sequence[int]) -> None:
        for alert_id in alert_ids:
            alert = self._alert(conn, alert_id)
            if alert.case_id not in (None, case_id):
                raise ConflictError(f"Alert {alert_id} already belongs to case {alert.case_id}.")
            conn.execute(update(alerts).where(alerts.c.id == alert_id).values(case_id=case_id, version=alerts.c.version + 1))

    def _case_row(self, conn: Connection, case_id: int) -> Any:
        row = conn.execute(select(cases).where(cases.c.id == case_id)).first()
        if row is None:
            raise NotFoundError(f"No case {case_id}; `interdict cases list` shows them.")
        return row

    def set_case(self, case_id: int, user: str, status: str | None = None, assignee: str | None = None, version: int | None = None) -> Case:
        """Assign or close/reopen a case; a case with live alerts cannot be closed."""
        if status not in (None, "open", "closed"):
            raise InputError("A case is open or closed.")
        with self.writing(f"Changing case {case_id}") as conn:
            actor = users.find(conn, user)
            if not actor.can("analyst"):
                raise ForbiddenError(f"User {actor.name} ({actor.role}) cannot change cases; an analyst can.")
            row = self._case_row(conn, case_id)
            seen = row.version if version is None else version
            values: dict[str, Any] = {"version": seen + 1}
            if assignee is not None:
                users.find(conn, assignee)
                values["assignee"] = assignee
            if status == "closed":
                live = conn.execute(select(func.count()).select_from(alerts).where(alerts.c.case_id == case_id, alerts.c.status.in_([s.value for s in LIVE]))).scalar_one()
                if live:
                    raise ConflictError(f"Case {case_id} still has {live} undecided alert(s); decide them before closing it.")
            if status:
                values["status"] = status
            moved = conn.execute(update(cases).where(cases.c.id == case_id, cases.c.version == seen).values(**values)).rowcount
            if moved != 1:
                raise ConflictError(f"Case {case_id} changed since you read it (version {seen}, now {row.version}); reload and try again.")
            audit.append(conn, audit.Action.CASE_CHANGED, f"case {case_id}", {k: v for k, v in values.items() if k != "version"}, actor=actor.name)
        return self.case(case_id)

    def case(self, case_id: int) -> Case:
        with self.reading() as conn:
            row = self._case_row(conn, case_id)
            ids = tuple(conn.execute(select(alerts.c.id).where(alerts.c.case_id == case_id).order_by(alerts.c.id)).scalars())
        return Case(row.id, row.title, row.status, row.assignee, row.created_by, row.created_at, row.version, ids)

    def cases(self, status: str | None = None) -> list[Case]:
        with self.reading() as conn:
            query = select(cases).order_by(cases.c.id.desc())
            if status:
                query = query.where(cases.c.status == status)
            rows = conn.execute(query).all()
            members: dict[int, list[int]] = {}
            for alert_id, case_id in conn.execute(select(alerts.c.id, alerts.c.case_id).where(alerts.c.case_id.is_not(None))):
                members.setdefault(case_id, []).append(alert_id)
        return [Case(r.id, r.title, r.status, r.assignee, r.created_by, r.created_at, r.version, tuple(sorted(members.get(r.id, [])))) for r in rows]

    def comment(self, user: str, body: str, alert_id: int | None = None, case_id: int | None = None) -> Comment:
        body = _check_text(body, "A comment")
        if (alert_id is None) == (case_id is None):
            raise InputError("A comment is on one alert or one case.")
        with self.writing("Adding a comment") as conn:
            actor = users.find(conn, user)
            if not actor.active:
                raise ForbiddenError(f"User {actor.name} is disabled.")
            if alert_id is not None:
                self._alert(conn, alert_id)
            else:
                self._case_row(conn, case_id)  # type: ignore[arg-type]  # one of the two is set
            at = now()
            inserted = conn.execute(insert(comments).values(alert_id=alert_id, case_id=case_id, author=actor.name, body=body, at=at)).inserted_primary_key
            assert inserted is not None
            subject = f"alert {alert_id}" if alert_id is not None else f"case {case_id}"
            audit.append(conn, audit.Action.COMMENT_ADDED, subject, {"comment": int(inserted[0]), "body": body}, actor=actor.name)
        return Comment(int(inserted[0]), alert_id, case_id, actor.name, body, at)

    def comments(self, alert_id: int | None = None, case_id: int | None = None) -> list[Comment]:
        query = select(comments).order_by(comments.c.id)
        conditions = []
        if alert_id is not None:
            conditions.append(comments.c.alert_id == alert_id)
        if case_id is not None:
            conditions.append(comments.c.case_id == case_id)
        if conditions:
            query = query.where(or_(*conditions))
        with self.reading() as conn:
            return [Comment(r.id, r.alert_id, r.case_id, r.author, r.body, r.at) for r in conn.execute(query)]
