"""Clusters from links: union-find, strongest evidence first, never two distinct entries of one list.

A list designates a subject once (or, in the EU export, once per regime), so a
cluster holding two different entries of one list is a sign that a weak link
chained two subjects together. Such a link is not forced: it becomes an
ambiguous link that names the two entries it would have joined.
"""

from __future__ import annotations

from collections import defaultdict

from ..model import Entity
from .resolution import KIND_RANK, SINGLE, TIER_RANK, TIERS, Cluster, Link, LinkKind, LinkStatus, Tier


def ordered(first: str, second: str) -> tuple[str, str]:
    return (first, second) if first < second else (second, first)


def list_key(entity: Entity) -> str:
    """Which list an entry is on: the dataset, or its sub-list (trade.gov CSL merges eleven lists)."""
    sub = entity.extra.get("sourceList")
    return f"{entity.dataset}/{sub[0]}" if sub else entity.dataset


def cluster_links(entities: dict[str, Entity], links: list[Link], duplicates: set[tuple[str, str]]) -> list[Cluster]:
    """Union-find over the confirmed links (marks each link that joined two clusters).

    Entries of one list share a cluster only when they are known duplicates
    (`duplicates`, ordered pairs); any other link that would bring two entries
    of one list together is turned into an ambiguous link, with the two entries named.
    """
    parent = {entity_id: entity_id for entity_id in entities}
    lists: dict[str, dict[str, list[str]]] = {entity_id: {list_key(entity): [entity_id]} for entity_id, entity in entities.items()}
    weakest: dict[str, int] = {}

    def find(item: str) -> str:
        while parent[item] != item:
            parent[item] = parent[parent[item]]
            item = parent[item]
        return item

    def clash(left: dict[str, list[str]], right: dict[str, list[str]]) -> tuple[str, str, str] | None:
        for key in sorted(set(left) & set(right)):
            for first in left[key]:
                for second in right[key]:
                    if ordered(first, second) not in duplicates:
                        return (key, *ordered(first, second))
        return None

    # What the lists print first; then identical names before near spellings (a near
    # spelling must lose to an exact name when both would join one list's entries).
    order = sorted(
        (link for link in links if link.status == LinkStatus.CONFIRMED),
        key=lambda link: (
            link.tier != Tier.CERTAIN,
            link.kind == LinkKind.NAME and not link.exact,
            TIER_RANK[link.tier or Tier.PROBABLE],
            KIND_RANK[link.kind],
            -link.score,
            link.a,
            link.b,
        ),
    )
    for link in order:
        root_a, root_b = find(link.a), find(link.b)
        if root_a == root_b:
            continue
        conflict = clash(lists[root_a], lists[root_b])
        if conflict:
            link.status, link.tier = LinkStatus.AMBIGUOUS, None
            link.reason = f"would join two different entries of {conflict[0]}: {conflict[1]} and {conflict[2]}"
            continue
        if sum(map(len, lists[root_a].values())) < sum(map(len, lists[root_b].values())):
            root_a, root_b = root_b, root_a
        parent[root_b] = root_a
        for key, ids in lists.pop(root_b).items():
            lists[root_a].setdefault(key, []).extend(ids)
        weakest[root_a] = max(weakest.get(root_a, 0), weakest.pop(root_b, 0), TIER_RANK[link.tier or Tier.PROBABLE])
        link.joined = True
    members: dict[str, list[str]] = defaultdict(list)
    for entity_id in entities:
        members[find(entity_id)].append(entity_id)
    clusters = []
    for root, ids in members.items():
        ids.sort()
        confidence = TIERS[weakest[root]].value if len(ids) > 1 else SINGLE
        clusters.append(Cluster(id=f"cl-{ids[0]}", members=ids, confidence=confidence))
    clusters.sort(key=lambda cluster: cluster.id)
    return clusters
