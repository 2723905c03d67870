"""One entry's cross-list cluster: who else lists the same subject, and the links that say so.

A page about one entry cannot wait minutes for a full resolution, so the
cluster comes from the full resolution when one is cached for the lists in
force (the gap report fills that cache), and otherwise from a resolution
focused on the entry and what it reaches (`resolve_around`: about ten seconds on
the bundled lists, never written to the resolution cache, whose few slots
belong to the reports). Which of the two it is travels with the result
(`basis`), since a focused run may link less than a full one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..match.screener import Screener
from .resolution import Resolution, load_cached
from .resolve import ResolveOptions, resolution_key, resolve
from .scope import jurisdiction_of


class Basis:
    FULL = "the full cross-list resolution"
    FOCUSED = "a resolution focused on this entry (a full run may link more)"


@dataclass
class Member:
    id: str
    dataset: str
    jurisdiction: str
    source_id: str
    caption: str
    schema: str


@dataclass
class EntityCluster:
    cluster_id: str
    confidence: str
    members: list[Member]  # the entry itself first, then by jurisdiction and list
    links: list[dict[str, Any]]  # links touching the cluster's members: kind, status, tier, evidence, reason
    basis: str
    near: list[dict[str, Any]] = field(default_factory=list)  # closest entries of other lists that did not match

    @property
    def others(self) -> list[Member]:
        return self.members[1:]


def cached_full(screener: Screener) -> Resolution | None:
    """The full resolution of the screener's lists, if some gap report has computed it."""
    if not screener.build_key:
        return None
    return load_cached(resolution_key(screener.build_key, ResolveOptions()))


def resolve_around(screener: Screener, entity_id: str) -> Resolution:
    """A resolution focused on one entry (not cached on disk: the caller keeps it as long as it likes)."""
    return resolve(screener, ResolveOptions(focus=[entity_id]), cache=False)


def entity_cluster(screener: Screener, resolution: Resolution, entity_id: str, basis: str) -> EntityCluster | None:
    """The cluster of `entity_id` in `resolution` (None if the resolution did not cover it)."""
    cluster = resolution.cluster_of().get(entity_id)
    if cluster is None:
        return None

    def member(member_id: str) -> Member:
        position = screener.position(member_id)
        if position is None:
            return Member(member_id, "", "", "", member_id, "")
        entity = screener.entity_at(position)
        return Member(entity.id, entity.dataset, jurisdiction_of(entity.dataset), entity.source_id, entity.caption, str(entity.schema))

    others = sorted((member(item) for item in cluster.members if item != entity_id), key=lambda m: (m.jurisdiction, m.dataset, m.id))
    ids = set(cluster.members)
    links = [
        {
            "a": link.a,
            "b": link.b,
            "kind": link.kind.value,
            "status": link.status.value,
            "tier": link.tier.value if link.tier else "",
            "evidence": list(link.evidence),
            "reason": link.reason,
        }
        for link in resolution.links
        if link.a in ids or link.b in ids
    ]
    near = [{"id": item.b if item.a == entity_id else item.a, "score": item.score, "explanation": item.explanation} for item in resolution.near if entity_id in (item.a, item.b)]
    return EntityCluster(cluster.id, cluster.confidence, [member(entity_id), *others], links, basis, near)
