"""The evidence behind a hit, as data: what moved the score, by how much, and why.

Two people can share a name; they rarely share a name and a birth year, and
never a passport. Each rule here returns a `Contribution`: the feature, the
query's value and the list's, the effect on the score, and a sentence for the
analyst. A hit carries its contributions; its text explanation is rendered from
them (`explain.py`), and every front-end (yente's `explanations`, document
findings, the gap report) reads the structure, never the text.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from ..countries import name_of
from ..model import IdentifierType, PartialDate, Schema
from .index import EntityFacts
from .lookup import IdentifierMatch
from .settings import SETTINGS as S


class Feature(StrEnum):
    """What a contribution is about; the keys of yente's `explanations`."""

    NAME = "name"
    IDENTIFIER = "identifier"
    BIRTH_DATE = "birth_date"
    NATIONALITY = "nationality"
    COUNTRY = "country"


# Identifiers assigned once for the life of the thing they name: a vessel keeps its
# IMO number through every renaming, an airframe its serial number. An exact match
# decides even when the names differ. Every other identifier (passports are reissued
# and numbers reused across countries, tail numbers and MMSIs are reassigned) decides
# only with a compatible name.
DECIDES_WITHOUT_NAME = frozenset({IdentifierType.IMO, IdentifierType.MSN, IdentifierType.LEI, IdentifierType.CRYPTO_WALLET})
# Identifiers whose numbers are unique only within the issuing country.
COUNTRY_SCOPED = frozenset({IdentifierType.PASSPORT, IdentifierType.NATIONAL_ID, IdentifierType.TAX_ID})


@dataclass(frozen=True, slots=True)
class Contribution:
    """One piece of evidence and its effect on a hit's score.

    `effect` is the name score for the name, the adjustment for birth date,
    nationality and country, and for an identifier the score it sets when it
    decides (0 when it does not). `identifier` is the listed identifier that
    matched, if any; `decisive` whether it decided the hit.
    """

    feature: Feature
    effect: float
    detail: str
    query_value: str | None = None
    list_value: str | None = None
    identifier: IdentifierMatch | None = None
    decisive: bool = False


def birth_evidence(dates: list[PartialDate], facts: EntityFacts) -> Contribution | None:
    if not dates or not facts.birth_years or facts.schema not in (Schema.PERSON, Schema.LEGAL_ENTITY):
        return None
    listed = ", ".join(str(year) for year in sorted(facts.birth_years)[:4]) + ("…" if len(facts.birth_years) > 4 else "")
    for date in dates:
        if date.start and len(date.start) == 10 and date.start in facts.birth_dates:
            return Contribution(Feature.BIRTH_DATE, S.birth_exact, f"birth date {date.start} = list", date.start, date.start)
    slack = 2 if facts.circa else 1
    for date in dates:
        span = date.years()
        if span is not None and any(year in facts.birth_years for year in span):
            return Contribution(Feature.BIRTH_DATE, S.birth_year, f"birth year {span[0]} = list ({listed})", date.start, listed)
    for date in dates:
        span = date.years()
        if span is not None and any(abs(year - listed_year) <= slack for year in span for listed_year in facts.birth_years):
            detail = f"birth year {span[0]} within {slack} of list ({listed})"
            return Contribution(Feature.BIRTH_DATE, S.birth_year / 2, detail, date.start, listed)
    first = dates[0].years()
    shown = str(first[0]) if first else dates[0].start
    return Contribution(Feature.BIRTH_DATE, S.birth_conflict, f"birth year {shown} ≠ list ({listed})", dates[0].start, listed)


def nationality_evidence(codes: list[str], facts: EntityFacts) -> Contribution | None:
    if not codes or not facts.nationalities:
        return None
    shared = sorted(set(codes) & facts.nationalities)
    if shared:
        return Contribution(Feature.NATIONALITY, S.nationality_match, f"nationality {name_of(shared[0])} = list", shared[0], shared[0])
    listed = ", ".join(name_of(code) or code for code in sorted(facts.nationalities))
    detail = f"nationality {name_of(codes[0])} ≠ list ({listed})"
    return Contribution(Feature.NATIONALITY, S.nationality_conflict, detail, codes[0], ", ".join(sorted(facts.nationalities)))


def country_evidence(codes: list[str], facts: EntityFacts) -> Contribution | None:
    if not codes:
        return None
    shared = sorted(set(codes) & (facts.countries | facts.nationalities))
    if shared:
        return Contribution(Feature.COUNTRY, S.country_match, f"country {name_of(shared[0])} = list", shared[0], shared[0])
    return None


def secondary_evidence(
    birth_dates: list[PartialDate], nationalities: list[str], countries: list[str], facts: EntityFacts
) -> list[Contribution]:
    """Birth date, nationality and country evidence for one entry, in that order."""
    found = (birth_evidence(birth_dates, facts), nationality_evidence(nationalities, facts), country_evidence(countries, facts))
    return [item for item in found if item is not None]


def identifier_evidence(
    match: IdentifierMatch,
    named: bool,
    name_score: float,
    secondary: Iterable[Contribution],
    query_countries: Iterable[str],
) -> Contribution:
    """Whether an exact identifier decides the hit, or only asks for review, and why.

    It decides when nothing contradicts it: the query's name is compatible
    (or it gave none), no birth date disagrees, and for passports and national
    ids the issuing country the list gives is among the query's countries (or
    either side gives none). Identifiers that stay with a thing for life (IMO,
    serial numbers) decide whatever the name.
    """
    label = f"{match.type.value.replace('_', ' ')} {match.value}"
    conflicts: list[str] = []
    if named and name_score < S.identifier_name_min and match.type not in DECIDES_WITHOUT_NAME:
        conflicts.append("the names are not similar")
    if any(item.feature == Feature.BIRTH_DATE and item.effect < 0 for item in secondary):
        conflicts.append("the birth date disagrees")
    countries = set(query_countries)
    if match.type in COUNTRY_SCOPED and match.country and countries and match.country not in countries:
        conflicts.append(f"the list gives it as issued by {name_of(match.country) or match.country.upper()}")
    if conflicts:
        detail = f"{label} = list, but {' and '.join(conflicts)}: a review, not a match (identifiers are reused and mistyped)"
        return Contribution(Feature.IDENTIFIER, 0.0, detail, match.value, match.value, match, decisive=False)
    return Contribution(Feature.IDENTIFIER, S.identifier_score, f"{label} = list (decisive)", match.value, match.value, match, decisive=True)
