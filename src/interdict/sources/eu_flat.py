"""EU consolidated list, third-party flat export (the bundled EU snapshot).

Columns: Name, Alias, Nationality, Designation (person / enterprise),
Sanction Type (the regulation type of the entry's act), Source. It carries no
EU ids, no programmes, no dates and no identifiers, so:

- `source_id` is derived: "EUF-" + a short SHA-1 of the normalised primary
  name, designation and nationality. Two rows share that key only when the EU
  lists two entries under one name (the Fakel and Potok "Gazprom PMC"s); those
  rows also hash their aliases, so ids stay stable and unique without
  depending on row order. They are not the EU's logicalIds: the official XML
  (`eu_fsf_xml`) gives different ids for the same entries.
- `programs` stays empty: the export dropped the regime, and gap analysis
  reports that rather than this parser inventing one.
- Alias is one comma-separated field that starts with the primary name. The
  primary name is taken whole from Name (some contain commas) and the rest is
  split on ", ", gluing legal-form tails ("Co., Ltd") back onto their name.
- Nationality joins several ISO-style country names with ", " although some
  names contain one ("KOREA, DEMOCRATIC PEOPLE'S REPUBLIC OF"), so the longest
  run of pieces that names a country wins.
"""

from __future__ import annotations

import hashlib
import unicodedata

from ..countries import to_code
from ..errors import FormatError
from ..model import Entity, NameKind, Schema, clean_text
from .base import ParseResult, decode_text, entity_id, read_csv_rows, require_columns
from .eu_fsf_xml import SCHEMA_WORDS, is_latin

REQUIRED_ROLES = ("main",)

COLUMNS = {"Name", "Alias", "Nationality", "Designation"}

# EU spellings that neither ISO nor the shared alias table know.
EU_COUNTRY_SPELLINGS = {
    "congo, democratic republic of (was zaire)": "cd",
    "congo, people's republic of": "cg",
    "palestinian territory, occupied": "ps",
    "bosnia and herzegowina": "ba",
}

# Alias fragments that are the tail of the previous name, not a name.
LEGAL_FORM_TAILS = frozenset(
    [
        "ltd",
        "ltd.",
        "limited",
        "llc",
        "l.l.c.",
        "inc",
        "inc.",
        "co",
        "co.",
        "corp",
        "corp.",
        "company",
        "plc",
        "ag",
        "gmbh",
        "sa",
        "s.a.",
        "sarl",
        "s.a.r.l.",
        "srl",
        "s.r.l.",
        "s.p.a.",
        "b.v.",
        "n.v.",
        "lp",
        "l.p.",
        "jsc",
        "ojsc",
        "cjsc",
        "pjsc",
        "ooo",
        "zao",
        "oao",
        "fze",
        "fzc",
        "fzco",
        "fz-llc",
        "pte",
        "pte.",
        "pvt",
        "pvt.",
        "d.o.o.",
        "s.r.o.",
        "sp. z o.o",
        "sp. z o.o.",
        "sp z o.o",
        "sp z o.o.",
        "et al.",
    ]
)

_WHAT = "EU flat sanctions export"


def parse(files: dict[str, bytes], dataset: str) -> ParseResult:
    rows = read_csv_rows(decode_text(files["main"], _WHAT), _WHAT)
    require_columns(rows, COLUMNS, _WHAT)
    _require_complete(rows)
    records = [row for row in rows if clean_text(row.get("Name"))]
    blank = len(rows) - len(records)
    if not records:
        raise FormatError(f"{_WHAT} has no rows with a Name.")

    keys = [_key(row) for row in records]
    counts: dict[str, int] = {}
    for key in keys:
        counts[key] = counts.get(key, 0) + 1
    shared = sum(1 for key in keys if counts[key] > 1)

    entities: list[Entity] = []
    used: dict[str, int] = {}
    unmapped = 0
    for row, key in zip(records, keys):
        if counts[key] > 1:
            key += "|" + "|".join(sorted(_norm(alias) for alias in _aliases(row)))
        source_id = "EUF-" + hashlib.sha1(key.encode("utf-8")).hexdigest()[:10]
        used[source_id] = used.get(source_id, 0) + 1
        if used[source_id] > 1:  # an exact repeat of another row: keep both, in file order
            source_id = f"{source_id}-{used[source_id]}"
        designation = (row.get("Designation") or "").strip().lower()
        entity = Entity(
            id=entity_id(dataset, source_id),
            dataset=dataset,
            source_id=source_id,
            schema=SCHEMA_WORDS.get(designation, Schema.LEGAL_ENTITY),
        )
        entity.add_name(row["Name"], NameKind.PRIMARY)
        for alias in _aliases(row):
            entity.add_name(alias, NameKind.ALIAS if is_latin(alias) else NameKind.ORIGINAL_SCRIPT)
        codes, missed = nationality_codes(row.get("Nationality"))
        unmapped += missed
        for code in codes:
            entity.add_unique("nationalities", code)
        entities.append(entity)

    warnings = []
    if shared:
        warnings.append(
            f"{shared} rows share a name, designation and nationality with another row; their ids also hash their aliases"
        )
    repeats = sum(count - 1 for count in used.values() if count > 1)
    if repeats:
        warnings.append(f"{repeats} rows repeat another row exactly; given ids suffixed -2, -3 in file order")
    if blank:
        warnings.append(f"skipped {blank} rows without a Name")
    if unmapped:
        warnings.append(f"{unmapped} nationality names could not be mapped to a country code")
    return ParseResult(entities=entities, published=None, warnings=warnings)


def _require_complete(rows: list[dict[str, str]]) -> None:
    """A row short of the header's fields is where a download was cut off."""
    for number, row in enumerate(rows, start=1):
        if None in row.values() or None in row:
            raise FormatError(f"{_WHAT}: data row {number} does not have as many fields as the header (truncated file?).")


def _norm(text: str | None) -> str:
    return " ".join(unicodedata.normalize("NFKC", text or "").casefold().split())


def _key(row: dict[str, str]) -> str:
    return "|".join(_norm(row.get(column)) for column in ("Name", "Designation", "Nationality"))


def _aliases(row: dict[str, str]) -> list[str]:
    name = clean_text(row.get("Name")) or ""
    text = clean_text(row.get("Alias")) or ""
    if text.startswith(name):
        text = text[len(name) :].lstrip(", ")
    aliases: list[str] = []
    for piece in text.split(", "):
        piece = piece.strip()
        if not piece:
            continue
        if aliases and piece.lower() in LEGAL_FORM_TAILS:
            aliases[-1] = f"{aliases[-1]}, {piece}"
        else:
            aliases.append(piece)
    return [alias for alias in aliases if alias != name]


def _country(text: str) -> str | None:
    return EU_COUNTRY_SPELLINGS.get(text.strip().lower()) or to_code(text)


def nationality_codes(text: str | None) -> tuple[list[str], int]:
    """Country codes in "RUSSIAN FEDERATION, MOLDOVA, REPUBLIC OF" and how many pieces stayed unread."""
    text = clean_text(text)
    if not text:
        return [], 0
    whole = _country(text)
    if whole:
        return [whole], 0
    pieces = [piece.strip() for piece in text.split(",")]
    codes: list[str] = []
    missed = 0
    start = 0
    while start < len(pieces):
        for end in range(len(pieces), start, -1):
            code = _country(", ".join(pieces[start:end]))
            if code:
                if code not in codes:
                    codes.append(code)
                start = end
                break
        else:
            missed += 1
            start += 1
    return codes, missed
