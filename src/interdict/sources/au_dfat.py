"""Australia's DFAT Consolidated List (regulation8_consolidated.xlsx).

The sheet has one row per *name*: a listing's primary name carries reference
"2", its other names "2a", "2b", "2c1"... and every row repeats the listing's
facts (sometimes with small differences, e.g. an alias with its own birth
date). So rows are grouped by the numeric part of `Reference` and their facts
united; the entity's source id is that number.

Identifiers have no column of their own: passports, IMO numbers, titles and
designations sit in the free text of "Additional Information". Only what the
text states with a label is taken from it; the full text is kept as a remark.
"""

from __future__ import annotations

import io
import re
import warnings
import zipfile
from datetime import date, datetime

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from ..countries import to_code
from ..errors import FormatError, UnsafeXMLError
from ..model import Address, Entity, IdentifierType, NameKind, Schema, clean_text
from .base import ParseResult, entity_id
from .ca_sema import is_latin
from .dates import MONTHS, parse_date, parse_dates

REQUIRED_ROLES = ("main",)

COLUMNS = {
    "reference": "Reference",
    "name": "Name of Individual or Entity",
    "type": "Type",
    "name_type": "Name Type",
    "dob": "Date of Birth",
    "pob": "Place of Birth",
    "citizenship": "Citizenship",
    "address": "Address",
    "info": "Additional Information",
    "listing": "Listing Information",
    "committees": "Committees",
    "control": "Control Date",
}
REQUIRED = ("reference", "name", "type", "name_type")

# Type -> schema; an unknown type is LegalEntity.
SCHEMA_WORDS: dict[str, Schema] = {
    "individual": Schema.PERSON,
    "entity": Schema.ORGANIZATION,
    "vessel": Schema.VESSEL,
    "aircraft": Schema.AIRPLANE,
}

# Name Type -> name kind; an unknown name type is read as an alias (and reported).
NAME_KIND_WORDS: dict[str, NameKind] = {
    "primary name": NameKind.PRIMARY,
    "aka": NameKind.ALIAS,
    "a.k.a.": NameKind.ALIAS,
    "original script": NameKind.ORIGINAL_SCRIPT,
    "formerly known as": NameKind.FORMER,
    "fka": NameKind.FORMER,
    "previously listed as": NameKind.FORMER,
}

PLACEHOLDERS = frozenset({"na", "n/a", "none", "nil", "-", "unknown", "not known"})

MAX_UNPACKED_BYTES = 300_000_000

# What openpyxl raises on a damaged or foreign zip: missing parts (KeyError),
# cut XML (ParseError), bad values (ValueError/TypeError), its own InvalidFileException.
_WORKBOOK_ERRORS = (
    KeyError,
    IndexError,
    ValueError,
    TypeError,
    AttributeError,
    OSError,
    EOFError,
    SyntaxError,  # ElementTree's ParseError and lxml's XMLSyntaxError both derive from it
    zipfile.BadZipFile,
    InvalidFileException,
)

# Notes DFAT writes inside a name cell: "Nik Mohammad (previously listed as)",
# "Merai Zoghbai (previously listed as, in Arabic: مرعي زغبي)", "El Para (combat name)".
_FORMER_NOTE = re.compile(r"\s*\((?:previously|formerly)\s+listed\s+as\b[.,]?\s*(?:in\s+arabic\s*:\s*([^)]*))?\)", re.IGNORECASE)
_PLAIN_NOTE = re.compile(r"\s*\((?:birth name|combat name|call sign)\)", re.IGNORECASE)

