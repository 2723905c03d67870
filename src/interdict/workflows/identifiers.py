"""Strong identifiers in documents: BICs (with 8/11-character equivalence), IBANs, IMO and tail numbers.

A BIC names an institution (`BKBPIRTH`, 8 characters) or one of its branches
(`BKBPIRTH` + branch code, 11 characters; `XXX` is the head office). Lists
mostly give the 8-character form, payments mostly carry 11, so a plain string
comparison misses most listed banks. The rules here:

    document      list          finding
    BKBPIRTHXXX   BKBPIRTH      hit: same institution (XXX is the head office)
    BKBPIRTH123   BKBPIRTH      hit: a branch of the listed institution
    BKBPIRTH      BKBPIRTH123   review: only that branch is listed
    BKBPIRTH456   BKBPIRTH123   review: another branch of the same institution

Identifiers come from the matcher (`Screener.find_identifier`,
`Screener.find_institution_bics`), so this module adds no list data of its own:
it holds the rules, the matcher the lookup.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from ..match.lookup import BIC_SHAPE, IdentifierMatch
from ..match.screener import Screener
from ..model import IdentifierType

BIC_RE = BIC_SHAPE
IBAN_RE = re.compile(r"[A-Z]{2}[0-9]{2}[A-Z0-9]{10,30}")
IMO_RE = re.compile(r"\bIMO[\s:.#-]*([0-9]{7})\b", re.IGNORECASE)
HEAD_OFFICE = "XXX"

def clean_bic(value: str | None) -> str | None:
    """The BIC in canonical form, or None when the text is not shaped like one."""
    if not value:
        return None
    text = re.sub(r"[\s-]", "", value).upper()
    return text if BIC_RE.fullmatch(text) else None


def bic_country(bic: str) -> str:
    return bic[4:6].lower()


def iban_country(value: str | None) -> str | None:
    """Country of a valid IBAN (mod-97 checked, so account numbers that merely start with letters do not count)."""
    if not value:
        return None
    text = re.sub(r"[\s-]", "", value).upper().lstrip("/")
    if not IBAN_RE.fullmatch(text):
        return None
    rearranged = text[4:] + text[:4]
    digits = "".join(str(int(ch, 36)) for ch in rearranged)
    return text[:2].lower() if int(digits) % 97 == 1 else None


@dataclass(frozen=True)
class BicMatch:
    entity_id: str
    listed: str
    severity: str  # "hit" or "review"
    how: str


def match_bic(screener: Screener, bic: str, datasets: Iterable[str] | None = None) -> list[BicMatch]:
    """Listed institutions behind a BIC, by the equivalence rules above."""
    branch = bic[8:] or HEAD_OFFICE
    found: dict[str, BicMatch] = {}
    for listed_bic in screener.find_institution_bics(bic, datasets):
        listed = listed_bic.value
        listed_branch = listed[8:] or HEAD_OFFICE
        if listed_branch == branch:
            how = "same BIC" if listed == bic else f"{bic} and {listed} are the same institution (8 and 11 characters)"
            match = BicMatch(listed_bic.entity_id, listed, "hit", how)
        elif listed_branch == HEAD_OFFICE:
            match = BicMatch(listed_bic.entity_id, listed, "hit", f"{bic} is a branch of listed {listed}")
        else:
            match = BicMatch(listed_bic.entity_id, listed, "review", f"only branch {listed} of {bic[:8]} is listed")
        current = found.get(match.entity_id)
        if current is None or (current.severity == "review" and match.severity == "hit"):
            found[match.entity_id] = match
    return sorted(found.values(), key=lambda m: (m.severity != "hit", m.entity_id))


def match_exact(screener: Screener, value: str, id_type: IdentifierType, datasets: Iterable[str] | None = None) -> list[IdentifierMatch]:
    """Entries listing exactly this identifier with this type (IMO, tail number...), sorted by entry id."""
    return screener.find_identifier(value, [id_type], datasets)
