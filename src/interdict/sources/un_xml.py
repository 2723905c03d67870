"""UN Security Council Consolidated List (the XML at scsanctions.un.org).

The UN writes every fact in its own typed element, so little here is guessing;
the judgment calls are few and named:

- Name order. FIRST_NAME..FOURTH_NAME hold the parts in the order the name is
  said (given names first, as the committees transliterate them), so the full
  name joins them in order. The parts are kept too: FIRST_NAME is the first,
  the last non-empty of SECOND..FOURTH the last, anything between the middle.
  For many Arabic names "last" is a nasab or a nisba rather than a surname, so
  matching should treat the parts as hints, not as a family name.
- Alias quality. "Good"/"a.k.a." are aliases, "Low" (the UN's own low-quality
  grade: nicknames, partial names) weak aliases, "f.k.a." former names.
- Cross references. COMMENTS1 names related listings by reference number
  ("... of Al-Qaida (QDe.004)"); those become `associate` relations, resolved
  to an entity id when the reference is in the same file.
- Documents whose number sits only in the free-text NOTE are not guessed at:
  the note is kept as a remark so nothing the UN published is lost. The two
  identifiers the UN writes in COMMENTS1 in a fixed form (SWIFT/BIC, IMO
  number) are read from there.
- Every entry is an INDIVIDUAL (Person) or an ENTITY (Organization); DPRK
  shipping companies stay companies even though their comments carry IMO
  numbers (company IMO numbers, not ships).
"""

from __future__ import annotations

import re

from lxml import etree

from ..countries import to_code
from ..errors import FormatError
from ..model import Address, Entity, IdentifierType, NameKind, PartialDate, Relation, RelationType, Schema, clean_text
from .base import ParseResult, entity_id
from .dates import iso_date, parse_date
from .xmlsafe import child_text, children, local, parse_xml

REQUIRED_ROLES = ("main",)

_ALIAS_SEPARATORS = re.compile(r";|\s[b-z]\)\s")


def _split_alias(text: str | None) -> list[str]:
    """A few UN aliases are several names run together: "X; Y b) Z"."""
    if not text:
        return []
    parts = [part.strip(" ;,") for part in _ALIAS_SEPARATORS.split(text)]
    return [part for part in parts if part]


# QUALITY -> name kind; an unknown (or missing) quality is an alias.
ALIAS_KINDS: dict[str, NameKind] = {
    "good": NameKind.ALIAS,
    "a.k.a.": NameKind.ALIAS,
    "low": NameKind.WEAK,
    "f.k.a.": NameKind.FORMER,
}

# TYPE_OF_DOCUMENT is a short controlled list (in three languages);
# TYPE_OF_DOCUMENT2 is free text. Keywords are tried in order, first hit wins;
# a document no keyword names is "other".
DOCUMENT_KEYWORDS: tuple[tuple[str, IdentifierType], ...] = (
    ("passport", IdentifierType.PASSPORT),
    ("passeport", IdentifierType.PASSPORT),
    ("pasaporte", IdentifierType.PASSPORT),
    ("fiscal code", IdentifierType.TAX_ID),
    ("tax", IdentifierType.TAX_ID),
    ("social security", IdentifierType.NATIONAL_ID),
    ("national", IdentifierType.NATIONAL_ID),
    ("identi", IdentifierType.NATIONAL_ID),
    ("tazkira", IdentifierType.NATIONAL_ID),
    ("civil", IdentifierType.NATIONAL_ID),
)

# Identifiers the UN gives only inside COMMENTS1 ("SWIFT/BIC: KUDBKPPY",
# "IMO number: 5571322" -- the company IMO numbers of DPRK shipping firms).
COMMENT_IDENTIFIERS: tuple[tuple[re.Pattern[str], IdentifierType], ...] = (
    (re.compile(r"\bSWIFT(?:/BIC)?\s*:?\s*([A-Z]{6}[A-Z0-9]{2}(?:[A-Z0-9]{3})?)\b"), IdentifierType.BIC),
    (re.compile(r"\bIMO\)?\s*(?:number|no\.?)?\s*:?\s*(\d{7})\b", re.IGNORECASE), IdentifierType.IMO),
)

_REFERENCE = re.compile(r"\b([A-Z]{2}[ie])\.\s?(\d{3})\b")
_WHAT = "UN consolidated list"


