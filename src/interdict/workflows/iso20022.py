"""ISO 20022 credit transfers: pacs.008 (FI to FI customer credit transfer), pacs.009 (FI credit transfer) and pain.001.

Real traffic mixes versions (pacs.008.001.02 from legacy systems next to
.08 for CBPR+ and .10-.12 for newer market practice), and wrappers (a business
application header, a file envelope) around the Document. So the parser:

- finds the message element by name (`FIToFICstmrCdtTrf`, `CstmrCdtTrfInitn`)
  anywhere in the XML, and reads the version from its namespace only to report
  it (`pacs.008.001.08`); an unexpected or missing namespace version is fine;
- walks the whole message once, picking elements by role rather than by fixed
  paths: any `Dbtr`, `Cdtr`, `UltmtDbtr`, `UltmtCdtr`, `InitgPty` (and invoicer /
  invoicee) is a party, any `*Agt` (`DbtrAgt`, `IntrmyAgt2`, `InstgRmbrsmntAgt`...)
  an agent, any `*Acct` an account, whatever the version nests them in;
- reads both spellings that changed across versions (`BIC` → `BICFI`,
  `BICOrBEI` → `AnyBIC`, the `Pty` wrapper).

A pacs.009 moves money between banks: its debtor and creditor (and ultimate
ones) are financial institutions (`FinInstnId`: BIC, name, address), screened as
agents are; a pacs.009 COV adds the underlying customer transfer
(`UndrlygCstmrCdtTrf`), whose parties are screened like a pacs.008's. A
namespace naming another message than the element it holds (a pacs.009
namespace around `FIToFICstmrCdtTrf`) is refused: such a message is not what
it claims to be.

XML is parsed without DTDs, entity resolution or network access, and a message
that declares a DTD or entities is refused outright (XXE, entity bombs). Paths
in findings and errors index repeated elements (`CdtTrfTxInf[2]`); they are
computed once per parent, so a message of 10,000 transactions parses in linear
time. The limits of limits.py apply: transactions per message, characters per
element.
"""

from __future__ import annotations

import re
from collections import Counter

from lxml import etree

from ..errors import InputError
from ..sources.dates import parse_date
from ..sources.xmlsafe import local
from .document import COUNTRY, DESTINATION, ORIGIN, Country, FreeText, Identifier, Location, ParsedDocument, Party
from .identifiers import clean_bic, iban_country
from .limits import DocumentLimits, current_limits

MESSAGES = {"FIToFICstmrCdtTrf": "pacs.008", "FICdtTrf": "pacs.009", "CstmrCdtTrfInitn": "pain.001"}
PARTIES = {
    "Dbtr": ORIGIN,
    "UltmtDbtr": ORIGIN,
    "InitgPty": ORIGIN,
    "Cdtr": DESTINATION,
    "UltmtCdtr": DESTINATION,
    "Invcr": COUNTRY,
    "Invcee": COUNTRY,
}
AGENT_SIDES = {"DbtrAgt": ORIGIN, "InstgAgt": ORIGIN, "PrvsInstgAgt1": ORIGIN, "CdtrAgt": DESTINATION, "InstdAgt": DESTINATION}
_AGENT = re.compile(r"(?:Agt|Agt\d)$")
_VERSION = re.compile(r"(pacs\.008|pacs\.009|pain\.001)\.001\.(\d{2})")
_MESSAGE_ID = re.compile(r"\b([a-z]{4}\.\d{3})\.\d{3}\.\d{2}\b")
_DOCTYPE = re.compile(rb"<!DOCTYPE|<!ENTITY", re.IGNORECASE)
MAX_DEPTH = 40  # ISO 20022 messages nest about 12 levels; deeper is a hostile document, refused before recursing
_PERSON_DOCUMENTS = {"CCPT": "passport", "NIDN": "national id"}
_ADDRESS_PARTS = ("AdrLine", "StrtNm", "BldgNb", "BldgNm", "PstCd", "TwnNm", "TwnLctnNm", "DstrctNm", "CtrySubDvsn")


