"""A generic organisation word misspelt in a query is still a generic word.

"United Engine Cvororation", "HARA COMAPNY", "Corojation Moscow Institute":
read as written, the misspelt word is unknown to the lists, so it weighs as a
rare, distinctive word, and a word the listed name lacks vetoes the match
(0.58 for United Engine Corporation). Generic words weigh little whether
present or absent (data/org_words.tsv); a slip does not change what the word
is.

Only on the query side, and only for a word the lists never use: the lists'
own words near a generic one are often names in their own right (Shaheen /
Shaheed, Elektrosila / Elektronika, Mojtaba / Mojtama), and a query word that
is also a slip of such a name is left as written (a list word in one or two
names that is itself a slip of the generic word is the lists' own misspelling,
not a name). The slips allowed are few:
(settings generic_slip_*) one in a generic word of 7-9 letters, two in one of 10 or more, never in the
first letter (shorter generic words are a slip away from too many names).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from functools import lru_cache

from rapidfuzz.distance import OSA

from ..model import Schema
from ..text import tables
from ..text.names import AnalyzedName, Token, as_generic
from .index import Index
from .retrieve import fuzzy_tokens
from .scorer import generic_slips_allowed
from .settings import SETTINGS as S


@lru_cache(maxsize=1)
def _generic_by_letter() -> dict[str, tuple[tuple[str, str, str], ...]]:
    """First letter → (word, kind, class) of the generic words long enough to be read through a slip."""
    grouped: dict[str, list[tuple[str, str, str]]] = {}
    for word, (kind, word_class) in sorted(tables.org_words().items()):
        if len(word) >= S.generic_slip_min_letters and word.isascii() and word.isalpha():
            grouped.setdefault(word[0], []).append((word, kind, word_class))
    return {letter: tuple(words) for letter, words in grouped.items()}


def generic_slip(token: Token) -> tuple[str, str, str] | None:
    """(generic word, kind, class) the token is a slip of, or None."""
    if token.generic or token.script != "latin" or token.abjad or len(token.text) < S.generic_slip_min_letters or not token.text.isalpha():
        return None
    best: tuple[int, tuple[str, str, str]] | None = None
    for entry in _generic_by_letter().get(token.text[0], ()):
        allowed = generic_slips_allowed(len(entry[0]))
        edits = OSA.distance(token.text, entry[0], score_cutoff=allowed)
        if edits <= allowed and (best is None or edits < best[0]):
            best = (edits, entry)
    return best[1] if best else None


def read_generic_slips(index: Index, name: AnalyzedName, reading: Schema | None, known: Callable[[str], int]) -> AnalyzedName:
    """The query name with its misspelt generic words read as the generic words they are.

    For organisation readings, and for a name of unknown type that reads as an
    organisation (it holds a generic word already), as data/org_words.tsv is read.
    """
    if reading != Schema.ORGANIZATION and not (reading is None and any(token.generic for token in name.tokens)):
        return name
    generic = tables.org_words()
    changed = list(name.tokens)
    for position, token in enumerate(name.tokens):
        if known(token.text):
            continue
        found = generic_slip(token)
        if found is None:
            continue
        word, kind, word_class = found
        allowed = generic_slips_allowed(len(word))
        if any(edits <= allowed and _a_name(index, neighbour, word, generic) for neighbour, edits in fuzzy_tokens(index, token)):
            continue  # as near a word the lists use as a name: the slip may be of that name
        changed[position] = as_generic(token, kind, word_class)
    return name if changed == list(name.tokens) else replace(name, tokens=tuple(changed))


def _a_name(index: Index, token_id: int, word: str, generic: dict[str, tuple[str, str]]) -> bool:
    """A vocabulary word that may be what a query's slip stands for: neither generic nor the lists' own
    misspelling of `word` ("Corporaton", in one name, is no name of its own; "Shaheen", in five, is)."""
    text = index.token_texts[token_id]
    if text in generic:
        return False
    slip = generic_slip(index.tokens[token_id])
    return not (slip is not None and slip[0] == word and index.text_df.get(text, 0) <= S.generic_slip_lists_own)
