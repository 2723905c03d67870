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

The built index is saved next to the store, keyed by the snapshots it was
built from, as numpy arrays and flat buffers that are memory-mapped when loaded
(no pickle): a process starts screening in a fraction of a second, rows are
decoded only when a query touches them, and worker processes share the pages.
"""

from __future__ import annotations

import bisect

import math
import mmap
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import islice
from pathlib import Path

import msgspec
import numpy as np

from ..atomic import atomic_write  # one way to write files: complete or not at all
from ..cores import forked_map, usable_cores
from ..model import BIRTH_DATE_CAVEAT, LOOKUP_IDENTIFIERS, ORG_SCHEMAS, Entity, IdentifierType, Name, NameKind, Schema
from ..text.names import HAN_KEY, AnalyzedName, Token, acronym_name, alternatives, analyze_name, bracketed_acronyms, fused_key, is_patronymic
from .acronyms import ACRONYM_KEY, LETTERS_KEY, entry_initials, is_acronym_alias, letter_runs, name_acronyms, run_letters
from .columns import IntRuns, Rows, Runs, Spans, pack
from .query import normalize_identifier
from .settings import SETTINGS as S

INDEX_VERSION = 28
MIN_DELETE_KEY = 3  # keys shorter than this get no typo neighbours (too many collisions)
# Keys that are not skeletons: "=john" (a given name's equivalents), "+air" (a generic
# organisation word's class), "~kim" (a spelling of a Chinese or Korean syllable), "^jin.ping"
# (the pinyin reading of a Latin word in a name read as romanised Chinese). They post
# names like skeletons do, but never weigh a token nor get typo neighbours. "#irgc" (the
# initials of a whole organisation name, match/acronyms.py) posts the names an acronym stands for.
# "%陈" (the Han character a syllable was written in, text.names.HAN_KEY) posts the names written with it.
MARKED_KEYS = "=+~^" + ACRONYM_KEY + HAN_KEY + LETTERS_KEY

# Entries whose names may be written as their initials. Lists' untyped rows (LegalEntity) are
# left out: many are people, whose initials ("JS" for John Smith) are no name.
ACRONYM_SCHEMAS = frozenset({Schema.ORGANIZATION, Schema.COMPANY})

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

    entity_blobs: Sequence[bytes]  # msgpack-encoded entities, decoded on demand
    facts: Sequence[EntityFacts]
    tokens: Sequence[Token]
    token_weights: np.ndarray  # float32 per token id
    name_entity: np.ndarray  # int32, name id → entity index
    name_kind: np.ndarray  # int8, name id → NAME_KIND_CODES
    name_tokens: Sequence[tuple[int, ...]]  # name id → token ids
    name_text: Sequence[str]  # name id → the name as the list wrote it
    # name id → what the analyser set aside from it (titles, legal forms...; particles left out), `removed_words` reads
    # it: a hit's explanation names them without analysing the list name again (88 µs a hit at first sight).
    name_removed: Sequence[str]
    name_weight: np.ndarray  # float32, sum of the name's token weights
    name_ordered: np.ndarray  # bool: natural-order name with filiation (bin/ibn), see scorer
    name_surname_first: np.ndarray  # bool: written "SURNAME, Given" (AnalyzedName.surname_first): where its patronymic stands
    name_group: np.ndarray  # int32: names with the same tokens (one name on several lists) share a group
    name_letters: np.ndarray  # uint32 bit set of the first letters of the name's words (a = bit 0): what initials may stand for
    postings: np.ndarray  # int32, name ids, grouped by key
    key_slices: dict[str, tuple[int, int]]  # skeleton key → slice of `postings`
    token_postings: np.ndarray  # int32, name ids, grouped by token id
    token_offsets: np.ndarray  # int64, token id → start in `token_postings` (len = tokens + 1)
    key_tokens: dict[str, tuple[int, ...]]  # skeleton key → ids of the vocabulary tokens holding it
    trigram_tokens: Mapping[str, np.ndarray]  # letter trigram → ids of the Latin vocabulary tokens holding it
    text_df: dict[str, int]  # token text → number of names holding it
    deletes: dict[str, tuple[str, ...]]  # key with one letter deleted → keys
    identifiers: dict[str, tuple[IdentifierPosting, ...]]  # normalised value → postings
    entity_ids: Sequence[str]  # entity index → entity id (finding a position decodes no facts)
    entity_dataset: np.ndarray  # int16, entity index → position in `dataset_names`
    dataset_names: list[str]
    entity_schema: np.ndarray  # int8, entity index → position in `schema_names`
    schema_names: list[str]
    token_text_column: Sequence[str] = ()  # token id → text, read without building the token
    build_key: str = ""
    # Found once when the lists' index is built (retrieve.store_typo_neighbours) and saved with it; None: found per
    # process, on first use. Token id → its typo neighbours: (ids int32, edit distances int8).
    typo_neighbours: Runs | None = None
    # Token id → the words that pair with it as the scorer pairs words, among its typo neighbours and the words under
    # its shortest keys: (ids int32, similarity float64, how int8, slot int8: the key's position, -1 a typo neighbour).
    word_pairs: Runs | None = None
    _weights: dict[str, float] = field(default_factory=dict, repr=False)
    _token_texts: np.ndarray | None = field(default=None, repr=False)
    _sorted_texts: tuple[list[str], list[int]] | None = field(default=None, repr=False)
    _name_heaviest: np.ndarray | None = field(default=None, repr=False)
    _name_patronymic_excess: dict[float, np.ndarray] = field(default_factory=dict, repr=False)
    fuzzy_cache: dict[str, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict, repr=False)
    evidence_cache: dict[str, list[tuple[np.ndarray, float]]] = field(default_factory=dict, repr=False)
    # retrieve.py's split-word evidence per token: (names holding both parts, each part's names alone)
    split_cache: dict[str, tuple[list[tuple[np.ndarray, float]] | None, list[list[tuple[np.ndarray, float]]]]] = field(
        default_factory=dict, repr=False
    )

    token_weight_list: list[float] = field(default_factory=list, repr=False)
    entity_name_start: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64), repr=False)
    _positions: dict[str, int] = field(default_factory=dict, repr=False)
    _schemas: list[Schema] = field(default_factory=list, repr=False)

    name_size: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64), repr=False)

    def __post_init__(self) -> None:
        self.token_weight_list = self.token_weights.tolist()
        runs = self.name_tokens
        self.name_size = runs.sizes() if isinstance(runs, IntRuns) else np.asarray([len(ids) for ids in runs], dtype=np.int64)
        # Names are stored entity by entity, so an entity's names are one slice of name ids.
        self.entity_name_start = np.searchsorted(self.name_entity, np.arange(len(self.entity_blobs) + 1), side="left")

    @property
    def token_texts(self) -> np.ndarray:
        """Token texts as one object array, for vectorised edit distances (built on first typo search)."""
        if self._token_texts is None:
            texts = self.token_text_column if len(self.token_text_column) == len(self.tokens) else [token.text for token in self.tokens]
            self._token_texts = np.asarray(list(texts), dtype=object)
        return self._token_texts

    def name_heaviest(self) -> np.ndarray:
        """Per name, the weight of its heaviest word (float32; built on first use): the most of the name one query word
        can cover, whatever the query word weighs."""
        if self._name_heaviest is None:
            runs = self.name_tokens
            weights = np.asarray(self.token_weights, dtype=np.float32)
            heaviest = np.zeros(len(runs), dtype=np.float32)
            if isinstance(runs, IntRuns):
                sizes = runs.sizes()
                flat = weights[runs.flat().astype(np.int64)]
                filled = sizes > 0
                if len(flat):
                    heaviest[filled] = np.maximum.reduceat(flat, runs.offsets()[:-1][filled])
            else:  # a fresh build's tuples
                heaviest[:] = [max((weights[token_id] for token_id in ids), default=0.0) for ids in runs]
            self._name_heaviest = heaviest
        return self._name_heaviest

    def name_patronymic_excess(self, cost: float) -> np.ndarray:
        """Per name, how much more its patronymic weighs than `cost` (float32; 0 for a name without exactly one word
        that reads as one; built on first use for each `cost`): at most what the scorer no longer charges when the
        other name lacks the patronymic (`scorer.align`, `sole_patronymic`), so the retrieval estimate does not
        charge it either."""
        found = self._name_patronymic_excess.get(cost)
        if found is None:
            texts = self.token_texts
            weights = np.asarray(self.token_weights, dtype=np.float32)
            patronymic = np.fromiter((is_patronymic(text) for text in texts.tolist()), dtype=bool, count=len(texts))
            owner, flat = self._words_of(np.arange(self.total_names, dtype=np.int64))
            flagged = patronymic[flat]
            count = np.bincount(owner[flagged], minlength=self.total_names)
            excess = np.zeros(self.total_names, dtype=np.float32)
            np.add.at(excess, owner[flagged], np.maximum(weights[flat[flagged]] - np.float32(cost), np.float32(0.0)))
            excess[count != 1] = 0.0
            found = self._name_patronymic_excess[cost] = excess
        return found

    def sorted_texts(self) -> tuple[list[str], list[int]]:
        """The vocabulary's texts in order, and each one's token id (built on first use, ~80 ms)."""
        if self._sorted_texts is None:
            texts = self.token_texts.tolist()
            order = sorted(range(len(texts)), key=texts.__getitem__)
            self._sorted_texts = ([texts[i] for i in order], order)
        return self._sorted_texts

    def tokens_written(self, text: str) -> list[int]:
        """Ids of the vocabulary tokens written exactly `text` (one binary search in the sorted texts)."""
        texts, order = self.sorted_texts()
        at = bisect.bisect_left(texts, text)
        found = []
        while at < len(texts) and texts[at] == text:
            found.append(order[at])
            at += 1
        return found

    def tokens_starting(self, prefix: str, longest: int) -> list[int]:
        """Ids of the vocabulary tokens whose text starts with `prefix` and has at most `longest` letters.

        For words cut short: the texts are sorted once per process (on first use), then each
        prefix is one binary search.
        """
        texts, order = self.sorted_texts()
        found = []
        at = bisect.bisect_left(texts, prefix)
        while at < len(texts) and texts[at].startswith(prefix):
            if len(texts[at]) <= longest:
                found.append(order[at])
            at += 1
            if len(found) > 200:
                break
        return found

    def stored_typo_neighbours(self, token: Token) -> tuple[np.ndarray, np.ndarray] | None:
        """The typo neighbours stored for the list word that reads exactly as `token` (same `sig`), if any.

        Most words of a query are words the lists use (given names, surnames): their neighbours were found when
        the index was built, and a query reads them here instead of searching again. The search depends only on
        what `sig` holds, so a word with the same `sig` has the same neighbours."""
        twin = self._twin(token) if self.typo_neighbours is not None else None
        if twin is None or self.typo_neighbours is None:
            return None
        ids, edits = self.typo_neighbours.run(twin)
        return ids, edits

    def stored_word_pairs(self, token: Token) -> tuple[np.ndarray, ...] | None:
        """(ids, similarities, how codes, slots) of the words stored as pairing with the list word reading as `token`."""
        twin = self._twin(token) if self.word_pairs is not None else None
        if twin is None or self.word_pairs is None:
            return None
        return self.word_pairs.run(twin)

    def _words_of(self, names: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(owner, word): every word of these names, each with its name's position in `names`."""
        runs = self.name_tokens
        if isinstance(runs, IntRuns):
            offsets = runs.offsets()
            starts = offsets[names]
            sizes = offsets[names + 1] - starts
            ends = np.cumsum(sizes)
            positions = np.arange(int(ends[-1]) if len(ends) else 0) - np.repeat(ends - sizes - starts, sizes)
            words = runs.flat()[positions].astype(np.int64)
        else:  # a fresh build's tuples
            runs_of = [runs[name_id] for name_id in names.tolist()]
            sizes = np.asarray([len(ids) for ids in runs_of], dtype=np.int64)
            words = np.asarray([token_id for ids in runs_of for token_id in ids], dtype=np.int64)
        return np.repeat(np.arange(len(names)), sizes), words

    def count_words_among(self, names: np.ndarray, words: Sequence[int]) -> np.ndarray:
        """Per name id of `names`, how many of its words (a word written twice counts twice) are among `words`."""
        owner, tokens = self._words_of(names)
        among = np.zeros(len(self.tokens), dtype=bool)
        among[np.asarray(words, dtype=np.int64)] = True
        return np.bincount(owner[among[tokens]], minlength=len(names))

    def repeat_a_word(self, names: np.ndarray) -> np.ndarray:
        """Per name id of `names`, whether the name holds one of its words twice ("Mohammed Mohammed")."""
        owner, tokens = self._words_of(names)
        pairs = np.sort(owner * (len(self.tokens) + 1) + tokens)
        repeated = np.zeros(len(names), dtype=bool)
        repeated[pairs[1:][pairs[1:] == pairs[:-1]] // (len(self.tokens) + 1)] = True
        return repeated

    def posted_word(self, postings: np.ndarray) -> int | None:
        """The token id whose names `postings` is (a view `names_with_token` returned), else None."""
        base = self.token_postings
        if not len(postings) or not len(base):
            return None
        offset, rest = divmod(postings.__array_interface__["data"][0] - base.__array_interface__["data"][0], base.itemsize)
        if rest or not 0 <= offset < len(base) or postings.dtype != base.dtype:
            return None
        token_id = int(np.searchsorted(self.token_offsets, offset, side="right")) - 1
        start, end = int(self.token_offsets[token_id]), int(self.token_offsets[token_id + 1])
        return token_id if (start, end - start) == (offset, len(postings)) else None

    def _twin(self, token: Token) -> int | None:
        """The id of a list word with the same `sig` as `token` (everything the matcher reads of a word)."""
        texts = self.token_texts
        for token_id in self.key_tokens.get(token.skel, ()):
            if texts[token_id] == token.text and self.tokens[token_id].sig == token.sig:
                return token_id
        return None

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
        return frozenset(self.dataset_names[code] for code in np.unique(self.entity_dataset).tolist())

    def entity(self, position: int) -> Entity:
        """The full entry at a position (decoded on demand, recent ones cached)."""
        return _decode_entity(self.entity_blobs[position])

    def entities(self) -> Iterator[Entity]:
        for blob in self.entity_blobs:
            yield _entity_decoder.decode(blob)

    def facts_at(self, position: int) -> EntityFacts:
        """What the scorer knows about the entry at a position, without decoding it."""
        return self.facts[position]

    def schema_at(self, position: int) -> Schema:
        """The entry's schema, from its column: what choosing and scoring candidates read, without decoding their facts
        (facts once decoded are kept, and most candidates need nothing more of them)."""
        if not self._schemas:
            self._schemas.extend(Schema(name) for name in self.schema_names)
        return self._schemas[int(self.entity_schema[position])]

    def id_at(self, position: int) -> str:
        """The entry's id, from its column (see `schema_at`)."""
        return self.entity_ids[position]

    def position(self, entity_id: str) -> int | None:
        """Where an entry sits in the index, or None if it is not loaded."""
        if not self._positions and len(self.entity_ids):
            self._positions.update((entity_id, i) for i, entity_id in enumerate(self.entity_ids))
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

    def word_count(self, text: str) -> int:
        """How many list names hold the word (0: no list uses it). The scorer's `known`: two spellings both in use are
        more likely two names than one misspelt, and a word many names hold is a name many people bear."""
        return self.text_df.get(text, 0)

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
            skel_df = min((self.key_df(key) for key in token.keys if key and key[0] not in MARKED_KEYS), default=0)
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


def letter_bits(words: Iterable[str]) -> int:
    """The first letters of words as a bit set (a = bit 0; other first characters are left out)."""
    bits = 0
    for word in words:
        if word and "a" <= word[0] <= "z":
            bits |= 1 << (ord(word[0]) - ord("a"))
    return bits


def _deletions(key: str) -> set[str]:
    return {key[:i] + key[i + 1 :] for i in range(len(key))}


def _readings(entity: Entity) -> Iterator[tuple[Name, str, AnalyzedName]]:
    """Each name of the entry as indexed: (the list's name, what is written, its reading).

    A field holding several names ("X Company / Y Company") is read whole and as
    each of them, and an acronym it gives in brackets as a name of letters ("...
    PENINSULA (AQAP)"). So is an organisation's alias that is an acronym by the
    signs `acronyms.is_acronym_alias` reads ("BOET" beside "Beijing
    Opto-Electronics Technology Company", "CETC" beside "China Electronics
    Technology Group Corporation"): an acronym is letters, agreeing only with
    the same letters. Read as a word, "BOET" was "Bout" transliterated and "CAEIT"
    was "Ghayth": a person's name alerted on the company.
    """
    spelled: list[tuple[Name, str, AnalyzedName, bool]] = []
    for name in entity.names:
        acronyms = bracketed_acronyms(name.full, entity.schema)
        for written in (name.full, *alternatives(name.full, entity.schema), *acronyms):
            if written in acronyms:
                spelled.append((name, written, acronym_name(written, entity.schema), True))
            else:
                spelled.append((name, written, analyze_name(written, entity.schema), False))
    # Organisations and untyped rows (ORG_SCHEMAS): reading such an alias as letters loses only its slips, and "BOET"
    # is a trade.gov untyped row. People are out: a short given name may spell another name's initials.
    if entity.schema not in ORG_SCHEMAS:
        for name, written, analyzed, _ in spelled:
            yield name, written, analyzed
        return
    entry = entry_initials([(written, analyzed.tokens) for _, written, analyzed, letters in spelled if not letters])
    for name, written, analyzed, letters in spelled:
        if not letters and is_acronym_alias(analyzed.tokens, entry):
            analyzed = acronym_name(written, entity.schema)
        yield name, written, analyzed


PARALLEL_MIN_ENTRIES = 2_000  # fewer entries (a test's, a small list's) read in under a second: forking would cost more
READINGS_CHUNK = 250  # entries per task: a few tenths of a second of reading, and a small answer to send back
# Entries held at once while their names are read: all the bundled lists (49,641) in one window, a watch register of
# millions in windows, so memory holds a window of entries, never the register (a fork pool per window costs ~0.1 s).
READINGS_WINDOW = 50_000


def _all_readings(entities: Iterable[Entity], workers: int | None) -> Iterator[tuple[Entity, list[tuple[Name, str, AnalyzedName]]]]:
    """Each entry with its `_readings`, in order. Reading the names was three quarters of a build (16.5 s of 25 s
    for the bundled lists on one core) and is pure, so it runs in forked workers (`workers`, default one per usable
    core): an entry's readings are the same in any process."""
    workers = usable_cores() if workers is None else workers
    if workers <= 1:
        for entity in entities:  # one at a time, as they come: nothing held
            yield entity, list(_readings(entity))
        return
    pending = iter(entities)
    while window := list(islice(pending, READINGS_WINDOW)):
        if len(window) < PARALLEL_MIN_ENTRIES:
            for entity in window:
                yield entity, list(_readings(entity))
            continue
        for entity, found in zip(window, forked_map(_readings_at, range(len(window)), workers, READINGS_CHUNK, window), strict=True):
            yield entity, [(entity.names[at], written, analyzed) for at, written, analyzed in found]


def _readings_at(entries: Sequence[Entity], positions: Sequence[int]) -> list[list[tuple[int, str, AnalyzedName]]]:
    """`_readings` of the entries at `positions`, each name given by its place in the entry (the parent has it)."""
    answers: list[list[tuple[int, str, AnalyzedName]]] = []
    for position in positions:
        entity = entries[position]
        at = {id(name): place for place, name in enumerate(entity.names)}
        answers.append([(at[id(name)], written, analyzed) for name, written, analyzed in _readings(entity)])
    return answers


def build_index(entities: Iterable[Entity], progress: Callable[[int], None] | None = None, build_key: str = "", workers: int | None = None) -> Index:
    """The index of `entities`; their names are read in `workers` forked processes (default: one per usable core)."""
    token_ids: dict[tuple[str, tuple[str, ...], bool, int, str, bool], int] = {}
    tokens: list[Token] = []
    blobs: list[bytes] = []
    facts: list[EntityFacts] = []
    name_entity: list[int] = []
    name_kind: list[int] = []
    name_tokens: list[tuple[int, ...]] = []
    name_text: list[str] = []
    name_removed: list[str] = []
    name_ordered: list[bool] = []
    name_surname_first: list[bool] = []
    name_letters: list[int] = []
    name_group: list[int] = []
    groups: dict[tuple[int, ...], int] = {}
    postings: dict[str, list[int]] = {}
    by_token: dict[int, list[int]] = {}
    text_df: dict[str, int] = {}
    identifiers: dict[str, list[IdentifierPosting]] = {}
    for entity_index, (entity, readings) in enumerate(_all_readings(entities, workers)):
        blobs.append(_encoder.encode(entity))
        facts.append(entity_facts(entity))
        seen: set[tuple[int, ...]] = set()
        for name, written, analyzed in readings:
            ids = []
            for token in analyzed.tokens:
                signature = (token.text, token.keys, token.abjad, token.hyphen, token.particles, token.letters)  # all matter to the scorer
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
            name_text.append(written)
            name_removed.append(_removed_row(analyzed.removed))
            name_ordered.append(analyzed.filiation and not analyzed.inverted)
            name_surname_first.append(analyzed.surname_first)
            name_letters.append(letter_bits(tokens[token_id].text for token_id in name_ids))
            name_group.append(groups.setdefault(name_ids, len(groups)))
            keys_here: set[str] = set()
            texts_here: set[str] = set()
            for token_id in name_ids:
                # "~" spellings of Chinese and Korean syllables are looked up through the vocabulary
                # (retrieve._token_evidence), never through postings of their own.
                keys_here.update(key for key in tokens[token_id].keys if key and key[0] != "~")
                texts_here.add(tokens[token_id].text)
                fused = fused_key(tokens[token_id]) if tokens[token_id].particles else ""
                if len(fused) > S.short_key_verified:
                    # "van der Bilt" is found by "Vanderbilt": posted under the fused word's key (not a key of the
                    # token, so the particle-side word's weight stays its own; it is one more name for the fused key).
                    keys_here.add(fused)
            if entity.schema in ACRONYM_SCHEMAS:
                keys_here.update(ACRONYM_KEY + letters for letters in name_acronyms(analyzed.tokens))
            # Letters written apart ("N P C INTERNATIONAL") are found by a query writing them together ("NPC").
            if entity.schema != Schema.PERSON:  # a person's letters are initials
                keys_here.update(LETTERS_KEY + run_letters(analyzed.tokens, run) for run in letter_runs(analyzed.tokens))
            for key in keys_here:
                postings.setdefault(key, []).append(name_id)
            for token_id in set(name_ids):
                by_token.setdefault(token_id, []).append(name_id)
            for word in texts_here:
                text_df[word] = text_df.get(word, 0) + 1
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
        if len(key) >= MIN_DELETE_KEY and key[0] not in MARKED_KEYS:
            for variant in _deletions(key):
                deletes.setdefault(variant, []).append(key)
    dataset_names = sorted({f.dataset for f in facts})
    schema_names = sorted({str(f.schema) for f in facts})
    index = Index(
        entity_blobs=blobs,
        facts=facts,
        tokens=tokens,
        token_weights=np.zeros(len(tokens), dtype=np.float32),
        name_entity=np.asarray(name_entity, dtype=np.int32),
        name_kind=np.asarray(name_kind, dtype=np.int8),
        name_tokens=name_tokens,
        name_text=name_text,
        name_removed=name_removed,
        name_weight=np.zeros(len(name_tokens), dtype=np.float32),
        name_ordered=np.asarray(name_ordered, dtype=bool),
        name_surname_first=np.asarray(name_surname_first, dtype=bool),
        name_group=np.asarray(name_group, dtype=np.int32),
        name_letters=np.asarray(name_letters, dtype=np.uint32),
        postings=np.asarray(flat, dtype=np.int32),
        key_slices=key_slices,
        token_postings=np.asarray(token_flat, dtype=np.int32),
        token_offsets=np.asarray(token_offsets, dtype=np.int64),
        key_tokens={key: tuple(ids) for key, ids in key_tokens.items()},
        trigram_tokens={gram: np.asarray(ids, dtype=np.int32) for gram, ids in trigrams.items()},
        text_df=text_df,
        deletes={key: tuple(values) for key, values in deletes.items()},
        identifiers={key: tuple(values) for key, values in identifiers.items()},
        entity_ids=[f.id for f in facts],
        entity_dataset=np.asarray([dataset_names.index(f.dataset) for f in facts], dtype=np.int16),
        dataset_names=dataset_names,
        entity_schema=np.asarray([schema_names.index(str(f.schema)) for f in facts], dtype=np.int8),
        schema_names=schema_names,
        token_text_column=[token.text for token in tokens],
        build_key=build_key,
    )
    index.token_weights = np.asarray([index.token_weight(token) for token in tokens], dtype=np.float32)
    index.token_weight_list = index.token_weights.tolist()
    index.name_weight = np.asarray([sum(index.token_weights[t] for t in ids) for ids in name_tokens], dtype=np.float32)
    index._weights.clear()
    return index


# --- persistence ------------------------------------------------------------
#
# One file: a magic line, a msgpack header (format version, where each array
# lies, and the index's dictionaries), then each array's bytes at a 64-byte
# aligned offset. Loading maps the file and views the arrays in place; rows that
# must be Python objects (tokens, facts, names) are decoded when first used
# (columns.py). Nothing is unpickled, so a cache file cannot run code.

MAGIC = b"INTERDICT-INDEX\n"
_ALIGN = 64


class _Tables(msgspec.Struct):
    """The index's dictionaries and small lists, as one msgpack document."""

    version: int
    build_key: str
    arrays: dict[str, tuple[str, int, int]]  # name → (dtype, length, offset in the file)
    size: int  # bytes in the whole file: a shorter file was cut short
    key_slices: dict[str, tuple[int, int]]
    key_tokens: dict[str, tuple[int, ...]]
    trigram_spans: dict[str, tuple[int, int]]
    text_df: dict[str, int]
    deletes: dict[str, tuple[str, ...]]
    identifiers: dict[str, tuple[tuple[int, IdentifierType, str], ...]]
    dataset_names: list[str]
    schema_names: list[str]


_tables_decoder = msgspec.msgpack.Decoder(_Tables)
_token_row_decoder = msgspec.msgpack.Decoder(tuple[str, str, tuple[str, ...], bool, str, bool, bool, str, str, str, str, int, str, bool])
_fact_row_decoder = msgspec.msgpack.Decoder(tuple[str, str, str, str, list[int], list[str], bool, list[str], list[str]])


def _token_row(token: Token) -> bytes:
    return _encoder.encode(
        (token.text, token.skel, token.keys, token.abjad, token.original, token.initial, token.number, token.script, token.vskel, token.sig, token.generic, token.hyphen, token.particles, token.letters)
    )


def _decode_token(blob: bytes) -> Token:
    return Token(*_token_row_decoder.decode(blob))


def _fact_row(facts: EntityFacts) -> bytes:
    return _encoder.encode(
        (facts.id, facts.dataset, str(facts.schema), facts.caption, sorted(facts.birth_years), sorted(facts.birth_dates), facts.circa, sorted(facts.nationalities), sorted(facts.countries))
    )


def _decode_facts(blob: bytes) -> EntityFacts:
    entity_id, dataset, schema, caption, years, dates, circa, nationalities, countries = _fact_row_decoder.decode(blob)
    return EntityFacts(entity_id, dataset, Schema(schema), caption, frozenset(years), frozenset(dates), circa, frozenset(nationalities), frozenset(countries))


# Separators of a `name_removed` row ("title\x1fDr\x1elegal form\x1fLtd"): control characters no list name holds
# once the analyser has read it.
_WHY, _NEXT = "\x1f", "\x1e"


def _removed_row(removed: Iterable[tuple[str, str]]) -> str:
    return _NEXT.join(f"{why}{_WHY}{_plain(word)}" for word, why in removed if why != "particle")


def _plain(word: str) -> str:
    return word.replace(_WHY, "").replace(_NEXT, "")


def removed_words(index: Index, name_id: int) -> tuple[tuple[str, str], ...]:
    """What the analyser set aside from a list name, as `AnalyzedName.removed` gives it ((word, why), particles left
    out), read from the index."""
    row = index.name_removed[name_id]
    if not row:
        return ()
    return tuple((word, why) for why, _, word in (item.partition(_WHY) for item in row.split(_NEXT)))


def _utf8(rows: Iterable[str]) -> list[bytes]:
    return [row.encode("utf-8") for row in rows]


def save_index(index: Index, path: Path) -> None:
    """Write atomically: a half-written cache must never be loaded."""
    arrays: dict[str, np.ndarray] = {
        "token_weights": index.token_weights,
        "name_entity": index.name_entity,
        "name_kind": index.name_kind,
        "name_weight": index.name_weight,
        "name_ordered": index.name_ordered,
        "name_surname_first": index.name_surname_first,
        "name_group": index.name_group,
        "name_letters": index.name_letters,
        "postings": index.postings,
        "token_postings": index.token_postings,
        "token_offsets": index.token_offsets,
        "entity_dataset": index.entity_dataset,
        "entity_schema": index.entity_schema,
    }
    if index.typo_neighbours is not None:
        arrays.update(index.typo_neighbours.arrays("typo_neighbours"))
    if index.word_pairs is not None:
        arrays.update(index.word_pairs.arrays("word_pairs"))
    for name, rows in (
        ("blobs", list(index.entity_blobs)),
        ("facts", [_fact_row(facts) for facts in index.facts]),
        ("tokens", [_token_row(token) for token in index.tokens]),
        ("name_text", _utf8(index.name_text)),
        ("name_removed", _utf8(index.name_removed)),
        ("entity_ids", _utf8(index.entity_ids)),
        ("token_text", _utf8(token.text for token in index.tokens)),
    ):
        arrays[f"{name}_data"], arrays[f"{name}_offsets"] = pack(rows)
    runs = list(index.name_tokens)
    arrays["name_tokens_flat"] = np.asarray([token_id for run in runs for token_id in run], dtype=np.int32)
    arrays["name_tokens_offsets"] = np.cumsum([0] + [len(run) for run in runs], dtype=np.int64)
    trigram_spans: dict[str, tuple[int, int]] = {}
    trigram_flat: list[np.ndarray] = []
    at = 0
    for gram in index.trigram_tokens:
        ids = np.asarray(index.trigram_tokens[gram], dtype=np.int32)
        trigram_spans[gram] = (at, at + len(ids))
        trigram_flat.append(ids)
        at += len(ids)
    arrays["trigram_flat"] = np.concatenate(trigram_flat) if trigram_flat else np.zeros(0, dtype=np.int32)

    def tables(layout: dict[str, tuple[str, int, int]], size: int) -> bytes:
        return _encoder.encode(
            _Tables(
                version=INDEX_VERSION,
                build_key=index.build_key,
                arrays=layout,
                size=size,
                key_slices=index.key_slices,
                key_tokens=index.key_tokens,
                trigram_spans=trigram_spans,
                text_df=index.text_df,
                deletes=index.deletes,
                identifiers={key: tuple((p[0], p[1], p[2]) for p in value) for key, value in index.identifiers.items()},
                dataset_names=index.dataset_names,
                schema_names=index.schema_names,
            )
        )

    # The header holds the arrays' offsets, which depend on the header's length: lay out
    # with a generous guess, and grow the guess until the header fits before the data.
    reserve = len(tables({name: (str(a.dtype), len(a), 0) for name, a in arrays.items()}, 0)) + 4096
    while True:
        layout: dict[str, tuple[str, int, int]] = {}
        offset = _aligned(len(MAGIC) + 8 + reserve)
        for name, array in arrays.items():
            layout[name] = (str(array.dtype), int(len(array)), offset)
            offset = _aligned(offset + array.nbytes)
        header = tables(layout, offset)
        if len(header) <= reserve:
            break
        reserve = len(header) + 4096
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_write(path, "wb") as handle:
        handle.write(MAGIC)
        handle.write(len(header).to_bytes(8, "little"))
        handle.write(header)
        for name, array in arrays.items():
            handle.write(b"\0" * (layout[name][2] - handle.tell()))
            handle.write(np.ascontiguousarray(array).tobytes())
        handle.write(b"\0" * (offset - handle.tell()))


def _aligned(offset: int) -> int:
    return (offset + _ALIGN - 1) // _ALIGN * _ALIGN


def load_index(path: Path) -> Index | None:
    """The cached index, or None when it is missing, from another version, truncated or unreadable.

    The file is mapped read-only and its arrays are viewed in place: opening it
    costs its dictionaries, and processes screening with the same index share
    its pages. Nothing is unpickled.
    """
    try:
        with path.open("rb") as handle:
            if handle.read(len(MAGIC)) != MAGIC:
                return None
            size = int.from_bytes(handle.read(8), "little")
            tables = _tables_decoder.decode(handle.read(size))
            mapped = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
    except (OSError, ValueError, msgspec.DecodeError):
        return None
    if tables.version != INDEX_VERSION or tables.size != len(mapped):
        return None
    arrays: dict[str, np.ndarray] = {}
    for name, (dtype, length, offset) in tables.arrays.items():
        kind = np.dtype(dtype)
        if offset + length * kind.itemsize > len(mapped):
            return None  # truncated
        arrays[name] = np.frombuffer(mapped, dtype=kind, count=length, offset=offset)
    try:
        words = len(arrays["tokens_offsets"]) - 1
        return Index(
            entity_blobs=Rows(arrays["blobs_data"], arrays["blobs_offsets"], bytes),
            facts=Rows(arrays["facts_data"], arrays["facts_offsets"], _decode_facts, keep=True),
            tokens=Rows(arrays["tokens_data"], arrays["tokens_offsets"], _decode_token, keep=True),
            token_weights=arrays["token_weights"],
            name_entity=arrays["name_entity"],
            name_kind=arrays["name_kind"],
            name_tokens=IntRuns(arrays["name_tokens_flat"], arrays["name_tokens_offsets"]),
            name_text=Rows(arrays["name_text_data"], arrays["name_text_offsets"], _decode_utf8),
            name_removed=Rows(arrays["name_removed_data"], arrays["name_removed_offsets"], _decode_utf8),
            name_weight=arrays["name_weight"],
            name_ordered=arrays["name_ordered"],
            name_surname_first=arrays["name_surname_first"],
            name_group=arrays["name_group"],
            name_letters=arrays["name_letters"],
            postings=arrays["postings"],
            key_slices=tables.key_slices,
            token_postings=arrays["token_postings"],
            token_offsets=arrays["token_offsets"],
            key_tokens=tables.key_tokens,
            trigram_tokens=Spans(arrays["trigram_flat"], tables.trigram_spans),
            text_df=tables.text_df,
            deletes=tables.deletes,
            identifiers=tables.identifiers,
            entity_ids=Rows(arrays["entity_ids_data"], arrays["entity_ids_offsets"], _decode_utf8),
            entity_dataset=arrays["entity_dataset"],
            dataset_names=tables.dataset_names,
            entity_schema=arrays["entity_schema"],
            schema_names=tables.schema_names,
            token_text_column=Rows(arrays["token_text_data"], arrays["token_text_offsets"], _decode_utf8),
            build_key=tables.build_key,
            typo_neighbours=Runs.load(arrays, "typo_neighbours", 2, words),
            word_pairs=Runs.load(arrays, "word_pairs", 4, words),
        )
    except (KeyError, ValueError):
        return None


def _decode_utf8(blob: bytes) -> str:
    return blob.decode("utf-8")
