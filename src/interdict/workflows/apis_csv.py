"""CSV/APIS-style manifests: one row per traveller, flight details repeated on each row.

Airline and general-aviation tools export manifests as CSV with their own
column names; data/apis_columns.toml maps the usual ones (last_name, surname,
DOB, passport_number, aircraft_registration...) onto one set of fields. A file
needs a family-name column (or a full-name one); everything else is optional.

    flight_number,tail_number,departure_airport,arrival_airport,departure_date,role,last_name,first_name,birth_date,nationality,document_type,document_number
    LXMOW01,LX-MOW,LBG,MLE,2025-06-02,crew,DUPONT,MARC,1979-04-11,FRA,P,19FR44120

A private jet is identified by its tail number (`tail_number` or
`aircraft_registration`), which is looked up in the lists' aircraft identifiers.
"""

from __future__ import annotations

import csv
import io
import re
import tomllib
from collections.abc import Callable
from functools import lru_cache
from importlib import resources

from ..countries import to_code
from ..errors import InputError
from ..textfiles import csv_delimiter
from .checks import decode_document
from .document import DESTINATION, ORIGIN, Country, Identifier, Location, ParsedDocument, Party
from .limits import DocumentLimits, current_limits
from .travel_dates import parse_flexible, today

WHAT = "APIS CSV"
CREW_WORDS = {"crew", "c", "fm", "ddt", "pilot", "captain", "cabin crew", "flight crew"}


@lru_cache(maxsize=1)
def column_aliases() -> dict[str, str]:
    """Normalised header → field, validated: one header may mean one field only."""
    text = resources.files(__package__).joinpath("data", "apis_columns.toml").read_text(encoding="utf-8")
    table = tomllib.loads(text)
    aliases: dict[str, str] = {}
    for field_name, headers in table.items():
        if not isinstance(headers, list) or not headers:
            raise InputError(f"apis_columns.toml: '{field_name}' must list at least one header.")
        for header in headers:
            key = _header_key(str(header))
            if key in aliases and aliases[key] != field_name:
                raise InputError(f"apis_columns.toml: header {header!r} is listed for both {aliases[key]} and {field_name}.")
            aliases[key] = field_name
    return aliases


def _header_key(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", text.strip().lower()).strip("_")


def parse_apis_csv(data: bytes, limits: DocumentLimits | None = None) -> ParsedDocument:
    """The flight and travellers of a manifest CSV; limits: max_field_chars per cell, max_travellers."""
    limits = limits or current_limits()
    text = decode_document(data)
    # The delimiter only, from the header; the quote is always '"' (textfiles.csv_delimiter).
    delimiter = csv_delimiter(text.split("\n", 1)[0], column_aliases())
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, quotechar='"', doublequote=True)
    try:
        header = next(reader)
    except StopIteration:
        raise InputError(f"{WHAT}: the file is empty.") from None
    except csv.Error as exc:
        raise InputError(f"{WHAT} line 1: {exc}") from None
    aliases = column_aliases()
    columns: dict[str, int] = {}
    for position, name in enumerate(header):
        field_name = aliases.get(_header_key(name))
        if field_name and field_name not in columns:
            columns[field_name] = position
    if "family_name" not in columns and "full_name" not in columns:
        shown = ", ".join(repr(name) for name in header[:12])
        raise InputError(
            f"{WHAT}: no family-name column (last_name, surname, family_name) or full_name column; the header has {shown}."
        )
    document = ParsedDocument(format=WHAT, reference=None)
    reference_date = today()
    counts = {"passenger": 0, "crew": 0}
    seen_flight: set[tuple[str, str]] = set()
    flight, departure = "", ""
    try:
        for row in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in row):
                continue
            if counts["passenger"] + counts["crew"] >= limits.max_travellers:
                raise limits.exceeded("max_travellers", f"{WHAT} line {line}: more than {limits.max_travellers:,} travellers")
            longest = max(range(len(row)), key=lambda i: len(row[i]))
            if len(row[longest]) > limits.max_field_chars:
                raise limits.exceeded(
                    "max_field_chars", f"{WHAT} line {line}, column {longest + 1}: a cell of {len(row[longest]):,} characters"
                )

            cell = _cells(row, columns)

            for name, kind in (("tail_number", "tail_number"), ("flight_number", "tail_number")):
                value = cell(name)
                if value and (name, value) not in seen_flight:
                    seen_flight.add((name, value))
                    document.add(Identifier(name, value, kind))
            flight = flight or cell("flight_number") or cell("tail_number")
            departure = departure or cell("departure_date")[:10]
            carrier = cell("carrier")
            if len(carrier) > 3 and ("carrier", carrier) not in seen_flight:
                seen_flight.add(("carrier", carrier))
                document.add(Party("carrier", carrier, "Organization", "carrier"))
            for name, direction in (("departure_airport", ORIGIN), ("arrival_airport", DESTINATION)):
                value = cell(name)
                if value and (name, value) not in seen_flight:
                    seen_flight.add((name, value))
                    if re.fullmatch(r"[A-Za-z]{3}", value):
                        document.add(Country(name, value.upper(), direction, "airport"))
                    else:
                        document.add(Location(name, value, direction))
            _traveller(row, line, cell, columns, counts, reference_date, document)
    except csv.Error as exc:
        raise InputError(f"{WHAT} line {reader.line_num}: {exc}") from None
    if not counts["passenger"] and not counts["crew"]:
        raise InputError(f"{WHAT}: the file has a header but no travellers.")
    document.reference = f"{flight} {departure}".strip() or None
    return document


