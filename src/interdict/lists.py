"""Getting lists into the store: the bundled snapshot, local files, provenance.

This is the seam between sources (bytes → entities) and the store (snapshots).
`update.py` adds downloading on top of `load_parsed`.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Callable

from . import bundle
from .asof import as_of
from .errors import InputError, InterdictError, SourceError
from .model import Entity
from .sources import get_source, parse_files, registry
from .sources.base import ParseResult
from .store import FileProvenance, Review, Snapshot, SnapshotStore, open_store

Progress = Callable[[str, int, int], None]  # (dataset, done, total)


@dataclass
class LoadReport:
    dataset: str
    snapshot: Snapshot | None
    error: str | None = None


def provenance(role: str, name: str, origin: str, data: bytes, checksum_from: str | None = None) -> FileProvenance:
    return FileProvenance(
        role=role, name=name, origin=origin, sha256=hashlib.sha256(data).hexdigest(), bytes=len(data), checksum_from=checksum_from
    )


def load_parsed(
    store: SnapshotStore,
    dataset: str,
    parser: str,
    files: dict[str, bytes],
    origins: dict[str, tuple[str, str]],
    force: bool = False,
    origin: str | None = None,
    checksums: dict[str, str] | None = None,
    review: Review | None = None,
) -> Snapshot:
    """Parse raw files fully, then store them as the dataset's new snapshot.

    Parsing completes before anything is written, so a bad file never touches
    the store. `origins` maps role → (file name, URL or path); `checksums` maps
    role → where the sha256 the bytes were verified against came from.
    """
    result: ParseResult = parse_files(dataset, files, parser=parser)
    checksums = checksums or {}
    prov = [provenance(role, origins[role][0], origins[role][1], data, checksums.get(role)) for role, data in files.items()]
    origin = origin or "; ".join(sorted({origins[role][1] for role in files}))
    return store.add_snapshot(dataset, parser, result, prov, origin=origin, force=force, review=review)


def expected(store: SnapshotStore) -> list[str]:
    """The lists the store is meant to hold, in registry order: those it was set up with, else every registered one."""
    known = list(registry())
    recorded = set(store.expected_lists())
    return [name for name in known if name in recorded] if recorded else known


def missing_lists(store: SnapshotStore) -> list[str]:
    """Lists the store is meant to hold but has no active snapshot of: a screen without them is incomplete."""
    present = {snap.dataset for snap in store.active_snapshots()}
    return [name for name in expected(store) if name not in present]


def seed_bundle(store: SnapshotStore, datasets: list[str] | None = None, progress: Progress | None = None) -> list[LoadReport]:
    """Load the bundled official files for the wanted datasets that have no snapshot yet.

    Resumable: each list is one transaction, so a run killed half-way leaves
    the lists it finished and none half-written, and the next run loads the
    rest. The wanted lists are recorded in the store first, so a store set up
    with a subset does not later count the others as missing. A list that
    fails to load is reported (LoadReport.error) and the others still load.
    """
    manifest = bundle.manifest()
    store.expect_lists([name for name in (datasets or list(manifest)) if name in manifest])
    present = {snap.dataset for snap in store.active_snapshots()}
    wanted = [d for d in (datasets or list(manifest)) if d in manifest and d not in present]
    reports = []
    for index, dataset in enumerate(wanted):
        if progress:
            progress(dataset, index, len(wanted))
        try:
            reports.append(LoadReport(dataset, _seed_one(store, manifest[dataset])))
        except InterdictError as exc:
            reports.append(LoadReport(dataset, None, error=str(exc)))
    if progress and wanted:
        progress("", len(wanted), len(wanted))
    return reports


def _seed_one(store: SnapshotStore, spec: bundle.BundledDataset) -> Snapshot:
    files = bundle.read_files(spec.id)
    for item in spec.files:
        if hashlib.sha256(files[item.role]).hexdigest() != item.sha256:
            raise SourceError(f"{spec.id}: the bundled file {item.file} is damaged (its sha256 is not the manifest's); reinstall interdict.")
    origins = {item.role: (item.original, f"bundled:{item.original}") for item in spec.files}
    checksums = {item.role: "bundle manifest" for item in spec.files}
    return load_parsed(
        store, spec.id, spec.parser, files, origins, force=True, origin=f"bundled: {spec.origin}", checksums=checksums, review=Review.BUNDLED
    )


def load_lists(db: str | None = None, progress: Progress | None = None, warn: Callable[[str], None] | None = None) -> SnapshotStore:
    """Open the store, loading every bundled list it should hold but does not (first use, or a run cut short)."""
    store = open_store(db)
    missing = missing_lists(store)
    if missing:
        store.expect_lists(expected(store))  # a store older than the record expects every list: say so once
        for report in seed_bundle(store, missing, progress=progress):
            if report.error and warn:
                warn(f"could not load the bundled list {report.dataset}: {report.error}")
    return store


def load_files(
    store: SnapshotStore,
    dataset: str,
    paths: list[Path],
    parser: str | None = None,
    roles: list[str] | None = None,
    force: bool = False,
) -> Snapshot:
    """Load local copies of a list (e.g. downloaded on another machine).

    Roles default to the registry's roles in order ("main" for one-file lists;
    sdn, add, alt, comments for OFAC CSV sets).
    """
    source = get_source(dataset)
    parser = parser or source.parser
    role_names = roles or list(source.files)
    if parser != source.parser and not roles:
        role_names = ["main"] if len(paths) == 1 else role_names
    if len(paths) > len(role_names):
        raise InputError(f"{dataset}: got {len(paths)} files but the {parser} parser takes roles {role_names}.")
    files: dict[str, bytes] = {}
    origins: dict[str, tuple[str, str]] = {}
    for role, path in zip(role_names, paths):
        try:
            files[role] = Path(path).read_bytes()
        except OSError as exc:
            raise InputError(f"Cannot read {path}: {exc.strerror or exc}.") from None
        origins[role] = (Path(path).name, str(Path(path).resolve()))
    return load_parsed(store, dataset, parser, files, origins, force=force)


def describe_lists(store: SnapshotStore) -> list[dict[str, Any]]:
    """Every registered list and every list of one's own: entries, publication date, provenance, baseline.

    What `interdict datasets` prints and the lists page shows (one function, so they agree).
    """
    snaps = {snap.dataset: snap for snap in store.active_snapshots()}
    held: dict[str, list[Entity]] = {}
    for entity in store.active_entities():  # under a second: the newest listing date dates a file that states none
        held.setdefault(entity.dataset, []).append(entity)
    missing = set(missing_lists(store))
    rows: list[dict[str, Any]] = []
    sources = registry()
    for dataset in [*sources, *sorted(set(snaps) - set(sources))]:
        source = sources.get(dataset)
        snap = snaps.get(dataset)
        baseline = store.baseline(dataset)
        rows.append(
            {
                "id": dataset,
                "title": source.title if source else f"{dataset} (loaded by the {snap.parser if snap else ''} parser)",
                "publisher": source.publisher if source else "your own data",
                "jurisdiction": source.jurisdiction if source else dataset,
                "entries": snap.entries if snap else 0,
                "counts": snap.counts if snap else {},
                "published": snap.published if snap else None,
                "as_of": _as_of(snap, held.get(dataset, [])),
                "loaded_at": snap.loaded_at if snap else None,
                "origin": snap.origin if snap else None,
                "sha256": snap.sha256 if snap else None,
                "files": [asdict(f) for f in snap.files] if snap else [],
                "official_urls": source.files if source else {},
                "warnings": snap.warnings if snap else [],
                "snapshot_id": snap.id if snap else None,
                "missing": dataset in missing,
                "confirmed": _confirmed(snap),
                "baseline": {"snapshot_id": baseline.snapshot_id, "accepted_at": baseline.accepted_at, "reason": baseline.reason.value} if baseline else None,
            }
        )
    return rows


def _as_of(snap: Snapshot | None, entities: list[Entity]) -> dict | None:
    """The snapshot's date and where it came from (the file, its name, its entries, or nowhere: then the load time)."""
    if snap is None:
        return None
    found = as_of(snap, entities)
    return {"date": found.date, "source": found.source.value, "text": found.describe()}


