"""Exact lookups in the index: identifiers, a bank's BICs, the holders of a family name.

These are the halves of the document checks and the relatives check that need
the index's tables; what the checks decide from the results (a BIC branch is a
hit or a review, a shared surname is a "possible relative") stays with them.
Results name entries by id and position, never by the index's raw rows.
"""

from __future__ import annotations

import re
import weakref
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from ..model import IdentifierType, Schema
from ..text.names import Token
from .index import EntityFacts, Index
from .query import normalize_identifier

BIC_SHAPE = re.compile(r"[A-Z]{4}[A-Z]{2}[A-Z0-9]{2}(?:[A-Z0-9]{3})?")


@dataclass(frozen=True, slots=True)
class IdentifierMatch:
    """A list entry that carries an identifier exactly (after normalisation)."""

    position: int
    entity_id: str
    dataset: str
    value: str  # as normalised in the index
    type: IdentifierType
    country: str  # issuing country the list gives (ISO alpha-2, lower case), or ""


def _in_scope(facts: EntityFacts, scope: set[str] | None) -> bool:
    return scope is None or facts.dataset in scope


def find_identifier(
    index: Index, value: str, types: Iterable[IdentifierType] | None = None, datasets: Iterable[str] | None = None
) -> list[IdentifierMatch]:
    """Entries listing exactly this identifier (any of `types`, default any), sorted by entity id."""
    scope = set(datasets) if datasets is not None else None
    wanted = set(types) if types is not None else None
    normalized = normalize_identifier(value)
    found: dict[tuple[int, IdentifierType], IdentifierMatch] = {}
    for position, kind, country in index.identifier_postings(normalized):
        facts = index.facts_at(position)
        if (wanted is None or kind in wanted) and _in_scope(facts, scope):
            found.setdefault((position, kind), IdentifierMatch(position, facts.id, facts.dataset, normalized, kind, country))
    return sorted(found.values(), key=lambda match: (match.entity_id, match.type))


_bic_tables: dict[int, tuple[weakref.ref[Index], dict[str, list[tuple[int, str]]]]] = {}


def _bic_table(index: Index) -> dict[str, list[tuple[int, str]]]:
    """Institution code (first 8 characters) → [(position, listed BIC)], built once per index."""
    cached = _bic_tables.get(id(index))
    if cached is not None and cached[0]() is index:
        return cached[1]
    table: dict[str, list[tuple[int, str]]] = {}
    for value, postings in index.identifier_items():
        for position, kind, _ in postings:
            if kind == IdentifierType.BIC and BIC_SHAPE.fullmatch(value):
                table.setdefault(value[:8], []).append((position, value))
    _bic_tables[id(index)] = (weakref.ref(index), table)
    return table


def find_institution_bics(index: Index, bic: str, datasets: Iterable[str] | None = None) -> list[IdentifierMatch]:
    """Every listed BIC of the institution `bic` belongs to (same first 8 characters), any branch."""
    scope = set(datasets) if datasets is not None else None
    found = []
    for position, listed in _bic_table(index).get(bic[:8], ()):
        facts = index.facts_at(position)
        if _in_scope(facts, scope):
            found.append(IdentifierMatch(position, facts.id, facts.dataset, listed, IdentifierType.BIC, ""))
    return sorted(found, key=lambda match: (match.entity_id, match.value))


@dataclass(frozen=True, slots=True)
class NameHolder:
    """A list entry holding a name with a given token's skeleton: the listed name and the entry's facts."""

    position: int
    facts: EntityFacts
    name: str
    name_id: int


def holders_of_token(
    index: Index, token: Token, schema: Schema | None = None, datasets: Iterable[str] | None = None, max_names: int = 5000
) -> Iterator[NameHolder]:
    """Names holding `token`'s skeleton, with their entries, in index order (an entry once per such name).

    A skeleton held by more than `max_names` names is too common to scan and
    yields nothing: callers use this for rare words only.
    """
    postings = index.key_postings(token.skel)
    if postings is None or len(postings) > max_names:
        return
    scope = set(datasets) if datasets is not None else None
    for name_id in postings.tolist():
        position = int(index.name_entity[name_id])
        facts = index.facts_at(position)
        if (schema is None or facts.schema == schema) and _in_scope(facts, scope):
            yield NameHolder(position, facts, index.name_text[name_id], name_id)