def _cells(row: list[str], columns: dict[str, int]) -> Callable[[str], str]:
    """Reader of one row's fields by name ('' when the column is absent or short)."""

    def cell(name: str) -> str:
        position = columns.get(name)
        return row[position].strip() if position is not None and position < len(row) else ""

    return cell


def _traveller(row, line, cell, columns, counts, reference_date, document: ParsedDocument) -> None:  # noqa: ANN001 - internal helper of parse_apis_csv
    family = cell("family_name")
    given = " ".join(part for part in (cell("given_names"), cell("middle_name")) if part)
    full = cell("full_name")
    if not family and full:
        if "," in full:
            family, given = (part.strip() for part in full.split(",", 1))
        else:
            parts = full.split()
            family, given = parts[-1], " ".join(parts[:-1])
    if not family:
        raise InputError(f"{WHAT} line {line}: the traveller has no family name (column {_column_name('family_name', columns)}).")
    role = "crew" if cell("role").lower() in CREW_WORDS else "passenger"
    counts[role] += 1
    birth = cell("birth_date")
    birth_date = parse_flexible(birth, reference_date, True, f"{WHAT} line {line}, birth date") if birth else None
    expiry = cell("document_expiry")
    if expiry:
        parse_flexible(expiry, reference_date, False, f"{WHAT} line {line}, document expiry")
    nationalities = []
    value = cell("nationality")
    if value:
        code = to_code(value)
        if code is None:
            raise InputError(f"{WHAT} line {line}: nationality {value!r} is not a country name or ISO code.")
        nationalities.append(code)
    residence = [code for code in (to_code(cell("residence")),) if code]
    documents = (
        [cell("document_number")] if cell("document_number") and cell("document_type").upper() not in ("V", "VISA") else []
    )
    document.add(
        Party(
            field=f"line {line} {role} {counts[role]}",
            name=" ".join(part for part in (given, family) if part),
            schema="Person",
            role=role,
            birth_date=birth_date.isoformat() if birth_date else None,
            nationalities=tuple(nationalities),
            countries=tuple(residence),
            documents=tuple(documents),
            family_name=family,
        )
    )


def _column_name(field_name: str, columns: dict[str, int]) -> str:
    return field_name if field_name in columns else "full_name"
