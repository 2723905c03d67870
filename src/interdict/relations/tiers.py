"""One party's ownership neighbourhood laid out in tiers: owners above, holdings below.

The entity page draws this as a graph (ui/pages/entity.py); the tiers are
computed here so that the layout has one source and a test can read it without
a browser. Tier -1 holds the direct owners and controllers, -2 their owners,
and so on up to `depth`; tier +1 the direct holdings, +2 theirs. A party seen
twice keeps its nearest tier, so a cycle never repeats a node. Each party
carries its status in every jurisdiction (designated, blocked, review, or not
blocked) with the reason and the rule that applies, so the drawing can say
per jurisdiction what the holding means. Tiers are capped (`per_tier`) and
what was left out is counted, never dropped silently.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from typing import Any

from ..errors import NotFoundError
from .context import Relations
from .edges import DIRECTED, Edge, EdgeKind
from .rules import Rule

DEPTH = 3
PER_TIER = 40


@dataclass
class TierNode:
    id: str
    caption: str
    dataset: str
    listed: bool
    tier: int
    status: dict[str, str]  # jurisdiction → designated / blocked / review / not blocked
    reasons: dict[str, str]  # jurisdiction → why (blocked or review), when a rule found something


@dataclass
class TierEdge:
    owner: str
    asset: str
    kind: str  # ownership or control
    share: float | None
    label: str
    origin: str

    def describe(self) -> str:
        if self.kind == EdgeKind.OWNERSHIP:
            return "unknown share" if self.share is None else f"{self.share:g}%"
        return self.label or self.kind


@dataclass
class Tiers:
    centre: str
    nodes: dict[int, list[TierNode]]  # tier → parties, sorted by caption
    edges: list[TierEdge]  # between parties shown
    rules: dict[str, dict[str, Any]]  # jurisdiction → the rule: name, threshold, basis
    related: list[dict[str, Any]] = field(default_factory=list)  # family, associates, links (undirected)
    left_out: dict[int, int] = field(default_factory=dict)  # tier → parties not shown (over per_tier)

    def tier(self, level: int) -> list[TierNode]:
        return self.nodes.get(level, [])

    @property
    def empty(self) -> bool:
        return not self.edges and not self.related


def _node(relations: Relations, node_id: str, tier: int) -> TierNode:
    graph = relations.graph
    found = graph.nodes.get(node_id)
    status: dict[str, str] = {}
    reasons: dict[str, str] = {}
    for code, blocks in relations.blocks.items():
        status[code] = blocks.status(node_id) or "not blocked"
        finding = blocks.findings.get(node_id)
        if finding is not None:
            reasons[code] = finding.reason
    return TierNode(
        id=node_id,
        caption=graph.caption(node_id),
        dataset=found.dataset if found else "",
        listed=bool(found and found.listed),
        tier=tier,
        status=status,
        reasons=reasons,
    )


def ownership_tiers(relations: Relations, node: str, depth: int = DEPTH, per_tier: int = PER_TIER) -> Tiers:
    """The owners above `node` and its holdings below, `depth` steps each way, with every jurisdiction's status."""
    graph = relations.graph
    if node not in graph.nodes:
        raise NotFoundError(f"No entity {node!r} in the loaded lists or relation data.")
    placed: dict[str, int] = {node: 0}
    counts: dict[int, int] = {}
    left_out: dict[int, int] = {}
    for direction in (-1, 1):
        queue: deque[tuple[str, int]] = deque([(node, 0)])
        while queue:
            current, level = queue.popleft()
            if abs(level) >= depth:
                continue
            steps: list[Edge] = graph.owners_of(current) if direction < 0 else graph.holdings_of(current)
            for edge in sorted(steps, key=lambda item: (graph.caption(item.other(current)).casefold(), item.other(current))):
                other = edge.other(current)
                tier = level + direction
                if other not in placed:
                    if counts.get(tier, 0) >= per_tier:
                        left_out[tier] = left_out.get(tier, 0) + 1
                        continue
                    placed[other] = tier
                    counts[tier] = counts.get(tier, 0) + 1
                    queue.append((other, tier))
    nodes: dict[int, list[TierNode]] = {}
    for node_id, tier in placed.items():
        nodes.setdefault(tier, []).append(_node(relations, node_id, tier))
    for level in nodes:
        nodes[level].sort(key=lambda item: (item.caption.casefold(), item.id))
    unique: dict[tuple[str, str, str, str], TierEdge] = {}
    for owner in placed:  # every holding between parties shown, also those the walk did not take (X holds A and C)
        for edge in graph.holdings_of(owner):
            if edge.target in placed:
                item = TierEdge(edge.source, edge.target, edge.kind.value, edge.share, edge.label, edge.origin)
                unique.setdefault((item.owner, item.asset, item.kind, item.label), item)
    related = []
    for edge in graph.edges_of(node):
        if edge.kind in DIRECTED:
            continue
        other = edge.other(node)
        related.append(
            {"id": other, "caption": graph.caption(other), "relation": edge.kind.value, "label": edge.label, "designated": relations.is_designated(other), "source": edge.origin}
        )
    rules = {
        code: {"rule": blocks.rule.rule, "threshold": _threshold(blocks.rule), "basis": blocks.rule.basis} for code, blocks in relations.blocks.items()
    }
    return Tiers(centre=node, nodes=dict(sorted(nodes.items())), edges=list(unique.values()), rules=rules, related=related, left_out=left_out)


def _threshold(rule: Rule) -> str:
    """The share that blocks, in words: "50% or more", "more than 50%", or "no set share"."""
    if rule.threshold is None:
        return "no set share (control decides)"
    return f"{rule.threshold:g}% or more" if rule.inclusive else f"more than {rule.threshold:g}%"