_DOCTYPE = re.compile(rb"<!DOCTYPE|<!ENTITY", re.IGNORECASE)
_REFERENCE = re.compile(r"^(\d+)([A-Za-z][A-Za-z0-9]*)?$")
_LETTERED = re.compile(r"(?:^|(?<=\s)|(?<=;))\(?[a-h]\)\s*")
_TITLE = re.compile(r"\bTitle\s*:\s*(.+?)(?=\s*Designation\s*:|\.\s+[A-Z]|\.?\s*$)", re.DOTALL)
_DESIGNATION = re.compile(r"\bDesignation\s*:\s*(.+?)(?=\.\s+[A-Z]|\.?\s*$)", re.DOTALL)
_GENDER = re.compile(r"\b(?:gender|sex)\s*:\s*(male|female)\b", re.IGNORECASE)
_IMO = re.compile(r"\bIMO\b[^0-9]{0,40}?(\d{7})\b")
_PASSPORT = re.compile(r"\bpassport\b", re.IGNORECASE)
_NATIONAL_ID = re.compile(r"\bnational\s+(?:identification|identity|ID)\b|\btazkira\b", re.IGNORECASE)
# Where the statement about one document ends and the next topic starts.
_SEGMENT_END = re.compile(
    r"\bnational\s+(?:identification|identity|ID)\b|\btazkira\b|\bTitle\s*:|\bDesignation\s*:|\bAddress\b|\bListed on\b"
    r"|\bGender\b|\bPhysical description\b|\bOther information\b|\bpassport\b|\.\s+(?=[A-Z][a-z]{2,})",
    re.IGNORECASE,
)
# A document number: digits with an optional letter prefix ("OR 1961825", "B/001897",
# "KC-285901") or a capitalised letter/digit mix ("05AT521433", "FK117RK0").
_DOC_NUMBER = re.compile(
    r"(?<![\w/.-])((?:[A-Z]{1,3}[ /-]?)?\d[\d/-]{4,}\d[A-Z]?|(?=[A-Z0-9]*\d[A-Z0-9]*\d[A-Z0-9]*\d)[A-Z0-9]*[A-Z][A-Z0-9]{5,})(?![\w/])"
)
# "Passport No.: 983": a short number counts only right after the label.
_LABELLED_NUMBER = re.compile(r"^\s*(?:no\.?|number)\s*[:.]?\s*(\d{3,})(?![\w/])", re.IGNORECASE)
_NUMERIC_DATE = re.compile(r"^\d{1,2}[/-]\d{1,2}[/-]\d{2,4}$|^\d{4}-\d{2}-\d{2}$")
_LISTING_DATE = re.compile(
    r"\b(\d{1,2})(?:st|nd|rd|th)?\s+([A-Za-z]{3,9})\.?,?\s+(\d{4})\b|\b(\d{1,2}/\d{1,2}/\d{4})\b|\b(\d{4}-\d{2}-\d{2})\b"
)


def parse(files: dict[str, bytes], dataset: str) -> ParseResult:
    what = f"{dataset}: the DFAT consolidated list (regulation8_consolidated.xlsx)"
    rows, published = _read_sheet(files["main"], what)
    warnings_: list[str] = []
    groups: dict[str, list[dict[str, object]]] = {}
    bad_references: list[str] = []
    for row in rows:
        reference = _reference_text(row.get("reference"))
        match = _REFERENCE.match(reference or "")
        if not match:
            bad_references.append(reference or "(blank)")
            continue
        groups.setdefault(match.group(1), []).append(row)
    if not groups:
        raise FormatError(f"{what} has no rows with a Reference: is it the right file?")

    entities = []
    no_primary = 0
    unknown_kinds: dict[str, int] = {}
    for number, group in groups.items():
        entity, had_primary = _entity(number, group, dataset, unknown_kinds)
        no_primary += 0 if had_primary else 1
        entities.append(entity)

    if bad_references:
        warnings_.append(f"skipped {len(bad_references)} rows whose Reference is not a number (+ letters): {bad_references[:5]}")
    if no_primary:
        warnings_.append(f"{no_primary} listings have no 'Primary Name' row; their first row's name was used as primary")
    if unknown_kinds:
        warnings_.append(f"read unknown Name Type values as aliases: {unknown_kinds}")
    return ParseResult(entities=entities, published=published, warnings=warnings_)


