"""Relatives, associates and ownership: the people and companies behind a designation (issue 13).

One relation graph (`graph.py`) from the lists' own relations and remarks and
the user's relation data (`load.py`, stored as snapshots by `dataset.py`);
ownership rules per jurisdiction as data (`rules.py`,
`data/ownership_rules.toml`) applied to a fixed point (`ownership.py`); what a
party owns or who owns it (`exposure.py`); and the hits screening adds for
parties blocked through ownership or related to a designated person
(`reach.py`). See docs/architecture.md, "Relations".
"""

from __future__ import annotations

from .dataset import FTM_PARSER, LoadReport, load_ftm_list, load_relations, own_lists, relation_datasets
from .edges import Edge, EdgeKind, Node
from .graph import Graph, build_graph, is_user_node
from .load import RowError, parse_ftm_lines, parse_ownership_csv
from .ownership import Blocks, Finding, Holding, Status, propagate, propagate_all
from .rules import JURISDICTIONS, Effect, Rule, default_rules, parse_rules, rules_for

__all__ = [
    "FTM_PARSER",
    "JURISDICTIONS",
    "Blocks",
    "Edge",
    "EdgeKind",
    "Effect",
    "Finding",
    "Graph",
    "Holding",
    "LoadReport",
    "Node",
    "RowError",
    "Rule",
    "Status",
    "build_graph",
    "default_rules",
    "is_user_node",
    "load_ftm_list",
    "load_relations",
    "own_lists",
    "parse_ftm_lines",
    "parse_ownership_csv",
    "parse_rules",
    "propagate",
    "propagate_all",
    "relation_datasets",
    "rules_for",
]
