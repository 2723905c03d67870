"""Alerts and four-eyes decisions on SQLite and on a real PostgreSQL server."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import text, update
from sqlalchemy.exc import IntegrityError

from interdict.batch import Record
from interdict.cases import AlertStatus, CaseStore, Outcome, register, screen_unscreened
from interdict.cases.monitor import rescreen_all
from interdict.errors import ConflictError, ForbiddenError
from interdict.match.screener import Screener
from interdict.store import audit
from interdict.store.schema import decisions

SABET = "un_sc_sanctions-IRi.034"  # M. JAVAD KARIMI SABET


def add(cases: CaseStore, *rows: dict[str, object]) -> register.RegisterReport:
    return register.add(cases, [Record(line, dict(row)) for line, row in enumerate(rows, 1)])


def raise_one(cases: CaseStore, screener: Screener) -> int:
    add(cases, {"id": "c-1", "name": "Javad Karimi Sabet", "schema": "Person"})
    report = screen_unscreened(cases, screener)
    assert report.screened == 1 and len(report.alerts) == 1
    return report.alerts[0]


def test_an_alert_records_party_entry_snapshot_and_hit(cases: CaseStore, un_screener: Screener) -> None:
    alert = cases.alert(raise_one(cases, un_screener))
    assert (alert.party_id, alert.party_version, alert.entity_id, alert.status) == ("c-1", 1, SABET, AlertStatus.OPEN)
    assert len(alert.entry_sha256) == 64 and alert.snapshot_id > 0 and alert.score >= 0.7
    assert "sabet" in alert.explanation.lower()
    assert alert.hit["entity_id"] == SABET and alert.reason == "added to the register"
    # Screening the same party again raises nothing new: one live alert per (party, entry).
    assert rescreen_all(cases, un_screener).already_open == 1
    assert len(cases.alerts()) == 1


def test_four_eyes_and_the_good_guy_list(cases: CaseStore, un_screener: Screener) -> None:
    alert_id = raise_one(cases, un_screener)
    decision = cases.propose(alert_id, "ann", Outcome.FALSE_POSITIVE, "Our customer is a baker born 1990 in Lyon.")
    assert cases.alert(alert_id).status == AlertStatus.PENDING
    with pytest.raises(ForbiddenError, match="supervisor"):
        cases.approve(decision.id, "bob")  # an analyst cannot check
    # A supervisor who proposed cannot check their own proposal: refused by the store...
    cases.reject(decision.id, "sue", "Ask for the passport first.")
    mine = cases.propose(alert_id, "sue", Outcome.FALSE_POSITIVE, "Passport seen: French national, born 1990.")
    with pytest.raises(ForbiddenError, match="Four eyes"):
        cases.approve(mine.id, "sue")
    # ...and by the table itself, whatever code writes the row.
    with pytest.raises(IntegrityError):
        with cases.engine.begin() as conn:
            conn.execute(update(decisions).where(decisions.c.id == mine.id).values(state="approved", checked_by=decisions.c.proposed_by, checked_at="now"))
    approved = cases.approve(mine.id, "sam", "Agreed.")
    assert (approved.state, approved.proposed_by, approved.checked_by) == ("approved", "sue", "sam")
    assert cases.alert(alert_id).status == AlertStatus.FALSE_POSITIVE
    assert [s["entity_id"] for s in cases.suppressions()] == [SABET]
    # The effectiveness test takes the good-guy list as (the name decided on, entry) pairs.
    assert cases.good_guy_pairs() == [("Javad Karimi Sabet", SABET)]
    # Suppressed while nothing changes...
    assert rescreen_all(cases, un_screener).suppressed == 1
    # ...back as soon as the party's data changes, saying why.
    add(cases, {"id": "c-1", "name": "Javad Karimi Sabet", "schema": "Person", "nationality": "Iran"})
    report = screen_unscreened(cases, un_screener)
    (again,) = report.alerts
    back = cases.alert(again)
    assert back.party_version == 2 and "back after false positive" in back.reason and "party's data changed" in back.reason
    with cases.engine.connect() as conn:
        assert audit.verify(conn).ok


def test_two_analysts_at_once_one_wins(cases: CaseStore, un_screener: Screener) -> None:
    """Real concurrent sessions (threads on their own connections): exactly one proposal lands per alert."""
    rows = [{"id": f"p-{i}", "name": "Javad Karimi Sabet", "schema": "Person"} for i in range(6)]
    add(cases, *rows)
    ids = screen_unscreened(cases, un_screener).alerts
    assert len(ids) == 6
    outcomes: dict[tuple[int, str], str] = {}
    barrier = threading.Barrier(2)

    def analyst(name: str) -> None:
        for alert_id in ids:
            barrier.wait()
            try:
                cases.propose(alert_id, name, Outcome.TRUE_MATCH, f"{name} says so", version=1)
                outcomes[alert_id, name] = "won"
            except ConflictError as exc:
                outcomes[alert_id, name] = str(exc)

    threads = [threading.Thread(target=analyst, args=(name,)) for name in ("ann", "bob")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for alert_id in ids:
        results = [outcomes[alert_id, "ann"], outcomes[alert_id, "bob"]]
        assert results.count("won") == 1, results
        loser = next(r for r in results if r != "won")
        assert f"Alert {alert_id}" in loser and ("changed" in loser or "waiting" in loser or "refused" in loser)
        (decision,) = cases.decisions(alert_id)
        assert decision.state == "proposed"
    with cases.engine.connect() as conn:
        assert audit.verify(conn).ok


def test_cases_group_assign_and_comment(cases: CaseStore, un_screener: Screener) -> None:
    alert_id = raise_one(cases, un_screener)
    case = cases.open_case("Sabet namesakes", [alert_id], "ann", assignee="bob")
    assert case.alert_ids == (alert_id,) and case.assignee == "bob"
    cases.comment("bob", "Called the branch.", case_id=case.id)
    cases.comment("ann", "<script>alert(1)</script> kept as text", alert_id=alert_id)
    assert [c.author for c in cases.comments(case_id=case.id)] == ["bob"]
    with pytest.raises(ConflictError, match="undecided"):
        cases.set_case(case.id, "bob", status="closed")
    stale = cases.alert(alert_id).version
    cases.assign(alert_id, "bob", "ann", version=stale)
    with pytest.raises(ConflictError, match="changed since"):
        cases.assign(alert_id, "ann", "bob", version=stale)  # a stale version never overwrites
    decision = cases.propose(alert_id, "bob", Outcome.TRUE_MATCH, "Same birth date and passport.")
    cases.approve(decision.id, "sue")
    assert cases.set_case(case.id, "bob", status="closed").status == "closed"
    with cases.engine.connect() as conn:
        actions = [record.action for record in audit.records(conn)]
    assert actions.count("decision.approved") == 1 and "case.opened" in actions and "comment.added" in actions


def test_escalation_needs_a_further_decision(cases: CaseStore, un_screener: Screener) -> None:
    alert_id = raise_one(cases, un_screener)
    cases.approve(cases.propose(alert_id, "ann", "escalate", "Unsure: same name, no date.").id, "sue")
    assert cases.alert(alert_id).status == AlertStatus.ESCALATED
    cases.approve(cases.propose(alert_id, "bob", "true_match", "Compliance officer confirmed.").id, "sam")
    assert cases.alert(alert_id).status == AlertStatus.TRUE_MATCH
    with pytest.raises(ConflictError, match="closed"):
        cases.propose(alert_id, "ann", "false_positive", "Changed my mind.")
    # A decided true match is not raised again while nothing changed.
    assert rescreen_all(cases, un_screener).already_decided == 1


def test_register_rows_that_cannot_be_screened_are_named(cases: CaseStore) -> None:
    report = add(cases, {"id": "ok", "name": "Jane Doe"}, {"name": "No Id"}, {"id": "bad", "name": "x", "birth_date": "sometime"}, {"id": "ok", "name": "Twice"})
    assert report.rows == 4 and report.added == ["ok"]
    assert [line for line, _, _ in report.errors] == [2, 3, 4]
    assert "stable `id`" in report.errors[0][2] and "appears twice" in report.errors[2][2]


def test_the_audit_log_is_append_only_on_postgres(cases: CaseStore, un_screener: Screener) -> None:
    raise_one(cases, un_screener)
    if cases.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL's trigger; SQLite has its own (dropped by anyone who owns the file)")
    for statement in ("UPDATE audit_log SET actor = 'x'", "DELETE FROM audit_log", "TRUNCATE audit_log"):
        with pytest.raises(Exception, match="append-only"):
            with cases.engine.begin() as conn:
                conn.execute(text(statement))
