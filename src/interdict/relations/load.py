"""The user's relation data: an ownership CSV or FollowTheMoney JSON lines, read into a snapshot.

A relation file becomes a dataset of the store (default `relations`), so it
is versioned, guarded and has provenance exactly like a list: each load is
a snapshot, the last good one stays active when a load fails. Its entities
are the user's own nodes (a company named in the CSV, an FtM Person) with
their `Relation`s; a relation whose subject is a list entry hangs on a
nameless proxy node that stands for the entry (`extra["proxyFor"]`), which
the graph merges into it. The user's nodes are in the name index, so a
screened party can match a company that is blocked only through ownership.

Every bad row gets its own error naming the line and what is wrong; the
other rows load.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..model import Entity, IdentifierType, Name, NameKind, PartialDate, Relation, RelationType, Schema, clean_text
from ..sources.base import ParseResult, decode_text, entity_id
from ..sources.dates import parse_date
from .graph import PROXY, USER_NODE, name_key, paused_gc

DEFAULT_DATASET = "relations"
PARSER = "relations"
CSV_COLUMNS = ("owner", "asset", "share_pct", "as_of", "source")
MAX_FIELD = 10_000
_DATASET_NAME = re.compile(r"^[a-z][a-z0-9_]{1,48}$")
_LIST_ID = re.compile(r"^([a-z][a-z0-9_]+)-(\S+)$")

Known = Callable[[str], bool]  # is this a list entry's id?


@dataclass(frozen=True)
class RowError:
    line: int
    message: str
    id: str | None = None

    def __str__(self) -> str:
        return f"line {self.line}{f' ({self.id})' if self.id else ''}: {self.message}"

    def to_dict(self) -> dict[str, Any]:
        return {"line": self.line, "id": self.id, "error": self.message}


@dataclass
class Parsed:
    """What a relation file held: the snapshot to store, and an error for each row that could not be read."""

    result: ParseResult
    errors: list[RowError] = field(default_factory=list)
    relations: int = 0
    rows: int = 0


def check_dataset_name(name: str, official: Iterable[str]) -> str:
    if not _DATASET_NAME.match(name):
        raise InputError(f"Dataset name {name!r}: use 2-49 lower-case letters, digits and underscores, starting with a letter.")
    if name in set(official):
        raise InputError(f"{name!r} is an official list's id; choose another name for your data.")
    return name


class _Builder:
    """Collects user nodes, proxies for list entries, and the relations hung on them."""

    def __init__(self, dataset: str, known: Known):
        self.dataset = dataset
        self.known = known
        self.nodes: dict[str, Entity] = {}
        self.relations = 0
        self._names: dict[str, str] = {}  # name as written → node id

    def list_entry(self, value: str) -> str | None:
        return value if self.known(value) else None

    def named(self, name: str) -> str:
        """The user node of this name (made on first use)."""
        found_id = self._names.get(name)
        if found_id is not None:
            return found_id
        key = name_key(name)
        slug = re.sub(r"[^a-z0-9]+", "-", key).strip("-")[:60] or "node"
        node_id = f"{self.dataset}-n-{slug}"
        found = self.nodes.get(node_id)
        if found is None:
            found = self.nodes[node_id] = Entity(
                id=node_id, dataset=self.dataset, source_id=f"n-{slug}", schema=Schema.LEGAL_ENTITY, names=[Name(full=name)], extra={USER_NODE: ["csv"]}
            )
        self._names[name] = node_id
        return node_id

    def holder(self, node: str) -> Entity:
        """The entity a relation about `node` hangs on: the user node itself, or the list entry's proxy."""
        found = self.nodes.get(node)
        if found is not None:
            return found
        proxy_id = entity_id(self.dataset, f"proxy-{node}")
        found = self.nodes.get(proxy_id)
        if found is None:
            found = self.nodes[proxy_id] = Entity(id=proxy_id, dataset=self.dataset, source_id=f"proxy-{node}", schema=Schema.LEGAL_ENTITY, extra={PROXY: [node], USER_NODE: ["proxy"]})
        return found

    def relate(self, subject: str, relation: Relation) -> None:
        holder = self.holder(subject)
        if relation not in holder.relations:
            holder.relations.append(relation)
            self.relations += 1

    def result(self, warnings: list[str]) -> ParseResult:
        return ParseResult(entities=list(self.nodes.values()), published=None, warnings=warnings)


