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
from typing import Any

from ..match.evidence import Feature
from ..match.query import normalize_identifier
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


def scored_entity(hit: Hit, generation: Generation) -> dict[str, Any]:
    """yente's ScoredEntityResponse for one hit."""
    body = entity_response(hit.entity, generation)
    body["score"] = hit.score
    body["match"] = hit.match
    body["explanations"] = explanations(hit)
    return body


def explanations(hit: Hit) -> dict[str, dict[str, Any]]:
    """`{feature: {detail, score, query, candidate}}`, read from the hit's evidence.

    The name feature carries the name explanation and score; each secondary
    feature its sentence and its contribution to the score (negative when it
    rules out); the identifier the score it set (0 when it did not decide).
    """
    result: dict[str, dict[str, Any]] = {}
    for item in hit.evidence:
        if item.feature == Feature.NAME:
            result["name"] = {"detail": item.detail, "score": item.effect, "query": hit.query_name, "candidate": hit.matched_name}
        elif item.feature == Feature.IDENTIFIER:
            listed = item.list_value
            if item.identifier is not None:
                listed = next((ident.value for ident in hit.entity.identifiers if normalize_identifier(ident.value) == item.identifier.value), listed)
            result["identifier"] = {"detail": item.detail, "score": item.effect, "query": item.query_value, "candidate": listed}
        else:
            result[item.feature.value] = {"detail": item.detail, "score": item.effect, "query": None, "candidate": None}
    return result
