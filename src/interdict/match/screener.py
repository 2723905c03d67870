"""Retrieve → score → explain: one query against every loaded list.

Retrieval sums rarity weights over the skeleton postings of the query's tokens
(and their typo neighbours), masks out other schemas and datasets, and keeps the
best few dozen names. Only those are aligned and scored in full, then adjusted
by birth date, nationality and identifiers. An exact strong identifier retrieves
and matches an entry on its own.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable

import numpy as np

from ..model import Entity
from ..text.names import AnalyzedName, Token, analyze_name
from . import evidence as ev
from .explain import explain_evidence, explain_name
from .index import NAME_KINDS, EntityFacts, Index
from .retrieve import retrieve
from .query import Query
from .scorer import SimCache, score_names, score_value

DEFAULT_THRESHOLD = 0.70
DEFAULT_CUTOFF = 0.50
DEFAULT_LIMIT = 10
CANDIDATE_NAMES = 15
WEAK_ALIAS_FACTOR = 0.92

SCHEMA_CODES = {"Person": 0, "Organization": 1, "Company": 2, "LegalEntity": 3, "Vessel": 4, "Airplane": 5}


@dataclass
class Hit:
    entity: Entity
    score: float
    match: bool
    name_score: float
    query_name: str
    matched_name: str
    matched_kind: str
    explanation: str
    features: dict[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict:
        """The screening output contract of DESIGN.md (one element of `hits`)."""
        return {
            "entity_id": self.entity.id,
            "dataset": self.entity.dataset,
            "source_id": self.entity.source_id,
            "caption": self.entity.caption,
            "schema": self.entity.schema,
            "score": round(self.score, 4),
            "match": self.match,
            "matched_name": self.matched_name,
            "explanation": self.explanation,
        }


class Screener:
    """Screens queries against an Index. Stateless between calls; thread-safe."""

    def __init__(self, index: Index, threshold: float = DEFAULT_THRESHOLD, cutoff: float = DEFAULT_CUTOFF):
        self.index = index
        self.threshold = threshold
        self.cutoff = cutoff
        datasets = sorted({facts.dataset for facts in index.facts})
        self.dataset_codes = {name: code for code, name in enumerate(datasets)}
        entity_dataset = np.asarray([self.dataset_codes[facts.dataset] for facts in index.facts], dtype=np.int16)
        entity_schema = np.asarray([SCHEMA_CODES.get(facts.schema, 3) for facts in index.facts], dtype=np.int8)
        self._name_dataset = entity_dataset[index.name_entity] if index.total_names else entity_dataset[:0]
        name_schema = entity_schema[index.name_entity] if index.total_names else entity_schema[:0]
        self._schema_masks = {
            schema: np.isin(name_schema, np.asarray([SCHEMA_CODES[s] for s in allowed], dtype=np.int8))
            for schema, allowed in ev.COMPATIBLE.items()
        }
        self._dataset_masks: dict[frozenset[str], np.ndarray] = {}
        self._sims: SimCache = {}  # (query token, id(list token)) → similarity, across queries
        # Lists that should have been loaded but were not (set by whoever opens the
        # screener from a store). Every front-end reports them: a screen that ran
        # without a list must never look like a clean screen.
        self.missing_datasets: tuple[str, ...] = ()

    # --- public ------------------------------------------------------------

    def screen(
        self,
        query: Query,
        datasets: Iterable[str] | None = None,
        limit: int = DEFAULT_LIMIT,
        threshold: float | None = None,
        cutoff: float | None = None,
        exclude_entities: Iterable[str] = (),
    ) -> list[Hit]:
        threshold = self.threshold if threshold is None else threshold
        cutoff = min(self.cutoff if cutoff is None else cutoff, threshold)
        analyzed = [analyze_name(name, query.schema) for name in query.names]
        analyzed = [name for name in analyzed if name.tokens]
        excluded = set(exclude_entities)
        allowed = self._allowed(query.schema, datasets)
        by_entity: dict[int, tuple[float, int, int]] = {}  # entity → (score, query name index, name id)
        query_weights: list[list[float]] = []
        if analyzed:
            query_weights = [self._weights(name.tokens) for name in analyzed]
            if len(self._sims) > 500_000:
                self._sims.clear()  # bounded: queries bring endless new tokens
            cache = self._sims
            known = self.index.text_df.__contains__
            names = retrieve(self.index, analyzed, query_weights, allowed, cutoff, CANDIDATE_NAMES, cache, known)
            memo: dict[tuple, tuple[float, int]] = {}
            name_entity, name_kind, name_ordered = self.index.name_entity, self.index.name_kind, self.index.name_ordered
            for name_id in names:
                entity_index = int(name_entity[name_id])
                person = self.index.facts[entity_index].schema == "Person"
                # The same name on several lists tokenises identically: score it once.
                signature = (self.index.name_tokens[name_id], name_kind[name_id] == 4, name_ordered[name_id], person)
                best = memo.get(signature)
                if best is None:
                    best = memo[signature] = self._score_name(analyzed, query_weights, name_id, cache, query.schema == "Person" or person)
                current = by_entity.get(entity_index)
                if current is None or best[0] > current[0]:
                    by_entity[entity_index] = (best[0], best[1], name_id)
        scope = set(datasets) if datasets is not None else None
        identifier_hits = self._identifier_hits(query, scope)
        ranked: list[tuple[float, str, int, list[ev.Evidence]]] = []
        for entity_index in set(by_entity) | set(identifier_hits):
            facts = self.index.facts[entity_index]
            if facts.id in excluded or not ev.compatible(query.schema, facts.schema):
                continue
            named = by_entity.get(entity_index)
            score, evidence = self._total(query, facts, named[0] if named else 0.0, identifier_hits.get(entity_index))
            if score > cutoff or score >= threshold:
                ranked.append((score, facts.id, entity_index, evidence))
        ranked.sort(key=lambda item: (-item[0], item[1]))
        hits = [
            self._hit(query, analyzed, query_weights, entity_index, score, evidence, by_entity.get(entity_index), threshold)
            for score, _, entity_index, evidence in ranked[:limit]
        ]
        for hit in hits[:limit]:
            hit.explanation = hit.explanation or ""
        return hits[:limit]

    def compare(self, name1: str, name2: str, schema: str | None = None) -> tuple[float, str]:
        """Score two names with the index's rarity weights (for calibration and QA)."""
        left, right = analyze_name(name1, schema), analyze_name(name2, schema)
        ordered = left.filiation and right.filiation and not (left.inverted or right.inverted)
        scored = score_names(
            left.tokens,
            right.tokens,
            self._weights(left.tokens),
            self._weights(right.tokens),
            ordered=ordered,
            person=schema == "Person",
            known=self.index.text_df.__contains__,
        )
        return scored.score, explain_name(left, name2, right, scored, "primary")

    # --- retrieval ---------------------------------------------------------

    def _allowed(self, schema: str | None, datasets: Iterable[str] | None) -> np.ndarray | None:
        """Boolean mask over name ids: the schemas the query may match, in the datasets asked for."""
        mask = self._schema_masks.get(schema) if schema is not None else None
        if datasets is None:
            return mask
        key = frozenset(datasets)
        dataset_mask = self._dataset_masks.get(key)
        if dataset_mask is None:
            wanted = [self.dataset_codes[name] for name in key if name in self.dataset_codes]
            dataset_mask = np.isin(self._name_dataset, np.asarray(wanted, dtype=np.int16))
            if len(self._dataset_masks) < 64:
                self._dataset_masks[key] = dataset_mask
        return dataset_mask if mask is None else mask & dataset_mask

    # --- scoring -----------------------------------------------------------

    def _weights(self, tokens: tuple[Token, ...]) -> list[float]:
        return [self.index.token_weight(token) for token in tokens]

    def _candidate(self, name_id: int) -> tuple[tuple[Token, ...], list[float]]:
        token_ids = self.index.name_tokens[name_id]
        weights = self.index.token_weight_list
        return tuple(self.index.tokens[token_id] for token_id in token_ids), [weights[token_id] for token_id in token_ids]

    def _score_name(
        self,
        analyzed: list[AnalyzedName],
        query_weights: list[list[float]],
        name_id: int,
        cache: SimCache,
        person: bool,
    ) -> tuple[float, int]:
        """Best score of any query name against one list name: (score, query name index)."""
        index = self.index
        candidate, candidate_weights = self._candidate(name_id)
        factor = WEAK_ALIAS_FACTOR if index.name_kind[name_id] == 4 else 1.0
        candidate_ordered = bool(index.name_ordered[name_id])
        known = index.text_df.__contains__
        best = (-1.0, 0)
        for position, (query_name, weights) in enumerate(zip(analyzed, query_weights)):
            ordered = candidate_ordered and query_name.filiation and not query_name.inverted
            score = factor * score_value(query_name.tokens, candidate, weights, candidate_weights, cache, ordered, person, known)
            if score > best[0]:
                best = (score, position)
        return best

    def _identifier_hits(self, query: Query, scope: set[str] | None) -> dict[int, tuple[str, str]]:
        found: dict[int, tuple[str, str]] = {}
        for value in query.identifiers:
            for entity_index, kind in self.index.identifiers.get(value, ()):
                if scope is None or self.index.facts[entity_index].dataset in scope:
                    found.setdefault(entity_index, (value, kind))
        return found

    def _total(
        self,
        query: Query,
        facts: EntityFacts,
        name_score: float,
        identifier: tuple[str, str] | None,
    ) -> tuple[float, list[ev.Evidence]]:
        """The entity's score: its best name, moved by secondary data; an identifier decides."""
        evidence: list[ev.Evidence] = []
        for item in (
            ev.birth_evidence(query.birth_dates, facts) if facts.schema in ("Person", "LegalEntity") else None,
            ev.nationality_evidence(query.nationalities, facts),
            ev.country_evidence(query.countries, facts),
        ):
            if item is not None:
                evidence.append(item)
        score = name_score + sum(item.adjustment for item in evidence)
        if identifier is not None:
            value, id_type = identifier
            evidence.insert(0, ev.Evidence("identifier", 0.0, f"{id_type.replace('_', ' ')} {value} = list (decisive)"))
            score = max(score, ev.IDENTIFIER_SCORE)
        # Rounded once here so the printed score and `match` can never disagree.
        return round(min(1.0, max(0.0, score)), 4), evidence

    def _hit(
        self,
        query: Query,
        analyzed: list[AnalyzedName],
        query_weights: list[list[float]],
        entity_index: int,
        score: float,
        evidence: list[ev.Evidence],
        named: tuple[float, int, int] | None,
        threshold: float,
    ) -> Hit:
        """A returned hit with its entity and explanation (built only for what is returned)."""
        index = self.index
        entity = index.entity(entity_index)
        if named is not None:
            name_score, position, name_id = named
            query_name = analyzed[position]
            candidate, candidate_weights = self._candidate(name_id)
            ordered = bool(index.name_ordered[name_id]) and query_name.filiation and not query_name.inverted
            person = entity.schema == "Person" or query.schema == "Person"
            scored = score_names(
                query_name.tokens, candidate, query_weights[position], candidate_weights, self._sims, ordered, person, index.text_df.__contains__
            )
            candidate_text = index.name_text[name_id]
            kind = NAME_KINDS[int(index.name_kind[name_id])]
            candidate_tokens = analyze_name(candidate_text, entity.schema)
            explanation = explain_name(query_name, candidate_text, candidate_tokens, scored, kind)
            query_text = query_name.original
        else:
            name_score, candidate_text, kind, query_text = 0.0, entity.caption, "primary", query.names[0] if query.names else ""
            explanation = "name: no similar name" if query.names else ""
        features = {"name": round(name_score, 4)} | {item.feature: item.adjustment for item in evidence}
        if any(item.feature == "identifier" for item in evidence):
            features["identifier"] = ev.IDENTIFIER_SCORE
        if evidence:
            explanation = "; ".join(part for part in (explanation, explain_evidence(evidence)) if part)
        return Hit(
            entity=entity,
            score=score,
            match=score >= threshold,
            name_score=name_score,
            query_name=query_text,
            matched_name=candidate_text,
            matched_kind=kind,
            explanation=explanation,
            features=features,
        )
