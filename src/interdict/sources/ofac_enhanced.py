"""OFAC's ENHANCED_XML export (Sanctions List Service), plain or zipped.

The richest OFAC format: names come with their parts and their original
scripts, every fact is a typed "feature", documents carry issuing country and
dates, relations point at other entries by id, and each entry says when it was
published on which list. Feature and document labels are the same words the
CSV remarks use, so `ofac_remarks` maps them. Values name their reference
("refId") and usually repeat its text; when the text is missing we resolve the
id against the file's `referenceValues`.
"""

from __future__ import annotations

import re

from lxml import etree

from ..errors import FormatError
from ..model import Address, Entity, NameKind, Relation, RelationType, Schema, clean_text
from .base import ParseResult, entity_id, maybe_decompress, open_zip_member
from .dates import iso_date
from .ofac_remarks import Remarks, address_country, apply_remarks, positions_of
from .xmlsafe import child_text, children, local, parse_xml

REQUIRED_ROLES = ("main",)

# entityType -> schema; an unknown type is LegalEntity.
SCHEMA_WORDS: dict[str, Schema] = {
    "individual": Schema.PERSON,
    "entity": Schema.ORGANIZATION,
    "vessel": Schema.VESSEL,
    "aircraft": Schema.AIRPLANE,
}
# OFAC relationship types -> model relation types (the OFAC wording stays in the note);
# any other wording is linked_to.
RELATIONS: dict[str, RelationType] = {
    "family member of": RelationType.FAMILY,
    "associate of": RelationType.ASSOCIATE,
    "owned or controlled by": RelationType.OWNER,
}
LATIN = {"latin", "", None}
_BIDI = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_PART_FIELDS = {
    "last name": "last",
    "first name": "first",
    "middle name": "middle",
    "patronymic": "middle",
    "matronymic": "middle",
}
_ADDRESS_PARTS = {
    "address1": "street",
    "address2": "street",
    "address3": "street",
    "city": "city",
    "state/province": "region",
    "region": "region",
    "postal code": "postal_code",
}


def _load(data: bytes) -> etree._Element:
    what = "OFAC enhanced XML"
    data = maybe_decompress(data, what)
    if data[:2] == b"PK":
        data = open_zip_member(data, what)
    root = parse_xml(data, what)
    if local(root.tag) != "sanctionsData":
        raise FormatError(f"{what}: the root element is <{local(root.tag)}>, not <sanctionsData>: is it the right file?")
    return root


def _first(element: etree._Element | None, name: str) -> etree._Element | None:
    if element is None:
        return None
    found = children(element, name)
    return found[0] if found else None


