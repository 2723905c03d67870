"""UN/EDIFACT PAXLST: the passenger and crew lists airlines send to border agencies (API/APIS).

    UNA:+.? '
    UNB+UNOA:4+AIRLINE+BORDERAGENCY+250314:0930+000000123'       interchange, prepared 2025-03-14
    UNH+1+PAXLST:D:05B:UN:IATA'                                   message header
    BGM+745'                                                      passenger list (250: crew list)
    NAD+MS+++OPS CONTROL'                                         reporting party (not screened)
    TDT+20+W5114+++W5'                                            flight W5114, carrier W5
    LOC+125+IKA'  DTM+189:2503141030:201'                         departure airport and time
    LOC+87+DXB'   DTM+232:2503141215:201'                         arrival airport and time
    NAD+FL+++BOZIZE:FRANCOIS'                                     a passenger (FM: crew member)
    ATT+2++M'  DTM+329:461014'                                    gender; birth date (century rule)
    LOC+178+IKA'  LOC+179+DXB'  LOC+174+CAF'                      embarkation, debarkation, residence
    NAT+2+CAF'                                                    nationality (ISO alpha-3)
    DOC+P:110:111+D00002264'  DTM+36:270101'  LOC+91+CAF'         passport, expiry, issuing country
    CNT+42:1'                                                     number of passengers
    UNT+20+1'  UNZ+1+000000123'                                   trailers (segment count checked)

Private aircraft: the conveyance reference of TDT (element 2) or the transport
identification (element 8) carries the registration; both are looked up as tail
numbers.

Two-digit years (DTM formats 101 and 201, the usual ones in PAXLST) follow the
century rule of travel_dates.py, with the UNB preparation date as reference: a
birth date is the latest reading not after that date (`461014` in a 2025
message is 1946-10-14, `240101` is 2024-01-01); any other date (document
expiry, departure, arrival) is the reading nearest to it (`300101` is 2030).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from ..countries import to_code
from ..errors import InputError
from .document import DESTINATION, ORIGIN, Country, Identifier, ParsedDocument, Party
from .edifact import Segment, parse_interchange
from .limits import DocumentLimits, current_limits
from .travel_dates import parse_compact, today

WHAT = "PAXLST"
PASSENGERS = {"FL": "passenger", "DDU": "passenger"}
CREW = {"FM": "crew", "DDT": "crew", "COT": "crew"}
_ICAO_SPECIAL = {"D": "de", "D<<": "de"}  # ICAO Doc 9303 writes Germany as D
_VISA = {"V"}


@dataclass
class Traveller:
    role: str
    number: int
    segment: Segment
    surname: str
    given: str
    birth_date: date | None = None
    nationalities: list[str] = field(default_factory=list)
    residence: list[str] = field(default_factory=list)
    documents: list[str] = field(default_factory=list)

    @property
    def label(self) -> str:
        qualifier = self.segment.get(0)
        return f"NAD+{qualifier} {self.role} {self.number}"


def is_paxlst(text: str) -> bool:
    head = text.lstrip("\ufeff \r\n\t")[:3]
    return head in ("UNA", "UNB", "UNH")


def _fail(segment: Segment, problem: str) -> InputError:
    return InputError(f"{WHAT} segment {segment.number} ({segment.tag}, line {segment.line}): {problem}")


def _country(value: str) -> str | None:
    value = value.strip().upper()
    return _ICAO_SPECIAL.get(value) or to_code(value)


def _date(segment: Segment, reference: date, birth: bool) -> date:
    value, fmt = segment.get(0, 1), segment.get(0, 2) or None
    try:
        return parse_compact(value, reference, birth, fmt)
    except ValueError:
        raise _fail(segment, f"{value!r} is not a date{' in format ' + fmt if fmt else ''} (YYMMDD or CCYYMMDD).") from None


def parse_paxlst(data: bytes, limits: DocumentLimits | None = None) -> ParsedDocument:
    """The flight and travellers of a PAXLST; limits: max_field_chars per segment, max_travellers."""
    limits = limits or current_limits()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = data.decode("latin-1")
    segments = parse_interchange(text, WHAT, limits.max_field_chars)
    reference_date = today()
    for segment in segments:
        if segment.tag == "UNB" and segment.get(3):
            try:
                reference_date = parse_compact(segment.get(3), today(), birth=False)
            except ValueError:
                raise _fail(segment, f"preparation date {segment.get(3)!r} is not YYMMDD or CCYYMMDD.") from None
    if not any(segment.tag == "UNH" for segment in segments):
        raise InputError(f"{WHAT}: no UNH message header; this is not an EDIFACT message.")
    travellers: list[Traveller] = []
    flights: list[str] = []
    departure: date | None = None
    document = ParsedDocument(format="PAXLST", reference=None)
    current: Traveller | None = None
    counts = {"passenger": 0, "crew": 0}
    message_start: Segment | None = None
    for segment in segments:
        tag = segment.tag
        if tag == "UNH":
            message_type = segment.get(1, 0)
            if message_type != "PAXLST":
                raise _fail(segment, f"message type is {message_type or 'missing'!s}, not PAXLST.")
            message_start, current = segment, None
            document.reference = document.reference or segment.get(0)
        elif tag == "UNT":
            if message_start is None:
                raise _fail(segment, "UNT without a UNH before it.")
            declared = segment.get(0)
            actual = segment.number - message_start.number + 1
            if not declared.isdigit() or int(declared) != actual:
                raise _fail(
                    segment,
                    f"declares {declared or 'no'} segments, the message has {actual} (UNH to UNT); the message is incomplete or edited.",
                )
            message_start = None
        elif tag == "TDT":
            current = None
            for index, role in ((1, "conveyance reference"), (7, "transport identification")):
                value = segment.get(index)
                if value:
                    document.add(Identifier(f"TDT+{segment.get(0)} {role}", value, "tail_number"))
                    if index == 1:
                        flights.append(value)
        elif tag == "NAD":
            qualifier = segment.get(0)
            found_role = PASSENGERS.get(qualifier) or CREW.get(qualifier)
            if found_role is None:
                current = None
                continue
            role = found_role
            if len(travellers) >= limits.max_travellers:
                raise limits.exceeded(
                    "max_travellers",
                    f"{WHAT} segment {segment.number} (NAD, line {segment.line}): more than {limits.max_travellers:,} travellers",
                )
            surname, given = (
                segment.get(3, 0),
                " ".join(part.strip() for part in segment.elements[3][1:] if part.strip()) if len(segment.elements) > 3 else "",
            )
            if not surname:
                raise _fail(segment, "missing party name (surname in element 4, e.g. NAD+FL+++DOE:JOHN).")
            counts[role] += 1
            current = Traveller(role, counts[role], segment, surname, given)
            travellers.append(current)
        elif tag == "DTM":
            qualifier = segment.get(0, 0)
            if current is not None and qualifier == "329":
                current.birth_date = _date(segment, reference_date, birth=True)
            elif qualifier in ("189", "232", "36", "182", "554"):
                parsed = _date(segment, reference_date, birth=False)
                if qualifier == "189" and current is None and departure is None:
                    departure = parsed
        elif tag == "LOC":
            qualifier, place = segment.get(0), segment.get(1)
            if current is None and qualifier in ("125", "87") and place:
                direction, label = (ORIGIN, "departure airport") if qualifier == "125" else (DESTINATION, "arrival airport")
                document.add(Country(f"LOC+{qualifier} {label}", place, direction, "airport" if len(place) == 3 else "UN/LOCODE"))
            elif current is not None and qualifier == "174" and place:
                code = _country(place)
                if code:
                    current.residence.append(code)
        elif tag == "NAT" and current is not None:
            value = segment.get(1)
            code = _country(value) if value else None
            if value and code is None:
                raise _fail(segment, f"nationality {value!r} is not an ISO 3166 country code (e.g. IRN).")
            if code:
                current.nationalities.append(code)
        elif tag == "DOC" and current is not None:
            kind, number = segment.get(0, 0), segment.get(1)
            if not number:
                raise _fail(segment, "missing document number (element 2, e.g. DOC+P+A1234567).")
            if kind not in _VISA:
                current.documents.append(number)
        elif tag == "CNT":
            qualifier, value = segment.get(0, 0), segment.get(0, 1)
            expected = {"42": "passenger", "41": "crew"}.get(qualifier)
            if expected and value.isdigit() and int(value) != counts[expected] and counts[expected]:
                raise _fail(
                    segment, f"declares {value} {expected} record(s), the message has {counts[expected]} (truncated message?)."
                )
    if message_start is not None:
        raise _fail(message_start, "message has no UNT trailer (truncated message?).")
    if not travellers and not flights:
        raise InputError(f"{WHAT}: no travellers (NAD+FL / NAD+FM) and no flight (TDT); nothing to screen.")
    if flights:
        document.reference = f"{flights[0]} {departure.isoformat()}" if departure else flights[0]
    for traveller in travellers:
        name = " ".join(part for part in (traveller.given, traveller.surname) if part)
        document.add(
            Party(
                field=traveller.label,
                name=name,
                schema="Person",
                role=traveller.role,
                birth_date=traveller.birth_date.isoformat() if traveller.birth_date else None,
                nationalities=tuple(dict.fromkeys(traveller.nationalities)),
                countries=tuple(dict.fromkeys(traveller.residence)),
                documents=tuple(traveller.documents),
                family_name=traveller.surname,
            )
        )
    return document
