"""The casework commands end to end, in-process through the real entry point, on a UN-only store."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

SABET = "un_sc_sanctions-IRi.034"


def test_register_alerts_four_eyes_and_audit_from_the_command_line(cli: Callable[..., Any], un_db: str, tmp_path: Path) -> None:
    db = ["--db", un_db]
    assert cli("users", "add", "ann", "--role", "analyst", *db).code == 0
    assert cli("users", "add", "sue", "--role", "supervisor", *db).code == 0
    assert cli("users", "add", "ann", "--role", "analyst", *db).code == 2  # already there: a clear error
    parties = tmp_path / "customers.csv"
    parties.write_text("id,name,schema,birth_date\nc-1,Javad Karimi Sabet,Person,\nc-2,Jane Quiet,Person,\n,No Id,Person,\nc-3,Bad Date,Person,sometime\n")
    added = cli("monitor", "add", parties, "--json", *db)
    assert added.code == 1  # two rows could not be added, and each is named
    report = json.loads(added.stdout)
    assert (report["rows"], report["added"], [e["line"] for e in report["errors"]]) == (4, 2, [4, 5])
    assert len(report["screening"]["alerts"]) == 1
    listed = cli("alerts", "list", "--status", "open", "--json", *db)
    (alert,) = json.loads(listed.stdout)
    assert (alert["party_id"], alert["entity_id"], alert["status"]) == ("c-1", SABET, "open") and alert["snapshot_id"]
    assert cli("alerts", "decide", str(alert["id"]), "--outcome", "false_positive", "--reason", "Different person", *db).code == 2  # who?
    decided = cli("alerts", "decide", str(alert["id"]), "--outcome", "false_positive", "--reason", "Different person", "--user", "ann", *db)
    assert decided.code == 0, decided.stderr
    again = cli("alerts", "decide", str(alert["id"]), "--outcome", "true_match", "--reason", "Late", "--user", "ann", *db)
    assert again.code == 7 and "waiting for a supervisor" in again.flat_err
    assert cli("alerts", "approve", "--alert", str(alert["id"]), "--user", "ann", *db).code == 8  # an analyst, and the maker
    assert cli("alerts", "approve", "--alert", str(alert["id"]), "--user", "sue", *db).code == 0
    assert json.loads(cli("alerts", "list", "--status", "false_positive", "--json", *db).stdout)[0]["id"] == alert["id"]
    # Re-adding the same file changes nothing; the cleared pair stays quiet on a full re-screen.
    assert json.loads(cli("monitor", "rescreen", "--all", "--json", *db).stdout)["suppressed"] == 1
    recorded = cli("screen", "Javad Karimi Sabet", "--record", "--party-id", "wire-77", "--json", "--user", "ann", *db)
    assert recorded.code == 0 and len(json.loads(recorded.stdout)["alerts"]) == 1
    assert cli("audit", "verify", *db).code == 0
    head = cli("audit", "head", *db).stdout.strip()
    assert cli("audit", "verify", "--anchor", head, *db).code == 0
    today = datetime.now(UTC).date().isoformat()
    out = tmp_path / "audit.csv"
    assert cli("audit", "export", "--from", today, "--to", today, "--out", out, *db).code == 0
    actions = [row["action"] for row in csv.DictReader(out.open())]
    for action in ("user.added", "register.added", "alert.raised", "decision.proposed", "decision.approved", "screening"):
        assert action in actions
    exported = tmp_path / "register.csv"
    assert cli("monitor", "export", exported, *db).code == 0
    assert [row["id"] for row in csv.DictReader(exported.open())] == ["c-1", "c-2"]
    assert cli("monitor", "remove", "c-2", "nope", *db).code == 1
    key = cli("keys", "create", "--user", "sue", "--json", *db)
    assert json.loads(key.stdout)["user"] == "sue" and json.loads(key.stdout)["role"] == "supervisor"
