"""ISO 20022 credit transfers: pacs.008 (FI to FI customer credit transfer) and pain.001 (customer initiation).

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

XML is parsed by sources/xmlsafe.py: no DTDs, entities or network access.
"""

from __future__ import annotations

import re

from lxml import etree

from ..errors import InputError, SourceError
from ..sources.dates import parse_date
from ..sources.xmlsafe import local, parse_xml
from .document import COUNTRY, DESTINATION, ORIGIN, Country, FreeText, Identifier, Location, ParsedDocument, Party
from .identifiers import clean_bic, iban_country

MESSAGES = {"FIToFICstmrCdtTrf": "pacs.008", "CstmrCdtTrfInitn": "pain.001"}
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
_VERSION = re.compile(r"(pacs\.008|pain\.001)\.001\.(\d{2})")
_PERSON_DOCUMENTS = {"CCPT": "passport", "NIDN": "national id"}
_ADDRESS_PARTS = ("AdrLine", "StrtNm", "BldgNb", "BldgNm", "PstCd", "TwnNm", "TwnLctnNm", "DstrctNm", "CtrySubDvsn")


def parse_iso20022(data: bytes) -> ParsedDocument:
    try:
        root = parse_xml(data, what="The payment message")
    except SourceError as exc:
        raise InputError(str(exc)) from None
    message = next((node for node in root.iter() if isinstance(node.tag, str) and local(node.tag) in MESSAGES), None)
    if message is None:
        raise InputError(
            f"The XML root is <{local(root.tag)}>, and it holds no FIToFICstmrCdtTrf (pacs.008) or CstmrCdtTrfInitn (pain.001); "
            "send a pacs.008 or pain.001 message."
        )
    kind = MESSAGES[local(message.tag)]
    namespace = etree.QName(message).namespace or ""
    version = _VERSION.search(namespace)
    fmt = f"{kind}.001.{version.group(2)}" if version and version.group(1) == kind else kind
    parser = _Parser(kind, fmt)
    header = _child(message, "GrpHdr")
    if header is None:
        raise InputError(f"{kind}: element GrpHdr (group header) is missing.")
    reference = parser.text(header, "GrpHdr", "MsgId", required=True)
    document = ParsedDocument(format=fmt, reference=reference)
    parser.document = document
    block = "CdtTrfTxInf" if kind == "pacs.008" else "PmtInf"
    if not any(local(child.tag) == block for child in message if isinstance(child.tag, str)):
        what = "credit transfer transaction" if kind == "pacs.008" else "payment information"
        raise InputError(f"{kind}: no {block} ({what}) element; the message transfers nothing.")
    if kind == "pain.001":
        for info in _children(message, "PmtInf"):
            if not _children(info, "CdtTrfTxInf"):
                raise InputError(
                    f"{kind}: element {_indexed(message, info, 'PmtInf')} has no CdtTrfTxInf (credit transfer transaction)."
                )
    parser.walk(message, "")
    return document


def _child(element: etree._Element, name: str) -> etree._Element | None:
    return next((child for child in element if isinstance(child.tag, str) and local(child.tag) == name), None)


def _children(element: etree._Element, name: str) -> list[etree._Element]:
    return [child for child in element if isinstance(child.tag, str) and local(child.tag) == name]


def _indexed(parent: etree._Element, child: etree._Element, name: str) -> str:
    """`Name`, or `Name[2]` when the parent repeats it, so every path names one element."""
    same = _children(parent, name)
    return name if len(same) == 1 else f"{name}[{same.index(child) + 1}]"


class _Parser:
    def __init__(self, kind: str, fmt: str):
        self.kind = kind
        self.fmt = fmt
        self.document = ParsedDocument(format=fmt, reference=None)

    def text(self, element: etree._Element, path: str, name: str, required: bool = False) -> str | None:
        """Text of a child element; present-but-empty is an error, as is a missing required one."""
        child = _child(element, name)
        if child is None:
            if required:
                raise InputError(f"{self.kind}: element {path}/{name} is missing.")
            return None
        value = " ".join((child.text or "").split())
        if not value:
            raise InputError(f"{self.kind}: element {path}/{name} is empty.")
        return value

    def walk(self, element: etree._Element, path: str) -> None:
        for child in element:
            if not isinstance(child.tag, str):
                continue
            name = local(child.tag)
            child_path = f"{path}/{_indexed(element, child, name)}".lstrip("/")
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
                self.walk(child, child_path)

    def party(self, element: etree._Element, path: str, direction: str) -> None:
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
                self.walk(element, path)
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
            " ".join((child.text or "").split())
            for child in address
            if isinstance(child.tag, str) and local(child.tag) in _ADDRESS_PARTS
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
        for child in element:
            if not isinstance(child.tag, str):
                continue
            name = local(child.tag)
            child_path = f"{path}/{_indexed(element, child, name)}"
            if name == "Ustrd":
                text = " ".join((child.text or "").split())
                if text:
                    self.document.add(FreeText(child_path, text))
            elif name == "Strd":
                for extra in _children(child, "AddtlRmtInf"):
                    text = " ".join((extra.text or "").split())
                    if text:
                        self.document.add(FreeText(f"{child_path}/{_indexed(child, extra, 'AddtlRmtInf')}", text))
                self.walk(child, child_path)  # invoicer / invoicee parties

    def regulatory(self, element: etree._Element, path: str) -> None:
        for details in _children(element, "Dtls"):
            base = f"{path}/{_indexed(element, details, 'Dtls')}"
            country = self.text(details, base, "Ctry")
            if country:
                self.document.add(Country(f"{base}/Ctry", country, COUNTRY, "regulatory reporting country"))
            for info in _children(details, "Inf"):
                text = " ".join((info.text or "").split())
                if text:
                    self.document.add(FreeText(f"{base}/Inf", text))
