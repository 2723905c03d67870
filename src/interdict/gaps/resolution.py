"""The result of cross-list resolution: clusters, the links that made them, and their cache.

A cluster is a set of list entries judged to designate the same subject. Every
link between two entries is kept with its evidence, whether it was used
(`confirmed`) or set aside (`ambiguous`, with the reason), so a report can
explain each membership and each doubt. Near misses (similar names below the
match threshold) are kept too: a gap report shows the closest entry of a list
that does *not* list a subject, so a reader can judge the absence.

Resolving every list takes minutes, so the result is cached under the store's
data home, keyed by the active snapshots, the matcher and resolver code and the
options; any change to one of them computes it afresh.
"""

from __future__ import annotations

import hashlib
from enum import StrEnum
from importlib import resources
from pathlib import Path

import msgspec

from ..atomic import atomic_write
from ..store import data_home

RESOLUTION_VERSION = 3
CACHE_KEEP = 6  # resolution files kept in the cache folder (full runs, focused runs, evaluations)


class LinkKind(StrEnum):
    """The evidence a link rests on, strongest first."""

    REFERENCE = "reference"  # a cross-reference the lists print (UN number, OFAC number)
    IDENTIFIER = "identifier"  # a shared identifier (IMO, passport...)
    NAME = "name"  # names through the matching engine


class LinkStatus(StrEnum):
    CONFIRMED = "confirmed"  # used to join clusters
    AMBIGUOUS = "ambiguous"  # kept with its reason, not used


class Tier(StrEnum):
    """How sure a confirmed link is, strongest first; a cluster's confidence is its weakest joining link's."""

    CERTAIN = "certain"
    STRONG = "strong"
    PROBABLE = "probable"


TIERS = tuple(Tier)
TIER_RANK = {tier: rank for rank, tier in enumerate(TIERS)}
KIND_RANK = {kind: rank for rank, kind in enumerate(LinkKind)}
SINGLE = "single"  # the confidence of a one-entry cluster


class Link(msgspec.Struct, omit_defaults=True):
    """Why two entries are (or may be) the same subject. `a` < `b` (entity ids)."""

    a: str
    b: str
    kind: LinkKind
    status: LinkStatus
    tier: Tier | None = None  # confirmed links only
    score: float = 0.0  # best name similarity between the two entries (0 = names never compared)
    evidence: list[str] = msgspec.field(default_factory=list)
    reason: str = ""  # why an ambiguous link was not used
    joined: bool = False  # this link merged two clusters (the others are corroboration)
    exact: bool = False  # a name link on identical names (an exact link outranks a near spelling when clustering)


class NearMiss(msgspec.Struct, omit_defaults=True):
    """The closest entry of another list that did not match `a` (below the threshold)."""

    a: str
    b: str
    score: float
    explanation: str


class Cluster(msgspec.Struct, omit_defaults=True):
    id: str  # "cl-" + the smallest member id: stable while that entry stays in the cluster
    members: list[str]  # entity ids, sorted
    confidence: str  # weakest joining link's Tier value; SINGLE for one entry


class Resolution(msgspec.Struct, omit_defaults=True):
    version: int
    key: str
    snapshots: dict[str, int]  # dataset -> active snapshot id resolved
    options: dict[str, str]
    clusters: list[Cluster]
    links: list[Link]
    near: list[NearMiss]
    stats: dict[str, int]
    notes: list[str] = msgspec.field(default_factory=list)  # what the resolver decided about the data itself
    unreliable_birth_dates: list[str] = msgspec.field(default_factory=list)  # datasets whose birth dates were not used

    def cluster_of(self) -> dict[str, Cluster]:
        """Entity id -> its cluster."""
        return {member: cluster for cluster in self.clusters for member in cluster.members}

    def links_of(self) -> dict[str, list[Link]]:
        """Entity id -> every link touching it (both ends)."""
        found: dict[str, list[Link]] = {}
        for link in self.links:
            found.setdefault(link.a, []).append(link)
            found.setdefault(link.b, []).append(link)
        return found


_encoder = msgspec.json.Encoder(order="sorted")
_decoder = msgspec.json.Decoder(Resolution)


def resolution_to_json(resolution: Resolution) -> bytes:
    return _encoder.encode(resolution)


def resolution_from_json(data: bytes) -> Resolution:
    return _decoder.decode(data)


RESOLVER_FILES = (
    "candidates.py",
    "clustering.py",
    "references.py",
    "resolution.py",
    "resolve.py",
    "programmes.py",
    "scope.py",
    "data/references.toml",
    "data/programmes.toml",
)


def code_fingerprint() -> str:
    """Hash of the code and tables that shape a resolution: a change invalidates cached ones."""
    digest = hashlib.sha256(f"v{RESOLUTION_VERSION}".encode())
    package = resources.files(__package__)
    for name in RESOLVER_FILES:
        digest.update(name.encode())
        digest.update(package.joinpath(name).read_bytes())
    return digest.hexdigest()[:16]


def cache_path(key: str) -> Path:
    return data_home() / "cache" / f"gaps-{key}.json"


def load_cached(key: str) -> Resolution | None:
    path = cache_path(key)
    try:
        resolution = resolution_from_json(path.read_bytes())
    except (OSError, msgspec.DecodeError, msgspec.ValidationError):
        return None
    return resolution if resolution.key == key and resolution.version == RESOLUTION_VERSION else None


def save_cached(resolution: Resolution) -> None:
    """Write atomically; keep the few most recent resolutions. A read-only home just recomputes."""
    path = cache_path(resolution.key)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with atomic_write(path, "wb") as handle:
            handle.write(resolution_to_json(resolution))
        cached = sorted(path.parent.glob("gaps-*.json"), key=lambda item: item.stat().st_mtime, reverse=True)
        for stale in cached[CACHE_KEEP:]:
            stale.unlink(missing_ok=True)
    except OSError:
        pass
