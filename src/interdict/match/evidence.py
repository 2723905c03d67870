"""Secondary data that confirms or rules out a name match.

Two people can share a name; they rarely share a name and a birth year, and
never a passport. Each rule returns a score adjustment and a sentence for the
explanation, so an analyst sees why a close call went one way.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..countries import name_of
from ..model import PartialDate
from .index import EntityFacts

BIRTH_EXACT = 0.08
BIRTH_YEAR = 0.05
BIRTH_CONFLICT = -0.22
NATIONALITY_MATCH = 0.03
NATIONALITY_CONFLICT = -0.08
COUNTRY_MATCH = 0.02
IDENTIFIER_SCORE = 0.99

# Which list schemas a query schema may match. LegalEntity is FtM's parent of
# people and organisations, and lists (trade.gov CSL) use it for untyped rows.
COMPATIBLE = {
    "Person": frozenset({"Person", "LegalEntity"}),
    "Organization": frozenset({"Organization", "Company", "LegalEntity"}),
    "Company": frozenset({"Organization", "Company", "LegalEntity"}),
    "LegalEntity": frozenset({"Person", "Organization", "Company", "LegalEntity"}),
    "Vessel": frozenset({"Vessel"}),
    "Airplane": frozenset({"Airplane"}),
}


@dataclass(frozen=True)
class Evidence:
    feature: str
    adjustment: float
    detail: str


def compatible(query_schema: str | None, entity_schema: str) -> bool:
    return query_schema is None or entity_schema in COMPATIBLE.get(query_schema, frozenset({entity_schema}))


def birth_evidence(dates: list[PartialDate], facts: EntityFacts) -> Evidence | None:
    if not dates or not facts.birth_years:
        return None
    listed = ", ".join(str(year) for year in sorted(facts.birth_years)[:4]) + ("…" if len(facts.birth_years) > 4 else "")
    for date in dates:
        if date.start and len(date.start) == 10 and date.start in facts.birth_dates:
            return Evidence("birth_date", BIRTH_EXACT, f"birth date {date.start} = list")
    slack = 2 if facts.circa else 1
    for date in dates:
        span = date.years()
        if span is None:
            continue
        if any(year in facts.birth_years for year in span):
            return Evidence("birth_date", BIRTH_YEAR, f"birth year {span[0]} = list ({listed})")
    for date in dates:
        span = date.years()
        if span is None:
            continue
        if any(abs(year - listed_year) <= slack for year in span for listed_year in facts.birth_years):
            return Evidence("birth_date", BIRTH_YEAR / 2, f"birth year {span[0]} within {slack} of list ({listed})")
    first = dates[0].years()
    shown = first[0] if first else dates[0].start
    return Evidence("birth_date", BIRTH_CONFLICT, f"birth year {shown} ≠ list ({listed})")


def nationality_evidence(codes: list[str], facts: EntityFacts) -> Evidence | None:
    if not codes or not facts.nationalities:
        return None
    shared = sorted(set(codes) & facts.nationalities)
    if shared:
        return Evidence("nationality", NATIONALITY_MATCH, f"nationality {name_of(shared[0])} = list")
    listed = ", ".join(name_of(code) or code for code in sorted(facts.nationalities))
    return Evidence("nationality", NATIONALITY_CONFLICT, f"nationality {name_of(codes[0])} ≠ list ({listed})")


def country_evidence(codes: list[str], facts: EntityFacts) -> Evidence | None:
    if not codes:
        return None
    shared = sorted(set(codes) & (facts.countries | facts.nationalities))
    if shared:
        return Evidence("country", COUNTRY_MATCH, f"country {name_of(shared[0])} = list")
    return None