def _confirmed(snap: Snapshot | None) -> dict | None:
    """Later loads that found the same content: the list was still current then."""
    if snap is None or snap.confirmed is None:
        return None
    return {
        "checks": snap.confirmed.checks,
        "last_checked_at": snap.confirmed.last_checked_at,
        "origin": snap.confirmed.origin,
        "files": [asdict(item) for item in snap.confirmed.files],
    }


@dataclass
class Change:
    id: str
    caption: str
    source_id: str


@dataclass
class Changes:
    """What one snapshot of a list changed against an earlier one: entries added, removed, and amended (same id, other content)."""

    dataset: str
    snapshot_id: int | None
    previous_id: int | None  # None: the list's first snapshot in this store (everything is new)
    added: list[Change] = field(default_factory=list)
    removed: list[Change] = field(default_factory=list)
    amended: list[Change] = field(default_factory=list)
    unchanged: int = 0

    def counts(self) -> dict[str, int]:
        return {"added": len(self.added), "removed": len(self.removed), "amended": len(self.amended), "unchanged": self.unchanged}


def snapshot_changes(store: SnapshotStore, dataset: str, snapshot_id: int | None = None, previous_id: int | None = None) -> Changes:
    """Entries added, removed and amended between two snapshots of a list: by default the active one against the
    snapshot stored before it (an update that found the same content stored none, so it changed nothing).

    Entries are compared by id and by the digest of their stored content, as the watch register's re-screen does.
    """
    active = store.active_snapshot(dataset)
    history = store.history(dataset)  # newest first
    if snapshot_id is None:
        if active is None:
            raise InputError(f"{dataset} has no snapshot in this store; load it first (`interdict update {dataset}`).")
        snapshot_id = active.id
    if previous_id is None:
        older = [snap.id for snap in history if snap.id < snapshot_id]
        previous_id = older[0] if older else None
    after = store.entry_digests(snapshot_id)
    before = store.entry_digests(previous_id) if previous_id is not None else {}
    added = sorted(set(after) - set(before))
    removed = sorted(set(before) - set(after))
    amended = sorted(entity_id for entity_id in set(after) & set(before) if after[entity_id] != before[entity_id])

    def described(snap_id: int | None, ids: list[str]) -> list[Change]:
        if snap_id is None or not ids:
            return []
        return [Change(entity.id, entity.caption, entity.source_id) for entity in store.entities_of(snap_id, ids)]

    return Changes(
        dataset=dataset,
        snapshot_id=snapshot_id,
        previous_id=previous_id,
        added=described(snapshot_id, added),
        removed=described(previous_id, removed),
        amended=described(snapshot_id, amended),
        unchanged=len(after) - len(added) - len(amended),
    )


def known_datasets() -> list[str]:
    return list(registry())


__all__ = ["Change", "Changes", "InterdictError", "describe_lists", "snapshot_changes", "LoadReport", "expected", "known_datasets", "load_files", "load_lists", "load_parsed", "missing_lists", "seed_bundle"]
