"""The one entity model every list is parsed into.

Lists disagree on almost everything (OFAC packs birth dates into free-text
remarks, the UN nests them in typed elements, Australia repeats a whole row per
alias), so each parser translates into these structs and nothing downstream
ever sees a list's own format. The structs are msgspec types: the store keeps
them as JSON and loading 50,000 entities must take a fraction of a second.

`to_ftm` exports FollowTheMoney-compatible entities so other tools in the field
(yente, nomenklatura, Aleph) can read what we parsed.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from enum import StrEnum
from typing import Any

import msgspec

# --- vocabulary: every category the project uses, defined once -------------------
# (docs/architecture.md, "One vocabulary"). StrEnums, so they serialise as the
# plain strings FollowTheMoney and the stored snapshots use.


class Schema(StrEnum):
    """The FollowTheMoney schemas a listed party can have."""

    PERSON = "Person"
    ORGANIZATION = "Organization"
    COMPANY = "Company"
    LEGAL_ENTITY = "LegalEntity"  # FtM's parent of people and organisations: lists' untyped rows
    VESSEL = "Vessel"
    AIRPLANE = "Airplane"


class SchemaFamily(StrEnum):
    """What kind of thing a schema names; the unit cross-list resolution compares within."""

    PERSON = "person"
    ORGANIZATION = "organization"
    VESSEL = "vessel"
    AIRPLANE = "airplane"
    UNKNOWN = "unknown"  # LegalEntity: may be a person or an organisation


SCHEMA_FAMILY: dict[Schema, SchemaFamily] = {
    Schema.PERSON: SchemaFamily.PERSON,
    Schema.ORGANIZATION: SchemaFamily.ORGANIZATION,
    Schema.COMPANY: SchemaFamily.ORGANIZATION,
    Schema.LEGAL_ENTITY: SchemaFamily.UNKNOWN,
    Schema.VESSEL: SchemaFamily.VESSEL,
    Schema.AIRPLANE: SchemaFamily.AIRPLANE,
}

# Schemas whose names are organisation names (legal forms, acronyms, sector words).
ORG_SCHEMAS = frozenset({Schema.ORGANIZATION, Schema.COMPANY, Schema.LEGAL_ENTITY})
# Vessels and aircraft: names with numerals ("HAPPINESS I"), never people.
CRAFT_SCHEMAS = frozenset({Schema.VESSEL, Schema.AIRPLANE})

# Which list schemas a query of each schema may match. LegalEntity is FtM's parent
# of people and organisations, and lists (trade.gov CSL) use it for untyped rows,
# so it matches both sides; Organization and Company are one family.
MATCHABLE: dict[Schema, frozenset[Schema]] = {
    Schema.PERSON: frozenset({Schema.PERSON, Schema.LEGAL_ENTITY}),
    Schema.ORGANIZATION: ORG_SCHEMAS,
    Schema.COMPANY: ORG_SCHEMAS,
    Schema.LEGAL_ENTITY: frozenset({Schema.PERSON, *ORG_SCHEMAS}),
    Schema.VESSEL: frozenset({Schema.VESSEL}),
    Schema.AIRPLANE: frozenset({Schema.AIRPLANE}),
}

# Words callers use for a schema (case and punctuation ignored), e.g. in screen-file's
# `schema` column or yente's `schema` field.
SCHEMA_WORDS: dict[str, Schema] = {
    "person": Schema.PERSON,
    "individual": Schema.PERSON,
    "organization": Schema.ORGANIZATION,
    "organisation": Schema.ORGANIZATION,
    "entity": Schema.ORGANIZATION,
    "company": Schema.COMPANY,
    "legalentity": Schema.LEGAL_ENTITY,
    "thing": Schema.LEGAL_ENTITY,
    "vessel": Schema.VESSEL,
    "ship": Schema.VESSEL,
    "airplane": Schema.AIRPLANE,
    "aircraft": Schema.AIRPLANE,
}


def matchable(query_schema: Schema | None, entity_schema: Schema) -> bool:
    """May a query of `query_schema` (None: any) match a list entry of `entity_schema`?"""
    return query_schema is None or entity_schema in MATCHABLE[query_schema]


def same_family(left: Schema, right: Schema) -> bool:
    """Two schemas that can designate the same subject (LegalEntity joins either side)."""
    a, b = SCHEMA_FAMILY[left], SCHEMA_FAMILY[right]
    return a == b or SchemaFamily.UNKNOWN in (a, b)


class NameKind(StrEnum):
    """How a list holds a name."""

    PRIMARY = "primary"
    ALIAS = "alias"
    WEAK = "weak"  # OFAC/UK "low quality" aliases: a match on one counts for less
    ORIGINAL_SCRIPT = "original_script"
    FORMER = "former"


class IdentifierType(StrEnum):
    PASSPORT = "passport"
    NATIONAL_ID = "national_id"
    TAX_ID = "tax_id"
    REGISTRATION = "registration"
    IMO = "imo"
    MMSI = "mmsi"
    CALL_SIGN = "call_sign"
    TAIL_NUMBER = "tail_number"
    MSN = "msn"
    BIC = "bic"
    LEI = "lei"
    EMAIL = "email"
    WEBSITE = "website"
    PHONE = "phone"
    CRYPTO_WALLET = "crypto_wallet"
    OTHER = "other"


# Identifiers that name one thing in the world: an exact match is strong evidence.
STRONG_IDENTIFIERS = frozenset(
    {
        IdentifierType.PASSPORT,
        IdentifierType.NATIONAL_ID,
        IdentifierType.TAX_ID,
        IdentifierType.IMO,
        IdentifierType.MMSI,
        IdentifierType.TAIL_NUMBER,
        IdentifierType.MSN,
        IdentifierType.BIC,
        IdentifierType.LEI,
        IdentifierType.CRYPTO_WALLET,
    }
)
# Identifiers worth finding an entry by (the strong ones, and registration numbers and
# call signs, which are specific enough to retrieve by though not to decide alone).
LOOKUP_IDENTIFIERS = STRONG_IDENTIFIERS | {IdentifierType.REGISTRATION, IdentifierType.CALL_SIGN}


class RelationType(StrEnum):
    """What a relation on an entity says about its target (relations/graph.py reads them as edges)."""

    LINKED_TO = "linked_to"
    FAMILY = "family"
    ASSOCIATE = "associate"
    OWNER = "owner"  # the target owns (or, without a share, owns or controls) the entity
    CONTROL = "control"  # the target controls the entity (a director, "controlled by") without a stated holding
    SAME_AS = "same_as"


class Name(msgspec.Struct, omit_defaults=True, forbid_unknown_fields=False):
    full: str
    kind: NameKind = NameKind.PRIMARY
    first: str | None = None
    middle: str | None = None
    last: str | None = None
    title: str | None = None
    lang: str | None = None


class PartialDate(msgspec.Struct, omit_defaults=True):
    """A date as precise as the list is: `1962`, `1962-03` or `1962-03-05`.

    `end` makes it a range (`1955`..`1958`); `circa` marks "approximately".
    `text` keeps what the list said when we could not read it fully.
    """

    start: str | None = None
    end: str | None = None
    circa: bool = False
    text: str | None = None

    def years(self) -> range | None:
        if not self.start:
            return None
        first = int(self.start[:4])
        last = int(self.end[:4]) if self.end else first
        return range(first, max(first, last) + 1)


class Address(msgspec.Struct, omit_defaults=True):
    full: str | None = None
    street: str | None = None
    city: str | None = None
    postal_code: str | None = None
    region: str | None = None
    country: str | None = None  # ISO 3166-1 alpha-2, lower case (FtM convention)
    country_name: str | None = None


class Identifier(msgspec.Struct, omit_defaults=True):
    type: IdentifierType
    value: str
    country: str | None = None
    note: str | None = None


class Relation(msgspec.Struct, omit_defaults=True):
    """A link the list itself states: OFAC "Linked To:", UN cross-references.

    `target_id` is set when the target is resolved within the same dataset;
    otherwise `target_name` keeps what the list wrote. User ownership data
    (relations/load.py) adds the share held in percent, the date it was true
    and where it was read; unset, they are not stored (old snapshots read back unchanged).
    """

    type: RelationType
    target_id: str | None = None
    target_name: str | None = None
    note: str | None = None
    share: float | None = None
    as_of: str | None = None
    source: str | None = None


# An `extra` property a parser sets when the birth dates it read are known to be
# unreliable in that format: kept and shown, never used to confirm or rule out.
BIRTH_DATE_CAVEAT = "birthDateCaveat"


class Entity(msgspec.Struct, omit_defaults=True):
    id: str
    dataset: str
    source_id: str
    schema: Schema
    names: list[Name] = msgspec.field(default_factory=list)
    birth_dates: list[PartialDate] = msgspec.field(default_factory=list)
    birth_places: list[str] = msgspec.field(default_factory=list)
    nationalities: list[str] = msgspec.field(default_factory=list)
    citizenships: list[str] = msgspec.field(default_factory=list)
    countries: list[str] = msgspec.field(default_factory=list)
    addresses: list[Address] = msgspec.field(default_factory=list)
    identifiers: list[Identifier] = msgspec.field(default_factory=list)
    programs: list[str] = msgspec.field(default_factory=list)
    listed_on: list[str] = msgspec.field(default_factory=list)
    remarks: list[str] = msgspec.field(default_factory=list)
    relations: list[Relation] = msgspec.field(default_factory=list)
    gender: str | None = None
    positions: list[str] = msgspec.field(default_factory=list)
    # Schema-specific facts with no field of their own (vessel flag, tonnage,
    # aircraft model, build date...). Keys are FtM property names.
    extra: dict[str, list[str]] = msgspec.field(default_factory=dict)

    @property
    def caption(self) -> str:
        for name in self.names:
            if name.kind == NameKind.PRIMARY:
                return name.full
        return self.names[0].full if self.names else self.source_id

    def add_name(self, full: str | None, kind: NameKind = NameKind.ALIAS, **parts: str | None) -> None:
        """Add a name once; blank names and exact repeats are dropped."""
        full = clean_text(full)
        if not full:
            return
        for existing in self.names:
            if existing.full == full and existing.kind == kind:
                return
        cleaned = {key: clean_text(value) for key, value in parts.items()}
        self.names.append(Name(full=full, kind=kind, **cleaned))

    def add_identifier(self, type_: IdentifierType, value: str | None, country: str | None = None, note: str | None = None) -> None:
        value = clean_text(value)
        if not value:
            return
        for existing in self.identifiers:
            if existing.type == type_ and existing.value == value:
                return
        self.identifiers.append(Identifier(type=type_, value=value, country=country, note=clean_text(note)))

    def add_unique(self, field: str, value: str | None) -> None:
        value = clean_text(value)
        if not value:
            return
        values: list[str] = getattr(self, field)
        if value not in values:
            values.append(value)

    def add_extra(self, prop: str, value: str | None) -> None:
        value = clean_text(value)
        if not value:
            return
        values = self.extra.setdefault(prop, [])
        if value not in values:
            values.append(value)

    def identifier_values(self, *types: IdentifierType) -> list[str]:
        return [ident.value for ident in self.identifiers if not types or ident.type in types]


def clean_text(value: object) -> str | None:
    """Collapse whitespace; treat list placeholders for "nothing" as nothing."""
    if value is None:
        return None
    text = " ".join(str(value).split())
    if not text or text in {"-0-", "NA", "N/A", "n/a", "None"}:
        return None
    return text


# --- serialisation ---------------------------------------------------------

_encoder = msgspec.json.Encoder()
_decoder = msgspec.json.Decoder(Entity)
_list_decoder = msgspec.json.Decoder(list[Entity])


def entity_to_json(entity: Entity) -> bytes:
    return _encoder.encode(entity)


def entity_from_json(data: bytes | str) -> Entity:
    return _decoder.decode(data)


def entities_from_json_array(data: bytes) -> list[Entity]:
    return _list_decoder.decode(data)


def entities_to_json_array(entities: Iterable[Entity]) -> bytes:
    return _encoder.encode(list(entities))


def entity_to_dict(entity: Entity) -> dict[str, Any]:
    result: dict[str, Any] = msgspec.to_builtins(entity)
    return result


# --- FollowTheMoney export ---------------------------------------------------

_FTM_IDENTIFIER_PROPS: dict[IdentifierType, str] = {
    IdentifierType.PASSPORT: "passportNumber",
    IdentifierType.NATIONAL_ID: "idNumber",
    IdentifierType.TAX_ID: "taxNumber",
    IdentifierType.REGISTRATION: "registrationNumber",
    IdentifierType.IMO: "imoNumber",
    IdentifierType.MMSI: "mmsi",
    IdentifierType.CALL_SIGN: "callSign",
    IdentifierType.TAIL_NUMBER: "registrationNumber",
    IdentifierType.MSN: "serialNumber",
    IdentifierType.BIC: "swiftBic",
    IdentifierType.LEI: "leiCode",
    IdentifierType.EMAIL: "email",
    IdentifierType.WEBSITE: "website",
    IdentifierType.PHONE: "phone",
}

_FTM_NAME_PROPS: dict[NameKind, str] = {
    NameKind.PRIMARY: "name",
    NameKind.ALIAS: "alias",
    NameKind.WEAK: "weakAlias",
    NameKind.ORIGINAL_SCRIPT: "alias",
    NameKind.FORMER: "previousName",
}


def ftm_properties(entity: Entity) -> dict[str, list[str]]:
    """The entity's facts as FtM properties of its own schema."""
    props: dict[str, list[str]] = {}

    def add(prop: str, value: str | None) -> None:
        if value and value not in props.setdefault(prop, []):
            props[prop].append(value)

    person = entity.schema == Schema.PERSON
    for name in entity.names:
        add(_FTM_NAME_PROPS[name.kind], name.full)
        if person:
            add("firstName", name.first)
            add("middleName", name.middle)
            add("lastName", name.last)
            add("title", name.title)
    for date in entity.birth_dates:
        prop = "birthDate" if person else "buildDate" if entity.schema in CRAFT_SCHEMAS else "incorporationDate"
        add(prop, date.start)
        if date.end:
            add(prop, date.end)
    if person:
        for place in entity.birth_places:
            add("birthPlace", place)
        for code in entity.nationalities:
            add("nationality", code)
        for code in entity.citizenships:
            add("citizenship", code)
        add("gender", entity.gender)
        for position in entity.positions:
            add("position", position)
    else:
        for code in entity.nationalities + entity.citizenships:
            add("jurisdiction" if entity.schema != Schema.VESSEL else "flag", code)
    for code in entity.countries:
        add("country", code)
    for address in entity.addresses:
        add("address", address_text(address))
        if address.country:
            add("country", address.country)
    for ident in entity.identifiers:
        if ident.type == IdentifierType.CRYPTO_WALLET:
            continue  # exported as CryptoWallet entities
        prop = _FTM_IDENTIFIER_PROPS.get(ident.type) or ("idNumber" if person else "registrationNumber")
        if prop == "passportNumber" and not person:
            prop = "registrationNumber"
        add(prop, ident.value)
    for program in entity.programs:
        add("program", program)
    for remark in entity.remarks:
        add("notes", remark)
    for prop, values in entity.extra.items():
        for value in values:
            add("notes" if prop == BIRTH_DATE_CAVEAT else prop, value)
    add("topics", "sanction")
    return props