def _share(value: str | None) -> float | None:
    text = (value or "").strip().rstrip("%").strip()
    if not text:
        return None
    try:
        share = float(text.replace(",", "."))
    except ValueError:
        raise ValueError(f"share {value!r} is not a number; write a percentage such as 25 or 12.5, or leave it empty if unknown") from None
    if not 0 < share <= 100:
        raise ValueError(f"share {value!r} is outside 0-100 (percent)")
    return share


def _as_of(value: str | None) -> str | None:
    text = (value or "").strip()
    if not text:
        return None
    parsed = parse_date(text)
    if parsed is None or parsed.start is None:
        raise ValueError(f"as_of {value!r} is not a date; use YYYY, YYYY-MM or YYYY-MM-DD")
    return parsed.start


def _endpoint(builder: _Builder, value: str | None, column: str) -> str:
    text = clean_text(value)
    if not text:
        raise ValueError(f"{column} is empty")
    if len(text) > MAX_FIELD:
        raise ValueError(f"{column} is {len(text):,} characters (over {MAX_FIELD:,})")
    if "\n" in (value or ""):
        raise ValueError(f"{column} spans lines")
    found = builder.list_entry(text)
    if found:
        return found
    match = _LIST_ID.match(text)
    if match and " " not in text and any(char.isdigit() for char in match.group(2)) and "_" in match.group(1):
        raise ValueError(f"{column} {text!r} looks like a list entry's id but no loaded list holds it; check the id (`interdict show`) or write a name")
    return builder.named(text)


def parse_ownership_csv(data: bytes, dataset: str, known: Known, what: str = "ownership CSV") -> Parsed:
    """Rows `owner, asset, share_pct, as_of, source`: owner holds share_pct percent of asset (empty: unknown)."""
    text = decode_text(data, what)
    # The whole file is in memory already: a long field is that row's error (MAX_FIELD), not the end of the file.
    csv.field_size_limit(max(csv.field_size_limit(), len(text) + 1))
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    columns = [name.strip().lower() for name in reader.fieldnames or []]
    missing = [name for name in ("owner", "asset") if name not in columns]
    if missing:
        raise InputError(f"{what}: the header lacks {', '.join(missing)}; the columns are {', '.join(CSV_COLUMNS)} (share_pct, as_of and source may be empty).")
    builder = _Builder(dataset, known)
    errors: list[RowError] = []
    rows = 0
    while True:
        try:
            raw = next(reader, None)
        except csv.Error as exc:  # e.g. a NUL character inside a field: that line's error, the next lines still load
            if errors and errors[-1].line == reader.line_num:
                break  # the reader did not move on: nothing more can be read
            rows += 1
            errors.append(RowError(reader.line_num, f"not valid CSV ({exc})"))
            continue
        if raw is None:
            break
        rows += 1
        row = {str(key).strip().lower(): value for key, value in raw.items() if key is not None}
        try:
            if None in raw:
                raise ValueError(f"{len(raw[None])} more field(s) than the header has")
            owner = _endpoint(builder, row.get("owner"), "owner")
            asset = _endpoint(builder, row.get("asset"), "asset")
            if owner == asset:
                raise ValueError("owner and asset are the same")
            share = _share(row.get("share_pct"))
            as_of = _as_of(row.get("as_of"))
        except ValueError as exc:
            errors.append(RowError(reader.line_num, str(exc)))
            continue
        source = clean_text(row.get("source"))
        builder.relate(asset, Relation(type=RelationType.OWNER, target_id=owner, share=share, as_of=as_of, source=source, note="owner"))
    return Parsed(builder.result([]), errors, builder.relations, rows)


# --- FollowTheMoney ----------------------------------------------------------

