"""Screen a passenger or crew manifest the way a border agency's API/APIS check does.

Formats: UN/EDIFACT PAXLST (paxlst.py) and CSV/APIS exports (apis_csv.py),
recognised from the bytes (UNA/UNB/UNH starts EDIFACT).

Travel-ban logic, per traveller:
- a **match** with a designated person (name, with birth date, nationality and
  passport as the matcher's confirming or ruling-out evidence) is a hit;
- otherwise a **possible relative** (rare shared family name, same nationality,
  plausible age gap; see relatives.py) is a review that names the designated person.

The aircraft is flagged when its tail number (or a flight number that is one,
as private flights use) is a listed aircraft's. Two-digit years follow the
century rule documented in travel_dates.py.

One function serves the library, `interdict screen-manifest` and `POST /screen/manifest`.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from pathlib import Path

from ..match.screener import Screener
from .apis_csv import parse_apis_csv
from .checks import as_bytes, check_deadline, check_size, screen_parsed
from .document import ParsedDocument
from .limits import DocumentLimits, current_limits
from .paxlst import is_paxlst, parse_paxlst
from .sniff import MANIFEST, wrong_kind
from .verdict import Verdict


def parse_manifest(data: bytes | str, limits: DocumentLimits | None = None) -> ParsedDocument:
    """The flight and travellers of a manifest (no screening)."""
    data = as_bytes(data)
    limits = limits or current_limits()
    check_size(data, "manifest", limits)
    wrong = wrong_kind(data, MANIFEST)
    if wrong is not None:
        raise wrong
    head = data[:64].decode("latin-1")
    if is_paxlst(head):
        return parse_paxlst(data, limits)
    return parse_apis_csv(data, limits)


def screen_manifest(
    data: bytes | str,
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
    """One verdict for one manifest: every traveller and the aircraft (arguments as screen_payment's)."""
    check_deadline(deadline, "manifest")
    parsed = parse_manifest(data, limits)
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
