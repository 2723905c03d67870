"""Who is blocked through ownership and control, per jurisdiction: a fixed point over the graph.

Propagation starts from the entries of the jurisdiction's designating lists.
When a party becomes blocked its holdings are added to what it owns, so the
work is linear in the edges, and a cycle ends because nothing is added
twice. Ownership counts only through blocked parties (OFAC's "indirectly"
means through entities that are themselves blocked; the UK's through what
the designated person owns or controls). A blocked owner whose share is
unknown never blocks on its own: it is reported as a review with the share
"unknown". Every finding keeps the holdings that made it, each pointing at
an owner that was blocked before it, so its path can be written out without
going round a cycle.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum

from .edges import Edge, EdgeKind
from .graph import Graph
from .rules import Effect, Rule


class Status(StrEnum):
    BLOCKED = "blocked"  # blocked through ownership or control, not listed itself
    REVIEW = "review"  # a holding or indicator that an analyst must assess


@dataclass(frozen=True)
class Holding:
    """One step into a finding: `owner` holds `share` percent (None: unknown) or controls, as `label` says."""

    owner: str
    share: float | None
    kind: EdgeKind
    label: str
    origin: str


@dataclass
class Finding:
    node: str
    rule: Rule
    status: Status
    share: float = 0.0  # percent held, in the aggregate, by designated or blocked owners (known shares)
    holdings: list[Holding] = field(default_factory=list)  # from designated or blocked owners, known shares
    unknown: list[Holding] = field(default_factory=list)  # designated or blocked owners whose share is not known
    indicators: list[Holding] = field(default_factory=list)  # control by designated or blocked parties
    order: int = 0  # when it was blocked; holdings from owners blocked earlier explain it
    root: str | None = None  # non-aggregating rules: the designated person the block runs back to

    @property
    def reason(self) -> str:
        """Why, in a few words: "owned 55% by designated persons (OFAC 50% rule)"."""
        if self.status == Status.BLOCKED:
            if self.share and self.rule.reaches(self.share):
                return f"owned {self.share:g}% by designated persons ({self.rule.rule})"
            return f"controlled by designated persons ({self.rule.rule})"
        parts = []
        if self.unknown:
            parts.append(f"owned by designated persons in unknown share{f' (known: {self.share:g}%)' if self.share else ''}")
        if self.indicators:
            parts.append("control indicator: " + "; ".join(f"{item.label}" for item in self.indicators))
        if self.holdings and not self.unknown:
            parts.append(f"held {self.share:g}% by designated persons")
        return f"review: {', '.join(parts)} ({self.rule.rule})"


@dataclass
class Blocks:
    """One jurisdiction's result: the designated roots and every finding."""

    rule: Rule
    designated: frozenset[str]
    findings: dict[str, Finding]

    def status(self, node: str) -> str | None:
        if node in self.designated:
            return "designated"
        found = self.findings.get(node)
        return found.status.value if found else None

    def blocked(self) -> set[str]:
        return {node for node, found in self.findings.items() if found.status == Status.BLOCKED}

    def is_blocked(self, node: str) -> bool:
        return node in self.designated or (node in self.findings and self.findings[node].status == Status.BLOCKED)

    def path(self, node: str, graph: Graph, depth: int = 0) -> str:
        """ "A 30% ← designated X; A 25% ← B (blocked: 60% ← designated Y)" """
        found = self.findings.get(node)
        if found is None:
            return graph.caption(node)
        caption = graph.caption(node)
        steps = []
        for item in [*found.holdings, *found.unknown, *found.indicators]:
            share = "unknown share" if item.share is None and item.kind == EdgeKind.OWNERSHIP else (item.label if item.share is None else f"{item.share:g}%")
            steps.append(f"{caption} {share} ← {self._owner(item.owner, found, graph, depth)}")
        return "; ".join(steps)

    def _owner(self, owner: str, below: Finding, graph: Graph, depth: int) -> str:
        if owner in self.designated:
            return f"designated {graph.caption(owner)}"
        found = self.findings.get(owner)
        if found is None or found.status != Status.BLOCKED:
            return graph.caption(owner)
        if found.order >= below.order or depth > 12:
            return f"{graph.caption(owner)} (blocked)"  # a cycle, or a path too long to print in full
        inner = "; ".join(
            f"{item.share:g}% ← {self._owner(item.owner, found, graph, depth + 1)}" if item.share is not None else f"{item.label} ← {self._owner(item.owner, found, graph, depth + 1)}"
            for item in [*found.holdings, *found.indicators]
        )
        return f"{graph.caption(owner)} (blocked: {inner})"


