"""The gap report: one row per resolved subject listed by some jurisdictions and not by others.

A row says who the subject is (its names), who lists it (each list entry with
its programmes, the shared topics they map to, and its listing dates), who does
not, how sure we are, and why: the links that hold the cluster together and
the doubts about the absence (an ambiguous link to an entry of a list that is
supposed not to list it, or a near miss there).

Confidence of a row:
    high    the lists' entries are linked by references, identifiers or names
            with confirming birth dates, and nothing on the "not listed" side
            resembles the subject;
    medium  a cluster link rests on a distinctive name alone, or an entry of a
            "not listed" list has a similar (below-threshold) name;
    low     an entry of a "not listed" list was an ambiguous match: the subject
            may well be listed there.

The headline (the rows counted, the matrix) holds subjects of medium or high
confidence by default; the others are listed apart as "to check", each naming
the entry that may cover it. Two rows never share a subject silently: rows with
the same name say why they are different subjects (`namesakes`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..model import SCHEMA_FAMILY, Entity, Schema, SchemaFamily
from .programmes import NOT_STATED, UNMAPPED, Vocabulary, listing_topics, vocabulary
from .candidates import name_keys
from .resolution import Link, LinkStatus, NearMiss, Resolution
from .scope import jurisdiction_of

MAX_NAMES = 12
NEAR_DOUBT = 0.6  # a near miss this close on a "not listed" list lowers confidence
SCHEMA_ORDER = (Schema.PERSON, Schema.VESSEL, Schema.AIRPLANE, Schema.COMPANY, Schema.ORGANIZATION, Schema.LEGAL_ENTITY)  # a cluster's schema: the most specific
CONFIDENCE_RANK = {"low": 0, "medium": 1, "high": 2}
DEFAULT_CONFIDENCE = "medium"  # the headline counts subjects at or above it; the rest are "to check"


@dataclass
class Listing:
    jurisdiction: str
    dataset: str
    source_id: str
    entity_id: str
    name: str
    sublist: str
    programmes: list[str]
    topics: list[str]
    unmapped: list[str]
    listed_on: list[str]

    def to_dict(self) -> dict:
        return dict(self.__dict__)

    def describe(self) -> str:
        programmes = ", ".join(self.programmes) if self.programmes else "no programme stated"
        dates = f", listed {', '.join(self.listed_on)}" if self.listed_on else ""
        sub = f" ({self.sublist})" if self.sublist else ""
        return f"{self.dataset}{sub} {self.source_id} [{programmes}]{dates}"


@dataclass
class GapRow:
    cluster_id: str
    schema: Schema
    name: str
    names: list[str]
    listed_by: list[str]
    not_listed_by: list[str]
    topics: list[str]  # shared topics of the listings by the --listed-by jurisdictions
    listings: list[Listing]
    confidence: str
    confidence_reason: str
    cluster_confidence: str
    evidence: list[dict]
    doubts: list[dict]
    caveats: list[str] = field(default_factory=list)  # what the absence rests on, when it is less than it seems
    namesakes: list[dict] = field(default_factory=list)  # other rows of the same name, and why they are other subjects
    may_be: str = ""  # a row to check: the entry of a "not listed" list that may cover it

    def to_dict(self) -> dict:
        data = dict(self.__dict__)
        data["listings"] = [listing.to_dict() for listing in self.listings]
        return data


@dataclass
class GapQuery:
    listed_by: list[str]
    not_listed_by: list[str]
    programme: str | None = None
    schema: Schema | None = None
    require_all: bool = False
    min_confidence: str = DEFAULT_CONFIDENCE  # rows below it are listed apart, "to check", and not counted

    def describe(self) -> str:
        joiner = " and " if self.require_all else " or "
        text = f"listed by {joiner.join(self.listed_by)} but not by {' or '.join(self.not_listed_by)}"
        if self.programme:
            text += f", programme {self.programme}"
        if self.schema:
            text += f", {self.schema} only"
        if self.min_confidence != "low":
            text += f", {self.min_confidence} confidence" + (" or more" if self.min_confidence == "medium" else "")
        else:
            text += ", every confidence"
        return text


@dataclass
class GapReport:
    query: GapQuery
    rows: list[GapRow]
    notes: list[str]
    datasets: dict[str, list[str]]  # jurisdiction -> loaded datasets
    resolution: dict
    vocabulary: dict[str, str] = field(default_factory=dict)
    to_check: list[GapRow] = field(default_factory=list)  # rows below the query's confidence: not counted, each names what may cover it
    lists: dict[str, dict] = field(default_factory=dict)  # dataset -> publication date, where the date came from, what the file holds
    derived: dict | None = None  # blocked through ownership or control in a --listed-by jurisdiction, not in a --not-listed-by one (derived.py)


def cluster_schema(entities: list[Entity]) -> Schema:
    schemas = {entity.schema for entity in entities}
    return next((schema for schema in SCHEMA_ORDER if schema in schemas), entities[0].schema)


def schema_matches(wanted: Schema, schema: Schema) -> bool:
    """The report's --schema filter: the schema itself, or its family (Organization and Company), never untyped entries."""
    family = SCHEMA_FAMILY[wanted]
    return schema == wanted or (family != SchemaFamily.UNKNOWN and SCHEMA_FAMILY[schema] == family)


