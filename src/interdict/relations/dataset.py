"""Storing the user's relation data as a snapshot: versioned, guarded, with provenance, like a list."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InputError, UpdateError
from ..lists import provenance
from ..sources import registry
from ..store import Snapshot, SnapshotStore
from .graph import is_user_node
from .load import PARSER, Parsed, RowError, check_dataset_name, parse_relation_file

MAX_FILE = 2_000_000_000


@dataclass
class LoadReport:
    dataset: str
    path: str
    snapshot: Snapshot | None
    relations: int
    nodes: int
    rows: int
    errors: list[RowError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, object]:
        return {
            "dataset": self.dataset,
            "file": self.path,
            "snapshot": self.snapshot.id if self.snapshot else None,
            "rows": self.rows,
            "relations": self.relations,
            "nodes": self.nodes,
            "errors": [error.to_dict() for error in self.errors],
            "warnings": self.warnings,
        }


def list_entry_ids(store: SnapshotStore) -> set[str]:
    """Ids of the active official list entries (what a relation file may name by id)."""
    official = set(registry())
    return {entity.id for entity in store.active_entities([snap.dataset for snap in store.active_snapshots() if snap.dataset in official])}


def load_relations(
    store: SnapshotStore, path: Path, dataset: str = "relations", fmt: str | None = None, force: bool = False, known: set[str] | None = None
) -> LoadReport:
    """Read a relation file and make it the active snapshot of `dataset` (bad rows are reported, the rest load).

    A file in which no row could be read leaves the current snapshot active (UpdateError).
    """
    check_dataset_name(dataset, registry())
    current = store.active_snapshot(dataset)
    if current is not None and current.parser != PARSER:
        raise InputError(f"{dataset!r} holds a list loaded by the {current.parser} parser, not relation data; choose another name.")
    try:
        size = path.stat().st_size
        if size > MAX_FILE:
            raise InputError(f"{path} is {size:,} bytes; the limit is {MAX_FILE:,}.")
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"Cannot read {path}: {exc.strerror or exc}.") from None
    ids = known if known is not None else list_entry_ids(store)
    parsed: Parsed = parse_relation_file(path, data, dataset, ids.__contains__, fmt)
    nodes = sum(1 for entity in parsed.result.entities if is_user_node(entity))
    if not parsed.result.entities:
        detail = f"; first error: {parsed.errors[0]}" if parsed.errors else ""
        raise UpdateError(f"{path}: no relation could be read{detail}. The current snapshot of {dataset} stays active.")
    files = [provenance("relations", path.name, str(path.resolve()), data)]
    snapshot = store.add_snapshot(dataset, PARSER, parsed.result, files, origin=f"relation data: {path.resolve()}", force=force)
    return LoadReport(dataset, str(path), snapshot, parsed.relations, nodes, parsed.rows, parsed.errors, parsed.result.warnings)
