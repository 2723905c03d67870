"""Consonant skeletons: one key for the spellings transliteration systems disagree on.

Persian and Arabic names reach Latin through many systems (q/gh, kh/h, ou/u/o,
e/a/i/ee/y, w/v, j/dj/zh); Cyrillic ones through others (ks/x, iy/y, zh/j).
Dropping vowels, merging the consonant families in `data/skeleton.tsv` and
collapsing doubled letters gives a key those spellings share — and one that an
Arabic-script original (which writes no short vowels) shares too.
"""

from __future__ import annotations

from functools import lru_cache

from . import tables

_VOWELS = frozenset("aeiou")


@lru_cache(maxsize=200_000)
def skeleton(token: str) -> str:
    """Skeleton key of a lower-case Latin token ("ghalibaf" → "klbf")."""
    if not token:
        return ""
    if token.isdigit():
        return token
    text = token
    # A final h after a vowel is silent in Persian/Arabic romanisation (Fatemeh, Abdollah).
    if len(text) > 2 and text.endswith("h") and text[-2] in _VOWELS and text[-3] not in "sckzgdtp":
        text = text[:-1]
    for pattern, replacement in tables.skeleton_rules():
        if pattern in text:
            text = text.replace(pattern, replacement)
    out: list[str] = []
    for index, char in enumerate(text):
        if char in _VOWELS:
            continue
        if char in "yw":
            if index == 0:
                out.append("v" if char == "w" else "y")
            continue
        if out and out[-1] == char:
            continue
        out.append(char)
    return "".join(out)
