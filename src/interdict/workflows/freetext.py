"""Find listed names hidden in free text: remittance information, instructions, goods descriptions.

"/INV/2291 PAYMENT FOR SPARE PARTS ON BEHALF OF MAHAN AIR" names a listed
airline, but not as a party: no structured field will catch it. Screening every
n-gram of the text against ~100,000 list names would be slow and, worse, noisy:
a 140-character text has ~100 n-grams, and at the normal threshold some of them
will look like some list name by chance. The design:

1. **Anchor on rare list words.** Each word is read like a name token (same
   transliteration and skeletons as the matcher). A word anchors a search only
   if the lists contain it (its skeleton is in the index) and it is rare there
   (rarity weight >= ANCHOR_WEIGHT): "Mahan", "Pasargad", "Rotenberg" anchor;
   "payment", "bank", "trading" never do. Most texts have no anchor at all and
   cost one dictionary lookup per word.
2. **Windows around anchors.** Every run of up to MAX_WINDOW words that holds an
   anchor and crosses no break (a word with digits, or payment vocabulary from
   data/freetext.toml) is a candidate name.
3. **A stricter threshold.** Each window is screened with the matcher at
   threshold + STRICT_MARGIN: the text was not written as a name, and many
   windows are tried at once, so chance agreement must be paid for.
4. **Whole names.** The window must account for at least COVERAGE of the
   listed name's rarity weight ("MACHINE TOOLS" is not "RUSATOM MACHINE TOOLS
   JSC"), and the listed name must have two tokens or more, or be one long,
   rare organisation token ("IRISL"): one-word list names ("AMBER", "FOREST",
   "HUGE" are listed tankers) are ordinary words in text. Vessels and aircraft
   are not searched by name here; their IMO numbers are (checks.py).
5. **Best window per entity**, and a word of context: when the word just
   before or after the window could continue the name and is in none of the
   entity's names ("Golden Dragon Trading" for DRAGON TRADING LIMITED), the
   text may name another, longer party, and the finding is a review, not a hit.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from rapidfuzz.distance import JaroWinkler

from ..countries import to_code
from ..errors import InputError
from ..match.query import Query
from ..match.screener import Hit, Screener
from ..text import tables
from ..model import CRAFT_SCHEMAS, ORG_SCHEMAS, Schema
from ..text.names import Token, analyze_name
from .embargoes import default_rules, fold

ANCHOR_WEIGHT = 0.38
MAX_WINDOW = 6
MAX_WINDOWS = 160
STRICT_MARGIN = 0.15
SINGLE_TOKEN_WEIGHT = 0.7
SINGLE_TOKEN_CHARS = 5
COVERAGE = 0.9
MAX_PHRASE_WORDS = 8  # longest run of words read as one listed name
ONE_WORD_REVIEW_WEIGHT = 0.45  # a one-word organisation name at least this rare on the lists, standing in text, is reviewed

_WORD = re.compile(r"[^\W_]+(?:['\u2019.\-][^\W_]+)*")
_SEPARATOR = re.compile(r"[,;:/()|*+=<>\[\]{}!?\"]")  # between two words, these end a name


@dataclass(frozen=True)
class Vocabulary:
    breaks: frozenset[str]
    not_anchors: frozenset[str]
    vessel_prefixes: tuple[str, ...]


@lru_cache(maxsize=1)
def vocabulary() -> Vocabulary:
    text = resources.files(__package__).joinpath("data", "freetext.toml").read_text(encoding="utf-8")
    table = tomllib.loads(text)
    lists: dict[str, list[str]] = {}
    for key in ("breaks", "not_anchors", "vessel_prefixes"):
        values = table.get(key)
        if not isinstance(values, list) or not all(
            isinstance(v, str) and v.strip() == v and v == v.lower() and v for v in values
        ):
            raise InputError(f"freetext.toml: '{key}' must be a list of lower-case words without spaces around them.")
        lists[key] = values
    unknown = set(table) - set(lists)
    if unknown:
        raise InputError(f"freetext.toml: unknown key(s) {', '.join(sorted(unknown))}.")
    breaks = frozenset(lists["breaks"])
    # Longest first, so "m/t" is tried before "mt".
    prefixes = tuple(sorted(lists["vessel_prefixes"], key=len, reverse=True))
    return Vocabulary(breaks, frozenset(lists["not_anchors"]) | breaks, prefixes)


@dataclass(frozen=True)
class TextHit:
    window: Window
    hit: Hit
    contained: bool  # the name in the text may be longer than the listed one (a review, not a hit)
    note: str = ""


def _words(text: str) -> list[tuple[int, int, str]]:
    return [(match.start(), match.end(), match.group(0)) for match in _WORD.finditer(text)]


def _known(screener: Screener, word: str) -> bool:
    """Some list name holds a word with this skeleton (so a window may start or end on it)."""
    return any(screener.knows(token) for token in analyze_name(word, None).tokens)


def _is_anchor(screener: Screener, word: str, vocab: Vocabulary) -> bool:
    if fold(word) in vocab.not_anchors:
        return False
    for token in analyze_name(word, None).tokens:
        if token.number or token.initial or len(token.text) < 3 or token.text in vocab.not_anchors:
            continue
        if screener.knows(token) and screener.token_weight(token) >= ANCHOR_WEIGHT:
            return True
    return False


def _is_break(word: str, vocab: Vocabulary) -> bool:
    return any(ch.isdigit() for ch in word) or fold(word) in vocab.breaks


@dataclass(frozen=True)
class Window:
    text: str
    before: str  # the word just before, when it could continue the name ("" otherwise)
    after: str  # the word just after, likewise

    @property
    def bounded(self) -> bool:
        """Nothing around the window can be part of a longer name: edge of text, punctuation, "of", a legal form."""
        return not self.before and not self.after


def windows(screener: Screener, text: str) -> list[Window]:
    """Candidate names in `text`: runs of words around rare list words (steps 1-2).

    A window starts and ends on words the lists know and that are not filler
    ("of", "for"): "OF MAHAN AIR" can only score worse than "MAHAN AIR".
    """
    vocab = vocabulary()
    words = _words(text)
    if not words:
        return []
    breaks = [_is_break(word, vocab) for _, _, word in words]
    edge_ok = [
        not breaks[i] and fold(word) not in vocab.not_anchors and _known(screener, word) for i, (_, _, word) in enumerate(words)
    ]
    anchors = [i for i, (_, _, word) in enumerate(words) if edge_ok[i] and _is_anchor(screener, word, vocab)]
    spans: list[tuple[int, int]] = []
    seen: set[tuple[int, int]] = set()
    for i in anchors:
        start = i
        while start > 0 and not breaks[start - 1] and i - start + 1 < MAX_WINDOW:
            start -= 1
        end = i + 1
        while end < len(words) and not breaks[end] and end - i < MAX_WINDOW:
            end += 1
        for a in range(start, i + 1):
            if not edge_ok[a]:
                continue
            for b in range(i + 1, min(end, a + MAX_WINDOW) + 1):
                if edge_ok[b - 1] and (a, b) not in seen:
                    seen.add((a, b))
                    spans.append((a, b))
    spans.sort(key=lambda span: (span[1] - span[0], span[0]))  # short windows first: they are the likely names
    found = []
    for a, b in spans[:MAX_WINDOWS]:
        before = words[a - 1][2] if a > 0 and not _SEPARATOR.search(text[words[a - 1][1] : words[a][0]]) else ""
        after = words[b][2] if b < len(words) and not _SEPARATOR.search(text[words[b - 1][1] : words[b][0]]) else ""
        found.append(
            Window(
                text[words[a][0] : words[b - 1][1]],
                before if not _boundary(before, vocab) else "",
                after if not _boundary(after, vocab) else "",
            )
        )
    return found


def _boundary(word: str, vocab: Vocabulary) -> bool:
    """True when `word` next to a window cannot continue the name in it (filler, legal form, country)."""
    if not word:
        return True
    key = fold(word)
    forms, _ = tables.legal_form_set()
    return (
        _is_break(word, vocab)
        or key in vocab.not_anchors
        or (key,) in forms
        or to_code(word) is not None
        or bool(default_rules().scan(word))
    )


def _name_shape_ok(screener: Screener, hit: Hit) -> bool:
    tokens = analyze_name(hit.matched_name, hit.entity.schema).tokens
    if len(tokens) >= 2:
        return True
    if len(tokens) == 1 and hit.entity.schema in ORG_SCHEMAS:
        token = tokens[0]
        return (
            len(token.text) >= SINGLE_TOKEN_CHARS
            and screener.token_weight(token) >= SINGLE_TOKEN_WEIGHT
            and hit.name_score >= 0.95
        )
    return False


def _covers(screener: Screener, window: str, hit: Hit) -> bool:
    """The window accounts for (nearly) all of the listed name's weight.

    "MACHINE TOOLS" in "ADVANCE PAYMENT MACHINE TOOLS" must not stand for
    "RUSATOM MACHINE TOOLS JSC": the rare "Rusatom" is missing from the text.
    """
    listed = analyze_name(hit.matched_name, hit.entity.schema).tokens
    found = analyze_name(window, None).tokens
    weight = screener.token_weight
    total = sum(weight(token) for token in listed)
    covered = sum(weight(token) for token in listed if any(_same_word(token, other) for other in found))
    return total > 0 and covered >= COVERAGE * total


def _same_word(left: Token, right: Token) -> bool:
    if set(left.keys) & set(right.keys):
        return True
    return JaroWinkler.normalized_similarity(left.text, right.text) >= 0.88


def find_names(
    screener: Screener, text: str, datasets: Iterable[str] | None = None, margin: float = STRICT_MARGIN
) -> list[TextHit]:
    """Listed parties named inside `text`: exact phrases (step 0), then spelling variants (steps 3-5), best per entity."""
    strict = min(0.97, screener.threshold + margin)
    best: dict[str, tuple[Window, Hit]] = {}
    scope = list(datasets) if datasets else None
    phrased = {item.hit.entity.id: item for item in phrase_names(screener, text, scope)}
    for window in windows(screener, text):
        # A one-word window can only stand for a one-word organisation name (step 4), so
        # people and craft are not searched: a word like "sale" matches hundreds of "Saleh"s.
        schema = Schema.ORGANIZATION if len(_words(window.text)) == 1 else Schema.LEGAL_ENTITY
        query = Query(names=[window.text[:500]], schema=schema)
        for hit in screener.screen(query, datasets=scope, limit=5, threshold=strict, cutoff=strict - 0.01):
            if not hit.match or not _name_shape_ok(screener, hit) or not _covers(screener, window.text, hit):
                continue
            current = best.get(hit.entity.id)
            key = (hit.score, window.bounded, -len(window.text))
            if current is None or key > (current[1].score, current[0].bounded, -len(current[0].text)):
                best[hit.entity.id] = (window, hit)
    found = list(phrased.values())
    for window, hit in best.values():
        if hit.entity.id in phrased:
            continue
        extra = _unexplained_neighbours(screener, window, hit, strict)
        found.append(TextHit(window, hit, contained=bool(extra), note=_continues(extra)))
    return sorted(found, key=lambda item: (-item.hit.score, item.hit.entity.id))


def _continues(extra: list[str]) -> str:
    if not extra:
        return ""
    return f"the text goes on with {' and '.join(repr(w) for w in extra)}, so it may name a longer, different party"


# --- step 0: listed names written out in full -------------------------------------------------------


def _special_words() -> frozenset[str]:
    """Words a name's analysis removes or joins (particles, titles, legal forms, compound prefixes):
    a window holding one is read as a whole name, not word by word."""
    forms, _ = tables.legal_form_set()
    prefixes = {spelling for spelling, _ in tables.compound_prefixes()}
    return tables.particles() | tables.honorifics() | frozenset(form[0] for form in forms if len(form) == 1) | frozenset(prefixes)


@lru_cache(maxsize=100_000)
def _word_tokens(word: str, schema: Schema | None) -> tuple[str, ...]:
    return tuple(token.text for token in analyze_name(word, schema).tokens)


def _vessel_starts(text: str, words: list[tuple[int, int, str]], vocab: Vocabulary) -> set[int]:
    """Indices of words that begin a vessel's name after a prefix ("M/T GRACE 1", "MV Amber")."""
    starts: set[int] = set()
    lowered = text.lower()
    for index, (start, _, _) in enumerate(words):
        before = lowered[max(0, start - 8) : start].rstrip(" .:-")
        if any(before.endswith(prefix) and (len(before) == len(prefix) or not before[-len(prefix) - 1].isalnum()) for prefix in vocab.vessel_prefixes):
            starts.add(index)
    return starts


