"""UK Sanctions List (FCDO) as five normalised tables keyed by `unique_id`.

This is a third party's normalisation of the official list (the bundled
snapshot; the official XML is read by `uk_fcdo_xml`, which shares the UK rules
defined here so both formats give the same facts):

- subjects: one row per designation (individual / entity / ship), the UN
  reference for UN-derived listings and the designation date;
- names: Name1..Name5 are given and middle names in order, Name6 the family
  name -- or the whole name for entities, ships and unsplit aliases;
- dobs, identifiers, countries: one row per fact, often repeated many times
  over (the normalisation joined facts against each other), so every fact is
  de-duplicated on the way in.

The dobs table attaches many birth dates to the wrong designation: for 864 of
the 1,095 subjects the UK shares with other lists its dates contradict all the
others' (Bozizé, born 1946 everywhere else, is 1967 here). They are kept and
shown, with a caveat, but the matcher does not use them; the official XML has
no such problem.

The regime is the `unique_id` prefix (IRN0123 -> IRN); `programs` keeps that
code next to the regulations' title, which is what the official XML publishes
as RegimeName.
"""

from __future__ import annotations

import re

from ..countries import to_code
from ..errors import FormatError
from ..model import (
    BIRTH_DATE_CAVEAT,
    Address,
    Entity,
    IdentifierType,
    NameKind,
    PartialDate,
    Relation,
    RelationType,
    Schema,
    clean_text,
)
from .base import ParseResult, decode_text, entity_id, read_csv_rows, require_columns
from .dates import iso_date

REQUIRED_ROLES = ("subjects", "names")
DOBS_CAVEAT = "birth dates from a third-party table that often attaches them to the wrong entry: not used for matching"

# unique_id prefix -> the regulations the designation is made under.
UK_REGIMES = {
    "AFG": "The Afghanistan (Sanctions) (EU Exit) Regulations 2020",
    "AQD": "The ISIL (Da'esh) and Al-Qaida (United Nations Sanctions) (EU Exit) Regulations 2019",
    "BEL": "The Republic of Belarus (Sanctions) (EU Exit) Regulations 2019",
    "BIH": "The Bosnia and Herzegovina (Sanctions) (EU Exit) Regulations 2020",
    "CAF": "The Central African Republic (Sanctions) (EU Exit) Regulations 2020",
    "CHW": "The Chemical Weapons (Sanctions) (EU Exit) Regulations 2019",
    "CTD": "The Counter-Terrorism (Sanctions) (EU Exit) Regulations 2019",
    "CTI": "The Counter-Terrorism (International Sanctions) (EU Exit) Regulations 2019",
    "CYB": "The Cyber (Sanctions) (EU Exit) Regulations 2020",
    "DPR": "The Democratic People's Republic of Korea (Sanctions) (EU Exit) Regulations 2019",
    "DRC": "The Democratic Republic of the Congo (Sanctions) (EU Exit) Regulations 2019",
    "GAC": "The Global Anti-Corruption Sanctions Regulations 2021",
    "GHR": "The Global Human Rights Sanctions Regulations 2020",
    "GIM": "The Global Irregular Migration and Trafficking in Persons Sanctions Regulations 2025",
    "GUB": "The Republic of Guinea-Bissau (Sanctions) (EU Exit) Regulations 2019",
    "GUC": "The Guinea (Sanctions) (EU Exit) Regulations 2019",
    "HAI": "The Haiti (Sanctions) Regulations 2022",
    "INU": "The Iran (Sanctions) (Nuclear) (EU Exit) Regulations 2019",
    "IRN": "The Iran (Sanctions) Regulations 2023",
    "IRQ": "The Iraq (Sanctions) (EU Exit) Regulations 2020",
    "LIB": "The Libya (Sanctions) (EU Exit) Regulations 2020",
    "MAL": "The Mali (Sanctions) (EU Exit) Regulations 2020",
    "MYA": "The Myanmar (Sanctions) Regulations 2021",
    "NIC": "The Nicaragua (Sanctions) (EU Exit) Regulations 2020",
    "RUS": "The Russia (Sanctions) (EU Exit) Regulations 2019",
    "SOM": "The Somalia (Sanctions) (EU Exit) Regulations 2020",
    "SSU": "The South Sudan (Sanctions) (EU Exit) Regulations 2019",
    "SUD": "The Sudan (Sanctions) (EU Exit) Regulations 2020",
    "SYR": "The Syria (Sanctions) (EU Exit) Regulations 2019",
    "VEN": "The Venezuela (Sanctions) (EU Exit) Regulations 2019",
    "YEM": "The Yemen (Sanctions) (EU Exit) Regulations 2020",
}

# subject type (IndividualEntityShip in the XML) -> schema; an unknown type is LegalEntity.
SCHEMA_WORDS: dict[str, Schema] = {"individual": Schema.PERSON, "entity": Schema.ORGANIZATION, "ship": Schema.VESSEL}