def parse_iso20022(data: bytes, limits: DocumentLimits | None = None) -> ParsedDocument:
    limits = limits or current_limits()
    root = _parse_xml(data)
    message = next((node for node in root.iter() if isinstance(node.tag, str) and local(node.tag) in MESSAGES), None)
    if message is None:
        raise InputError(
            f"The XML root is <{local(root.tag)}>, and it holds no FIToFICstmrCdtTrf (pacs.008), FICdtTrf (pacs.009) or "
            "CstmrCdtTrfInitn (pain.001); send one of those payment messages."
        )
    kind = MESSAGES[local(message.tag)]
    namespace = etree.QName(message).namespace or ""
    declared = _MESSAGE_ID.search(namespace)
    if declared and declared.group(1) != kind:
        raise InputError(
            f"The XML namespace {namespace!r} is a {declared.group(1)} message, but it holds <{local(message.tag)}> "
            f"({kind}); a message that is not what it declares is refused."
        )
    version = _VERSION.search(namespace)
    fmt = f"{kind}.001.{version.group(2)}" if version and version.group(1) == kind else kind
    parser = _Parser(kind, fmt, limits)
    header = _child(message, "GrpHdr")
    if header is None:
        raise InputError(f"{kind}: element GrpHdr (group header) is missing.")
    reference = parser.text(header, "GrpHdr", "MsgId", required=True)
    document = ParsedDocument(format=fmt, reference=reference)
    parser.document = document
    block = "PmtInf" if kind == "pain.001" else "CdtTrfTxInf"
    if not any(_local(child.tag) == block for child in message if isinstance(child.tag, str)):
        what = "payment information" if kind == "pain.001" else "credit transfer transaction"
        raise InputError(f"{kind}: no {block} ({what}) element; the message transfers nothing.")
    transactions = 0
    if kind == "pain.001":
        for info, label in _labelled(message, "PmtInf"):
            count = len(_children(info, "CdtTrfTxInf"))
            if not count:
                raise InputError(f"{kind}: element {label} has no CdtTrfTxInf (credit transfer transaction).")
            transactions += count
    else:
        transactions = len(_children(message, "CdtTrfTxInf"))
    if transactions > limits.max_transactions:
        raise limits.exceeded("max_transactions", f"{kind}: the message holds {transactions:,} credit transfers (CdtTrfTxInf)")
    parser.walk(message, "", 1)
    return document


def _parse_xml(data: bytes) -> etree._Element:
    """The message's element tree, refusing DTDs and entities, with errors that say where the XML breaks."""
    head = data[:4096].lstrip()
    if head.startswith(b"\xef\xbb\xbf"):
        head = head[3:].lstrip()
    refusal = (
        "The payment message declares a DTD or entities (<!DOCTYPE> / <!ENTITY>); ISO 20022 messages never do, "
        "so it was refused (this blocks external-entity reads and entity-expansion attacks)."
    )
    if _DOCTYPE.search(data[:65536]):
        raise InputError(refusal)
    if head[:200].lower().lstrip().startswith((b"<!doctype html", b"<html")):
        raise InputError("The payment message is an HTML page, not ISO 20022 XML.")
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, remove_blank_text=True)
    try:
        root = etree.fromstring(data, parser=parser)
    except etree.XMLSyntaxError as exc:
        entry = exc.error_log.last_error if exc.error_log else None  # type: ignore[attr-defined]  # lxml-stubs 0.5.1 omits _ErrorLog.last_error
        problem = entry.message if entry is not None else str(exc.msg).rsplit(", line ", 1)[0]
        line, column = (entry.line, entry.column) if entry is not None else (exc.lineno, exc.position[1])
        raise InputError(
            f"The payment message is not well-formed XML at line {line}, column {column}: {problem} (truncated or edited?)."
        ) from None
    if root is None:
        raise InputError("The payment message holds no XML element.")
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None:  # type: ignore[union-attr]  # lxml-stubs 0.5.1 omits DocInfo.doctype  # a DOCTYPE the byte scan missed (after a long comment, UTF-16)
        raise InputError(refusal)
    return root


_LOCAL_NAMES: dict[str, str] = {}  # "{namespace}Name" → "Name": a message repeats a few dozen tags thousands of times


def _local(tag: str) -> str:
    name = _LOCAL_NAMES.get(tag)
    if name is None:
        name = local(tag)
        if len(_LOCAL_NAMES) < 10_000:  # bounded: tags come from the document
            _LOCAL_NAMES[tag] = name
    return name


def _child(element: etree._Element, name: str) -> etree._Element | None:
    for child in element:
        if isinstance(child.tag, str) and _local(child.tag) == name:
            return child
    return None


def _children(element: etree._Element, name: str) -> list[etree._Element]:
    return [child for child in element if isinstance(child.tag, str) and _local(child.tag) == name]


