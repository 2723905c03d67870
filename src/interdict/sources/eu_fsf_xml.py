"""EU Financial Sanctions Files, official XML export format 1.1 (DG FISMA).

The EU carries every fact as attributes of typed elements, repeated per
regulation language, and marks no name as "the" name: each nameAlias is equal.
The first strong Latin-script alias is taken as primary because that is the
one the Commission lists first in its own publications; aliases in other
scripts (Cyrillic, Greek, Arabic...) are original_script, and strong="false"
marks the EU's weak aliases.

`listed_on` is the publication date of the earliest regulation attached to the
entity in the export; for long-standing listings the export often only carries
a later amending act, so it can be later than the first EU listing.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

from lxml import etree

from ..countries import to_code
from ..errors import FormatError
from ..model import Address, Entity, IdentifierType, NameKind, PartialDate, Relation, RelationType, Schema, clean_text
from .base import ParseResult, entity_id
from .dates import iso_date
from .xmlsafe import children, local, parse_xml

REQUIRED_ROLES = ("main",)

# subjectType code -> schema; any other code is LegalEntity.
SCHEMA_WORDS: dict[str, Schema] = {"person": Schema.PERSON, "enterprise": Schema.ORGANIZATION}

GENDERS = {"m": "male", "f": "female"}

# identificationTypeCode -> identifier type; any other code is a passport if its
# description says so, else "other".
IDENTIFICATION_TYPES: dict[str, IdentifierType] = {
    "passport": IdentifierType.PASSPORT,
    "id": IdentifierType.NATIONAL_ID,
    "ssn": IdentifierType.NATIONAL_ID,
    "fiscalcode": IdentifierType.TAX_ID,
    "tin": IdentifierType.TAX_ID,
    "regnumber": IdentifierType.REGISTRATION,
    "swiftbic": IdentifierType.BIC,
    "bic": IdentifierType.BIC,
    "imo": IdentifierType.IMO,
}

UNKNOWN_COUNTRY = {"", "00", "unknown"}

_WHAT = "EU financial sanctions XML"


@lru_cache(maxsize=4096)
def _latin_letter(char: str) -> bool:
    return unicodedata.name(char, "").startswith("LATIN")


def is_latin(text: str) -> bool:
    """True when every letter is Latin script (accents allowed: Ş, ő, ž)."""
    return text.isascii() or all(_latin_letter(char) for char in text if char.isalpha())


def parse(files: dict[str, bytes], dataset: str) -> ParseResult:
    root = parse_xml(files["main"], _WHAT)
    if local(root.tag) != "export":
        raise FormatError(f"{_WHAT}: root element is <{local(root.tag)}>, not <export>: is it the FSF XML (format 1.1)?")
    nodes = children(root, "sanctionEntity")
    if not nodes:
        raise FormatError(f"{_WHAT} holds no <sanctionEntity> entries (truncated or empty list?).")
    entities: list[Entity] = []
    seen: set[str] = set()
    skipped = duplicates = 0
    for node in nodes:
        source_id = clean_text(node.get("logicalId"))
        if not source_id:
            skipped += 1
            continue
        if source_id in seen:
            duplicates += 1
            continue
        seen.add(source_id)
        entities.append(_entity(node, dataset, source_id))
    warnings = []
    if skipped:
        warnings.append(f"skipped {skipped} sanctionEntity elements without a logicalId")
    if duplicates:
        warnings.append(f"skipped {duplicates} sanctionEntity elements repeating a logicalId already read")
    return ParseResult(entities=entities, published=iso_date(root.get("generationDate")), warnings=warnings)


def _code(node: etree._Element) -> str | None:
    """The node's country as ISO2: its own code unless "00", else its description."""
    iso = (node.get("countryIso2Code") or "").strip().lower()
    if iso not in UNKNOWN_COUNTRY:
        return iso
    description = clean_text(node.get("countryDescription"))
    return to_code(description) if description and description.lower() not in UNKNOWN_COUNTRY else None


def _country_name(node: etree._Element) -> str | None:
    description = clean_text(node.get("countryDescription"))
    return description if description and description.lower() not in UNKNOWN_COUNTRY else None


