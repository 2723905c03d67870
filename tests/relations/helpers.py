"""Building small graphs from the hand-written ownership CSVs (the FAQ structures are examples, not list data)."""

from __future__ import annotations

from pathlib import Path

from interdict.relations import Graph, build_graph, parse_ownership_csv

DATA = Path(__file__).parent / "data"


def csv_graph(name: str) -> Graph:
    parsed = parse_ownership_csv((DATA / name).read_bytes(), "relations", lambda _id: False)
    assert not parsed.errors, parsed.errors
    return build_graph(parsed.result.entities)


def node(graph: Graph, caption: str) -> str:
    found = [item.id for item in graph.nodes.values() if item.caption == caption]
    assert len(found) == 1, (caption, found)
    return found[0]


def roots(graph: Graph, *captions: str) -> set[str]:
    return {node(graph, caption) for caption in captions}
