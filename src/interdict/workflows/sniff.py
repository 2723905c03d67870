"""What kind of document is this? So a file given to the wrong command is named, not misread.

A PAXLST passed to `screen-shipment` used to be read as "a shipment CSV with 59
data rows", and a payment XML passed to `screen-manifest` as a CSV without a
family-name column: true, and useless. Each workflow asks `wrong_kind` first
and, when the bytes plainly belong to another workflow, refuses them saying
what they look like and which command (and endpoint) screens them.

Only unambiguous shapes are recognised (a few hundred bytes are looked at):
EDIFACT service segments, XML, SWIFT FIN blocks or a `:20:` first line, a JSON
object, and CSV headers whose columns belong to one workflow only.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass

from ..errors import InputError
from .apis_csv import _header_key, column_aliases
from .shipment_fields import PARTIES, PLACES, TOP_KEYS

PAYMENT, MANIFEST, SHIPMENT = "payment", "manifest", "shipment"
COMMANDS = {
    PAYMENT: "interdict screen-payment (POST /screen/payment)",
    MANIFEST: "interdict screen-manifest (POST /screen/manifest)",
    SHIPMENT: "interdict screen-shipment (POST /screen/shipment)",
}
_EDIFACT_TYPE = re.compile(r"UNH\+[^+']*\+([A-Z0-9]{3,6})")
_ISO_MESSAGE = re.compile(rb"(?:pacs|pain|camt)\.\d{3}|FIToFICstmrCdtTrf|FICdtTrf|CstmrCdtTrfInitn")
_SWIFT = re.compile(r"\{[1-4]:|:20:")


@dataclass(frozen=True)
class Kind:
    workflow: str | None  # the workflow that reads it (None: no workflow does)
    description: str  # what it looks like, for the message
    near: str | None = None  # for an unread kind: the workflow whose parser explains the refusal best


def head(data: bytes) -> str:
    """The start of a document as text: byte-order marks honoured (UTF-8, -16, -32), else Latin-1; leading blanks off."""
    start = data[:4096]
    if start.startswith(b"\xef\xbb\xbf"):
        start = start[3:]
    for bom, encoding in (
        (b"\xff\xfe\x00\x00", "utf-32-le"),
        (b"\x00\x00\xfe\xff", "utf-32-be"),
        (b"\xff\xfe", "utf-16-le"),
        (b"\xfe\xff", "utf-16-be"),
    ):
        if start.startswith(bom):
            return start[len(bom) :].decode(encoding, "replace").lstrip(" \t\r\n")
    return start.decode("latin-1").lstrip(" \t\r\n")


def detect(data: bytes) -> Kind | None:
    """The kind of document the first bytes show, or None when nothing is certain."""
    head_text = head(data)
    head_bytes = head_text.encode("utf-8", "replace")
    if head_text[:3] in ("UNA", "UNB", "UNH"):
        found = _EDIFACT_TYPE.search(head_text.replace("\n", "").replace("\r", ""))
        message = found.group(1) if found else None
        if message in (None, "PAXLST"):
            return Kind(MANIFEST, "a UN/EDIFACT PAXLST passenger manifest")
        return Kind(None, f"a UN/EDIFACT {message} message (interdict screens PAXLST manifests only)", MANIFEST)
    if head_text.startswith("<"):
        if _ISO_MESSAGE.search(head_bytes):
            return Kind(PAYMENT, "an ISO 20022 payment message (XML)")
        return None
    if head_text.startswith(("{1:", "{4:")) or re.match(r":20:", head_text):
        return Kind(PAYMENT, "a SWIFT MT payment message")
    if head_text.startswith("{"):
        return Kind(SHIPMENT, "a JSON object (a shipment record)")
    return _csv_kind(head_text)


def _csv_kind(head: str) -> Kind | None:
    """A CSV whose header names columns of one workflow only: APIS traveller columns or shipment fields."""
    first = head.split("\n", 1)[0]
    try:
        header = next(csv.reader(io.StringIO(first)), [])
    except csv.Error:
        return None
    if len(header) < 2 and not any(sep in first for sep in ";\t|"):
        return None
    if len(header) < 2:
        header = re.split(r"[;\t|]", first)
    keys = {_header_key(cell) for cell in header}
    traveller = {"family_name", "full_name", "given_names", "birth_date", "document_number"}
    apis = {column_aliases().get(key, "") for key in keys} & traveller
    shipment = {
        key for key in keys if key in TOP_KEYS or any(key.startswith(prefix + "_") for prefix in (*PARTIES, *PLACES, "vessel"))
    } - {"date", "carrier", "reference"}  # columns both kinds of file may have
    if len(apis) >= 2 and not shipment:
        return Kind(MANIFEST, "a passenger manifest CSV (traveller columns such as " + ", ".join(sorted(apis)[:3]) + ")")
    if len(shipment) >= 2 and not apis:
        return Kind(SHIPMENT, "a shipment CSV (columns such as " + ", ".join(sorted(shipment)[:3]) + ")")
    return None


def wrong_kind(data: bytes, expected: str) -> InputError | None:
    """The refusal for a document of another workflow than `expected`, or None when it may be right."""
    kind = detect(data)
    if kind is None or kind.workflow == expected or kind.near == expected:
        return None
    if kind.workflow is None:
        return InputError(f"This looks like {kind.description}, not a {expected} document.")
    return InputError(f"This looks like {kind.description}, not a {expected} document; screen it with {COMMANDS[kind.workflow]}.")
