"""Reading the lists: GET /search/{dataset}, /entities/{id}, /catalog, /algorithms (yente shapes)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from enum import Enum
from typing import Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request

from ..countries import name_of
from ..errors import InterdictError
from ..match.query import MAX_NAME_CHARS
from ..match.query import Query as ScreenQuery
from ..model import matchable
from ..sources import registry
from .algorithms import algorithms
from .common import (
    CHANGED_SINCE,
    COLLECTIONS,
    COMMON_ERRORS,
    JSONBytes,
    current,
    narrow,
    scope_of,
    screener_datasets,
    service,
    since_value,
)
from .examples import rules
from .models import AlgorithmResponse, DataCatalogModel, EntityResponse, ErrorResponse, SearchResponse
from .security import require_role
from .state import Generation
from .yente import entity_response, entity_times, timestamp

router = APIRouter()

SEARCH_CUTOFF = 0.3  # search lists weaker name matches than screening does
SEARCH_POOL = 1000
Facet = Literal["datasets", "schema", "countries", "identifiers", "topics", "genders"]
SearchSchema = Enum("SearchSchema", {name: name for name in rules().schemas}, type=str)  # type: ignore[misc]
FACET_LABELS = {"datasets": "Data sources", "schema": "Entity types", "countries": "Countries", "identifiers": "Identifiers", "topics": "Topics", "genders": "Genders"}
TOPIC_LABELS = {"sanction": "Sanctioned entity"}
JURISDICTION_LABELS = {"eu": "European Union", "un": "United Nations"}


def _last_changes(generation: Generation) -> list[str]:
    """last_change of every entry, computed once per generation (for changed_since without a query)."""
    cached = generation.derived.get("last_change")
    if cached is None:
        cached = [entity_times(entity, generation.snapshots.get(entity.dataset))[2] or "" for entity in generation.screener.entities()]
        generation.derived["last_change"] = cached
    return cached


def _facet_values(name: str, positions: list[int], generation: Generation) -> list[dict[str, Any]]:
    facts = [generation.screener.facts_at(i) for i in positions]
    counts: Counter[str] = Counter()
    label: Callable[[str], str | None]
    if name == "datasets":
        counts.update(item.dataset for item in facts)
        titles = {source.id: source.title for source in registry().values()}
        label = titles.get
    elif name == "schema":
        counts.update(item.schema.value for item in facts)
        label = str
    elif name == "countries":
        for item in facts:
            counts.update(item.countries | item.nationalities)
        label = name_of
    elif name == "topics":
        counts["sanction"] = len(positions)
        label = TOPIC_LABELS.get
    else:
        return []  # identifiers and genders are not indexed
    return [{"name": value, "label": label(value) or value, "count": count} for value, count in counts.most_common(50)]


@router.get(
    "/search/{dataset}",
    tags=["Matching"],
    summary="Simple entity search",
    response_model=SearchResponse,
    responses={400: {"description": "Invalid query", "model": ErrorResponse}, 404: {"description": "No such dataset", "model": ErrorResponse}, **COMMON_ERRORS},
    dependencies=[Depends(require_role("screener"))],
)
async def search(
    request: Request,
    dataset: str = Path(..., description="A dataset id, or `default` / `sanctions` for all lists.", examples=["default"]),
    q: str = Query("", max_length=MAX_NAME_CHARS, title="A name to search for (any script or spelling); empty lists every entry"),
    schema: SearchSchema = Query("Thing", title="Types of entities that can match the search"),
    include_dataset: list[str] = Query([], title="Restrict the search to these datasets (within the scope)"),
    exclude_dataset: list[str] = Query([], title="Remove these datasets from the search scope"),
    exclude_schema: list[str] = Query([], title="Remove the given types of entities from results"),
    changed_since: str | None = Query(None, pattern=CHANGED_SINCE, title="Only entities that were updated since the given date"),
    countries: list[str] = Query([], title="Filter by country codes"),
    topics: list[str] = Query([], title="Filter by entity topics (every interdict entry has topic `sanction`)"),
    datasets: list[str] = Query([], title="Filter by dataset names"),
    limit: int = Query(10, ge=0, le=500, title="Number of results to return"),
    offset: int = Query(0, ge=0, le=9499, title="Start at result with given offset"),
    facets: list[Facet] = Query(["countries", "topics", "datasets"], title="Facet counts to include in response"),
) -> JSONBytes:
    """Find entries by name through the screening engine (ranked by score), or list them all when `q` is empty."""
    scope = narrow(scope_of(dataset), include_dataset, exclude_dataset)
    if datasets:
        scope &= set(datasets)
    state = service(request)
    generation = current(request)
    screener = generation.screener
    wanted_schema = rules().schemas[schema.value if isinstance(schema, Enum) else str(schema)]  # the default arrives as plain text
    since = since_value(changed_since)
    wanted_countries = {code.lower() for code in countries}

    def work(deadline: float) -> dict:
        if topics and "sanction" not in topics:
            positions: list[int] = []
        elif q.strip():
            try:
                query = ScreenQuery.build(q, schema=wanted_schema)
            except InterdictError as exc:
                raise HTTPException(status_code=400, detail=str(exc)) from None
            hits = screener.screen(query, datasets=screener_datasets(scope, generation), limit=SEARCH_POOL, cutoff=SEARCH_CUTOFF)
            positions = [position for position in (screener.position(hit.entity.id) for hit in hits) if position is not None]
        else:
            positions = [
                i for i in range(screener.size) if screener.facts_at(i).dataset in scope and matchable(wanted_schema, screener.facts_at(i).schema)
            ]
        if exclude_schema:
            positions = [i for i in positions if screener.facts_at(i).schema not in exclude_schema]
        if wanted_countries:
            positions = [i for i in positions if wanted_countries & (screener.facts_at(i).countries | screener.facts_at(i).nationalities)]
        if since:
            changes = _last_changes(generation)
            positions = [i for i in positions if changes[i] > since]
        page = positions[offset : offset + limit]
        return {
            "limit": limit,
            "offset": offset,
            "total": {"value": len(positions), "relation": "eq"},
            "results": [entity_response(screener.entity_at(i), generation) for i in page],
            "facets": {name: {"label": FACET_LABELS[name], "values": _facet_values(name, positions, generation)} for name in dict.fromkeys(facets)},
        }

    return JSONBytes(await state.runner.run(work))


@router.get(
    "/entities/{entity_id}",
    tags=["Data access"],
    summary="Retrieve an entity",
    response_model=EntityResponse,
    responses={404: {"description": "Entity not found", "model": ErrorResponse}, **COMMON_ERRORS},
    dependencies=[Depends(require_role("screener"))],
)
async def fetch_entity(
    request: Request,
    entity_id: str = Path(..., max_length=200, description="ID of the entity to retrieve", examples=["us_ofac_sdn-26945"]),
    nested: bool = Query(True, title="Include the entity's sanctions (FtM Sanction entities) in its properties"),
) -> JSONBytes:
    """One entry of the lists, as FollowTheMoney properties (yente's EntityResponse)."""
    generation = current(request)
    position = generation.screener.position(entity_id)
    if position is None:
        raise HTTPException(status_code=404, detail="No such entity!")
    return JSONBytes(entity_response(generation.screener.entity_at(position), generation, nested=nested))


def _dataset_model(source_id: str, generation: Generation) -> dict:
    source = registry()[source_id]
    snap = generation.snapshots.get(source_id)
    country = source.jurisdiction
    return {
        "name": source.id,
        "title": source.title,
        "license": source.licence,
        "summary": f"{source.title}, published by {source.publisher}.",
        "description": None,
        "url": source.homepage,
        "updated_at": timestamp(snap.published or snap.loaded_at) if snap else None,
        "last_export": timestamp(snap.loaded_at) if snap else None,
        "entity_count": snap.entries if snap else 0,
        "thing_count": snap.entries if snap else 0,
        "version": str(snap.id) if snap else None,
        "category": "sanctions",
        "tags": ["list.sanction"],
        "publisher": {
            "name": source.publisher,
            "url": source.homepage,
            "country": country,
            "official": True,
            "country_label": JURISDICTION_LABELS.get(country) or name_of(country) or country,
        },
        "resources": [
            {
                "name": item.name,
                "url": item.origin,
                "checksum": item.sha256,
                "timestamp": timestamp(snap.loaded_at) if snap else None,
                "mime_type": None,
                "title": item.role,
                "size": item.bytes,
                "mime_type_label": None,
            }
            for item in (snap.files if snap else [])
        ],
        "children": [],
        "load": snap is not None,
        "index_version": generation.key,
        "index_current": snap is not None and source.id in generation.datasets,
    }


@router.get(
    "/catalog",
    tags=["System information"],
    summary="Data catalog",
    response_model=DataCatalogModel,
    responses=COMMON_ERRORS,
    dependencies=[Depends(require_role("screener"))],
)
async def catalog(request: Request) -> JSONBytes:
    """The lists in the index: publication and load dates, entry counts, file provenance (yente's catalog shape)."""
    state = service(request)
    generation = current(request)
    lists = [_dataset_model(source_id, generation) for source_id in registry()]
    loaded = [item["name"] for item in lists if item["load"]]
    total = sum(item["entity_count"] or 0 for item in lists)
    collections = [
        {
            "name": name,
            "title": title,
            "summary": "Every official sanctions list loaded in interdict.",
            "updated_at": max((item["updated_at"] for item in lists if item["updated_at"]), default=None),
            "entity_count": total,
            "thing_count": total,
            "category": "collection",
            "tags": ["list.sanction"],
            "children": loaded,
            "load": True,
            "index_version": generation.key,
            "index_current": True,
        }
        for name, title in COLLECTIONS.items()
    ]
    return JSONBytes(
        {
            "datasets": collections + lists,
            "current": list(COLLECTIONS) + loaded,
            "outdated": [],
            "index_stale": bool(state.stale or state.updating),
        }
    )


@router.get(
    "/algorithms",
    tags=["Matching"],
    summary="Get scoring algorithms",
    response_model=AlgorithmResponse,
    responses=COMMON_ERRORS,
    dependencies=[Depends(require_role("screener"))],
)
async def list_algorithms() -> JSONBytes:
    """The algorithm names /match accepts (yente's included: all run interdict's matcher) and the features it explains."""
    return JSONBytes(algorithms().response())