def phrase_names(screener: Screener, text: str, datasets: Iterable[str] | None = None) -> list[TextHit]:
    """Every listed name written out in `text` as a phrase, after the same normalisation as names.

    A name of two or more parts found whole is a hit; one of a single part only
    when it is an organisation's name of at least SINGLE_TOKEN_CHARS letters that
    is not an everyday word of payments (freetext.toml) — a hit if rare on the
    lists (SINGLE_TOKEN_WEIGHT), else a review. Vessels and aircraft are named in
    text only after a prefix such as "M/T" or "MV". When a neighbouring word
    could continue the name, the text may name a longer, different party: a review.
    """
    vocab = vocabulary()
    words = _words(text)
    if not words:
        return []
    starts, longest = screener.phrase_bounds()
    special = _special_words()
    per_word = [_word_tokens(word, None) for _, _, word in words]
    vessels = _vessel_starts(text, words, vocab)
    scope = list(datasets) if datasets else None
    found: dict[str, TextHit] = {}
    for i in range(len(words)):
        craft = i in vessels
        if not per_word[i] or (per_word[i][0] not in starts and not craft):
            continue
        tokens: tuple[str, ...] = ()
        whole = False
        for j in range(i, min(len(words), i + MAX_PHRASE_WORDS)):
            tokens += per_word[j]
            whole |= words[j][2].lower() in special or any(token in special for token in per_word[j])
            if len(tokens) > longest:
                break
            window_text = text[words[i][0] : words[j][1]]
            keys = {tokens}
            if whole:
                keys.add(_word_tokens(window_text, None))
            if craft:
                keys.add(_word_tokens(window_text, Schema.VESSEL))
            for key in keys:
                entries: dict[str, tuple[Schema, list[int]]] = {}
                for holder in screener.names_written_as(key, scope):
                    entries.setdefault(holder.facts.id, (holder.facts.schema, []))[1].append(holder.name_id)
                for entity_id, (schema, name_ids) in entries.items():
                    current = found.get(entity_id)
                    if current is not None and not current.contained and len(current.window.text) >= len(text[words[i][0] : words[j][1]]):
                        continue  # already found whole, in a longer or equal stretch of the text
                    item = _phrase_hit(screener, text, words, i, j, entity_id, name_ids, schema, key, craft, vocab)
                    if item is not None and (
                        current is None
                        or (item.hit.score, -item.contained, len(item.window.text)) > (current.hit.score, -current.contained, len(current.window.text))
                    ):
                        found[entity_id] = item
    return sorted(found.values(), key=lambda item: (-item.hit.score, item.hit.entity.id))


