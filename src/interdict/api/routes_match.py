"""POST /match/{dataset}: yente's query-by-example screening, on interdict's engine.

Same request, response and semantics as yente 5.5 (see shared/reference/yente-api.md):
- at most `max_queries` (100) queries per request, else 400;
- `limit` results per query (default 5, at most 500), best first;
- `cutoff` = min(cutoff, threshold); results scoring <= cutoff are dropped;
  `match` = score >= threshold; `total.value` counts the results with match=true,
  and `total.relation` is "gte" when the limit left more matches out ("eq" otherwise);
- include_dataset / exclude_dataset narrow the path's scope; exclude_schema,
  topics, changed_since and exclude_entity_ids filter results;
- `query` echoes each query with its cleaned properties; header x-batch-size.
"""

from __future__ import annotations

from fastapi import APIRouter, Body, Depends, HTTPException, Path, Request
from pydantic import Field

from ..errors import InterdictError
from ..match.screener import Hit
from .algorithms import algorithms
from .common import CHANGED_SINCE, COMMON_ERRORS, JSONBytes, narrow, scope_of, screener_datasets, service, since_value
from .examples import Example, build_example
from .limits import check
from .models import EntityMatchQuery, EntityMatchResponse, ErrorResponse
from .params import QueryModel
from .security import require_role
from .state import Generation, ServiceState
from .yente import entity_times, scored_entity

router = APIRouter(tags=["Matching"])

POST_FILTER_POOL = 100  # results fetched when filters apply after scoring, before `limit`

EXAMPLE_BODY = {
    "queries": {
        "q1": {"schema": "Person", "properties": {"name": ["Ali Khamenei"], "birthDate": ["1939"], "nationality": ["Iran"]}},
        "q2": {"schema": "Person", "properties": {"firstName": ["Ghasem"], "lastName": ["Soleimani"]}},
    }
}


class MatchParams:
    """The query parameters of one /match call, resolved."""

    def __init__(
        self,
        scope: list[str] | None,
        limit: int,
        threshold: float,
        cutoff: float,
        exclude_schema: set[str],
        sanctions_topic: bool,
        since: str | None,
        exclude_ids: set[str],
    ):
        self.scope = scope
        self.limit = limit
        self.threshold = threshold
        self.cutoff = cutoff
        self.exclude_schema = exclude_schema
        self.sanctions_topic = sanctions_topic
        self.since = since
        self.exclude_ids = exclude_ids


def match_one(example: Example, params: MatchParams, generation: Generation) -> dict:
    """One query's EntityMatches (yente's shape)."""
    hits: list[Hit] = []
    total, more = 0, False
    if params.sanctions_topic and params.limit > 0 and (params.scope is None or params.scope):
        post_filters = bool(params.exclude_schema or params.since or not example.named)
        screening = generation.screener.screening(
            example.query,
            datasets=params.scope,
            limit=max(params.limit, POST_FILTER_POOL) if post_filters else params.limit,
            threshold=params.threshold,
            cutoff=params.cutoff,
            exclude_entities=params.exclude_ids,
        )
        hits = [hit for hit in screening.hits if hit.score > params.cutoff]
        if not example.named:
            hits = [hit for hit in hits if hit.identifier is not None]
        if params.exclude_schema:
            hits = [hit for hit in hits if hit.entity.schema not in params.exclude_schema]
        if params.since:
            hits = [hit for hit in hits if (_last_change(hit, generation) or "") > params.since]
        # yente's `total` counts the matches returned; when the limit left matches out,
        # its relation says "gte" (more exist), so nothing is hidden silently.
        found = sum(1 for hit in hits if hit.match) if post_filters else screening.matches
        hits = hits[: params.limit]
        total = sum(1 for hit in hits if hit.match)
        more = found > total
    results = [scored_entity(hit, generation) for hit in hits]
    if not example.named:  # the name slot held identifiers: no name evidence to show
        for result in results:
            result["explanations"].pop("name", None)
    return {
        "status": 200,
        "results": results,
        "total": {"value": total, "relation": "gte" if more else "eq"},
        "query": example.echo,
    }


def _last_change(hit: Hit, generation: Generation) -> str | None:
    return entity_times(hit.entity, generation.snapshots.get(hit.entity.dataset))[2]


