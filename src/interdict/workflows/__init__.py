"""Document workflows: screen what the gates see, one verdict per document.

    >>> from interdict.workflows import screen_payment, screen_manifest, screen_shipment
    >>> verdict = screen_payment(open("pacs008.xml", "rb").read())
    >>> verdict.verdict                      # "clear", "review" or "hit"
    >>> verdict.to_dict()["findings"]        # field, value, rule, list entry, explanation

Modules: parsers per format (iso20022, swift_mt, edifact + paxlst, apis_csv,
shipments), the document model between parsing and screening (document), the
shared screening engine (checks) with its helpers (identifiers, freetext,
relatives, embargoes + data/embargoes.toml), and the verdict (verdict).
"""

from .manifests import parse_manifest, screen_manifest
from .payments import parse_payment, screen_payment
from .shipments import parse_shipment, screen_shipment
from .verdict import Finding, Verdict

__all__ = [
    "Finding",
    "Verdict",
    "parse_manifest",
    "parse_payment",
    "parse_shipment",
    "screen_manifest",
    "screen_payment",
    "screen_shipment",
]
