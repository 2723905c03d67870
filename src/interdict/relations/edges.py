"""The graph's vocabulary: nodes and edges, kept small (a million edges must fit in memory)."""

from __future__ import annotations

from enum import StrEnum


class EdgeKind(StrEnum):
    """What an edge says; `source` → `target` reads as the comment says."""

    OWNERSHIP = "ownership"  # source owns target (share in percent, or unknown)
    CONTROL = "control"  # source controls target without a stated holding (director, "controlled by")
    FAMILY = "family"  # source is a relative of target (either way round)
    ASSOCIATE = "associate"  # source is an associate of target (either way round)
    LINK = "link"  # the list links them and says no more ("Linked To:", UnknownLink)


# Edges whose direction carries meaning; the others are read both ways.
DIRECTED = frozenset({EdgeKind.OWNERSHIP, EdgeKind.CONTROL})


class Edge:
    """One statement: source —kind→ target, with its share, wording, origin and date."""

    __slots__ = ("as_of", "kind", "label", "origin", "share", "source", "target")

    def __init__(
        self, source: str, target: str, kind: EdgeKind, share: float | None = None, label: str = "", origin: str = "", as_of: str | None = None
    ):
        self.source = source
        self.target = target
        self.kind = kind
        self.share = share
        self.label = label
        self.origin = origin
        self.as_of = as_of

    def key(self) -> tuple[str, str, str, str, str]:
        return (self.source, self.target, self.kind.value, self.label, self.origin)

    def other(self, node: str) -> str:
        return self.target if node == self.source else self.source

    def __repr__(self) -> str:
        share = "" if self.share is None else f" {self.share:g}%"
        return f"Edge({self.source} -{self.kind.value}{share}-> {self.target}, {self.label!r}, {self.origin})"


class Node:
    """A party in the graph: a list entry, a node of the user's data, or only a name a list wrote."""

    __slots__ = ("caption", "dataset", "id", "listed", "schema")

    def __init__(self, id: str, caption: str, schema: str, dataset: str, listed: bool):
        self.id = id
        self.caption = caption
        self.schema = schema
        self.dataset = dataset
        self.listed = listed  # an entry of a loaded list (screenable); False for user nodes and bare names

    def __repr__(self) -> str:
        return f"Node({self.id}, {self.caption!r})"
