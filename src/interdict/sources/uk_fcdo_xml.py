"""UK Sanctions List (FCDO) in its official XML (sanctionslist.fcdo.gov.uk).

What this follows, since no full official file could be archived here (the
bundled UK data is a third party's table normalisation, read by `uk_tables`):

- GOV.UK, "UK Sanctions List: change to the list's format" (Feb 2022): Name
  1-6 aligned with the OFSI list, NameType (Primary name / Primary name
  variation / Alias), alias strength (good / low quality a.k.a.) for UN
  listings, and the XML format introduced then;
- the element structure as read by public open-source parsers of the file
  (e.g. OpenSanctions' gb_fcdo_sanctions crawler): root <Designations> with a
  <DateGenerated> and one <Designation> per listing carrying UniqueID,
  OFSIGroupID, UNReferenceNumber, Names/Name (Name1..Name6, NameType,
  AliasStrength), NonLatinNames/NonLatinName/NameNonLatinScript, RegimeName,
  IndividualEntityShip, DesignationSource, DateDesignated, LastUpdated,
  OtherInformation, UKStatementofReasons, Addresses/Address (AddressLine1..6,
  AddressPostalCode, AddressCountry), PhoneNumbers, EmailAddresses, Websites,
  IndividualDetails/Individual (DOBs, Nationalities, Positions, Genders,
  BirthDetails/Location, PassportDetails, NationalIdentifierDetails),
  EntityDetails/Entity (TypeOfEntities, BusinessRegistrationNumbers,
  ParentCompanies, Subsidiaries) and ShipDetails/Ship (IMONumbers, flags,
  type, tonnage, owner/operators, years built).

Because that structure is second-hand, facts are found by element name below
the designation rather than by exact path, so an extra or renamed wrapper
does not silently drop them. The test suite checks this parser against a
hand-made file built from real entries of the tables and asserts both parsers
give the same facts; it has never seen a full official file.
"""

from __future__ import annotations

import re

from lxml import etree

from ..countries import to_code
from ..errors import FormatError
from ..model import Address, Entity, IdentifierType, NameKind, Relation, RelationType, Schema, clean_text
from .base import ParseResult, entity_id
from .dates import iso_date
from .uk_tables import (
    SCHEMA_WORDS,
    add_address_country,
    add_birth_date,
    add_uk_identifier,
    add_uk_name,
    add_un_reference,
    birth_date_text,
    name_kind,
    regime_programs,
)
from .xmlsafe import child_text, children, local, parse_xml

REQUIRED_ROLES = ("main",)

_WHAT = "UK sanctions list XML"

# element holding a number -> (identifier type, element holding its note)
IDENTIFIER_ELEMENTS: dict[str, tuple[IdentifierType, str | None]] = {
    "PassportNumber": (IdentifierType.PASSPORT, "PassportAdditionalInformation"),
    "NationalIdentifierNumber": (IdentifierType.NATIONAL_ID, "NationalIdentifierAdditionalInformation"),
    "BusinessRegistrationNumber": (IdentifierType.REGISTRATION, None),
    "IMONumber": (IdentifierType.IMO, None),
    "HullIdentificationNumber": (IdentifierType.OTHER, None),
    "PhoneNumber": (IdentifierType.PHONE, None),
    "Website": (IdentifierType.WEBSITE, None),
}

# ship element -> extra property (FtM Vessel names)
SHIP_FACTS = {
    "TypeOfShip": "type",
    "TonnageOfShip": "tonnage",
    "CurrentOwnerOperator": "owner",
    "YearBuilt": "buildDate",
}

ENTITY_LINKS = {"ParentCompany": "parent company", "Subsidiary": "subsidiary"}


def parse(files: dict[str, bytes], dataset: str) -> ParseResult:
    root = parse_xml(files["main"], _WHAT)
    if local(root.tag) != "Designations":
        raise FormatError(f"{_WHAT}: root element is <{local(root.tag)}>, not <Designations>: is it the right file?")
    designations = children(root, "Designation")
    if not designations:
        raise FormatError(f"{_WHAT} holds no <Designation> entries (truncated or empty list?).")
    published = iso_date(child_text(root, "DateGenerated") or root.get("DateGenerated") or root.get("dateGenerated"))

    entities: list[Entity] = []
    seen: set[str] = set()
    skipped = duplicates = unknown_types = 0
    for node in designations:
        unique_id = clean_text(child_text(node, "UniqueID"))
        if not unique_id:
            skipped += 1
            continue
        if unique_id in seen:
            duplicates += 1
            continue
        seen.add(unique_id)
        kind = (child_text(node, "IndividualEntityShip") or "").strip().lower()
        unknown_types += kind not in SCHEMA_WORDS
        entity = Entity(
            id=entity_id(dataset, unique_id),
            dataset=dataset,
            source_id=unique_id,
            schema=SCHEMA_WORDS.get(kind, Schema.LEGAL_ENTITY),
        )
        _read(entity, node)
        entities.append(entity)

    warnings = []
    if skipped:
        warnings.append(f"skipped {skipped} designations without a UniqueID")
    if duplicates:
        warnings.append(f"skipped {duplicates} designations repeating a UniqueID already read")
    if unknown_types:
        warnings.append(f"{unknown_types} designations have an unknown IndividualEntityShip; read as LegalEntity")
    return ParseResult(entities=entities, published=published, warnings=warnings)