def parse(files: dict[str, bytes], dataset: str) -> ParseResult:
    root = parse_xml(files["main"], _WHAT)
    if local(root.tag) != "CONSOLIDATED_LIST":
        raise FormatError(f"{_WHAT}: root element is <{local(root.tag)}>, not <CONSOLIDATED_LIST>: is it the right file?")
    published = iso_date(root.get("dateGenerated"))
    records = [(node, Schema.PERSON) for node in _records(root, "INDIVIDUALS", "INDIVIDUAL")]
    records += [(node, Schema.ORGANIZATION) for node in _records(root, "ENTITIES", "ENTITY")]
    if not records:
        raise FormatError(f"{_WHAT} holds no INDIVIDUAL or ENTITY entries (truncated or empty list?).")

    stats = {"no_reference": 0, "duplicates": 0, "documents_without_number": 0, "dangling_references": 0}
    known = {_reference(child_text(node, "REFERENCE_NUMBER")) for node, _ in records}
    entities: list[Entity] = []
    seen: set[str] = set()
    for node, schema in records:
        source_id = _reference(child_text(node, "REFERENCE_NUMBER"))
        if not source_id:
            stats["no_reference"] += 1
            continue
        if source_id in seen:
            stats["duplicates"] += 1
            continue
        seen.add(source_id)
        entity = Entity(id=entity_id(dataset, source_id), dataset=dataset, source_id=source_id, schema=schema)
        _names(entity, node, schema)
        _facts(entity, node, stats)
        _relations(entity, node, dataset, known, stats)
        entities.append(entity)
    return ParseResult(entities=entities, published=published, warnings=_warnings(stats))


def _records(root: etree._Element, group: str, tag: str) -> list[etree._Element]:
    return [node for container in children(root, group) for node in children(container, tag)]


def _reference(value: str | None) -> str:
    """`KPe.023 ` and `KPe. 023` are the same listing as `KPe.023`."""
    return re.sub(r"\s+", "", value or "")


def _values(node: etree._Element, name: str) -> list[str]:
    """Texts of <NAME><VALUE>..</VALUE></NAME> groups, blank ones dropped."""
    out = []
    for group in children(node, name):
        for value in children(group, "VALUE"):
            text = clean_text(value.text)
            if text:
                out.append(text)
    return out


def _names(entity: Entity, node: etree._Element, schema: Schema) -> None:
    parts = [clean_text(child_text(node, tag)) for tag in ("FIRST_NAME", "SECOND_NAME", "THIRD_NAME", "FOURTH_NAME")]
    given = [part for part in parts if part]
    full = " ".join(given)
    titles = _values(node, "TITLE")
    title = "; ".join(titles) if titles else None
    if schema == Schema.PERSON and len(given) > 1:
        entity.add_name(full, NameKind.PRIMARY, first=given[0], middle=" ".join(given[1:-1]) or None, last=given[-1], title=title)
    elif schema == Schema.PERSON:
        entity.add_name(full, NameKind.PRIMARY, first=given[0] if given else None, title=title)
    else:
        entity.add_name(full, NameKind.PRIMARY)
    for original in children(node, "NAME_ORIGINAL_SCRIPT"):
        entity.add_name(original.text, NameKind.ORIGINAL_SCRIPT)
    for alias in children(node, "INDIVIDUAL_ALIAS") + children(node, "ENTITY_ALIAS"):
        quality = (child_text(alias, "QUALITY") or "").lower()
        for alias_name in _split_alias(child_text(alias, "ALIAS_NAME")):
            entity.add_name(alias_name, ALIAS_KINDS.get(quality, NameKind.ALIAS))
        # A few aliases carry the birth details used under that name.
        alias_birth = parse_date(child_text(alias, "DATE_OF_BIRTH"))
        if alias_birth and alias_birth not in entity.birth_dates:
            entity.birth_dates.append(alias_birth)
        entity.add_unique("birth_places", _join(child_text(alias, "CITY_OF_BIRTH"), child_text(alias, "COUNTRY_OF_BIRTH")))


def _facts(entity: Entity, node: etree._Element, stats: dict[str, int]) -> None:
    for program in [child_text(node, "UN_LIST_TYPE")] + _values(node, "LIST_TYPE"):
        entity.add_unique("programs", program)
    entity.add_unique("listed_on", iso_date(child_text(node, "LISTED_ON")))
    updated = sorted(filter(None, (iso_date(value) for value in _values(node, "LAST_DAY_UPDATED"))))
    if updated:
        entity.add_extra("modifiedAt", updated[-1])
    comments = child_text(node, "COMMENTS1")
    entity.add_unique("remarks", comments)
    for pattern, type_ in COMMENT_IDENTIFIERS:
        for match in pattern.finditer(comments or ""):
            entity.add_identifier(type_, match.group(1), note="from the UN's comments")
    gender = (child_text(node, "GENDER") or "").lower()
    if gender in ("male", "female"):
        entity.gender = gender
    for position in _values(node, "DESIGNATION"):
        entity.add_unique("positions", position)
    for nationality in _values(node, "NATIONALITY"):
        entity.add_unique("nationalities", to_code(nationality))
    for birth in children(node, "INDIVIDUAL_DATE_OF_BIRTH"):
        date = _birth_date(birth)
        if date and date not in entity.birth_dates:
            entity.birth_dates.append(date)
    for place in children(node, "INDIVIDUAL_PLACE_OF_BIRTH"):
        entity.add_unique(
            "birth_places", _join(*(child_text(place, tag) for tag in ("STREET", "CITY", "STATE_PROVINCE", "COUNTRY")))
        )
    for address in children(node, "INDIVIDUAL_ADDRESS") + children(node, "ENTITY_ADDRESS"):
        _address(entity, address)
    for document in children(node, "INDIVIDUAL_DOCUMENT"):
        _document(entity, document, stats)


