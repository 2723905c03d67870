"""Canada's Consolidated Autonomous Sanctions List (SEMA and JVCFOA regulations).

The XML is a flat run of <record> elements with no record id, so the id is
built from what identifies a listing in the regulations themselves: the regime
(the `Country` element), the schedule/part and the item number, e.g.
`Iran-1-Part-1-42`. One element (`DateOfBirthOrShipBuildDate`, `TitleOrShip`,
`EntityOrShip`) means different things for people and ships, and `Aliases` is
free text mixing Latin spellings, Cyrillic/Arabic originals and language
labels, so most of this module is about reading those fields honestly.

The regime is the reason for the listing, not a fact about the person: a
Russian businessman may sit under "Ukraine", a Chinese company under "Russia".
It goes into `programs` only, never into nationality or country.
"""

from __future__ import annotations

import re
import unicodedata

from lxml import etree

from ..errors import FormatError
from ..model import Entity, IdentifierType, NameKind, PartialDate, Schema, clean_text
from .base import ParseResult, entity_id
from .dates import parse_date
from .xmlsafe import local, parse_xml

REQUIRED_ROLES = ("main",)

KNOWN_ELEMENTS = frozenset(
    {
        "Country",
        "LastName",
        "GivenName",
        "EntityOrShip",
        "TitleOrShip",
        "Aliases",
        "DateOfBirthOrShipBuildDate",
        "Schedule",
        "Item",
        "DateOfListing",
        "ShipIMONumber",
    }
)

# Labels the list writes in front of a transliteration ("Belarusian: Мікалай ...").
_LANGUAGE_LABEL = re.compile(
    r"\b(?:Belarusian|Belarussian|Russian|Ukrainian|Arabic|Persian|Farsi|Chinese|Hebrew|Armenian|Georgian)\s*:",
    re.IGNORECASE,
)
_AKA = re.compile(r"\b(?:also\s+known\s+as|a\.k\.a\.?|aka)(?=\W|$)", re.IGNORECASE)
_ALSO_KNOWN_AS_TAIL = re.compile(r"\s*\(\s*also\s+known\s+as\s+(.*)$", re.IGNORECASE | re.DOTALL)
_OR = re.compile(r"\s+or\s+", re.IGNORECASE)
_AND = re.compile(r"\s+and\s+", re.IGNORECASE)
_PARENTHESISED = re.compile(r"^(.*?)\s*\(([^()]+)\)\s*$")
_ACRONYM_TAIL = re.compile(r"\(([A-Z]{2,})\)\s*$")

# A comma fragment that is only a legal form belongs to its neighbour:
# "Завод "Дагдизель", АО" is one name, not two.
LEGAL_FORMS = frozenset(
    {
        "ао",
        "оао",
        "зао",
        "ооо",
        "пао",
        "сао",
        "нп",
        "фгуп",
        "ано",
        "ик",
        "llc",
        "ltd",
        "ltd.",
        "limited",
        "inc",
        "inc.",
        "jsc",
        "ojsc",
        "pjsc",
        "cjsc",
        "co",
        "co.",
        "corp",
        "corp.",
        "plc",
        "s.a.",
        "sa",
        "gmbh",
        "oao",
        "zao",
        "ooo",
        "pao",
    }
)

_OPENERS = {"(": ")", "«": "»", "“": "”", "[": "]"}
_CLOSERS = {close: open_ for open_, close in _OPENERS.items()}


def parse(files: dict[str, bytes], dataset: str) -> ParseResult:
    what = f"{dataset}: the Canadian sanctions XML (sema-lmes.xml)"
    root = parse_xml(files["main"], what)
    if local(root.tag) != "data-set":
        raise FormatError(f"{what} has root element <{local(root.tag)}>, expected <data-set>: is it the right file?")
    records = [node for node in root if isinstance(node.tag, str) and local(node.tag) == "record"]
    if not records:
        raise FormatError(f"{what} holds no <record> elements.")

    entities: list[Entity] = []
    used_ids: dict[str, int] = {}
    unknown: set[str] = set()
    skipped = 0
    duplicates: list[str] = []
    for record in records:
        fields = _fields(record, unknown)
        regime_text = fields.get("Country")
        item = fields.get("Item")
        if not regime_text or not item:
            skipped += 1
            continue
        source_id = _source_id(regime_text, fields.get("Schedule"), item)
        if source_id in used_ids:
            used_ids[source_id] += 1
            duplicates.append(source_id)
            source_id = f"{source_id}-{used_ids[source_id]}"
        used_ids.setdefault(source_id, 1)
        entities.append(_entity(fields, dataset, source_id))

    warnings: list[str] = []
    if skipped:
        warnings.append(f"skipped {skipped} records without a Country or Item element (no stable id can be built)")
    if duplicates:
        warnings.append(
            f"{len(duplicates)} records repeat another record's country/schedule/item "
            f"({', '.join(sorted(set(duplicates))[:5])}); numbered -2, -3... in file order"
        )
    if unknown:
        warnings.append(f"ignored unknown record elements: {', '.join(sorted(unknown))}")
    return ParseResult(entities=entities, published=None, warnings=warnings)


