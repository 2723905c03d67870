"""Country and regional embargoes: which territories, under whose law, how strictly.

The rules are data (`data/embargoes.toml`): a compliance team must be able to
read, cite and amend them without touching code, and the legal basis differs per
jurisdiction (Iran is a comprehensive embargo under US law and a sectoral regime
under EU law). The file is validated when loaded; a bad entry is refused with
the entry named, never silently skipped.

A document names territory in many ways: an ISO code (`<Ctry>IR</Ctry>`), an
IBAN or BIC prefix, a UN/LOCODE (`IRBND`), an airport (`IKA`), a country name,
or a city inside an occupied region ("Sevastopol"). `EmbargoRules` answers each.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from ..errors import InputError

JURISDICTIONS = ("us", "eu", "gb", "ca", "au", "un")
SCOPES = ("comprehensive", "sectoral")
_REGION_KEYS = {"id", "name", "countries", "subdivisions", "names", "places", "locodes", "airports", "measure"}
_MEASURE_KEYS = {"jurisdiction", "scope", "legal_basis", "url", "since", "until", "note"}


@dataclass(frozen=True)
class Measure:
    jurisdiction: str
    scope: str
    legal_basis: str
    url: str | None = None
    since: date | None = None
    until: date | None = None
    note: str | None = None

    def in_force(self, day: date) -> bool:
        return (self.since is None or self.since <= day) and (self.until is None or day <= self.until)

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"jurisdiction": self.jurisdiction, "scope": self.scope, "legal_basis": self.legal_basis}
        for key in ("url", "note"):
            if getattr(self, key):
                data[key] = getattr(self, key)
        return data


@dataclass(frozen=True)
class Region:
    id: str
    name: str
    countries: tuple[str, ...]
    subdivisions: tuple[str, ...]
    names: tuple[str, ...]
    places: tuple[str, ...]
    locodes: tuple[str, ...]
    airports: tuple[str, ...]
    measures: tuple[Measure, ...]


def fold(text: str) -> str:
    """Lower-case ASCII-ish key: accents off, punctuation to single spaces ("Féodosia" → "feodosia")."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    text = text.replace("\u2019", "'").replace("'", "")
    return " ".join(re.sub(r"[^0-9a-z]+", " ", text).split())


class EmbargoRules:
    """Validated embargo rules with lookups by code, LOCODE, airport and free text."""

    def __init__(self, regions: list[Region], as_of: str | None = None, source: str = "embargoes.toml"):
        self.regions = regions
        self.as_of = as_of
        self.source = source
        self._by_code: dict[str, list[Region]] = {}
        self._by_locode: dict[str, Region] = {}
        self._by_airport: dict[str, Region] = {}
        self._by_alias: dict[str, tuple[Region, str]] = {}
        for region in regions:
            for code in region.countries + region.subdivisions:
                self._by_code.setdefault(code, []).append(region)
            for locode in region.locodes:
                self._by_locode[locode] = region
            for airport in region.airports:
                self._by_airport[airport] = region
            for alias in region.names + region.places:
                self._by_alias[fold(alias)] = (region, "name" if alias in region.names else "place")
        # Longest aliases first, so "Santiago de Cuba" wins over "Cuba" and "Donetsk oblast" over "Donetsk".
        keys = sorted(self._by_alias, key=len, reverse=True)
        alternatives = "|".join(r"[^0-9a-z]+".join(re.escape(word) for word in key.split()) for key in keys)
        self._pattern = re.compile(rf"(?<![0-9a-z])(?:{alternatives})(?![0-9a-z])") if keys else None

    def by_code(self, code: str | None) -> list[Region]:
        """Regions covering an ISO country or subdivision code ("ir", "ua-43")."""
        return list(self._by_code.get((code or "").strip().lower(), ()))

    def by_locode(self, locode: str) -> list[Region]:
        """Regions of a UN/LOCODE: a sub-national entry, else its country prefix."""
        code = re.sub(r"[^A-Z0-9]", "", locode.upper())
        region = self._by_locode.get(code)
        if region is not None:
            return [region]
        return self.by_code(code[:2].lower()) if len(code) == 5 else []

    def by_airport(self, iata: str) -> list[Region]:
        region = self._by_airport.get(iata.strip().upper())
        return [region] if region else []

    def scan(self, text: str) -> list[tuple[Region, str]]:
        """Regions named in free text, with the words that named them ("Sevastopol", "Iran")."""
        if self._pattern is None or not text:
            return []
        folded = fold(text)
        found: list[tuple[Region, str]] = []
        seen: set[str] = set()
        for match in self._pattern.finditer(folded):
            key = " ".join(re.sub(r"[^0-9a-z]+", " ", match.group(0)).split())
            region, _ = self._by_alias[key]
            if region.id not in seen:
                seen.add(region.id)
                found.append((region, match.group(0)))
        return found

    def measures(self, region: Region, jurisdictions: Iterable[str] | None = None, day: date | None = None) -> list[Measure]:
        """The region's measures in force on `day` in the jurisdictions that apply to the caller."""
        wanted = set(jurisdictions) if jurisdictions else None
        day = day or date.today()
        return [m for m in region.measures if (wanted is None or m.jurisdiction in wanted) and m.in_force(day)]


def _strings(value: Any, where: str, key: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(item, str) and item.strip() for item in value):
        raise InputError(f"{where}: '{key}' must be a list of non-empty strings.")
    return tuple(item.strip() for item in value)


def _date(value: Any, where: str, key: str) -> date | None:
    if value is None:
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise InputError(f"{where}: '{key}' = {value!r} is not an ISO date (YYYY-MM-DD).") from None


