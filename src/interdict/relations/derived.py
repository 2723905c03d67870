"""Derived blocks across jurisdictions: blocked in one through ownership or control, not in another.

The mirror of the gap report for ownership: a company the US blocks because
designated persons own 55% of it may be free to deal with under the EU rule
(more than 50%, other owners) or the UK's (no aggregation). Each row says
why it is blocked where it is, and what the other jurisdictions make of it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .context import Relations
from .ownership import Status


@dataclass
class DerivedGaps:
    blocked_in: list[str]
    not_in: list[str]
    rows: list[dict[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        return {code: sum(1 for row in self.rows if row["status"].get(code) == "blocked") for code in self.blocked_in}

    def to_dict(self) -> dict[str, Any]:
        return {"blocked_in": self.blocked_in, "not_in": self.not_in, "counts": self.counts(), "rows": self.rows, "notes": self.notes}


def derived_gaps(relations: Relations, blocked_in: list[str], not_in: list[str]) -> DerivedGaps:
    """Parties blocked through ownership or control in any of `blocked_in` and neither designated nor blocked in any of `not_in`."""
    result = DerivedGaps(blocked_in, not_in)
    graph = relations.graph
    candidates = sorted({node for code in blocked_in for node, found in relations.blocks[code].findings.items() if found.status == Status.BLOCKED})
    for node in candidates:
        if any(relations.blocks[code].is_blocked(node) for code in not_in):
            continue
        status = {code: relations.blocks[code].status(node) or "not blocked" for code in relations.blocks}
        why = {code: relations.blocks[code].path(node, graph) for code in blocked_in if relations.blocks[code].findings.get(node)}
        result.rows.append({"id": node, "caption": graph.caption(node), "dataset": graph.nodes[node].dataset, "status": status, "paths": why})
    result.notes.append(
        "'not blocked' is this graph's answer: the same subject may be listed in those jurisdictions under an entry of "
        "their own list (see `interdict gaps` for cross-list resolution)"
    )
    return result
