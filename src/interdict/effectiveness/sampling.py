"""Which listed entries are tested: N per list and schema, stratified by script and name length, seeded.

A plain random draw from a list of 7,000 Latin-only names would hardly ever pick
one of the few hundred entries the list also gives in Arabic or Cyrillic script,
or a one-word alias; stratifying gives each (script, length) stratum its share
and at least one entry, so the report speaks for every kind of name the list
holds. The draw depends only on the seed and the entries' ids, never on the
order entries were loaded in.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from ..model import Entity, Schema
from ..text.scripts import script_of
from .categories import latin_names, original_names

SCRIPTS = ("arabic", "cyrillic", "cjk", "greek", "hebrew")


def script_stratum(entity: Entity) -> str:
    """"latin", or the other script the list also gives the entry's name in ("latin+arabic")."""
    others = original_names(entity)
    if not others:
        return "latin"
    text = "".join(others)
    script = max(SCRIPTS, key=lambda s: sum(script_of(c) == s for c in text))
    return f"latin+{script}" if latin_names(entity) else script


def length_stratum(entity: Entity) -> str:
    names = latin_names(entity) or [n.full for n in entity.names]
    words = len(names[0].replace(",", " ").split()) if names else 0
    return "1 word" if words <= 1 else "2 words" if words == 2 else "3 words" if words == 3 else "4+ words"


@dataclass(frozen=True)
class Group:
    dataset: str
    schema: Schema


def _allocate(sizes: dict[tuple[str, str], int], n: int) -> dict[tuple[str, str], int]:
    """N shared among strata in proportion to their size (largest remainder), at least one each while N allows."""
    total = sum(sizes.values())
    if total <= n:
        return dict(sizes)
    keys = sorted(sizes)
    share = {key: 0 for key in keys}
    if n >= len(keys):
        share = {key: 1 for key in keys}
    left = n - sum(share.values())
    exact = {key: left * (sizes[key] - share[key]) / max(1, total - sum(share.values())) for key in keys}
    for key in keys:
        share[key] += min(sizes[key] - share[key], int(exact[key]))
    remaining = n - sum(share.values())
    for key in sorted(keys, key=lambda k: (-(exact[k] - int(exact[k])), k)):
        if remaining <= 0:
            break
        if share[key] < sizes[key]:
            share[key] += 1
            remaining -= 1
    return share


def sample(entities: Iterable[Entity], n: int, seed: int, schemas: frozenset[Schema] | None = None) -> dict[Group, list[Entity]]:
    """Up to `n` entries of each (list, schema), stratified by script and name length, in id order."""
    groups: dict[Group, dict[tuple[str, str], list[Entity]]] = defaultdict(lambda: defaultdict(list))
    for entity in entities:
        if schemas is not None and entity.schema not in schemas:
            continue
        groups[Group(entity.dataset, entity.schema)][(script_stratum(entity), length_stratum(entity))].append(entity)
    drawn: dict[Group, list[Entity]] = {}
    for group in sorted(groups, key=lambda g: (g.dataset, g.schema.value)):
        strata = groups[group]
        rng = random.Random(f"{seed}|{group.dataset}|{group.schema.value}")
        shares = _allocate({key: len(members) for key, members in strata.items()}, n)
        chosen: list[Entity] = []
        for key in sorted(strata):
            members = sorted(strata[key], key=lambda e: e.id)
            chosen += rng.sample(members, shares[key])
        drawn[group] = sorted(chosen, key=lambda e: e.id)
    return drawn