def _measure(row: Any, where: str) -> Measure:
    if not isinstance(row, dict):
        raise InputError(f"{where}: each [[region.measure]] must be a table.")
    unknown = set(row) - _MEASURE_KEYS
    if unknown:
        raise InputError(f"{where}: unknown key(s) {', '.join(sorted(unknown))}; allowed: {', '.join(sorted(_MEASURE_KEYS))}.")
    jurisdiction = str(row.get("jurisdiction", "")).lower()
    if jurisdiction not in JURISDICTIONS:
        raise InputError(f"{where}: jurisdiction {row.get('jurisdiction')!r} is not one of {', '.join(JURISDICTIONS)}.")
    scope = str(row.get("scope", "")).lower()
    if scope not in SCOPES:
        raise InputError(f"{where}: scope {row.get('scope')!r} is not one of {', '.join(SCOPES)}.")
    basis = str(row.get("legal_basis", "")).strip()
    if not basis:
        raise InputError(f"{where}: legal_basis is required (cite the instrument).")
    url = row.get("url")
    if url is not None and not str(url).startswith("https://"):
        raise InputError(f"{where}: url {url!r} must start with https://.")
    since, until = _date(row.get("since"), where, "since"), _date(row.get("until"), where, "until")
    if since and until and until < since:
        raise InputError(f"{where}: until {until} is before since {since}.")
    return Measure(jurisdiction, scope, basis, url, since, until, (str(row["note"]).strip() or None) if row.get("note") else None)


def parse_rules(text: str, source: str = "embargoes.toml") -> EmbargoRules:
    """Validate and build the rules; every error names the file and the entry."""
    try:
        table = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"{source} is not valid TOML: {exc}") from None
    rows = table.get("region")
    if not isinstance(rows, list) or not rows:
        raise InputError(f"{source}: no [[region]] entries.")
    regions: list[Region] = []
    seen_ids: set[str] = set()
    seen_aliases: dict[str, str] = {}
    for number, row in enumerate(rows, start=1):
        where = f"{source}: region {number}"
        if not isinstance(row, dict):
            raise InputError(f"{where} must be a table.")
        region_id = str(row.get("id", "")).strip()
        if not re.fullmatch(r"[a-z0-9-]+", region_id):
            raise InputError(f"{where}: id {row.get('id')!r} must be lower-case letters, digits and dashes.")
        where = f"{source}: region {region_id!r}"
        if region_id in seen_ids:
            raise InputError(f"{where} is defined twice.")
        seen_ids.add(region_id)
        unknown = set(row) - _REGION_KEYS
        if unknown:
            raise InputError(f"{where}: unknown key(s) {', '.join(sorted(unknown))}; allowed: {', '.join(sorted(_REGION_KEYS))}.")
        name = str(row.get("name", "")).strip()
        if not name:
            raise InputError(f"{where}: name is required.")
        countries = tuple(code.lower() for code in _strings(row.get("countries"), where, "countries"))
        for code in countries:
            if not re.fullmatch(r"[a-z]{2}", code):
                raise InputError(f"{where}: country {code!r} is not an ISO 3166-1 alpha-2 code.")
        subdivisions = tuple(code.lower() for code in _strings(row.get("subdivisions"), where, "subdivisions"))
        for code in subdivisions:
            if not re.fullmatch(r"[a-z]{2}-[a-z0-9]{1,3}", code):
                raise InputError(f"{where}: subdivision {code!r} is not an ISO 3166-2 code such as 'ua-43'.")
        locodes = tuple(code.upper().replace(" ", "") for code in _strings(row.get("locodes"), where, "locodes"))
        for code in locodes:
            if not re.fullmatch(r"[A-Z]{2}[A-Z2-9]{3}", code):
                raise InputError(f"{where}: locode {code!r} is not a UN/LOCODE such as 'UASVP'.")
        airports = tuple(code.upper() for code in _strings(row.get("airports"), where, "airports"))
        for code in airports:
            if not re.fullmatch(r"[A-Z]{3}", code):
                raise InputError(f"{where}: airport {code!r} is not an IATA code such as 'IKA'.")
        names = _strings(row.get("names"), where, "names")
        places = _strings(row.get("places"), where, "places")
        if not (countries or subdivisions or places or names):
            raise InputError(f"{where}: give at least one of countries, subdivisions, names or places.")
        for alias in names + places:
            key = fold(alias)
            if not key:
                raise InputError(f"{where}: name {alias!r} has no letters.")
            other = seen_aliases.get(key)
            if other is not None and other != region_id:
                raise InputError(f"{where}: {alias!r} is also a name of region {other!r}; a place must belong to one region.")
            seen_aliases[key] = region_id
        raw_measures = row.get("measure")
        if not isinstance(raw_measures, list) or not raw_measures:
            raise InputError(f"{where}: at least one [[region.measure]] is required.")
        measures = tuple(_measure(item, f"{where}, measure {i}") for i, item in enumerate(raw_measures, start=1))
        regions.append(Region(region_id, name, countries, subdivisions, names, places, locodes, airports, measures))
    as_of = table.get("as_of")
    return EmbargoRules(regions, as_of=str(as_of) if as_of else None, source=source)


@lru_cache(maxsize=1)
def default_rules() -> EmbargoRules:
    text = resources.files(__package__).joinpath("data", "embargoes.toml").read_text(encoding="utf-8")
    return parse_rules(text, "embargoes.toml")


def load_embargo_rules(path: str | Path | None = None) -> EmbargoRules:
    """The bundled rules, or a file of your own in the same format."""
    if path is None:
        return default_rules()
    file = Path(path)
    try:
        text = file.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(f"Cannot read embargo rules {file}: {exc.strerror or exc}.") from None
    except UnicodeDecodeError:
        raise InputError(f"Cannot read embargo rules {file}: not UTF-8 text.") from None
    return parse_rules(text, str(file))