def _entity(node: etree._Element, dataset: str, source_id: str) -> Entity:
    subject = children(node, "subjectType")
    code = (subject[0].get("code") or "").lower() if subject else ""
    entity = Entity(
        id=entity_id(dataset, source_id), dataset=dataset, source_id=source_id, schema=SCHEMA_WORDS.get(code, Schema.LEGAL_ENTITY)
    )
    _names(entity, children(node, "nameAlias"))
    dates = []
    for regulation in children(node, "regulation"):
        entity.add_unique("programs", regulation.get("programme"))
        if published := iso_date(regulation.get("publicationDate")):
            dates.append(published)
    if dates:
        entity.listed_on = [min(dates)]
    for remark in children(node, "remark"):
        entity.add_unique("remarks", remark.text)
    entity.add_unique("remarks", node.get("designationDetails"))
    entity.add_extra("euReference", node.get("euReferenceNumber"))
    if un_reference := clean_text(node.get("unitedNationId")):
        entity.relations.append(Relation(type=RelationType.SAME_AS, target_name=un_reference, note="UN reference"))
        entity.add_extra("unReference", un_reference)
    for citizenship in children(node, "citizenship"):
        entity.add_unique("nationalities", _code(citizenship))
    for birth in children(node, "birthdate"):
        _birth(entity, birth)
    for address in children(node, "address"):
        _address(entity, address)
    for identification in children(node, "identification"):
        _identification(entity, identification)
    return entity


def _names(entity: Entity, aliases: list[etree._Element]) -> None:
    primary = next(
        (alias for alias in aliases if alias.get("strong") != "false" and is_latin(alias.get("wholeName") or "")), None
    )
    for alias in aliases:
        whole = clean_text(alias.get("wholeName")) or clean_text(
            " ".join(alias.get(part) or "" for part in ("firstName", "middleName", "lastName"))
        )
        if not whole:
            continue
        if alias is primary:
            kind = NameKind.PRIMARY
        elif not is_latin(whole):
            kind = NameKind.ORIGINAL_SCRIPT
        elif alias.get("strong") == "false":
            kind = NameKind.WEAK
        else:
            kind = NameKind.ALIAS
        parts = (
            {"first": alias.get("firstName"), "middle": alias.get("middleName"), "last": alias.get("lastName")}
            if entity.schema == Schema.PERSON
            else {}
        )
        entity.add_name(whole, kind, title=alias.get("title"), lang=(alias.get("nameLanguage") or "").lower() or None, **parts)
        entity.add_unique("positions", alias.get("function"))
        gender = GENDERS.get((alias.get("gender") or "").strip().lower())
        if gender and not entity.gender:
            entity.gender = gender


def _birth(entity: Entity, node: etree._Element) -> None:
    circa = (node.get("circa") or "").lower() == "true"
    start = end = None
    if full := iso_date(node.get("birthdate")):
        start = full
    elif year := clean_text(node.get("year")):
        month, day = node.get("monthOfYear"), node.get("dayOfMonth")
        text = year + (f"-{int(month):02d}" if month and month.isdigit() else "")
        text += f"-{int(day):02d}" if month and month.isdigit() and day and day.isdigit() else ""
        start = iso_date(text) or iso_date(year)
    elif node.get("yearRangeFrom") or node.get("yearRangeTo"):
        start, end = iso_date(node.get("yearRangeFrom")), iso_date(node.get("yearRangeTo"))
        start, end = (start or end), (end if end != (start or end) else None)
    if start:
        date = PartialDate(start=start, end=end, circa=circa)
        if date not in entity.birth_dates:
            entity.birth_dates.append(date)
    place = [clean_text(node.get(attr)) for attr in ("place", "city", "region")] + [_country_name(node)]
    entity.add_unique("birth_places", ", ".join(part for part in place if part) or None)


def _address(entity: Entity, node: etree._Element) -> None:
    street = ", ".join(part for part in (clean_text(node.get("street")), clean_text(node.get("poBox"))) if part) or None
    region = ", ".join(part for part in (clean_text(node.get("place")), clean_text(node.get("region"))) if part) or None
    address = Address(
        street=street,
        city=clean_text(node.get("city")),
        postal_code=clean_text(node.get("zipCode")),
        region=region,
        country=_code(node),
        country_name=_country_name(node),
    )
    if (
        any((address.street, address.city, address.postal_code, address.region, address.country))
        and address not in entity.addresses
    ):
        entity.addresses.append(address)


def _identification(entity: Entity, node: etree._Element) -> None:
    code = (node.get("identificationTypeCode") or "").strip().lower()
    description = clean_text(node.get("identificationTypeDescription"))
    type_ = IDENTIFICATION_TYPES.get(code)
    if type_ is None:
        type_ = IdentifierType.PASSPORT if description and "passport" in description.lower() else IdentifierType.OTHER
    flags = [
        flag
        for flag in ("diplomatic", "knownFalse", "knownExpired", "reportedLost", "revokedByIssuer")
        if node.get(flag) == "true"
    ]
    remarks = [clean_text(remark.text) for remark in children(node, "remark")]
    note = "; ".join(part for part in [description, *flags, clean_text(node.get("issuedBy")), *remarks] if part) or None
    number = clean_text(node.get("number")) or clean_text(node.get("latinNumber"))
    entity.add_identifier(type_, number, country=_code(node), note=note)