def _fields(record: etree._Element, unknown: set[str]) -> dict[str, str]:
    """Element text by local name; raw text is kept (newlines separate aliases)."""
    fields: dict[str, str] = {}
    for child in record:
        if not isinstance(child.tag, str):
            continue
        name = local(child.tag)
        if name not in KNOWN_ELEMENTS:
            unknown.add(name)
            continue
        text = (child.text or "").replace("\u00a0", " ").strip()
        if text and name not in fields:
            fields[name] = text
    return fields


def english(text: str) -> str:
    """The English half of a bilingual "English / Français" value."""
    return clean_text(re.split(r"\s*/\s*", text, maxsplit=1)[0]) or clean_text(text) or text


def regime_name(country: str) -> str:
    return english(country)


def _source_id(country: str, schedule: str | None, item: str) -> str:
    regime = regime_name(country)
    acronym = _ACRONYM_TAIL.search(regime)
    if acronym and len(regime) > 40:  # the JVCFOR regulations, not a country
        regime = acronym.group(1)
    parts = [regime, schedule or "", item]
    slugs = [re.sub(r"[^A-Za-z0-9.]+", "-", part).strip("-") for part in parts]
    return "-".join(slug for slug in slugs if slug)


def _entity(fields: dict[str, str], dataset: str, source_id: str) -> Entity:
    is_person = bool(fields.get("LastName") or fields.get("GivenName"))
    is_ship = not is_person and bool(fields.get("ShipIMONumber") or (fields.get("EntityOrShip") and fields.get("TitleOrShip")))
    schema = Schema.PERSON if is_person else Schema.VESSEL if is_ship else Schema.ORGANIZATION
    entity = Entity(id=entity_id(dataset, source_id), dataset=dataset, source_id=source_id, schema=schema)
    entity.add_unique("programs", regime_name(fields["Country"]))
    entity.add_unique("listed_on", _iso(fields.get("DateOfListing")))

    if is_person:
        _person_names(entity, fields)
    else:
        _entity_names(entity, fields.get("EntityOrShip") or "")
    _aliases(entity, fields.get("Aliases"), person=is_person)

    dates = _dates(fields.get("DateOfBirthOrShipBuildDate"))
    if is_ship:
        for date in dates:
            entity.add_extra("buildDate", date.start if date.start and not date.end else date.text or date.start)
        entity.add_extra("type", fields.get("TitleOrShip"))
        imo = re.sub(r"\D", "", fields.get("ShipIMONumber") or "")
        entity.add_identifier(IdentifierType.IMO, imo or fields.get("ShipIMONumber"))
    else:
        entity.birth_dates.extend(dates)
    if not entity.names:
        entity.add_name(source_id, NameKind.PRIMARY)
    return entity


def _person_names(entity: Entity, fields: dict[str, str]) -> None:
    given, given_variant = _split_variant(fields.get("GivenName"))
    last, last_variant = _split_variant(fields.get("LastName"))
    title = clean_text(english(fields["TitleOrShip"])) if fields.get("TitleOrShip") else None
    if given and last and given.casefold().endswith(" " + last.casefold()):
        given = given[: -len(last)].strip()  # "Alexander Yevgenyevich KONKOV" + "KONKOV"
    full = " ".join(part for part in (given, last) if part)
    entity.add_name(full, NameKind.PRIMARY, first=given, last=last, title=title)
    if given_variant or last_variant:
        variant_given = given_variant or given
        variant_last = last_variant or last
        variant = " ".join(part for part in (variant_given, variant_last) if part)
        entity.add_name(variant, NameKind.ALIAS, first=variant_given, last=variant_last)


def _split_variant(text: str | None) -> tuple[str | None, str | None]:
    """ "Adanov (Adnuf)" is a surname with a variant spelling in brackets."""
    text = clean_text(text)
    if not text:
        return None, None
    match = _PARENTHESISED.match(text)
    if match and match.group(1):
        return clean_text(match.group(1)), clean_text(match.group(2))
    return text, None


def _entity_names(entity: Entity, raw: str) -> None:
    """Entity/ship names may carry "(also known as X)" or "English/French"."""
    text = raw.strip().rstrip(";").strip()
    aka = _ALSO_KNOWN_AS_TAIL.search(text)
    also: list[str] = []
    if aka:
        tail = aka.group(1).strip().removesuffix(")")
        also = [name for name, _ in _split_names(" ".join(tail.split()), person=False)]
        text = text[: aka.start()]
    versions = [clean_text(part) for part, _ in _split_top_level(" ".join(text.split()), "/")]
    versions = [part for part in versions if part]
    if versions:
        entity.add_name(versions[0], NameKind.PRIMARY)
        for other in versions[1:]:
            entity.add_name(other, NameKind.ALIAS)
    for name in also:
        entity.add_name(name, _kind(name, person=False))


