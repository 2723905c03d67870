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
from ..model import ORG_SCHEMAS, Schema
from ..text.names import Token, analyze_name
from .embargoes import default_rules, fold

ANCHOR_WEIGHT = 0.38
MAX_WINDOW = 6
MAX_WINDOWS = 160
STRICT_MARGIN = 0.15
SINGLE_TOKEN_WEIGHT = 0.7
SINGLE_TOKEN_CHARS = 5
COVERAGE = 0.9

_WORD = re.compile(r"[^\W_]+(?:['\u2019.\-][^\W_]+)*")
_SEPARATOR = re.compile(r"[,;:/()|*+=<>\[\]{}!?\"]")  # between two words, these end a name


@dataclass(frozen=True)
class Vocabulary:
    breaks: frozenset[str]
    not_anchors: frozenset[str]


@lru_cache(maxsize=1)
def vocabulary() -> Vocabulary:
    text = resources.files(__package__).joinpath("data", "freetext.toml").read_text(encoding="utf-8")
    table = tomllib.loads(text)
    lists: dict[str, frozenset[str]] = {}
    for key in ("breaks", "not_anchors"):
        values = table.get(key)
        if not isinstance(values, list) or not all(
            isinstance(v, str) and v.strip() == v and v == v.lower() and v for v in values
        ):
            raise InputError(f"freetext.toml: '{key}' must be a list of lower-case words without spaces around them.")
        lists[key] = frozenset(values)
    unknown = set(table) - {"breaks", "not_anchors"}
    if unknown:
        raise InputError(f"freetext.toml: unknown key(s) {', '.join(sorted(unknown))}.")
    return Vocabulary(lists["breaks"], lists["not_anchors"] | lists["breaks"])


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
    """Listed people and organisations named inside `text`, best window per entity (steps 3-5)."""
    strict = min(0.97, screener.threshold + margin)
    best: dict[str, TextHit] = {}
    scope = list(datasets) if datasets else None
    for window in windows(screener, text):
        query = Query(names=[window.text[:500]], schema=Schema.LEGAL_ENTITY)
        for hit in screener.screen(query, datasets=scope, limit=5, threshold=strict, cutoff=strict - 0.01):
            if not hit.match or not _name_shape_ok(screener, hit) or not _covers(screener, window.text, hit):
                continue
            current = best.get(hit.entity.id)
            key = (hit.score, window.bounded, -len(window.text))
            if current is None or key > (current[1].score, current[0].bounded, -len(current[0].text)):
                best[hit.entity.id] = (window, hit)
    found = []
    for window, hit in best.values():
        extra = _unexplained_neighbours(screener, window, hit, strict)
        note = (
            f"the text goes on with {' and '.join(repr(w) for w in extra)}, so it may name a longer, different party"
            if extra
            else ""
        )
        found.append(TextHit(window, hit, contained=bool(extra), note=note))
    return sorted(found, key=lambda item: (-item.hit.score, item.hit.entity.id))


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
