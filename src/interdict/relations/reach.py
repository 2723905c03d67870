"""Screening reaches through: hits on parties blocked through ownership, or related to a designated person.

A screen finds list entries and the user's relation nodes by name like any
other. This step, run by the Screener after every screen (`Screener.reach`),
turns a hit on a party the graph knows about into its own kind of hit:
`kind` "owned" (blocked or to be reviewed through ownership or control,
with the path, rule and legal basis) or "relative" / "associate" of a
designated person. A hit on a user node that is neither is dropped: a
company in the user's ownership data is not a sanctions hit by itself.
Hits on list entries keep their kind; a block or review through ownership
or control is added to them as `relation`.

The table of what each party reaches (small: only parties with a finding or
a designated relative) is computed once per set of lists and cached beside
the index, so a CLI run pays for the graph only after a list update.
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from ..atomic import write_text
from ..match.screener import Hit, Screener, Screening
from ..model import Entity
from ..store import data_home
from .context import Relations, relations_of
from .edges import EdgeKind
from .graph import is_user_node
from .ownership import Status

log = logging.getLogger("interdict.relations")
TABLE_VERSION = 3


class Kind:
    """A hit's `kind` (absent on hits on list entries)."""

    OWNED = "owned"
    RELATIVE = "relative"
    ASSOCIATE = "associate"


_KIND_RANK = {Kind.OWNED: 0, Kind.RELATIVE: 1, Kind.ASSOCIATE: 2}
_STATUS_RANK = {"blocked": 0, "review": 1, "related": 2}


