"""OFAC's classic XML (`sdnList`, SDN.XML / CONS_PRIM.XML-style exports).

Names, birth data, addresses and vessel facts have elements of their own;
documents and most other features sit in `idList` under the same labels the
CSV remarks use, so `ofac_remarks` maps both. Free-text `remarks` carry the
"(Linked To: X)" relations. `uid` is the same number as the CSV's ent_num.
"""

from __future__ import annotations

import re
from collections import defaultdict

from lxml import etree

from ..errors import FormatError
from ..model import Address, Entity, NameKind, Schema, clean_text
from .base import ParseResult, entity_id, maybe_decompress, open_zip_member
from .ofac_remarks import Remarks, address_country, apply_remarks, parse_remarks, positions_of
from .xmlsafe import child_text, children, local, parse_xml

REQUIRED_ROLES = ("main",)

# sdnType -> schema; an unknown type is LegalEntity.
SCHEMA_WORDS: dict[str, Schema] = {
    "individual": Schema.PERSON,
    "entity": Schema.ORGANIZATION,
    "vessel": Schema.VESSEL,
    "aircraft": Schema.AIRPLANE,
}
# aka type -> name kind; an unknown type is an alias ("weak" category makes it weak).
ALIAS_KINDS: dict[str, NameKind] = {"a.k.a.": NameKind.ALIAS, "f.k.a.": NameKind.FORMER, "n.k.a.": NameKind.ALIAS}
# vesselInfo children -> the labels OFAC uses for the same facts elsewhere
VESSEL_LABELS = {
    "callSign": "Vessel Call Sign",
    "vesselType": "VESSEL TYPE",
    "vesselFlag": "Vessel Flag",
    "vesselOwner": "Vessel Owner",
    "tonnage": "Vessel Tonnage",
    "grossRegisteredTonnage": "Vessel Gross Registered Tonnage",
}
_LINKED = re.compile(r"\(Linked To: (.*?)\)(?=\s*(?:;|$))")
_US_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


def published_date(text: str | None) -> str | None:
    """`03/28/2025` (OFAC writes month first) -> `2025-03-28`."""
    match = _US_DATE.match((text or "").strip())
    if not match:
        return None
    month, day, year = (int(part) for part in match.groups())
    return f"{year:04d}-{month:02d}-{day:02d}" if 1 <= month <= 12 and 1 <= day <= 31 else None


def _load(data: bytes) -> etree._Element:
    what = "OFAC classic XML"
    data = maybe_decompress(data, what)
    if data[:2] == b"PK":
        data = open_zip_member(data, what)
    root = parse_xml(data, what)
    if local(root.tag) != "sdnList":
        raise FormatError(f"{what}: the root element is <{local(root.tag)}>, not <sdnList>: is it the right file?")
    return root


def _full_name(element: etree._Element) -> tuple[str | None, dict[str, str | None]]:
    last, first = clean_text(child_text(element, "lastName")), clean_text(child_text(element, "firstName"))
    if last and first:
        return f"{last}, {first}", {"last": last, "first": first}
    return last or first, {}


def _address(element: etree._Element) -> Address | None:
    street = ", ".join(filter(None, (clean_text(child_text(element, f"address{n}")) for n in (1, 2, 3)))) or None
    city = clean_text(child_text(element, "city"))
    region = clean_text(child_text(element, "stateOrProvince"))
    postal = clean_text(child_text(element, "postalCode"))
    written = clean_text(child_text(element, "country"))
    if not (street or city or region or postal or written):
        return None
    code, country, territory = address_country(written)
    region = region or territory
    full = ", ".join(filter(None, (street, " ".join(filter(None, (city, postal))) or None, region, country)))
    return Address(full=full, street=street, city=city, postal_code=postal, region=region, country=code, country_name=country)


