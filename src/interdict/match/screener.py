"""Retrieve → score → explain: one query against every loaded list.

Retrieval sums rarity weights over the skeleton postings of the query's tokens
(and their typo neighbours) and estimates each list name's score. Every name
whose estimate reaches the threshold is scored, however many there are, and
the best few others as near misses. The choice is made before the dataset
filter, which only removes names: a filtered screen is the unfiltered screen
restricted to its datasets, so it can never reveal a match the unfiltered
screen hid.

An entry's score is that of its best name, every name of the entry scored, so
it does not depend on which name retrieval happened to find. A pair of names
scores the same on every path (`screen`, `compare`, a document, the API): the
query name is read and scored under the entry's schema, never the query's.

Secondary data then moves the score (birth date, nationality, country), and an
exact identifier decides when nothing contradicts it (evidence.py). Each hit
carries its evidence as data (`Hit.evidence`); its explanation is rendered
from it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np

from ..errors import NotFoundError
from ..heap import Settler
from ..model import MATCHABLE, Entity, IdentifierType, NameKind, Schema, matchable
from ..text.names import AnalyzedName, Token, analyze_name, reading, written_in_han
from .evidence import Contribution, Feature, identifier_evidence, secondary_evidence
from .explain import explain_name, render_explanation
from .generic_slips import read_generic_slips
from .index import KIND_BY_CODE, WEAK_CODE, EntityFacts, Index, ListedName, removed_words
from .lookup import IdentifierMatch, NameHolder, find_identifier, find_institution_bics, holders_of_token
from .phrases import phrases
from .query import Query
from .retrieve import LIST_PATRONYMIC_CHARGED, retrieve
from .scorer import Alignment, NameScore, SimCache, align, name_score, score_names
from .settings import SETTINGS as S

DEFAULT_THRESHOLD = S.threshold
DEFAULT_CUTOFF = S.cutoff
DEFAULT_LIMIT = S.limit
COMPARE_SCHEMA = Schema.LEGAL_ENTITY  # `compare` without a schema reads both names as untyped list entries do

SCHEMA_CODES = {schema: code for code, schema in enumerate(Schema)}


@dataclass(frozen=True)
class NameMatch:
    """The name part of a hit: which query name met which list name, and the alignment."""

    query_name: str  # as the caller wrote it
    list_name: str  # as the list wrote it
    kind: NameKind
    score: float
    query: AnalyzedName
    alignment: NameScore
    schema: Schema | None  # the entry's, under which its name was read

    @cached_property
    def listed(self) -> AnalyzedName:
        """The list name analysed as the index read it: only on request (a hit's explanation needs none of it)."""
        return analyze_name(self.list_name, self.schema)


@dataclass
class Hit:
    """One list entry a query may match, with its score and the evidence behind it."""

    entity: Entity
    score: float
    match: bool
    evidence: tuple[Contribution, ...] = ()
    name: NameMatch | None = None

    @cached_property
    def explanation(self) -> str:
        """The evidence as one readable paragraph (rendered from `evidence`, never parsed back)."""
        return render_explanation(self.evidence)

    @property
    def name_score(self) -> float:
        return self.name.score if self.name else 0.0

    @property
    def query_name(self) -> str:
        return self.name.query_name if self.name else ""

    @property
    def matched_name(self) -> str:
        return self.name.list_name if self.name else self.entity.caption

    @property
    def matched_kind(self) -> NameKind:
        return self.name.kind if self.name else NameKind.PRIMARY

    @property
    def identifier(self) -> Contribution | None:
        """The identifier evidence, if an identifier of the query is on the entry."""
        return next((item for item in self.evidence if item.feature == Feature.IDENTIFIER), None)

    def contribution(self, feature: Feature) -> Contribution | None:
        return next((item for item in self.evidence if item.feature == feature), None)

    @property
    def features(self) -> dict[str, float]:
        """Each feature's effect on the score (the identifier's is the score it set, 0 if it did not decide)."""
        result = {Feature.NAME.value: round(self.name_score, 4)}
        for item in self.evidence:
            if item.feature != Feature.NAME:
                result[item.feature.value] = item.effect
        return result

    def to_dict(self) -> dict[str, Any]:
        """The screening output contract (one element of `hits`; docs/architecture.md, "Output contracts")."""
        return {
            "entity_id": self.entity.id,
            "dataset": self.entity.dataset,
            "source_id": self.entity.source_id,
            "caption": self.entity.caption,
            "schema": self.entity.schema.value,
            "score": round(self.score, 4),
            "match": self.match,
            "matched_name": self.matched_name,
            "explanation": self.explanation,
        }


@dataclass
class Screening:
    """Everything one screen found: the hits returned, and what the caller must know about the rest."""

    hits: list[Hit]
    matches: int  # entries at or above the threshold, including those the limit left out
    notes: tuple[str, ...] = ()  # where the screen is unsure of its own completeness
    missing_datasets: tuple[str, ...] = ()  # lists that should be loaded and are not
    scope: tuple[str, ...] | None = None  # the dataset filter the screen ran under (None: every loaded dataset)
    scored: int = 0  # list names retrieval proposed for full scoring: what the screen cost (bench/scored.py)

    @property
    def hidden_matches(self) -> int:
        """Matches the limit left out: the caller must raise the limit to see them."""
        return self.matches - sum(1 for hit in self.hits if hit.match)

    def warnings(self, missing: bool = True) -> list[str]:
        """Sentences every front-end shows with the hits (empty when the screen is complete).

        `missing=False` leaves out the missing-lists sentence, for front-ends that report it their own way.
        """
        found = list(self.notes)
        if self.hidden_matches > 0:
            found.append(f"{self.hidden_matches} more match(es) not shown: raise the limit to see them")
        if missing and self.missing_datasets:
            found.append(f"screened without {', '.join(self.missing_datasets)}: these lists are not loaded")
        return found


# Per screening: a list name's words (signature, schema, Han rule) → what `_score_name` found for them.
_NameMemo = dict[tuple[Any, ...], tuple[float, int, Alignment | None]]


@dataclass
class _Scored:
    """An entry's best name so far: its score, the query name's position, the list name's id, and the alignment (made
    for this name or for the same words on another list: `_name_signature` holds all the alignment depends on)."""

    score: float
    position: int
    name_id: int
    aligned: Alignment | None = None


@dataclass
class _QueryReadings:
    """The query's names read under each schema they are scored against, with their weights."""

    names: list[str]
    screener: Screener
    by_schema: dict[Schema | None, tuple[list[AnalyzedName], list[list[float]]]] = field(default_factory=dict)

    def under(self, schema: Schema | None) -> tuple[list[AnalyzedName], list[list[float]]]:
        found = self.by_schema.get(schema)
        if found is None:
            read_as = reading(schema)  # schemas read alike (Company, Organization) share one reading and its weights
            found = self.by_schema.get(read_as) if read_as != schema else None
            if found is None:
                analyzed = [name for name in (self.screener.read_query(text, read_as) for text in self.names) if name.tokens]
                found = self.by_schema[read_as] = (analyzed, [self.screener.weights(name.tokens) for name in analyzed])
            self.by_schema[schema] = found
        return found


class Screener:
    """Screens queries against an Index. Stateless between calls; thread-safe.

    Front-ends (workflows, gaps, the API, the CLI) use its public methods and
    never the index's tables (docs/architecture.md, "The matcher's seam").
    """

    def __init__(self, index: Index, threshold: float | None = None, cutoff: float | None = None):
        self.index = index
        self.threshold = S.threshold if threshold is None else threshold
        self.cutoff = S.cutoff if cutoff is None else cutoff
        # Per-entry columns the index keeps, so opening a screener decodes no entry's facts.
        self.dataset_codes = {name: code for code, name in enumerate(index.dataset_names)}
        entity_dataset = np.asarray(index.entity_dataset, dtype=np.int16)
        schema_codes = np.asarray([SCHEMA_CODES[Schema(name)] for name in index.schema_names] or [0], dtype=np.int8)
        entity_schema = schema_codes[np.asarray(index.entity_schema, dtype=np.int64)]
        self._name_dataset = entity_dataset[index.name_entity] if index.total_names else entity_dataset[:0]
        name_schema = entity_schema[index.name_entity] if index.total_names else entity_schema[:0]
        self._schema_masks = {
            schema: np.isin(name_schema, np.asarray([SCHEMA_CODES[s] for s in allowed], dtype=np.int8)) for schema, allowed in MATCHABLE.items()
        }
        self._dataset_masks: dict[frozenset[str], np.ndarray] = {}
        self._sims: SimCache = {}  # (query token, id(list token)) → similarity, across queries
        self._candidates: dict[int, tuple[tuple[Token, ...], list[float]]] = {}  # bounded by the number of list names
        # Set by a process that owns its heap (the command line, the service): keeps the garbage collector off the
        # memo tables above as they grow (see interdict.heap). None in a library call into someone else's process.
        self.settler: Settler | None = None
        # Names that score alike share a signature: the same tokens (one name on several
        # lists, `name_group`), the same weak-alias flag, the same filiation order, the same order of surname and given
        # names ("SURNAME, Given": where its patronymic stands).
        weak = np.asarray(index.name_kind) == WEAK_CODE
        self._name_signature: list[int] = (
            np.asarray(index.name_group, dtype=np.int64) * 8
            + np.asarray(index.name_surname_first, dtype=np.int64) * 4
            + weak * 2
            + np.asarray(index.name_ordered, dtype=np.int64)
        ).tolist()
        # Lists that should have been loaded but were not (set by whoever opens the
        # screener from a store). Every front-end reports them: a screen that ran
        # without a list must never look like a clean screen.
        self.missing_datasets: tuple[str, ...] = ()
        # A step run on every screen's result (set by whoever opens the screener; screening.py
        # sets relations.reach, which adds the hits that reach through ownership and family).
        # The matcher knows nothing of it: the step only sees and returns a Screening.
        self.reach: Callable[[Screening], Screening] | None = None

    # --- the list entries ----------------------------------------------------

    @property
    def datasets(self) -> frozenset[str]:
        """The lists this screener holds."""
        return frozenset(self.dataset_codes)

    @property
    def build_key(self) -> str:
        """Identifies the snapshots (and code) the index was built from; caches key on it."""
        return self.index.build_key

    @property
    def size(self) -> int:
        return self.index.size

    def position(self, entity_id: str) -> int | None:
        """An entry's position (a stable handle within this screener), or None if it is not loaded."""
        return self.index.position(entity_id)

    def entity_at(self, position: int) -> Entity:
        return self.index.entity(position)

    def facts_at(self, position: int) -> EntityFacts:
        return self.index.facts_at(position)

    def entity(self, entity_id: str) -> Entity:
        position = self.index.position(entity_id)
        if position is None:
            raise NotFoundError(f"No entry {entity_id!r} in the loaded lists.")
        return self.index.entity(position)

    def facts(self, entity_id: str) -> EntityFacts:
        position = self.index.position(entity_id)
        if position is None:
            raise NotFoundError(f"No entry {entity_id!r} in the loaded lists.")
        return self.index.facts_at(position)

    def names_of(self, entity_id: str) -> list[ListedName]:
        position = self.index.position(entity_id)
        return [] if position is None else self.index.names_of(position)

    def entities(self, datasets: Iterable[str] | None = None) -> Iterator[Entity]:
        """Every loaded entry (of these datasets), in index order."""
        scope = set(datasets) if datasets is not None else None
        for position in range(self.index.size):
            if scope is None or self.index.facts_at(position).dataset in scope:
                yield self.index.entity(position)

    # --- exact lookups -------------------------------------------------------

    def find_identifier(
        self, value: str, types: Iterable[IdentifierType] | None = None, datasets: Iterable[str] | None = None
    ) -> list[IdentifierMatch]:
        """Entries listing exactly this identifier (passport, IMO, tail number, BIC, wallet...)."""
        return find_identifier(self.index, value, types, datasets)

    def find_institution_bics(self, bic: str, datasets: Iterable[str] | None = None) -> list[IdentifierMatch]:
        """Every listed BIC of the bank `bic` belongs to (any branch); the branch rules are the caller's."""
        return find_institution_bics(self.index, bic, datasets)

    def holders_of_token(
        self, token: Token, schema: Schema | None = None, datasets: Iterable[str] | None = None, max_names: int = 5000
    ) -> Iterator[NameHolder]:
        """List names holding a (rare) word's skeleton, with their entries' facts."""
        return holders_of_token(self.index, token, schema, datasets, max_names)

    def names_written_as(self, tokens: tuple[str, ...], datasets: Iterable[str] | None = None) -> list[NameHolder]:
        """List names that are exactly these tokens (as analysed; inverted names also in natural order)."""
        scope = set(datasets) if datasets is not None else None
        found = []
        for name_id in phrases(self.index).by_tokens.get(tokens, ()):
            position = int(self.index.name_entity[name_id])
            facts = self.index.facts_at(position)
            if scope is None or facts.dataset in scope:
                found.append(NameHolder(position, facts, self.index.name_text[name_id], name_id))
        return found

    def phrase_bounds(self) -> tuple[frozenset[str], int]:
        """(tokens a list name can start with, tokens in the longest list name): where to look in a text."""
        table = phrases(self.index)
        return table.starts, table.longest

    def token_weight(self, token: Token) -> float:
        """How rare a word is on the lists, in [rarity_floor, 1]: the evidence a shared one carries."""
        return self.index.token_weight(token)

    def knows(self, token: Token) -> bool:
        """Some list name holds a word with this token's skeleton."""
        return any(self.index.key_df(key) > 0 for key in token.keys if key and not key.startswith("="))

    def read_query(self, text: str, schema: Schema | None) -> AnalyzedName:
        """A query name as the screener reads it: analysed, and a misspelt generic word read as that word
        (generic_slips.py; the lists' names are read as written)."""
        read_as = reading(schema)
        return read_generic_slips(self.index, analyze_name(text, read_as), read_as, self.index.word_count)

    def weights(self, tokens: tuple[Token, ...]) -> list[float]:
        return [self.index.token_weight(token) for token in tokens]

    # --- screening -----------------------------------------------------------

    def screen(
        self,
        query: Query,
        datasets: Iterable[str] | None = None,
        limit: int = DEFAULT_LIMIT,
        threshold: float | None = None,
        cutoff: float | None = None,
        exclude_entities: Iterable[str] = (),
    ) -> list[Hit]:
        """Hits for one query, best first (see `screening` for what was left out)."""
        return self.screening(query, datasets, limit, threshold, cutoff, exclude_entities).hits

    def screening(
        self,
        query: Query,
        datasets: Iterable[str] | None = None,
        limit: int = DEFAULT_LIMIT,
        threshold: float | None = None,
        cutoff: float | None = None,
        exclude_entities: Iterable[str] = (),
    ) -> Screening:
        """Hits for one query, with the count of matches beyond the limit and any doubt about completeness."""
        threshold = self.threshold if threshold is None else threshold
        cutoff = min(self.cutoff if cutoff is None else cutoff, threshold)
        scope = set(datasets) if datasets is not None else None
        excluded = set(exclude_entities)
        readings = _QueryReadings(query.names, self)
        notes: list[str] = []
        best: dict[int, _Scored] = {}
        proposed = 0
        retrieval, retrieval_weights = readings.under(query.schema)
        if retrieval:
            if len(self._sims) > 500_000:
                self._sims.clear()  # bounded: queries bring endless new tokens
            found = retrieve(
                self.index,
                retrieval,
                retrieval_weights,
                self._schema_masks.get(query.schema) if query.schema is not None else None,
                self._scope_mask(scope),
                cutoff,
                threshold,
                self._sims,
                self.index.word_count,
            )
            proposed = len(found.names)
            if found.capped:
                notes.append(
                    f"the query's words are very common: only the {S.max_scored_names:,} most promising list names were scored; "
                    "add a birth date, nationality or a fuller name"
                )
            memo: _NameMemo = {}
            by_entry: dict[int, list[int]] = {}
            for name_id in found.names:
                by_entry.setdefault(int(self.index.name_entity[name_id]), []).append(name_id)
            index = self.index
            for position, name_ids in by_entry.items():
                if (excluded and index.id_at(position) in excluded) or not matchable(query.schema, index.schema_at(position)):
                    continue
                scored = self._score_entity(readings, position, memo, name_ids)
                if scored is not None:
                    best[position] = scored
        identified: dict[int, IdentifierMatch] = {}
        for value in query.identifiers:
            for match in find_identifier(self.index, value, datasets=scope):
                identified.setdefault(match.position, match)
        ranked: list[tuple[float, str, int, list[Contribution]]] = []
        for position in set(best) | set(identified):
            entity_id = self.index.id_at(position)
            if entity_id in excluded or not matchable(query.schema, self.index.schema_at(position)):
                continue
            named = best.get(position)
            score, evidence = self._total(query, position, named.score if named else 0.0, identified.get(position), threshold)
            if score > cutoff or score >= threshold:
                ranked.append((score, entity_id, position, evidence))
        ranked.sort(key=lambda item: (-item[0], item[1]))
        matches = sum(1 for item in ranked if item[0] >= threshold)
        hits = [self._hit(query, readings, position, score, evidence, best.get(position), threshold) for score, _, position, evidence in ranked[:limit]]
        result = Screening(hits, matches, tuple(notes), self.missing_datasets, tuple(sorted(scope)) if scope is not None else None, proposed)
        if self.settler is not None:
            self.settler.tick()
        return self.reach(result) if self.reach is not None else result

    def warm(self) -> None:
        """Build now the tables the first queries would build (the vocabulary's texts, sorted for cut-short words), and
        the reach-through table when one is attached: before forking workers, so each does not build its own."""
        self.index.sorted_texts()
        self.index.name_patronymic_excess(LIST_PATRONYMIC_CHARGED)
        reach = getattr(self, "reach", None)
        if reach is not None and hasattr(reach, "table"):
            reach.table()

    def candidates(self, query: Query, threshold: float) -> set[str]:
        """Ids of the entries whose names retrieval estimates at or near `threshold` for `query`, unscored.

        For callers that score the pairs another way: monitoring looks a changed
        list entry's names up in an index of the watch register and scores each
        candidate party against the entry with `score_entry` on the lists'
        screener. Retrieval's own margins apply, so this holds every entry
        `screen` at that threshold would score, and some more.
        """
        readings = _QueryReadings(query.names, self)
        retrieval, retrieval_weights = readings.under(query.schema)
        if not retrieval:
            return set()
        found = retrieve(
            self.index,
            retrieval,
            retrieval_weights,
            self._schema_masks.get(query.schema) if query.schema is not None else None,
            None,
            threshold,
            threshold,
            self._sims,
            self.index.word_count,
        )
        return {self.index.id_at(int(self.index.name_entity[name_id])) for name_id in found.names}

    def score_entry(self, query: Query, entity_id: str, threshold: float | None = None, name_ids: Iterable[int] | None = None) -> Hit | None:
        """The hit `query` makes on one entry, scored as `screen` would (None if the entry is not loaded).

        `name_ids` limits scoring to those of the entry's names (a caller that
        found the entry through one name it matched exactly).
        """
        position = self.index.position(entity_id)
        if position is None:
            return None
        threshold = self.threshold if threshold is None else threshold
        readings = _QueryReadings(query.names, self)
        named = self._score_entity(readings, position, {}, name_ids, widen=name_ids is None)
        identified = next(iter(found for value in query.identifiers for found in find_identifier(self.index, value) if found.position == position), None)
        score, evidence = self._total(query, position, named.score if named else 0.0, identified, threshold)
        return self._hit(query, readings, position, score, evidence, named, threshold)

    def compare(self, name1: str, name2: str, schema: Schema | None = None) -> tuple[float, str]:
        """Score two names with the index's rarity weights, as `screen` scores a query against an entry of `schema`.

        Without a schema both are read as an untyped list entry (LegalEntity) is.
        """
        scored, left, right = self.compare_names(name1, name2, schema)
        return scored.score, explain_name(left, name2, right.removed, scored, NameKind.PRIMARY)

    def compare_names(self, name1: str, name2: str, schema: Schema | None = None) -> tuple[NameScore, AnalyzedName, AnalyzedName]:
        read_as = schema or COMPARE_SCHEMA
        left, right = self.read_query(name1, read_as), analyze_name(name2, read_as)
        scored = score_names(
            left.tokens,
            right.tokens,
            self.weights(left.tokens),
            self.weights(right.tokens),
            ordered=left.filiation and right.filiation and not (left.inverted or right.inverted),
            person=read_as == Schema.PERSON,
            known=self.index.word_count,
            surname_first=(left.surname_first, right.surname_first),
        )
        return scored, left, right

    # --- retrieval ---------------------------------------------------------

    def _scope_mask(self, scope: set[str] | None) -> np.ndarray | None:
        """Boolean mask over name ids: the names of the datasets asked for (None: all)."""
        if scope is None:
            return None
        key = frozenset(scope)
        mask = self._dataset_masks.get(key)
        if mask is None:
            wanted = [self.dataset_codes[name] for name in key if name in self.dataset_codes]
            mask = np.isin(self._name_dataset, np.asarray(wanted, dtype=np.int16))
            if len(self._dataset_masks) < 64:
                self._dataset_masks[key] = mask
        return mask

    # --- scoring -----------------------------------------------------------

    def _candidate(self, name_id: int) -> tuple[tuple[Token, ...], list[float]]:
        """A list name's tokens and weights, built once per screener (common names are scored again and again)."""
        found = self._candidates.get(name_id)
        if found is None:
            token_ids = self.index.name_tokens[name_id]
            weights = self.index.token_weight_list
            tokens = self.index.tokens
            found = self._candidates[name_id] = (tuple(tokens[token_id] for token_id in token_ids), [weights[token_id] for token_id in token_ids])
        return found

    def _score_entity(
        self,
        readings: _QueryReadings,
        position: int,
        memo: _NameMemo,
        name_ids: Iterable[int] | None = None,
        widen: bool = True,
    ) -> _Scored | None:
        """The entry's best name among `name_ids` (default: all its names); the same name on several lists is scored once."""
        index = self.index
        schema = index.schema_at(position)
        analyzed, weights = readings.under(schema)
        if not analyzed:
            return None
        best: _Scored | None = None
        names: Sequence[int] = index.name_ids_of(position) if name_ids is None else list(name_ids)
        # A query written in Han characters meets an entry's names in Han when it has any: its names in Latin
        # letters are readings of those, and a reading cannot tell 王 from 汪 (both "Wang"). Screening scores
        # them all (`widen`); a caller that chose the names gets the rule only among those.
        in_han: list[int] = []
        if any("cjk" in name.scripts and written_in_han(name.tokens) for name in analyzed):
            in_han = [name_id for name_id in (index.name_ids_of(position) if widen else names) if written_in_han(self._candidate(name_id)[0])]
            if in_han:
                names = list(dict.fromkeys([*names, *in_han]))
        for name_id in names:
            signature = (self._name_signature[name_id], schema, bool(in_han))
            found = memo.get(signature)
            if found is None:
                found = memo[signature] = self._score_name(analyzed, weights, name_id, schema == Schema.PERSON, han_only=bool(in_han))
            if best is None or found[0] > best.score:
                best = _Scored(found[0], found[1], name_id, found[2])
        return best

    def _score_name(
        self, analyzed: list[AnalyzedName], query_weights: list[list[float]], name_id: int, person: bool, han_only: bool = False
    ) -> tuple[float, int, Alignment | None]:
        """Best score of any query name against one list name: (score, query name position, its alignment).

        `han_only`: the entry has names in Han characters, so a query name in Han is scored against those only.
        """
        index = self.index
        candidate, candidate_weights = self._candidate(name_id)
        factor = S.weak_alias_factor if index.name_kind[name_id] == WEAK_CODE else 1.0
        candidate_ordered = bool(index.name_ordered[name_id])
        candidate_surname_first = bool(index.name_surname_first[name_id])
        known = index.word_count
        best: tuple[float, int, Alignment | None] = (-1.0, 0, None)
        skip_han = han_only and not written_in_han(candidate)
        for position, (query_name, weights) in enumerate(zip(analyzed, query_weights)):
            if skip_han and written_in_han(query_name.tokens):
                continue
            ordered = candidate_ordered and query_name.filiation and not query_name.inverted
            aligned = align(
                query_name.tokens, candidate, weights, candidate_weights, self._sims, ordered, person, known, (query_name.surname_first, candidate_surname_first)
            )
            score = factor * aligned[0]
            if score > best[0]:
                best = (score, position, aligned)
        return best

    def _total(
        self, query: Query, position: int, name_score: float, identifier: IdentifierMatch | None, threshold: float
    ) -> tuple[float, list[Contribution]]:
        """The entry's score: its best name, moved by secondary data; an identifier decides when nothing contradicts it.

        The entry's facts are decoded only when the query gives secondary data to weigh against them (a decoded entry
        is kept: decoding every candidate of every name-only query grew the process by the whole list's facts)."""
        secondary = query.birth_dates or query.nationalities or query.countries
        evidence = secondary_evidence(query.birth_dates, query.nationalities, query.countries, self.index.facts_at(position)) if secondary else []
        score = name_score + sum(item.effect for item in evidence)
        if identifier is not None:
            found = identifier_evidence(identifier, bool(query.names), name_score, evidence, [*query.nationalities, *query.countries])
            evidence.insert(0, found)
            review = min(S.identifier_review_score, threshold - 0.01)
            score = max(score, S.identifier_score if found.decisive else review)
        # Rounded once here so the printed score and `match` can never disagree.
        return round(min(1.0, max(0.0, score)), 4), evidence

    def _hit(
        self,
        query: Query,
        readings: _QueryReadings,
        position: int,
        score: float,
        evidence: list[Contribution],
        named: _Scored | None,
        threshold: float,
    ) -> Hit:
        """A returned hit with its entity and evidence (built only for what is returned)."""
        index = self.index
        entity = index.entity(position)
        name: NameMatch | None = None
        if named is not None:
            analyzed, weights = readings.under(entity.schema)
            query_name = analyzed[named.position]
            candidate, candidate_weights = self._candidate(named.name_id)
            if named.aligned is not None:
                alignment = name_score(query_name.tokens, candidate, weights[named.position], candidate_weights, named.aligned)
            else:
                ordered = bool(index.name_ordered[named.name_id]) and query_name.filiation and not query_name.inverted
                person = entity.schema == Schema.PERSON
                alignment = score_names(
                    query_name.tokens,
                    candidate,
                    weights[named.position],
                    candidate_weights,
                    self._sims,
                    ordered,
                    person,
                    index.word_count,
                    (query_name.surname_first, bool(index.name_surname_first[named.name_id])),
                )
            listed_text = index.name_text[named.name_id]
            kind = KIND_BY_CODE[int(index.name_kind[named.name_id])]
            name = NameMatch(query_name.original, listed_text, kind, named.score, query_name, alignment, entity.schema)
            detail = explain_name(query_name, listed_text, removed_words(index, named.name_id), alignment, kind)
            evidence.insert(0, Contribution(Feature.NAME, named.score, detail, query_name.original, listed_text))
        elif query.names:
            evidence.insert(0, Contribution(Feature.NAME, 0.0, "name: no similar name", query.names[0], None))
        return Hit(entity=entity, score=score, match=score >= threshold, evidence=tuple(evidence), name=name)
