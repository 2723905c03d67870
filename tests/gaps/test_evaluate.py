"""Measuring the resolver: the arithmetic on a hand-made case, and the real figures on UK x UN."""

from __future__ import annotations

from interdict.gaps.evaluate import Evaluation, evaluate_resolution
from interdict.gaps.resolution import Cluster, Link, Resolution

from .conftest import entity, ident


def test_precision_and_recall_arithmetic() -> None:
    entities = [
        entity("un_sc_sanctions", "IRi.001", "Person", "One"),
        entity("gb_fcdo_sanctions", "G1", "Person", "One", extra={"unReference": ["IRi.001"]}),
        entity("un_sc_sanctions", "IRi.002", "Person", "Two"),
        entity("gb_fcdo_sanctions", "G2", "Person", "Two", extra={"unReference": ["IRi.002"]}),
        entity("gb_fcdo_sanctions", "G3", "Person", "Two bis"),  # no UN number: never judged against UN entries
        entity("us_ofac_sdn", "P1", "Person", "Three", identifiers=ident("passport", "X1234567")),
        entity("au_dfat_sanctions", "P2", "Person", "Three", identifiers=ident("passport", "Passport no. X1234567")),
        entity("ca_dfatd_sema_sanctions", "P3", "Person", "Three", identifiers=ident("passport", "Y7654321")),
    ]
    ids = {item.source_id: item.id for item in entities}
    clusters = [
        Cluster(id="c1", members=sorted([ids["IRi.001"], ids["G1"]]), confidence="probable"),
        Cluster(id="c2", members=sorted([ids["IRi.002"], ids["G3"]]), confidence="probable"),
        Cluster(id="c3", members=[ids["G2"]], confidence="single"),
        Cluster(id="c4", members=sorted([ids["P1"], ids["P2"], ids["P3"]]), confidence="strong"),
    ]
    ambiguous = Link(*sorted((ids["G2"], ids["IRi.002"])), kind="name", status="ambiguous", reason="test")
    resolution = Resolution(version=1, key="k", snapshots={}, options={}, clusters=clusters, links=[ambiguous], near=[], stats={})
    result = evaluate_resolution(resolution, entities)
    scores = {(score.truth, score.scope): score for score in result.scores}
    un = scores[("un_reference", "all pairs")]
    assert (un.true_pairs, un.predicted_judged, un.true_positives, un.flagged) == (2, 1, 1, 1)
    assert (un.precision, un.recall) == (1.0, 0.5)
    passport = scores[("passport", "all pairs")]
    assert (passport.true_pairs, passport.predicted_judged, passport.true_positives) == (1, 3, 1)
    assert passport.recall == 1.0 and abs((passport.precision or 0) - 1 / 3) < 1e-9
    assert scores[("imo", "all pairs")].precision is None  # nothing to judge: no figure, not zero
    assert {example["resolver"] for example in result.false_negatives} == {"flagged ambiguous"}


def test_resolver_on_uk_and_un_with_the_un_numbers_withheld(un_uk_evaluation: Evaluation) -> None:
    scores = {(score.truth, score.scope): score for score in un_uk_evaluation.scores}
    un = scores[("un_reference", "all pairs")]
    assert un.true_pairs > 900
    assert un.precision is not None and un.precision >= 0.95, un.to_dict()
    assert un.recall is not None and un.recall >= 0.8, un.to_dict()
    assert un_uk_evaluation.options["references"] == "withheld" and un_uk_evaluation.options["identifiers"] == "withheld"
    assert un_uk_evaluation.stats["links_reference"] == 0 and un_uk_evaluation.stats["links_identifier"] == 0
