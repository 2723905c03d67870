"""Relations written in list remarks: "Wife of Boris Rotenberg", "Son of Jalaluddin Haqqani (TAi.040)".

The phrases are data (`data/remark_phrases.toml`). They are read when the
graph is built, not by the parsers, so every stored snapshot gains them
without being loaded again, and one table serves every list that writes them.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources

from .edges import EdgeKind

# A name as remarks write it: capitalised words (or numbers: "Office 39"), with lower-case particles inside.
_WORD = r"(?:[A-Z0-9\u00C0-\u024F][\w'’\-]*)"  # no full stop: it ends the sentence more often than an abbreviation
_PARTICLE = r"(?:al|al-|bin|ibn|bint|de|del|da|dos|el|van|von|der|of|the|y|and|&)"
_NAME = rf"{_WORD}(?:(?:\s+{_PARTICLE})*\s+{_WORD})*"  # particles only between capitalised words
# UN references: QDi.277, TAi.040, KPe.035
REFERENCE = re.compile(r"\(([A-Z]{2}[ie]\.\d{3})\.?\)")


@dataclass(frozen=True)
class Stated:
    kind: EdgeKind
    label: str  # the remark's own word: "wife", "owned and controlled by"
    target: str | None  # the name as written
    reference: str | None  # a UN reference in brackets after it


@dataclass(frozen=True)
class _Phrase:
    pattern: re.Pattern[str]
    kind: EdgeKind


@cache
def _table() -> tuple[tuple[_Phrase, ...], frozenset[str]]:
    text = resources.files("interdict.relations").joinpath("data/remark_phrases.toml").read_text(encoding="utf-8")
    data = tomllib.loads(text)
    phrases = []
    for row in data["phrase"]:
        words = sorted(row["words"], key=len, reverse=True)
        joined = "|".join(re.escape(word).replace(r"\ ", r"\s+") for word in words)
        suffix = "" if row.get("direct") else r"\s+(?i:of)"
        # only the phrase ignores case: the name after it must be capitalised
        pattern = re.compile(rf"\b((?i:{joined})){suffix}\s*,?\s+(?:(?i:the)\s+)?({_NAME})?")
        phrases.append(_Phrase(pattern, EdgeKind(row["kind"])))
    stops = frozenset(word.casefold() for word in data["stop"]["targets"])
    return tuple(phrases), stops


def stated_relations(remark: str) -> list[Stated]:
    """Relations a remark states, each with what it named (a name, a UN reference, or both)."""
    phrases, stops = _table()
    found: list[Stated] = []
    taken: list[tuple[int, int]] = []  # "owned and controlled by" is not also "controlled by"
    for phrase in phrases:
        for match in phrase.pattern.finditer(remark):
            if any(start <= match.start(1) < end for start, end in taken):
                continue
            taken.append((match.start(1), match.end(1)))
            label = " ".join(match.group(1).lower().split())
            target = (match.group(2) or "").strip(" .,;")
            first = target.split(" ")[0].casefold() if target else ""
            if first in stops or target.casefold() in stops or len(target) < 3:
                target = ""
            # "son of LRA leader Joseph Kony (CFi.009)": a reference later in the same sentence names the target
            tail = re.split(r"\.\s|;", remark[match.end() : match.end() + 80], maxsplit=1)[0]
            reference = REFERENCE.search(tail)
            ref = reference.group(1) if reference else None
            if not target and not ref:
                continue
            found.append(Stated(phrase.kind, label, target or None, ref))
    return found
