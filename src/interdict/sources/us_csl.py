"""The US Consolidated Screening List (trade.gov), as its CSV export.

The CSL merges thirteen lists from three departments into one file with a
`source` column. Treasury's sub-lists share OFAC's entity numbers, so an entity
on both the SDN and the SSI (or CAPTA) list appears once per sub-list with the
same `_id`; those rows are merged into one entity that keeps every sub-list's
short code in extra["sourceList"]. The `ids` column flattens OFAC's typed
identity documents and features as "COUNTRY, DATE..., VALUE, LABEL"; the
labels are OFAC's, so they are read with the shared OFAC label table.

Only Treasury rows say what kind of thing an entry is. Commerce and State rows
(Entity List, DPL, DTC...) leave `type` blank and carry no birth data, so they
stay LegalEntity rather than being guessed into people or companies.
"""

from __future__ import annotations

import re

from ..countries import name_of, to_code
from ..errors import FormatError
from ..model import Address, Entity, IdentifierType, NameKind, Schema, clean_text
from .base import ParseResult, decode_text, entity_id, maybe_decompress, read_csv_rows, require_columns
from .dates import iso_date, parse_date
from .ofac_remarks import Remarks, apply_remarks, classify, parse_remarks, split_person_name

REQUIRED_ROLES = ("main",)

REQUIRED_COLUMNS = {
    "_id",
    "source",
    "type",
    "programs",
    "name",
    "alt_names",
    "addresses",
    "ids",
    "dates_of_birth",
    "nationalities",
    "citizenships",
    "places_of_birth",
    "start_date",
    "remarks",
}

# the `type` column (Treasury rows only) -> schema; blank or unknown is LegalEntity.
SCHEMA_WORDS: dict[str, Schema] = {
    "individual": Schema.PERSON,
    "entity": Schema.ORGANIZATION,
    "vessel": Schema.VESSEL,
    "aircraft": Schema.AIRPLANE,
}

# Columns kept verbatim as remarks, with the label they get there.
REMARK_COLUMNS = {
    "federal_register_notice": "Federal Register notice",
    "end_date": "Listing end date",
    "standard_order": "Standard order",
    "license_requirement": "License requirement",
    "license_policy": "License policy",
}

VESSEL_COLUMNS = {
    "vessel_type": "type",
    "gross_tonnage": "tonnage",
    "gross_registered_tonnage": "grossRegisteredTonnage",
    "vessel_owner": "owner",
}

_SOURCE_CODE = re.compile(r"\(([A-Z][A-Z-]+)(?:\s+List)?\)")
_COUNTRY = re.compile(r"^[A-Z]{2}$")
_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_MSN_NAME = re.compile(r"^MSN\s+(\S+)$", re.IGNORECASE)
_LEI = re.compile(r"^[A-Z0-9]{18}\d{2}$")


def parse(files: dict[str, bytes], dataset: str) -> ParseResult:
    what = f"{dataset}: the trade.gov consolidated screening list (consolidated.csv)"
    data = maybe_decompress(files["main"], what)
    text = decode_text(data, what)
    rows = read_csv_rows(text, what)
    require_columns(rows, REQUIRED_COLUMNS, what)

    groups: dict[str, list[dict[str, str]]] = {}
    no_id = 0
    for row in rows:
        key = clean_text(row.get("_id"))
        if not key:
            no_id += 1
            continue
        groups.setdefault(key, []).append(row)
    if not groups:
        raise FormatError(f"{what} has no rows with an _id.")

    entities: list[Entity] = []
    pending: list[tuple[Entity, Remarks]] = []
    for source_id, group in groups.items():
        entity, remarks = _entity(source_id, group, dataset)
        entities.append(entity)
        pending.append((entity, remarks))

    names: dict[str, list[str]] = {}
    for entity in entities:
        names.setdefault(entity.caption, []).append(entity.source_id)
    for entity, remarks in pending:
        apply_remarks(entity, remarks, dataset, names)
        _check_lei(entity)

    warnings: list[str] = []
    merged = sum(len(group) - 1 for group in groups.values() if len(group) > 1)
    if merged:
        shared = sum(1 for group in groups.values() if len(group) > 1)
        warnings.append(
            f"merged {merged} rows into {shared} entities: the same Treasury entity (one _id) is on several sub-lists (SDN, SSI, CAP...)"
        )
    if no_id:
        warnings.append(f"skipped {no_id} rows without an _id")
    return ParseResult(entities=entities, published=None, warnings=warnings)


def source_code(source: str | None) -> str | None:
    """The sub-list's short code: "Entity List (EL) - Bureau of Industry and Security" -> "EL"."""
    text = clean_text(source)
    if not text:
        return None
    match = _SOURCE_CODE.search(text)
    return match.group(1) if match else text


def _schema(group: list[dict[str, str]]) -> Schema:
    for row in group:
        kind = (clean_text(row.get("type")) or "").lower()
        if kind:
            return SCHEMA_WORDS.get(kind, Schema.LEGAL_ENTITY)
    return Schema.LEGAL_ENTITY


def _entity(source_id: str, group: list[dict[str, str]], dataset: str) -> tuple[Entity, Remarks]:
    schema = _schema(group)
    entity = Entity(id=entity_id(dataset, source_id), dataset=dataset, source_id=source_id, schema=schema)
    remarks = Remarks()
    for row in group:
        _row(entity, row, remarks)
    if not entity.names:
        entity.add_name(source_id, NameKind.PRIMARY)
    return entity, remarks


