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

from typing import Iterable, Iterator

import msgspec

SCHEMAS = ("Person", "Organization", "Company", "LegalEntity", "Vessel", "Airplane")

NAME_KINDS = ("primary", "alias", "weak", "original_script", "former")

IDENTIFIER_TYPES = (
    "passport",
    "national_id",
    "tax_id",
    "registration",
    "imo",
    "mmsi",
    "call_sign",
    "tail_number",
    "msn",
    "bic",
    "lei",
    "email",
    "website",
    "phone",
    "crypto_wallet",
    "other",
)

# Identifiers that name one thing in the world: an exact match is decisive.
STRONG_IDENTIFIERS = frozenset({"passport", "national_id", "tax_id", "imo", "mmsi", "tail_number", "msn", "bic", "lei", "crypto_wallet"})


class Name(msgspec.Struct, omit_defaults=True, forbid_unknown_fields=False):
    full: str
    kind: str = "primary"
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
    type: str
    value: str
    country: str | None = None
    note: str | None = None


class Relation(msgspec.Struct, omit_defaults=True):
    """A link the list itself states: OFAC "Linked To:", UN cross-references.

    `target_id` is set when the target is resolved within the same dataset;
    otherwise `target_name` keeps what the list wrote.
    """

    type: str  # linked_to, family, associate, owner, same_as
    target_id: str | None = None
    target_name: str | None = None
    note: str | None = None


# An `extra` property a parser sets when the birth dates it read are known to be
# unreliable in that format: kept and shown, never used to confirm or rule out.
BIRTH_DATE_CAVEAT = "birthDateCaveat"


class Entity(msgspec.Struct, omit_defaults=True):
    id: str
    dataset: str
    source_id: str
    schema: str
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
            if name.kind == "primary":
                return name.full
        return self.names[0].full if self.names else self.source_id

    def add_name(self, full: str | None, kind: str = "alias", **parts: str | None) -> None:
        """Add a name once; blank names and exact repeats are dropped."""
        full = clean_text(full)
        if not full:
            return
        for existing in self.names:
            if existing.full == full and existing.kind == kind:
                return
        cleaned = {key: clean_text(value) for key, value in parts.items()}
        self.names.append(Name(full=full, kind=kind, **cleaned))

    def add_identifier(self, type_: str, value: str | None, country: str | None = None, note: str | None = None) -> None:
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

    def identifier_values(self, *types: str) -> list[str]:
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


def entity_to_dict(entity: Entity) -> dict:
    return msgspec.to_builtins(entity)


# --- FollowTheMoney export ---------------------------------------------------

_FTM_IDENTIFIER_PROPS = {
    "passport": "passportNumber",
    "national_id": "idNumber",
    "tax_id": "taxNumber",
    "registration": "registrationNumber",
    "imo": "imoNumber",
    "mmsi": "mmsi",
    "call_sign": "callSign",
    "tail_number": "registrationNumber",
    "msn": "serialNumber",
    "bic": "swiftBic",
    "lei": "leiCode",
    "email": "email",
    "website": "website",
    "phone": "phone",
}

_FTM_NAME_PROPS = {
    "primary": "name",
    "alias": "alias",
    "weak": "weakAlias",
    "original_script": "alias",
    "former": "previousName",
}


def ftm_properties(entity: Entity) -> dict[str, list[str]]:
    """The entity's facts as FtM properties of its own schema."""
    props: dict[str, list[str]] = {}

    def add(prop: str, value: str | None) -> None:
        if value and value not in props.setdefault(prop, []):
            props[prop].append(value)

    person = entity.schema == "Person"
    for name in entity.names:
        add(_FTM_NAME_PROPS.get(name.kind, "alias"), name.full)
        if person:
            add("firstName", name.first)
            add("middleName", name.middle)
            add("lastName", name.last)
            add("title", name.title)
    for date in entity.birth_dates:
        prop = "birthDate" if person else "buildDate" if entity.schema in ("Vessel", "Airplane") else "incorporationDate"
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
            add("jurisdiction" if entity.schema != "Vessel" else "flag", code)
    for code in entity.countries:
        add("country", code)
    for address in entity.addresses:
        add("address", address_text(address))
        if address.country:
            add("country", address.country)
    for ident in entity.identifiers:
        prop = _FTM_IDENTIFIER_PROPS.get(ident.type)
        if prop is None:
            if ident.type == "crypto_wallet":
                continue  # exported as CryptoWallet entities
            prop = "idNumber" if entity.schema in ("Person",) else "registrationNumber"
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


def to_ftm(entity: Entity) -> Iterator[dict]:
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
        if ident.type == "crypto_wallet":
            wallet = {"publicKey": [ident.value], "holder": [entity.id]}
            if ident.note:
                wallet["currency"] = [ident.note]
            yield {"id": f"{entity.id}-wallet-{index}", "schema": "CryptoWallet", "properties": wallet, "datasets": [entity.dataset]}
