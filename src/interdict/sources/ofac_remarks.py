"""OFAC's labelled facts, whether they arrive as free text or as typed XML.

OFAC keeps one database of "features" and "identity documents", each with a
label ("Passport", "Vessel Registration Identification", "Digital Currency
Address - XBT"...). The CSV files flatten them into the remarks column as
`LABEL VALUE (Country) issued DATE expires DATE; alt. LABEL VALUE; ...`; the
classic XML puts most of them in `idList` under the same labels; the enhanced
XML keeps them typed. So one table of labels serves all three parsers (and the
trade.gov CSL, which reuses OFAC's remarks): `parse_remarks` reads the text,
`Remarks.add` takes one typed fact, and `apply_remarks` copies the result into
an Entity.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from ..countries import to_code
from ..model import Entity, Identifier, IdentifierType, NameKind, PartialDate, Relation, RelationType, Schema, clean_text
from .base import entity_id
from .dates import parse_date, parse_dates

# label (lower case) -> (what the fact is, detail). Kinds:
#   id: an identifier (detail = its IdentifierType)    crypto: wallet (detail = currency)
#   dob / pob / nationality / citizenship / gender / established (incorporation date)
#   aka / fka / nka: a name in the remarks (quoted)      linked: "Linked To:" relation
#   position: a post held    extra: a fact kept in Entity.extra under `detail`
#   flag: a country kept in Entity.extra under `detail`   listing: a listing date
#   info: sanctions information kept verbatim in remarks
LABELS: dict[str, tuple[str, str]] = {
    # people and organisations
    "dob": ("dob", ""),
    "birthdate": ("dob", ""),
    "pob": ("pob", ""),
    "place of birth": ("pob", ""),
    "nationality": ("nationality", ""),
    "nationality country": ("nationality", ""),
    "nationality of registration": ("nationality", ""),
    "registration country": ("nationality", ""),
    "citizen": ("citizenship", ""),
    "citizenship country": ("citizenship", ""),
    "gender": ("gender", ""),
    "organization established date": ("established", ""),
    "a.k.a.": ("aka", ""),
    "f.k.a.": ("fka", ""),
    "n.k.a.": ("nka", ""),
    "linked to:": ("linked", ""),
    "position:": ("position", ""),
    "title": ("position", ""),
    # contact details
    "email address": ("id", IdentifierType.EMAIL),
    "website": ("id", IdentifierType.WEBSITE),
    "phone number": ("id", IdentifierType.PHONE),
    "phone": ("id", IdentifierType.PHONE),
    "telephone": ("id", IdentifierType.PHONE),
    "telephone no.": ("id", IdentifierType.PHONE),
    "fax": ("id", IdentifierType.PHONE),
    "fax no.": ("id", IdentifierType.PHONE),
    # vessels
    "vessel registration identification": ("id", IdentifierType.REGISTRATION),  # "IMO 1234567" -> imo
    "mmsi": ("id", IdentifierType.MMSI),
    "vessel call sign": ("id", IdentifierType.CALL_SIGN),
    "other vessel call sign": ("id", IdentifierType.CALL_SIGN),
    "vessel flag": ("flag", "flag"),
    "other vessel flag": ("flag", "flag"),
    "former vessel flag": ("flag", "pastFlags"),
    "vessel type": ("extra", "type"),
    "other vessel type": ("extra", "type"),
    "vessel owner": ("extra", "owner"),
    "vessel tonnage": ("extra", "tonnage"),
    "vessel gross registered tonnage": ("extra", "grossRegisteredTonnage"),
    "vessel year of build": ("extra", "buildDate"),
    # aircraft
    "aircraft tail number": ("id", IdentifierType.TAIL_NUMBER),
    "previous aircraft tail number": ("id", IdentifierType.TAIL_NUMBER),
    "aircraft manufacturer's serial number (msn)": ("id", IdentifierType.MSN),
    "aircraft serial identification": ("id", IdentifierType.MSN),
    "aircraft construction number (also called l/n or s/n or f/n)": ("id", IdentifierType.OTHER),
    "aircraft mode s transponder code": ("id", IdentifierType.OTHER),
    "aircraft model": ("extra", "model"),
    "aircraft operator": ("extra", "operator"),
    "aircraft manufacture date": ("extra", "buildDate"),
    # banks, markets
    "swift/bic": ("id", IdentifierType.BIC),
    "legal entity number": ("id", IdentifierType.LEI),
    "bik (ru)": ("id", IdentifierType.OTHER),
    "isin": ("id", IdentifierType.OTHER),
    "equity ticker": ("id", IdentifierType.OTHER),
    "micex code": ("id", IdentifierType.OTHER),
    "un/locode": ("id", IdentifierType.OTHER),
    "issuer name": ("info", ""),
    "location": ("info", ""),
    # programme information, kept verbatim in remarks
    "additional sanctions information -": ("info", ""),
    "secondary sanctions risk:": ("info", ""),
    "transactions prohibited for persons owned or controlled by u.s. financial institutions:": ("info", ""),
    "executive order 13662 directive determination -": ("info", ""),
    "executive order 13846 information:": ("info", ""),
    "executive order 14014 directive information:": ("info", ""),
    "executive order 14024 directive information": ("info", ""),
    "executive order 14024 directive information -": ("info", ""),
    "executive order 14059 information:": ("info", ""),
    "caatsa section 235 information:": ("info", ""),
    "ifca determination -": ("info", ""),
    "peesa information:": ("info", ""),
    "target type": ("info", ""),
    "organization type:": ("info", ""),
    "effective date (cmic)": ("info", ""),
    "purchase/sales for divestment date (cmic)": ("info", ""),
    "listing date (cmic)": ("listing", ""),
}

# OFAC's identity-document types, by model identifier type.
# fmt: off
_DOCUMENTS: dict[IdentifierType, tuple[str, ...]] = {
    IdentifierType.PASSPORT: (
        "Passport", "Diplomatic Passport", "British National Overseas Passport", "Stateless Person Passport",
        "Travel Document Number",
    ),
    IdentifierType.NATIONAL_ID: (
        "National ID No.", "Cedula No.", "D.N.I.", "C.U.R.P.", "Identification Number", "Personal ID Card",
        "Bosnian Personal ID No.", "Kenyan ID No.", "Moroccan Personal ID No.", "Turkish Identification Number",
        "Citizen's Card Number", "UAE Identification", "Tazkira National ID Card", "Numero de Identidad",
        "CNP (Personal Numerical Code)", "Credencial electoral", "I.F.E.", "Electoral Registry No.", "C.U.I.",
        "National Foreign ID Number", "Residency Number", "Refugee ID Card", "Stateless Person ID Card",
        "Birth Certificate Number", "Romanian Permanent Resident", "Immigration No.", "SSN", "N.I.E.", "LE Number",
        "Public Security and Immigration No.", "C.I.N.",
    ),
    IdentifierType.TAX_ID: (
        "Tax ID No.", "R.F.C.", "RFC", "R.F.C. #", "NIT #", "RUC #", "RIF #", "C.U.I.T.", "C.I.F.", "N.I.F.",
        "Italian Fiscal Code", "Fiscal Code", "V.A.T. Number", "US FEIN", "Paraguayan tax identification number",
        "Romanian Tax Registration", "Numero Unico de Identificacao Tributaria (NUIT)", "RTN", "RSIN",
    ),
    IdentifierType.REGISTRATION: (
        "Registration Number", "Registration ID", "Business Registration Number", "Business Registration Document #",
        "Commercial Registry Number", "Company Number", "UK Company Number", "C.R. No.", "Romanian C.R.",
        "Certificate of Incorporation Number", "Chamber of Commerce Number", "Istanbul Chamber of Comm. No.",
        "Dubai Chamber of Commerce Membership No.", "Trade License No.", "License", "Tourism License No.",
        "Folio Mercantil No.", "Matricula Mercantil No", "Public Registration Number", "Government Gazette Number",
        "Unified Social Credit Code (USCC)", "United Social Credit Code Certificate (USCCC)", "Organization Code",
        "Enterprise Number", "Branch Unit Number", "Business Number", "Registered Charity No.",
        "Central Registration System Number", "Economic Register Number (CBLS)", "MSB Registration Number",
        "Afghan Money Service Provider License Number", "Registration Certificate Number (Dubai)", "File Number",
        "Russian State Individual Business Registration Number Pattern (OGRNIP)", "Permit Number", "D-U-N-S Number",
    ),
    IdentifierType.OTHER: (
        "Driver's License No.", "Pilot License Number", "Military Registration Number",
        "Cartilla de Servicio Militar Nacional", "C.U.I.P.", "VisaNumberID", "Seafarer's Identification Document",
        "SRE Permit No.", "Serial No.", "Trademark number", "Chinese Commercial Code",
    ),
}
# fmt: on
for _type, _labels in _DOCUMENTS.items():
    for _label in _labels:
        LABELS.setdefault(_label.lower(), ("id", _type))

_CRYPTO = "digital currency address - "
_GENDERS = {"male": "male", "female": "female", "m": "male", "f": "female"}
# Names read from remarks (their kinds in LABELS) -> NameKind. OFAC writes its low-quality
# a.k.a.s in the remarks, so an "a.k.a." found there is a weak alias.
_NAME_KIND_WORDS: dict[str, NameKind] = {"aka": NameKind.WEAK, "fka": NameKind.FORMER, "nka": NameKind.ALIAS}
_LISTING = re.compile(r"^listing date \(.*\):?$")
_OTHER_DATES = re.compile(r"^effective date \(.*\):?$")
_ALT = re.compile(r"^(?:alt\.|alt)\s+", re.IGNORECASE)
_VALIDITY = re.compile(r"\s+(issued|expires)\s+(.*?)(?=\s+(?:issued|expires)\s+|$)", re.IGNORECASE)
_TRAILING_PAREN = re.compile(r"\s+\(([^()]*)\)$")
_DATED = re.compile(r"^((?:listing|effective) date \([^)]*\):?)\s*(.*)$", re.IGNORECASE)
_IMO = re.compile(r"^IMO\s*(\d{7})$", re.IGNORECASE)
_MMSI = re.compile(r"^MMSI\s*(\d{9})$", re.IGNORECASE)
_LEI = re.compile(r"^[A-Z0-9]{18}[0-9]{2}$")

# Labels indexed by their first word, longest first, so a piece finds its label quickly.
_BY_FIRST: dict[str, list[str]] = {}
for _label in [*LABELS, _CRYPTO.strip()]:
    _BY_FIRST.setdefault(_label.split()[0].rstrip(":"), []).append(_label)
for _same_first in _BY_FIRST.values():
    _same_first.sort(key=len, reverse=True)


def _normal(label: str) -> str:
    return " ".join(label.replace("\u2019", "'").lower().split())


@lru_cache(maxsize=4096)
def classify(label: str) -> tuple[str, str] | None:
    """What an OFAC label means: (kind, detail) as in LABELS, or None if unknown."""
    key = _normal(label).rstrip()
    if key in LABELS:
        return LABELS[key]
    if key.startswith(_CRYPTO):
        return ("crypto", label.strip().rsplit(" ", 1)[-1].upper())
    if _LISTING.match(key):
        return ("listing", "")
    if _OTHER_DATES.match(key):
        return ("info", "")
    return None


def identifier_type(label: str) -> IdentifierType | None:
    """The model identifier type for an OFAC document/feature label (None if it is no identifier)."""
    kind = classify(label)
    if kind is None or kind[0] not in ("id", "crypto"):
        return None
    return IdentifierType.CRYPTO_WALLET if kind[0] == "crypto" else IdentifierType(kind[1])


@dataclass
class Remarks:
    """Everything read from one entry's facts, before it is copied into an Entity."""

    names: list[tuple[str, NameKind]] = field(default_factory=list)  # (full name, kind)
    birth_dates: list[PartialDate] = field(default_factory=list)
    birth_places: list[str] = field(default_factory=list)
    nationalities: list[str] = field(default_factory=list)
    citizenships: list[str] = field(default_factory=list)
    gender: str | None = None
    identifiers: list[Identifier] = field(default_factory=list)
    positions: list[str] = field(default_factory=list)
    linked_to: list[str] = field(default_factory=list)
    established: list[PartialDate] = field(default_factory=list)
    listed_on: list[str] = field(default_factory=list)
    extra: dict[str, list[str]] = field(default_factory=dict)
    sanctions_info: list[str] = field(default_factory=list)
    other: list[str] = field(default_factory=list)  # pieces no label explained

    def add(
        self,
        label: str,
        value: str | None,
        country: str | None = None,
        issued: str | None = None,
        expires: str | None = None,
        document: bool = False,
    ) -> bool:
        """Record one labelled fact; False if the label is unknown (the caller keeps it as a remark).

        `country` is the issuing country's name for documents. With `document`,
        an unknown label is still an identity document (type "other").
        """
        value = clean_text(value)
        kind = classify(label)
        if kind is None:
            if not document:
                return False
            kind = ("id", IdentifierType.OTHER)
        if not value:
            return True
        what, detail = kind
        label = " ".join(label.replace("\u2019", "'").split())
        if what == "dob":
            self.birth_dates.extend(parse_dates(value))
        elif what == "established":
            parsed = parse_date(value)
            if parsed:
                self.established.append(parsed)
        elif what == "pob":
            _append(self.birth_places, value)
        elif what in ("nationality", "citizenship"):
            code = to_code(value)
            if code:
                _append(self.nationalities if what == "nationality" else self.citizenships, code)
        elif what == "gender":
            self.gender = _GENDERS.get(value.lower(), self.gender)
        elif what in _NAME_KIND_WORDS:
            quoted = value.strip()
            if len(quoted) >= 2 and quoted[0] == quoted[-1] and quoted[0] in "'\"":
                quoted = quoted[1:-1]
            name = clean_text(quoted)
            if name and (name, _NAME_KIND_WORDS[what]) not in self.names:
                self.names.append((name, _NAME_KIND_WORDS[what]))
        elif what == "linked":
            _append(self.linked_to, value)
        elif what == "position":
            _append(self.positions, value)
        elif what == "extra":
            _append(self.extra.setdefault(detail, []), value)
        elif what == "flag":
            code = to_code(value)
            if code:
                _append(self.extra.setdefault(detail, []), code)
        elif what == "listing":
            parsed = parse_date(value)
            if parsed and parsed.start and not parsed.text:  # a cut-off remark must not invent a date
                _append(self.listed_on, parsed.start)
            _append(self.sanctions_info, f"{label} {value}")
        elif what == "info":
            _append(self.sanctions_info, f"{label} {value}")
        elif what == "crypto":
            self._identifier(IdentifierType.CRYPTO_WALLET, value, None, detail)
        else:
            self._identifier(IdentifierType(detail), value, country, _note(label, issued, expires))
        return True

    def _identifier(self, type_: IdentifierType, value: str, country: str | None, note: str | None) -> None:
        match = _IMO.match(value)
        if match:
            type_, value = IdentifierType.IMO, match.group(1)
        else:
            match = _MMSI.match(value)
            if match:
                type_, value = IdentifierType.MMSI, match.group(1)
        if type_ == IdentifierType.LEI and not _LEI.match(value):
            type_ = IdentifierType.REGISTRATION  # OFAC files some national numbers as "Legal Entity Number"
        code = to_code(country) if country else None
        for existing in self.identifiers:
            if existing.type == type_ and existing.value == value:
                return
        self.identifiers.append(Identifier(type=type_, value=value, country=code, note=note))


