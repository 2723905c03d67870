"""Dates in travel documents, including the century rule for two-digit years.

PAXLST (DTM format 101 `YYMMDD`, 201 `YYMMDDHHMM`), the machine-readable zone
of passports and many APIS exports write years with two digits. Which century
is meant depends on what the date is:

- **Birth dates** are never in the future: `YY` is read as the latest year
  that puts the date on or before the reference date. With a reference date of
  2025-03-14, `461014` is 1946-10-14 and `240101` is 2024-01-01; `250601` is
  1925-06-01 (a 99-year-old), because 2025-06-01 would not have happened yet.
  The rule cannot tell a 101-year-old from a 1-year-old: send four-digit years
  (DTM format 102, `CCYYMMDD`) when that matters.
- **Every other date** (document expiry, departure, arrival, message date) is
  read as the year nearest to the reference date (a sliding window of ±50 years):
  `300101` is 2030, `991231` is 1999.

The reference date is the message's own date (PAXLST: the UNB preparation date,
itself resolved against today's date), else today.
"""

from __future__ import annotations

import re
from datetime import date, datetime

from ..errors import InputError

FORMATS = {"101": 6, "102": 8, "201": 10, "203": 12, "204": 14}
_MONTHS = {
    name: number
    for number, name in enumerate(["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"], start=1)
}


def expand_two_digit(yy: int, month: int, day: int, reference: date, birth: bool) -> date:
    """The full date for a two-digit year, by the century rule above."""
    candidates = []
    for century in (1800, 1900, 2000, 2100):
        try:
            candidates.append(date(century + yy, month, day))
        except ValueError:
            continue
    if not candidates:
        raise ValueError("no such date")
    if birth:
        past = [candidate for candidate in candidates if candidate <= reference]
        return max(past) if past else min(candidates)
    return min(candidates, key=lambda candidate: abs((candidate - reference).days))


def parse_compact(value: str, reference: date, birth: bool, fmt: str | None = None) -> date:
    """A compact EDIFACT date (YYMMDD, CCYYMMDD, with optional time) as a date; raises ValueError."""
    text = value.strip()
    if not text.isdigit():
        raise ValueError("not digits")
    if fmt is not None and fmt in FORMATS and len(text) != FORMATS[fmt]:
        raise ValueError("length does not fit the format")
    if len(text) in (6, 10):
        return expand_two_digit(int(text[:2]), int(text[2:4]), int(text[4:6]), reference, birth)
    if len(text) in (8, 12, 14):
        return date(int(text[:4]), int(text[4:6]), int(text[6:8]))
    raise ValueError("unexpected length")


def parse_flexible(value: str, reference: date, birth: bool, where: str) -> date:
    """Dates as CSV exports write them: 1965-03-12, 19650312, 650312, 12MAR1965, 12-MAR-65, 12.03.1965.

    Slash dates are accepted only when unambiguous (a part over 12): 03/04/1965
    is the 3rd of April in Europe and the 4th of March in the US.
    """
    text = value.strip().upper()
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            return date.fromisoformat(text)
        if re.fullmatch(r"\d{6}|\d{8}", text):
            return parse_compact(text, reference, birth)
        named = re.fullmatch(r"(\d{1,2})[ -]?([A-Z]{3})[ -]?(\d{2}|\d{4})", text)
        if named and named.group(2) in _MONTHS:
            day, month, year = int(named.group(1)), _MONTHS[named.group(2)], named.group(3)
            if len(year) == 2:
                return expand_two_digit(int(year), month, day, reference, birth)
            return date(int(year), month, day)
        dotted = re.fullmatch(r"(\d{1,2})\.(\d{1,2})\.(\d{4})", text)
        if dotted:
            return date(int(dotted.group(3)), int(dotted.group(2)), int(dotted.group(1)))
        slashed = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", text)
        if slashed:
            first, second, year = int(slashed.group(1)), int(slashed.group(2)), int(slashed.group(3))
            if first > 12 >= second:
                return date(year, second, first)
            if second > 12 >= first:
                return date(year, first, second)
            raise InputError(f"{where}: {value!r} is ambiguous (day/month or month/day?); write dates as YYYY-MM-DD.")
    except ValueError:
        pass
    raise InputError(f"{where}: {value!r} is not a date; write YYYY-MM-DD (or YYMMDD, 12MAR1965).")


def today() -> date:
    return datetime.now().date()
