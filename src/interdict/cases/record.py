"""Recording one-off screenings (`screen --record`, the API's `record` flag) as alerts.

A recorded screening is written to the audit log whatever it found (who
screened what, on which lists, how many hits), and each matching hit becomes
an open alert of origin `screening`, decided like any other. One-off parties
have no stable identity, so the good-guy list (keyed on the register's party
ids) does not suppress them; a team that screens someone repeatedly should
add them to the register instead.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

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