@dataclass
class RelationHit(Hit):
    """A hit with what the graph knows: `kind` (for parties not listed themselves) and `relation`."""

    kind: str | None = None
    relation: dict[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        data = super().to_dict()
        if self.kind:
            data["kind"] = self.kind
        if self.relation:
            data["relation"] = self.relation
        return data


def reach_table(relations: Relations) -> dict[str, list[dict[str, Any]]]:
    """For each party with a finding or a designated relative: what it reaches, strongest first."""
    graph = relations.graph
    table: dict[str, list[dict[str, Any]]] = {}
    for code, blocks in relations.blocks.items():
        rule = blocks.rule
        for node, finding in blocks.findings.items():
            via_control = finding.status == Status.BLOCKED and not rule.reaches(finding.share)
            table.setdefault(node, []).append(
                {
                    "kind": Kind.OWNED,
                    "type": "control" if via_control else "ownership",
                    "status": finding.status.value,
                    "jurisdiction": code,
                    "summary": finding.reason,
                    "share": finding.share or None,
                    "path": blocks.path(node, graph),
                    "rule": rule.rule,
                    "basis": rule.basis,
                }
            )
    for edge in graph.edges():
        if edge.kind not in (EdgeKind.FAMILY, EdgeKind.ASSOCIATE):
            continue
        kind = Kind.RELATIVE if edge.kind == EdgeKind.FAMILY else Kind.ASSOCIATE
        for party, other, forward in ((edge.source, edge.target, True), (edge.target, edge.source, False)):
            if not relations.is_designated(other):
                continue
            dataset = graph.nodes[other].dataset
            word = edge.label if forward and edge.label not in ("family", "associate") else kind
            summary = f"{word} of {graph.caption(other)} (designated: {dataset})"
            if not forward and edge.label not in ("family", "associate"):
                summary = f"{kind} of {graph.caption(other)} (designated: {dataset}), who is recorded as their {edge.label}"
            table.setdefault(party, []).append(
                {
                    "kind": kind,
                    "type": edge.kind.value,
                    "status": "related",
                    "label": edge.label,
                    "summary": summary,
                    "path": summary,
                    "of": other,
                    "source": edge.origin,
                }
            )
    for rows in table.values():
        rows.sort(key=lambda row: (_STATUS_RANK[row["status"]], _KIND_RANK[row["kind"]], row.get("jurisdiction", ""), row["summary"]))
    return table


def _cache_path(key: str) -> Path:
    return data_home() / "cache" / f"relations-{key}.json"


class Reach:
    """The Screener's reach-through step; the table is loaded (or built) on the first screen."""

    def __init__(self, screener: Screener):
        self.screener = screener
        self._table: dict[str, list[dict[str, Any]]] | None = None
        self._through: list[str] = []  # datasets of relation data through which some party is reached (a filter may hide them)
        self._relatives: dict[str, list[dict[str, Any]]] | None = None
        self._lock = threading.Lock()

    def table(self) -> dict[str, list[dict[str, Any]]]:
        if self._table is None:
            with self._lock:
                if self._table is None:
                    self._table = self._load()
        return self._table

    def _read(self, path: Path) -> dict[str, list[dict[str, Any]]] | None:
        """The table saved in `path`, if it is this screener's (same build key, same table version)."""
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if data.get("version") == TABLE_VERSION and data.get("key") == self.screener.build_key:
                self._through = [str(dataset) for dataset in data["through"]]
                return dict(data["table"])
        except (OSError, ValueError, KeyError, AttributeError, TypeError):
            pass
        return None

    def use_file(self, path: Path | str) -> bool:
        """Take the table from a file `table_file` wrote (a Spark executor gets it shipped with the index), so the
        graph is not built again in every worker; False (and the table built on first use) if it is not this screener's."""
        with self._lock:
            if self._table is None:
                self._table = self._read(Path(path))
            return self._table is not None

    def _load(self) -> dict[str, list[dict[str, Any]]]:
        key = self.screener.build_key
        path = _cache_path(key) if key else None
        if path is not None:
            found = self._read(path)
            if found is not None:
                return found
        relations = relations_of(self.screener)
        table = reach_table(relations)
        nodes = relations.graph.nodes
        self._through = sorted({nodes[party].dataset for party in table if party in nodes and not nodes[party].listed})
        if path is not None:
            try:
                write_text(path, json.dumps({"version": TABLE_VERSION, "key": key, "table": table, "through": self._through}))
                for stale in path.parent.glob("relations-*.json"):
                    if stale != path:
                        stale.unlink(missing_ok=True)
            except OSError:
                pass  # a read-only home still screens; it builds the table again next time
        return table

    def relatives_of(self, entity_id: str) -> list[dict[str, Any]]:
        """The recorded relatives and associates of a designated entry: [{id, kind, label, source}]."""
        if self._relatives is None:
            found: dict[str, list[dict[str, Any]]] = {}
            for party, rows in self.table().items():
                for row in rows:
                    if row["kind"] in (Kind.RELATIVE, Kind.ASSOCIATE):
                        found.setdefault(row["of"], []).append({"id": party, "kind": row["kind"], "label": row["label"], "source": row["source"]})
            self._relatives = found
        return self._relatives.get(entity_id, [])

    def filter_note(self, scope: tuple[str, ...] | None) -> str | None:
        """What a dataset filter hides: the parties of the user's relation data it leaves out, which reach designated persons."""
        if scope is None:
            return None
        self.table()
        hidden = [dataset for dataset in self._through if dataset not in scope]
        if not hidden:
            return None
        names = ", ".join(hidden)
        return (
            f"the dataset filter leaves out your relation data ({names}): a party blocked through ownership or control, or a relative "
            f"or associate of a designated person, recorded only there is not reported; add {' '.join(f'--dataset {d}' for d in hidden)} "
            "or screen without the filter"
        )

    def rows_for(self, entity: Entity) -> list[dict[str, Any]]:
        """What a hit on `entity` reaches, strongest first ([] when a hit on it is reported as it is)."""
        rows = self.table().get(entity.id) or []
        if rows and not is_user_node(entity):
            # a list entry is reported as listed; what it adds is a block through ownership in another
            # jurisdiction (its family and associates among the listed are the lists' own business)
            rows = [row for row in rows if row["kind"] == Kind.OWNED]
        return rows

    def __call__(self, screening: Screening) -> Screening:
        note = self.filter_note(screening.scope)
        if note is not None:
            screening = replace(screening, notes=(*screening.notes, note))
        if not screening.hits:
            return screening
        hits: list[Hit] = []
        dropped_matches = 0
        for hit in screening.hits:
            rows = self.rows_for(hit.entity)
            user = is_user_node(hit.entity)
            if not rows:
                if user:
                    dropped_matches += hit.match
                    continue
                hits.append(hit)
                continue
            relation = dict(rows[0])
            also = [row["jurisdiction"] for row in rows if row["kind"] == Kind.OWNED and row["status"] == "blocked"]
            if len(also) > 1:
                relation["jurisdictions"] = also
            if len(rows) > 1:
                relation["more"] = [row["summary"] for row in rows[1:]]
            kind = str(relation.pop("kind")) if user else None
            relation.pop("kind", None)
            fields = {name: getattr(hit, name) for name in ("entity", "score", "match", "evidence", "name")}
            hits.append(RelationHit(**fields, kind=kind, relation=relation))
        return replace(screening, hits=hits, matches=screening.matches - dropped_matches)


def recorded_relatives(screener: Screener, entity_id: str) -> list[dict[str, Any]]:
    """Relatives and associates the lists or the user's data record for a designated entry (none without reach-through)."""
    reach = screener.reach
    return reach.relatives_of(entity_id) if isinstance(reach, Reach) else []


def reach_digests(screener: Screener) -> dict[str, str]:
    """Each entry a screen of `screener` reaches through, with a digest of what a hit on it reaches.

    The entries are those whose hits change kind or carry a relation (`Reach.rows_for`); nodes no screen can
    hit (a name only a relation file knows) are left out. Monitoring keeps the digests the watch register was
    last screened with and screens the entries whose digest changed: a company newly blocked through its
    owner's designation, or no longer, without its own entry changing. Empty without reach-through.
    """
    reach = screener.reach
    if not isinstance(reach, Reach):
        return {}
    found: dict[str, str] = {}
    for entity_id in reach.table():
        position = screener.position(entity_id)
        if position is None:
            continue
        rows = reach.rows_for(screener.entity_at(position))
        if rows:
            found[entity_id] = hashlib.sha256(json.dumps(rows, sort_keys=True, ensure_ascii=False, default=str).encode()).hexdigest()
    return found


def table_file(screener: Screener) -> Path | None:
    """The file holding `screener`'s reach table, built and saved if need be (None: no reach step, or nowhere to save it).

    What a Spark driver ships beside the index: each executor then reads the table instead of building the relation
    graph from every entry (`Reach.use_file`).
    """
    reach = getattr(screener, "reach", None)
    if not isinstance(reach, Reach) or not screener.build_key:
        return None
    reach.table()
    path = _cache_path(screener.build_key)
    return path if path.is_file() else None


def use_table_file(screener: Screener, path: Path | str) -> bool:
    """`screener` takes its reach table from `path` (see `table_file`); False if it cannot (then built on first use)."""
    reach = getattr(screener, "reach", None)
    return isinstance(reach, Reach) and reach.use_file(path)


def attach(screener: Screener) -> Screener:
    """Make every screen of `screener` reach through relations (front-ends get it by opening the screener)."""
    screener.reach = Reach(screener)
    return screener
