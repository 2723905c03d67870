"""What counts as an acronym of a name: one notion for the scorer and for retrieval.

The scorer pairs "IRGC" with "Islamic Revolutionary Guard Corps" (How.ACRONYM);
retrieval must propose that entry for the query "IRGC" even when no list gives
the acronym as an alias. Both ask the questions below, so retrieval cannot find
what the scorer would refuse, nor miss what it would accept.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from ..text.names import Token

ACRONYM_LETTERS = (2, 6)  # an acronym or initialism has two to six letters
# An organisation is found by its acronym alone from three letters: two letters spell the initials of hundreds of
# list names (screening "X&Y" for 300 random letter pairs alerted on 91% of them). Two letters still count beside a
# word the names share ("U.S. Department of State"), and a person's initialism ("JC" / Jean-Claude) may have two: it
# counts as initials, and a surname must agree too. A list that gives a two-letter alias matches it as written.
ORG_ACRONYM_MIN = 3
ACRONYM_DISTINCTIVE = 2  # distinctive words an acronym must abbreviate ("MA" is no acronym of Mahan Air)
ACRONYM_KEY = "#"  # marks an index key made of a name's initials (see index.MARKED_KEYS)


def may_abbreviate(token: Token) -> bool:
    """A word that could be an acronym: two to six Latin letters, neither a number nor a generic word.

    Dots are gone already ("I.R.G.C." is read as "irgc").
    """
    text = token.text
    return (
        ACRONYM_LETTERS[0] <= len(text) <= ACRONYM_LETTERS[1]
        and token.script == "latin"
        and not token.number
        and not token.generic
        and text.isalpha()
    )


def may_give_initial(token: Token) -> bool:
    """A word whose first letter may stand in an acronym (Latin, not a number)."""
    return token.script == "latin" and not token.number


def initials(tokens: Sequence[Token]) -> str:
    return "".join(token.text[0] for token in tokens)



def name_acronyms(tokens: Sequence[Token]) -> set[str]:
    """The acronyms the scorer accepts for a whole organisation name.

    A run of consecutive words spells the acronym, and every word outside the run
    must be generic ("Corporation", "Trading"): initials of part of a name ("IRG" of
    Islamic Revolutionary Guard Corps) are no acronym of it. Names of fewer than
    two distinctive words have none (a one-word name's initial is no acronym).
    """
    if sum(1 for token in tokens if not token.generic) < ACRONYM_DISTINCTIVE:
        return set()
    found: set[str] = set()
    low, high = ORG_ACRONYM_MIN, ACRONYM_LETTERS[1]
    for start in range(len(tokens)):
        if any(not token.generic for token in tokens[:start]):
            break
        for size in range(low, min(high, len(tokens) - start) + 1):
            run = tokens[start : start + size]
            if not all(may_give_initial(token) for token in run):
                break
            if all(token.generic for token in tokens[start + size :]):
                found.add(initials(run))
    return found


_WRITTEN_WORD = re.compile(r"[A-Za-z]+")  # Latin words as written; "Opto-Electronics" is two (BOET)


@dataclass(frozen=True)
class EntryInitials:
    """What an entry's names say about which of its one-word aliases are acronyms (`is_acronym_alias`)."""

    acronyms: frozenset[str]  # `name_acronyms` of each name: IRGC of Islamic Revolutionary Guard Corps
    # Each name's initials as written (CETGC of China Electronics Technology Group Corporation), with its words: a
    # name's own word is no acronym of it (ALFA opens "ALFA COMPANY LIMITED FOR ... AND ..." and its initials follow).
    initials: tuple[tuple[str, frozenset[str]], ...]


def entry_initials(names: Sequence[tuple[str, Sequence[Token]]]) -> EntryInitials:
    """From (written, tokens) of each name of one entry."""
    acronyms: set[str] = set()
    spelled: list[tuple[str, frozenset[str]]] = []
    for written, tokens in names:
        acronyms.update(name_acronyms(tokens))
        # The written words, legal forms and particles included: CETC's last C is "Corporation", CAGL's D "des".
        words = [word.lower() for word in _WRITTEN_WORD.findall(written)]
        if len(words) >= ORG_ACRONYM_MIN:
            spelled.append(("".join(word[0] for word in words), frozenset(words)))
    return EntryInitials(frozenset(acronyms), tuple(spelled))


def is_acronym_alias(tokens: Sequence[Token], entry: EntryInitials) -> bool:
    """The name is one acronym with generic words at most ("IRGC", "SEP CO.", "NPC INTERNATIONAL"), by one of two
    signs: it is an acronym of another name of the entry, or its letters are another name's initials in order, some
    skipped (CETC of China Electronics Technology Group Corporation, CAGL of Compagnie Aerienne des Grands Lacs).

    Capitals are no sign: the UN writes "FAJR INDUSTRIAL GROUP" and "KALA-ELECTRIC" in capitals beside mixed-case
    aliases, the EU "HUTI" (the Houthis) and brands (UTAIR, AGAT) beside its mixed-case names; read as letters,
    "Fadjr" and "Houthi" would lose them.
    """
    word = query_acronym(tokens)  # one word that may be an acronym, beside generic words: the same test as a query's
    if word is None:
        return False
    letters = word.text
    return letters in entry.acronyms or any(_initials_in_order(letters, spelled) and letters not in words for spelled, words in entry.initials)


def _initials_in_order(letters: str, spelled: str) -> bool:
    """`letters` open with the first initial and follow the others in order, some skipped."""
    if letters[0] != spelled[0]:
        return False
    rest = iter(spelled[1:])
    return all(char in rest for char in letters[1:])


def query_acronym(tokens: Sequence[Token]) -> Token | None:
    """The word of a query name that may be an acronym of a whole organisation name, if any.

    Mirrors `name_acronyms`: the query is an acronym plus generic words only
    ("IRGC", "KOMID Co."), as the list name is the spelled words plus generic ones.
    A person's name ("Ali Hassan") has two distinctive words and is never looked up.
    """
    distinctive = [token for token in tokens if not token.generic]
    if len(distinctive) == 1 and may_abbreviate(distinctive[0]) and len(distinctive[0].text) >= ORG_ACRONYM_MIN:
        return distinctive[0]
    return None


LETTERS_KEY = "@"  # marks an index key made of a name's letters written apart ("@npc" for "N P C International")


def _letter_pair(token: Token) -> bool:
    return len(token.text) == 2 and token.script == "latin" and token.text.isalpha() and not token.generic


def letter_runs(tokens: Sequence[Token]) -> list[tuple[int, int]]:
    """(start, end) of each run of letters written apart, which spells one word of those letters ("N P C" is NPC).

    A run is two or more single letters, or single letters with two-letter groups beside them ("R PA" for R&PA).
    When a two-letter word opens or ends the run, the single letters alone are a run too ("N P C UK": NPC, then
    UK). The scorer links a run to a word of exactly its letters; the index keys list names by their runs, and
    retrieval looks a query's runs up, so both sides find what the scorer accepts.
    """
    runs: list[tuple[int, int]] = []
    start = 0
    while start < len(tokens):
        end = start
        while end < len(tokens) and (tokens[end].initial or _letter_pair(tokens[end])):
            end += 1
        if end - start >= 2 and any(tokens[k].initial for k in range(start, end)):
            runs.append((start, end))
            low, high = start, end
            while low < high and not tokens[low].initial:
                low += 1
            while high > low and not tokens[high - 1].initial:
                high -= 1
            if (low, high) != (start, end) and high - low >= 2:
                runs.append((low, high))
        start = max(end, start + 1)
    return runs


def run_letters(tokens: Sequence[Token], run: tuple[int, int]) -> str:
    return "".join(token.text for token in tokens[run[0] : run[1]])
