"""What a parser hands to the screening engine: the things in a document worth checking.

Parsers (ISO 20022, SWIFT MT, PAXLST, APIS CSV, shipment records) know their
format and nothing about the lists; the engine (checks.py) knows the lists and
nothing about formats. This module is the contract between them. Keeping
parsing pure also lets the CLI reject a malformed file before the name index
loads, and lets the fuzz tests run parsers without any list at all.

Every item carries `field`: the place in the document a finding will name.
"""

from __future__ import annotations

from dataclasses import dataclass, field

ORIGIN, DESTINATION, COUNTRY = "origin", "destination", "country"


@dataclass(frozen=True)
class Party:
    """Someone or something named in the document: screened by name and secondary data."""

    field: str
    name: str
    schema: str = "LegalEntity"  # Person, Organization, LegalEntity, Vessel, Airplane
    role: str = ""  # "creditor", "passenger 3", "vessel"...
    birth_date: str | None = None  # YYYY, YYYY-MM or YYYY-MM-DD
    nationalities: tuple[str, ...] = ()  # ISO2 codes
    countries: tuple[str, ...] = ()  # ISO2 codes (address, residence, registration)
    documents: tuple[str, ...] = ()  # passport / national id numbers: decisive when listed
    family_name: str | None = None  # set for travellers: enables the possible-relative check


@dataclass(frozen=True)
class Identifier:
    """A strong identifier checked against the lists on its own: BIC, IMO, tail number."""

    field: str
    value: str
    type: str  # bic, imo, tail_number


@dataclass(frozen=True)
class Country:
    """A country given as a code or a name (address country, IBAN/BIC country, flag)."""

    field: str
    value: str
    direction: str = COUNTRY
    source: str = "country"  # how we know: "country", "IBAN", "BIC", "UN/LOCODE", "flag"...


@dataclass(frozen=True)
class Location:
    """Free address or port text that may name an embargoed country, region or city."""

    field: str
    text: str
    direction: str = COUNTRY


@dataclass(frozen=True)
class FreeText:
    """Unstructured text (remittance information, goods description) where names hide."""

    field: str
    text: str


Item = Party | Identifier | Country | Location | FreeText


@dataclass
class ParsedDocument:
    format: str  # "pacs.008.001.08", "MT103", "PAXLST", "APIS CSV", "shipment JSON"...
    reference: str | None
    items: list[Item] = field(default_factory=list)

    def add(self, item: Item) -> None:
        self.items.append(item)