def _read_sheet(data: bytes, what: str) -> tuple[list[dict[str, object]], str | None]:
    """Rows of the first sheet as dicts keyed by COLUMNS keys, refusing non-xlsx bytes clearly."""
    if not data or not data.strip():
        raise FormatError(f"{what} is empty.")
    head = data[:512].lstrip().lower()
    if head.startswith((b"<!doctype html", b"<html")):
        raise FormatError(f"{what} is an HTML page, not the list (the server may have returned an error page).")
    if not data.startswith(b"PK\x03\x04"):
        raise FormatError(f"{what} is not an XLSX workbook (no zip signature).")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise FormatError(f"{what} is a damaged or truncated XLSX file: {exc}") from None
    if unpacked > MAX_UNPACKED_BYTES:
        raise FormatError(f"{what} claims {unpacked} unpacked bytes; refusing to open it.")
    _refuse_dtds(archive, what)

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
            try:
                sheet = workbook.worksheets[0]
                header_index, positions = _find_header(list(sheet.iter_rows(max_row=20, values_only=True)), what)
                # the sheet declares ~255 columns; reading only ours halves the time
                last_column = max(positions.values()) + 1
                raw_rows = list(sheet.iter_rows(min_row=header_index + 2, max_col=last_column, values_only=True))
                modified = workbook.properties.modified if workbook.properties else None
            finally:
                workbook.close()
    except FormatError:
        raise
    except _WORKBOOK_ERRORS as exc:
        raise FormatError(
            f"{what} could not be read as an XLSX workbook (damaged or truncated?): {type(exc).__name__}: {exc}"
        ) from None

    rows: list[dict[str, object]] = []
    for raw in raw_rows:
        if not any(value not in (None, "") for value in raw):
            continue
        rows.append({key: raw[index] if index < len(raw) else None for key, index in positions.items()})
    published = modified.date().isoformat() if isinstance(modified, datetime) else None
    if published is None:
        controls = [_iso(row.get("control")) for row in rows]
        published = max((value for value in controls if value), default=None)
    return rows, published


def _refuse_dtds(archive: zipfile.ZipFile, what: str) -> None:
    """Workbook XML never declares a DTD; one that does is refused, as xmlsafe does for XML lists.

    A DOCTYPE must precede the root element, so each part's head is enough.
    """
    for info in archive.infolist():
        if not info.filename.lower().endswith((".xml", ".rels", ".vml")):
            continue
        try:
            with archive.open(info) as member:
                head = member.read(65536)
        except (zipfile.BadZipFile, OSError, EOFError, RuntimeError) as exc:
            raise FormatError(f"{what} is a damaged or truncated XLSX file: {exc}") from None
        if _DOCTYPE.search(head):
            raise UnsafeXMLError(
                f"{what}: part {info.filename} declares a DTD or entities; workbooks never do, so it was refused."
            )


def _find_header(raw_rows: list[tuple[object, ...]], what: str) -> tuple[int, dict[str, int]]:
    wanted = {label.lower(): key for key, label in COLUMNS.items()}
    for index, raw in enumerate(raw_rows[:20]):
        labels = [(clean_text(value) or "").lower() for value in raw]
        positions = {wanted[label]: column for column, label in enumerate(labels) if label in wanted}
        if "reference" in positions:
            missing = [COLUMNS[key] for key in REQUIRED if key not in positions]
            if missing:
                raise FormatError(f"{what} lacks the columns {missing}: is it the right file?")
            return index, positions
    raise FormatError(f"{what} has no header row with a 'Reference' column: is it the right file?")


def _reference_text(value: object) -> str | None:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return clean_text(value)


def _text(value: object) -> str | None:
    if isinstance(value, (datetime, date)):
        return value.isoformat()[:10]
    text = clean_text(value)
    if not text or text.lower().strip(" .") in PLACEHOLDERS:
        return None
    return text


