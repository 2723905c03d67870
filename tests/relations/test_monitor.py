"""Relation data reaches the watch register: loading it screens its changed nodes against the register.

A delta re-screen scores each changed entry against its candidate parties; it must end with the same
reach-through step as a screen, so a node of the user's data alerts only when it reaches a designated
party, and the alert keeps the ownership path.
"""

from __future__ import annotations

from pathlib import Path

from interdict.batch import Record
from interdict.cases import catch_up, open_cases, register, screen_unscreened
from interdict.cases.monitor import mark_seen
from interdict.relations import load_relations
from interdict.screening import open_screener
from interdict.store import SnapshotStore, audit, open_store

from ..conftest import copy_sqlite


def test_loading_relation_data_alerts_the_register_on_what_it_blocks(owned, tmp_path: Path) -> None:
    source = Path(owned.db.removeprefix("sqlite:///"))
    copy_sqlite(source, tmp_path / "store.db")
    db = f"sqlite:///{tmp_path / 'store.db'}"
    cases = open_cases(db)
    snapshots = SnapshotStore(cases.engine)
    parties = [
        {"id": "p-1", "name": "Nordvik Tankers AS", "schema": "Company"},
        {"id": "p-2", "name": "Solvang Fjordhandel AS", "schema": "Company"},
        {"id": "p-3", "name": "Jeanne Baptiste Moulinier", "schema": "Person"},
    ]
    mark_seen(cases, snapshots)  # as `monitor add` does: a first party is screened when added, then against later changes
    register.add(cases, [Record(i, row) for i, row in enumerate(parties, 1)])
    screener = owned.screener  # the copy's snapshots are the session store's: its screener, without a second build
    assert screen_unscreened(cases, screener).alerts == []  # none of them is listed or reached yet
    assert catch_up(cases, snapshots, screener).alerts == []  # first sight of the lists: nothing new

    # New relation data: Nordvik Shipping AS (blocked in the US through ownership, tests/fixtures/relations)
    # owns 70% of Nordvik Tankers AS; an unrelated fund owns Solvang Fjordhandel AS.
    holdings = tmp_path / "more.csv"
    holdings.write_text(
        "owner,asset,share_pct,as_of,source\n"
        "Nordvik Shipping AS,Nordvik Tankers AS,70,2025-06-30,hand-written example\n"
        "Fjord Pension Fund,Solvang Fjordhandel AS,80,2025-06-30,hand-written example\n",
        encoding="utf-8",
    )
    report = load_relations(open_store(db), holdings, "more")
    assert report.errors == [] and report.snapshot is not None
    screener = open_screener(db)
    delta = catch_up(cases, snapshots, screener)
    assert delta.lists["more"]["snapshot_id"] == report.snapshot.id
    raised = [cases.alert(alert_id) for alert_id in delta.alerts]
    assert [alert.party_id for alert in raised] == ["p-1"]  # the fund's company reaches no one: no alert
    (alert,) = raised
    assert "Nordvik Tankers AS 70% ← Nordvik Shipping AS" in alert.to_dict()["path"]
    with cases.engine.connect() as conn:
        assert audit.verify(conn).ok
    cases.engine.dispose()


def test_a_party_whose_derived_status_changes_is_alerted_though_its_entry_did_not(owned, tmp_path: Path) -> None:
    """Nordvik Tankers AS's own entry never changes; a later file makes its owner blocked, so the company is too."""
    source = Path(owned.db.removeprefix("sqlite:///"))
    copy_sqlite(source, tmp_path / "store.db")
    db = f"sqlite:///{tmp_path / 'store.db'}"
    cases = open_cases(db)
    snapshots = SnapshotStore(cases.engine)
    store = open_store(db)

    def load(name: str, rows: str) -> None:
        path = tmp_path / f"{name}.csv"
        path.write_text("owner,asset,share_pct,as_of,source\n" + rows, encoding="utf-8")
        assert load_relations(store, path, name).errors == []

    load("acme", "Acme Holding AS,Nordvik Tankers AS,60,2025-06-30,hand-written example\n")
    mark_seen(cases, snapshots)  # as `monitor add` does: a first party is screened when added, then against later changes
    register.add(cases, [Record(1, {"id": "p-1", "name": "Nordvik Tankers AS", "schema": "Company"})])
    screener = open_screener(db)
    assert screen_unscreened(cases, screener).alerts == []  # owned by a company that is owned by no one designated
    assert catch_up(cases, snapshots, screener).alerts == []

    # A second file: Nordvik Shipping AS (blocked in the US through ownership) buys Acme Holding AS. Only
    # Acme's side changes in the lists; Nordvik Tankers AS (60% Acme) is now blocked without changing.
    load("acme_owner", "Nordvik Shipping AS,Acme Holding AS,100,2025-07-31,hand-written example\n")
    screener = open_screener(db)
    delta = catch_up(cases, snapshots, screener)
    assert delta.derived["alerts"] == 1 and delta.derived["changed"] >= 1
    (alert,) = [cases.alert(alert_id) for alert_id in delta.alerts]
    assert alert.party_id == "p-1"
    assert alert.reason.startswith("derived status changed: now blocked through ownership (us)")
    assert "Nordvik Shipping AS" in alert.reason and "Nordvik Tankers AS" in alert.to_dict()["path"]

    # Nothing changed since: nothing is screened again.
    again = catch_up(cases, snapshots, screener)
    assert again.alerts == [] and again.derived == {} and again.entries == 0
    with cases.engine.connect() as conn:
        assert audit.verify(conn).ok
    cases.engine.dispose()
    store.engine.dispose()
