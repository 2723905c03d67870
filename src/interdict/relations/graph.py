"""One relation graph from the active snapshots: the lists' own relations plus the user's data.

Relations come from three places, all read here so that every consumer
(ownership rules, exposure, screening reach-through, the API) sees one graph:
the parsers' `Relation` records (OFAC "Linked To:", UN cross-references, UK
parent/subsidiary, OFAC's "owned or controlled by"), relations stated in
remarks (`remarks.py`), and user datasets loaded with `interdict relations
load` (`load.py`), whose entities carry `Relation`s with shares. A user node
that stands for a list entry (`extra["proxyFor"]`) is merged into that entry.

A target the list only names is resolved to an entry by a UN reference, then
by exact name in the same list, then by a name unique across all lists; else
it stays a node of its own (`name:...`) that is shown but cannot be screened.
"""

from __future__ import annotations

import gc
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from ..model import Entity, RelationType
from .edges import DIRECTED, Edge, EdgeKind, Node
from .remarks import stated_relations

PROXY = "proxyFor"  # extra property of a user node that stands for a list entry
USER_NODE = "relationData"  # extra property of every node of the user's relation data (never designated, screened only to reach through)
NAME_PREFIX = "name:"


@contextmanager
def paused_gc() -> Iterator[None]:
    """No cyclic garbage collection while millions of acyclic objects are made.

    Each full collection walks every object made so far: with a million edges
    that made building the graph several times slower. Nothing built here
    forms a cycle, so nothing is left for the collector to find.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def name_key(text: str) -> str:
    return " ".join(text.casefold().replace("’", "'").split()).strip(" .,;")


class Graph:
    """Nodes and edges with adjacency both ways. Edges are deduplicated by (ends, kind, label, origin)."""

    def __init__(self) -> None:
        self.nodes: dict[str, Node] = {}
        self.out_edges: dict[str, list[Edge]] = {}
        self.in_edges: dict[str, list[Edge]] = {}
        self._seen: set[tuple[str, str, str, str, str]] = set()
        self.derived: dict[str, Any] = {}  # tables computed from the edges (ownership.py), each with the edge count it saw

    def add_node(self, node: Node) -> Node:
        return self.nodes.setdefault(node.id, node)

    def add_edge(self, edge: Edge) -> bool:
        if edge.source == edge.target:
            return False
        key = edge.key()
        if key in self._seen:
            return False
        self._seen.add(key)
        self.out_edges.setdefault(edge.source, []).append(edge)
        self.in_edges.setdefault(edge.target, []).append(edge)
        return True

    def edges(self) -> Iterator[Edge]:
        for edges in self.out_edges.values():
            yield from edges

    @property
    def edge_count(self) -> int:
        return len(self._seen)

    def edges_of(self, node: str) -> list[Edge]:
        return [*self.out_edges.get(node, ()), *self.in_edges.get(node, ())]

    def owners_of(self, node: str) -> list[Edge]:
        return [edge for edge in self.in_edges.get(node, ()) if edge.kind in DIRECTED]

    def holdings_of(self, node: str) -> list[Edge]:
        return [edge for edge in self.out_edges.get(node, ()) if edge.kind in DIRECTED]

    def caption(self, node: str) -> str:
        found = self.nodes.get(node)
        return found.caption if found else node


class _Resolver:
    """Finds the entry a written name or reference stands for."""

    def __init__(self) -> None:
        self._entities: list[Entity] = []
        self._by_name: dict[str, dict[str, list[str]]] | None = None  # name key → dataset → ids, built on first need
        self.by_source: dict[tuple[str, str], str] = {}  # (dataset, source_id) → id

    def add(self, entity: Entity) -> None:
        self.by_source[(entity.dataset, entity.source_id)] = entity.id
        self._entities.append(entity)

    @property
    def by_name(self) -> dict[str, dict[str, list[str]]]:
        """Built only when a relation names its target: user data that gives ids never pays for it."""
        if self._by_name is None:
            self._by_name = {}
            for entity in self._entities:
                for name in entity.names:
                    ids = self._by_name.setdefault(name_key(name.full), {}).setdefault(entity.dataset, [])
                    if entity.id not in ids:
                        ids.append(entity.id)
        return self._by_name

    def resolve(self, dataset: str, name: str | None, reference: str | None) -> str | None:
        if reference:
            found = self.by_source.get(("un_sc_sanctions", reference)) or self.by_source.get((dataset, reference))
            if found:
                return found
        if not name:
            return None
        found_by = self.by_name.get(name_key(name), {})
        same = found_by.get(dataset, [])
        if len(same) == 1:
            return same[0]
        everywhere = {entity_id for ids in found_by.values() for entity_id in ids}
        if not same and len(everywhere) == 1:
            return next(iter(everywhere))
        return None


_RELATION_KIND = {
    RelationType.OWNER: EdgeKind.OWNERSHIP,
    RelationType.CONTROL: EdgeKind.CONTROL,
    RelationType.FAMILY: EdgeKind.FAMILY,
    RelationType.ASSOCIATE: EdgeKind.ASSOCIATE,
    RelationType.LINKED_TO: EdgeKind.LINK,
}


def is_user_node(entity: Entity) -> bool:
    return USER_NODE in entity.extra


def _bare_name_key(entity: Entity) -> str | None:
    """The name key of a node a relation CSV made from a bare name (not of FtM entities: those have ids of their own,
    and two people of one name in a family file are two people)."""
    if entity.extra.get(USER_NODE) == ["csv"] and entity.names:
        return name_key(entity.names[0].full)
    return None


def build_graph(entities: Iterable[Entity]) -> Graph:
    """The graph of these entities' relations (list entries and the user's nodes alike)."""
    with paused_gc():
        return _build(entities)


def _build(entities: Iterable[Entity]) -> Graph:
    graph = Graph()
    resolver = _Resolver()
    proxies: dict[str, str] = {}
    named: dict[str, str] = {}  # name key → the first node a relation file made of that bare name
    with_relations: list[Entity] = []
    for entity in entities:
        proxy = entity.extra.get(PROXY)
        key = _bare_name_key(entity)
        if proxy:
            proxies[entity.id] = proxy[0]
        elif key is not None and named.setdefault(key, entity.id) != entity.id:
            # A name written in a relation file is the same party in every file of one's own: a second file that
            # says who owns "Nordvik Shipping AS" continues the first one's chain instead of starting a new node.
            proxies[entity.id] = named[key]
        else:
            graph.add_node(Node(entity.id, entity.caption, entity.schema.value, entity.dataset, not is_user_node(entity)))
            resolver.add(entity)
        if entity.relations or entity.remarks:
            with_relations.append(entity)

    nodes = graph.nodes

    def target_of(dataset: str, target_id: str | None, name: str | None, reference: str | None = None) -> str | None:
        if target_id:
            if target_id in nodes:
                return target_id
            target_id = proxies.get(target_id, target_id)
            if target_id in nodes:
                return target_id
        found = resolver.resolve(dataset, name, reference)
        if found:
            return found
        if not name:
            return target_id  # an id the loaded lists do not hold: kept as its own node below
        node_id = NAME_PREFIX + name_key(name)
        graph.add_node(Node(node_id, name, "LegalEntity", dataset, False))
        return node_id

    for entity in with_relations:
        subject = proxies.get(entity.id, entity.id)
        if subject not in graph.nodes:
            graph.add_node(Node(subject, subject, "LegalEntity", entity.dataset, False))
        for relation in entity.relations:
            kind = _RELATION_KIND.get(relation.type)
            if kind is None:
                continue  # same_as: the gap resolver's business
            target = target_of(entity.dataset, relation.target_id, relation.target_name)
            if target is None:
                continue
            if target not in graph.nodes:
                graph.add_node(Node(target, relation.target_name or target, "LegalEntity", entity.dataset, False))
            label = relation.note or kind.value.replace("_", " ")
            origin = relation.source or entity.dataset
            if kind == EdgeKind.LINK and relation.note == "parent company":
                graph.add_edge(Edge(target, subject, EdgeKind.OWNERSHIP, None, "parent company", origin))
            elif kind == EdgeKind.LINK and relation.note == "subsidiary":
                graph.add_edge(Edge(subject, target, EdgeKind.OWNERSHIP, None, "subsidiary", origin))
            elif kind in (EdgeKind.OWNERSHIP, EdgeKind.CONTROL):
                # the relation sits on the owned entity; the edge runs owner → asset
                graph.add_edge(Edge(target, subject, kind, relation.share, label, origin, relation.as_of))
            else:
                graph.add_edge(Edge(subject, target, kind, None, label, origin, relation.as_of))
        for remark in entity.remarks:
            for stated in stated_relations(remark):
                target = target_of(entity.dataset, None, stated.target, stated.reference)
                if target is None or target == subject:
                    continue
                origin = f"{entity.dataset} (remarks)"
                if stated.kind in DIRECTED:
                    graph.add_edge(Edge(target, subject, stated.kind, None, stated.label, origin))
                else:
                    graph.add_edge(Edge(subject, target, stated.kind, None, stated.label, origin))
    return graph