def _names(entities: list[Entity]) -> list[str]:
    names: list[str] = []
    for entity in entities:
        if entity.caption not in names:
            names.append(entity.caption)
    for entity in entities:
        for name in entity.names:
            if name.full not in names and name.kind != "weak":
                names.append(name.full)
    return names


def _listing(entity: Entity, vocab: Vocabulary) -> Listing:
    jurisdiction = jurisdiction_of(entity.dataset)
    mapped = listing_topics(jurisdiction, entity.programs, vocab)
    return Listing(
        jurisdiction=jurisdiction,
        dataset=entity.dataset,
        source_id=entity.source_id,
        entity_id=entity.id,
        name=entity.caption,
        sublist=(entity.extra.get("sourceList") or [""])[0],
        programmes=list(entity.programs),
        topics=list(mapped.topics),
        unmapped=list(mapped.unmapped),
        listed_on=sorted(entity.listed_on),
    )


def _link_dict(link: Link, entities: dict[str, Entity]) -> dict:
    return {
        "a": link.a,
        "a_name": entities[link.a].caption if link.a in entities else link.a,
        "b": link.b,
        "b_name": entities[link.b].caption if link.b in entities else link.b,
        "kind": link.kind,
        "status": link.status,
        "tier": link.tier,
        "name_similarity": link.score,
        "evidence": list(link.evidence),
        "reason": link.reason,
    }


class _Context:
    """Look-ups over one resolution, built once per report."""

    def __init__(self, resolution: Resolution, entities: dict[str, Entity]):
        self.entities = entities
        self.cluster_of = resolution.cluster_of()
        self.links_of = resolution.links_of()
        self.near_of: dict[str, list[NearMiss]] = {}
        for near in resolution.near:
            self.near_of.setdefault(near.a, []).append(near)
        self.jurisdictions_of: dict[str, set[str]] = {
            cluster.id: {jurisdiction_of(entities[m].dataset) for m in cluster.members if m in entities} for cluster in resolution.clusters
        }


def build_rows(
    resolution: Resolution, entities: dict[str, Entity], query: GapQuery, loaded: list[str]
) -> tuple[list[GapRow], list[GapRow], dict[str, int]]:
    """The report's rows, the rows to check (below the query's confidence), and counts of clusters left out."""
    vocab = vocabulary()
    context = _Context(resolution, entities)
    name_only = _name_only_lists(entities, query, loaded)
    to_check: list[GapRow] = []
    wanted, excluded = set(query.listed_by), set(query.not_listed_by)
    skipped = {"no_programme_information": 0}
    rows: list[GapRow] = []
    for cluster in resolution.clusters:
        members = [entities[m] for m in cluster.members if m in entities]
        if not members:
            continue
        listed = context.jurisdictions_of[cluster.id]
        if listed & excluded or not (wanted <= listed if query.require_all else wanted & listed):
            continue
        schema = cluster_schema(members)
        if query.schema and not schema_matches(query.schema, schema):
            continue
        listings = [_listing(entity, vocab) for entity in members]
        topics = sorted({topic for listing in listings if listing.jurisdiction in wanted for topic in listing.topics})
        if query.programme and query.programme not in topics:
            if topics == [NOT_STATED]:
                skipped["no_programme_information"] += 1
            continue
        row = _row(cluster.id, cluster.confidence, members, listings, listed, topics, query, loaded, context)
        row.caveats = [note for dataset, note in name_only.items() if jurisdiction_of(dataset) in row.not_listed_by]
        if CONFIDENCE_RANK[row.confidence] < CONFIDENCE_RANK[query.min_confidence]:
            skipped["below_confidence"] = skipped.get("below_confidence", 0) + 1
            row.may_be = _may_be(row)
            to_check.append(row)
            continue
        rows.append(row)
    rows.sort(key=lambda row: (row.name.casefold(), row.cluster_id))
    to_check.sort(key=lambda row: (row.name.casefold(), row.cluster_id))
    _namesakes(rows + to_check, resolution, entities)
    return rows, to_check, skipped