class MatchQuery(QueryModel):
    """The query parameters of POST /match/{dataset}, as yente 5.5 defines them."""

    limit: int = Field(5, ge=0, le=500, title="Number of results to return")
    threshold: float = Field(0.7, ge=0.0, le=1.0, title="Score threshold for results to be considered matches")
    cutoff: float = Field(0.7, ge=0.0, le=1.0, json_schema_extra={"deprecated": True}, title="Deprecated, use `threshold` instead. Lower bound of score for results to be returned at all")
    algorithm: str = Field("best", max_length=100, title="Scoring algorithm; every yente name (best, logic-v2, name-based, ...) runs interdict's matcher")
    include_dataset: list[str] = Field([], title="Only include the given datasets in results")
    exclude_schema: list[str] = Field([], title="Remove the given types of entities from results")
    exclude_dataset: list[str] = Field([], title="Remove the given datasets from results")
    topics: list[str] = Field([], title="Only return results that match any of the given topics (every interdict entry has topic `sanction`)")
    changed_since: str | None = Field(None, pattern=CHANGED_SINCE, title="Match against entities that were updated since the given date")
    exclude_entity_ids: list[str] = Field([], max_length=50, title="A list of entity IDs to exclude from matching")


@router.post(
    "/match/{dataset}",
    summary="Query by example",
    response_model=EntityMatchResponse,
    responses={400: {"description": "Invalid query", "model": ErrorResponse}, 404: {"description": "No such dataset", "model": ErrorResponse}, **COMMON_ERRORS},
    dependencies=[Depends(require_role("screener"))],
    openapi_extra={"parameters": MatchQuery.openapi_parameters()},
)
async def match(
    request: Request,
    body: EntityMatchQuery = Body(..., examples=[EXAMPLE_BODY]),
    dataset: str = Path(..., description="A dataset id (e.g. us_ofac_sdn), or `default` / `sanctions` for all lists.", examples=["default"]),
) -> JSONBytes:
    """Screen up to 100 parties (FollowTheMoney example entities) in one call; yente-compatible.

    Each result carries `score`, `match` (score >= threshold) and `explanations`
    per feature. Results scoring at or below min(cutoff, threshold) are dropped.
    """
    return await answer(service(request), dataset, MatchQuery.parse(request), body)


async def answer(state: ServiceState, dataset: str, query: MatchQuery, body: EntityMatchQuery) -> JSONBytes:
    """POST /match/{dataset} once its inputs are parsed and its caller allowed.

    The route answers through it, and so does the fast path (match_fast_path.py)
    for the requests it can take: one function, so the two cannot drift apart.
    Raises HTTPException for the 4xx and 503 answers.
    """
    scope = scope_of(dataset)
    algos = algorithms()
    try:
        algos.resolve(query.algorithm)
        algos.check_config(body.config)
    except InterdictError as exc:
        raise HTTPException(status_code=400, detail=str(exc)) from None
    if not body.queries:
        raise HTTPException(status_code=400, detail="No queries provided.")
    if len(body.queries) > state.settings.max_queries:
        raise HTTPException(
            status_code=400,
            detail=f"Too many queries in one request: {len(body.queries)}; at most {state.settings.max_queries}. Split them over several requests.",
        )
    examples = []
    for key, example in body.queries.items():
        try:
            examples.append(
                build_example(
                    key,
                    {"id": example.id, "schema": example.schema_, "properties": example.properties},
                    max_values=state.settings.max_values,
                    max_chars=state.settings.max_value_chars,
                )
            )
        except InterdictError as exc:
            raise HTTPException(status_code=400, detail=str(exc)) from None
    generation = state.current()
    params = MatchParams(
        scope=screener_datasets(narrow(scope, query.include_dataset, query.exclude_dataset), generation),
        limit=query.limit,
        threshold=query.threshold,
        cutoff=min(query.cutoff, query.threshold),
        exclude_schema=set(query.exclude_schema),
        sanctions_topic=not query.topics or "sanction" in query.topics,
        since=since_value(query.changed_since),
        exclude_ids=set(query.exclude_entity_ids),
    )

    def work(deadline: float) -> dict:
        responses = {}
        for example in examples:
            check(deadline)
            responses[example.key] = match_one(example, params, generation)
        return responses

    name_chars = sum(len(name) for example in examples for name in example.query.names)
    responses = await state.runner.run(work, queries=len(examples), name_chars=name_chars)
    return JSONBytes({"responses": responses, "limit": query.limit}, headers={"x-batch-size": str(len(examples))})
