"""What a party owns or controls, or who owns it, per jurisdiction, with paths.

For a designated person: everything it holds or controls, directly and
through entities blocked in that jurisdiction (ownership counts only through
blocked entities, so the walk stops at one that is not). For anyone else:
the designated owners above it, by any chain, and whether the chain blocks.
Family members and associates recorded on either side are listed too.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from typing import Any

from ..errors import NotFoundError
from ..match.query import Query
from ..match.screener import Screener
from .context import Relations
from .edges import DIRECTED, Edge, EdgeKind
from .graph import NAME_PREFIX, name_key

MAX_DEPTH = 25
MAX_ROWS = 5000


@dataclass
class Exposure:
    node: str
    caption: str
    dataset: str
    designated_by: list[str]
    resolved_from: str  # how the query became this node
    jurisdictions: dict[str, dict[str, Any]] = field(default_factory=dict)
    related: list[dict[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "entity": {"id": self.node, "caption": self.caption, "dataset": self.dataset, "designated_by": self.designated_by},
            "resolved_from": self.resolved_from,
            "jurisdictions": self.jurisdictions,
            "related": self.related,
            "notes": self.notes,
        }


def _step(edge: Edge) -> str:
    if edge.kind == EdgeKind.OWNERSHIP:
        return "unknown share" if edge.share is None else f"{edge.share:g}%"
    return edge.label or edge.kind.value


def find_node(relations: Relations, screener: Screener, text: str, jurisdictions: list[str] | None = None) -> tuple[str, str, list[str]]:
    """(node id, how it was found, notes) for an entity id, a name the lists write in a relation, or a name.

    A name is screened; among the matches, an entry designated in the jurisdictions asked about (or a node
    of the user's data) comes first, then an exact spelling, then the score. The others are named in a note.
    """
    graph = relations.graph
    text = text.strip()
    if text in graph.nodes:
        return text, "entity id", []
    named = NAME_PREFIX + name_key(text)
    if named in graph.nodes:
        return named, "a name the lists write in a relation", []
    wanted = set(jurisdictions or relations.blocks)
    candidates = {hit.entity.id: hit.score for hit in screener.screen(Query.build(text), limit=20) if hit.match and hit.entity.id in graph.nodes}
    for node in graph.nodes.values():
        if name_key(node.caption) == name_key(text):
            candidates.setdefault(node.id, 1.0)
    if not candidates:
        raise NotFoundError(f"Nothing in the loaded lists or relation data matches {text!r}; give an entity id (see `interdict screen`).")

    def rank(node_id: str) -> tuple[bool, bool, float, str]:
        node = graph.nodes[node_id]
        relevant = not node.listed or bool(wanted & set(relations.designated_by(node_id)))
        return relevant, name_key(node.caption) == name_key(text), candidates[node_id], node_id

    ordered = sorted(candidates, key=rank, reverse=True)
    notes = []
    if len(ordered) > 1:
        others = ", ".join(f"{node_id} ({graph.caption(node_id)})" for node_id in ordered[1:6])
        notes.append(f"{text!r} also matches {others}{' and more' if len(ordered) > 6 else ''}; pass an entity id to choose")
    return ordered[0], f"best match for {text!r}", notes


def exposure(relations: Relations, node: str, jurisdictions: list[str] | None = None, resolved_from: str = "entity id") -> Exposure:
    graph = relations.graph
    found = graph.nodes.get(node)
    if found is None:
        raise NotFoundError(f"No entity {node!r} in the loaded lists or relation data.")
    codes = jurisdictions or list(relations.blocks)
    result = Exposure(node, found.caption, found.dataset, relations.designated_by(node), resolved_from)
    for code in codes:
        blocks = relations.blocks[code]
        rule = blocks.rule
        section: dict[str, Any] = {"rule": rule.rule, "basis": rule.basis, "status": blocks.status(node) or "not blocked"}
        own = blocks.findings.get(node)
        if own is not None:
            section.update(reason=own.reason, path=blocks.path(node, graph), share=own.share)
        if node in blocks.designated or blocks.is_blocked(node):
            section["holds"] = _holdings(relations, code, node)
        section["owners"] = _owners(relations, code, node)
        result.jurisdictions[code] = section
    for edge in graph.edges_of(node):
        if edge.kind in DIRECTED:
            continue
        other = edge.other(node)
        result.related.append(
            {
                "id": other,
                "caption": graph.caption(other),
                "relation": edge.kind.value,
                "label": edge.label,
                "designated": relations.is_designated(other),
                "source": edge.origin,
            }
        )
    return result


def _holdings(relations: Relations, code: str, start: str) -> list[dict[str, Any]]:
    """What `start` holds or controls, walking on only through parties blocked in this jurisdiction."""
    graph, blocks = relations.graph, relations.blocks[code]
    rows: list[dict[str, Any]] = []
    seen = {start}
    queue: deque[tuple[str, str, int]] = deque([(start, graph.caption(start), 0)])
    while queue and len(rows) < MAX_ROWS:
        owner, chain, depth = queue.popleft()
        if depth >= MAX_DEPTH:
            continue
        for edge in graph.holdings_of(owner):
            asset = edge.target
            if asset in seen:
                continue
            seen.add(asset)
            path = f"{chain} → {_step(edge)} {graph.caption(asset)}"
            finding = blocks.findings.get(asset)
            rows.append(
                {
                    "id": asset,
                    "caption": graph.caption(asset),
                    "depth": depth + 1,
                    "holding": edge.share,
                    "relation": edge.kind.value,
                    "status": blocks.status(asset) or "not blocked",
                    "share": finding.share if finding and finding.share else None,
                    "reason": finding.reason if finding else None,
                    "chain": path,
                    "path": blocks.path(asset, graph) if finding else None,
                }
            )
            if blocks.is_blocked(asset):
                queue.append((asset, path, depth + 1))
    return rows


def _owners(relations: Relations, code: str, start: str) -> list[dict[str, Any]]:
    """The designated parties above `start` by any chain of holdings or control, nearest first."""
    graph, blocks = relations.graph, relations.blocks[code]
    rows: list[dict[str, Any]] = []
    seen = {start}
    queue: deque[tuple[str, str, int]] = deque([(start, graph.caption(start), 0)])
    while queue and len(rows) < MAX_ROWS:
        asset, chain, depth = queue.popleft()
        if depth >= MAX_DEPTH:
            continue
        for edge in graph.owners_of(asset):
            owner = edge.source
            if owner in seen:
                continue
            seen.add(owner)
            path = f"{chain} ← {_step(edge)} {graph.caption(owner)}"
            if owner in blocks.designated:
                rows.append({"id": owner, "caption": graph.caption(owner), "depth": depth + 1, "chain": path + " (designated)"})
            queue.append((owner, path, depth + 1))
    return rows
