"""Getting lists into the store: the bundled snapshot, local files, provenance.

This is the seam between sources (bytes → entities) and the store (snapshots).
`update.py` adds downloading on top of `load_parsed`.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from . import bundle
from .errors import InputError, InterdictError
from .sources import get_source, parse_files, registry
from .sources.base import ParseResult
from .store import FileProvenance, Snapshot, SnapshotStore, open_store

Progress = Callable[[str, int, int], None]  # (dataset, done, total)


@dataclass
class LoadReport:
    dataset: str
    snapshot: Snapshot | None
    error: str | None = None


def provenance(role: str, name: str, origin: str, data: bytes) -> FileProvenance:
    return FileProvenance(role=role, name=name, origin=origin, sha256=hashlib.sha256(data).hexdigest(), bytes=len(data))


def load_parsed(
    store: SnapshotStore,
    dataset: str,
    parser: str,
    files: dict[str, bytes],
    origins: dict[str, tuple[str, str]],
    force: bool = False,
    origin: str | None = None,
) -> Snapshot:
    """Parse raw files fully, then store them as the dataset's new snapshot.

    Parsing completes before anything is written, so a bad file never touches
    the store. `origins` maps role → (file name, URL or path).
    """
    result: ParseResult = parse_files(dataset, files, parser=parser)
    prov = [provenance(role, origins[role][0], origins[role][1], data) for role, data in files.items()]
    origin = origin or "; ".join(sorted({origins[role][1] for role in files}))
    return store.add_snapshot(dataset, parser, result, prov, origin=origin, force=force)


def seed_bundle(store: SnapshotStore, datasets: list[str] | None = None, progress: Progress | None = None) -> list[LoadReport]:
    """Load the bundled official files for datasets that have no snapshot yet."""
    present = {snap.dataset for snap in store.active_snapshots()}
    manifest = bundle.manifest()
    wanted = [d for d in (datasets or list(manifest)) if d in manifest and d not in present]
    reports = []
    for index, dataset in enumerate(wanted):
        if progress:
            progress(dataset, index, len(wanted))
        spec = manifest[dataset]
        files = bundle.read_files(dataset)
        origins = {item.role: (item.original, f"bundled:{item.original}") for item in spec.files}
        snapshot = load_parsed(store, dataset, spec.parser, files, origins, force=True, origin=f"bundled: {spec.origin}")
        reports.append(LoadReport(dataset, snapshot))
    if progress and wanted:
        progress("", len(wanted), len(wanted))
    return reports


def load_lists(db: str | None = None, progress: Progress | None = None) -> SnapshotStore:
    """Open the store, loading the bundled lists on first use: ready to screen."""
    store = open_store(db)
    if not store.active_snapshots():
        seed_bundle(store, progress=progress)
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


def known_datasets() -> list[str]:
    return list(registry())


__all__ = ["InterdictError", "LoadReport", "load_files", "load_lists", "load_parsed", "seed_bundle", "known_datasets"]
