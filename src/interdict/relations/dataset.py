"""Storing the user's relation data as a snapshot: versioned, guarded, with provenance, like a list."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..errors import FormatError, InputError, UpdateError
from ..lists import provenance
from ..sources import registry
from ..store import Snapshot, SnapshotStore
from .graph import is_user_node
from .load import PARSER, Parsed, RowError, check_dataset_name, is_delta, parse_ftm_lines, parse_relation_file

FTM_PARSER = "ftm"  # a list of the user's own, in FollowTheMoney entities

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
    data = _read(path)
    ids = known if known is not None else list_entry_ids(store)
    try:
        parsed: Parsed = parse_relation_file(path, data, dataset, ids.__contains__, fmt)
    except FormatError as exc:  # empty, binary, an HTML page: the user's file, so bad input (exit 2)
        raise InputError(str(exc)) from None
    nodes = sum(1 for entity in parsed.result.entities if is_user_node(entity))
    if not parsed.result.entities:
        detail = f"; first error: {parsed.errors[0]}" if parsed.errors else ""
        raise UpdateError(f"{path}: no relation could be read{detail}. The current snapshot of {dataset} stays active.")
    files = [provenance("relations", path.name, str(path.resolve()), data)]
    snapshot = store.add_snapshot(dataset, PARSER, parsed.result, files, origin=f"relation data: {path.resolve()}", force=force)
    return LoadReport(dataset, str(path), snapshot, parsed.relations, nodes, parsed.rows, parsed.errors, parsed.result.warnings)


def load_ftm_list(store: SnapshotStore, path: Path, dataset: str, force: bool = False, known: set[str] | None = None) -> LoadReport:
    """Bring your own list: FtM entities of any schema as a named dataset, screened and exported like an official
    list (its parties are entries, its Sanction entities their programmes, its Ownership/Family/... entities
    relations). A file of ADD/MOD/DEL operations updates the dataset's current snapshot instead.
    """
    check_dataset_name(dataset, registry())
    codes = {source.jurisdiction for source in registry().values()}
    if dataset in codes:
        # the gap report names an own list as a jurisdiction of its own: it must not pass for one of the registry's
        raise InputError(f"{dataset!r} is a jurisdiction code ({', '.join(sorted(codes))}); choose another name for your list.")
    current = store.active_snapshot(dataset)
    if current is not None and current.parser != FTM_PARSER:
        raise InputError(f"{dataset!r} holds data loaded by the {current.parser} parser, not an FtM list; choose another name.")
    data = _read(path)
    previous = None
    if is_delta(data):
        if current is None:
            raise InputError(f"{path} is a delta (ADD/MOD/DEL operations) but {dataset} has no snapshot to apply it to; load the whole list first.")
        previous = list(store.iter_entities([current.id]))
    ids = known if known is not None else list_entry_ids(store)
    try:
        parsed = parse_ftm_lines(data, dataset, ids.__contains__, what=str(path), listed=True, previous=previous)
    except FormatError as exc:
        raise InputError(str(exc)) from None
    entries = sum(1 for entity in parsed.result.entities if "proxyFor" not in entity.extra)
    if not parsed.result.entities:
        detail = f"; first error: {parsed.errors[0]}" if parsed.errors else ""
        raise UpdateError(f"{path}: no entity could be read{detail}. The current snapshot of {dataset} stays active.")
    files = [provenance("delta" if previous is not None else "main", path.name, str(path.resolve()), data)]
    snapshot = store.add_snapshot(dataset, FTM_PARSER, parsed.result, files, origin=f"FtM list: {path.resolve()}", force=force)
    return LoadReport(dataset, str(path), snapshot, parsed.relations, entries, parsed.rows, parsed.errors, parsed.result.warnings)


def _read(path: Path) -> bytes:
    try:
        size = path.stat().st_size
        if size > MAX_FILE:
            raise InputError(f"{path} is {size:,} bytes; the limit is {MAX_FILE:,}.")
        return path.read_bytes()
    except OSError as exc:
        raise InputError(f"Cannot read {path}: {exc.strerror or exc}.") from None


def own_lists(store: SnapshotStore) -> list[str]:
    """The datasets of the active own lists (parser `ftm`): lists like the official ones, not relation data."""
    return sorted(snap.dataset for snap in store.active_snapshots() if snap.parser == FTM_PARSER)


def relation_datasets(store: SnapshotStore) -> list[str]:
    """The datasets of the active relation data (parser `relations`): nodes that designate no one."""
    return sorted(snap.dataset for snap in store.active_snapshots() if snap.parser == PARSER)


def own_datasets(store: SnapshotStore) -> list[dict[str, object]]:
    """The active snapshots of the user's relation data and own lists, with their provenance."""
    kinds = {PARSER: "relation data", FTM_PARSER: "own list (FtM)"}
    rows: list[dict[str, object]] = []
    for snap in store.active_snapshots():
        if snap.parser in kinds:
            first = snap.files[0] if snap.files else None
            rows.append(
                {
                    "dataset": snap.dataset,
                    "kind": kinds[snap.parser],
                    "snapshot": snap.id,
                    "entries": snap.entries,
                    "loaded_at": snap.loaded_at,
                    "file": first.origin if first else snap.origin,
                    "sha256": first.sha256 if first else snap.sha256,
                }
            )
    return rows