def address_text(address: Address) -> str | None:
    if address.full:
        return address.full
    parts = [address.street, address.city, address.postal_code, address.region, address.country_name]
    text = ", ".join(part for part in parts if part)
    return text or None


def to_ftm(entity: Entity) -> Iterator[dict[str, Any]]:
    """Yield the entity, its Sanction and any CryptoWallets as FtM JSON objects."""
    yield {
        "id": entity.id,
        "schema": entity.schema,
        "properties": ftm_properties(entity),
        "datasets": [entity.dataset],
        "referents": [],
    }
    sanction_props: dict[str, list[str]] = {"entity": [entity.id], "sourceUrl": []}
    if entity.programs:
        sanction_props["program"] = list(entity.programs)
    if entity.listed_on:
        sanction_props["listingDate"] = list(entity.listed_on)
        sanction_props["startDate"] = [min(entity.listed_on)]
    sanction_props["authorityId"] = [entity.source_id]
    sanction_props = {key: value for key, value in sanction_props.items() if value}
    yield {
        "id": f"{entity.id}-sanction",
        "schema": "Sanction",
        "properties": sanction_props,
        "datasets": [entity.dataset],
    }
    for index, ident in enumerate(entity.identifiers):
        if ident.type == IdentifierType.CRYPTO_WALLET:
            wallet = {"publicKey": [ident.value], "holder": [entity.id]}
            if ident.note:
                wallet["currency"] = [ident.note]
            yield {"id": f"{entity.id}-wallet-{index}", "schema": "CryptoWallet", "properties": wallet, "datasets": [entity.dataset]}
