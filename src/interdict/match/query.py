"""What a caller screens: one party with whatever the gate knows about it."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field

from ..countries import to_code
from ..errors import InputError
from ..model import SCHEMA_WORDS, PartialDate, Schema
from ..sources.dates import parse_date

MAX_NAME_CHARS = 500
_SURROGATE = re.compile("[\ud800-\udfff]")


def clean_schema(value: str | None) -> Schema | None:
    """A schema from a caller's word for it ('individual', 'vessel', 'Company'...), or None when blank."""
    if value is None or not str(value).strip():
        return None
    key = re.sub(r"[^a-z]", "", str(value).lower())
    if key not in SCHEMA_WORDS:
        raise InputError(f"Unknown schema {value!r}; use one of {', '.join(schema.value for schema in Schema)}.")
    return SCHEMA_WORDS[key]


def check_text(value: str, what: str) -> str:
    """Refuse text that is not valid Unicode (a lone surrogate from broken JSON or UTF-16): it cannot be screened or echoed."""
    found = _SURROGATE.search(value)
    if found:
        raise InputError(f"{what} holds an invalid character (a lone surrogate, U+{ord(found.group()):04X}, at position {found.start() + 1}); send valid UTF-8 text.")
    return value


def normalize_identifier(value: str) -> str:
    """Identifiers compare without spaces, dashes, dots or case ("IMO 9187629" ~ "9187629")."""
    text = re.sub(r"[^0-9A-Za-z]", "", value).upper()
    if text.startswith("IMO") and text[3:].isdigit():
        text = text[3:]
    return text


@dataclass
class Query:
    names: list[str]
    schema: Schema | None = None
    birth_dates: list[PartialDate] = field(default_factory=list)
    nationalities: list[str] = field(default_factory=list)
    countries: list[str] = field(default_factory=list)
    identifiers: list[str] = field(default_factory=list)
    id: str | None = None

    @classmethod
    def build(
        cls,
        name: str | list[str] | None,
        schema: str | None = None,
        birth_date: str | list[str] | None = None,
        nationality: str | list[str] | None = None,
        country: str | list[str] | None = None,
        id_number: str | list[str] | None = None,
        id: str | None = None,
    ) -> Query:
        """Validate and clean caller input; raises InputError with a usable message."""
        names = [name] if isinstance(name, str) else list(name or [])
        names = [" ".join(check_text(str(n), "The name").split()) for n in names if n is not None and str(n).strip()]
        if not names and not _as_list(id_number):
            raise InputError("A name (or an identifier such as a passport or IMO number) is required.")
        for text in names:
            if len(text) > MAX_NAME_CHARS:
                raise InputError(f"Name of {len(text)} characters is over the {MAX_NAME_CHARS} character limit.")
        for field_name, values in (("birth date", birth_date), ("nationality", nationality), ("country", country), ("identifier", id_number)):
            for value in _as_list(values):
                check_text(value, f"The {field_name}")
        dates = []
        for value in _as_list(birth_date):
            parsed = parse_date(value)
            if parsed is None or not parsed.start or not _valid_iso(str(value)):
                raise InputError(f"Cannot read birth date {value!r}; use YYYY, YYYY-MM or YYYY-MM-DD.")
            dates.append(parsed)
        nationalities = []
        for value in _as_list(nationality):
            code = to_code(value)
            if code is None:
                raise InputError(f"Unknown nationality {value!r}; use a country name or ISO code such as 'IR'.")
            nationalities.append(code)
        countries = [code for code in (to_code(value) for value in _as_list(country)) if code]
        identifiers = [normalize_identifier(value) for value in _as_list(id_number) if normalize_identifier(value)]
        return cls(
            names=names,
            schema=clean_schema(schema),
            birth_dates=dates,
            nationalities=nationalities,
            countries=countries,
            identifiers=identifiers,
            id=id,
        )


def _as_list(value: str | list[str] | None) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [part.strip() for part in re.split(r"[;|]", value) if part.strip()]
    return [str(item).strip() for item in value if item is not None and str(item).strip()]


def _valid_iso(value: str) -> bool:
    """A date written the ISO way must be a real one: 1961-13-45 is a typo, not "1961"."""
    match = re.fullmatch(r"\s*(\d{4})-(\d{1,2})(?:-(\d{1,2}))?\s*", value)
    if match is None:
        return True
    year, month, day = int(match.group(1)), int(match.group(2)), int(match.group(3) or 1)
    try:
        datetime.date(year, month, day)
    except ValueError:
        return False
    return True
