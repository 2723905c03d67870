"""Relations over HTTP: GET /entities/{id}/adjacent (yente's shape) and GET /entities/{id}/exposure.

Thin wrappers over interdict.relations: the graph is built once per index
generation (relations.context), in the worker pool like other heavy reads.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request

from ..errors import InputError, NotFoundError
from ..relations import rules_for
from ..relations.context import Relations, relations_of
from ..relations.exposure import exposure
from ..relations.ftm import REVERSE_PROPERTIES, edge_to_ftm, reverse_property
from .common import COMMON_ERRORS, JSONBytes, current, service
from .models import ErrorResponse
from .security import require_role
from .state import Generation
from .yente import entity_response

router = APIRouter()
ENTITY_ID = Path(..., max_length=200, description="ID of the entity whose graph context was requested", examples=["us_ofac_sdn-16669"])
LIMIT = Query(10, ge=0, le=500, title="Number of results per property to return")
OFFSET = Query(0, ge=0, le=9499, title="Start at result with given offset")
SORT = Query([], title="Sorting criteria (accepted for yente clients; results are in the graph's order)")


def _node_response(relations: Relations, generation: Generation, node_id: str) -> dict[str, Any]:
    position = generation.screener.position(node_id)
    if position is not None:
        return entity_response(generation.screener.entity_at(position), generation)
    node = relations.graph.nodes[node_id]
    return {"id": node.id, "caption": node.caption, "schema": node.schema, "properties": {"name": [node.caption]}, "datasets": [node.dataset], "referents": []}


def _adjacent(relations: Relations, generation: Generation, node_id: str) -> dict[str, list[dict[str, Any]]]:
    grouped: dict[str, list[dict[str, Any]]] = {}
    for edge in relations.graph.edges_of(node_id):
        other = edge.other(node_id)
        nested = _node_response(relations, generation, other)
        source, target = (node_id, nested) if edge.source == node_id else (nested, node_id)
        grouped.setdefault(reverse_property(edge, node_id), []).append(edge_to_ftm(edge, source, target))
    return grouped


def _page(results: list[dict[str, Any]], limit: int, offset: int) -> dict[str, Any]:
    return {"limit": limit, "offset": offset, "total": {"value": len(results), "relation": "eq"}, "results": results[offset : offset + limit]}


async def _context(request: Request, entity_id: str) -> tuple[Generation, Relations]:
    generation = current(request)
    relations = await service(request).runner.run(lambda deadline: relations_of(generation.screener))
    if entity_id not in relations.graph.nodes:
        raise HTTPException(status_code=404, detail="No such entity!")
    return generation, relations


@router.get(
    "/entities/{entity_id}/adjacent",
    tags=["Data access"],
    summary="Fetch adjacent entities",
    responses={404: {"description": "Entity not found", "model": ErrorResponse}, **COMMON_ERRORS},
    dependencies=[Depends(require_role("screener"))],
)
async def fetch_adjacent(request: Request, entity_id: str = ENTITY_ID, sort: list[str] = SORT, limit: int = LIMIT, offset: int = OFFSET) -> JSONBytes:
    """The entity and its related entities (owners, holdings, directors, family, associates, links), grouped by
    FollowTheMoney property and paginated per property (yente's EntityAdjacentResponse)."""
    generation, relations = await _context(request, entity_id)
    grouped = _adjacent(relations, generation, entity_id)
    return JSONBytes({"entity": _node_response(relations, generation, entity_id), "adjacent": {prop: _page(items, limit, offset) for prop, items in grouped.items()}})


@router.get(
    "/entities/{entity_id}/adjacent/{property_name}",
    tags=["Data access"],
    summary="Fetch adjacent entities by property",
    responses={404: {"description": "Entity or property not found", "model": ErrorResponse}, **COMMON_ERRORS},
    dependencies=[Depends(require_role("screener"))],
)
async def fetch_adjacent_property(
    request: Request,
    entity_id: str = ENTITY_ID,
    property_name: str = Path(..., max_length=100, description="Name of the property to fetch adjacent entities for", examples=["ownershipOwner"]),
    sort: list[str] = SORT,
    limit: int = LIMIT,
    offset: int = OFFSET,
) -> JSONBytes:
    """One property's related entities, paginated (yente's AdjacentResultsResponse)."""
    if property_name not in REVERSE_PROPERTIES:
        raise HTTPException(status_code=404, detail=f"No such property: {property_name[:100]}")
    generation, relations = await _context(request, entity_id)
    return JSONBytes(_page(_adjacent(relations, generation, entity_id).get(property_name, []), limit, offset))


@router.get(
    "/entities/{entity_id}/exposure",
    tags=["Data access"],
    summary="Ownership and control exposure",
    responses={404: {"description": "Entity not found", "model": ErrorResponse}, 400: {"description": "Unknown jurisdiction", "model": ErrorResponse}, **COMMON_ERRORS},
    dependencies=[Depends(require_role("screener"))],
)
async def fetch_exposure(
    request: Request, entity_id: str = ENTITY_ID, jurisdiction: list[str] = Query([], title="us, eu, gb, ca or au (repeatable; default all)")
) -> JSONBytes:
    """What a designated entity owns or controls (directly and through blocked entities), or the designated owners above
    any entity, per jurisdiction, with paths, the rule applied and its legal basis (as `interdict exposure --json`)."""
    try:
        codes = [rule.jurisdiction for rule in rules_for(jurisdiction)]
    except InputError as exc:  # an unknown code
        raise HTTPException(status_code=400, detail=str(exc)) from None
    _, relations = await _context(request, entity_id)
    try:
        return JSONBytes(exposure(relations, entity_id, codes).to_dict())
    except NotFoundError:
        raise HTTPException(status_code=404, detail="No such entity!") from None
