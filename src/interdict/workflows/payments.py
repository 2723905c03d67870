"""Screen a payment message the way a bank's payment filter does: every party, agent, BIC, country and free text.

Formats: ISO 20022 pacs.008 (versions 02-12), pacs.009 (incl. COV) and
pain.001 (iso20022.py), SWIFT MT103, MT202 and MT202COV with its
underlying-customer sequence B (swift_mt.py). The format is recognised from the
bytes: XML for ISO 20022, FIN blocks or `:20:`-led text for SWIFT; a manifest
or shipment record is refused with the command that screens it (sniff.py).

    >>> verdict = screen_payment(open("pacs008.xml", "rb").read())
    >>> verdict.verdict, [(f.field, f.rule, f.caption) for f in verdict.findings]

One function serves the library, `interdict screen-payment` and
`POST /screen/payment`.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from pathlib import Path

from ..errors import InputError
from ..match.screener import Screener
from .checks import as_bytes, check_deadline, check_size, screen_parsed
from .document import ParsedDocument
from .iso20022 import parse_iso20022
from .limits import DocumentLimits, current_limits
from .sniff import PAYMENT, head, wrong_kind
from .swift_mt import is_swift_mt, parse_swift_mt
from .verdict import Verdict


def parse_payment(data: bytes | str, limits: DocumentLimits | None = None) -> ParsedDocument:
    """The parties, agents, countries and texts of a payment message (no screening)."""
    data = as_bytes(data)
    limits = limits or current_limits()
    check_size(data, "payment message", limits)
    wrong = wrong_kind(data, PAYMENT)
    if wrong is not None:
        raise wrong
    text = head(data)  # byte-order marks honoured: UTF-16 exports are read, not misread
    if text.startswith("<"):
        return parse_iso20022(data, limits)
    if is_swift_mt(text[:200]):
        return parse_swift_mt(data, limits)
    raise InputError(
        "Not a payment message interdict reads: expected ISO 20022 XML (pacs.008, pacs.009, pain.001) "
        "or SWIFT MT103/MT202COV text (starting with {1: or :20:)."
    )


def screen_payment(
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
    """One verdict for one payment message.

    `datasets` limits the lists, `jurisdictions` the embargo rules that apply
    (e.g. ["eu", "un"] for an EU bank), `embargoes` replaces the bundled rules
    file; `document` names the document in the verdict (default: its reference).
    `deadline` (time.monotonic() value) stops the screening with DocumentTimeout;
    `limits` replace the environment's (limits.py); `workers` > 1 screens a large
    document in that many forked processes (single-threaded callers only).
    """
    check_deadline(deadline, "payment message")
    parsed = parse_payment(data, limits)
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
