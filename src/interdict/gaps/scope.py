"""Jurisdictions: which datasets speak for the US, the UK, the EU...

The registry's `jurisdiction` column is the single source: us = OFAC SDN, OFAC
non-SDN and trade.gov CSL; gb = UK; eu = EU; ca = Canada; au = Australia; un = UN.
"""

from __future__ import annotations

from ..errors import InputError
from ..sources import registry


def jurisdiction_datasets() -> dict[str, list[str]]:
    """Jurisdiction -> its datasets, in registry order."""
    found: dict[str, list[str]] = {}
    for source in registry().values():
        found.setdefault(source.jurisdiction, []).append(source.id)
    return found


def jurisdiction_of(dataset: str) -> str:
    return registry()[dataset].jurisdiction


def parse_jurisdictions(value: str | list[str] | None, option: str) -> list[str]:
    """'us,gb,ca' (or repeated options) -> validated, de-duplicated jurisdiction codes, in order given."""
    if value is None:
        return []
    parts = value if isinstance(value, list) else [value]
    codes: list[str] = []
    known = jurisdiction_datasets()
    for part in parts:
        for code in str(part).split(","):
            code = code.strip().lower()
            if code == "uk":
                code = "gb"  # the common name for the UK's ISO code
            if not code:
                continue
            if code not in known:
                raise InputError(f"{option}: unknown jurisdiction {code!r}; use any of {', '.join(sorted(known))} (comma-separated).")
            if code not in codes:
                codes.append(code)
    return codes
