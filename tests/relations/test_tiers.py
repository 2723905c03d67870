"""The entity page's graph layout: owners above, holdings below, each party's status per jurisdiction, cycles once."""

from __future__ import annotations

import pytest

from interdict.errors import NotFoundError
from interdict.relations import default_rules, propagate
from interdict.relations.context import Relations
from interdict.relations.tiers import ownership_tiers

from .helpers import csv_graph, node, roots


def _relations(name: str, *designated: str) -> Relations:
    graph = csv_graph(name)
    rules = default_rules()
    return Relations(graph, {code: propagate(graph, rule, roots(graph, *designated)) for code, rule in rules.items()}, "")


def test_owners_are_above_holdings_below_with_shares_and_each_jurisdictions_status() -> None:
    relations = _relations("faq401_2.csv", "Blocked Person X")
    graph = relations.graph
    x, a, c = (node(graph, name) for name in ("Blocked Person X", "Entity A", "Entity C"))
    tiers = ownership_tiers(relations, a)
    assert [item.id for item in tiers.tier(-1)] == [x] and [item.id for item in tiers.tier(1)] == [c]
    assert [item.id for item in tiers.tier(0)] == [a]
    shares = {(edge.owner, edge.asset): edge.describe() for edge in tiers.edges}
    assert shares == {(x, a): "50%", (a, c): "40%", (x, c): "10%"}  # X also holds C directly: the edge is drawn, C stays one tier down
    centre = tiers.tier(0)[0]
    assert centre.status["us"] == "blocked" and centre.reasons["us"] == "owned 50% by designated persons (OFAC 50% rule)"
    assert centre.status["eu"] == "not blocked"  # the EU needs more than half
    assert tiers.tier(-1)[0].status["us"] == "designated"
    assert tiers.rules["us"]["threshold"] == "50% or more" and tiers.rules["eu"]["threshold"] == "more than 50%"


def test_a_cycle_places_every_party_once_at_its_nearest_tier() -> None:
    relations = _relations("cycle.csv", "Blocked Person X")
    graph = relations.graph
    alpha, beta, gamma = (node(graph, name) for name in ("Alpha Holdings", "Beta Trading", "Gamma Shipping"))
    tiers = ownership_tiers(relations, alpha)
    placed = [item.id for level in tiers.nodes.values() for item in level]
    assert len(placed) == len(set(placed))
    assert beta in [item.id for item in tiers.tier(-1)] and beta not in [item.id for item in tiers.tier(1)]
    assert gamma in [item.id for item in tiers.tier(-2)]  # Gamma owns Beta, which owns Alpha: two up (its holding of Beta too)


def test_tiers_are_capped_and_what_is_left_out_is_counted() -> None:
    relations = _relations("cycle.csv", "Blocked Person X")
    alpha = node(relations.graph, "Alpha Holdings")
    tiers = ownership_tiers(relations, alpha, per_tier=1)
    assert all(len(level) <= 1 for level in tiers.nodes.values())
    assert sum(tiers.left_out.values()) >= 1


def test_an_unknown_node_is_not_found() -> None:
    with pytest.raises(NotFoundError):
        ownership_tiers(_relations("cycle.csv", "Blocked Person X"), "nobody")
