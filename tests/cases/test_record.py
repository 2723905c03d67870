"""Recording batches of one-off screenings (`screen-file --record`, `record_screenings`): every party recorded or named.

A party that cannot be recorded never sinks the others, nothing is half-written, and the audit chain stays valid.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from interdict.cases import CaseStore, Origin, document_screenings, record_screenings
from interdict.store import audit
from interdict.store.schema import alerts

SABET = "un_sc_sanctions-IRi.034"
MATCH = {"entity_id": SABET, "score": 0.93, "match": True}

party_ids = st.one_of(st.text(st.characters(codec="utf-8"), min_size=1, max_size=20), st.just(""), st.just("x" * 201), st.just("a\x00b"))


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(party_ids, st.booleans()), max_size=6))
def test_each_screening_of_a_batch_is_recorded_or_named(cases: CaseStore, batch: list[tuple[str, bool]]) -> None:
    with cases.reading() as conn:
        before = conn.execute(select(func.count()).select_from(alerts)).scalar_one()
    report = record_screenings(cases, [(pid, {"name": "Javad Karimi Sabet"}, [MATCH] if hit else []) for pid, hit in batch], ["un_sc_sanctions"])
    assert len(report.outcomes) == len(batch) == report.recorded + len(report.errors)
    for (pid, hit), outcome in zip(batch, report.outcomes):
        valid = 0 < len(pid) <= 200 and "\x00" not in pid  # PostgreSQL's text cannot hold NUL: refused on every store
        assert isinstance(outcome, list) == valid
        if valid:
            assert len(outcome) == int(hit)  # one-off screenings are not suppressed: each match is an alert
    with cases.reading() as conn:
        assert conn.execute(select(func.count()).select_from(alerts)).scalar_one() == before + len(report.alerts)
        assert audit.verify(conn).ok
    for alert_id in report.alerts:
        assert cases.alert(alert_id).origin == Origin.SCREENING


def test_screen_file_record_records_each_row_under_its_id(cli: Callable[..., Any], un_db: str, tmp_path: Path) -> None:
    rows = tmp_path / "wires.csv"
    rows.write_text(f"id,name,schema,birth_date\nw-1,Javad Karimi Sabet,Person,\nw-2,Jane Quiet,Person,\nw-3,Bad Date,Person,sometime\n{'y' * 201},Javad Karimi Sabet,Person,\n")
    out = tmp_path / "results.jsonl"
    done = cli("screen-file", rows, "--out", out, "--record", "--user", "ann", "--db", un_db)
    assert done.code == 1  # the bad row and the unrecordable one are named; the others are screened and recorded
    assert "not recorded" in done.flat_err and "recorded 2 screenings; 1 alert(s) raised" in done.flat_err
    results = [json.loads(line) for line in out.read_text().splitlines()]
    assert [r["id"] for r in results][:3] == ["w-1", "w-2", "w-3"] and "error" in results[2] and len(results) == 4
    (alert,) = json.loads(cli("alerts", "list", "--json", "--db", un_db).stdout)
    assert (alert["party_id"], alert["entity_id"]) == ("w-1", SABET)
    assert cli("audit", "verify", "--db", un_db).code == 0


SHIPMENT = {
    "reference": "BL-77",
    "shipper": {"name": "Nordic Timber Export AB", "country": "SE"},
    "consignee": {"name": "Javad Karimi Sabet", "country": "IR"},
    "destination_country": "Iran",
    "goods_description": "Oak flooring panels",
}


def test_screen_shipment_record_records_each_party_under_the_reference_and_field(cli: Callable[..., Any], un_db: str, tmp_path: Path) -> None:
    path = tmp_path / "bl-77.json"
    path.write_text(json.dumps(SHIPMENT))
    done = cli("screen-shipment", path, "--record", "--user", "ann", "--json", "--db", un_db)
    assert done.code == 0, done.stderr
    verdict = json.loads(done.stdout)
    assert verdict["verdict"] == "hit" and "alert(s) raised" in done.flat_err
    alerts = json.loads(cli("alerts", "list", "--json", "--db", un_db).stdout)
    assert [(a["party_id"].split("/", 1)[0], a["entity_id"]) for a in alerts] == [("BL-77", SABET)]  # the embargo finding is audited, not an alert
    assert "consignee" in alerts[0]["party_id"]
    exported = tmp_path / "audit.json"
    assert cli("audit", "export", "--out", exported, "--db", un_db).code == 0
    screened = [r for r in json.loads(exported.read_text()) if r["action"] == "screening"]
    assert len(screened) == len(verdict["screened"])  # every screened field recorded, matching or not
    assert cli("audit", "verify", "--db", un_db).code == 0


def test_a_field_screened_with_several_values_is_one_party_per_value() -> None:
    verdict = {
        "document": "m.edi",
        "reference": None,
        "format": "PAXLST",
        "screened": [{"field": "crew", "value": "A B"}, {"field": "crew", "value": "C D"}, {"field": "port", "value": "Tehran"}],
        "findings": [
            {"field": "crew", "value": "C D", "entity_id": SABET, "severity": "hit", "score": 0.9},
            {"field": "port", "value": "Tehran", "entity_id": "embargo:iran", "severity": "hit"},
        ],
    }
    parties = {pid: (data, hits) for pid, data, hits in document_screenings(verdict)}
    assert list(parties) == ["m.edi/crew", "m.edi/crew#2", "m.edi/port"]
    assert parties["m.edi/crew"][1] == [] and parties["m.edi/crew#2"][1][0]["match"] is True
    assert parties["m.edi/port"][1][0]["match"] is False  # an embargo rule names no list entry