class _Reader:
    """Reads one file's entities, resolving reference ids against its referenceValues."""

    def __init__(self, root: etree._Element, dataset: str) -> None:
        self.dataset = dataset
        self.refs: dict[str, str] = {}
        for holder in children(root, "referenceValues"):
            for ref in children(holder, "referenceValue"):
                ref_id, value = ref.get("refId"), child_text(ref, "value")
                if ref_id and value:
                    self.refs[ref_id] = value
        self.feature_types: dict[str, str] = {}
        for holder in children(root, "featureTypes"):
            for feature_type in children(holder, "featureType"):
                type_id, label = feature_type.get("featureTypeId"), child_text(feature_type, "type")
                if type_id and label:
                    self.feature_types[type_id] = label

    def text(self, element: etree._Element | None) -> str | None:
        """An element's text, or the reference value (or feature type) its id points to."""
        if element is None:
            return None
        text = clean_text(element.text)
        if text:
            return text
        if type_id := element.get("featureTypeId"):
            return self.feature_types.get(type_id)
        return self.refs.get(element.get("refId") or "")

    def entity(self, element: etree._Element, known: set[str]) -> Entity:
        source_id = clean_text(element.get("id"))
        info = _first(element, "generalInfo")
        if not source_id:
            raise FormatError("OFAC enhanced XML: an <entity> has no id attribute.")
        kind = (self.text(_first(info, "entityType")) or "").lower()
        entity = Entity(
            id=entity_id(self.dataset, source_id),
            dataset=self.dataset,
            source_id=source_id,
            schema=SCHEMA_WORDS.get(kind, Schema.LEGAL_ENTITY),
        )
        self._names(entity, element)
        if not entity.names:
            raise FormatError(f"OFAC enhanced XML: entity {source_id} has no name.")
        for holder in children(element, "sanctionsPrograms"):
            for program in children(holder, "sanctionsProgram"):
                entity.add_unique("programs", self.text(program))
        for holder in children(element, "sanctionsLists"):
            for listing in children(holder, "sanctionsList"):
                entity.add_unique("listed_on", iso_date(listing.get("datePublished")))
        for position in positions_of(child_text(info, "title") if info is not None else None):
            entity.add_unique("positions", position)
        facts = Remarks()
        for holder in children(element, "features"):
            for feature in children(holder, "feature"):
                self._feature(entity, facts, feature)
        for holder in children(element, "identityDocuments"):
            for document in children(holder, "identityDocument"):
                self._document(facts, document)
        apply_remarks(entity, facts)
        if info is not None:
            entity.add_unique("remarks", child_text(info, "remarks"))
        self._addresses(entity, element)
        self._relations(entity, element, known)
        return entity

    def _names(self, entity: Entity, element: etree._Element) -> None:
        person = entity.schema == Schema.PERSON
        for holder in children(element, "names"):
            for name in children(holder, "name"):
                alias_type = (self.text(_first(name, "aliasType")) or "").lower()
                if child_text(name, "isPrimary") == "true":
                    kind = NameKind.PRIMARY
                elif alias_type == "f.k.a.":
                    kind = NameKind.FORMER
                elif child_text(name, "isLowQuality") == "true":
                    kind = NameKind.WEAK
                else:
                    kind = NameKind.ALIAS
                for translations in children(name, "translations"):
                    for translation in children(translations, "translation"):
                        script = (self.text(_first(translation, "script")) or "").lower()
                        own = kind if script in LATIN else NameKind.ORIGINAL_SCRIPT
                        full = _unbidi(child_text(translation, "formattedFullName"))
                        entity.add_name(full, own, **(self._parts(translation) if person else {}))

    def _parts(self, translation: etree._Element) -> dict[str, str | None]:
        parts: dict[str, list[str]] = {}
        for holder in children(translation, "nameParts"):
            for part in children(holder, "namePart"):
                field = _PART_FIELDS.get((self.text(_first(part, "type")) or "").lower())
                value = _unbidi(child_text(part, "value"))
                if field and value:
                    parts.setdefault(field, []).append(value)
        out: dict[str, str | None] = {field: " ".join(values) for field, values in parts.items() if field != "last"}
        if "last" in parts:  # as formatted (upper case), like the full name
            out["last"] = _unbidi(child_text(translation, "formattedLastName")) or " ".join(parts["last"])
        return out

    def _feature(self, entity: Entity, facts: Remarks, feature: etree._Element) -> None:
        label = self.text(_first(feature, "type")) or ""
        value = clean_text(child_text(feature, "value")) or self.refs.get(child_text(feature, "valueRefId") or "")
        if not value:
            return
        if not facts.add(label, value):
            entity.add_unique("remarks", f"{label} {value}")

    def _document(self, facts: Remarks, document: etree._Element) -> None:
        label = self.text(_first(document, "type")) or "Identity document"
        number = clean_text(child_text(document, "documentNumber"))
        issued = _date_of(_first(document, "issueDate"))
        expires = _date_of(_first(document, "expirationDate"))
        country = self.text(_first(document, "issuingCountry"))
        facts.add(label, number, country=country, issued=issued, expires=expires, document=True)

    def _addresses(self, entity: Entity, element: etree._Element) -> None:
        for holder in children(element, "addresses"):
            for item in children(holder, "address"):
                code, country, territory = address_country(self.text(_first(item, "country")))
                fields: dict[str, list[str]] = {}
                for translations in children(item, "translations"):
                    for translation in children(translations, "translation"):
                        if child_text(translation, "isPrimary") != "true":
                            continue
                        for parts in children(translation, "addressParts"):
                            for part in children(parts, "addressPart"):
                                field = _ADDRESS_PARTS.get((self.text(_first(part, "type")) or "").lower())
                                value = clean_text(child_text(part, "value"))
                                if field and value:
                                    fields.setdefault(field, []).append(value)
                values = {field: ", ".join(items) for field, items in fields.items()}
                if territory:
                    values["region"] = ", ".join(filter(None, (values.get("region"), territory)))
                if not values and not country:
                    continue
                city_line = " ".join(filter(None, (values.get("city"), values.get("postal_code")))) or None
                full = ", ".join(filter(None, (values.get("street"), city_line, values.get("region"), country)))
                address = Address(full=full, country=code, country_name=country, **values)
                if address not in entity.addresses:
                    entity.addresses.append(address)
                    if address.country:
                        entity.add_unique("countries", address.country)

    def _relations(self, entity: Entity, element: etree._Element, known: set[str]) -> None:
        for holder in children(element, "relationships"):
            for relationship in children(holder, "relationship"):
                wording = self.text(_first(relationship, "type")) or "related to"
                related = _first(relationship, "relatedEntity")
                if related is None:
                    continue
                target = clean_text(related.get("entityId"))
                relation = Relation(
                    type=RELATIONS.get(wording.lower(), RelationType.LINKED_TO),
                    target_id=entity_id(self.dataset, target) if target in known else None,
                    target_name=clean_text(related.text),
                    note=wording if target in known or not target else f"{wording} (OFAC entry {target})",
                )
                if relation not in entity.relations:
                    entity.relations.append(relation)