def _entry(element: etree._Element, dataset: str) -> tuple[Entity, Remarks]:
    uid = clean_text(child_text(element, "uid"))
    if not uid:
        raise FormatError("OFAC classic XML: an <sdnEntry> has no <uid>.")
    sdn_type = (child_text(element, "sdnType") or "").lower()
    schema = SCHEMA_WORDS.get(sdn_type, Schema.LEGAL_ENTITY)
    entity = Entity(id=entity_id(dataset, uid), dataset=dataset, source_id=uid, schema=schema)
    person = schema == Schema.PERSON
    name, parts = _full_name(element)
    if not name:
        raise FormatError(f"OFAC classic XML: entry {uid} has no name.")
    entity.add_name(name, NameKind.PRIMARY, **(parts if person else {}))
    for position in positions_of(child_text(element, "title")):
        entity.add_unique("positions", position)
    for holder in children(element, "programList"):
        for program in children(holder, "program"):
            entity.add_unique("programs", program.text)
    for holder in children(element, "akaList"):
        for aka in children(holder, "aka"):
            alias, alias_parts = _full_name(aka)
            kind = ALIAS_KINDS.get((child_text(aka, "type") or "").lower(), NameKind.ALIAS)
            if kind == NameKind.ALIAS and (child_text(aka, "category") or "").lower() == "weak":
                kind = NameKind.WEAK
            entity.add_name(alias, kind, **(alias_parts if person else {}))
    for holder in children(element, "addressList"):
        for item in children(holder, "address"):
            address = _address(item)
            if address is not None and address not in entity.addresses:
                entity.addresses.append(address)
                if address.country:
                    entity.add_unique("countries", address.country)

    # Remarks first: what the typed elements say is added to what the free text said.
    text = _LINKED.sub(lambda match: "Linked To: " + match.group(1), clean_text(child_text(element, "remarks")) or "")
    facts = parse_remarks(text)
    for holder in children(element, "idList"):
        for item in children(holder, "id"):
            facts.add(
                child_text(item, "idType") or "",
                child_text(item, "idNumber"),
                country=child_text(item, "idCountry"),
                issued=child_text(item, "issueDate"),
                expires=child_text(item, "expirationDate"),
                document=True,
            )
    for list_name, item_name, field, label in (
        ("dateOfBirthList", "dateOfBirthItem", "dateOfBirth", "DOB"),
        ("placeOfBirthList", "placeOfBirthItem", "placeOfBirth", "POB"),
        ("nationalityList", "nationality", "country", "nationality"),
        ("citizenshipList", "citizenship", "country", "citizen"),
    ):
        for holder in children(element, list_name):
            for item in children(holder, item_name):
                facts.add(label, child_text(item, field))
    for info in children(element, "vesselInfo"):
        for tag, label in VESSEL_LABELS.items():
            facts.add(label, child_text(info, tag))
    return entity, facts


def parse(files: dict[str, bytes], dataset: str) -> ParseResult:
    if "main" not in files:
        raise FormatError("OFAC classic XML: the file (role 'main') is missing.")
    root = _load(files["main"])
    info = next(iter(children(root, "publshInformation") or children(root, "publishInformation")), None)
    published = published_date(child_text(info, "Publish_Date")) if info is not None else None
    entries = children(root, "sdnEntry")
    if not entries:
        raise FormatError("OFAC classic XML holds no <sdnEntry>: is it the right file?")
    warnings: list[str] = []
    parsed: list[tuple[Entity, Remarks]] = []
    names: dict[str, list[str]] = defaultdict(list)
    seen: set[str] = set()
    for element in entries:
        entity, facts = _entry(element, dataset)
        if entity.source_id in seen:
            warnings.append(f"entry {entity.source_id} appears twice; the first was kept")
            continue
        seen.add(entity.source_id)
        parsed.append((entity, facts))
        names[entity.caption].append(entity.source_id)
    for entity, facts in parsed:
        apply_remarks(entity, facts, dataset, names)
    count = clean_text(child_text(info, "Record_Count")) if info is not None else None
    if count and count.isdigit() and int(count) != len(parsed):
        warnings.append(f"the file announces {count} records but holds {len(parsed)}")
    return ParseResult(entities=[entity for entity, _ in parsed], published=published, warnings=warnings)