def _append(values: list[str], value: str | None) -> None:
    if value and value not in values:
        values.append(value)


def _note(label: str, issued: str | None, expires: str | None) -> str:
    return "; ".join([label] + [f"{word} {day}" for word, day in (("issued", issued), ("expires", expires)) if day])


def split_document(value: str) -> tuple[str, str | None, str | None, str | None]:
    """`13AF69606 (France) expires 06 Feb 2023` -> (number, country, issued, expires).

    A trailing parenthesis is the issuing country only if it names one
    ("(Stuttgart) (Germany)" keeps Stuttgart with the number); phone numbers
    written "(98)(21)(66153220)" keep their parentheses.
    """
    issued = expires = None
    first = _VALIDITY.search(value)
    if first:
        for match in _VALIDITY.finditer(value):
            if match.group(1).lower() == "issued":
                issued = match.group(2).strip(" .")
            else:
                expires = match.group(2).strip(" .")
        value = value[: first.start()]
    country = None
    paren = _TRAILING_PAREN.search(value)
    if paren and paren.start() > 0 and to_code(paren.group(1)):
        country = paren.group(1).strip()
        value = value[: paren.start()]
    return value.strip(), country, issued, expires


def _label_of(piece: str) -> tuple[str, str] | None:
    """Split a piece into (label as written, rest) using the longest known label."""
    dated = _DATED.match(piece)
    if dated:
        return dated.group(1), dated.group(2)
    lowered = piece.replace("\u2019", "'").lower()  # pieces come with their whitespace collapsed
    first = lowered.split(" ", 1)[0].rstrip(":")
    for label in _BY_FIRST.get(first, ()):
        if (
            lowered == label
            or lowered.startswith((label + " ", label + ": "))
            or (label[-1] in ":-" and lowered.startswith(label))
        ):
            if label == _CRYPTO.strip():
                # the currency code is part of the label: "Digital Currency Address - XBT 1A2b..."
                words = piece.split()
                return " ".join(words[:5]), " ".join(words[5:])
            size = len(label.split())
            words = piece.split()
            written = " ".join(words[:size])
            if label[-1] != ":":
                written = written.rstrip(":")  # "Italian Fiscal Code: X"
            return written, " ".join(words[size:])
    return None