def designated_nodes(graph: Graph, rule: Rule) -> frozenset[str]:
    return frozenset(node.id for node in graph.nodes.values() if node.listed and node.dataset in rule.lists)


def _holding(edge: Edge) -> Holding:
    return Holding(edge.source, edge.share, edge.kind, edge.label, edge.origin)


def _best_edges(graph: Graph) -> dict[str, list[Edge]]:
    """Ownership and control edges by owner, one per (owner, asset, kind): the largest known share.

    Two sources stating the same holding must not add up. Kept for the graph
    while it does not change, so five jurisdictions build it once.
    """
    cached = graph.derived.get("best_edges")
    if cached is not None and cached[0] == graph.edge_count:
        return cached[1]
    result: dict[str, list[Edge]] = {}
    for owner, edges in graph.out_edges.items():
        best: dict[tuple[str, EdgeKind], Edge] = {}
        for edge in edges:
            if edge.kind not in (EdgeKind.OWNERSHIP, EdgeKind.CONTROL):
                continue
            key = (edge.target, edge.kind)
            held = best.get(key)
            if held is None or (edge.share is not None and (held.share is None or edge.share > held.share)):
                best[key] = edge
        if best:
            result[owner] = list(best.values())
    graph.derived["best_edges"] = (graph.edge_count, result)
    return result


def propagate(graph: Graph, rule: Rule, designated: Iterable[str] | None = None) -> Blocks:
    """Every party blocked or to be reviewed under `rule`, each with the holdings that made it."""
    roots = frozenset(designated) if designated is not None else designated_nodes(graph, rule)
    edges = _best_edges(graph)
    if rule.aggregate:
        findings = _run(edges, rule, roots, roots, None)
    else:
        findings = {}
        for root in sorted(roots):
            for node, found in _run(edges, rule, {root}, roots, root).items():
                findings[node] = _merge(findings.get(node), found)
    _reviews(findings, rule)
    return Blocks(rule, roots, findings)


def _merge(old: Finding | None, new: Finding) -> Finding:
    """Two designated persons' findings on one party (non-aggregating rules): the stronger holding, every indicator."""
    if old is None:
        return new
    def rank(found: Finding) -> tuple[bool, float]:
        return found.status == Status.BLOCKED, found.share

    stronger, weaker = (new, old) if rank(new) > rank(old) else (old, new)
    for item in weaker.unknown:
        if item not in stronger.unknown:
            stronger.unknown.append(item)
    for item in weaker.indicators:
        if item not in stronger.indicators:
            stronger.indicators.append(item)
    return stronger


def _run(edges: dict[str, list[Edge]], rule: Rule, start: Iterable[str], designated: frozenset[str], root: str | None) -> dict[str, Finding]:
    """The fixed point from `start`: each blocked party adds its holdings once."""
    findings: dict[str, Finding] = {}
    blocked = set(start)
    queue = deque(sorted(start))
    order = 0
    control_blocks = rule.control == Effect.BLOCK
    while queue:
        owner = queue.popleft()
        for edge in edges.get(owner, ()):
            asset = edge.target
            if asset in designated:
                continue
            found = findings.get(asset)
            if found is None:
                found = findings[asset] = Finding(asset, rule, Status.REVIEW, root=root)
            if edge.kind == EdgeKind.CONTROL:
                found.indicators.append(_holding(edge))
                newly = control_blocks
            elif edge.share is None:
                found.unknown.append(_holding(edge))
                newly = False
            else:
                found.holdings.append(_holding(edge))
                found.share = round(found.share + edge.share, 6)
                newly = rule.reaches(found.share)
            if newly and asset not in blocked:
                blocked.add(asset)
                order += 1
                found.status, found.order = Status.BLOCKED, order
                queue.append(asset)
    return findings


def _reviews(findings: dict[str, Finding], rule: Rule) -> None:
    """Keep the findings that are blocks or reviews under the rule; drop what the rule does not care about."""
    for node in list(findings):
        found = findings[node]
        if found.status == Status.BLOCKED:
            continue
        review = bool(found.unknown)
        review = review or (bool(found.indicators) and rule.control != Effect.NONE)
        review = review or (bool(found.holdings) and rule.minority == Effect.REVIEW)
        if not review:
            del findings[node]
            continue
        if rule.control == Effect.NONE:
            found.indicators = []


def propagate_all(graph: Graph, rules: Iterable[Rule]) -> dict[str, Blocks]:
    return {rule.jurisdiction: propagate(graph, rule) for rule in rules}
