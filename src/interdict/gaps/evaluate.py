"""Measuring the resolver against the ground truth the lists themselves hold.

Three kinds of truth are printed on the lists:

- UN reference numbers that UK (and EU XML) entries carry: the entry *is* that
  UN entry. The UK carries one for virtually every UN listing, so over pairs of
  a UN entry and a UK entry with a UN number the truth is complete: a linked
  pair without the shared number is wrong.
- identical passport numbers on two people's entries;
- identical IMO numbers on two vessels' entries (a hull keeps its number for life,
  so two vessels with different numbers are different vessels).

The resolver is run with all of that withheld (no cross-references, no
identifiers), so every link it makes comes from names, birth dates and
nationalities. A predicted pair is two entries of different lists in one
cluster; it is *judged* when the truth can say yes or no (both entries carry the
kind of key in question), and only judged pairs count towards precision.
Passports are the weakest truth: a person may hold several, so a linked pair
whose passports differ counts as wrong although it may be right.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import combinations

from ..model import Entity
from .scope import jurisdiction_of
from .claims import ClaimCheck
from .references import identifier_values, reference_key
from .resolution import LinkStatus, Resolution

TRUTHS = ("un_reference", "passport", "imo")
MIN_VALUE = 5  # shorter passport/IMO values are too collision-prone to be truth
EXAMPLES = 15


@dataclass
class Score:
    truth: str
    scope: str  # "all pairs" or "across jurisdictions"
    true_pairs: int = 0
    predicted_judged: int = 0
    true_positives: int = 0
    flagged: int = 0  # missed true pairs the resolver kept as ambiguous links

    @property
    def precision(self) -> float | None:
        return self.true_positives / self.predicted_judged if self.predicted_judged else None

    @property
    def recall(self) -> float | None:
        return self.true_positives / self.true_pairs if self.true_pairs else None

    def to_dict(self) -> dict:
        return {
            "truth": self.truth,
            "scope": self.scope,
            "true_pairs": self.true_pairs,
            "predicted_judged_pairs": self.predicted_judged,
            "true_positives": self.true_positives,
            "false_positives": self.predicted_judged - self.true_positives,
            "false_negatives": self.true_pairs - self.true_positives,
            "missed_but_flagged_ambiguous": self.flagged,
            "precision": None if self.precision is None else round(self.precision, 4),
            "recall": None if self.recall is None else round(self.recall, 4),
        }


@dataclass
class Evaluation:
    scores: list[Score]
    by_tier: dict[str, dict[str, int]]  # cluster confidence -> {judged, correct}
    false_positives: list[dict] = field(default_factory=list)
    false_negatives: list[dict] = field(default_factory=list)
    options: dict[str, str] = field(default_factory=dict)
    stats: dict[str, int] = field(default_factory=dict)
    claims: ClaimCheck | None = None  # the "not listed by" claims of a gap report, looked up by hand (claims.py)

    def to_dict(self) -> dict:
        return {
            "claims": self.claims.to_dict() if self.claims is not None else None,
            "scores": [score.to_dict() for score in self.scores],
            "precision_by_cluster_confidence": self.by_tier,
            "false_positive_examples": self.false_positives,
            "false_negative_examples": self.false_negatives,
            "resolver_options": self.options,
            "resolver_stats": self.stats,
        }


class _Truth:
    """Each entry's ground-truth keys, per kind, and who can be judged."""

    def __init__(self, entities: Iterable[Entity]):
        self.keys: dict[str, dict[str, set[str]]] = {kind: defaultdict(set) for kind in TRUTHS}
        self.entities: dict[str, Entity] = {}
        for entity in entities:
            self.entities[entity.id] = entity
            if entity.dataset == "un_sc_sanctions":
                self.keys["un_reference"][entity.id].add(reference_key(entity.source_id))
            refs = set(entity.extra.get("unReference", ())) | {
                relation.target_name for relation in entity.relations if relation.type == "same_as" and relation.target_name
            }
            if refs and entity.dataset != "un_sc_sanctions":
                self.keys["un_reference"][entity.id].update(reference_key(ref) for ref in refs)
            for ident in entity.identifiers:
                values = identifier_values(ident.value, MIN_VALUE)
                if not values:
                    continue
                if ident.type == "passport" and entity.schema in ("Person", "LegalEntity"):
                    self.keys["passport"][entity.id].update(values)
                elif ident.type == "imo" and entity.schema == "Vessel":
                    self.keys["imo"][entity.id].update(values)

    def judged(self, kind: str, a: str, b: str) -> bool:
        """Can this kind of truth say whether a and b are the same? Only when both carry such keys.

        A UK entry without a UN number is not judged against UN entries: the UK
        also lists some UN designees a second time under its own regimes.
        """
        keys = self.keys[kind]
        return a in keys and b in keys

    def same(self, kind: str, a: str, b: str) -> bool:
        return bool(self.keys[kind].get(a, set()) & self.keys[kind].get(b, set()))

    def true_pairs(self, kind: str) -> set[tuple[str, str]]:
        by_value: dict[str, list[str]] = defaultdict(list)
        for entity_id, values in self.keys[kind].items():
            for value in values:
                by_value[value].append(entity_id)
        pairs: set[tuple[str, str]] = set()
        for ids in by_value.values():
            for a, b in combinations(sorted(set(ids)), 2):
                if self.entities[a].dataset != self.entities[b].dataset:
                    pairs.add((a, b))
        return pairs