def _entity(number: str, group: list[dict[str, object]], dataset: str, unknown_kinds: dict[str, int]) -> tuple[Entity, bool]:
    kinds = [NAME_KIND_WORDS.get((clean_text(row.get("name_type")) or "").lower()) for row in group]
    primary_rows = [row for row, kind in zip(group, kinds) if kind == NameKind.PRIMARY]
    main = primary_rows[0] if primary_rows else group[0]
    type_text = (clean_text(main.get("type")) or "").lower()
    schema = SCHEMA_WORDS.get(type_text, Schema.LEGAL_ENTITY)
    entity = Entity(id=entity_id(dataset, number), dataset=dataset, source_id=number, schema=schema)

    _add_name(entity, main.get("name"), NameKind.PRIMARY)
    for row, kind in zip(group, kinds):
        if row is main:
            continue
        if kind is None:
            label = clean_text(row.get("name_type")) or "(blank)"
            unknown_kinds[label] = unknown_kinds.get(label, 0) + 1
        _add_name(entity, row.get("name"), NameKind.ALIAS if kind is None or kind == NameKind.PRIMARY else kind)

    for column, handler in _FACTS.items():
        for value in _distinct(group, column):
            handler(entity, value)
    controls = [_iso(value) for value in _distinct(group, "control")]
    entity.add_extra("modifiedAt", max((value for value in controls if value), default=None))
    if not entity.names:
        entity.add_name(number, NameKind.PRIMARY)
    return entity, bool(primary_rows)


def _add_name(entity: Entity, value: object, kind: NameKind) -> None:
    name = clean_text(value)
    if not name:
        return
    former = _FORMER_NOTE.search(name)
    if former:
        if former.group(1):
            entity.add_name(former.group(1), NameKind.ORIGINAL_SCRIPT)
        name = _FORMER_NOTE.sub("", name)
        kind = NameKind.FORMER if kind != NameKind.PRIMARY else kind
    name = _PLAIN_NOTE.sub("", name)
    if kind == NameKind.ALIAS and not is_latin(name):
        kind = NameKind.ORIGINAL_SCRIPT  # DFAT labels some Arabic-script names plain "aka"
    entity.add_name(name, kind)


def _distinct(group: list[dict[str, object]], column: str) -> list[object]:
    """A column's values across a listing's rows, once each: the rows mostly repeat each other."""
    return list(dict.fromkeys(row.get(column) for row in group if row.get(column) not in (None, "")))


def _add_birth_dates(entity: Entity, value: object) -> None:
    if _text(value):
        for parsed in parse_dates(value if isinstance(value, (datetime, date)) else str(value)):
            if parsed not in entity.birth_dates:
                entity.birth_dates.append(parsed)


def _add_birth_places(entity: Entity, value: object) -> None:
    for place in _items(_text(value)):
        entity.add_unique("birth_places", place.rstrip("."))


def _add_citizenships(entity: Entity, value: object) -> None:
    for code in countries_in(_text(value)):
        entity.add_unique("citizenships" if entity.schema == Schema.PERSON else "countries", code)


def _add_addresses(entity: Entity, value: object) -> None:
    for text in _items(_text(value), extra_separators=r";|>>|\n"):
        _add_address(entity, text)


def _add_info(entity: Entity, value: object) -> None:
    info = _text(value)
    if info:
        entity.add_unique("remarks", info)
        _info_facts(entity, info)


def _add_listing(entity: Entity, value: object) -> None:
    entity.add_unique("listed_on", _listing_date(value))
    if isinstance(value, str) and _text(value):
        entity.add_unique("remarks", f"Listing: {_text(value)}")


_FACTS = {
    "dob": _add_birth_dates,
    "pob": _add_birth_places,
    "citizenship": _add_citizenships,
    "address": _add_addresses,
    "committees": lambda entity, value: entity.add_unique("programs", _text(value)),
    "info": _add_info,
    "listing": _add_listing,
}


def _items(text: str | None, extra_separators: str = r";") -> list[str]:
    """Split "a) X b) Y" and separator-joined lists into items."""
    if not text:
        return []
    pieces = re.split(_LETTERED.pattern + "|" + extra_separators, text)
    return [clean for piece in pieces if (clean := clean_text((piece or "").strip(" ,;"))) and clean.lower() not in PLACEHOLDERS]


