"""Transliterate one word of any script to lower-case Latin.

Arabic script (Arabic, Persian, Urdu, Pashto) and Hebrew are abjads: short
vowels are not written, so "محمد" becomes "mhmd", not "mohammad". Such words
are flagged `abjad` and compared by consonant skeleton only. Letters that
different languages romanise differently (ض: Arabic "d", Persian "z") yield
alternative spellings, all of which the matcher tries.

Persian needs its own care: ZWNJ (the half-space inside "خامنه‌ای") marks a
morpheme boundary where a final ه is a silent vowel, and ی ک گ چ ژ پ are
Persian letters absent from Arabic tables.

Other scripts (CJK, kana, Hangul, Georgian, Armenian...) go through anyascii.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from itertools import product

from anyascii import anyascii

from . import tables
from .normalize import ZWNJ, script_of

MAX_VARIANTS = 4

_ARABIC_MARKS = {chr(code) for code in range(0x064B, 0x0660)} | {"\u0670", "\u0640", "\u06e1", "\u06ed"}
_ARABIC_DIGITS = {chr(0x0660 + i): str(i) for i in range(10)} | {chr(0x06F0 + i): str(i) for i in range(10)}
_WAW = "و"
_YEH = {"ی", "ي", "ى", "ې", "ۍ", "ئ"}
_HEH = {"ه", "ہ", "ھ"}


@dataclass(frozen=True)
class Word:
    latin: str  # lower-case ASCII letters/digits
    script: str
    abjad: bool = False
    variants: tuple[str, ...] = ()  # alternative romanisations (abjad words only)


def _arabic_morpheme(morpheme: str) -> list[tuple[str, ...]]:
    """Per-letter options for one ZWNJ-delimited piece of an Arabic-script word."""
    table = tables.arabic()
    letters = [char for char in morpheme if char not in _ARABIC_MARKS]
    out: list[tuple[str, ...]] = []
    last = len(letters) - 1
    for index, char in enumerate(letters):
        if index == 0 and char == "ع":
            out.append(("a",))  # a word-initial ayn carries the vowel: علی Ali, عبد Abd
        elif char in _ARABIC_DIGITS:
            out.append((_ARABIC_DIGITS[char],))
        elif char == _WAW:
            out.append(("v", "w") if index == 0 else ("u",))
        elif char in _YEH:
            if index == 0:
                out.append(("y",))
            elif char == "ى" and index == last:
                out.append(("a",))
            else:
                out.append(("i",))
        elif char in _HEH:
            out.append(("e",) if index == last and index > 0 else ("h",))
        elif char in table:
            out.append(table[char])
        else:
            out.append((anyascii(char).lower(),))
    return out


def _arabic(word: str) -> Word:
    options: list[tuple[str, ...]] = []
    for morpheme in word.split(ZWNJ):
        options.extend(_arabic_morpheme(morpheme))
    primary = "".join(choice[0] for choice in options).replace("'", "")
    ambiguous = [choice for choice in options if len(choice) > 1]
    variants: list[str] = []
    if ambiguous:
        for combo in product(*options):
            spelled = "".join(combo).replace("'", "")
            if spelled != primary and spelled not in variants:
                variants.append(spelled)
            if len(variants) >= MAX_VARIANTS:
                break
    return Word(latin=primary, script="arabic", abjad=True, variants=tuple(variants))


def _table_word(word: str, table: dict[str, str], script: str, abjad: bool = False) -> Word:
    out = []
    for char in word.lower():
        if char in table:
            out.append(table[char])
        elif unicodedata.combining(char):
            continue
        else:
            out.append(anyascii(char).lower())
    return Word(latin=_ascii("".join(out)), script=script, abjad=abjad)


def _ascii(text: str) -> str:
    return "".join(char for char in anyascii(text).lower() if char.isalnum())


def dominant_script(word: str) -> str:
    counts: dict[str, int] = {}
    for char in word:
        script = script_of(char)
        if script != "common":
            counts[script] = counts.get(script, 0) + 1
    if not counts:
        return "common"
    return max(counts.items(), key=lambda item: item[1])[0]


def transliterate_word(word: str) -> list[Word]:
    """One word → one or more Latin words (CJK words split into syllable tokens)."""
    if word.isascii():
        return [Word(latin="".join(char for char in word.lower() if char.isalnum()), script="latin")]
    script = dominant_script(word)
    if script == "arabic":
        return [_arabic(word)]
    if script == "cyrillic":
        return [_table_word(word, tables.cyrillic(), "cyrillic")]
    if script == "greek":
        decomposed = unicodedata.normalize("NFD", word)
        return [_table_word(decomposed, tables.greek(), "greek")]
    if script == "hebrew":
        return [_table_word(word, tables.hebrew(), "hebrew", abjad=True)]
    if script == "cjk":
        # anyascii capitalises each syllable of Han and Hangul: "GimJeongEun".
        spelled = anyascii(word)
        parts, current = [], ""
        for char in spelled:
            if char.isupper() and current:
                parts.append(current)
                current = ""
            if char.isalnum():
                current += char
        if current:
            parts.append(current)
        return [Word(latin=part.lower(), script="cjk") for part in parts if part]
    return [Word(latin=_ascii(word), script="latin" if script in ("latin", "common") else script)]
