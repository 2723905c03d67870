"""The coverage guard: is a new list file the same list, a little older or newer?

Counting entries is not enough. Three updates that each lose 9% pass a 10%
limit one by one, and a file with the right count but every name replaced
passes any count. So a new snapshot is measured against the **baseline** (the
snapshot a person last reviewed: the bundled seed, a forced update, or one
accepted with `interdict accept`) and against the current snapshot, on two
figures each:

- shrink: the share of the reference's entries the new file no longer has in number;
- churn: the share of the reference's entries that disappeared, or whose names
  or strong identifiers (passport, IMO, BIC...) changed.

Names and identifiers are compared loosely (case, spacing, punctuation in
numbers), so reformatting by the publisher is not churn; a new alias is.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import msgspec

from ..errors import UpdateError
from ..model import STRONG_IDENTIFIERS, Entity
from .settings import StoreSettings

Fingerprint = tuple[frozenset[str], frozenset[tuple[str, str]]]

_ID_NOISE = re.compile(r"[\s\-./]+")


class _Name(msgspec.Struct):
    full: str


class _Identifier(msgspec.Struct):
    type: str
    value: str


class _Marks(msgspec.Struct):
    """The parts of a stored entity the guard compares; msgspec skips the rest without building it."""

    names: list[_Name] = msgspec.field(default_factory=list)
    identifiers: list[_Identifier] = msgspec.field(default_factory=list)


_marks_decoder = msgspec.json.Decoder(_Marks)


def fingerprint(names: Iterable[str], identifiers: Iterable[tuple[str, str]]) -> Fingerprint:
    return (
        frozenset(" ".join(name.casefold().split()) for name in names),
        frozenset((kind, _ID_NOISE.sub("", value).casefold()) for kind, value in identifiers if kind in STRONG_IDENTIFIERS),
    )


def entity_fingerprint(entity: Entity) -> Fingerprint:
    return fingerprint((name.full for name in entity.names), ((item.type, item.value) for item in entity.identifiers))


def stored_fingerprint(data: bytes) -> Fingerprint:
    marks = _marks_decoder.decode(data)
    return fingerprint((name.full for name in marks.names), ((item.type, item.value) for item in marks.identifiers))


@dataclass(frozen=True)
class Reference:
    """The snapshot a new list is measured against."""

    role: str  # "baseline" or "current"
    snapshot_id: int
    entries: int
    description: str  # e.g. "bundled on 2026-03-01"


@dataclass(frozen=True)
class Drift:
    reference: Reference
    new_entries: int
    removed: int
    changed: int

    @property
    def lost(self) -> int:
        return max(0, self.reference.entries - self.new_entries)

    @property
    def shrink(self) -> float:
        return self.lost / self.reference.entries if self.reference.entries else 0.0

    @property
    def churn(self) -> float:
        return (self.removed + self.changed) / self.reference.entries if self.reference.entries else 0.0

    def exceeds(self, settings: StoreSettings) -> bool:
        return self.shrink > settings.max_shrink or self.churn > settings.max_churn


def measure(reference: Reference, before: Iterator[tuple[str, Fingerprint]], after: dict[str, Fingerprint]) -> Drift:
    removed = changed = 0
    for entity_id, marks in before:
        now = after.get(entity_id)
        if now is None:
            removed += 1
        elif now != marks:
            changed += 1
    return Drift(reference, new_entries=len(after), removed=removed, changed=changed)


def check(dataset: str, drifts: list[Drift], settings: StoreSettings) -> None:
    """Raise UpdateError naming every figure, the limits and the way out when any drift is over a limit."""
    if not any(drift.exceeds(settings) for drift in drifts):
        return
    new_entries = drifts[0].new_entries
    parts = []
    for drift in drifts:
        ref = drift.reference
        parts.append(
            f"against the {ref.role} ({ref.entries} entries, snapshot {ref.snapshot_id}, {ref.description}): "
            f"shrink {drift.shrink:.1%} ({new_entries} entries, {drift.lost} fewer than {ref.entries}), "
            f"churn {drift.churn:.1%} ({drift.removed} removed, {drift.changed} with changed names or identifiers)"
        )
    raise UpdateError(
        f"{dataset}: refusing the new file; "
        + "; ".join(parts)
        + f". Limits: shrink {settings.max_shrink:.0%}, churn {settings.max_churn:.0%} "
        "(INTERDICT_MAX_SHRINK, INTERDICT_MAX_CHURN). Check the source; if the change is real, "
        "pass --force to accept it (it becomes the new baseline)."
    )
