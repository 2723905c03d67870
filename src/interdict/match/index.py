"""The in-memory candidate index over every name of every loaded entity.

Retrieval must find the right entry among ~100,000 names in well under a
millisecond, whatever the spelling. Each name is cut into tokens (text/names.py)
and every token's skeleton keys point at the names that hold them:

- exact skeleton postings catch transliteration variants (Ghalibaf/Qalibaf);
- single-deletion neighbours of each key (SymSpell style) catch typos and
  swapped consonants without comparing against the whole vocabulary;
- identifier postings find an entry by passport, IMO, tail number or BIC alone.

Document frequencies give every token its rarity weight, so a shared "Mohammad"
counts for little and a shared "Ghalibaf" for a lot.

The built index is pickled next to the store, keyed by the snapshots it was
built from. Its state is flat (numpy arrays, strings, tuples) and entities stay
encoded until a hit needs them, so a process starts screening in about a second.
"""

from __future__ import annotations

import math
import pickle
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import msgspec
import numpy as np

from ..atomic import atomic_write  # one way to write files: complete or not at all
from ..model import BIRTH_DATE_CAVEAT, LOOKUP_IDENTIFIERS, Entity, IdentifierType, NameKind, Schema
from ..text.names import Token, analyze_name
from .query import normalize_identifier
from .settings import SETTINGS as S

INDEX_VERSION = 17
MIN_DELETE_KEY = 3  # keys shorter than this get no typo neighbours (too many collisions)
# Keys that are not skeletons: "=john" (a given name's equivalents), "+air" (a generic
# organisation word's class), "~kim" (a spelling of a Chinese or Korean syllable). They post
# names like skeletons do, but never weigh a token nor get typo neighbours.
_MARKED_KEYS = "=+~"

# Name kinds as stored in the index's int8 column (`Index.name_kind`): code = position here.
KIND_BY_CODE: tuple[NameKind, ...] = (NameKind.PRIMARY, NameKind.ALIAS, NameKind.ORIGINAL_SCRIPT, NameKind.FORMER, NameKind.WEAK)
CODE_OF_KIND: dict[NameKind, int] = {kind: code for code, kind in enumerate(KIND_BY_CODE)}
WEAK_CODE = CODE_OF_KIND[NameKind.WEAK]

# An identifier posting: (entity position, identifier type, issuing country or "").
IdentifierPosting = tuple[int, IdentifierType, str]

_encoder = msgspec.msgpack.Encoder()
_entity_decoder = msgspec.msgpack.Decoder(Entity)


@dataclass(frozen=True, slots=True)
class EntityFacts:
    """What the scorer needs about an entity besides its names, precomputed."""

    id: str
    dataset: str
    schema: Schema
    caption: str
    birth_years: frozenset[int]
    birth_dates: frozenset[str]
    circa: bool
    nationalities: frozenset[str]
    countries: frozenset[str]


def entity_facts(entity: Entity) -> EntityFacts:
    years: set[int] = set()
    dates: set[str] = set()
    circa = False
    for date in () if BIRTH_DATE_CAVEAT in entity.extra else entity.birth_dates:
        span = date.years()
        if span is not None:
            years.update(span)
            if date.start and len(date.start) == 10 and not date.end:
                dates.add(date.start)
        circa |= date.circa
    return EntityFacts(
        id=entity.id,
        dataset=entity.dataset,
        schema=entity.schema,
        caption=entity.caption,
        birth_years=frozenset(years),
        birth_dates=frozenset(dates),
        circa=circa,
        nationalities=frozenset(entity.nationalities) | frozenset(entity.citizenships),
        countries=frozenset(entity.countries) | frozenset(a.country for a in entity.addresses if a.country),
    )


def rarity_weight(df: int, total: int) -> float:
    """Weight in [rarity_floor, 1] from a document frequency: rare tokens carry the evidence."""
    floor = S.rarity_floor
    rarity = math.log((total + 1) / (df + 1)) / math.log(total + 1)
    return max(floor, min(1.0, floor + (1.0 - floor) * rarity**2))


@dataclass(frozen=True, slots=True)
class ListedName:
    """One name of a list entry as the index holds it (names whose tokens repeat another of the entry's are kept once)."""

    text: str
    kind: NameKind


