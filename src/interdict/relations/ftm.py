"""Edges as FollowTheMoney interval entities (Ownership, Directorship, Family, Associate, UnknownLink).

One mapping serves the adjacency endpoint (yente groups an entity's
neighbours by the reverse property, e.g. `ownershipOwner`) and the export.
"""

from __future__ import annotations

import hashlib
from typing import Any

from .edges import Edge, EdgeKind

# kind → (FtM schema, source property, target property, wording property, reverse property on the source, on the target)
SCHEMAS: dict[EdgeKind, tuple[str, str, str, str, str, str]] = {
    EdgeKind.OWNERSHIP: ("Ownership", "owner", "asset", "role", "ownershipOwner", "ownershipAsset"),
    EdgeKind.CONTROL: ("Directorship", "director", "organization", "role", "directorshipDirector", "directorshipOrganization"),
    EdgeKind.FAMILY: ("Family", "person", "relative", "relationship", "familyPerson", "familyRelative"),
    EdgeKind.ASSOCIATE: ("Associate", "person", "associate", "relationship", "associates", "associations"),
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