def _pieces(text: str) -> list[str]:
    text = " ".join(text.split()).removesuffix(".")
    return [piece.strip() for piece in text.split("; ") if piece.strip()]


def parse_remarks(text: str | None) -> Remarks:
    """Read an OFAC remarks field ("DOB 1962; POB Shati; Passport X (Iran); Linked To: Y.")."""
    remarks = Remarks()
    if not text or clean_text(text) is None:
        return remarks
    last_id: Identifier | None = None
    for piece in _pieces(text):
        body = _ALT.sub("", piece)
        lowered = body.lower()
        if last_id is not None and lowered.startswith(("issued ", "expires ")):
            # "Passport X issued 2010; expires 2020": the validity belongs to the document before
            last_id.note = f"{last_id.note}; {body}" if last_id.note else body
            continue
        found = _label_of(body)
        last_id = None
        if found is None:
            _append(remarks.other, piece)
            continue
        label, value = found
        kind = classify(label)
        if kind is not None and kind[0] == "id":
            number, country, issued, expires = split_document(value)
            before = len(remarks.identifiers)
            remarks.add(label, number, country=country, issued=issued, expires=expires)
            if len(remarks.identifiers) > before:
                last_id = remarks.identifiers[-1]
        else:
            remarks.add(label, value)
    return remarks