def countries_in(text: str | None) -> list[str]:
    """Country codes in "a) Jordan b) United States", "Russian, German", "Trinidad and Tobago"."""
    if not text:
        return []
    whole = to_code(_strip_note(text))
    if whole:
        return [whole]
    codes: list[str] = []
    for piece in re.split(_LETTERED.pattern + r"|;|,|/|\n", text):
        piece = _strip_note(piece or "")
        if not piece:
            continue
        code = to_code(piece)
        candidates = [code] if code else [to_code(part) for part in re.split(r"\s+and\s+", piece)]
        for candidate in candidates:
            if candidate and candidate not in codes:
                codes.append(candidate)
    return codes


def _strip_note(text: str) -> str:
    """ "Indonesian (as at Dec. 2003)" -> "Indonesian"; "Possibly Ethiopian" -> "Ethiopian"."""
    text = re.sub(r"\([^)]*\)", " ", text)
    text = re.sub(r"^\s*possibly\s+", "", text, flags=re.IGNORECASE)
    return " ".join(text.split()).strip(" .;,")


def _add_address(entity: Entity, text: str) -> None:
    country_name = _strip_note(text.rsplit(",", 1)[-1])
    code = to_code(country_name) or to_code(text)
    for existing in entity.addresses:
        if existing.full == text:
            return
    entity.addresses.append(Address(full=text, country=code, country_name=country_name if code else None))


def _info_facts(entity: Entity, info: str) -> None:
    for match in _TITLE.finditer(info) if entity.schema == Schema.PERSON else ():
        titles = [title.strip("\"'“”‘’ ") for title in _items(match.group(1), r";|,")]
        for title in titles:
            entity.add_extra("title", title)
        if titles and entity.names and entity.names[0].title is None:
            entity.names[0].title = titles[0]
    for match in _DESIGNATION.finditer(info):
        for position in _items(match.group(1), r";"):
            entity.add_unique("positions", position.strip(" ,."))
    gender = _GENDER.search(info)
    if gender and entity.schema == Schema.PERSON:
        entity.gender = gender.group(1).lower()
    for match in _IMO.finditer(info):
        entity.add_identifier(IdentifierType.IMO, match.group(1))
    _documents(entity, info, _PASSPORT, IdentifierType.PASSPORT)
    _documents(entity, info, _NATIONAL_ID, IdentifierType.NATIONAL_ID)


def _documents(entity: Entity, info: str, keyword: re.Pattern[str], kind: IdentifierType) -> None:
    """Numbers stated right after "passport" / "national identification" labels."""
    for match in keyword.finditer(info):
        rest = info[match.end() : match.end() + 240]
        stop = _SEGMENT_END.search(rest)
        segment = rest[: stop.start()] if stop else rest
        before = info[max(0, match.start() - 30) : match.start()].split()
        word = before[-1].strip("().,;:") if before else ""
        country = to_code(word) if len(word) > 3 else None  # "Libyan passport"; not "in"/"no"
        numbers = list(_DOC_NUMBER.finditer(segment)) or list(_LABELLED_NUMBER.finditer(segment))
        for number in numbers:
            value = number.group(1)
            if _NUMERIC_DATE.match(value):
                continue
            after = segment[number.end() :]
            bracketed = re.match(r"\s*\(([^)]+)\)", after)
            note_country = to_code(bracketed.group(1)) if bracketed else None
            entity.add_identifier(kind, value.replace(" ", ""), country=country or note_country)


def _listing_date(value: object) -> str | None:
    """The first date in "Listed by UN 1267 Committee on 25 January 2001 (amended ...)"."""
    if isinstance(value, (datetime, date)):
        return _iso(value)
    text = _text(value)
    if not text:
        return None
    for match in _LISTING_DATE.finditer(text):
        if match.group(2):
            if match.group(2).lower().rstrip(".") not in MONTHS:
                continue
            parsed = parse_date(f"{match.group(1)} {match.group(2)} {match.group(3)}")
        else:
            parsed = parse_date(match.group(4) or match.group(5))
        if parsed and parsed.start and len(parsed.start) == 10:
            return parsed.start
    return None


def _iso(value: object) -> str | None:
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    parsed = parse_date(value) if value is not None else None
    return parsed.start if parsed and parsed.start and not parsed.end else None
