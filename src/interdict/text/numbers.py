"""Numbers written as words, ordinals and Roman numerals, read as digits.

Organisation and vessel names mix "Forty-Four", "44", "1st", "First", "IX" and
"9"; they should compare as the numbers they are.
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

_ORDINAL = re.compile(r"^(\d+)(st|nd|rd|th)$")
_ROMAN = re.compile(r"^(x{0,3})(ix|iv|v?i{0,3})$")
_ROMAN_VALUES = {"i": 1, "v": 5, "x": 10}


@lru_cache(maxsize=None)
def _words() -> dict[str, tuple[int, str]]:
    text = resources.files("interdict.text").joinpath("data").joinpath("numbers.tsv").read_text(encoding="utf-8")
    table = {}
    for line in text.splitlines():
        if line.strip() and not line.startswith("#"):
            word, value, kind = line.split("\t")
            table[word] = (int(value), kind)
    return table


def roman(text: str) -> int | None:
    """Value of a Roman numeral of two or more letters up to 39 ("ii", "viii", "ix")."""
    if len(text) < 2 or not _ROMAN.match(text):
        return None
    total, previous = 0, 0
    for char in reversed(text):
        value = _ROMAN_VALUES[char]
        total += -value if value < previous else value
        previous = max(previous, value)
    return total or None


def roman_letter(text: str) -> int | None:
    """Value of one letter that is a Roman numeral (i, v, x): a serial beside a number ("Fund X" / "Fund XI"), which
    read alone is an initial."""
    return _ROMAN_VALUES.get(text) if len(text) == 1 else None


def _digit(text: str) -> int | None:
    return int(text) if len(text) == 1 and text.isdigit() else None


def read_numbers(texts: list[str]) -> list[tuple[str, int]]:
    """Rewrite number words in a token list; returns (text, how many source tokens it covers)."""
    words = _words()
    out: list[tuple[str, int]] = []
    index = 0
    while index < len(texts):
        text = texts[index]
        ordinal = _ORDINAL.match(text)
        if ordinal:
            out.append((ordinal.group(1), 1))
            index += 1
            continue
        entry = words.get(text)
        if entry:
            value, kind = entry
            following = words.get(texts[index + 1]) if index + 1 < len(texts) else None
            unit = following[0] if following and following[1] == "unit" else _digit(texts[index + 1]) if index + 1 < len(texts) else None
            if kind == "ten" and unit is not None and 0 < unit < 10:
                # "Forty-Four" and "Forty 4" alike are 44
                out.append((str(value + unit), 2))
                index += 2
                continue
            out.append((str(value), 1))
            index += 1
            continue
        numeral = roman(text)
        out.append((str(numeral), 1) if numeral else (text, 1))
        index += 1
    return out