# FtM interval schemas: (subject property, object property, relation type, property holding the wording, default wording)
# The relation hangs on the subject and points at the object, as the model reads it: for family and
# associates the wording describes the subject ("Lidia is the spouse of Arkady"), so the subject is FtM's
# `relative` / `associate` / `agent`, whose relationship to the `person` / `client` the wording gives.
INTERVALS: dict[str, tuple[str, str, RelationType, str, str]] = {
    "Ownership": ("asset", "owner", RelationType.OWNER, "role", "owner"),
    "Directorship": ("organization", "director", RelationType.CONTROL, "role", "director"),
    "Family": ("relative", "person", RelationType.FAMILY, "relationship", "family"),
    "Associate": ("associate", "person", RelationType.ASSOCIATE, "relationship", "associate"),
    "Membership": ("member", "organization", RelationType.ASSOCIATE, "role", "member"),
    "Employment": ("employee", "employer", RelationType.ASSOCIATE, "role", "employee"),
    "Representation": ("agent", "client", RelationType.ASSOCIATE, "role", "representative"),
    "UnknownLink": ("object", "subject", RelationType.LINKED_TO, "role", "linked"),
}
PARTIES: dict[str, Schema] = {
    "Person": Schema.PERSON,
    "Company": Schema.COMPANY,
    "Organization": Schema.ORGANIZATION,
    "PublicBody": Schema.ORGANIZATION,
    "LegalEntity": Schema.LEGAL_ENTITY,
    "Vessel": Schema.VESSEL,
    "Airplane": Schema.AIRPLANE,
}
_NAME_PROPS = {"name": NameKind.PRIMARY, "alias": NameKind.ALIAS, "previousName": NameKind.FORMER, "weakAlias": NameKind.WEAK}
_ID_PROPS = {
    "passportNumber": IdentifierType.PASSPORT,
    "idNumber": IdentifierType.NATIONAL_ID,
    "taxNumber": IdentifierType.TAX_ID,
    "registrationNumber": IdentifierType.REGISTRATION,
    "imoNumber": IdentifierType.IMO,
    "mmsi": IdentifierType.MMSI,
    "leiCode": IdentifierType.LEI,
    "swiftBic": IdentifierType.BIC,
}


def _values(props: dict[str, Any], name: str) -> list[str]:
    found = props.get(name) or []
    if isinstance(found, str):
        found = [found]
    if not isinstance(found, list):
        raise ValueError(f"property {name!r} is not a list of values")
    out = []
    for value in found:
        if isinstance(value, dict):  # nested entity (yente's nested output)
            value = value.get("id")
        if not isinstance(value, str):
            raise ValueError(f"property {name!r} holds a {type(value).__name__}, not text")
        if len(value) > MAX_FIELD:
            raise ValueError(f"property {name!r} has a value of {len(value):,} characters (over {MAX_FIELD:,})")
        out.append(value)
    return out


def _party(dataset: str, ftm: dict[str, Any], schema: Schema, props: dict[str, Any]) -> Entity:
    node = Entity(id=entity_id(dataset, ftm["id"]), dataset=dataset, source_id=ftm["id"], schema=schema, extra={USER_NODE: [ftm["schema"]]})
    for prop, kind in _NAME_PROPS.items():
        for value in _values(props, prop):
            node.add_name(value, kind)
    if not node.names:
        raise ValueError("has no name")
    for value in _values(props, "birthDate") + _values(props, "incorporationDate"):
        parsed = parse_date(value)
        if parsed is not None and parsed not in node.birth_dates:
            node.birth_dates.append(parsed)
    for value in _values(props, "nationality") + _values(props, "citizenship"):
        node.add_unique("nationalities", value.lower())
    for value in _values(props, "country") + _values(props, "jurisdiction"):
        node.add_unique("countries", value.lower())
    for prop, id_type in _ID_PROPS.items():
        for value in _values(props, prop):
            node.add_identifier(id_type, value)
    for value in _values(props, "notes"):
        node.add_unique("remarks", value)
    return node


