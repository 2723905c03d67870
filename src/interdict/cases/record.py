"""Recording one-off screenings (`screen --record`, the API's `record` flag) as alerts.

A recorded screening is written to the audit log whatever it found (who
screened what, on which lists, how many hits), and each matching hit becomes
an open alert of origin `screening`, decided like any other. One-off parties
have no stable identity, so the good-guy list (keyed on the register's party
ids) does not suppress them; a team that screens someone repeatedly should
add them to the register instead.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..errors import InterdictError
from ..store import audit
from .alerts import CaseStore, Party, party_sha256
from .model import Origin


def record_screening(cases: CaseStore, party_id: str, data: dict[str, Any], hits: Sequence[dict[str, Any]], datasets: Sequence[str] = ()) -> list[int]:
    """Audit a screening and raise its matching hits as alerts, in one transaction; the new alert ids."""
    party = Party(party_id, {key: value for key, value in data.items() if value not in (None, "", [])})
    with cases.writing("Recording the screening") as conn:
        audit.append(
            conn,
            audit.Action.SCREENING,
            f"party {party_id}"[:200],
            {"party": party.data, "party_sha256": party_sha256(party.data), "hits": [[hit.get("entity_id"), hit.get("score"), hit.get("match")] for hit in hits], "datasets": list(datasets)},
        )
        raised = cases.raise_alerts(conn, party, hits, Origin.SCREENING, f"recorded screening of {party_id}")
    return raised.alerts


@dataclass
class Recorded:
    """What recording a batch of screenings did: alert ids raised, and each party that could not be recorded."""

    recorded: int = 0
    alerts: list[int] = field(default_factory=list)
    errors: list[tuple[str, str]] = field(default_factory=list)  # (party id, why)
    outcomes: list[list[int] | str] = field(default_factory=list)  # per screening, in order: its alert ids, or why it was not recorded


def record_screenings(cases: CaseStore, screenings: Iterable[tuple[str, dict[str, Any], Sequence[dict[str, Any]]]], datasets: Sequence[str] = ()) -> Recorded:
    """`record_screening` for each (party id, data, hits) of a batch (screen-file, /screen/batch, a document's parties).

    Each is its own transaction: one that cannot be recorded (a party id the store refuses, a database
    error) is named in `errors` and the others are still recorded; none is half-written."""
    report = Recorded()
    for party_id, data, hits in screenings:
        if not party_id or len(party_id) > 200:
            why = "a party id must have 1 to 200 characters; not recorded"
            report.errors.append((party_id[:200], why))
            report.outcomes.append(why)
            continue
        try:
            raised = record_screening(cases, party_id, data, hits, datasets)
        except InterdictError as exc:
            report.errors.append((party_id, str(exc)))
            report.outcomes.append(str(exc))
            continue
        report.alerts += raised
        report.recorded += 1
        report.outcomes.append(raised)
    return report
