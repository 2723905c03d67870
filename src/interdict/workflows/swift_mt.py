"""SWIFT MT103 (customer credit transfer) and MT202/MT202COV (bank transfer, with cover).

A FIN message is blocks: {1:} basic header (sender), {2:} application header
(message type, receiver), {3:} user header ({119:COV} marks a cover payment),
{4:} the text, one field per tag line (`:59:`), continuation lines below it.
Files often hold just the block-4 text; both are accepted.

MT202COV carries two sequences: A, the bank-to-bank transfer (58a beneficiary
institution...), and B, the underlying customer credit transfer (50a ordering
customer, 59a beneficiary, 70 remittance). Sequence B starts at its first 50a
field. Its fields are reported as e.g. ":59: (sequence B)", since the same tag
can occur in both sequences.

Party field options (how SWIFT writes them):
    A   [/account] then a BIC                       (52A, 57A, 59A...)
    B   [/account] then a location                  (53B, 57B)
    C   /account only                               (56C, 57C)
    D / K / no letter   [/account] name, address    (50K, 59, 57D, 58D...)
    F   structured: party identifier, then 1/name, 2/address, 3/CC/town,
        4/birth date, 5/CC/birth place, 6-8 identifiers (50F, 59F)
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..errors import InputError
from .checks import decode_document
from .document import COUNTRY, DESTINATION, ORIGIN, Country, FreeText, Identifier, Location, ParsedDocument, Party
from .identifiers import clean_bic, iban_country
from .limits import DocumentLimits, current_limits

_TAG = re.compile(r"^:(\d{2}[A-Z]?):(.*)$")
_BLOCK = re.compile(r"\{([1-5]):")
MAX_LINE = 35
# Tag number → (role, direction, party kind): "customer" names are screened as
# any legal entity, "institution" names as organisations.
_ROLES = {
    "50": ("ordering customer", ORIGIN, "customer"),
    "51": ("sending institution", ORIGIN, "institution"),
    "52": ("ordering institution", ORIGIN, "institution"),
    "53": ("sender's correspondent", COUNTRY, "institution"),
    "54": ("receiver's correspondent", COUNTRY, "institution"),
    "55": ("third reimbursement institution", COUNTRY, "institution"),
    "56": ("intermediary institution", COUNTRY, "institution"),
    "57": ("account with institution", DESTINATION, "institution"),
    "58": ("beneficiary institution", DESTINATION, "institution"),
    "59": ("beneficiary customer", DESTINATION, "customer"),
}
_F_DOCUMENTS = ("CCPT", "NIDN")
_REPORTING = re.compile(r"/(ORDERRES|BENEFRES)/([A-Z]{2})//?")


@dataclass
class Field:
    tag: str  # "59", "50K"
    lines: list[str]
    line: int  # line number of the tag in the file
    sequence: str = "A"

    @property
    def label(self) -> str:
        return f":{self.tag}:" + (" (sequence B)" if self.sequence == "B" else "")


def is_swift_mt(text: str) -> bool:
    stripped = text.lstrip()
    return stripped.startswith(("{1:", "{4:")) or bool(re.match(r":\d{2}[A-Z]?:", stripped))


def parse_swift_mt(data: bytes, limits: DocumentLimits | None = None) -> ParsedDocument:
    """Parties, agents, BICs, countries and texts of an MT103 / MT202(COV); a field over max_field_chars is refused."""
    limits = limits or current_limits()
    text = _decode(data)
    headers, body, first_line = _split_blocks(text)
    message_type = _message_type(headers, body)
    fields = _fields(body, first_line, message_type)
    for item in fields:
        size = sum(len(line) for line in item.lines)
        if size > limits.max_field_chars:
            raise limits.exceeded(
                "max_field_chars", f"{message_type} line {item.line}: tag {item.label} holds {size:,} characters"
            )
    if message_type == "MT202COV" or (message_type == "MT202" and any(f.tag[:2] == "50" for f in fields)):
        message_type = "MT202COV"
        in_b = False
        for item in fields:
            in_b = in_b or item.tag[:2] == "50"
            item.sequence = "B" if in_b else "A"
    reference = next((f.lines[0].strip() for f in fields if f.tag == "20" and f.lines and f.lines[0].strip()), None)
    if reference is None:
        raise InputError(f"{message_type}: field :20: (sender's reference) is missing or empty.")
    required = ("59",) if message_type == "MT103" else ("58",)
    for tag in required:
        if not any(f.tag[:2] == tag for f in fields):
            raise InputError(f"{message_type}: field :{tag}a: ({_ROLES[tag][0]}) is missing.")
    if message_type == "MT202COV" and not any(f.tag[:2] == "59" and f.sequence == "B" for f in fields):
        raise InputError("MT202COV: sequence B (underlying customer credit transfer) has no :59a: beneficiary customer.")
    document = ParsedDocument(format=message_type, reference=reference)
    for label, bic in headers.get("bics", []):
        document.add(Identifier(label, bic, "bic"))
    reader = _FieldReader(message_type, document)
    for item in fields:
        reader.read(item)
    return document


def _decode(data: bytes) -> str:
    return decode_document(data).replace("\r\n", "\n").replace("\r", "\n")


def _split_blocks(text: str) -> tuple[dict, str, int]:
    """Headers (sender/receiver BICs, message type, COV flag) and block 4 with its first line number."""
    stripped = text.lstrip()
    offset_lines = text[: len(text) - len(stripped)].count("\n")
    if not stripped.startswith("{"):
        return {}, stripped, offset_lines + 1
    headers: dict = {"bics": []}
    start = stripped.find("{4:")
    if start < 0:
        raise InputError("SWIFT message: block {4:} (the message text) is missing.")
    head = stripped[:start]
    block1 = re.search(r"\{1:([A-Z])(\d{2})([A-Z0-9]{12})", head)
    if block1:
        lt = block1.group(3)
        bic = clean_bic(lt[:8] + lt[9:12])
        if bic:
            headers["bics"].append(("block 1 (sender)", bic))
    block2 = re.search(r"\{2:([IO])(\d{3})([A-Z0-9]*)", head)
    if block2:
        headers["type"] = block2.group(2)
        rest = block2.group(3)
        lt = rest[:12] if block2.group(1) == "I" else rest[14:26]
        bic = clean_bic(lt[:8] + lt[9:12]) if len(lt) == 12 else None
        if bic:
            headers["bics"].append(("block 2 (receiver)" if block2.group(1) == "I" else "block 2 (sender)", bic))
    headers["cov"] = bool(re.search(r"\{119:COV\}", head))
    body_start = start + 3
    end = stripped.find("\n-}", body_start)
    if end < 0:
        end = stripped.find("-}", body_start)
    if end < 0:
        raise InputError("SWIFT message: block {4:} is not closed with '-}' (truncated message?).")
    line = offset_lines + stripped[:body_start].count("\n") + 1
    return headers, stripped[body_start:end], line


def _message_type(headers: dict, body: str) -> str:
    declared = headers.get("type")
    tags = set(re.findall(r"^:(\d{2})[A-Z]?:", body, re.MULTILINE))
    if declared is not None:
        if declared == "103":
            return "MT103"
        if declared == "202":
            return "MT202COV" if headers.get("cov") or "50" in tags else "MT202"
        raise InputError(f"SWIFT MT{declared} is not a payment message interdict screens; send an MT103, MT202 or MT202COV.")
    if "58" in tags:
        return "MT202COV" if "50" in tags else "MT202"
    if "59" in tags or "50" in tags:
        return "MT103"
    raise InputError(
        "SWIFT message text has neither :59: (beneficiary customer) nor :58a: (beneficiary institution); send an MT103, MT202 or MT202COV."
    )


def _fields(body: str, first_line: int, message_type: str) -> list[Field]:
    fields: list[Field] = []
    for offset, raw in enumerate(body.split("\n")):
        number = first_line + offset
        line = raw.rstrip()
        if not line.strip():
            continue
        if line.strip() == "-":
            break
        match = _TAG.match(line)
        if match:
            fields.append(Field(match.group(1), [match.group(2)] if match.group(2) else [], number))
        elif not fields:
            raise InputError(f"{message_type} line {number}: expected a field tag such as :20:, found {line.strip()[:40]!r}.")
        else:
            fields[-1].lines.append(line)
    if not fields:
        raise InputError(f"{message_type}: the message text has no fields.")
    return fields


class _FieldReader:
    def __init__(self, message_type: str, document: ParsedDocument):
        self.type = message_type
        self.document = document

    def fail(self, item: Field, problem: str) -> InputError:
        return InputError(f"{self.type} line {item.line}: tag {item.label} {problem}")

    def read(self, item: Field) -> None:
        number, option = item.tag[:2], item.tag[2:]
        if number in _ROLES:
            self.party(item, option, *_ROLES[number])
        elif number in ("70", "72"):
            text = " ".join(line.strip() for line in item.lines if line.strip())
            if text:
                self.document.add(FreeText(item.label, text))
        elif number == "77" and option == "B":
            text = "\n".join(item.lines)
            for kind, code in _REPORTING.findall(text):
                direction = ORIGIN if kind == "ORDERRES" else DESTINATION
                self.document.add(Country(item.label, code, direction, f"/{kind}/ country"))
            rest = _REPORTING.sub(" ", text)
            if rest.strip(" /\n"):
                self.document.add(FreeText(item.label, " ".join(rest.split())))

    def party(self, item: Field, option: str, role: str, direction: str, kind: str) -> None:
        lines = [line.strip() for line in item.lines]
        if not any(lines):
            raise self.fail(item, "is empty.")
        account = lines[0] if lines and lines[0].startswith("/") else None
        rest = lines[1:] if account is not None else lines
        if account:
            iban = account.split("/")[-1]
            if iban_country(iban):
                self.document.add(Country(item.label, iban, direction, "IBAN"))
        schema = "LegalEntity" if kind == "customer" else "Organization"
        if option == "A":
            if not rest:
                raise self.fail(item, "has no BIC line.")
            bic = clean_bic(rest[0])
            if bic is None:
                raise self.fail(item, f"{rest[0]!r} is not a BIC (8 or 11 characters).")
            self.document.add(Identifier(item.label, bic, "bic"))
        elif option == "B":
            if rest:
                self.document.add(Location(item.label, " ".join(rest), direction))
        elif option == "C":
            return
        elif option == "F":
            self.structured(item, lines, role, direction, schema)
        else:  # D, K or no letter: name and address lines
            if not rest or not rest[0]:
                raise self.fail(item, "has no name line.")
            name = rest[0]
            used = 1
            if len(name) >= MAX_LINE and len(rest) > 1:  # a name wrapped at 35 characters
                name, used = f"{name} {rest[1]}", 2
            address = " ".join(rest[used:])
            if address:
                self.document.add(Location(item.label, address, direction))
            self.document.add(Party(item.label, name, schema, role))

    def structured(self, item: Field, lines: list[str], role: str, direction: str, schema: str) -> None:
        """Option F: numbered lines; a passport or national id in the identifier line is decisive."""
        identifier = lines[0]
        documents: list[str] = []
        code = re.match(r"([A-Z]{4})/([A-Z]{2})/(.+)$", identifier)
        if code and code.group(1) in _F_DOCUMENTS:
            documents.append(code.group(3))
        if not identifier.startswith("/") and not code:
            raise self.fail(item, f"first line {identifier!r} must be /account or CODE/CC/identifier (e.g. CCPT/IR/A1234567).")
        names: list[str] = []
        address: list[str] = []
        countries: list[str] = []
        birth_date = None
        for offset, line in enumerate(lines[1:], start=1):
            numbered = re.match(r"([1-8])/(.*)$", line)
            if not numbered:
                raise InputError(
                    f"{self.type} line {item.line + offset}: tag {item.label} line {line[:35]!r} must start with 1/ to 8/."
                )
            number, value = numbered.group(1), numbered.group(2).strip()
            if number == "1":
                names.append(value)
            elif number == "2":
                address.append(value)
            elif number == "3":
                parts = value.split("/", 1)
                if not re.fullmatch(r"[A-Z]{2}", parts[0]):
                    raise InputError(
                        f"{self.type} line {item.line + offset}: tag {item.label} line 3/ must start with a country code (3/CC/TOWN)."
                    )
                countries.append(parts[0].lower())
                self.document.add(Country(item.label, parts[0], direction))
                if len(parts) > 1:
                    address.append(parts[1])
            elif number == "4":
                if not re.fullmatch(r"\d{8}", value):
                    raise InputError(
                        f"{self.type} line {item.line + offset}: tag {item.label} birth date 4/{value} must be YYYYMMDD."
                    )
                birth_date = f"{value[:4]}-{value[4:6]}-{value[6:]}"
            elif number == "7":
                parts = value.split("/", 1)
                if len(parts) == 2:
                    documents.append(parts[1])
        name = " ".join(part for part in names if part)
        if not name:
            raise self.fail(item, "has no name line (1/...).")
        if address:
            self.document.add(Location(item.label, ", ".join(address), direction))
        person = birth_date is not None or bool(documents)
        self.document.add(
            Party(
                item.label,
                name,
                "Person" if person else schema,
                role,
                birth_date=birth_date,
                countries=tuple(countries),
                documents=tuple(documents),
            )
        )