def _aliases(entity: Entity, raw: str | None, person: bool) -> None:
    if not raw:
        return
    primary = entity.caption.casefold()
    for name, _ in _split_names(_mark_script_breaks(raw), person=person):
        if name.casefold() != primary:
            entity.add_name(name, _kind(name, person))


def _kind(name: str, person: bool) -> NameKind:
    if not is_latin(name):
        return NameKind.ORIGINAL_SCRIPT
    if person and len(name.split()) == 1:
        return NameKind.WEAK  # a lone given name or nickname ("Batya", "Alexei")
    return NameKind.ALIAS


def is_latin(text: str) -> bool:
    """True unless most letters are from another script (Cyrillic, Arabic, Hebrew...)."""
    latin = other = 0
    for char in text:
        if char.isalpha():
            if unicodedata.name(char, "").startswith("LATIN"):
                latin += 1
            else:
                other += 1
    return latin >= other


def _mark_script_breaks(text: str) -> str:
    """A line break between a Latin and a non-Latin name separates two names;
    a line break inside one script is only wrapping ("...Company\\nLimited")."""
    lines = [line.strip() for line in text.splitlines()]
    out = ""
    for line in lines:
        if not line:
            continue
        if out and _script_of(out[-1]) != _script_of(line[0]) and None not in (_script_of(out[-1]), _script_of(line[0])):
            out += " ; " + line
        else:
            out += (" " if out else "") + line
    return out


def _script_of(char: str) -> str | None:
    if not char.isalpha():
        return None
    return "latin" if unicodedata.name(char, "").startswith("LATIN") else "other"


def _split_names(text: str, person: bool) -> list[tuple[str, str]]:
    """Cut a free-text alias field into names, keeping legal forms attached."""
    text = _LANGUAGE_LABEL.sub(" ; ", text)
    text = _AKA.sub(" ; ", text)
    text = _OR.sub(" ; ", text)
    if person:
        text = _AND.sub(" ; ", text)
    pieces = _split_top_level(" ".join(text.split()), ";/,")
    merged: list[tuple[str, str]] = []
    pending_prefix: str | None = None
    for piece, separator in pieces:
        name = _tidy(piece)
        if not name:
            continue
        if pending_prefix:
            name = f"{pending_prefix}, {name}"
            pending_prefix = None
        if separator == "," and merged and (name.casefold() in LEGAL_FORMS or (not person and name[0].islower())):
            previous, previous_sep = merged[-1]
            merged[-1] = (f"{previous}, {name}", previous_sep)
            continue
        if name.casefold() in LEGAL_FORMS:
            pending_prefix = name  # "ОАО, БЭТО": the form precedes the name
            continue
        merged.append((name, separator))
    if pending_prefix:
        merged.append((pending_prefix, ","))
    return merged


def _split_top_level(text: str, separators: str) -> list[tuple[str, str]]:
    """Split on separators outside brackets and «quotes»; each piece keeps the separator before it.

    Unbalanced brackets (a stray "(" in the list) would swallow the rest of
    the field, so such text is split as if it had no brackets at all.
    """
    pieces = _split_with_brackets(text, separators, brackets=True)
    if pieces is None:
        pieces = _split_with_brackets(text, separators, brackets=False) or []
    return pieces


def _split_with_brackets(text: str, separators: str, brackets: bool) -> list[tuple[str, str]] | None:
    pieces: list[tuple[str, str]] = []
    depth: list[str] = []
    current = ""
    before = ""
    for char in text:
        if not brackets:
            pass
        elif char in _OPENERS:
            depth.append(char)
        elif char in _CLOSERS and depth and depth[-1] == _CLOSERS[char]:
            depth.pop()
        if char in separators and not depth:
            pieces.append((current, before))
            current, before = "", char
            continue
        current += char
    pieces.append((current, before))
    return None if depth else pieces


def _tidy(piece: str) -> str | None:
    name = piece.strip().strip(";,:").strip()
    name = name.rstrip("(").lstrip(")").strip()
    name = re.sub(r"^also\s+", "", name, flags=re.IGNORECASE)
    if name.startswith("(") and name.count("(") > name.count(")"):
        name = name[1:].strip()
    if name.endswith(")") and name.count(")") > name.count("("):
        name = name[:-1].strip()
    return clean_text(name)


def _dates(raw: str | None) -> list[PartialDate]:
    if not raw:
        return []
    dates = []
    for piece in _OR.split(" ".join(raw.split())):
        parsed = parse_date(piece)
        if parsed:
            dates.append(parsed)
    return dates


def _iso(raw: str | None) -> str | None:
    parsed = parse_date(raw) if raw else None
    return parsed.start if parsed and parsed.start and not parsed.end else None
