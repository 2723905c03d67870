"""What the lists say about "the same entry elsewhere" (data/references.toml).

Two kinds of shared keys join entries before any name is compared:

- explicit cross-references: the UN reference number a UK or EU entry carries,
  OFAC's entity number that trade.gov's CSL repeats for rows it takes from OFAC;
- identifiers: passport, IMO, BIC... numbers printed on two lists.

Which fields hold the keys, and how far an identifier can be trusted on its own,
is data; this module only reads it and applies it to entities.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

from ..errors import SourceError
from ..match.query import normalize_identifier
from ..model import Entity, IdentifierType
from ..sources import registry

POLICIES = ("decisive", "corroborated")


def identifier_values(value: str, min_length: int) -> list[str]:
    """The keys one written identifier matches under: the whole value, and each numbered word in it.

    Lists write "CAR diplomatic passport no. D00000897" where others write
    "D00000897", and "A 123456" where others write "A123456": both forms count.
    """
    keys = {normalize_identifier(value)}
    for word in re.split(r"[\s,;:()]+", value):
        if any(char.isdigit() for char in word):
            keys.add(normalize_identifier(word))
    return sorted(key for key in keys if len(key) >= min_length)


def reference_key(value: str) -> str:
    """Reference numbers compare without spaces or case ("IRi.034" = "iri.034")."""
    return re.sub(r"\s+", "", value).upper()


@dataclass(frozen=True)
class Scheme:
    id: str
    label: str
    own_ids: frozenset[str] = frozenset()
    extra: tuple[str, ...] = ()
    relations: frozenset[str] = frozenset()
    sublists: dict[str, tuple[str, frozenset[str]]] = field(default_factory=dict)  # dataset -> (property, values)

    def keys(self, entity: Entity) -> list[tuple[str, str]]:
        """(normalised key, key as written) for every key of this scheme the entity carries."""
        found: dict[str, str] = {}
        if entity.dataset in self.own_ids:
            found.setdefault(reference_key(entity.source_id), entity.source_id)
        sub = self.sublists.get(entity.dataset)
        if sub is not None and set(entity.extra.get(sub[0], ())) & sub[1]:
            found.setdefault(reference_key(entity.source_id), entity.source_id)
        for prop in self.extra:
            for value in entity.extra.get(prop, ()):
                found.setdefault(reference_key(value), value)
        for relation in entity.relations:
            if relation.type in self.relations and relation.target_name and not relation.target_id:
                found.setdefault(reference_key(relation.target_name), relation.target_name)
        return sorted(found.items())


@dataclass(frozen=True)
class References:
    schemes: tuple[Scheme, ...]
    identifiers: dict[str, str]  # identifier type -> policy
    min_length: int

    def explicit_keys(self, entity: Entity) -> list[tuple[str, str, str]]:
        """(scheme id, normalised key, key as written) for each explicit reference."""
        return [(scheme.id, key, shown) for scheme in self.schemes for key, shown in scheme.keys(entity)]

    def identifier_keys(self, entity: Entity) -> list[tuple[str, str, str]]:
        """(identifier type, normalised value, value as written) for each linkable identifier."""
        found: dict[tuple[str, str], str] = {}
        for ident in entity.identifiers:
            if ident.type not in self.identifiers:
                continue
            for value in identifier_values(ident.value, self.min_length):
                found.setdefault((ident.type, value), ident.value)
        return [(kind, value, shown) for (kind, value), shown in sorted(found.items())]

    def scheme(self, scheme_id: str) -> Scheme:
        return next(scheme for scheme in self.schemes if scheme.id == scheme_id)


def parse_references(text: str, source: str = "references.toml") -> References:
    try:
        table = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise SourceError(f"{source}: not valid TOML ({exc}).") from None
    datasets = set(registry())
    schemes = []
    for row in table.get("scheme", []):
        if not row.get("id") or not row.get("label"):
            raise SourceError(f"{source}: every [[scheme]] needs an id and a label.")
        unknown = (set(row.get("own_ids", [])) | set(row.get("sublists", {}))) - datasets
        if unknown:
            raise SourceError(f"{source}: scheme {row['id']} names unknown datasets {sorted(unknown)}.")
        sublists = {}
        for dataset, spec in row.get("sublists", {}).items():
            if not spec.get("property") or not spec.get("values"):
                raise SourceError(f"{source}: scheme {row['id']} sublist {dataset} needs a property and values.")
            sublists[dataset] = (spec["property"], frozenset(spec["values"]))
        extra_keys = set(row) - {"id", "label", "own_ids", "extra", "relations", "sublists"}
        if extra_keys:
            raise SourceError(f"{source}: scheme {row['id']} has unknown fields {sorted(extra_keys)}.")
        schemes.append(
            Scheme(
                id=row["id"],
                label=row["label"],
                own_ids=frozenset(row.get("own_ids", [])),
                extra=tuple(row.get("extra", [])),
                relations=frozenset(row.get("relations", [])),
                sublists=sublists,
            )
        )
    if len({scheme.id for scheme in schemes}) != len(schemes):
        raise SourceError(f"{source}: scheme ids must be unique.")
    policies = dict(table.get("identifiers", {}))
    min_length = policies.pop("min_length", 1)
    if not isinstance(min_length, int) or min_length < 1:
        raise SourceError(f"{source}: [identifiers] min_length must be a positive integer.")
    for kind, policy in policies.items():
        if kind not in {item.value for item in IdentifierType}:
            raise SourceError(f"{source}: [identifiers] {kind!r} is not an identifier type ({', '.join(IdentifierType)}).")
        if policy not in POLICIES:
            raise SourceError(f"{source}: [identifiers] {kind} = {policy!r}; use one of {', '.join(POLICIES)}.")
    return References(schemes=tuple(schemes), identifiers=policies, min_length=min_length)


@lru_cache(maxsize=1)
def references() -> References:
    text = resources.files(__package__).joinpath("data", "references.toml").read_text(encoding="utf-8")
    return parse_references(text)
