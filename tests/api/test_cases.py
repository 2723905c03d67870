"""Casework over real HTTP: each person with their own key, four eyes, conflicts, roles, the audit check."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from interdict.api import create_app
from interdict.match.index import build_index
from interdict.match.screener import Screener
from interdict.store import SnapshotStore
from interdict.store.keys import KeyStore
from interdict.store.users import UserStore

from .conftest import TEST_SETTINGS, RunningServer, run_server

SABET = "un_sc_sanctions-IRi.034"


@pytest.fixture
def served(un_store: SnapshotStore) -> Iterator[tuple[RunningServer, dict[str, str]]]:
    keys = KeyStore(un_store.engine, usage_flush_seconds=0.2)
    people = UserStore(un_store.engine)
    secrets = {}
    for name, role in (("ann", "analyst"), ("sue", "supervisor"), ("sam", "supervisor"), ("scr", "screener")):
        people.add(name, role)
        secrets[name] = keys.create(user=name)[1]
    screener = Screener(build_index(un_store.active_entities(), build_key="un-http"))
    server = run_server(create_app(TEST_SETTINGS, store=un_store, screener=screener, keys=keys))
    yield server, secrets
    server.stop()


def test_casework_over_http(served: tuple[RunningServer, dict[str, str]]) -> None:
    server, key = served
    ann, sue, sam, scr = (server.client(key[name]) for name in ("ann", "sue", "sam", "scr"))
    assert scr.get("/alerts").status_code == 403  # a screener does not see casework
    added = ann.post("/monitor", json={"parties": [{"id": "c-1", "name": "Javad Karimi Sabet", "schema": "Person"}, {"name": "no id"}]})
    assert added.status_code == 200, added.text
    body = added.json()
    assert body["added"] == 1 and body["errors"][0]["line"] == 2 and len(body["screening"]["alerts"]) == 1
    (alert,) = ann.get("/alerts", params={"status": "open"}).json()["alerts"]
    assert (alert["party_id"], alert["entity_id"], alert["version"]) == ("c-1", SABET, 1)
    proposal = {"alert_id": alert["id"], "outcome": "false_positive", "reason": "Born 1990, baker in Lyon", "version": 1}
    decision = ann.post("/decisions", json=proposal)
    assert decision.status_code == 200, decision.text
    assert ann.post("/decisions", json=proposal).status_code == 409  # the version moved on: a conflict, not an overwrite
    assert ann.post(f"/decisions/{decision.json()['id']}/approve").status_code == 403  # an analyst cannot check
    mine = sue.post(f"/decisions/{decision.json()['id']}/reject", json={"note": "Need the passport"})
    assert mine.status_code == 200
    again = sue.post("/decisions", json={**proposal, "version": None, "reason": "Passport seen"})
    own = sue.post(f"/decisions/{again.json()['id']}/approve")
    assert own.status_code == 403 and "Four eyes" in own.json()["detail"]
    assert sam.post(f"/decisions/{again.json()['id']}/approve", json={"note": "ok"}).json()["checked_by"] == "sam"
    shown = ann.get(f"/alerts/{alert['id']}").json()
    assert shown["status"] == "false_positive" and [d["state"] for d in shown["decisions"]] == ["rejected", "approved"]
    case = ann.post("/cases", json={"title": "Namesakes", "alert_ids": [alert["id"]]}).json()
    assert ann.patch(f"/cases/{case['id']}", json={"status": "closed"}).json()["status"] == "closed"
    recorded = scr.post("/screen", params={"record": "true"}, json={"id": "wire-9", "name": "Javad Karimi Sabet"})
    assert recorded.status_code == 200 and len(recorded.json()["alerts"]) == 1
    assert ann.get("/audit/verify").status_code == 403
    verified = sue.get("/audit/verify").json()
    assert verified["ok"] and verified["records"] > 5
    records = sue.get("/audit/export").json()["records"]
    assert {r["actor"] for r in records if r["action"].startswith("decision.")} == {"ann", "sue", "sam"}
    assert any(r["action"] == "screening" and r["actor"] == "scr" for r in records)
    assert ann.get("/alerts/999999").status_code == 404
    assert ann.delete("/monitor/c-1").status_code == 200 and ann.delete("/monitor/c-1").status_code == 404


def test_a_recorded_batch_records_each_line_and_names_what_it_could_not(served: tuple[RunningServer, dict[str, str]]) -> None:
    server, key = served
    scr, sue = server.client(key["scr"]), server.client(key["sue"])
    lines = [
        {"id": "wire-1", "name": "Javad Karimi Sabet", "schema": "Person"},
        {"id": "wire-2", "name": "Jane Quiet", "schema": "Person"},
        {"id": "wire-3", "name": "Bad Date", "birth_date": "sometime"},
        {"id": "z" * 201, "name": "Javad Karimi Sabet"},
    ]
    body = "\n".join(json.dumps(line) for line in lines) + "\nnot json\n"
    answer = scr.post("/screen/batch", params={"record": "true"}, content=body, headers={"Content-Type": "application/x-ndjson"})
    assert answer.status_code == 200, answer.text
    *results, summary = [json.loads(line) for line in answer.text.splitlines()]
    assert len(results) == 5 and summary["summary"]["recorded"] == 2 and summary["summary"]["not_recorded"] == 1
    assert len(results[0]["alerts"]) == 1 and results[1]["alerts"] == []
    assert "error" in results[2] and "alerts" not in results[2] and "error" in results[4]
    assert "record_error" in results[3]
    (alert,) = sue.get("/alerts", params={"status": "open"}).json()["alerts"]
    assert (alert["party_id"], alert["entity_id"]) == ("wire-1", SABET)
    assert sue.get("/audit/verify").json()["ok"]
    plain = scr.post("/screen/batch", content=body, headers={"Content-Type": "application/x-ndjson"})
    assert "alerts" not in plain.text and len(sue.get("/alerts").json()["alerts"]) == 1  # without record: nothing written


def test_a_recorded_document_records_its_parties(served: tuple[RunningServer, dict[str, str]]) -> None:
    server, key = served
    scr, sue = server.client(key["scr"]), server.client(key["sue"])
    shipment = {"reference": "BL-9", "shipper": {"name": "Nordic Timber Export AB"}, "consignee": {"name": "Javad Karimi Sabet"}}
    plain = scr.post("/screen/shipment", json=shipment)
    assert plain.status_code == 200 and "recorded" not in plain.json()
    answer = scr.post("/screen/shipment", params={"record": "true"}, json=shipment)
    assert answer.status_code == 200, answer.text
    recorded = answer.json()["recorded"]
    assert len(recorded["alerts"]) == 1 and recorded["errors"] == [] and all(p.startswith("BL-9/") for p in recorded["parties"])
    (alert,) = sue.get("/alerts").json()["alerts"]
    assert alert["id"] == recorded["alerts"][0] and alert["entity_id"] == SABET
    assert sue.get("/audit/verify").json()["ok"]
