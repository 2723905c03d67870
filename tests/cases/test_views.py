"""The read models the alert and watch pages show: queue filters, an alert with its entry, histories from the audit log."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import update

from interdict.batch import Record
from interdict.cases import CaseStore, Origin, Outcome, Party, monitor, register, screen_unscreened, views
from interdict.cases.alerts import UNASSIGNED
from interdict.errors import InputError
from interdict.match.screener import Screener
from interdict.store import audit
from interdict.store.schema import entities
from interdict.store.users import UserStore

SABET = "un_sc_sanctions-IRi.034"  # M. JAVAD KARIMI SABET


def seed(cases: CaseStore, screener: Screener) -> dict[str, int]:
    rows = [
        {"id": "c-1", "name": "Javad Karimi Sabet", "schema": "Person"},
        {"id": "c-2", "name": "Ahmad Vahid Dastjerdi", "schema": "Person"},
        {"id": "c-3", "name": "Mohammad Bagher Zolghadr", "schema": "Person"},
        {"id": "c-4", "name": "Jane Quiet", "schema": "Person"},
    ]
    register.add(cases, [Record(line, row) for line, row in enumerate(rows, 1)])
    screen_unscreened(cases, screener)
    return {alert.party_id: alert.id for alert in cases.alerts()}


def test_the_queue_filters_in_the_database(cases: CaseStore, un_screener: Screener) -> None:
    ids = seed(cases, un_screener)
    assert set(ids) == {"c-1", "c-2", "c-3"}
    cases.assign(ids["c-2"], "bob", "ann")
    everything = views.queue(cases, views.QueueFilter(status=""))
    assert everything.total == 3 and everything.datasets == ["un_sc_sanctions"] and everything.counts == {"open": 3}
    by_list = views.queue(cases, views.QueueFilter(dataset="us_ofac_sdn"))
    assert (by_list.total, by_list.alerts) == (0, [])
    scores = {alert.party_id: alert.score for alert in everything.alerts}
    lowest = min(scores.values())
    above = views.queue(cases, views.QueueFilter(min_score=lowest + 1e-6))
    assert {a.party_id for a in above.alerts} == {pid for pid, score in scores.items() if score > lowest}
    assert [a.id for a in views.queue(cases, views.QueueFilter(assignee="bob")).alerts] == [ids["c-2"]]
    assert {a.id for a in views.queue(cases, views.QueueFilter(assignee=UNASSIGNED)).alerts} == {ids["c-1"], ids["c-3"]}
    # Pages: newest first, the total counts all of them.
    page = views.queue(cases, views.QueueFilter(status="open", limit=2, offset=2))
    assert page.total == 3 and [a.id for a in page.alerts] == [min(ids.values())]
    assert views.QueueFilter(status="", min_score=0.5, assignee=UNASSIGNED).to_query() == {
        "status": "",
        "min_score": "0.5",
        "assignee": "-",
    }
    with pytest.raises(InputError, match="Unknown alert status"):
        views.queue(cases, views.QueueFilter(status="closed-ish"))
    with pytest.raises(InputError, match="between 0 and 1"):
        cases.alerts(min_score=7)
    # "-" is the filter's "nobody", so it can never be a person's name.
    with pytest.raises(InputError):
        UserStore(cases.engine).add("-", "analyst")


def test_an_alert_view_has_the_entry_now_and_says_when_it_changed(cases: CaseStore, un_screener: Screener) -> None:
    alert_id = seed(cases, un_screener)["c-1"]
    with audit.acting_as("ann"):
        cases.comment("ann", "Checking the passport.", alert_id=alert_id)
        cases.propose(alert_id, "ann", Outcome.FALSE_POSITIVE, "Born 1990, not 1973.")
    view = views.alert_view(cases, un_screener, alert_id)
    assert view.entry is not None and view.entry.id == SABET and view.entry_state == views.EntryState.SAME
    assert view.pending is not None and view.pending.proposed_by == "ann" and not view.decidable and view.live
    assert view.party is not None and view.party.party_id == "c-1" and view.others == []
    assert [r.action for r in view.history] == ["alert.raised", "comment.added", "decision.proposed"]
    assert [r.actor for r in view.history][1:] == ["ann", "ann"]
    # The stored entry's content changes (a list update amended it): the page says so.
    with cases.engine.begin() as conn:
        row = conn.execute(entities.select().where(entities.c.entity_id == SABET)).first()
        assert row is not None
        data = json.loads(bytes(row.data))
        data["remarks"] = [*data.get("remarks", []), "amended"]
        conn.execute(update(entities).where(entities.c.entity_id == SABET).values(data=json.dumps(data).encode()))
    assert views.alert_view(cases, un_screener, alert_id).entry_state == views.EntryState.CHANGED


def test_a_case_history_holds_its_records_and_its_alerts_in_chain_order(
    cases: CaseStore, un_screener: Screener, cli: Callable[..., Any], db: str
) -> None:
    ids = seed(cases, un_screener)
    with audit.acting_as("bob"):
        case = cases.open_case("Two IRGC names", [ids["c-1"], ids["c-2"]], "bob")
        cases.comment("bob", "Both from branch 12.", case_id=case.id)
        cases.assign(ids["c-2"], "bob", "bob")
    history = views.case_history(cases, case.id)
    assert [r.seq for r in history] == sorted(r.seq for r in history)
    assert [(r.action, r.subject) for r in history] == [
        ("alert.raised", f"alert {min(ids['c-1'], ids['c-2'])}"),
        ("alert.raised", f"alert {max(ids['c-1'], ids['c-2'])}"),
        ("case.opened", f"case {case.id}"),
        ("comment.added", f"case {case.id}"),
        ("alert.assigned", f"alert {ids['c-2']}"),
    ]
    # The same history from the command line, and the queue filters there too.
    shown = cli("cases", "history", str(case.id), "--json", "--db", db)
    assert shown.code == 0 and [r["seq"] for r in json.loads(shown.stdout)] == [r.seq for r in history]
    assert [r["action"] for r in json.loads(cli("alerts", "history", str(ids["c-2"]), "--json", "--db", db).stdout)] == [
        "alert.raised",
        "alert.assigned",
    ]
    assert cli("alerts", "history", "999999", "--db", db).code == 6
    rescreened = cli("monitor", "rescreen", "--party", "c-1", "--json", "--db", db)
    assert rescreened.code == 0 and (json.loads(rescreened.stdout)["screened"], json.loads(rescreened.stdout)["already_open"]) == (1, 1)
    assert cli("monitor", "rescreen", "--party", "nobody", "--db", db).code == 1
    listed = cli("alerts", "list", "--assignee", "bob", "--list", "un_sc_sanctions", "--min-score", "0.5", "--json", "--db", db)
    assert [a["id"] for a in json.loads(listed.stdout)] == [ids["c-2"]]


def test_the_watch_register_shows_last_screened_and_alerts_and_screen_again_keeps_a_cleared_pair_quiet(
    cases: CaseStore, un_screener: Screener
) -> None:
    ids = seed(cases, un_screener)
    page = views.watch_register(cases, limit=3)
    assert [row.party.party_id for row in page.parties] == ["c-1", "c-2", "c-3"] and page.next_after == "c-3" and page.total == 4
    assert all(row.screened and row.last_screened for row in page.parties)
    assert [a.id for a in page.parties[0].alerts] == [ids["c-1"]]
    rest = views.watch_register(cases, after="c-3")
    assert [row.party.party_id for row in rest.parties] == ["c-4"] and rest.next_after is None and rest.parties[0].alerts == []

    decision = cases.propose(ids["c-1"], "ann", Outcome.FALSE_POSITIVE, "Different person.")
    cases.approve(decision.id, "sue")
    again = monitor.screen_again(cases, un_screener, ["c-1", "nobody"])
    assert (again.screened, again.alerts, again.suppressed) == (1, [], 1)
    assert again.errors == ["party nobody: not an active party of the register"]
    view = views.party_view(cases, "c-1")
    assert view.party is not None and [v["action"] for v in view.versions] == ["added"] and view.last_screened
    assert [a.status for a in view.alerts] == ["false_positive"]


UN_IDS = ["un_sc_sanctions-IRi.034", "un_sc_sanctions-IRi.012", "un_sc_sanctions-IRi.043", "un_sc_sanctions-IRi.004"]
ALERT = st.tuples(
    st.sampled_from(UN_IDS), st.floats(0.5, 1.0, allow_nan=False), st.sampled_from([None, "ann", "bob"]), st.booleans()
)
FILTER = st.builds(
    views.QueueFilter,
    status=st.sampled_from(["", "live", "open", "pending", "false_positive"]),
    dataset=st.sampled_from(["", "un_sc_sanctions", "us_ofac_sdn"]),
    min_score=st.one_of(st.none(), st.floats(0.0, 1.0, allow_nan=False)),
    assignee=st.sampled_from(["", UNASSIGNED, "ann", "bob", "sue"]),
    by_score=st.booleans(),
    offset=st.integers(0, 3),
    limit=st.integers(1, 5),
)


def _keeps(wanted: views.QueueFilter, alert: Any) -> bool:
    live = ("open", "pending", "escalated")
    return (
        (not wanted.status or (alert.status in live if wanted.status == "live" else alert.status == wanted.status))
        and (not wanted.dataset or alert.dataset == wanted.dataset)
        and (wanted.min_score is None or alert.score >= wanted.min_score)
        and (not wanted.assignee or alert.assignee == (None if wanted.assignee == UNASSIGNED else wanted.assignee))
    )


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(raised=st.lists(ALERT, max_size=6), filters=st.lists(FILTER, min_size=1, max_size=4))
def test_a_queue_page_is_exactly_the_alerts_its_filters_keep_in_its_order(
    cases: CaseStore, raised: list[Any], filters: list[views.QueueFilter]
) -> None:
    """Whatever alerts exist (scores, assignees, pending decisions), a page holds exactly the filtered alerts,
    in order, and the total counts them all."""
    for number, (entity_id, score, assignee, pending) in enumerate(raised):
        party = Party(f"p-{uuid.uuid4().hex[:8]}-{number}", {"name": "Someone"})
        (alert_id,) = cases.raise_for(
            party, [{"entity_id": entity_id, "score": score, "match": True, "explanation": "test"}], Origin.SCREENING
        ).alerts
        if assignee:
            cases.assign(alert_id, assignee, "ann")
        if pending:
            cases.propose(alert_id, "ann", Outcome.FALSE_POSITIVE, "Different person.")
    everything = cases.alerts()
    for wanted in filters:
        kept = [alert for alert in everything if _keeps(wanted, alert)]
        if wanted.by_score:
            kept.sort(key=lambda alert: (-alert.score, -alert.id))
        page = views.queue(cases, wanted)
        assert page.total == len(kept)
        assert [alert.id for alert in page.alerts] == [alert.id for alert in kept[wanted.offset : wanted.offset + wanted.limit]]