Index = dict[str, list[etree._Element]]


def _index(node: etree._Element) -> Index:
    """Every element below the designation by local name: one walk, not one per fact."""
    index: Index = {}
    for element in node.iter():
        if isinstance(element.tag, str):
            index.setdefault(local(element.tag), []).append(element)
    return index


def _fields(element: etree._Element) -> dict[str, str]:
    """Texts of an element's direct children by local name (the first of each)."""
    fields: dict[str, str] = {}
    for child in element:
        if isinstance(child.tag, str):
            fields.setdefault(local(child.tag), (child.text or "").strip())
    return fields


def _texts(index: Index, name: str) -> list[str]:
    return [text for text in (clean_text(found.text) for found in index.get(name, [])) if text]


def _read(entity: Entity, node: etree._Element) -> None:
    index, fields = _index(node), _fields(node)
    entity.programs = regime_programs(entity.source_id, fields.get("RegimeName"))
    entity.add_unique("listed_on", iso_date(fields.get("DateDesignated")))
    if updated := iso_date(fields.get("LastUpdated")):
        entity.add_extra("modifiedAt", updated)
    add_un_reference(entity, fields.get("UNReferenceNumber"))
    _names(entity, index)
    for tag in ("OtherInformation", "UKStatementofReasons"):
        entity.add_unique("remarks", fields.get(tag))
    for address in index.get("Address", []):
        _address(entity, address)
    _identifiers(entity, index)
    for email in _texts(index, "EmailAddress"):
        for part in re.split(r"[;,\s]+", email):
            entity.add_identifier(IdentifierType.EMAIL, part)
    _individual(entity, index)
    for tag, note in ENTITY_LINKS.items():
        for name in _texts(index, tag):
            relation = Relation(type=RelationType.LINKED_TO, target_name=name, note=note)
            if relation not in entity.relations:
                entity.relations.append(relation)
    for form in _texts(index, "TypeOfEntity"):
        entity.add_extra("legalForm", form)
    for tag, prop in SHIP_FACTS.items():
        for value in _texts(index, tag):
            entity.add_extra(prop, value)
    for flag in _texts(index, "CurrentBelievedFlagOfShip"):
        entity.add_extra("flag", to_code(flag) or flag)
    for flag in _texts(index, "PreviousFlag"):
        entity.add_extra("pastFlags", to_code(flag) or flag)


def _parent_name(element: etree._Element) -> str | None:
    """Local name of the element's parent; None only for a root, which no indexed Title or Name is."""
    parent = element.getparent()
    return local(parent.tag) if parent is not None else None


def _names(entity: Entity, index: Index) -> None:
    shared_titles = [clean_text(title.text) for title in index.get("Title", []) if _parent_name(title) != "Name"]
    shared_title = "; ".join(title for title in shared_titles if title) or None
    for name in index.get("Name", []):
        if _parent_name(name) != "Names":
            continue
        fields = _fields(name)
        kind = name_kind(fields.get("NameType"), fields.get("AliasStrength"))
        parts = [fields.get(f"Name{number}") for number in range(1, 7)]
        title = fields.get("Title") or (shared_title if kind == NameKind.PRIMARY else None)
        add_uk_name(entity, None, kind, parts, title=title)
    for original in _texts(index, "NameNonLatinScript"):
        entity.add_name(original, NameKind.ORIGINAL_SCRIPT)


def _address(entity: Entity, node: etree._Element) -> None:
    fields = _fields(node)
    lines = [clean_text(fields.get(f"AddressLine{number}")) for number in range(1, 7)]
    postal_code = clean_text(fields.get("AddressPostalCode"))
    country = clean_text(fields.get("AddressCountry"))
    if not any(lines) and not postal_code:
        add_address_country(entity, country)
        return
    full = ", ".join(text for text in lines + [postal_code, country] if text)
    address = Address(full=full, postal_code=postal_code, country=to_code(country), country_name=country)
    if address not in entity.addresses:
        entity.addresses.append(address)


def _identifiers(entity: Entity, index: Index) -> None:
    for tag, (type_, note_tag) in IDENTIFIER_ELEMENTS.items():
        for number in index.get(tag, []):
            parent = number.getparent()
            note = child_text(parent, note_tag) if note_tag and parent is not None else None
            add_uk_identifier(entity, type_, number.text, note)


def _individual(entity: Entity, index: Index) -> None:
    for dob in _texts(index, "DOB"):
        add_birth_date(entity, birth_date_text(dob))
    for nationality in _texts(index, "Nationality"):
        entity.add_unique("nationalities", to_code(nationality))
    for position in _texts(index, "Position"):
        entity.add_unique("positions", position)
    for gender in _texts(index, "Gender"):
        if gender.lower() in ("male", "female"):
            entity.gender = gender.lower()
    for location in index.get("Location", []):
        place = ", ".join(
            text for text in (clean_text(_fields(location).get(tag)) for tag in ("TownOfBirth", "CountryOfBirth")) if text
        )
        entity.add_unique("birth_places", place)
