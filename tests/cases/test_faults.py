"""kill -9 during a decision, a re-screen and a list update (real processes, SQLite and PostgreSQL).

After each kill: everything the worker acknowledged is there, no alert exists
without its audit record (or the reverse), an alert pending ⇔ its decision
proposed, and the audit chain verifies. Then the interrupted work is resumed
and must complete without duplicates.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import func, select

from interdict.batch import Record
from interdict.cases import AlertStatus, CaseStore, catch_up, register, screen_unscreened
from interdict.match.index import build_index
from interdict.match.screener import Screener
from interdict.store import SnapshotStore, audit
from interdict.store.schema import alerts, audit_log, decisions, register_parties

WORKER = Path(__file__).parent / "fault_worker.py"
SABET = "un_sc_sanctions-IRi.034"


def run_and_kill(scenario: str, db: str, acks_before_kill: int, timeout: float = 120) -> list[str]:
    """Start the worker, read its acknowledgements, SIGKILL it after `acks_before_kill` of them; the acks seen."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in [str(Path(__file__).parents[2] / "src"), os.environ.get("PYTHONPATH", "")] if p)}
    process = subprocess.Popen([sys.executable, str(WORKER), scenario, db], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    acks: list[str] = []
    deadline = time.monotonic() + timeout
    assert process.stdout is not None
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        if line.startswith("ack"):
            acks.append(line.split(None, 1)[1].strip())
            if len(acks) >= acks_before_kill:
                break
    os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL, process.stderr.read() if process.stderr else ""
    return acks


def consistent(cases: CaseStore) -> None:
    """No half-written alert or decision, and the chain verifies."""
    with cases.engine.connect() as conn:
        assert audit.verify(conn).ok
        raised = conn.execute(select(func.count()).select_from(audit_log).where(audit_log.c.action == "alert.raised")).scalar_one()
        assert raised == conn.execute(select(func.count()).select_from(alerts)).scalar_one()
        proposed = set(conn.execute(select(decisions.c.alert_id).where(decisions.c.state == "proposed")).scalars())
        pending = set(conn.execute(select(alerts.c.id).where(alerts.c.status == "pending")).scalars())
        assert proposed == pending


def parties(n: int, matching_every: int) -> list[Record]:
    return [
        Record(i, {"id": f"c-{i:05d}", "name": "Javad Karimi Sabet" if i % matching_every == 0 else f"Quiet Customer Number {i}", "schema": "Person"})
        for i in range(1, n + 1)
    ]


def test_kill_during_decisions(cases: CaseStore, un_screener: Screener) -> None:
    register.add(cases, parties(40, 1))
    assert len(screen_unscreened(cases, un_screener).alerts) == 40
    acks = run_and_kill("decide", cases.engine.url.render_as_string(hide_password=False), acks_before_kill=5)
    assert len(acks) == 5
    for ack in acks:
        decision_id, alert_id = map(int, ack.split())
        assert cases.alert(alert_id).status == AlertStatus.FALSE_POSITIVE
        assert cases.decision(decision_id).state == "approved"
    consistent(cases)


def test_kill_during_a_rescreen_then_resume(cases: CaseStore, un_screener: Screener) -> None:
    register.add(cases, parties(500, 10))
    acks = run_and_kill("screen", cases.engine.url.render_as_string(hide_password=False), acks_before_kill=1)
    assert acks[-1] == "200"  # one batch of 200 committed
    consistent(cases)
    with cases.engine.connect() as conn:
        screened = conn.execute(select(func.count()).select_from(register_parties).where(register_parties.c.screened_version == register_parties.c.version)).scalar_one()
    assert screened >= 200
    resumed = screen_unscreened(cases, un_screener)  # the next run screens what the killed one did not
    assert resumed.screened == 500 - screened
    live = cases.alerts(status="open")
    assert sorted(a.party_id for a in live) == [f"c-{i:05d}" for i in range(10, 501, 10)]  # each once
    consistent(cases)


def test_kill_during_a_list_update(cases: CaseStore, un_screener: Screener) -> None:
    snapshots = SnapshotStore(cases.engine)
    register.add(cases, parties(30, 3))
    screen_unscreened(cases, un_screener)
    catch_up(cases, snapshots, un_screener)
    before = snapshots.active_snapshot("un_sc_sanctions")
    assert before is not None
    url = cases.engine.url.render_as_string(hide_password=False)
    acks = run_and_kill("update", url, acks_before_kill=1)  # killed right after the swap, during the re-screen
    after = snapshots.active_snapshot("un_sc_sanctions")
    assert after is not None and acks == [f"snapshot {after.id}"]
    assert snapshots.entity_count(after.id) == after.entries == before.entries - 1  # all or nothing
    consistent(cases)
    with cases.engine.connect() as conn:
        updates = [r.data["snapshot_id"] for r in audit.records(conn) if r.action == "list.updated"]
    assert updates[-1] == after.id
    # The re-screen the kill interrupted resumes from the snapshot monitoring last saw: Sabet's alerts close as delisted.
    screener = Screener(build_index(snapshots.active_entities(), build_key=f"resume-{after.id}"))
    report = catch_up(cases, snapshots, screener)
    assert len(report.delisted) == 10 and all(cases.alert(a).closed_snapshot_id == after.id for a in report.delisted)
    assert cases.alerts(status="live") == []
    consistent(cases)


def test_kill_before_the_swap_keeps_the_old_list(cases: CaseStore, un_screener: Screener) -> None:
    """Killed while the new snapshot's rows are being written: the old list stays active, nothing audited."""
    snapshots = SnapshotStore(cases.engine)
    before = snapshots.active_snapshot("un_sc_sanctions")
    url = cases.engine.url.render_as_string(hide_password=False)
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parents[2] / "src")}
    process = subprocess.Popen([sys.executable, str(WORKER), "update", url], stdout=subprocess.PIPE, text=True, env=env)
    assert process.stdout is not None and process.stdout.readline().strip() == "ready"
    time.sleep(0.1)  # parsed; now checking and writing the new snapshot's rows
    os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=30)
    acknowledged = "ack snapshot" in process.stdout.read()
    after = snapshots.active_snapshot("un_sc_sanctions")
    assert after is not None and before is not None
    if acknowledged:
        assert after.id != before.id
    # Either list, whole: the old one, or the new one if the kill came after its commit (acknowledged or not).
    assert after.id == before.id or after.origin == "fault test"
    assert snapshots.entity_count(after.id) == after.entries
    with cases.engine.connect() as conn:
        audited = {r.data["snapshot_id"] for r in audit.records(conn) if r.action == "list.updated"}
    assert after.id in audited and all(snapshots.snapshot(s) for s in audited)
    consistent(cases)
