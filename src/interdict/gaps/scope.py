"""Jurisdictions: which datasets speak for the US, the UK, the EU...

The registry's `jurisdiction` column is the single source: us = OFAC SDN, OFAC
non-SDN and trade.gov CSL; gb = UK; eu = EU; ca = Canada; au = Australia; un = UN.
A list of the user's own (`interdict load --ftm NAME FILE`) speaks for no
jurisdiction of the registry: it is a jurisdiction of its own, named by its
dataset name (`--listed-by watchlist --not-listed-by eu`). Its name can never
be a registry id or jurisdiction code (the loader refuses them).
"""

from __future__ import annotations

from collections.abc import Iterable

from ..errors import InputError
from ..sources import registry


def jurisdiction_datasets(own: Iterable[str] = ()) -> dict[str, list[str]]:
    """Jurisdiction -> its datasets, in registry order; then each own list as a jurisdiction of its own."""
    found: dict[str, list[str]] = {}
    for source in registry().values():
        found.setdefault(source.jurisdiction, []).append(source.id)
    for dataset in own:
        found.setdefault(dataset, [dataset])
    return found


def jurisdiction_of(dataset: str) -> str:
    """The registry's jurisdiction of an official list; an own list's is its own name."""
    source = registry().get(dataset)
    return source.jurisdiction if source is not None else dataset


def parse_jurisdictions(value: str | list[str] | None, option: str, own: Iterable[str] = ()) -> list[str]:
    """'us,gb,ca' (or repeated options) -> validated, de-duplicated jurisdiction codes, in order given.

    `own` names the loaded own lists, which are accepted as jurisdictions of their own.
    """
    if value is None:
        return []
    parts = value if isinstance(value, list) else [value]
    codes: list[str] = []
    known = jurisdiction_datasets(own)
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