def _birth_date(node: etree._Element) -> PartialDate | None:
    kind = (child_text(node, "TYPE_OF_DATE") or "").upper()
    note = clean_text(child_text(node, "NOTE"))
    circa = kind == "APPROXIMATELY" or bool(note and "approx" in note.lower())
    start = end = None
    if date := child_text(node, "DATE"):
        start = iso_date(date)
    elif year := child_text(node, "YEAR"):
        start = iso_date(year)
        if note:  # "Sep." next to YEAR 1958 is September 1958
            finer = parse_date(f"{note} {year}")
            if finer and finer.start and finer.start.startswith(year) and not finer.end:
                start = finer.start
    elif child_text(node, "FROM_YEAR") or child_text(node, "TO_YEAR"):
        start = iso_date(child_text(node, "FROM_YEAR"))
        end = iso_date(child_text(node, "TO_YEAR"))
        if start and end and end < start:
            start, end = end, start
    elif note:
        parsed = parse_date(note)
        if parsed:
            parsed.circa = parsed.circa or circa
        return parsed
    if not start and not end:
        return None
    return PartialDate(start=start or end, end=end if end != (start or end) else None, circa=circa)


def _address(entity: Entity, node: etree._Element) -> None:
    country_name = clean_text(child_text(node, "COUNTRY"))
    address = Address(
        street=clean_text(child_text(node, "STREET")),
        city=clean_text(child_text(node, "CITY")),
        region=clean_text(child_text(node, "STATE_PROVINCE")),
        postal_code=clean_text(child_text(node, "ZIP_CODE")),
        country=to_code(country_name),
        country_name=country_name,
    )
    if (
        any((address.street, address.city, address.region, address.postal_code, address.country_name))
        and address not in entity.addresses
    ):
        entity.addresses.append(address)


def _document_type(*labels: str | None) -> IdentifierType:
    text = " ".join(label for label in labels if label).lower()
    for keyword, type_ in DOCUMENT_KEYWORDS:
        if keyword in text:
            return type_
    return IdentifierType.OTHER


def _document(entity: Entity, node: etree._Element, stats: dict[str, int]) -> None:
    label, label2 = clean_text(child_text(node, "TYPE_OF_DOCUMENT")), clean_text(child_text(node, "TYPE_OF_DOCUMENT2"))
    number, note = clean_text(child_text(node, "NUMBER")), clean_text(child_text(node, "NOTE"))
    if not number:
        if note:
            stats["documents_without_number"] += 1
            entity.add_unique("remarks", f"{label or label2 or 'Document'}: {note}")
        return
    country = child_text(node, "ISSUING_COUNTRY") or child_text(node, "COUNTRY_OF_ISSUE")
    issued = _join(
        child_text(node, "DATE_OF_ISSUE") and f"issued {child_text(node, 'DATE_OF_ISSUE')}", child_text(node, "CITY_OF_ISSUE")
    )
    details = [part for part in (label2, issued, note) if part]
    entity.add_identifier(_document_type(label, label2), number, country=to_code(country), note="; ".join(details) or None)


def _relations(entity: Entity, node: etree._Element, dataset: str, known: set[str], stats: dict[str, int]) -> None:
    for match in _REFERENCE.finditer(child_text(node, "COMMENTS1") or ""):
        reference = f"{match.group(1)}.{match.group(2)}"
        if reference == entity.source_id:
            continue
        if reference in known:
            relation = Relation(type=RelationType.ASSOCIATE, target_id=entity_id(dataset, reference), note="UN cross-reference")
        else:
            stats["dangling_references"] += 1
            relation = Relation(type=RelationType.ASSOCIATE, target_name=reference, note="UN cross-reference (not in this file)")
        if relation not in entity.relations:
            entity.relations.append(relation)


def _join(*parts: str | None) -> str | None:
    cleaned = [text for text in (clean_text(part) for part in parts) if text]
    return ", ".join(cleaned) or None


def _warnings(stats: dict[str, int]) -> list[str]:
    messages = {
        "no_reference": "skipped {} entries without a REFERENCE_NUMBER",
        "duplicates": "skipped {} entries repeating a REFERENCE_NUMBER already read",
        "documents_without_number": "{} identity documents give their number only in free text; kept as remarks, not identifiers",
        "dangling_references": "{} cross-references in COMMENTS1 name listings absent from this file (delisted?); kept by reference only",
    }
    return [messages[key].format(count) for key, count in stats.items() if count]
