"""Monitoring: a list change screens only its delta against the indexed register, and says what it did."""

from __future__ import annotations

import os
import signal

import pytest

from interdict import bundle
from interdict.batch import Record
from interdict.cores import can_fork
from interdict.errors import InterdictError
from interdict.cases import AlertStatus, CaseStore, catch_up, monitor, register, rescreen_all, screen_unscreened
from interdict.match.index import build_index
from interdict.match.screener import Screener
from interdict.model import Identifier, IdentifierType, Name, NameKind
from interdict.sources import parse_files
from interdict.store import SnapshotStore, audit

SABET = "un_sc_sanctions-IRi.034"
PARTIES = [
    {"id": "c-1", "name": "Javad Karimi Sabet", "schema": "Person"},
    {"id": "c-2", "name": "Jeanne Baptiste Moulinier", "schema": "Person"},
    {"id": "c-3", "name": "Acme Widgets Ltd", "schema": "Company"},
    {"id": "c-4", "name": "Pavel Dmitrievich Okunev", "schema": "Person", "id_number": "X99887766"},
]


@pytest.mark.parametrize("workers", [1, 2])
def test_a_list_change_screens_its_delta_against_the_register(cases: CaseStore, un_screener: Screener, workers: int, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(monitor, "MIN_PARALLEL", 0)  # fork even for this small delta
    snapshots = SnapshotStore(cases.engine)
    register.add(cases, [Record(i, row) for i, row in enumerate(PARTIES, 1)])
    first = screen_unscreened(cases, un_screener)
    assert first.screened == 4 and [cases.alert(a).entity_id for a in first.alerts] == [SABET]
    assert catch_up(cases, snapshots, un_screener).alerts == []  # the first sight of the list: nothing new (indexes the register)
    # A party added after the register's index was built is found through the index of recent parties.
    register.add(cases, [Record(5, {"id": "c-5", "name": "Jeanne Baptiste Moulinier", "schema": "Person"})])
    assert screen_unscreened(cases, un_screener).alerts == []
    # The next UN list: Sabet delisted, a new alias on an entry (Moulinier), an id number added to another (Okunev).
    result = parse_files("un_sc_sanctions", bundle.read_files("un_sc_sanctions"))
    by_id = {entity.id: entity for entity in result.entities}
    result.entities = [entity for entity in result.entities if entity.id != SABET]
    renamed, numbered = by_id["un_sc_sanctions-QDi.001"], by_id["un_sc_sanctions-IRi.039"]
    renamed.names.append(Name(full="Jeanne Baptiste Moulinier", kind=NameKind.ALIAS))
    numbered.identifiers.append(Identifier(type=IdentifierType.PASSPORT, value="X99887766"))
    new = snapshots.add_snapshot("un_sc_sanctions", "un_xml", result, [], origin="test", force=True)
    screener = Screener(build_index(snapshots.active_entities(), build_key=f"un-{new.id}"))
    report = catch_up(cases, snapshots, screener, workers=workers)
    assert report.entries == 2 and report.lists["un_sc_sanctions"]["removed"] == 1
    raised = {cases.alert(a).party_id: cases.alert(a) for a in report.alerts}
    assert raised["c-2"].entity_id == raised["c-5"].entity_id == "un_sc_sanctions-QDi.001"
    assert raised["c-2"].reason.startswith("list change: un_sc_sanctions snapshot")
    assert report.candidates >= 2  # Moulinier by name, Okunev by the passport number (scored; a name this far off does not match)
    (delisted,) = report.delisted
    closed = cases.alert(delisted)
    assert (closed.status, closed.closed_snapshot_id, closed.entity_id) == (AlertStatus.DELISTED, new.id, SABET)
    # The delta raised exactly what a full re-screen would: screening everyone again finds nothing new.
    full = rescreen_all(cases, screener)
    assert full.alerts == [] and full.screened == 5
    assert catch_up(cases, snapshots, screener).lists == {}  # caught up: nothing left to screen
    with cases.engine.connect() as conn:
        assert audit.verify(conn).ok


def test_a_worker_that_dies_leaves_the_list_change_to_screen_again(cases: CaseStore, un_screener: Screener, monkeypatch: pytest.MonkeyPatch) -> None:
    """A failed re-screen leaves the last good state: a worker ended mid-task (the OOM killer) fails the catch-up with a
    clear error before the list's pointer moves, and the next run screens the same change and raises its alerts."""
    if not can_fork():
        pytest.skip("an earlier test left a thread running: this process screens alone, and no worker can die")
    monkeypatch.setattr(monitor, "MIN_PARALLEL", 0)
    snapshots = SnapshotStore(cases.engine)
    register.add(cases, [Record(i, row) for i, row in enumerate(PARTIES, 1)])
    screen_unscreened(cases, un_screener)
    catch_up(cases, snapshots, un_screener)
    result = parse_files("un_sc_sanctions", bundle.read_files("un_sc_sanctions"))
    by_id = {entity.id: entity for entity in result.entities}
    by_id["un_sc_sanctions-QDi.001"].names.append(Name(full="Jeanne Baptiste Moulinier", kind=NameKind.ALIAS))
    by_id["un_sc_sanctions-IRi.039"].names.append(Name(full="Pavel Dmitrievich Okunev", kind=NameKind.ALIAS))  # two parties: two parts
    new = snapshots.add_snapshot("un_sc_sanctions", "un_xml", result, [], origin="test", force=True)
    screener = Screener(build_index(snapshots.active_entities(), build_key=f"un-{new.id}"))
    parent, party_hits = os.getpid(), monitor._party_hits

    def dies_in_a_worker(*args: object) -> object:
        if os.getpid() != parent:
            os.kill(os.getpid(), signal.SIGKILL)
        return party_hits(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(monitor, "_party_hits", dies_in_a_worker)
    with pytest.raises(InterdictError, match="worker process died"):
        catch_up(cases, snapshots, screener, workers=2)
    assert cases.alerts(entity_id="un_sc_sanctions-QDi.001") == cases.alerts(entity_id="un_sc_sanctions-IRi.039") == []
    monkeypatch.setattr(monitor, "_party_hits", party_hits)
    report = catch_up(cases, snapshots, screener, workers=2)
    assert report.entries == 2 and report.lists["un_sc_sanctions"]["changed"] == 2
    assert sorted(cases.alert(a).party_id for a in report.alerts) == ["c-2", "c-4"]