def _unbidi(text: str | None) -> str | None:
    """Drop the direction marks OFAC wraps around Arabic-script names (U+202B ... U+202C)."""
    return clean_text(_BIDI.sub("", text)) if text else None


def _date_of(element: etree._Element | None) -> str | None:
    """A document's issue or expiry date: the day, or the year when OFAC knows only the year."""
    if element is None:
        return None
    begin, end = child_text(element, "fromDateBegin"), child_text(element, "toDateEnd")
    begin_iso, end_iso = iso_date(begin), iso_date(end)
    if begin_iso and (not end_iso or begin_iso == end_iso):
        return begin_iso
    if begin_iso and end_iso and begin_iso[:4] == end_iso[:4] and begin_iso[5:] == "01-01" and end_iso[5:] == "12-31":
        return begin_iso[:4]
    return begin_iso


def parse(files: dict[str, bytes], dataset: str) -> ParseResult:
    if "main" not in files:
        raise FormatError("OFAC enhanced XML: the file (role 'main') is missing.")
    root = _load(files["main"])
    info = _first(root, "publicationInfo")
    published = iso_date(child_text(info, "dataAsOf")) if info is not None else None
    holder = _first(root, "entities")
    elements = children(holder, "entity") if holder is not None else []
    if not elements:
        raise FormatError("OFAC enhanced XML holds no <entity>: is it the right file?")
    reader = _Reader(root, dataset)
    known = {own_id for element in elements if (own_id := element.get("id"))}
    warnings: list[str] = []
    entities: list[Entity] = []
    seen: set[str] = set()
    for element in elements:
        entity = reader.entity(element, known)
        if entity.source_id in seen:
            warnings.append(f"entity {entity.source_id} appears twice; the first was kept")
            continue
        seen.add(entity.source_id)
        entities.append(entity)
    # some relations give only the target's id: name it from the file
    captions = {entity.id: entity.caption for entity in entities}
    for entity in entities:
        for relation in entity.relations:
            if relation.target_name is None and relation.target_id in captions:
                relation.target_name = captions[relation.target_id]
    return ParseResult(entities=entities, published=published, warnings=warnings)