def apply_remarks(
    entity: Entity, remarks: Remarks, dataset: str | None = None, names: dict[str, list[str]] | None = None
) -> None:
    """Copy what the remarks said into the entity.

    `names` maps primary names to the source ids carrying them, so a "Linked To:"
    naming exactly one entry of the same list becomes a resolved relation.
    """
    person = entity.schema == Schema.PERSON
    if entity.schema == Schema.AIRPLANE:
        for name in entity.names:
            if name.kind == NameKind.PRIMARY:
                entity.add_identifier(IdentifierType.TAIL_NUMBER, tail_number_of(name.full), note="listed name")
    for full, kind in remarks.names:
        entity.add_name(full, kind, **(split_person_name(full) if person else {}))
    if person:
        entity.birth_dates.extend(date for date in remarks.birth_dates if date not in entity.birth_dates)
    else:
        dates = remarks.birth_dates + remarks.established
        entity.birth_dates.extend(date for date in dates if date not in entity.birth_dates)
    for place in remarks.birth_places:
        entity.add_unique("birth_places", place)
    for code in remarks.nationalities:
        entity.add_unique("nationalities", code)
    for code in remarks.citizenships:
        entity.add_unique("citizenships", code)
    if remarks.gender and person:
        entity.gender = remarks.gender
    for ident in remarks.identifiers:
        entity.add_identifier(ident.type, ident.value, ident.country, ident.note)
    for position in remarks.positions:
        entity.add_unique("positions", position)
    for listed in remarks.listed_on:
        entity.add_unique("listed_on", listed)
    for prop, values in remarks.extra.items():
        for value in values:
            entity.add_extra(prop, value)
    for info in remarks.sanctions_info + remarks.other:
        entity.add_unique("remarks", info)
    for target in remarks.linked_to:
        target_id = None
        if names is not None and dataset is not None:
            # the remarks' closing full stop may belong to the name ("... S.A. DE C.V.")
            for candidate in (target, target + "."):
                ids = names.get(candidate, [])
                if len(ids) == 1:
                    target, target_id = candidate, entity_id(dataset, ids[0])
                    break
        relation = Relation(type=RelationType.LINKED_TO, target_id=target_id, target_name=target)
        if relation not in entity.relations:
            entity.relations.append(relation)


