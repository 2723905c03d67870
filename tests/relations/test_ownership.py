"""The ownership rules on OFAC's FAQ 401 structures, the EU aggregation example, cycles, missing shares, long chains."""

from __future__ import annotations

import pytest

from interdict.relations import Status, default_rules, propagate

from .helpers import csv_graph, node, roots

US, EU, GB, CA, AU = (default_rules()[code] for code in ("us", "eu", "gb", "ca", "au"))


def test_faq401_two_blocked_companies_of_25_percent_each_block():
    graph = csv_graph("faq401_1.csv")
    blocks = propagate(graph, US, roots(graph, "Blocked Person X", "Blocked Person Y"))
    a, b, c = (node(graph, name) for name in ("Entity A", "Entity B", "Entity C"))
    assert blocks.is_blocked(a) and blocks.is_blocked(b)
    found = blocks.findings[c]
    assert found.status == Status.BLOCKED and found.share == 50
    assert found.reason == "owned 50% by designated persons (OFAC 50% rule)"
    path = blocks.path(c, graph)
    assert "Entity C 25% ← Entity A (blocked: 50% ← designated Blocked Person X)" in path
    assert "Entity C 25% ← Entity B (blocked: 50% ← designated Blocked Person Y)" in path


def test_faq401_ten_percent_direct_plus_forty_through_a_blocked_company_blocks():
    graph = csv_graph("faq401_2.csv")
    blocks = propagate(graph, US, roots(graph, "Blocked Person X"))
    c = node(graph, "Entity C")
    assert blocks.findings[c].status == Status.BLOCKED and blocks.findings[c].share == 50
    assert blocks.path(c, graph) == (
        "Entity C 10% ← designated Blocked Person X; Entity C 40% ← Entity A (blocked: 50% ← designated Blocked Person X)"
    )


def test_faq401_a_holding_through_a_company_that_is_not_blocked_does_not_count():
    graph = csv_graph("faq401_3.csv")
    blocks = propagate(graph, US, roots(graph, "Blocked Person X"))
    assert not blocks.is_blocked(node(graph, "Entity A"))
    assert not blocks.is_blocked(node(graph, "Entity C"))  # 30% direct; A's 25% does not count


def test_eu_aggregates_30_and_25_percent_and_needs_more_than_half():
    graph = csv_graph("eu_aggregation.csv")
    target = node(graph, "Target Company")
    eu = propagate(graph, EU, roots(graph, "Listed Person X", "Listed Person Y"))
    assert eu.findings[target].status == Status.BLOCKED and eu.findings[target].share == 55
    assert "more than 50%" in EU.rule
    # the UK does not add up different persons' holdings
    assert not propagate(graph, GB, roots(graph, "Listed Person X", "Listed Person Y")).is_blocked(target)
    # exactly half: blocked under the US rule (50% or more), not under the EU's (more than 50%)
    half = csv_graph("faq401_1.csv")
    people = roots(half, "Blocked Person X", "Blocked Person Y")
    assert propagate(half, US, people).is_blocked(node(half, "Entity A"))
    assert not propagate(half, EU, people).is_blocked(node(half, "Entity A"))


def test_cycles_reach_a_fixed_point():
    graph = csv_graph("cycle.csv")
    blocks = propagate(graph, US, roots(graph, "Blocked Person X"))
    alpha, beta, gamma = (node(graph, name) for name in ("Alpha Holdings", "Beta Trading", "Gamma Shipping"))
    assert blocks.is_blocked(alpha) and blocks.is_blocked(beta) and not blocks.is_blocked(gamma)
    assert blocks.findings[alpha].share == 90  # 60% from X, then 30% back from the blocked Beta
    path = blocks.path(alpha, graph)
    assert "Alpha Holdings 30% ← Beta Trading (blocked)" in path  # the cycle is named, not followed
    # nothing designated: nothing blocked, however the cycle turns
    assert propagate(graph, US, set()).findings == {}


def test_a_missing_share_never_blocks_and_is_reported_as_unknown():
    graph = csv_graph("missing_share.csv")
    people = roots(graph, "Blocked Person X", "Blocked Person Y")
    for rule in (US, EU, GB):
        blocks = propagate(graph, rule, people)
        for name in ("Opaque Ventures", "Half Known Ltd"):
            found = blocks.findings[node(graph, name)]
            assert found.status == Status.REVIEW and found.unknown, (rule.jurisdiction, name)
            assert "unknown share" in found.reason
    assert "unknown share" in propagate(graph, US, people).path(node(graph, "Opaque Ventures"), graph)


def test_a_chain_eight_levels_deep_is_blocked_to_the_end_with_its_whole_path():
    graph = csv_graph("chain8.csv")
    blocks = propagate(graph, US, roots(graph, "Blocked Person X"))
    for level in range(1, 9):
        assert blocks.is_blocked(node(graph, f"Level {level} Company")), level
    path = blocks.path(node(graph, "Level 8 Company"), graph)
    assert path.startswith("Level 8 Company 60% ← Level 7 Company (blocked: 51% ← Level 6 Company (blocked:")
    assert path.endswith("100% ← designated Blocked Person X" + ")" * 7)
    gb = propagate(graph, GB, roots(graph, "Blocked Person X"))  # > 50% at each step, through what X owns
    assert gb.is_blocked(node(graph, "Level 8 Company"))


def test_control_alone_does_not_block_under_us_gives_an_eu_review_and_blocks_in_gb_ca_au():
    from interdict.relations import Edge, EdgeKind

    graph = csv_graph("faq401_3.csv")
    x, target = node(graph, "Blocked Person X"), node(graph, "Entity A")
    graph.add_edge(Edge(x, target, EdgeKind.CONTROL, None, "director", "test"))
    assert target not in propagate(graph, US, {x}).findings
    eu = propagate(graph, EU, {x}).findings[target]
    assert eu.status == Status.REVIEW and "control indicator: director" in eu.reason
    for rule in (GB, CA, AU):
        assert propagate(graph, rule, {x}).is_blocked(target), rule.jurisdiction


def test_canada_and_australia_set_no_share_a_minority_is_reviewed_a_majority_blocks():
    graph = csv_graph("faq401_3.csv")  # X: 40% of A, 30% of C
    x = node(graph, "Blocked Person X")
    for rule in (CA, AU):
        blocks = propagate(graph, rule, {x})
        assert blocks.findings[node(graph, "Entity A")].status == Status.REVIEW
        assert "held 40% by designated persons" in blocks.findings[node(graph, "Entity A")].reason
    chain = csv_graph("chain8.csv")
    assert propagate(chain, CA, roots(chain, "Blocked Person X")).is_blocked(node(chain, "Level 8 Company"))


@pytest.mark.parametrize("code", ["us", "eu", "gb", "ca", "au"])
def test_every_finding_names_its_rule_and_legal_basis(code):
    graph = csv_graph("faq401_1.csv")
    blocks = propagate(graph, default_rules()[code], roots(graph, "Blocked Person X", "Blocked Person Y"))
    for found in blocks.findings.values():
        assert found.rule.rule and found.rule.basis and found.rule.jurisdiction == code