@dataclass
class Index:
    """The candidate index. Only `match/` reads its tables; everything else uses the methods
    under "public surface" below, or the Screener (docs/architecture.md, "The matcher's seam")."""

    entity_blobs: list[bytes]  # msgpack-encoded entities, decoded on demand
    facts: list[EntityFacts]
    tokens: list[Token]
    token_weights: np.ndarray  # float32 per token id
    name_entity: np.ndarray  # int32, name id → entity index
    name_kind: np.ndarray  # int8, name id → NAME_KIND_CODES
    name_tokens: list[tuple[int, ...]]  # name id → token ids
    name_text: list[str]  # name id → the name as the list wrote it
    name_weight: np.ndarray  # float32, sum of the name's token weights
    name_ordered: np.ndarray  # bool: natural-order name with filiation (bin/ibn), see scorer
    name_group: np.ndarray  # int32: names with the same tokens (one name on several lists) share a group
    postings: np.ndarray  # int32, name ids, grouped by key
    key_slices: dict[str, tuple[int, int]]  # skeleton key → slice of `postings`
    token_postings: np.ndarray  # int32, name ids, grouped by token id
    token_offsets: np.ndarray  # int64, token id → start in `token_postings` (len = tokens + 1)
    key_tokens: dict[str, tuple[int, ...]]  # skeleton key → ids of the vocabulary tokens holding it
    trigram_tokens: dict[str, np.ndarray]  # letter trigram → ids of the Latin vocabulary tokens holding it
    text_df: dict[str, int]  # token text → number of names holding it
    deletes: dict[str, tuple[str, ...]]  # key with one letter deleted → keys
    identifiers: dict[str, tuple[IdentifierPosting, ...]]  # normalised value → postings
    build_key: str = ""
    _weights: dict[str, float] = field(default_factory=dict, repr=False)
    token_texts: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=object), repr=False)
    fuzzy_cache: dict[str, list[int]] = field(default_factory=dict, repr=False)
    evidence_cache: dict[str, list[tuple[np.ndarray, float]]] = field(default_factory=dict, repr=False)

    token_weight_list: list[float] = field(default_factory=list, repr=False)
    entity_name_start: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64), repr=False)
    _positions: dict[str, int] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self.token_texts = np.asarray([token.text for token in self.tokens], dtype=object)
        self.token_weight_list = self.token_weights.tolist()
        # Names are stored entity by entity, so an entity's names are one slice of name ids.
        self.entity_name_start = np.searchsorted(self.name_entity, np.arange(len(self.entity_blobs) + 1), side="left")

    # --- public surface -----------------------------------------------------

    @property
    def total_names(self) -> int:
        return len(self.name_tokens)

    @property
    def size(self) -> int:
        """How many list entries the index holds."""
        return len(self.entity_blobs)

    @property
    def datasets(self) -> frozenset[str]:
        return frozenset(facts.dataset for facts in self.facts)

    def entity(self, position: int) -> Entity:
        """The full entry at a position (decoded on demand, recent ones cached)."""
        return _decode_entity(self.entity_blobs[position])

    def entities(self) -> Iterator[Entity]:
        for blob in self.entity_blobs:
            yield _entity_decoder.decode(blob)

    def facts_at(self, position: int) -> EntityFacts:
        """What the scorer knows about the entry at a position, without decoding it."""
        return self.facts[position]

    def position(self, entity_id: str) -> int | None:
        """Where an entry sits in the index, or None if it is not loaded."""
        if not self._positions and self.facts:
            self._positions.update((facts.id, i) for i, facts in enumerate(self.facts))
        return self._positions.get(entity_id)

    def names_of(self, position: int) -> list[ListedName]:
        """The entry's names as indexed (a repeat of the same tokens is kept once)."""
        return [ListedName(self.name_text[name_id], KIND_BY_CODE[int(self.name_kind[name_id])]) for name_id in self.name_ids_of(position)]

    def name_ids_of(self, position: int) -> range:
        return range(int(self.entity_name_start[position]), int(self.entity_name_start[position + 1]))

    def identifier_postings(self, normalized: str) -> tuple[IdentifierPosting, ...]:
        """Entries listing an identifier (normalised with `query.normalize_identifier`)."""
        return self.identifiers.get(normalized, ())

    def identifier_items(self) -> Iterator[tuple[str, tuple[IdentifierPosting, ...]]]:
        return iter(self.identifiers.items())

    def key_postings(self, key: str) -> np.ndarray | None:
        span = self.key_slices.get(key)
        if span is None:
            return None
        return self.postings[span[0] : span[1]]

    def names_with_token(self, token_id: int) -> np.ndarray:
        return self.token_postings[self.token_offsets[token_id] : self.token_offsets[token_id + 1]]

    def key_df(self, key: str) -> int:
        span = self.key_slices.get(key)
        return span[1] - span[0] if span else 0

    # --- rarity ------------------------------------------------------------

    def token_weight(self, token: Token) -> float:
        """Rarity of a token, from how many list names share its skeleton.

        Skeleton frequency counts every spelling of a name together (Husseini,
        Hosseini, Hussaini), which is what evidence is about. A skeleton of one or
        two consonants ("rz": Reza, Rezaei, Raza) lumps unrelated names, so
        there the spelling's own frequency is used when it is rarer.
        """
        cached = self._weights.get(token.sig)
        if cached is not None:
            return cached
        if token.initial:
            weight = S.rarity_floor
        elif token.number:
            weight = S.number_weight
        else:
            total = self.total_names
            skel_df = min((self.key_df(key) for key in token.keys if key and key[0] not in _MARKED_KEYS), default=0)
            text_df = self.text_df.get(token.text, 0)
            weight = rarity_weight(skel_df, total)
            if len(token.skel) <= 2 and text_df:
                weight = max(weight, rarity_weight(text_df, total) * S.short_skeleton_text_factor)
            if len(token.skel) <= 1:
                weight = min(weight, S.one_consonant_cap)
            if token.generic:
                weight = min(weight, S.generic_weight)
        # Stored as float32 in the index: query-side weights are rounded the same way, so
        # a pair scores identically whichever side a name is on (screen vs compare).
        weight = float(np.float32(weight))
        if len(self._weights) > 200_000:
            self._weights.clear()  # query tokens are unbounded; keep the cache bounded
        self._weights[token.sig] = weight
        return weight

    # --- neighbours --------------------------------------------------------

    def neighbour_keys(self, key: str) -> set[str]:
        """Keys within one deletion of `key` on either side (typos, swaps).

        Keys of two consonants only look for keys one letter longer ("Shvae"
        finds "Shvabe"): shorter ones would match half the vocabulary.
        """
        if len(key) < MIN_DELETE_KEY - 1:
            return set()
        found: set[str] = set(self.deletes.get(key, ()))
        if len(key) < MIN_DELETE_KEY:
            found.discard(key)
            return found
        for variant in _deletions(key):
            if variant in self.key_slices:
                found.add(variant)
            found.update(self.deletes.get(variant, ()))
        found.discard(key)
        return found


