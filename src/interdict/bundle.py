"""The official list files shipped inside the package, so screening works offline.

`scripts/bundle_lists.py` writes them (xz-compressed) with a manifest that keeps
each original file's name, size and sha256 for provenance.
"""

from __future__ import annotations

import lzma
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from importlib.resources.abc import Traversable

from .errors import StoreError


@dataclass(frozen=True)
class BundledFile:
    role: str
    file: str
    original: str
    sha256: str
    bytes: int


@dataclass(frozen=True)
class BundledDataset:
    id: str
    parser: str
    origin: str
    files: tuple[BundledFile, ...]


def _root() -> Traversable:
    return resources.files("interdict.data").joinpath("bundle")


@lru_cache(maxsize=1)
def manifest() -> dict[str, BundledDataset]:
    try:
        text = _root().joinpath("manifest.toml").read_text(encoding="utf-8")
    except FileNotFoundError:
        raise StoreError("The bundled lists are missing from this installation; reinstall interdict.") from None
    datasets: dict[str, BundledDataset] = {}
    for row in tomllib.loads(text)["dataset"]:
        files = tuple(BundledFile(role=role, **spec) for role, spec in row["files"].items())
        datasets[row["id"]] = BundledDataset(id=row["id"], parser=row["parser"], origin=row["origin"], files=files)
    return datasets


def read_files(dataset: str) -> dict[str, bytes]:
    """The original bytes of a bundled dataset's files, keyed by parser role."""
    spec = manifest()[dataset]
    files: dict[str, bytes] = {}
    for item in spec.files:
        data = _root().joinpath(item.file).read_bytes()
        if item.file.endswith(".xz"):
            data = lzma.decompress(data)
        files[item.role] = data
    return files