def _name_only_lists(entities: dict[str, Entity], query: GapQuery, loaded: list[str]) -> dict[str, str]:
    """The "not listed" lists that hold names and nothing else to tell people apart (birth dates, identifiers, references).

    Against such a list, "not listed" means "no entry with a matching name":
    a row says so, so a reader knows what the absence rests on.
    """
    excluded = {dataset for dataset in loaded if jurisdiction_of(dataset) in query.not_listed_by}
    facts: dict[str, bool] = {dataset: False for dataset in excluded}
    for entity in entities.values():
        if entity.dataset in excluded and not facts[entity.dataset]:
            facts[entity.dataset] = bool(entity.birth_dates or entity.identifiers or entity.extra.get("unReference"))
    return {
        dataset: f"{dataset}'s side rests on names only: the loaded snapshot carries no birth dates, identifiers or references to compare"
        for dataset, has_facts in sorted(facts.items())
        if not has_facts
    }


def _may_be(row: GapRow) -> str:
    """The entry of a "not listed" list that may cover a row to check (the first doubt), as a sentence."""
    for doubt in row.doubts:
        if doubt.get("direct"):
            return f"{doubt['other_name']} ({doubt['other']})"
    if row.doubts:
        first = row.doubts[0]
        return f"{first['other_name']} ({first['other']}), linked to an entry of {', '.join(first['other_listed_by'])}"
    return ""


def _namesakes(rows: list[GapRow], resolution: Resolution, entities: dict[str, Entity]) -> None:
    """Rows of identical names say why they are different subjects (the resolver's reason, or the facts that differ)."""
    by_name: dict[tuple[str, ...], list[GapRow]] = {}
    for row in rows:
        keys = name_keys(row.name, row.schema)
        key = min(keys) if keys else (row.name.casefold(),)
        by_name.setdefault(key, []).append(row)
    clusters = {cluster.id: cluster for cluster in resolution.clusters}
    links = resolution.links_of()
    for group in by_name.values():
        for row in group:
            row.namesakes = [
                {"cluster_id": other.cluster_id, "name": other.name, "why": _why_apart(clusters[row.cluster_id].members, clusters[other.cluster_id].members, links, entities)}
                for other in group
                if other is not row
            ]


def _why_apart(left: list[str], right: list[str], links: dict[str, list[Link]], entities: dict[str, Entity]) -> str:
    others = set(right)
    for member in left:
        for link in links.get(member, []):
            if {link.a, link.b} & others and link.status == LinkStatus.AMBIGUOUS:
                return f"not joined: {link.reason}"
    years = [{year for m in members for date in entities[m].birth_dates if (span := date.years()) for year in span} for members in (left, right)]
    if all(years) and not years[0] & years[1]:
        return f"different birth years ({', '.join(map(str, sorted(years[0])))} / {', '.join(map(str, sorted(years[1])))})"
    lists = {entities[m].dataset: m for m in left}
    for member in right:
        twin = lists.get(entities[member].dataset)
        if twin is not None:
            return f"{entities[member].dataset} lists them separately ({entities[twin].source_id} and {entities[member].source_id})"
    return "no list links them: the same name, and nothing else (birth date, identifier, nationality) that ties them"