@lru_cache(maxsize=4096)
def _decode_entity(blob: bytes) -> Entity:
    return _entity_decoder.decode(blob)


def letter_trigrams(text: str) -> list[str]:
    """Trigrams of a word with its edges marked: the last resort for typos the skeleton hides."""
    padded = f"^{text}$"
    return [padded[i : i + 3] for i in range(len(padded) - 2)]


def _deletions(key: str) -> set[str]:
    return {key[:i] + key[i + 1 :] for i in range(len(key))}


def build_index(entities: Iterable[Entity], progress: Callable[[int], None] | None = None, build_key: str = "") -> Index:
    token_ids: dict[tuple[str, tuple[str, ...], bool, int], int] = {}
    tokens: list[Token] = []
    blobs: list[bytes] = []
    facts: list[EntityFacts] = []
    name_entity: list[int] = []
    name_kind: list[int] = []
    name_tokens: list[tuple[int, ...]] = []
    name_text: list[str] = []
    name_ordered: list[bool] = []
    name_group: list[int] = []
    groups: dict[tuple[int, ...], int] = {}
    postings: dict[str, list[int]] = {}
    by_token: dict[int, list[int]] = {}
    text_df: dict[str, int] = {}
    identifiers: dict[str, list[IdentifierPosting]] = {}
    for entity_index, entity in enumerate(entities):
        blobs.append(_encoder.encode(entity))
        facts.append(entity_facts(entity))
        seen: set[tuple[int, ...]] = set()
        for name in entity.names:
            analyzed = analyze_name(name.full, entity.schema)
            ids = []
            for token in analyzed.tokens:
                signature = (token.text, token.keys, token.abjad, token.hyphen)  # the hyphen group matters to the scorer
                token_id = token_ids.get(signature)
                if token_id is None:
                    token_id = len(tokens)
                    token_ids[signature] = token_id
                    tokens.append(token)
                ids.append(token_id)
            name_ids = tuple(ids)
            if not name_ids or name_ids in seen:
                continue
            seen.add(name_ids)
            name_id = len(name_entity)
            name_entity.append(entity_index)
            name_kind.append(CODE_OF_KIND[name.kind])
            name_tokens.append(name_ids)
            name_text.append(name.full)
            name_ordered.append(analyzed.filiation and not analyzed.inverted)
            name_group.append(groups.setdefault(name_ids, len(groups)))
            keys_here: set[str] = set()
            texts_here: set[str] = set()
            for token_id in name_ids:
                keys_here.update(key for key in tokens[token_id].keys if key)
                texts_here.add(tokens[token_id].text)
            for key in keys_here:
                postings.setdefault(key, []).append(name_id)
            for token_id in set(name_ids):
                by_token.setdefault(token_id, []).append(name_id)
            for text in texts_here:
                text_df[text] = text_df.get(text, 0) + 1
        for ident in entity.identifiers:
            if ident.type in LOOKUP_IDENTIFIERS:
                value = normalize_identifier(ident.value)
                if len(value) >= 4:
                    bucket = identifiers.setdefault(value, [])
                    posting = (entity_index, ident.type, (ident.country or "").lower())
                    if posting not in bucket:
                        bucket.append(posting)
        if progress and entity_index % 1000 == 0:
            progress(entity_index)
    flat: list[int] = []
    key_slices: dict[str, tuple[int, int]] = {}
    for key, ids in postings.items():
        key_slices[key] = (len(flat), len(flat) + len(ids))
        flat.extend(ids)
    token_flat: list[int] = []
    token_offsets = [0]
    key_tokens: dict[str, list[int]] = {}
    for token_id, token in enumerate(tokens):
        token_flat.extend(by_token.get(token_id, ()))
        token_offsets.append(len(token_flat))
        for key in token.keys:
            if key:
                key_tokens.setdefault(key, []).append(token_id)
    trigrams: dict[str, list[int]] = {}
    for token_id, token in enumerate(tokens):
        if not token.abjad and len(token.text) >= 4 and not token.number:
            for gram in set(letter_trigrams(token.text)):
                trigrams.setdefault(gram, []).append(token_id)
    deletes: dict[str, list[str]] = {}
    for key in key_slices:
        if len(key) >= MIN_DELETE_KEY and key[0] not in _MARKED_KEYS:
            for variant in _deletions(key):
                deletes.setdefault(variant, []).append(key)
    index = Index(
        entity_blobs=blobs,
        facts=facts,
        tokens=tokens,
        token_weights=np.zeros(len(tokens), dtype=np.float32),
        name_entity=np.asarray(name_entity, dtype=np.int32),
        name_kind=np.asarray(name_kind, dtype=np.int8),
        name_tokens=name_tokens,
        name_text=name_text,
        name_weight=np.zeros(len(name_tokens), dtype=np.float32),
        name_ordered=np.asarray(name_ordered, dtype=bool),
        name_group=np.asarray(name_group, dtype=np.int32),
        postings=np.asarray(flat, dtype=np.int32),
        key_slices=key_slices,
        token_postings=np.asarray(token_flat, dtype=np.int32),
        token_offsets=np.asarray(token_offsets, dtype=np.int64),
        key_tokens={key: tuple(ids) for key, ids in key_tokens.items()},
        trigram_tokens={gram: np.asarray(ids, dtype=np.int32) for gram, ids in trigrams.items()},
        text_df=text_df,
        deletes={key: tuple(values) for key, values in deletes.items()},
        identifiers={key: tuple(values) for key, values in identifiers.items()},
        build_key=build_key,
    )
    index.token_weights = np.asarray([index.token_weight(token) for token in tokens], dtype=np.float32)
    index.token_weight_list = index.token_weights.tolist()
    index.name_weight = np.asarray([sum(index.token_weights[t] for t in ids) for ids in name_tokens], dtype=np.float32)
    index._weights.clear()
    return index


