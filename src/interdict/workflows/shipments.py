"""Screen a shipment record the way an exporter's, forwarder's or customs' check does.

Input: one JSON object or a one-row CSV (the same fields flattened with `_`):

    {"reference": "BL-HAM-2025-0815",
     "shipper":       {"name": "...", "address": "...", "country": "DE"},
     "consignee":     {"name": "...", "address": "...", "country": "AE"},
     "notify_party":  {"name": "..."},
     "carrier":       {"name": "..."},                 # or plain strings for any party
     "vessel":        {"name": "MT ARTAVIL", "imo": "9187629", "flag": "IR"},
     "port_of_loading":   "Hamburg, Germany",          # or {"name": ..., "locode": "DEHAM", "country": "DE"}
     "port_of_discharge": "Bandar Abbas (IRBND)",
     "place_of_receipt": ..., "place_of_delivery": ..., "transshipment_ports": [...],
     "origin_country": "DE", "destination_country": "AE",
     "goods_description": "..."}

Checks: every party by name (and its country), the vessel by IMO (check digit
validated) and by name, every port and country against the embargo rules with
its direction (loading and shipper are the origin; discharge, delivery,
consignee and notify party the destination), and the goods description as free
text. Unknown keys are refused, so a misspelt "consigne" cannot hide a party.

Hostile records are refused with the place named: JSON nested deeper than
`max_json_depth` (checked by a scan before json.loads, whose recursion would
otherwise fail), unpaired surrogates (`"\ud800"` decodes to no valid text),
strings over `max_field_chars`, numbers too long to convert.

One function serves the library, `interdict screen-shipment` and `POST /screen/shipment`.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..match.screener import Screener
from .checks import as_bytes, check_deadline, check_size, decode_document, screen_parsed
from .document import COUNTRY, Country, FreeText, Identifier, Location, ParsedDocument, Party
from .limits import DocumentLimits, current_limits
from .shipment_fields import COUNTRIES, PARTIES, PLACES, TOP_KEYS
from .sniff import SHIPMENT, wrong_kind
from .verdict import Verdict

PARTY_KEYS = {"name", "address", "country"}
VESSEL_KEYS = {"name", "imo", "flag"}
PLACE_KEYS = {"name", "locode", "country"}
VESSEL_PREFIXES = re.compile(r"^(?:M/?[VTS]|MV|MT|SS|M\.V\.|M\.T\.)\s+", re.IGNORECASE)
_LOCODE = re.compile(r"^[A-Z]{2} ?[A-Z2-9]{3}$")
_LOCODE_IN_PARENS = re.compile(r"\(([A-Z]{2} ?[A-Z2-9]{3})\)")
_JSON_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"?|[\[\]{}]')  # a string (skipped) or a bracket
_SURROGATE = re.compile("[\ud800-\udfff]")


def imo_valid(number: str) -> bool:
    """IMO ship numbers end in a check digit: the weighted sum of the first six digits (7..2), mod 10."""
    if not re.fullmatch(r"\d{7}", number):
        return False
    total = sum(int(digit) * weight for digit, weight in zip(number[:6], range(7, 1, -1)))
    return total % 10 == int(number[6])


def parse_shipment(data: bytes | str | dict[str, Any], limits: DocumentLimits | None = None) -> ParsedDocument:
    """The parties, vessel, places and goods of a shipment record (no screening)."""
    limits = limits or current_limits()
    if isinstance(data, dict):
        _check_values(data, "shipment JSON", limits)
        record, fmt = data, "shipment JSON"
    else:
        data = as_bytes(data)
        check_size(data, "shipment record", limits)
        wrong = wrong_kind(data, SHIPMENT)
        if wrong is not None:
            raise wrong
        text = decode_document(data)
        if text.lstrip()[:1] in ("{", "["):
            _check_depth(text, limits)
            try:
                record = json.loads(text)
            except json.JSONDecodeError as exc:
                raise InputError(f"shipment JSON line {exc.lineno}, column {exc.colno}: {exc.msg}.") from None
            except (ValueError, RecursionError) as exc:  # e.g. an integer of 5,000 digits
                problem = str(exc).split(";")[0]
                raise InputError(f"shipment JSON cannot be read: {problem}.") from None
            _check_values(record, "shipment JSON", limits)
            fmt = "shipment JSON"
        else:
            record, fmt = _from_csv(text, limits), "shipment CSV"
    if not isinstance(record, dict):
        raise InputError("shipment JSON must be one object ({...}) describing one shipment.")
    return _Reader(fmt).read(record)


def _check_depth(text: str, limits: DocumentLimits) -> None:
    """Refuse JSON nested deeper than max_json_depth, before json.loads recurses into it."""
    depth = 0
    for match in _JSON_TOKEN.finditer(text):
        token = match.group(0)
        if token in ("[", "{"):
            depth += 1
            if depth > limits.max_json_depth:
                line = text.count("\n", 0, match.start()) + 1
                column = match.start() - text.rfind("\n", 0, match.start())
                raise limits.exceeded(
                    "max_json_depth",
                    f"shipment JSON line {line}, column {column}: nested more than {limits.max_json_depth} levels deep",
                    "A shipment record nests 3 levels (record, party, field); send a flat record",
                )
        elif token in ("]", "}"):
            depth -= 1


def _check_values(record: Any, fmt: str, limits: DocumentLimits) -> None:
    """Every key and string of a decoded record: valid Unicode (no lone surrogates), at most max_field_chars.

    Iterative, so a deeply nested dict handed to the library cannot exhaust the stack either.
    """
    stack: list[tuple[Any, str, int]] = [(record, "record", 1)]
    while stack:
        value, path, depth = stack.pop()
        if depth > limits.max_json_depth:
            shown = path if len(path) <= 80 else path[:77] + "..."
            raise limits.exceeded(
                "max_json_depth",
                f"{fmt}: {shown} is nested more than {limits.max_json_depth} levels deep",
                "A shipment record nests 3 levels (record, party, field); send a flat record",
            )
        if isinstance(value, dict):
            for key, child in value.items():
                _check_text(str(key), f"{path} key", fmt, limits)
                stack.append((child, f"{key}" if path == "record" else f"{path}.{key}", depth + 1))
        elif isinstance(value, list):
            stack.extend((child, f"{path}[{number}]", depth + 1) for number, child in enumerate(value, start=1))
        elif isinstance(value, str):
            _check_text(value, path, fmt, limits)


def _check_text(text: str, path: str, fmt: str, limits: DocumentLimits) -> None:
    bad = _SURROGATE.search(text)
    shown = path.encode("utf-8", "backslashreplace").decode("utf-8")
    if bad:
        raise InputError(
            f"{fmt}: {shown} holds an unpaired surrogate ({bad.group(0).encode('unicode_escape').decode()}) at character "
            f"{bad.start() + 1}: it is not valid Unicode text."
        )
    if len(text) > limits.max_field_chars:
        raise limits.exceeded("max_field_chars", f"{fmt}: {shown} holds {len(text):,} characters")


def screen_shipment(
    data: bytes | str | dict[str, Any],
    screener: Screener | None = None,
    *,
    document: str | None = None,
    datasets: Iterable[str] | None = None,
    jurisdictions: Iterable[str] | None = None,
    embargoes: str | Path | None = None,
    day: date | None = None,
    deadline: float | None = None,
    limits: DocumentLimits | None = None,
    workers: int = 1,
) -> Verdict:
    """One verdict for one shipment record (bytes of JSON or CSV, or an already decoded JSON object).

    Arguments as screen_payment's.
    """
    check_deadline(deadline, "shipment record")
    parsed = parse_shipment(data, limits)
    return screen_parsed(
        parsed,
        screener,
        document=document,
        datasets=datasets,
        jurisdictions=jurisdictions,
        embargoes=embargoes,
        day=day,
        deadline=deadline,
        limits=limits,
        workers=workers,
    )


def _from_csv(text: str, limits: DocumentLimits) -> dict[str, Any]:
    """A one-row CSV, columns flattened: shipper_name, vessel_imo, port_of_loading_locode..."""
    rows: list[list[str]] = []
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        for row in reader:
            if any(cell.strip() for cell in row):
                rows.append(row)
            if len(rows) > 2:  # one shipment per file: no need to read a long file to refuse it
                break
    except csv.Error as exc:
        raise InputError(f"shipment CSV line {reader.line_num}: not readable CSV: {exc}.") from None
    if len(rows) < 2:
        raise InputError("shipment CSV needs a header row and one data row.")
    if len(rows) > 2:
        raise InputError("shipment CSV has more than one data row; one file holds one shipment (split it, or send JSON).")
    header, values = rows
    for position, cell in enumerate(header + values):
        if len(cell) > limits.max_field_chars:
            column = (position - len(header) if position >= len(header) else position) + 1
            raise limits.exceeded("max_field_chars", f"shipment CSV column {column}: a cell of {len(cell):,} characters")
    record: dict[str, Any] = {}
    for position, raw in enumerate(header):
        key = re.sub(r"[^a-z0-9]+", "_", raw.strip().lower()).strip("_")
        value = values[position].strip() if position < len(values) else ""
        if not key or not value:
            continue
        for prefix, allowed in ((p, PARTY_KEYS) for p in PARTIES):
            if key.startswith(prefix + "_") and key[len(prefix) + 1 :] in allowed:
                record.setdefault(prefix, {})[key[len(prefix) + 1 :]] = value
                break
        else:
            if key.startswith("vessel_") and key[7:] in VESSEL_KEYS:
                record.setdefault("vessel", {})[key[7:]] = value
            elif any(key == f"{place}_{part}" for place in PLACES for part in ("locode", "country")):
                place, part = key.rsplit("_", 1)
                current = record.get(place)
                record[place] = {"name": current} if isinstance(current, str) else (current or {})
                record[place][part] = value
            elif key in PLACES and isinstance(record.get(key), dict):
                record[key]["name"] = value
            elif key == "transshipment_ports":
                record[key] = [part.strip() for part in value.split(";") if part.strip()]
            else:
                record[key] = value
    return record


class _Reader:
    def __init__(self, fmt: str):
        self.fmt = fmt
        self.document = ParsedDocument(format=fmt, reference=None)

    def fail(self, path: str, problem: str) -> InputError:
        return InputError(f"{self.fmt}: {path} {problem}")

    def string(self, value: Any, path: str) -> str | None:
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            raise self.fail(path, f"must be text, not {type(value).__name__}.")
        try:
            text = " ".join(str(value).split())
        except ValueError:  # an integer too long to write out
            raise self.fail(path, "is a number too long to be an identifier or a name.") from None
        if not text:
            raise self.fail(path, "is empty.")
        return text

    def read(self, record: dict[str, Any]) -> ParsedDocument:
        unknown = set(record) - TOP_KEYS
        if unknown:
            raise self.fail(
                "record",
                f"has unknown field(s) {', '.join(sorted(map(str, unknown)))}; known fields: {', '.join(sorted(TOP_KEYS))}.",
            )
        self.document.reference = self.string(record.get("reference"), "reference")
        for key, direction in PARTIES.items():
            if record.get(key) is not None:
                self.party(record[key], key, direction)
        if not any(record.get(key) for key in ("shipper", "consignee")):
            raise self.fail("record", "names neither a shipper nor a consignee; a shipment needs at least one party.")
        if record.get("vessel") is not None:
            self.vessel(record["vessel"])
        for key, direction in PLACES.items():
            if record.get(key) is not None:
                self.place(record[key], key, direction)
        ports = record.get("transshipment_ports")
        if ports is not None:
            if not isinstance(ports, list):
                raise self.fail("transshipment_ports", "must be a list of ports.")
            for number, port in enumerate(ports, start=1):
                self.place(port, f"transshipment_ports[{number}]", COUNTRY)
        for key, direction in COUNTRIES.items():
            value = self.string(record.get(key), key)
            if value:
                self.document.add(Country(key, value, direction))
        goods = self.string(record.get("goods_description"), "goods_description")
        if goods:
            self.document.add(FreeText("goods_description", goods))
        return self.document

    def party(self, value: Any, key: str, direction: str) -> None:
        if isinstance(value, str):
            value = {"name": value}
        if not isinstance(value, dict):
            raise self.fail(key, "must be an object with name, address and country (or just the name).")
        unknown = set(value) - PARTY_KEYS
        if unknown:
            raise self.fail(key, f"has unknown field(s) {', '.join(sorted(map(str, unknown)))}; use name, address, country.")
        name = self.string(value.get("name"), f"{key}.name")
        if not name:
            raise self.fail(key, "has no name.")
        country = self.string(value.get("country"), f"{key}.country")
        address = self.string(value.get("address"), f"{key}.address")
        if country:
            self.document.add(Country(f"{key}.country", country, direction))
        if address:
            self.document.add(Location(f"{key}.address", address, direction))
        schema = "Organization" if key == "carrier" else "LegalEntity"
        codes = (country.lower(),) if country and len(country) == 2 else ()
        self.document.add(Party(key, name, schema, key, countries=codes))

    def vessel(self, value: Any) -> None:
        if isinstance(value, str):
            value = {"name": value}
        if not isinstance(value, dict):
            raise self.fail("vessel", "must be an object with name, imo and flag.")
        unknown = set(value) - VESSEL_KEYS
        if unknown:
            raise self.fail("vessel", f"has unknown field(s) {', '.join(sorted(map(str, unknown)))}; use name, imo, flag.")
        imo = self.string(value.get("imo"), "vessel.imo")
        if imo:
            digits = re.sub(r"^IMO[\s:.-]*", "", imo.upper()).strip()
            if not imo_valid(digits):
                raise self.fail("vessel.imo", f"{imo!r} is not a valid IMO number (7 digits, the last a check digit).")
            self.document.add(Identifier("vessel.imo", digits, "imo"))
        name = self.string(value.get("name"), "vessel.name")
        if name:
            bare = VESSEL_PREFIXES.sub("", name) or name
            self.document.add(Party("vessel.name", bare, "Vessel", "vessel"))
        flag = self.string(value.get("flag"), "vessel.flag")
        if flag:
            self.document.add(Country("vessel.flag", flag, COUNTRY, "flag"))
        if not (imo or name):
            raise self.fail("vessel", "has neither a name nor an IMO number.")

    def place(self, value: Any, key: str, direction: str) -> None:
        if isinstance(value, str):
            value = {"name": value}
        if not isinstance(value, dict):
            raise self.fail(key, "must be a place name or an object with name, locode and country.")
        unknown = set(value) - PLACE_KEYS
        if unknown:
            raise self.fail(key, f"has unknown field(s) {', '.join(sorted(map(str, unknown)))}; use name, locode, country.")
        name = self.string(value.get("name"), f"{key}.name")
        locode = self.string(value.get("locode"), f"{key}.locode")
        country = self.string(value.get("country"), f"{key}.country")
        if locode:
            if not _LOCODE.fullmatch(locode.upper()):
                raise self.fail(
                    f"{key}.locode", f"{locode!r} is not a UN/LOCODE (country code and three characters, e.g. IRBND)."
                )
            self.document.add(Country(f"{key}.locode", locode.upper().replace(" ", ""), direction, "UN/LOCODE"))
        if name:
            self.document.add(Location(key, name, direction))
            for code in _LOCODE_IN_PARENS.findall(name):
                self.document.add(Country(key, code.replace(" ", ""), direction, "UN/LOCODE"))
        if country:
            self.document.add(Country(f"{key}.country", country, direction))
        if not (name or locode or country):
            raise self.fail(key, "is empty.")
