"""The gap report's section on derived blocks: blocked through ownership or control in X, not in Y.

A company no list names can still be blocked: the US blocks what designated
persons own 50% or more of, the EU what they own more than half of, the UK
what one of them owns more than half of or controls. `relations/derived.py`
finds the parties blocked that way under the --listed-by jurisdictions'
rules and neither designated nor blocked under the --not-listed-by ones; here
that count joins the gap report with each party's path. A party whose own
entry the resolution links to a list of a --not-listed-by jurisdiction is
listed there after all: it is left out and counted in a note.
"""

from __future__ import annotations

from typing import Any

from ..model import Entity, Schema
from ..relations.context import Relations
from ..relations.derived import derived_gaps
from ..relations.edges import EdgeKind
from .report import GapQuery, schema_matches
from .resolution import Resolution
from .scope import jurisdiction_of

SECTION = "blocked through ownership"  # the CSV's section of these rows


def derived_section(relations: Relations, query: GapQuery, resolution: Resolution, entities: dict[str, Entity]) -> dict[str, Any] | None:
    """The section, or None when the query names no jurisdiction with an ownership rule on either side, or
    when neither the lists nor the user's data state any ownership or control."""
    blocked_in = [code for code in query.listed_by if code in relations.blocks]
    not_in = [code for code in query.not_listed_by if code in relations.blocks]
    if not blocked_in or not not_in:
        return None
    if not any(edge.kind in (EdgeKind.OWNERSHIP, EdgeKind.CONTROL) for edge in relations.graph.edges()):
        return None
    found = derived_gaps(relations, blocked_in, not_in)
    notes = list(found.notes)
    if query.programme:
        return {
            "title": _title(blocked_in, not_in),
            "blocked_in": blocked_in,
            "not_in": not_in,
            "counts": {},
            "rows": [],
            "notes": [
                f"Derived blocks are not counted under --programme {query.programme}: a block through ownership belongs to no "
                "programme of its own. Run the report without --programme to count them."
            ],
        }
    cluster_of = {member: cluster for cluster in resolution.clusters for member in cluster.members}
    rows: list[dict[str, Any]] = []
    listed_there = 0
    for row in found.rows:
        if query.schema is not None and not _schema_fits(query.schema, relations.graph.nodes[row["id"]].schema):
            continue
        cluster = cluster_of.get(row["id"])
        if cluster is not None and any(m in entities and jurisdiction_of(entities[m].dataset) in not_in for m in cluster.members):
            listed_there += 1
            continue
        rows.append({**row, "blocked_in": [code for code in blocked_in if row["status"].get(code) == "blocked"]})
    if listed_there:
        notes.append(f"{listed_there} more parties blocked through ownership are listed by {', '.join(not_in)} under an entry of their own: not counted here.")
    if query.schema is not None:
        notes.append(f"Only parties of schema {query.schema} (and its family) are counted.")
    counts = {code: sum(1 for row in rows if code in row["blocked_in"]) for code in blocked_in}
    return {"title": _title(blocked_in, not_in), "blocked_in": blocked_in, "not_in": not_in, "counts": counts, "rows": rows, "notes": notes}


def _title(blocked_in: list[str], not_in: list[str]) -> str:
    return f"blocked through ownership or control in {', '.join(blocked_in)}, not in {', '.join(not_in)}"


def _schema_fits(wanted: Schema, schema: str) -> bool:
    try:
        return schema_matches(wanted, Schema(schema))
    except ValueError:
        return False
