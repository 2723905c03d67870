"""Fold deliberate evasion before anything else looks at a name.

People who want to slip past a screener write "Kh4menei", put a Cyrillic "а"
inside a Latin word, or hide zero-width joiners and bidi overrides between
letters. Each of these is undone here, and every fold is recorded so the
explanation can say that evasion was seen.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from . import tables
from .scripts import script_of

ZWNJ = "\u200c"

# Format characters that are never part of a name: zero-width space/joiner, bidi
# controls and isolates, word joiner, BOM, soft hyphen, Mongolian vowel separator.
_INVISIBLE = {
    "\u200b",
    "\u200d",
    "\u200e",
    "\u200f",
    "\u202a",
    "\u202b",
    "\u202c",
    "\u202d",
    "\u202e",
    "\u2060",
    "\u2061",
    "\u2062",
    "\u2063",
    "\u2064",
    "\u2066",
    "\u2067",
    "\u2068",
    "\u2069",
    "\ufeff",
    "\u00ad",
    "\u180e",
    "\u034f",
}


@dataclass
class Folded:
    text: str
    evasion: list[str] = field(default_factory=list)


def strip_invisible(text: str) -> tuple[str, int]:
    """Remove zero-width and bidi controls; keep ZWNJ, which Persian uses inside words."""
    removed = 0
    out = []
    for index, char in enumerate(text):
        if char == ZWNJ:
            inside = 0 < index < len(text) - 1
            if inside and script_of(text[index - 1]) == "arabic" and script_of(text[index + 1]) == "arabic":
                out.append(char)
            else:
                removed += 1
            continue
        if char in _INVISIBLE or unicodedata.category(char) == "Cf":
            removed += 1
            continue
        out.append(char)
    return "".join(out), removed


_LEET_TRIGGERS = frozenset("0123456789@$!|")


_CONFUSABLE_SCRIPTS = ("latin", "cyrillic", "greek")


def _script_counts(text: str) -> dict[str, int]:
    counts: dict[str, int] = {}
    for char in text:
        if char.isalpha():
            script = script_of(char)
            counts[script] = counts.get(script, 0) + 1
    return counts


def _target_script(words: list[str]) -> str | None:
    """The script most of the name is in, among those that share look-alike letters."""
    counts = _script_counts(" ".join(words))
    present = {script: counts.get(script, 0) for script in _CONFUSABLE_SCRIPTS if counts.get(script, 0)}
    if len(present) < 2:
        return None
    return max(present.items(), key=lambda item: (item[1], item[0] == "latin"))[0]


def _fold_homoglyphs(word: str, target: str | None) -> tuple[str, bool]:
    """Fold look-alike letters into the script the rest of the name is in.

    "Ghаlibаf" with Cyrillic а, or "ΗΑΝ" written wholly in Greek capitals inside a
    Latin name, is Latin; "Iванiвна" with a Latin I inside a Cyrillic name is
    Cyrillic. A word of another script is folded only where every intruding
    letter has a look-alike: a genuine Cyrillic word in a Latin name stays.
    """
    if target is None or (word.isascii() and target == "latin"):
        return word, False
    if target == "latin":
        table = tables.homoglyphs()
    else:
        table = tables.homoglyphs_into(target)
    intruders = [char for char in word if char.isalpha() and script_of(char) in _CONFUSABLE_SCRIPTS and script_of(char) != target]
    if not intruders or any(char not in table for char in intruders):
        return word, False
    folded = "".join(table.get(char, char) if char in intruders else char for char in word)
    return folded, folded != word


_ORDINAL = re.compile(r"^\d+(st|nd|rd|th)$", re.IGNORECASE)
_SERIAL = re.compile(r"^[^\W\d_]+\d+$")
_SERIAL_RUN = re.compile(r"^[^\W\d_]+\d{2,}$")  # one digit at the end may stand for a letter: "Al1", "Osam4"
_PIECE_SEPARATORS = re.compile(r"([-/])")


def _fold_leet(word: str) -> tuple[str, bool]:
    """Digits read as letters. A hyphenated or slashed word with a number among its pieces is read piece by piece, and
    a piece beside that number that is letters and then digits is a code and its serial: "2007-AHL2" (read whole, its
    four digits beside three letters looked like "2oot-ahl2"), "MS-13". Any other word is read whole, so a short
    piece still has its neighbours' letters to count on ("4l-Qaida", "M0H4MM4D-Reza")."""
    if "-" in word or "/" in word:
        pieces = _PIECE_SEPARATORS.split(word)
        if any(piece.isdigit() for piece in pieces[::2]):
            folded = [_fold_leet_piece(piece, beside_number=True) if index % 2 == 0 else (piece, False) for index, piece in enumerate(pieces)]
            return "".join(piece for piece, _ in folded), any(changed for _, changed in folded)
    return _fold_leet_piece(word)


def _fold_leet_piece(word: str, beside_number: bool = False) -> tuple[str, bool]:
    if _ORDINAL.match(word):
        return word, False  # "1st" is a number, not "ist"
    if _SERIAL_RUN.match(word) or (beside_number and _SERIAL.match(word)):
        return word, False  # "APT38", "AR16", "A320": letters and then a number of two digits or more are a code and its serial
    letters = sum(char.isalpha() for char in word)
    table = tables.leet()
    swaps = [i for i, char in enumerate(word) if char in table and not char.isalpha()]
    if not swaps or letters < 2 or len(swaps) > letters:
        return word, False
    chars = list(word)
    vowels = set("aeiouAEIOU")
    for i in swaps:
        char = chars[i]
        letter = table[char]
        if char == "1":
            before = chars[i - 1] if i > 0 else ""
            after = chars[i + 1] if i + 1 < len(chars) else ""
            letter = "l" if before in vowels and after in vowels else "i"
        chars[i] = letter
    return "".join(chars), True


def fold_evasion(text: str, digits_as_letters: bool = True) -> Folded:
    """NFKC, invisible characters, mixed-script homoglyphs and digit-for-letter swaps.

    Vessel and aircraft names legitimately mix digits and letters, so callers
    turn `digits_as_letters` off for them.
    """
    evasion: list[str] = []
    if text.isascii():
        if not digits_as_letters or not any(char in _LEET_TRIGGERS for char in text):
            return Folded(" ".join(text.split()), evasion)
        removed = 0
    else:
        text = unicodedata.normalize("NFKC", text)
        text, removed = strip_invisible(text)
    if removed:
        evasion.append(f"removed {removed} invisible character{'s' if removed > 1 else ''}")
    words = text.split()
    homoglyph = leet = False
    out = []
    target = None if text.isascii() else _target_script(words)
    for word in words:
        word, changed = _fold_homoglyphs(word, target)
        homoglyph |= changed
        if digits_as_letters:
            word, changed = _fold_leet(word)
            leet |= changed
        out.append(word)
    if homoglyph:
        evasion.append("folded look-alike letters from another script")
    if leet:
        evasion.append("read digits used as letters")
    return Folded(" ".join(out), evasion)
