"""yente's best matcher (logic-v2) as a plain function, for benchmarks side by side with interdict.

Only importable for real inside `.venv-anchors` (bench/setup_anchors.sh). The module
itself imports nothing heavy: yente and nomenklatura are loaded on first use, and a
missing install raises AnchorsUnavailable with the fix.

What is called, and why it is the same as a yente /match:
- the algorithm is resolved with yente's own `get_algorithm_by_name("best")`
  (`settings.BEST_ALGORITHM`, "logic-v2" → `nomenklatura.matching.logic_v2.model.LogicV2`);
- the query entity is built with yente's `Entity.from_example(EntityExample(...))`,
  exactly as /match parses a query (fuzzy cleaning, checksum id, country hints);
- candidates become yente `Entity` objects from FtM dicts (as yente does with indexed
  documents; values are cleaned here because ours are not pre-cleaned by an indexer),
  re-identified by a content digest because nomenklatura caches name analysis by id;
- scoring is `LogicV2.compare(query, result, ScoringConfig(weights={}, config={}))`:
  the config /match uses when the request gives no weights or config, i.e. the
  algorithm's defaults.
The match threshold yente applies by default is `yente.settings.SCORE_THRESHOLD`
(`logic_v2_threshold()`; 0.70 in yente 5.5.0).
"""

from __future__ import annotations

import threading
from typing import Any

__all__ = [
    "LOGIC_V2_VERSION",
    "AnchorsUnavailable",
    "explain_pair",
    "logic_v2_rescore",
    "logic_v2_score_pair",
    "logic_v2_threshold",
]


class AnchorsUnavailable(ImportError):
    """yente/nomenklatura are not installed in this interpreter."""


def _versions() -> str:
    from importlib import metadata

    parts = []
    for dist in ("yente", "nomenklatura", "followthemoney", "rigour"):
        try:
            parts.append(f"{dist} {metadata.version(dist)}")
        except metadata.PackageNotFoundError:
            parts.append(f"{dist} (not installed)")
    return "logic-v2 via " + ", ".join(parts)


#: e.g. "logic-v2 via yente 5.5.0, nomenklatura 4.10.0, followthemoney 4.9.2, rigour 2.1.2"
LOGIC_V2_VERSION: str = _versions()

_lock = threading.Lock()
_state: dict[str, Any] = {}


def _load() -> dict[str, Any]:
    if _state:
        return _state
    with _lock:
        if _state:
            return _state
        try:
            from nomenklatura.matching.types import ScoringConfig
            from yente import settings
            from yente.data.common import EntityExample
            from yente.data.entity import Entity
            from yente.routers.util import get_algorithm_by_name
        except ImportError as exc:
            raise AnchorsUnavailable(
                f"yente/nomenklatura are not importable here ({exc}); run bench/setup_anchors.sh and use .venv-anchors/bin/python"
            ) from exc
        algorithm = get_algorithm_by_name("best")
        if algorithm.NAME != "logic-v2":
            raise AnchorsUnavailable(f"yente's best algorithm is {algorithm.NAME!r}, not 'logic-v2' (YENTE_BEST_ALGORITHM set?)")
        _state.update(
            algorithm=algorithm,
            ScoringConfig=ScoringConfig,
            EntityExample=EntityExample,
            Entity=Entity,
            threshold=float(settings.SCORE_THRESHOLD),
        )
    return _state


def unavailable() -> str | None:
    """Why the anchor cannot run in this interpreter (None when it can): one scored pair as a probe."""
    try:
        logic_v2_score_pair("a", "b", "Person")
    except Exception as exc:  # noqa: BLE001 - any failure means the benchmarks leave the anchor out
        return f"{exc.__class__.__name__}: {exc}"
    return None


def logic_v2_threshold() -> float:
    """yente's default /match threshold (`settings.SCORE_THRESHOLD`)."""
    return _load()["threshold"]


def _query_entity(state: dict[str, Any], query: dict) -> Any:
    example = state["EntityExample"].model_validate(
        {"id": query.get("id"), "schema": query.get("schema") or "Thing", "properties": query.get("properties") or {}}
    )
    return state["Entity"].from_example(example)


def _candidate_entity(state: dict[str, Any], data: dict) -> Any:
    # FtM's entity constructor pops keys off the dict it gets: hand it a copy.
    entity = state["Entity"].from_dict(dict(data), cleaned=False)
    # nomenklatura memoises name analysis per entity *id* (lru_cache on the entity, whose
    # hash is its id), so two candidates sharing an id but not their names would get each
    # other's names. Re-id every candidate by a digest of its id, schema and properties
    # (scoring never reads the id); the "r-" prefix keeps it apart from query ids, which
    # yente sets to the bare checksum.
    entity.id = "r-" + entity.checksum
    return entity


def _score(state: dict[str, Any], query: Any, result: Any) -> float:
    # A fresh config per comparison, like one /match request without weights/config.
    config = state["ScoringConfig"](weights={}, config={})
    return float(state["algorithm"].compare(query=query, result=result, config=config).score)


def logic_v2_score_pair(name1: str, name2: str, schema: str) -> float:
    """logic-v2 score of two `schema` entities whose only property is `name` (name1 is the query)."""
    state = _load()
    query = _query_entity(state, {"schema": schema, "properties": {"name": [name1]}})
    result = _candidate_entity(state, {"schema": schema, "properties": {"name": [name2]}})
    return _score(state, query, result)


def logic_v2_rescore(query: dict, candidates: list[dict]) -> list[float]:
    """logic-v2 scores of FtM entity dicts against an FtM-style query, in candidate order.

    query: {"schema": "Person", "properties": {"name": [...], "birthDate": [...], "nationality": [...]}}
    candidates: [{"id": ..., "schema": ..., "properties": {...}}, ...]
    """
    state = _load()
    entity = _query_entity(state, query)
    return [_score(state, entity, _candidate_entity(state, cand)) for cand in candidates]


def explain_pair(name1: str, name2: str, schema: str) -> dict[str, Any]:
    """logic-v2 score and yente's per-feature explanations for one pair (for debugging)."""
    state = _load()
    query = _query_entity(state, {"schema": schema, "properties": {"name": [name1]}})
    result = _candidate_entity(state, {"schema": schema, "properties": {"name": [name2]}})
    res = state["algorithm"].compare(query=query, result=result, config=state["ScoringConfig"](weights={}, config={}))
    return {"score": float(res.score), "features": {k: v.model_dump() for k, v in res.explanations.items()}}