def address_country(text: str | None) -> tuple[str | None, str | None, str | None]:
    """(ISO code, country name, region) of an address's country field.

    OFAC writes places that are no country as "Region: Gaza" in that field.
    """
    text = clean_text(text)
    if text and text.lower().startswith("region:"):
        region = text.split(":", 1)[1].strip() or None
        return to_code(region), None, region
    return (to_code(text) if text else None), text, None


_MARK = re.compile(r"^(?=.*[0-9-])[A-Z0-9]{1,3}-?[A-Z0-9]{1,6}$")


def tail_number_of(name: str | None) -> str | None:
    """The registration mark when an aircraft is listed under it ("EP-GOM", "N200VR"), not "MSN 391"."""
    name = clean_text(name)
    return name if name and _MARK.match(name) else None


_POSITION = re.compile(r"^(?:alt\.\s*)?position:\s*", re.IGNORECASE)


def positions_of(title: str | None) -> list[str]:
    """OFAC's title field: "Position: Owner; Alt. Position: General Manager" -> ["Owner", "General Manager"]."""
    parts = (_POSITION.sub("", part.strip()).strip() for part in (title or "").split(";"))
    return [part for part in parts if part]


def split_person_name(full: str) -> dict[str, str | None]:
    """OFAC writes people "LAST, First Middle": the part before the comma is the surname."""
    if "," not in full:
        return {}
    last, first = full.split(",", 1)
    return {"last": last.strip() or None, "first": first.strip() or None}