def _name_parts(entity: Entity, full: str) -> dict[str, str | None]:
    return split_person_name(full) if entity.schema == Schema.PERSON else {}


def _row(entity: Entity, row: dict[str, str], remarks: Remarks) -> None:
    def value(column: str) -> str | None:
        return clean_text(row.get(column))

    name = value("name")
    if name and not any(existing.full == name for existing in entity.names):
        kind = NameKind.PRIMARY if not any(existing.kind == NameKind.PRIMARY for existing in entity.names) else NameKind.ALIAS
        entity.add_name(name, kind, **_name_parts(entity, name))
    if name:
        msn = _MSN_NAME.match(name)
        if entity.schema == Schema.AIRPLANE and msn:
            entity.add_identifier(IdentifierType.MSN, msn.group(1), note="listed name")
    for alias in _split(value("alt_names")):
        alias = re.sub(r"^and\s+", "", alias).rstrip(".")
        entity.add_name(alias, NameKind.ALIAS, **_name_parts(entity, alias))

    entity.add_extra("sourceList", source_code(value("source")))
    for program in _split(value("programs")):
        entity.add_unique("programs", program)
    entity.add_unique("listed_on", iso_date(value("start_date")))
    entity.add_unique("positions", value("title"))

    for address in _split(value("addresses")):
        _add_address(entity, address)
    for text in _split(value("dates_of_birth")):
        parsed = parse_date(text)
        if parsed and parsed not in entity.birth_dates:
            entity.birth_dates.append(parsed)
    for place in _split(value("places_of_birth")):
        entity.add_unique("birth_places", place)
    for code in _codes(value("nationalities")):
        entity.add_unique("nationalities", code)
    for code in _codes(value("citizenships")):
        entity.add_unique("citizenships", code)

    entity.add_identifier(IdentifierType.CALL_SIGN, value("call_sign"))
    flag = value("vessel_flag")
    entity.add_extra("flag", to_code(flag) or flag)
    for column, prop in VESSEL_COLUMNS.items():
        entity.add_extra(prop, value(column))
    for column, label in REMARK_COLUMNS.items():
        cell = value(column)
        if cell:
            entity.add_unique("remarks", f"{label}: {cell}")

    _read_remarks(value("remarks"), remarks)
    for piece in _split(value("ids")):
        _read_id(piece, remarks)


def _split(text: str | None) -> list[str]:
    if not text:
        return []
    return [part for part in (clean_text(piece) for piece in text.split("; ")) if part]


def _codes(text: str | None) -> list[str]:
    return [code for code in (to_code(part) for part in _split(text)) if code]


def _add_address(entity: Entity, text: str) -> None:
    parts = [part.strip() for part in text.split(",")]
    code = to_code(parts[-1]) if _COUNTRY.match(parts[-1]) else None
    only_country = len(parts) == 1 and code is not None
    address = Address(full=None if only_country else text, country=code, country_name=name_of(code) if code else None)
    if address not in entity.addresses:
        entity.addresses.append(address)


def _read_remarks(text: str | None, remarks: Remarks) -> None:
    """The remarks column is OFAC remark text; "(Linked To: X)" comes wrapped in brackets."""
    if not text:
        return
    pieces = []
    for piece in text.split("; "):
        piece = piece.strip()
        if piece.startswith("(Linked To:"):
            piece = piece[1:]
            if piece.count(")") > piece.count("("):
                piece = piece[: piece.rstrip().rfind(")")]
        pieces.append(piece)
    parsed = parse_remarks("; ".join(pieces))
    for full, kind in parsed.names:
        if (full, kind) not in remarks.names:
            remarks.names.append((full, kind))
    for target in parsed.linked_to:
        if target not in remarks.linked_to:
            remarks.linked_to.append(target)
    for ident in parsed.identifiers:
        if ident not in remarks.identifiers:
            remarks.identifiers.append(ident)
    for info in parsed.sanctions_info + parsed.other:
        if info not in remarks.other:
            remarks.other.append(info)


def _read_id(piece: str, remarks: Remarks) -> None:
    """One "ids" item: "[COUNTRY, ][DATE, ...]VALUE, LABEL" (the label is OFAC's)."""
    parts = [part.strip() for part in piece.split(", ")]
    if len(parts) < 2:
        remarks.other.append(piece)
        return
    label = parts[-1]
    body = parts[:-1]
    kind = classify(label)
    is_document = kind is not None and kind[0] in ("id", "crypto")
    country = None
    dates: list[str] = []
    if is_document and len(body) >= 2 and _COUNTRY.match(body[0]):
        country = body.pop(0)
    while is_document and len(body) >= 2 and _ISO_DAY.match(body[0]):
        dates.append(body.pop(0))
    value = ", ".join(body)
    if kind == ("extra", "buildDate"):
        value = iso_date(value) or value
    before = len(remarks.identifiers)
    if not remarks.add(label, value, country=country):
        text = f"{label.rstrip(':- ')}: {value}"
        if text not in remarks.other:
            remarks.other.append(text)
        return
    if dates and len(remarks.identifiers) > before:
        ident = remarks.identifiers[-1]
        ident.note = f"{ident.note}; dated {', '.join(dates)}" if ident.note else f"dated {', '.join(dates)}"


def _check_lei(entity: Entity) -> None:
    """OFAC's "Legal Entity Number" is often a national number, not a 20-character LEI."""
    for ident in entity.identifiers:
        if ident.type == IdentifierType.LEI and not _LEI.match(ident.value):
            ident.type = IdentifierType.REGISTRATION