def _row(
    cluster_id: str,
    cluster_confidence: str,
    members: list[Entity],
    listings: list[Listing],
    listed: set[str],
    topics: list[str],
    query: GapQuery,
    loaded: list[str],
    context: _Context,
) -> GapRow:
    member_ids = {entity.id for entity in members}
    evidence: dict[tuple[str, str], dict] = {}
    doubts: list[dict] = []
    excluded = set(query.not_listed_by)
    for entity in members:
        for link in context.links_of.get(entity.id, []):
            other = link.b if link.a == entity.id else link.a
            if other in member_ids:
                if link.status == LinkStatus.CONFIRMED:
                    evidence[(link.a, link.b)] = _link_dict(link, context.entities)
                continue
            other_cluster = context.cluster_of.get(other)
            other_listed = context.jurisdictions_of.get(other_cluster.id, set()) if other_cluster else set()
            if link.status == LinkStatus.AMBIGUOUS and other_listed & excluded:
                other_entity = context.entities[other]
                doubt = _link_dict(link, context.entities) | {
                    "kind": "ambiguous link",
                    "a": entity.id,
                    "a_name": entity.caption,
                    "b": other,
                    "b_name": other_entity.caption,
                    "other": other,
                    "other_name": other_entity.caption,
                }
                doubt["other_cluster"] = other_cluster.id if other_cluster else ""
                doubt["other_listed_by"] = sorted(other_listed & excluded)
                doubt["direct"] = jurisdiction_of(other_entity.dataset) in excluded  # the other entry itself is on such a list
                doubts.append(doubt)
        for near in context.near_of.get(entity.id, []):
            near_entity = context.entities.get(near.b)
            if near_entity is not None and jurisdiction_of(near_entity.dataset) in excluded:
                doubts.append(
                    {
                        "kind": "near miss",
                        "a": near.a,
                        "a_name": entity.caption,
                        "b": near.b,
                        "b_name": near_entity.caption,
                        "other": near.b,
                        "other_name": near_entity.caption,
                        "score": near.score,
                        "evidence": [near.explanation],
                        "other_listed_by": [jurisdiction_of(near_entity.dataset)],
                        "direct": True,
                    }
                )
    doubts.sort(
        key=lambda doubt: (doubt["kind"] != "ambiguous link", not doubt["direct"], -(doubt.get("score") or doubt.get("name_similarity") or 0), doubt["a"], doubt["b"])
    )
    seen: set[tuple[str, str]] = set()
    doubts = [doubt for doubt in doubts if (doubt["kind"], doubt["other"]) not in seen and not seen.add((doubt["kind"], doubt["other"]))]  # type: ignore[func-returns-value]
    confidence, reason = _confidence(cluster_confidence, doubts)
    ordered = sorted(listings, key=lambda listing: (listing.jurisdiction, listing.dataset, listing.source_id))
    names = _names(sorted(members, key=lambda entity: (jurisdiction_of(entity.dataset) not in query.listed_by, entity.id)))
    return GapRow(
        cluster_id=cluster_id,
        schema=cluster_schema(members),
        name=names[0],
        names=names[:MAX_NAMES],
        listed_by=sorted(listed),
        not_listed_by=sorted({jurisdiction_of(dataset) for dataset in loaded} - listed),
        topics=topics,
        listings=ordered,
        confidence=confidence,
        confidence_reason=reason,
        cluster_confidence=cluster_confidence,
        evidence=[evidence[key] for key in sorted(evidence)],
        doubts=doubts,
    )


def _confidence(cluster_confidence: str, doubts: list[dict]) -> tuple[str, str]:
    ambiguous = [doubt for doubt in doubts if doubt["kind"] == "ambiguous link"]
    if ambiguous:
        first = ambiguous[0]
        where = ", ".join(first["other_listed_by"])
        if first["direct"]:
            return "low", f"possibly listed by {where}: ambiguous match with {first['other_name']!r} ({first['other']}): {first['reason']}"
        return "low", (
            f"possibly listed by {where}: ambiguous link to {first['other_name']!r} ({first['other']}), "
            f"whose subject {where} lists: {first['reason']}"
        )
    close = [doubt for doubt in doubts if doubt["kind"] == "near miss" and doubt["score"] >= NEAR_DOUBT]
    if close:
        first = close[0]
        return "medium", f"similar name on {', '.join(first['other_listed_by'])}: {first['other_name']!r} (score {first['score']:.2f}, below the match threshold)"
    if cluster_confidence == "probable":
        return "medium", "the entries were linked on a distinctive name alone (no identifier or birth date confirms it)"
    if cluster_confidence == "single":
        return "high", "one entry; no entry of the other lists matches it"
    return "high", f"entries linked with {cluster_confidence} evidence; no entry of the other lists matches it"


def topic_label(topic: str) -> str:
    return vocabulary().label(topic)


__all__ = ["DEFAULT_CONFIDENCE", "NOT_STATED", "UNMAPPED", "GapQuery", "GapReport", "GapRow", "Listing", "build_rows", "cluster_schema", "topic_label"]
