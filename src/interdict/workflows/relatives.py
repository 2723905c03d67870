"""Travel bans and family: is this traveller possibly a close relative of a designated person?

Designations often cover family members by description ("immediate family
members of ..."), and families travel together; a border or an airline wants to
look twice at "Maria DERIPASKA, Russian, born 1995". The evidence, all of which
must hold:

1. **A rare shared family name.** The traveller's family-name token appears in
   the family name of a designated person (same skeleton, near-identical
   spelling) and is rare on the lists: the matcher's rarity weight
   (`index.token_weight`) is at least RARE_SURNAME. List rarity alone would let
   through names common in a population but rare on the lists (Smirnov, Müller),
   so data/common_surnames.toml removes those for the traveller's nationality.
2. **The same nationality** (nationality or citizenship on the list).
3. **A plausible age gap**: the birth years are at most MAX_AGE_GAP apart
   (parents, children, siblings, spouses). Without both birth years there is no
   age evidence, and no finding.

A finding is a "possible relative": a review, never a hit, and it names the
designated person so the reviewer can compare.

The family name of a list entry is read from how the list writes it: the part
before the comma ("ROTENBERG, Arkady"), else the upper-case words among mixed
case ("Arkady ROTENBERG"), else the last word.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from rapidfuzz.distance import JaroWinkler

from ..errors import InputError
from ..match.screener import Screener
from ..model import Schema
from ..text.names import Token, analyze_name

RARE_SURNAME = 0.40
MAX_AGE_GAP = 45
MAX_FINDINGS = 5
SPELLING_SIMILARITY = 0.88
MAX_CANDIDATE_NAMES = 5000  # a skeleton held by more names than this is not rare anyway


@dataclass(frozen=True)
class Relative:
    entity_id: str
    caption: str
    dataset: str
    shared: str  # the family name as the list writes it
    weight: float
    gap: int
    listed_years: tuple[int, ...]
    nationality: str


@lru_cache(maxsize=1)
def common_surnames() -> dict[str, frozenset[str]]:
    text = resources.files(__package__).joinpath("data", "common_surnames.toml").read_text(encoding="utf-8")
    table = tomllib.loads(text)
    result: dict[str, frozenset[str]] = {}
    for key, values in table.items():
        if key != "any" and not re.fullmatch(r"[a-z]{2}", key):
            raise InputError(f"common_surnames.toml: key {key!r} is not 'any' or an ISO alpha-2 code.")
        if not isinstance(values, list) or not all(isinstance(v, str) and v for v in values):
            raise InputError(f"common_surnames.toml: '{key}' must be a list of names.")
        result[key] = frozenset(token.text for value in values for token in analyze_name(value, Schema.PERSON).tokens)
    return result


def is_common(token_text: str, nationalities: Iterable[str]) -> bool:
    table = common_surnames()
    return token_text in table.get("any", frozenset()) or any(
        token_text in table.get(code, frozenset()) for code in nationalities
    )


def listed_family_name(text: str) -> str:
    """The family-name part of a list name, from the list's own writing conventions."""
    if "," in text:
        return text.split(",", 1)[0]
    words = text.split()
    upper = [word for word in words if word.isupper() and len(word) > 1]
    if upper and len(upper) < len(words):
        return " ".join(upper)
    return words[-1] if words else text


def _same_name(token: Token, other: Token) -> bool:
    return token.skel == other.skel and JaroWinkler.normalized_similarity(token.text, other.text) >= SPELLING_SIMILARITY


def find_relatives(
    screener: Screener,
    family_name: str,
    birth_year: int | None,
    nationalities: Iterable[str],
    exclude_ids: Iterable[str] = (),
    datasets: Iterable[str] | None = None,
) -> list[Relative]:
    """Designated people who may be close relatives of the traveller, closest in age first."""
    codes = set(nationalities)
    if birth_year is None or not codes:
        return []
    excluded = set(exclude_ids)
    found: dict[str, Relative] = {}
    for token in analyze_name(family_name, Schema.PERSON).tokens:
        if token.initial or token.number or len(token.text) < 3 or is_common(token.text, codes):
            continue
        weight = screener.token_weight(token)
        if weight < RARE_SURNAME:
            continue
        for holder in screener.holders_of_token(token, Schema.PERSON, datasets, MAX_CANDIDATE_NAMES):
            facts = holder.facts
            if facts.id in found or facts.id in excluded:
                continue
            shared_codes = codes & facts.nationalities
            if not shared_codes or not facts.birth_years:
                continue
            gap = min(abs(birth_year - year) for year in facts.birth_years)
            if gap > MAX_AGE_GAP:
                continue
            listed_tokens = analyze_name(listed_family_name(holder.name), Schema.PERSON).tokens
            match = next((other for other in listed_tokens if _same_name(token, other)), None)
            if match is None:
                continue
            found[facts.id] = Relative(
                entity_id=facts.id,
                caption=facts.caption,
                dataset=facts.dataset,
                shared=match.original or match.text,
                weight=weight,
                gap=gap,
                listed_years=tuple(sorted(facts.birth_years)),
                nationality=min(shared_codes),
            )
    ranked = sorted(found.values(), key=lambda rel: (rel.gap, rel.entity_id))
    return ranked[:MAX_FINDINGS]
