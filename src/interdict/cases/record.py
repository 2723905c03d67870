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
        if not party_id or len(party_id) > 200 or "\x00" in party_id:
            # NUL: PostgreSQL's text cannot hold it, so it is refused on every store alike rather than only there.
            why = "a party id must have 1 to 200 characters and no NUL (U+0000) character; not recorded"
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


EMBARGO_PREFIX = "embargo:"  # a finding on an embargo rule names no list entry: audited, never an alert


def document_screenings(verdict: dict[str, Any]) -> list[tuple[str, dict[str, Any], list[dict[str, Any]]]]:
    """The screened parties of a document's verdict (`Verdict.to_dict()`), as (party id, data, hits) to record.

    One party per screened field (the party's role in the document: ":59:", "consignee", "NAD+FL passenger 3"),
    under the id `<reference or document name>/<field>` (a field screened with several values gets `#2`, `#3`).
    Its hits are the findings on that field: a list entry with severity "hit" is a match (an alert); a review,
    and an embargo rule (no list entry), are kept in the audit record only.
    """
    document = str(verdict.get("reference") or verdict.get("document") or "document")
    findings: dict[str, list[dict[str, Any]]] = {}
    for finding in verdict.get("findings") or []:
        findings.setdefault(str(finding.get("field")), []).append(finding)
    fields = [(str(item.get("field")), str(item.get("value", ""))) for item in verdict.get("screened") or []]
    fields += [(field, str(items[0].get("value", ""))) for field, items in findings.items() if field not in {name for name, _ in fields}]
    values: dict[str, set[str]] = {}
    for field_name, value in fields:
        values.setdefault(field_name, set()).add(value)
    seen: dict[str, int] = {}
    parties = []
    for field_name, value in fields:
        seen[field_name] = seen.get(field_name, 0) + 1
        first = seen[field_name] == 1
        party_id = f"{document}/{field_name}" + ("" if first else f"#{seen[field_name]}")
        data = {"name": value, "document": verdict.get("document"), "format": verdict.get("format"), "reference": verdict.get("reference"), "field": field_name}
        # a field screened with several values: each finding goes to its value (one naming none of them, to the first)
        mine = [f for f in findings.get(field_name, []) if f.get("value") == value or (first and f.get("value") not in values[field_name])]
        hits = [{**f, "match": f.get("severity") == "hit" and not str(f.get("entity_id", "")).startswith(EMBARGO_PREFIX)} for f in mine]
        parties.append((party_id, data, hits))
    return parties
