"""Read the many ways lists write a (birth) date into a PartialDate.

Seen in the real files: "1962", "25 Mar 1973", "1973-03-25", "25/03/1973",
"circa 1960", "Approximately 1955- 1958", "Between 1960 and 1962",
"1955 to 1958", "Mar 1973", "a) 1957 b) 1958" (several dates in one field).
"""

from __future__ import annotations

import re
from datetime import date, datetime

from ..model import PartialDate

MONTHS = {
    name: index
    for index, names in enumerate(
        [
            ("jan", "january", "janvier"),
            ("feb", "february", "fevrier", "février"),
            ("mar", "march", "mars"),
            ("apr", "april", "avril"),
            ("may", "mai"),
            ("jun", "june", "juin"),
            ("jul", "july", "juillet"),
            ("aug", "august", "aout", "août"),
            ("sep", "sept", "september", "septembre"),
            ("oct", "october", "octobre"),
            ("nov", "november", "novembre"),
            ("dec", "december", "decembre", "décembre"),
        ],
        start=1,
    )
    for name in names
}

_CIRCA = re.compile(r"\b(circa|approximately|approx\.?|ca\.?|about|around|c\.)\s*", re.IGNORECASE)
_ISO = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?(?:T.*)?$")
_DMY = re.compile(r"^(\d{1,2})[./-](\d{1,2})[./-](\d{4})$")
_D_MON_Y = re.compile(r"^(\d{1,2})\s+([A-Za-zéû]+)\.?,?\s+(\d{4})$")
_MON_D_Y = re.compile(r"^([A-Za-zéû]+)\.?\s+(\d{1,2}),?\s+(\d{4})$")
_MON_Y = re.compile(r"^([A-Za-zéû]+)\.?\s+(\d{4})$")
_YEAR = re.compile(r"^(\d{4})$")
_RANGE = re.compile(r"^(?:between\s+)?(.+?)\s*(?:-|–|to|and)\s*(.+?)$", re.IGNORECASE)
_LETTERED = re.compile(r"\b[a-z]\)\s*")


def _valid(year: int, month: int = 1, day: int = 1) -> bool:
    if not 1800 <= year <= 2100:
        return False
    try:
        date(year, month, day)
    except ValueError:
        return False
    return True


def _single(text: str) -> str | None:
    """One date as ISO (partial) text, or None."""
    text = text.strip().strip(".,;").strip()
    if not text:
        return None
    match = _ISO.match(text)
    if match:
        year = int(match.group(1))
        month = int(match.group(2)) if match.group(2) else None
        day = int(match.group(3)) if match.group(3) else None
        if month and day and _valid(year, month, day):
            return f"{year:04d}-{month:02d}-{day:02d}"
        if month and _valid(year, month):
            return f"{year:04d}-{month:02d}"
        return f"{year:04d}" if _valid(year) else None
    match = _DMY.match(text)
    if match:
        day, month, year = (int(part) for part in match.groups())
        if month > 12 and day <= 12:
            day, month = month, day
        if _valid(year, month, day):
            return f"{year:04d}-{month:02d}-{day:02d}"
        return f"{year:04d}" if _valid(year) else None
    match = _D_MON_Y.match(text)
    if match and match.group(2).lower() in MONTHS:
        day, month, year = int(match.group(1)), MONTHS[match.group(2).lower()], int(match.group(3))
        if _valid(year, month, day):
            return f"{year:04d}-{month:02d}-{day:02d}"
    match = _MON_D_Y.match(text)
    if match and match.group(1).lower() in MONTHS:
        month, day, year = MONTHS[match.group(1).lower()], int(match.group(2)), int(match.group(3))
        if _valid(year, month, day):
            return f"{year:04d}-{month:02d}-{day:02d}"
    match = _MON_Y.match(text)
    if match and match.group(1).lower() in MONTHS:
        year = int(match.group(2))
        if _valid(year):
            return f"{year:04d}-{MONTHS[match.group(1).lower()]:02d}"
    match = _YEAR.match(text)
    if match and _valid(int(match.group(1))):
        return match.group(1)
    return None


def parse_date(value: object) -> PartialDate | None:
    """One PartialDate from a field holding one date, a range or a circa date."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return PartialDate(start=value.date().isoformat())
    if isinstance(value, date):
        return PartialDate(start=value.isoformat())
    text = " ".join(str(value).split())
    if not text:
        return None
    circa = bool(_CIRCA.search(text))
    bare = _CIRCA.sub("", text).strip()
    single = _single(bare)
    if single:
        return PartialDate(start=single, circa=circa)
    match = _RANGE.match(bare)
    if match:
        first, last = _single(match.group(1)), _single(match.group(2))
        if first and last:
            if last < first:
                first, last = last, first
            return PartialDate(start=first, end=last, circa=circa)
    years = re.findall(r"\b(1[89]\d\d|20\d\d)\b", bare)
    if len(years) == 1:
        return PartialDate(start=years[0], circa=True, text=text)
    return PartialDate(text=text) if text else None


def parse_dates(value: object) -> list[PartialDate]:
    """All dates in a field that may list several: "a) 1957 b) 1958", "1957; 1958"."""
    if value is None:
        return []
    if isinstance(value, (date, datetime)):
        parsed = parse_date(value)
        return [parsed] if parsed else []
    text = " ".join(str(value).split())
    if not text:
        return []
    pieces = [piece for piece in re.split(r";|\s+or\s+|" + _LETTERED.pattern, text) if piece and piece.strip()]
    if len(pieces) <= 1:
        parsed = parse_date(text)
        return [parsed] if parsed else []
    results = []
    for piece in pieces:
        parsed = parse_date(piece)
        if parsed:
            results.append(parsed)
    return results


def iso_date(value: object) -> str | None:
    """A listing/publication date as ISO text, or None if it cannot be read."""
    parsed = parse_date(value)
    return parsed.start if parsed and parsed.start else None