class _FtmReader:
    """Reads FtM entities line by line, as a whole file or as delta operations on a previous snapshot.

    `listed`: the file is a list of the user's own (`interdict load --ftm`): its parties are entries,
    screened and reported like an official list's, and its Sanction entities give their programmes.
    Otherwise the parties are nodes of relation data (never designated by being in the file).
    """

    def __init__(self, dataset: str, known: Known, listed: bool, today: date, previous: Iterable[Entity] = ()):
        self.dataset, self.listed, self.today = dataset, listed, today
        self.builder = _Builder(dataset, known)
        self.errors: list[RowError] = []
        self.ignored: dict[str, int] = {}
        self.ended = 0
        self.rows = 0
        self.intervals: list[tuple[int, dict[str, Any]]] = []
        self.sanctions: list[tuple[int, dict[str, Any]]] = []
        self.file_ids: dict[str, str] = {}
        self._seen: set[str] = set()  # node ids read from this file (a repeated id in it is an error; a previous one is replaced)
        for entity in previous:
            self.builder.nodes[entity.id] = entity
            if PROXY not in entity.extra:
                self.file_ids[entity.source_id] = entity.id
            self.builder.relations += len(entity.relations)

    def line(self, number: int, line: str, delta: bool) -> None:
        if not line.strip():
            return
        self.rows += 1
        try:
            ftm = json.loads(line)
        except json.JSONDecodeError as exc:
            self.errors.append(RowError(number, f"not JSON ({exc.msg} at column {exc.colno})"))
            return
        if not isinstance(ftm, dict):
            self.errors.append(RowError(number, "not a JSON object"))
            return
        op = "ADD"
        if "op" in ftm:
            if not delta:
                self.errors.append(RowError(number, "a delta operation (ADD/MOD/DEL) in a whole file: load deltas on their own, after the file they change"))
                return
            op, ftm = str(ftm.get("op", "")).upper(), ftm.get("entity")
            if op not in ("ADD", "MOD", "DEL") or not isinstance(ftm, dict):
                self.errors.append(RowError(number, "a delta line needs `op` ADD, MOD or DEL and an `entity` object"))
                return
        elif delta:
            self.errors.append(RowError(number, "not a delta operation: a delta file holds {\"op\": ..., \"entity\": ...} lines only"))
            return
        ftm_id, schema, props = ftm.get("id"), ftm.get("schema"), ftm.get("properties", {})
        if not isinstance(ftm_id, str) or not ftm_id.strip() or len(ftm_id) > 500:
            self.errors.append(RowError(number, "has no usable `id`"))
            return
        if op == "DEL":
            self._delete(number, ftm_id)
            return
        if not isinstance(schema, str) or not isinstance(props, dict):
            self.errors.append(RowError(number, "needs `schema` (text) and `properties` (an object)", ftm_id))
            return
        if schema in INTERVALS:
            if op == "MOD":
                self._drop_relations(ftm_id)
            self.intervals.append((number, ftm))
        elif schema in PARTIES:
            self._party(number, ftm, op)
        elif schema == "Sanction" and self.listed:
            self.sanctions.append((number, ftm))
        else:
            self.ignored[schema] = self.ignored.get(schema, 0) + 1

    def _party(self, number: int, ftm: dict[str, Any], op: str) -> None:
        ftm_id = ftm["id"]
        try:
            node = _party(self.dataset, ftm, PARTIES[ftm["schema"]], ftm["properties"])
        except ValueError as exc:
            self.errors.append(RowError(number, str(exc), ftm_id))
            return
        if self.listed:
            node.extra.pop(USER_NODE, None)
        previous = self.builder.nodes.get(node.id)
        if previous is not None:
            if op == "ADD" and ftm_id in self.file_ids and not self._from_previous(node.id):
                self.errors.append(RowError(number, "the same id is on an earlier line; the first is kept", ftm_id))
                return
            node.relations = previous.relations  # MOD changes the party's facts, not its relations
            node.programs, node.listed_on = previous.programs, previous.listed_on
        self.file_ids[ftm_id] = node.id
        self.builder.nodes[node.id] = node
        self._seen.add(node.id)

    def _from_previous(self, node_id: str) -> bool:
        return node_id not in self._seen

    def _delete(self, number: int, ftm_id: str) -> None:
        node_id = self.file_ids.pop(ftm_id, None)
        if node_id is not None:
            del self.builder.nodes[node_id]
            for entity in self.builder.nodes.values():
                kept = [relation for relation in entity.relations if relation.target_id != node_id]
                self.builder.relations -= len(entity.relations) - len(kept)
                entity.relations = kept
            return
        if not self._drop_relations(ftm_id):
            self.errors.append(RowError(number, "DEL of an id the dataset does not hold", ftm_id))

    def _drop_relations(self, ftm_id: str) -> bool:
        dropped = False
        for entity in self.builder.nodes.values():
            kept = [relation for relation in entity.relations if relation.source != ftm_id and not (relation.source or "").startswith(ftm_id + " (")]
            if len(kept) != len(entity.relations):
                self.builder.relations -= len(entity.relations) - len(kept)
                entity.relations, dropped = kept, True
        return dropped

    def finish(self) -> Parsed:
        for number, ftm in self.intervals:
            self._interval(number, ftm)
        for number, ftm in self.sanctions:
            self._sanction(number, ftm)
        warnings = [f"{count} {schema} entit{'y' if count == 1 else 'ies'} ignored (not a party or a relation)" for schema, count in sorted(self.ignored.items())]
        if self.ended:
            warnings.append(f"{self.ended} relation(s) ended before today (endDate) and were left out")
        self.errors.sort(key=lambda error: error.line)
        return Parsed(self.builder.result(warnings), self.errors, self.builder.relations, self.rows)

    def _interval(self, number: int, ftm: dict[str, Any]) -> None:
        ftm_id, schema, props = ftm["id"], ftm["schema"], ftm["properties"]
        subject_prop, object_prop, kind, wording, default = INTERVALS[schema]
        try:
            subjects, objects = _values(props, subject_prop), _values(props, object_prop)
            if not subjects or not objects:
                raise ValueError(f"a {schema} needs both `{subject_prop}` and `{object_prop}`")
            ends = [parse_date(value) for value in _values(props, "endDate")]
            if ends and all(end is not None and end.start and end.start < self.today.isoformat() for end in ends):
                self.ended += 1
                return
            share = None
            if schema == "Ownership":
                shares = _values(props, "percentage")
                share = _share(shares[0]) if shares else None
            starts = _values(props, "startDate") or _values(props, "date")
            as_of = _as_of(starts[0]) if starts else None
            label = (_values(props, wording) or [default])[0]
            sources = _values(props, "sourceUrl") or _values(props, "publisher")
            resolved = []
            for value in [*subjects, *objects]:
                found = self.file_ids.get(value) or self.builder.list_entry(value)
                if found is None:
                    raise ValueError(f"refers to {value!r}, which is neither an entity of this file nor a loaded list entry")
                resolved.append(found)
        except ValueError as exc:
            self.errors.append(RowError(number, str(exc), ftm_id))
            return
        source = f"{ftm_id} ({sources[0]})" if sources else ftm_id
        for subject in resolved[: len(subjects)]:
            for target in resolved[len(subjects) :]:
                if subject != target:
                    self.builder.relate(subject, Relation(type=kind, target_id=target, share=share, as_of=as_of, source=source, note=label))

    def _sanction(self, number: int, ftm: dict[str, Any]) -> None:
        props = ftm["properties"]
        try:
            targets = [self.file_ids.get(value) for value in _values(props, "entity")]
            if not targets or None in targets:
                raise ValueError("a Sanction needs `entity` naming a party of this file")
            for target in targets:
                node = self.builder.nodes[str(target)]
                for program in _values(props, "program"):
                    node.add_unique("programs", program)
                for value in _values(props, "startDate") + _values(props, "listingDate"):
                    node.add_unique("listed_on", (parse_date(value) or PartialDate()).start)
                for value in _values(props, "reason"):
                    node.add_unique("remarks", value)
        except ValueError as exc:
            self.errors.append(RowError(number, str(exc), ftm["id"]))


