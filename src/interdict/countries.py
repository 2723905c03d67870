"""Country names, adjectives and codes → ISO 3166-1 alpha-2 (lower case, as FtM).

Every list spells countries its own way ("Iran (Islamic Republic of)",
"Korea, North", "Belarus / Bélarus", "Iranian"); matching on nationality only
works if they all land on one code. pycountry supplies the ISO names; the
aliases the lists use on top of those live in `data/country_aliases.csv`.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from functools import lru_cache
from importlib import resources

import pycountry


def _key(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.lower().replace("&", " and ")
    text = re.sub(r"[^a-z0-9]+", " ", text)
    return " ".join(text.split())


@lru_cache(maxsize=1)
def _table() -> dict[str, str]:
    table: dict[str, str] = {}
    for country in pycountry.countries:
        code = country.alpha_2.lower()
        for attr in ("name", "official_name", "common_name"):
            value = getattr(country, attr, None)
            if value:
                table[_key(value)] = code
        table[country.alpha_3.lower()] = code
    with resources.files("interdict.data").joinpath("country_aliases.csv").open(encoding="utf-8") as handle:
        rows = csv.reader(line for line in handle if not line.startswith("#"))
        next(rows)
        for alias, code in rows:
            key = _key(alias)
            if key:  # an alias with no Latin letters keys nothing: an empty key would match every empty part below
                table[key] = code
    return table


_ISO2 = frozenset(country.alpha_2.lower() for country in pycountry.countries) | {"xk", "suhh", "yucs", "ua-cri"}


@lru_cache(maxsize=8192)
def to_code(text: str | None) -> str | None:
    """Best-effort ISO code for a country name, adjective or code; None if unknown."""
    if not text:
        return None
    raw = text.strip()
    if len(raw) == 2 and raw.lower() in _ISO2:
        return raw.lower()
    table = _table()
    key = _key(raw)
    if not key:
        return None
    if key in table:
        return table[key]
    # "Belarus / Bélarus" (Canada, bilingual), "Iran (Islamic Republic of)"
    for part in re.split(r"\s*/\s*|\s*\(|\)", raw):
        part_key = _key(part)
        if part_key and part_key in table:
            return table[part_key]
    stripped = re.sub(r"\b(the|republic of|state of|islamic republic of|kingdom of)\b", " ", key)
    stripped = " ".join(stripped.split())
    return table.get(stripped)


@lru_cache(maxsize=4096)
def country_named(text: str) -> str | None:
    """The country a text names in words ("Switzerland", "Schweiz", "Hong Kong"), or None.

    Stricter than `to_code`: no codes and no parts of the text, so a legal form or an acronym that happens to
    spell a code ("AG", "SA", "GTI") is no country. What a company writes in brackets after its name is read so.
    """
    key = _key(text)
    if len(key) < 4 or key in _ALPHA3:
        return None
    return _table().get(key)


_ALPHA3 = frozenset(country.alpha_3.lower() for country in pycountry.countries)


def codes_in(text: str | None) -> list[str]:
    """All countries named in a free-text field, e.g. "Iran; Iraq" or "a) Syria b) Iraq"."""
    if not text:
        return []
    parts = [part for part in re.split(r";|\b[a-z]\)\s*|\band\b|\n", text) if part.strip()]
    if len(parts) <= 1:
        code = to_code(text)
        return [code] if code else []
    found: list[str] = []
    for part in parts:
        code = to_code(part)
        if code and code not in found:
            found.append(code)
    return found


def name_of(code: str | None) -> str | None:
    if not code:
        return None
    country = pycountry.countries.get(alpha_2=code.upper()) if len(code) == 2 else None
    return country.name if country else code