# --- persistence ------------------------------------------------------------

_FACT_FIELDS = ("id", "dataset", "schema", "caption", "birth_years", "birth_dates", "circa", "nationalities", "countries")


def save_index(index: Index, path: Path) -> None:
    """Write atomically: a half-written cache must never be loaded."""
    derived = ("_weights", "token_texts", "fuzzy_cache", "evidence_cache", "token_weight_list", "entity_name_start", "_positions")
    state = {name: value for name, value in index.__dict__.items() if name not in derived}
    state["tokens"] = [(t.text, t.skel, t.keys, t.abjad, t.original, t.initial, t.number, t.script, t.vskel, t.sig, t.generic, t.hyphen) for t in index.tokens]
    state["facts"] = [tuple(getattr(f, name) for name in _FACT_FIELDS) for f in index.facts]
    state["version"] = INDEX_VERSION
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_write(path, "wb") as handle:
        pickle.dump(state, handle, protocol=pickle.HIGHEST_PROTOCOL)


def load_index(path: Path) -> Index | None:
    """The cached index, or None when it is missing, from another version, or unreadable.

    The cache lives in the user's own data directory next to the database and is
    written only by interdict; it is as trusted as the database itself.
    """
    try:
        with path.open("rb") as handle:
            state = pickle.load(handle)
    except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError, TypeError, ValueError, IndexError):
        return None
    if not isinstance(state, dict) or state.pop("version", None) != INDEX_VERSION:
        return None
    state["tokens"] = [Token(*row) for row in state["tokens"]]
    state["facts"] = [EntityFacts(*row) for row in state["facts"]]
    try:
        return Index(**state)
    except TypeError:
        return None
