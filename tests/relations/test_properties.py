"""Properties of the fixed point, over random ownership structures (Hypothesis)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from interdict.relations import Edge, EdgeKind, Graph, Node, default_rules, propagate

NODES = [f"n{i}" for i in range(8)]
share = st.one_of(st.none(), st.sampled_from([5.0, 10.0, 20.0, 25.0, 30.0, 40.0, 50.0, 51.0, 60.0, 100.0]))
edge = st.tuples(st.sampled_from(NODES), st.sampled_from(NODES), share).filter(lambda item: item[0] != item[1])
structures = st.tuples(st.lists(edge, max_size=20, unique_by=lambda item: (item[0], item[1])), st.sets(st.sampled_from(NODES), max_size=3))
RULES = list(default_rules().values())


def graph_of(edges: list[tuple[str, str, float | None]]) -> Graph:
    graph = Graph()
    for name in NODES:
        graph.add_node(Node(name, name, "Company", "relations", False))
    for owner, asset, held in edges:
        graph.add_edge(Edge(owner, asset, EdgeKind.OWNERSHIP, held, "owner", "test"))
    return graph


def reference_us(edges: list[tuple[str, str, float | None]], designated: set[str]) -> set[str]:
    """The OFAC rule written the slow, obvious way: repeat until nothing changes."""
    blocked = set(designated)
    while True:
        grown = {
            asset
            for asset in NODES
            if asset not in blocked and sum(held or 0 for owner, target, held in edges if target == asset and owner in blocked) >= 50
        }
        if not grown:
            return blocked - set(designated)
        blocked |= grown


@settings(max_examples=150, deadline=None)
@given(structures)
def test_the_fixed_point_is_the_obvious_one(structure):
    edges, designated = structure
    assert propagate(graph_of(edges), default_rules()["us"], designated).blocked() == reference_us(edges, designated)


@settings(max_examples=100, deadline=None)
@given(structures, st.sampled_from(NODES), st.randoms(use_true_random=False))
def test_adding_a_designated_owner_never_unblocks_and_order_does_not_matter(structure, extra, random):
    edges, designated = structure
    for rule in RULES:
        before = propagate(graph_of(edges), rule, designated)
        after = propagate(graph_of(edges), rule, designated | {extra})
        assert before.blocked() - {extra} <= after.blocked() | after.designated, rule.jurisdiction
        shuffled = list(edges)
        random.shuffle(shuffled)
        again = propagate(graph_of(shuffled), rule, designated)
        assert again.blocked() == before.blocked(), rule.jurisdiction
        assert {node: round(found.share, 6) for node, found in again.findings.items()} == {
            node: round(found.share, 6) for node, found in before.findings.items()
        }


@settings(max_examples=100, deadline=None)
@given(structures, st.sampled_from(NODES), st.sampled_from(NODES))
def test_an_unknown_share_never_blocks_on_its_own(structure, owner, asset):
    edges, designated = structure
    if owner == asset or any((o, a) == (owner, asset) for o, a, _ in edges):
        return
    for rule in RULES:
        before = propagate(graph_of(edges), rule, designated).blocked()
        after = propagate(graph_of([*edges, (owner, asset, None)]), rule, designated).blocked()
        assert after == before, rule.jurisdiction