# Name types and alias strengths, case-folded and with separators collapsed:
# the official XML writes "Primary Name Variation", the tables "primary_variation".
# An unknown name type is an alias.
NAME_KIND_WORDS: dict[str, NameKind] = {
    "primary name": NameKind.PRIMARY,
    "primary": NameKind.PRIMARY,
    "primary name variation": NameKind.ALIAS,
    "primary variation": NameKind.ALIAS,
    "alias": NameKind.ALIAS,
}
WEAK_STRENGTHS = {"low quality a.k.a", "low quality aka", "low quality a.k.a."}

# identifiers table identifier_type -> identifier type; any other is "other".
IDENTIFIER_TYPE_WORDS: dict[str, IdentifierType] = {
    "passport": IdentifierType.PASSPORT,
    "national": IdentifierType.NATIONAL_ID,
    "business_registration_numbers": IdentifierType.REGISTRATION,
    "imo": IdentifierType.IMO,
}

_UN_REFERENCE = re.compile(r"^([A-Za-z]{2})([ieIE])\.?\s*(\d+)$")
_PLACEHOLDER_DATE = re.compile(r"^(\d{1,2}|dd)/(\d{1,2}|mm)/(\d{4})$", re.IGNORECASE)


# --- UK rules shared with uk_fcdo_xml ---------------------------------------


def regime_programs(unique_id: str, regime_name: str | None = None) -> list[str]:
    prefix = re.match(r"[A-Z]+", unique_id)
    code = prefix.group(0) if prefix else None
    return [value for value in (code, clean_text(regime_name) or UK_REGIMES.get(code or "")) if value]


def name_kind(name_type: str | None, strength: str | None) -> NameKind:
    key = " ".join((name_type or "").replace("_", " ").lower().split())
    kind = NAME_KIND_WORDS.get(key, NameKind.ALIAS)
    strength_key = " ".join((strength or "").replace("_", " ").lower().split())
    if kind != NameKind.PRIMARY and strength_key in WEAK_STRENGTHS:
        return NameKind.WEAK
    return kind


def add_uk_name(entity: Entity, full: str | None, kind: NameKind, parts: list[str | None], title: str | None = None) -> None:
    """Name1..Name5 given names in order, Name6 the family name (people only)."""
    given = [text for text in (clean_text(part) for part in parts[:5]) if text]
    family = clean_text(parts[5]) if len(parts) > 5 else None
    full = clean_text(full) or " ".join(given + ([family] if family else []))
    if entity.schema == Schema.PERSON and given:
        entity.add_name(full, kind, first=given[0], middle=" ".join(given[1:]) or None, last=family, title=title)
    else:
        entity.add_name(full, kind, title=title if entity.schema == Schema.PERSON else None)


def un_reference(value: str | None) -> str | None:
    """`QDE.123`, `IRI.045`, `QDi. 123` -> the UN's own spelling `QDe.123`."""
    text = clean_text(value)
    if not text:
        return None
    match = _UN_REFERENCE.match(text)
    if not match:
        return text
    return f"{match.group(1).upper()}{match.group(2).lower()}.{match.group(3)}"


def add_un_reference(entity: Entity, value: str | None) -> None:
    reference = un_reference(value)
    if not reference:
        return
    relation = Relation(type=RelationType.SAME_AS, target_name=reference, note="UN reference")
    if relation not in entity.relations:
        entity.relations.append(relation)
    entity.add_extra("unReference", reference)


def birth_date(year: str | None, month: str | None = None, day: str | None = None) -> PartialDate | None:
    """As precise as the list is: placeholders (dd/mm) and invalid parts drop out."""
    year, month, day = (clean_text(part) for part in (year, month, day))
    if not year or not year.isdigit():
        return None
    if month and month.isdigit() and day and day.isdigit():
        exact = iso_date(f"{year}-{int(month):02d}-{int(day):02d}")
        if exact and len(exact) == 10:
            return PartialDate(start=exact)
    if month and month.isdigit() and 1 <= int(month) <= 12:
        return PartialDate(start=f"{year}-{int(month):02d}")
    start = iso_date(year)
    return PartialDate(start=start) if start else None


def birth_date_text(text: str | None) -> PartialDate | None:
    """The official list writes `15/08/1965`, `dd/08/1958` or `dd/mm/1968`."""
    text = clean_text(text)
    if not text:
        return None
    match = _PLACEHOLDER_DATE.match(text)
    if match:
        return birth_date(match.group(3), match.group(2), match.group(1))
    year = re.search(r"\b(1[89]\d\d|20\d\d)\b", text)
    return PartialDate(start=year.group(1), text=text) if year else PartialDate(text=text)


def add_birth_date(entity: Entity, date: PartialDate | None) -> None:
    if date and date not in entity.birth_dates:
        entity.birth_dates.append(date)