def _labelled(parent: etree._Element, only: str | None = None) -> list[tuple[etree._Element, str]]:
    """Child elements with their path labels: `Name`, or `Name[2]` when the parent repeats it.

    Counted once per parent (linear in the number of children), so every path
    names one element however many transactions a message holds.
    """
    elements = [(child, _local(child.tag)) for child in parent if isinstance(child.tag, str)]
    totals = Counter(name for _, name in elements)
    seen: Counter[str] = Counter()
    labelled = []
    for child, name in elements:
        seen[name] += 1
        if only is None or name == only:
            labelled.append((child, name if totals[name] == 1 else f"{name}[{seen[name]}]"))
    return labelled


class _Parser:
    def __init__(self, kind: str, fmt: str, limits: DocumentLimits):
        self.kind = kind
        self.fmt = fmt
        self.limits = limits
        self.document = ParsedDocument(format=fmt, reference=None)

    def content(self, element: etree._Element, path: str) -> str:
        """An element's text with whitespace runs folded; text over max_field_chars is refused."""
        raw = element.text or ""
        if len(raw) > self.limits.max_field_chars:
            raise self.limits.exceeded("max_field_chars", f"{self.kind}: element {path} holds {len(raw):,} characters")
        return " ".join(raw.split())

    def text(self, element: etree._Element, path: str, name: str, required: bool = False) -> str | None:
        """Text of a child element; present-but-empty is an error, as is a missing required one."""
        child = _child(element, name)
        if child is None:
            if required:
                raise InputError(f"{self.kind}: element {path}/{name} is missing.")
            return None
        value = self.content(child, f"{path}/{name}")
        if not value:
            raise InputError(f"{self.kind}: element {path}/{name} is empty.")
        return value

    def walk(self, element: etree._Element, path: str, depth: int) -> None:
        if depth > MAX_DEPTH:
            raise InputError(
                f"{self.kind}: element {path} is nested {depth} levels deep; ISO 20022 messages nest about 12, so it was refused."
            )
        for child, label in _labelled(element):
            name = _local(child.tag)
            child_path = f"{path}/{label}".lstrip("/")
            if name in PARTIES:
                self.party(child, child_path, PARTIES[name])
            elif _AGENT.search(name):
                self.agent(child, child_path, AGENT_SIDES.get(name, COUNTRY))
            elif name.endswith("Acct"):
                self.account(child, child_path)
            elif name == "RmtInf":
                self.remittance(child, child_path)
            elif name in ("InstrForCdtrAgt", "InstrForNxtAgt"):
                info = self.text(child, child_path, "InstrInf")
                if info:
                    self.document.add(FreeText(f"{child_path}/InstrInf", info))
            elif name == "RgltryRptg":
                self.regulatory(child, child_path)
            elif len(child):
                self.walk(child, child_path, depth + 1)

    def party(self, element: etree._Element, path: str, direction: str) -> None:
        if _child(element, "FinInstnId") is not None:  # pacs.009: the debtor and creditor are banks
            self.agent(element, path, direction)
            return
        body = _child(element, "Pty")
        if body is not None:  # some versions wrap the party in <Pty>
            element, path = body, f"{path}/Pty"
        name = self.text(element, path, "Nm")
        ident = _child(element, "Id")
        private = _child(ident, "PrvtId") if ident is not None else None
        organisation = _child(ident, "OrgId") if ident is not None else None
        schema = "Person" if private is not None else ("Organization" if organisation is not None else "LegalEntity")
        birth_date, documents = None, []
        if private is not None:
            birth = _child(private, "DtAndPlcOfBirth")
            if birth is not None:
                raw = self.text(birth, f"{path}/Id/PrvtId/DtAndPlcOfBirth", "BirthDt")
                parsed = parse_date(raw) if raw else None
                if raw and (parsed is None or not parsed.start):
                    raise InputError(
                        f"{self.kind}: element {path}/Id/PrvtId/DtAndPlcOfBirth/BirthDt {raw!r} is not a date (YYYY-MM-DD)."
                    )
                birth_date = parsed.start if parsed else None
            for other in _children(private, "Othr"):
                scheme = _child(other, "SchmeNm")
                code = (self.text(scheme, f"{path}/Id/PrvtId/Othr/SchmeNm", "Cd") if scheme is not None else None) or ""
                value = self.text(other, f"{path}/Id/PrvtId/Othr", "Id")
                if value and code in _PERSON_DOCUMENTS:
                    documents.append(value)
        if organisation is not None:
            for tag in ("AnyBIC", "BICOrBEI", "BIC"):
                bic = self.text(organisation, f"{path}/Id/OrgId", tag)
                if bic:
                    self.bic(bic, f"{path}/Id/OrgId/{tag}")
        countries = self.address(element, path, direction)
        residence = self.text(element, path, "CtryOfRes")
        if residence:
            self.document.add(Country(f"{path}/CtryOfRes", residence, direction, "country of residence"))
            countries.append(residence)
        if name:
            self.document.add(
                Party(
                    field=f"{path}/Nm",
                    name=name,
                    schema=schema,
                    role=path.rsplit("/", 1)[-1],
                    birth_date=birth_date,
                    countries=tuple(c.lower() for c in countries if len(c) == 2),
                    documents=tuple(documents),
                )
            )

    def agent(self, element: etree._Element, path: str, direction: str) -> None:
        institution = _child(element, "FinInstnId")
        if institution is None:
            if len(element):
                self.walk(element, path, path.count("/") + 2)
            return
        base = f"{path}/FinInstnId"
        for tag in ("BICFI", "BIC"):
            bic = self.text(institution, base, tag)
            if bic:
                self.bic(bic, f"{base}/{tag}")
        name = self.text(institution, base, "Nm")
        countries = self.address(institution, base, direction)
        if name:
            self.document.add(
                Party(
                    field=f"{base}/Nm",
                    name=name,
                    schema="Organization",
                    role=path.rsplit("/", 1)[-1],
                    countries=tuple(c.lower() for c in countries if len(c) == 2),
                )
            )

    def bic(self, value: str, path: str) -> None:
        bic = clean_bic(value)
        if bic is None:
            raise InputError(
                f"{self.kind}: element {path} {value!r} is not a BIC (4 letters bank, 2 letters country, 2 characters location, optional 3 characters branch)."
            )
        self.document.add(Identifier(path, bic, "bic"))

    def address(self, element: etree._Element, path: str, direction: str) -> list[str]:
        """Country codes of the party's postal address; the address text goes to the place check."""
        address = _child(element, "PstlAdr")
        if address is None:
            return []
        base = f"{path}/PstlAdr"
        country = self.text(address, base, "Ctry")
        if country:
            if not re.fullmatch(r"[A-Za-z]{2}", country):
                raise InputError(f"{self.kind}: element {base}/Ctry {country!r} is not an ISO 3166 two-letter country code.")
            self.document.add(Country(f"{base}/Ctry", country, direction))
        parts = [
            self.content(child, f"{base}/{label}") for child, label in _labelled(address) if _local(child.tag) in _ADDRESS_PARTS
        ]
        text = ", ".join(part for part in parts if part)
        if text:
            self.document.add(Location(base, text, direction))
        return [country] if country else []

    def account(self, element: etree._Element, path: str) -> None:
        ident = _child(element, "Id")
        iban = self.text(ident, f"{path}/Id", "IBAN") if ident is not None else None
        country = iban_country(iban)
        if iban and country:
            direction = (
                ORIGIN
                if path.rsplit("/", 1)[-1].startswith("Dbtr")
                else (DESTINATION if path.rsplit("/", 1)[-1].startswith("Cdtr") else COUNTRY)
            )
            self.document.add(Country(f"{path}/Id/IBAN", iban, direction, "IBAN"))

    def remittance(self, element: etree._Element, path: str) -> None:
        for child, label in _labelled(element):
            name = _local(child.tag)
            child_path = f"{path}/{label}"
            if name == "Ustrd":
                text = self.content(child, child_path)
                if text:
                    self.document.add(FreeText(child_path, text))
            elif name == "Strd":
                for extra, extra_label in _labelled(child, "AddtlRmtInf"):
                    text = self.content(extra, f"{child_path}/{extra_label}")
                    if text:
                        self.document.add(FreeText(f"{child_path}/{extra_label}", text))
                self.walk(child, child_path, child_path.count("/") + 2)  # invoicer / invoicee parties

    def regulatory(self, element: etree._Element, path: str) -> None:
        for details, label in _labelled(element, "Dtls"):
            base = f"{path}/{label}"
            country = self.text(details, base, "Ctry")
            if country:
                self.document.add(Country(f"{base}/Ctry", country, COUNTRY, "regulatory reporting country"))
            for info in _children(details, "Inf"):
                text = self.content(info, f"{base}/Inf")
                if text:
                    self.document.add(FreeText(f"{base}/Inf", text))
