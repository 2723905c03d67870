"""The queue's filters and the histories over HTTP: the same library calls as the web UI's alert pages."""

from __future__ import annotations

from .conftest import RunningServer
from .test_cases import served  # noqa: F401  (the fixture: a UN-only server, one key per person)


def test_alert_filters_and_histories_over_http(served: tuple[RunningServer, dict[str, str]]) -> None:  # noqa: F811
    server, key = served
    ann, scr = server.client(key["ann"]), server.client(key["scr"])
    parties = [
        {"id": "c-1", "name": "Javad Karimi Sabet", "schema": "Person"},
        {"id": "c-2", "name": "Ahmad Vahid Dastjerdi", "schema": "Person"},
    ]
    assert ann.post("/monitor", json={"parties": parties}).status_code == 200
    alerts = ann.get("/alerts").json()["alerts"]
    assert len(alerts) == 2
    first, second = sorted(alerts, key=lambda alert: alert["id"])
    assert ann.post(f"/alerts/{first['id']}/assign", json={"assignee": "sue"}).status_code == 200
    assert [a["id"] for a in ann.get("/alerts", params={"assignee": "sue"}).json()["alerts"]] == [first["id"]]
    assert [a["id"] for a in ann.get("/alerts", params={"assignee": "-"}).json()["alerts"]] == [second["id"]]
    assert ann.get("/alerts", params={"list": "us_ofac_sdn"}).json()["alerts"] == []
    assert len(ann.get("/alerts", params={"list": "un_sc_sanctions", "min_score": 0.5}).json()["alerts"]) == 2
    assert ann.get("/alerts", params={"min_score": 2}).status_code == 422
    history = ann.get(f"/alerts/{first['id']}/history").json()["records"]
    assert [(r["action"], r["actor"]) for r in history][1:] == [("alert.assigned", "ann")] and history[0][
        "action"
    ] == "alert.raised"
    case = ann.post("/cases", json={"title": "Two names", "alert_ids": [first["id"], second["id"]]}).json()
    records = ann.get(f"/cases/{case['id']}/history").json()["records"]
    assert [r["action"] for r in records] == ["alert.raised", "alert.raised", "alert.assigned", "case.opened"]
    assert [r["seq"] for r in records] == sorted(r["seq"] for r in records)
    assert ann.get("/cases/999999/history").status_code == 404
    assert scr.get(f"/alerts/{first['id']}/history").status_code == 403  # casework needs an analyst
    again = ann.post("/monitor/c-1/screen")
    assert again.status_code == 200 and (again.json()["screened"], again.json()["alerts"], again.json()["already_open"]) == (1, [], 1)
    assert ann.post("/monitor/nobody/screen").status_code == 404
