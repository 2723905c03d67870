"""The graph and every jurisdiction's blocks for one set of loaded lists, built once per index.

Built from the Screener's entries, so the graph always describes exactly the
snapshots the screen ran against; kept per build key in the process (the API
builds it once per generation, the CLI once per run).
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass

from ..match.screener import Screener
from ..model import Entity
from .graph import Graph, build_graph
from .ownership import Blocks, propagate
from .rules import Rule, default_rules

_cache: dict[str, Relations] = {}
_lock = threading.Lock()


@dataclass
class Relations:
    graph: Graph
    blocks: dict[str, Blocks]  # jurisdiction → its blocks and reviews
    build_key: str

    @property
    def rules(self) -> dict[str, Rule]:
        return {code: blocks.rule for code, blocks in self.blocks.items()}

    def designated_by(self, node: str) -> list[str]:
        """Jurisdictions whose lists name this node."""
        return [code for code, blocks in self.blocks.items() if node in blocks.designated]

    def is_designated(self, node: str) -> bool:
        """An entry of any official list (a list names it; what that list does is the list's business)."""
        found = self.graph.nodes.get(node)
        return bool(found and found.listed)


def relations_of(screener: Screener, rules: dict[str, Rule] | None = None) -> Relations:
    """The relations of the screener's lists (cached per build key for the default rules)."""
    rules = rules or default_rules()
    key = screener.build_key
    if rules is default_rules() and key:
        with _lock:
            found = _cache.get(key)
            if found is not None:
                return found
    graph = build_graph(screener.entities())
    relations = Relations(graph, {code: propagate(graph, rule) for code, rule in rules.items()}, key)
    if rules is default_rules() and key:
        with _lock:
            _cache.clear()  # one set of lists at a time: the previous generation's graph is garbage
            _cache[key] = relations
    return relations


def relations_from_entities(entities: Iterable[Entity], rules: dict[str, Rule] | None = None) -> Relations:
    """The relations of entities read from the store, for callers without a screener at hand (not cached)."""
    rules = rules or default_rules()
    graph = build_graph(entities)
    return Relations(graph, {code: propagate(graph, rule) for code, rule in rules.items()}, "")