def _jurisdiction(entity: Entity) -> str:
    return jurisdiction_of(entity.dataset)


def _in_scope(truth: _Truth, pair: tuple[str, str], cross: bool) -> bool:
    """Every pair counts, or (cross) only pairs of entries from two different jurisdictions."""
    return not cross or _jurisdiction(truth.entities[pair[0]]) != _jurisdiction(truth.entities[pair[1]])


def evaluate_resolution(resolution: Resolution, entities: Iterable[Entity]) -> Evaluation:
    """Precision and recall of a resolution's cross-list pairs against the lists' own keys."""
    truth = _Truth(entities)
    confidence: dict[str, str] = {}
    predicted: set[tuple[str, str]] = set()
    for cluster in resolution.clusters:
        members = [member for member in cluster.members if member in truth.entities]
        for a, b in combinations(members, 2):
            if truth.entities[a].dataset != truth.entities[b].dataset:
                predicted.add((a, b))
                confidence[f"{a}|{b}"] = cluster.confidence
    ambiguous = {(link.a, link.b) for link in resolution.links if link.status == LinkStatus.AMBIGUOUS}
    scores: list[Score] = []
    tiers: dict[str, dict[str, int]] = defaultdict(lambda: {"judged": 0, "correct": 0})
    false_pos: list[dict] = []
    false_neg: list[dict] = []
    for kind in TRUTHS:
        true_pairs = truth.true_pairs(kind)
        for scope in ("all pairs", "across jurisdictions"):
            cross = scope != "all pairs"
            score = Score(truth=kind, scope=scope)
            wanted = {pair for pair in true_pairs if _in_scope(truth, pair, cross)}
            score.true_pairs = len(wanted)
            for pair in sorted(predicted):
                if not _in_scope(truth, pair, cross) or not truth.judged(kind, *pair):
                    continue
                score.predicted_judged += 1
                correct = truth.same(kind, *pair)
                score.true_positives += correct
                if not cross:
                    tier = tiers[f"{kind}: {confidence[f'{pair[0]}|{pair[1]}']}"]
                    tier["judged"] += 1
                    tier["correct"] += correct
                    if not correct and len(false_pos) < EXAMPLES:
                        false_pos.append(_example(truth, kind, pair, confidence[f"{pair[0]}|{pair[1]}"]))
            missed = sorted(wanted - predicted)
            score.flagged = sum(1 for pair in missed if pair in ambiguous)
            if not cross:
                for pair in missed[: max(0, EXAMPLES - len(false_neg))]:
                    false_neg.append(_example(truth, kind, pair, "flagged ambiguous" if pair in ambiguous else "not linked"))
            scores.append(score)
    by_tier = {name: dict(values) for name, values in sorted(tiers.items())}
    return Evaluation(scores=scores, by_tier=by_tier, false_positives=false_pos, false_negatives=false_neg, options=resolution.options, stats=resolution.stats)


def _example(truth: _Truth, kind: str, pair: tuple[str, str], note: str) -> dict:
    left, right = (truth.entities[item] for item in pair)
    return {
        "truth": kind,
        "a": left.id,
        "a_name": left.caption,
        "a_keys": sorted(truth.keys[kind].get(left.id, ())),
        "b": right.id,
        "b_name": right.caption,
        "b_keys": sorted(truth.keys[kind].get(right.id, ())),
        "resolver": note,
    }
