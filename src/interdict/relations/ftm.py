"""Edges as FollowTheMoney interval entities (Ownership, Directorship, Family, Associate, UnknownLink).

One mapping serves the adjacency endpoint (yente groups an entity's
neighbours by the reverse property, e.g. `ownershipOwner`) and the export.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from typing import Any

from ..model import Entity, to_ftm
from .edges import Edge, EdgeKind
from .graph import NAME_PREFIX, PROXY, USER_NODE, build_graph, is_user_node

# kind → (FtM schema, source property, target property, wording property, reverse property on the source, on the target)
SCHEMAS: dict[EdgeKind, tuple[str, str, str, str, str, str]] = {
    EdgeKind.OWNERSHIP: ("Ownership", "owner", "asset", "role", "ownershipOwner", "ownershipAsset"),
    EdgeKind.CONTROL: ("Directorship", "director", "organization", "role", "directorshipDirector", "directorshipOrganization"),
    # a family or associate edge runs from the relative (whom the wording describes) to the person
    EdgeKind.FAMILY: ("Family", "relative", "person", "relationship", "familyRelative", "familyPerson"),
    EdgeKind.ASSOCIATE: ("Associate", "associate", "person", "relationship", "associations", "associates"),
    EdgeKind.LINK: ("UnknownLink", "subject", "object", "role", "unknownLinkSubject", "unknownLinkObject"),
}
REVERSE_PROPERTIES = frozenset(name for row in SCHEMAS.values() for name in row[4:])


def edge_id(edge: Edge) -> str:
    return "rel-" + hashlib.sha1("\0".join(edge.key()).encode()).hexdigest()[:20]


def reverse_property(edge: Edge, node: str) -> str:
    """The property of `node` under which yente lists this edge."""
    row = SCHEMAS[edge.kind]
    return row[4] if edge.source == node else row[5]


def edge_to_ftm(edge: Edge, source: Any, target: Any) -> dict[str, Any]:
    """The edge as an FtM entity; `source` and `target` are ids or nested entity objects."""
    schema, source_prop, target_prop, wording, _, _ = SCHEMAS[edge.kind]
    props: dict[str, list[Any]] = {source_prop: [source], target_prop: [target]}
    if edge.label and edge.label != edge.kind.value:
        props[wording] = [edge.label]
    if edge.share is not None:
        props["percentage"] = [f"{edge.share:g}"]
    if edge.as_of:
        props["startDate"] = [edge.as_of]
    if edge.origin:
        props["publisher"] = [edge.origin]
    return {"id": edge_id(edge), "caption": schema, "schema": schema, "properties": props, "datasets": [edge.origin.split(" ")[0]], "referents": []}


def _node_id(node_id: str) -> str:
    """Bare-name nodes ("name:slobodan milosevic") get an id FtM tools accept."""
    if node_id.startswith(NAME_PREFIX):
        return "name-" + hashlib.sha1(node_id.encode()).hexdigest()[:20]
    return node_id


def export_entity(entity: Entity) -> Iterator[dict[str, Any]]:
    """An entity as the export writes it: list entries as `to_ftm` does; the user's nodes without the
    sanction topic (they are not designated); proxies for list entries not at all."""
    if PROXY in entity.extra:
        return
    if not is_user_node(entity):
        yield from to_ftm(entity)
        return
    item = next(to_ftm(entity))
    props = {key: value for key, value in item["properties"].items() if key != "topics" and key != USER_NODE}
    yield {**item, "properties": props}


def relation_entities(entities: Iterable[Entity]) -> Iterator[dict[str, Any]]:
    """Every relation among these entities as an FtM interval entity, plus the bare-name parties they point at."""
    graph = build_graph(entities)
    for node in graph.nodes.values():
        if node.id.startswith(NAME_PREFIX):
            yield {"id": _node_id(node.id), "schema": "LegalEntity", "properties": {"name": [node.caption]}, "datasets": [node.dataset], "referents": []}
    for edge in graph.edges():
        item = edge_to_ftm(edge, _node_id(edge.source), _node_id(edge.target))
        item.pop("caption", None)
        yield item
