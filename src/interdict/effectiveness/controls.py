"""Control names: people and companies no list is meant to name, for the false-alert rate.

The table (data/controls.tsv) holds common given names with common surnames of
the cultures the lists' names come from (Persian, Arabic, Russian, Ukrainian,
Chinese, Korean, Turkish, South Asian, Afghan, African, Spanish, English), in
Latin letters and in their own scripts, and ordinary companies with sector and
legal-form words. They are hard negatives on purpose: "Mohammad Rezaei" shares
both words with listed names, so the false-alert rate they give is the one an
analyst's queue will see, not a flattering one from names like "John Smith".
A control that is exactly a listed name (after normalisation) is excluded from
the run, and the report says how many and which.
"""

from __future__ import annotations

import csv
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources

from ..model import Entity, Schema
from .config import normal_name


@dataclass(frozen=True)
class Control:
    culture: str
    script: str
    schema: Schema
    name: str


def _table() -> bytes:
    return resources.files("interdict.effectiveness").joinpath("data/controls.tsv").read_bytes()


def table_sha256() -> str:
    return hashlib.sha256(_table()).hexdigest()


def controls(schemas: frozenset[Schema] | None = None) -> list[Control]:
    """The shipped control names (of these schemas; Company controls stand for Organization too)."""
    lines = [line for line in _table().decode("utf-8").splitlines() if line and not line.startswith("#")]
    out = []
    for row in csv.DictReader(lines, delimiter="\t"):
        schema = Schema(row["schema"])
        if schemas is not None and schema not in schemas and not (schema == Schema.COMPANY and Schema.ORGANIZATION in schemas):
            continue
        out.append(Control(row["culture"], row["script"], schema, row["name"]))
    return out


def exclude_listed(pool: list[Control], entities: Iterable[Entity]) -> tuple[list[Control], list[Control]]:
    """(controls kept, controls that are exactly a listed name as written, after normalisation)."""
    wanted = {normal_name(c.name) for c in pool}
    listed = {key for entity in entities for name in entity.names if (key := normal_name(name.full)) in wanted}
    kept = [c for c in pool if normal_name(c.name) not in listed]
    excluded = [c for c in pool if normal_name(c.name) in listed]
    return kept, excluded
