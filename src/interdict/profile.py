"""Everything the lists say about one entry, where it came from, who else lists it, and what it owns or is owned by.

The entity page (`/ui/entities/{id}`) is a thin wrapper over `entity_profile`.
It sits on the layer of gaps/ and cases/ (it reads both the relation graph and
a cross-list resolution) and adds no facts of its own: the statements are the
entry's FollowTheMoney properties as `/entities/{id}` serves them, the
provenance is the snapshot's (file names, URLs, sha256, publication and load
times), the cluster is the resolver's, and the graph is `relations.tiers`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .errors import NotFoundError
from .gaps.cluster import EntityCluster, entity_cluster
from .gaps.resolution import Resolution
from .gaps.scope import jurisdiction_of
from .match.screener import Screener
from .model import Entity, ftm_properties
from .relations.context import relations_of
from .relations.tiers import Tiers, ownership_tiers
from .sources import registry
from .store import Snapshot


@dataclass
class Provenance:
    dataset: str
    title: str
    publisher: str
    jurisdiction: str
    source_id: str  # the record's id in the publisher's file
    snapshot_id: int | None
    published: str | None  # the list's own publication date, when the file states one
    loaded_at: str | None
    last_checked_at: str | None  # when the publisher's file was last seen to hold this content
    origin: str
    files: list[dict[str, object]]  # name, origin (URL or path), sha256, bytes, checksum_from
    listed_on: list[str]  # listing and amendment dates the entry itself states


@dataclass
class Profile:
    entity: Entity
    properties: dict[str, list[str]]
    provenance: Provenance
    cluster: EntityCluster | None
    tiers: Tiers | None
    paths: dict[str, str] = field(default_factory=dict)  # jurisdiction → why this party is blocked or under review there
    notes: list[str] = field(default_factory=list)


def provenance(entity: Entity, snapshot: Snapshot | None) -> Provenance:
    source = registry().get(entity.dataset)
    return Provenance(
        dataset=entity.dataset,
        title=source.title if source else f"{entity.dataset} (a list of your own)",
        publisher=source.publisher if source else "loaded with `interdict load --ftm`",
        jurisdiction=jurisdiction_of(entity.dataset),
        source_id=entity.source_id,
        snapshot_id=snapshot.id if snapshot else None,
        published=snapshot.published if snapshot else None,
        loaded_at=snapshot.loaded_at if snapshot else None,
        last_checked_at=snapshot.last_confirmed_at if snapshot else None,
        origin=snapshot.origin if snapshot else "",
        files=[
            {"name": item.name, "origin": item.origin, "sha256": item.sha256, "bytes": item.bytes, "checksum_from": item.checksum_from or ""}
            for item in (snapshot.files if snapshot else [])
        ],
        listed_on=sorted(entity.listed_on),
    )


def entity_profile(
    screener: Screener, snapshots: dict[str, Snapshot], entity_id: str, resolution: Resolution | None = None, basis: str = ""
) -> Profile:
    """The profile of one entry of the screener's lists; NotFoundError for an id they do not hold.

    `resolution` (with its `basis`, see gaps.cluster) gives the cluster; without one the profile says it was not
    resolved rather than showing the entry alone as if no other list named it.
    """
    position = screener.position(entity_id)
    if position is None:
        raise NotFoundError(f"No entity {entity_id!r} in the lists in force.")
    entity = screener.entity_at(position)
    notes: list[str] = []
    cluster = entity_cluster(screener, resolution, entity_id, basis) if resolution is not None else None
    if resolution is None:
        notes.append("Not yet resolved across lists: other lists may name the same subject.")
    elif cluster is None:
        notes.append(f"{basis[:1].upper()}{basis[1:]} did not cover this entry.")
    relations = relations_of(screener)
    tiers = ownership_tiers(relations, entity_id) if entity_id in relations.graph.nodes else None
    paths = {}
    for code, blocks in relations.blocks.items():
        if entity_id in blocks.findings:
            paths[code] = blocks.path(entity_id, relations.graph)
    return Profile(entity, ftm_properties(entity), provenance(entity, snapshots.get(entity.dataset)), cluster, tiers, paths, notes)