def _in_names(screener: Screener, word: str, entity_id: str) -> bool:
    """Some name of the entry holds this word (same skeleton): the text's name goes on as the list's does."""
    keys = _name_keys(screener, entity_id)
    return any(not keys.isdisjoint(token.keys) for token in analyze_name(word, None).tokens)


def _name_keys(screener: Screener, entity_id: str) -> frozenset[str]:
    cache: dict[str, frozenset[str]] = screener.__dict__.setdefault("_freetext_name_keys", {})
    found = cache.get(entity_id)
    if found is None:
        if len(cache) > 10_000:
            cache.clear()
        entity = screener.entity(entity_id)
        found = cache[entity_id] = frozenset(
            key for name in entity.names for token in analyze_name(name.full, entity.schema).tokens for key in token.keys
        )
    return found


def _phrase_hit(
    screener: Screener,
    text: str,
    words: list[tuple[int, int, str]],
    i: int,
    j: int,
    entity_id: str,
    name_ids: list[int],
    schema: Schema,
    tokens: tuple[str, ...],
    craft: bool,
    vocab: Vocabulary,
) -> TextHit | None:
    if schema in CRAFT_SCHEMAS and not craft:
        return None  # "AMBER", "FOREST": listed tankers, everyday words
    one_word = len(tokens) == 1
    if one_word and not craft:
        if schema not in ORG_SCHEMAS or len(tokens[0]) < SINGLE_TOKEN_CHARS or tokens[0] in vocab.not_anchors:
            return None
    window_text = text[words[i][0] : words[j][1]]
    hit = screener.score_entry(Query(names=[window_text[:500]], schema=schema), entity_id, name_ids=name_ids)
    if hit is None or hit.name is None:
        return None
    weight = screener.token_weight(hit.name.listed.tokens[0]) if one_word and hit.name.listed.tokens else 1.0
    if one_word and not craft and weight < ONE_WORD_REVIEW_WEIGHT:
        return None
    before = words[i - 1][2] if i > 0 and not _SEPARATOR.search(text[words[i - 1][1] : words[i][0]]) else ""
    after = words[j + 1][2] if j + 1 < len(words) and not _SEPARATOR.search(text[words[j][1] : words[j + 1][0]]) else ""
    vocab_boundary = _boundary
    window = Window(window_text, "" if craft or vocab_boundary(before, vocab) else before, "" if vocab_boundary(after, vocab) else after)
    extra = [word for word in (window.before, window.after) if word and not _in_names(screener, word, entity_id)]
    if one_word and not craft and weight < SINGLE_TOKEN_WEIGHT:
        note = f"'{window_text}' is a one-word listed name, not rare enough on the lists to stand alone"
        return TextHit(window, hit, contained=True, note="; ".join(part for part in (note, _continues(extra)) if part))
    return TextHit(window, hit, contained=bool(extra), note=_continues(extra))


def _unexplained_neighbours(screener: Screener, window: Window, hit: Hit, strict: float) -> list[str]:
    """Neighbouring words that could continue the name but are not in the listed names.

    "KHATAM OL ANBIYA CONSTRUCTION HQ": "CONSTRUCTION" continues the listed name,
    so the window is still that entity. "Golden Dragon Trading": "Golden" is in
    no name of DRAGON TRADING LIMITED, so the text may name another company.
    """
    names = [name.full for name in hit.entity.names[:25]]
    extra = []
    for word, extended in ((window.before, f"{window.before} {window.text}"), (window.after, f"{window.text} {window.after}")):
        if not word:
            continue
        best = max((screener.compare(extended, name, hit.entity.schema)[0] for name in names), default=0.0)
        if best < strict:
            extra.append(word)
    return extra


def words_shaped_like(text: str, pattern: re.Pattern[str]) -> list[str]:
    """Whole words of `text` (upper-cased) that match `pattern`, e.g. BICs inside /INS/ lines."""
    found = []
    for token in re.findall(r"[A-Za-z0-9]+", text):
        upper = token.upper()
        if pattern.fullmatch(upper) and upper not in found:
            found.append(upper)
    return found