def parse_ftm_lines(
    data: bytes, dataset: str, known: Known, what: str = "FtM file", today: date | None = None, listed: bool = False, previous: Iterable[Entity] | None = None
) -> Parsed:
    """FollowTheMoney entities, one JSON object a line: parties become nodes (or entries, `listed`), interval
    schemas relations. With `previous` (the dataset's current entities) the file is a delta: ADD, MOD and DEL
    operations applied to them."""
    text = decode_text(data, what, encodings=("utf-8-sig",))
    reader = _FtmReader(dataset, known, listed, today or date.today(), previous or ())
    for number, line in enumerate(text.splitlines(), start=1):
        reader.line(number, line, previous is not None)
    return reader.finish()


def is_delta(data: bytes) -> bool:
    """Does an FtM file hold delta operations? (its first line has an `op`)"""
    for line in data.splitlines():
        if line.strip():
            try:
                first = json.loads(line)
            except ValueError:
                return False
            return isinstance(first, dict) and "op" in first
    return False


def sniff_format(path: Path, data: bytes) -> str:
    """`csv` or `ftm`, from the extension, else from the first character."""
    suffix = path.suffix.lower()
    if suffix in (".csv", ".tsv", ".txt"):
        return "csv"
    if suffix in (".json", ".jsonl", ".ftm", ".ndjson"):
        return "ftm"
    return "ftm" if data.lstrip()[:1] == b"{" else "csv"


def parse_relation_file(path: Path, data: bytes, dataset: str, known: Known, fmt: str | None = None) -> Parsed:
    fmt = fmt or sniff_format(path, data)
    with paused_gc():
        if fmt == "csv":
            return parse_ownership_csv(data, dataset, known, what=str(path))
        if fmt == "ftm":
            return parse_ftm_lines(data, dataset, known, what=str(path))
    raise InputError(f"Unknown relation file format {fmt!r}; use csv or ftm.")
