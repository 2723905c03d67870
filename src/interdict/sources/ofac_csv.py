"""OFAC's legacy CSV set: SDN.CSV (or CONS_PRIM.CSV) plus ALT, ADD and COMMENTS.

The files have no header (a re-saved copy may have one), are cp1252, write
"nothing" as `-0- ` and end with a 0x1A byte. Everything but names and
addresses is packed into the Remarks column, which OFAC cuts at 1,000
characters and continues in the COMMENTS file; `ofac_remarks` reads it.
The same parser serves the SDN list and the non-SDN consolidated list.
"""

from __future__ import annotations

import re
from collections import defaultdict

from ..countries import to_code
from ..errors import FormatError
from ..model import Address, Entity, IdentifierType, NameKind, Schema, clean_text
from .base import ParseResult, decode_text, entity_id, maybe_decompress, read_csv_rows
from .ofac_remarks import address_country, apply_remarks, parse_remarks, positions_of, split_person_name

REQUIRED_ROLES = ("sdn",)
OPTIONAL_ROLES = ("alt", "add", "comments")

SDN_COLUMNS = (
    "ent_num",
    "SDN_Name",
    "SDN_Type",
    "Program",
    "Title",
    "Call_Sign",
    "Vess_type",
    "Tonnage",
    "GRT",
    "Vess_flag",
    "Vess_owner",
    "Remarks",
)
ALT_COLUMNS = ("ent_num", "alt_num", "alt_type", "alt_name", "alt_remarks")
ADD_COLUMNS = ("ent_num", "add_num", "address", "city_state_postal", "country", "add_remarks")
COMMENTS_COLUMNS = ("ent_num", "remarks_continued")

# SDN_Type -> schema (OFAC leaves the type blank for organisations); an unknown type is LegalEntity.
SCHEMA_WORDS: dict[str, Schema] = {
    "individual": Schema.PERSON,
    "vessel": Schema.VESSEL,
    "aircraft": Schema.AIRPLANE,
    "": Schema.ORGANIZATION,
}
# ALT.CSV alt_type -> name kind; an unknown type is an alias.
ALIAS_KINDS: dict[str, NameKind] = {"aka": NameKind.ALIAS, "fka": NameKind.FORMER, "nka": NameKind.ALIAS}
FILE_NAMES = {"sdn": "SDN.CSV", "alt": "ALT.CSV", "add": "ADD.CSV", "comments": "SDN_COMMENTS.CSV"}

# OFAC stops the remarks column here and carries on in the comments file.
REMARKS_LIMIT = 1000
NULL = "-0- "  # OFAC's "nothing"
_NUMBER = re.compile(r"^\d+$")


def _rows(data: bytes, role: str, columns: tuple[str, ...]) -> list[list[str]]:
    """The file's data rows, each exactly as wide as `columns`, with clear errors otherwise."""
    what = f"OFAC {FILE_NAMES[role]} ({role})"
    text = decode_text(maybe_decompress(data, what), what)
    body = text.rstrip("\x1a\r\n ")
    if body.count('"') % 2:
        raise FormatError(f"{what} ends inside a quoted field: the file is truncated.")
    rows = read_csv_rows(body, what, header=False)
    out: list[list[str]] = []
    for number, row in enumerate(rows, start=1):
        cells = list(row)  # not stripped: a remarks cell cut at a space continues in the comments file
        if not any(cell.strip("\x1a \t") for cell in cells):
            continue  # blank line, or the stray "\x1a,,,," row of a re-saved file
        cells[0] = cells[0].strip()
        if number == 1 and cells[0].lower() == columns[0]:
            continue  # header row
        if len(cells) != len(columns):
            if number == len(rows) and len(cells) < len(columns):
                raise FormatError(f"{what}: the last row has {len(cells)} of {len(columns)} columns: the file is truncated.")
            raise FormatError(
                f"{what}: row {number} has {len(cells)} columns, expected {len(columns)} "
                f"({', '.join(columns)}): is it the right file?"
            )
        if not _NUMBER.match(cells[0]):
            raise FormatError(f"{what}: row {number} starts with {cells[0][:40]!r}, not an entry number: is it the right file?")
        out.append(cells)
    if role == "sdn" and not out:
        raise FormatError(f"{what} has no entries.")
    return out


def split_programs(value: str | None) -> list[str]:
    """`IRAN] [SDGT] [IRGC` -> ["IRAN", "SDGT", "IRGC"]."""
    if not value:
        return []
    return [part.strip(" []") for part in value.split("] [") if part.strip(" []")]


def _merge_comments(remarks: str, more: str) -> str:
    """Continue a remarks field cut at OFAC's column limit with its comments row (both raw)."""
    if clean_text(remarks) is None:
        return more
    if remarks.rstrip().endswith(more.strip()):
        return remarks  # the comments file repeats an ending we already have
    if len(remarks) < REMARKS_LIMIT and remarks.rstrip().endswith("."):
        return remarks  # complete: the comments row belongs to another version of the entry
    return remarks + more


