"""interdict entities and hits in yente's response shapes (EntityResponse, ScoredEntityResponse).

Field by field, as yente 5.5 returns them: `properties` are FtM properties,
`datasets` the list the entry comes from, `referents` empty (interdict does not
merge entries across lists), `target` true (every entry is a designated party),
timestamps as "YYYY-MM-DDTHH:MM:SS" without a zone.

The timestamps have no crawler history behind them, so they are read from the
lists themselves:
- `first_seen`: the earliest listing date the list states for the entry, else
  the publication (or load) date of the snapshot it came from;
- `last_change`: the latest listing/amendment date the list states, else the
  snapshot's publication (or load) date. `changed_since` filters on this, so an
  entry of a list that states no dates counts as changed when its list was
  last published: a delta screen may see more entries, never fewer;
- `last_seen`: when interdict loaded the snapshot holding the entry.
"""

from __future__ import annotations

import re

from ..match import evidence as ev
from ..match.index import entity_facts
from ..match.query import Query, normalize_identifier
from ..match.screener import Hit
from ..model import Entity, ftm_properties, to_ftm
from ..store import Snapshot
from .state import Generation

_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2}(T\d{2}(:\d{2}(:\d{2})?)?)?)?)?")
_PAD = "0000-01-01T00:00:00"


def timestamp(value: str | None) -> str | None:
    """ISO text of any precision → "YYYY-MM-DDTHH:MM:SS" (what yente returns); None if unreadable."""
    if not value:
        return None
    match = _DATE.match(value.strip())
    if not match:
        return None
    text = match.group(0)
    if len(text) in (4, 7, 10) or len(text) < 19:
        text += _PAD[len(text) :]
    return text[:19]


def entity_times(entity: Entity, snapshot: Snapshot | None) -> tuple[str | None, str | None, str | None]:
    """(first_seen, last_seen, last_change) of an entry; see the module docstring."""
    listed = sorted(stamp for stamp in (timestamp(value) for value in entity.listed_on) if stamp)
    published = timestamp(snapshot.published or snapshot.loaded_at) if snapshot else None
    loaded = timestamp(snapshot.loaded_at) if snapshot else None
    first_seen = listed[0] if listed else published
    last_change = listed[-1] if listed else published
    return first_seen, loaded, last_change


def entity_response(entity: Entity, generation: Generation, nested: bool = False) -> dict:
    """yente's EntityResponse for one entry; `nested` inlines its Sanction as yente does."""
    first_seen, last_seen, last_change = entity_times(entity, generation.snapshots.get(entity.dataset))
    properties: dict[str, list] = dict(ftm_properties(entity))
    if nested:
        sanctions = []
        for item in to_ftm(entity):
            if item["schema"] == "Sanction":
                props = {key: value for key, value in item["properties"].items() if key != "entity"}
                sanctions.append(
                    {
                        "id": item["id"],
                        "caption": ", ".join(props.get("program", [])) or "Sanction",
                        "schema": "Sanction",
                        "properties": props,
                        "datasets": item["datasets"],
                        "referents": [],
                        "target": False,
                        "first_seen": first_seen,
                        "last_seen": last_seen,
                        "last_change": last_change,
                    }
                )
        if sanctions:
            properties["sanctions"] = sanctions
    return {
        "id": entity.id,
        "caption": entity.caption,
        "schema": entity.schema,
        "properties": properties,
        "datasets": [entity.dataset],
        "referents": [],
        "target": True,
        "first_seen": first_seen,
        "last_seen": last_seen,
        "last_change": last_change,
    }


def scored_entity(hit: Hit, query: Query, generation: Generation) -> dict:
    """yente's ScoredEntityResponse for one hit."""
    body = entity_response(hit.entity, generation)
    body["score"] = hit.score
    body["match"] = hit.match
    body["explanations"] = explanations(hit, query, generation)
    return body


def _evidence(hit: Hit, query: Query, generation: Generation) -> tuple[list[ev.Evidence], str | None]:
    """The secondary evidence behind a hit, in the order the engine lists it, and the identifier that decided it."""
    facts = entity_facts(hit.entity)
    found: list[ev.Evidence] = []
    identifier = None
    if "identifier" in hit.features:
        position = generation.ids.get(hit.entity.id)
        for value in query.identifiers:
            kinds = [kind for entity_index, kind in generation.screener.index.identifiers.get(value, ()) if entity_index == position]
            if kinds:
                found.append(ev.Evidence("identifier", 0.0, f"{kinds[0].replace('_', ' ')} {value} = list (decisive)"))
                identifier = value
                break
    for item in (
        ev.birth_evidence(query.birth_dates, facts) if facts.schema in ("Person", "LegalEntity") else None,
        ev.nationality_evidence(query.nationalities, facts),
        ev.country_evidence(query.countries, facts),
    ):
        if item is not None:
            found.append(item)
    return found, identifier


def explanations(hit: Hit, query: Query, generation: Generation) -> dict[str, dict]:
    """`{feature: {detail, score, query, candidate}}` from the engine's own evidence.

    The name feature carries the name explanation; each secondary feature its
    sentence and its contribution to the score (negative when it rules out). If
    the engine's explanation cannot be split by feature (its rules changed), the
    whole explanation is returned under `name`, so nothing is lost.
    """
    from ..match.explain import explain_evidence

    evidence, identifier = _evidence(hit, query, generation)
    expected = {key for key in hit.features if key != "name"}
    suffix = "; " + explain_evidence(evidence) if evidence else ""
    consistent = {item.feature for item in evidence} == expected and hit.explanation.endswith(suffix)
    name_detail = hit.explanation[: len(hit.explanation) - len(suffix)] if consistent and suffix else hit.explanation
    result: dict[str, dict] = {
        "name": {"detail": name_detail, "score": hit.name_score, "query": hit.query_name, "candidate": hit.matched_name},
    }
    if not consistent:
        return result
    for item in evidence:
        if item.feature == "identifier":
            listed = next((ident.value for ident in hit.entity.identifiers if normalize_identifier(ident.value) == identifier), identifier)
            result["identifier"] = {"detail": item.detail, "score": hit.features.get("identifier", ev.IDENTIFIER_SCORE), "query": identifier, "candidate": listed}
        else:
            result[item.feature] = {"detail": item.detail, "score": item.adjustment, "query": None, "candidate": None}
    return result