def add_uk_identifier(entity: Entity, type_: IdentifierType, value: str | None, note: str | None = None) -> None:
    value = clean_text(value)
    if value and type_ == IdentifierType.IMO:
        value = re.sub(r"^IMO[\s:]*(?=\d)", "", value, flags=re.IGNORECASE)
    entity.add_identifier(type_, value, note=note)


def add_address_country(entity: Entity, name: str | None, code: str | None = None) -> None:
    name = clean_text(name)
    if not name:
        return
    address = Address(country=code or to_code(name), country_name=name)
    if address not in entity.addresses:
        entity.addresses.append(address)


# --- the tables --------------------------------------------------------------

_COLUMNS = {
    "subjects": {"unique_id", "subject_type", "un_reference_number", "date_designated"},
    "names": {"unique_id", "name_type", "alias_strength", "full_name", "name_1", "name_6"},
    "dobs": {"unique_id", "year", "month", "day"},
    "identifiers": {"unique_id", "raw_value", "identifier_type", "additional_info"},
    "countries": {"unique_id", "raw_value", "country_type"},
}


def _table(files: dict[str, bytes], role: str) -> list[dict[str, str]]:
    what = f"UK sanctions list table '{role}'"
    rows = read_csv_rows(decode_text(files[role], what), what)
    require_columns(rows, _COLUMNS[role], what)
    for number, row in enumerate(rows, start=1):
        if None in row.values() or None in row:
            raise FormatError(f"{what}: data row {number} does not have as many fields as the header (truncated file?).")
    return rows


def parse(files: dict[str, bytes], dataset: str) -> ParseResult:
    entities: dict[str, Entity] = {}
    unknown_types = 0
    for row in _table(files, "subjects"):
        unique_id = clean_text(row["unique_id"])
        if not unique_id or unique_id in entities:
            continue
        kind = (row["subject_type"] or "").strip().lower()
        unknown_types += kind not in SCHEMA_WORDS
        entity = Entity(
            id=entity_id(dataset, unique_id),
            dataset=dataset,
            source_id=unique_id,
            schema=SCHEMA_WORDS.get(kind, Schema.LEGAL_ENTITY),
        )
        entity.programs = regime_programs(unique_id)
        entity.add_unique("listed_on", iso_date(row["date_designated"]))
        if updated := iso_date(row.get("last_updated")):
            entity.add_extra("modifiedAt", updated)
        add_un_reference(entity, row["un_reference_number"])
        entities[unique_id] = entity
    if not entities:
        raise FormatError("UK sanctions list table 'subjects' lists no designations.")

    orphans: dict[str, int] = {}

    def owner(role: str, row: dict[str, str]) -> Entity | None:
        entity = entities.get((row["unique_id"] or "").strip())
        if entity is None:
            orphans[role] = orphans.get(role, 0) + 1
        return entity

    for row in _table(files, "names"):
        if subject := owner("names", row):
            parts = [row.get(f"name_{index}") for index in range(1, 7)]
            add_uk_name(subject, row["full_name"], name_kind(row["name_type"], row["alias_strength"]), parts)
    if "dobs" in files:
        for row in _table(files, "dobs"):
            if subject := owner("dobs", row):
                add_birth_date(subject, birth_date(row["year"], row["month"], row["day"]))
        for entity in entities.values():
            if entity.birth_dates:
                entity.add_extra(BIRTH_DATE_CAVEAT, DOBS_CAVEAT)
    if "identifiers" in files:
        for row in _table(files, "identifiers"):
            if subject := owner("identifiers", row):
                type_ = IDENTIFIER_TYPE_WORDS.get((row["identifier_type"] or "").strip().lower(), IdentifierType.OTHER)
                add_uk_identifier(subject, type_, row["raw_value"], row["additional_info"])
    if "countries" in files:
        for row in _table(files, "countries"):
            if subject := owner("countries", row):
                _country(subject, row)

    warnings = [f"skipped {count} {role} rows whose unique_id is not in subjects" for role, count in orphans.items()]
    if unknown_types:
        warnings.append(f"{unknown_types} subjects have an unknown subject_type; read as LegalEntity")
    nameless = sum(1 for entity in entities.values() if not entity.names)
    if nameless:
        warnings.append(f"{nameless} designations have no name in the names table")
    return ParseResult(entities=list(entities.values()), published=None, warnings=warnings)


def _country(entity: Entity, row: dict[str, str]) -> None:
    raw = clean_text(row["raw_value"])
    iso = (row.get("iso") or "").strip().lower() if (row.get("iso_available") or "True").strip().lower() == "true" else ""
    code = iso or to_code(raw)
    kind = (row["country_type"] or "").strip().lower()
    if kind == "birth":
        entity.add_unique("birth_places", raw)
    elif kind == "nationality":
        entity.add_unique("nationalities", code)
    elif kind == "citizenship":
        entity.add_unique("citizenships", code)
    elif kind == "address":
        add_address_country(entity, raw, code)
    elif code:
        entity.add_unique("countries", code)
