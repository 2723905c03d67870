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

from interdict.cases import CaseStore, Origin, record_screenings
from interdict.store import audit
from interdict.store.schema import alerts

SABET = "un_sc_sanctions-IRi.034"
MATCH = {"entity_id": SABET, "score": 0.93, "match": True}

party_ids = st.one_of(st.text(st.characters(codec="utf-8"), min_size=1, max_size=20), st.just(""), st.just("x" * 201))


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(party_ids, st.booleans()), max_size=6))
def test_each_screening_of_a_batch_is_recorded_or_named(cases: CaseStore, batch: list[tuple[str, bool]]) -> None:
    with cases.reading() as conn:
        before = conn.execute(select(func.count()).select_from(alerts)).scalar_one()
    report = record_screenings(cases, [(pid, {"name": "Javad Karimi Sabet"}, [MATCH] if hit else []) for pid, hit in batch], ["un_sc_sanctions"])
    assert len(report.outcomes) == len(batch) == report.recorded + len(report.errors)
    for (pid, hit), outcome in zip(batch, report.outcomes):
        valid = 0 < len(pid) <= 200
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
