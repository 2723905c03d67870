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
from ..textfiles import decode_guess
from .checks import as_bytes, check_size, screen_parsed
from .document import COUNTRY, DESTINATION, ORIGIN, Country, FreeText, Identifier, Location, ParsedDocument, Party
from .verdict import Verdict

PARTIES = {"shipper": ORIGIN, "consignee": DESTINATION, "notify_party": DESTINATION, "carrier": COUNTRY}
PLACES = {
    "port_of_loading": ORIGIN,
    "place_of_receipt": ORIGIN,
    "port_of_discharge": DESTINATION,
    "place_of_delivery": DESTINATION,
}
COUNTRIES = {"origin_country": ORIGIN, "destination_country": DESTINATION}
TOP_KEYS = (
    {"reference", "vessel", "goods_description", "transshipment_ports", "hs_codes", "incoterms", "date"}
    | set(PARTIES)
    | set(PLACES)
    | set(COUNTRIES)
)
PARTY_KEYS = {"name", "address", "country"}
VESSEL_KEYS = {"name", "imo", "flag"}
PLACE_KEYS = {"name", "locode", "country"}
VESSEL_PREFIXES = re.compile(r"^(?:M/?[VTS]|MV|MT|SS|M\.V\.|M\.T\.)\s+", re.IGNORECASE)
_LOCODE = re.compile(r"^[A-Z]{2} ?[A-Z2-9]{3}$")
_LOCODE_IN_PARENS = re.compile(r"\(([A-Z]{2} ?[A-Z2-9]{3})\)")


def imo_valid(number: str) -> bool:
    """IMO ship numbers end in a check digit: the weighted sum of the first six digits (7..2), mod 10."""
    if not re.fullmatch(r"\d{7}", number):
        return False
    total = sum(int(digit) * weight for digit, weight in zip(number[:6], range(7, 1, -1)))
    return total % 10 == int(number[6])


def parse_shipment(data: bytes | str | dict[str, Any]) -> ParsedDocument:
    """The parties, vessel, places and goods of a shipment record (no screening)."""
    if isinstance(data, dict):
        record, fmt = data, "shipment JSON"
    else:
        data = as_bytes(data)
        check_size(data, "shipment record")
        text = decode_guess(data)
        if text.lstrip()[:1] in ("{", "["):
            try:
                record = json.loads(text)
            except json.JSONDecodeError as exc:
                raise InputError(f"shipment JSON line {exc.lineno}, column {exc.colno}: {exc.msg}.") from None
            fmt = "shipment JSON"
        else:
            record, fmt = _from_csv(text), "shipment CSV"
    if not isinstance(record, dict):
        raise InputError("shipment JSON must be one object ({...}) describing one shipment.")
    return _Reader(fmt).read(record)


def screen_shipment(
    data: bytes | str | dict[str, Any],
    screener: Screener | None = None,
    *,
    document: str | None = None,
    datasets: Iterable[str] | None = None,
    jurisdictions: Iterable[str] | None = None,
    embargoes: str | Path | None = None,
    day: date | None = None,
) -> Verdict:
    """One verdict for one shipment record (bytes of JSON or CSV, or an already decoded JSON object)."""
    parsed = parse_shipment(data)
    return screen_parsed(
        parsed, screener, document=document, datasets=datasets, jurisdictions=jurisdictions, embargoes=embargoes, day=day
    )


def _from_csv(text: str) -> dict[str, Any]:
    """A one-row CSV, columns flattened: shipper_name, vessel_imo, port_of_loading_locode..."""
    try:
        rows = [row for row in csv.reader(io.StringIO(text, newline="")) if any(cell.strip() for cell in row)]
    except csv.Error as exc:
        raise InputError(f"shipment CSV is not readable CSV: {exc}.") from None
    if len(rows) < 2:
        raise InputError("shipment CSV needs a header row and one data row.")
    if len(rows) > 2:
        raise InputError(f"shipment CSV has {len(rows) - 1} data rows; one file holds one shipment (split it, or send JSON).")
    header, values = rows
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
        text = " ".join(str(value).split())
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