def _address(cells: list[str]) -> Address | None:
    street, city, written = (clean_text(cell) for cell in cells[2:5])
    if not (street or city or written):
        return None
    code, country, region = address_country(written)
    full = ", ".join(part for part in (street, city, region, country) if part)
    return Address(full=full, street=street, city=city, region=region, country=code, country_name=country)


def _entry(cells: list[str], dataset: str, warnings: list[str]) -> Entity:
    """An entity from one primary row, without what its remarks say."""
    ent_num = cells[0]
    name, sdn_type, program, title, call_sign, vess_type, tonnage, grt, flag, owner = (
        None if cell == NULL else clean_text(cell) for cell in cells[1:11]
    )
    if not name:
        raise FormatError(f"OFAC {FILE_NAMES['sdn']}: entry {ent_num} has no name.")
    schema = SCHEMA_WORDS.get((sdn_type or "").lower())
    if schema is None:
        warnings.append(f"entry {ent_num} has unknown type {sdn_type!r}; kept as LegalEntity")
        schema = Schema.LEGAL_ENTITY
    entity = Entity(id=entity_id(dataset, ent_num), dataset=dataset, source_id=ent_num, schema=schema)
    entity.add_name(name, NameKind.PRIMARY, **(split_person_name(name) if schema == Schema.PERSON else {}))
    entity.programs.extend(split_programs(program))
    for position in positions_of(title):
        entity.add_unique("positions", position)
    entity.add_identifier(IdentifierType.CALL_SIGN, call_sign, note="Call Sign")
    entity.add_extra("type", vess_type)
    entity.add_extra("tonnage", tonnage)
    entity.add_extra("grossRegisteredTonnage", grt)
    entity.add_extra("flag", to_code(flag) if flag else None)
    entity.add_extra("owner", owner)
    return entity


def _add_aliases(entities: dict[str, Entity], rows: list[list[str]], warnings: list[str]) -> None:
    skipped: list[str] = []
    for cells in rows:
        entity = entities.get(cells[0])
        if entity is None:
            skipped.append(cells[0])
            continue
        alias = clean_text(cells[3])
        if alias:
            kind = ALIAS_KINDS.get(cells[2].strip().lower(), NameKind.ALIAS)
            entity.add_name(alias, kind, **(split_person_name(alias) if entity.schema == Schema.PERSON else {}))
    if skipped:
        warnings.append(
            f"skipped {len(skipped)} aliases whose entry is absent from the primary file ({len(set(skipped))} entries)"
        )


def _add_addresses(entities: dict[str, Entity], rows: list[list[str]], warnings: list[str]) -> None:
    skipped = 0
    for cells in rows:
        entity = entities.get(cells[0])
        if entity is None:
            skipped += 1
            continue
        address = _address(cells)
        if address is not None and address not in entity.addresses:
            entity.addresses.append(address)
            if address.country:
                entity.add_unique("countries", address.country)
        entity.add_unique("remarks", clean_text(cells[5]))
    if skipped:
        warnings.append(f"skipped {skipped} addresses whose entry is absent from the primary file")


def parse(files: dict[str, bytes], dataset: str) -> ParseResult:
    if "sdn" not in files:
        raise FormatError("OFAC CSV: the primary file (SDN.CSV or CONS_PRIM.CSV, role 'sdn') is missing.")
    # read every file before any work, so a wrong or damaged one fails fast
    primary = _rows(files["sdn"], "sdn", SDN_COLUMNS)
    alt_rows = _rows(files["alt"], "alt", ALT_COLUMNS) if files.get("alt") else []
    add_rows = _rows(files["add"], "add", ADD_COLUMNS) if files.get("add") else []
    comment_rows = _rows(files["comments"], "comments", COMMENTS_COLUMNS) if files.get("comments") else []
    warnings: list[str] = []
    comments: dict[str, str] = {}
    for cells in comment_rows:
        comments[cells[0]] = comments.get(cells[0], "") + cells[1]

    entities: dict[str, Entity] = {}
    remarks: dict[str, str] = {}
    names: dict[str, list[str]] = defaultdict(list)
    for cells in primary:
        ent_num = cells[0]
        if ent_num in entities:
            warnings.append(f"entry {ent_num} appears twice in the primary file; the first row was kept")
            continue
        entity = entities[ent_num] = _entry(cells, dataset, warnings)
        names[entity.caption].append(ent_num)
        remarks[ent_num] = _merge_comments(cells[11], comments.pop(ent_num)) if ent_num in comments else cells[11]
    if comments:
        warnings.append(f"skipped {len(comments)} comment rows whose entry is absent from the primary file")
    _add_aliases(entities, alt_rows, warnings)
    for ent_num, entity in entities.items():
        parsed = parse_remarks(clean_text(remarks[ent_num]))
        # the Title column is repeated, unlabelled, in the remarks: it is a position already
        parsed.other = [piece for piece in parsed.other if piece not in entity.positions]
        apply_remarks(entity, parsed, dataset, names)
    _add_addresses(entities, add_rows, warnings)
    return ParseResult(entities=list(entities.values()), published=None, warnings=warnings)
