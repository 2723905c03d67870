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

Identifiers come from the matcher's index (`index.identifiers`), so this module
adds no list data of its own.
"""

from __future__ import annotations

import re
import weakref
from collections.abc import Iterable
from dataclasses import dataclass

from ..match.index import Index
from ..match.query import normalize_identifier

BIC_RE = re.compile(r"[A-Z]{4}[A-Z]{2}[A-Z0-9]{2}(?:[A-Z0-9]{3})?")
IBAN_RE = re.compile(r"[A-Z]{2}[0-9]{2}[A-Z0-9]{10,30}")
IMO_RE = re.compile(r"\bIMO[\s:.#-]*([0-9]{7})\b", re.IGNORECASE)
HEAD_OFFICE = "XXX"

_bic_tables: dict[int, tuple[weakref.ref, dict[str, list[tuple[int, str]]]]] = {}


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
    entity_index: int
    listed: str
    severity: str  # "hit" or "review"
    how: str


def _bic_table(index: Index) -> dict[str, list[tuple[int, str]]]:
    """BIC8 → [(entity index, listed BIC)], built once per index."""
    cached = _bic_tables.get(id(index))
    if cached is not None and cached[0]() is index:
        return cached[1]
    table: dict[str, list[tuple[int, str]]] = {}
    for value, postings in index.identifiers.items():
        for entity_index, kind in postings:
            if kind == "bic" and BIC_RE.fullmatch(value):
                table.setdefault(value[:8], []).append((entity_index, value))
    _bic_tables[id(index)] = (weakref.ref(index), table)
    return table


def match_bic(index: Index, bic: str, datasets: Iterable[str] | None = None) -> list[BicMatch]:
    """Listed institutions behind a BIC, by the equivalence rules above."""
    scope = set(datasets) if datasets else None
    branch = bic[8:] or HEAD_OFFICE
    found: dict[int, BicMatch] = {}
    for entity_index, listed in _bic_table(index).get(bic[:8], ()):
        if scope is not None and index.facts[entity_index].dataset not in scope:
            continue
        listed_branch = listed[8:] or HEAD_OFFICE
        if listed_branch == branch:
            how = "same BIC" if listed == bic else f"{bic} and {listed} are the same institution (8 and 11 characters)"
            match = BicMatch(entity_index, listed, "hit", how)
        elif listed_branch == HEAD_OFFICE:
            match = BicMatch(entity_index, listed, "hit", f"{bic} is a branch of listed {listed}")
        else:
            match = BicMatch(entity_index, listed, "review", f"only branch {listed} of {bic[:8]} is listed")
        current = found.get(entity_index)
        if current is None or (current.severity == "review" and match.severity == "hit"):
            found[entity_index] = match
    return sorted(found.values(), key=lambda m: (m.severity != "hit", index.facts[m.entity_index].id))


def match_exact(index: Index, value: str, id_type: str, datasets: Iterable[str] | None = None) -> list[tuple[int, str]]:
    """Entities listing exactly this identifier with this type (IMO, tail number...)."""
    scope = set(datasets) if datasets else None
    normalized = normalize_identifier(value)
    hits = []
    for entity_index, kind in index.identifiers.get(normalized, ()):
        if kind == id_type and (scope is None or index.facts[entity_index].dataset in scope):
            hits.append((entity_index, normalized))
    return sorted(set(hits), key=lambda item: index.facts[item[0]].id)
