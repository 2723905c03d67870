"""Request and response models: yente's schemas (same names and fields) plus the native ones.

Requests are validated through these models. Responses are built as plain
dicts and encoded directly (validating large responses model by model would
cost more than the matching); the models document them in the OpenAPI spec,
and the tests check real responses against both this spec and yente's.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class ErrorResponse(BaseModel):
    detail: str = Field(examples=["Detailed error message"])


class StatusResponse(BaseModel):
    status: str = "ok"


class EntityExample(BaseModel):
    """A FollowTheMoney entity sketch to screen (yente's EntityExample)."""

    id: str | None = Field(None, examples=["my-entity-id"])
    schema_: str = Field(alias="schema", examples=["Person"])
    properties: dict[str, str | list[Any]] = Field(examples=[{"name": ["John Doe"]}])

    model_config = ConfigDict(populate_by_name=True)


class EntityMatchQuery(BaseModel):
    """Body of POST /match/{dataset}: up to 100 queries, keyed by the caller."""

    weights: dict[str, float] = Field(default_factory=dict, description="Accepted for yente compatibility; interdict's matcher has no per-feature weights.")
    config: dict[str, str | int | float | bool | None] = Field(
        default_factory=dict, description="Algorithm configuration; yente's logic-v2 keys are accepted (no effect), others are refused."
    )
    queries: dict[str, EntityExample]


class FeatureResult(BaseModel):
    detail: str | None
    score: float
    query: str | None = None
    candidate: str | None = None


class TotalSpec(BaseModel):
    value: int
    relation: str = "eq"


class EntityResponse(BaseModel):
    id: str
    caption: str
    schema_: str = Field(alias="schema")
    properties: dict[str, list[str | EntityResponse]]
    datasets: list[str] = []
    referents: list[str] = []
    target: bool = False
    first_seen: str | None = None
    last_seen: str | None = None
    last_change: str | None = None


class ScoredEntityResponse(EntityResponse):
    score: float = 0.99
    explanations: dict[str, FeatureResult]
    match: bool


class EntityMatches(BaseModel):
    status: int = 200
    results: list[ScoredEntityResponse]
    total: TotalSpec
    query: EntityExample


class EntityMatchResponse(BaseModel):
    responses: dict[str, EntityMatches]
    limit: int


class SearchFacetItem(BaseModel):
    name: str
    label: str
    count: int = 1


class SearchFacet(BaseModel):
    label: str
    values: list[SearchFacetItem]


class SearchResponse(BaseModel):
    limit: int
    offset: int = 0
    total: TotalSpec
    results: list[EntityResponse]
    facets: dict[str, SearchFacet]


class FeatureDoc(BaseModel):
    description: str | None
    coefficient: float
    url: str


class ConfigVar(BaseModel):
    type: Literal["string", "integer", "float", "boolean"] = "float"
    description: str | None = None
    default: str | int | float | bool | None = 0


class AlgorithmDocs(BaseModel):
    name: str
    description: str | None = None
    config: dict[str, ConfigVar]
    features: dict[str, FeatureDoc]


class Algorithm(BaseModel):
    name: str
    description: str | None = None
    features: dict[str, FeatureDoc]
    docs: AlgorithmDocs


class AlgorithmResponse(BaseModel):
    algorithms: list[Algorithm]
    default: str
    best: str


class DataPublisher(BaseModel):
    name: str
    url: str | None = None
    country: str | None = None
    official: bool | None = False
    country_label: str | None


class DataResource(BaseModel):
    name: str
    url: str | None = None
    checksum: str | None = None
    timestamp: str | None = None
    mime_type: str | None = None
    title: str | None = None
    size: int | None = None
    mime_type_label: str | None


class YenteDatasetModel(BaseModel):
    name: str
    title: str
    license: str | None = None
    summary: str | None = None
    url: str | None = None
    updated_at: str | None = None
    last_export: str | None = None
    entity_count: int | None = None
    thing_count: int | None = None
    version: str | None = None
    category: str | None = None
    tags: list[str] = []
    publisher: DataPublisher | None = None
    resources: list[DataResource] = []
    children: list[str] = []
    load: bool | None = None
    index_version: str | None = None
    index_current: bool


class DataCatalogModel(BaseModel):
    datasets: list[YenteDatasetModel]
    current: list[str]
    outdated: list[str]
    index_stale: bool = False


class UpdateResponse(BaseModel):
    status: str = "ok"
    running: bool = False
    started_at: str | None = None
    finished_at: str | None = None
    results: list[dict[str, Any]] = []
    error: str | None = None


# --- native screening ----------------------------------------------------------


class ScreenRequest(BaseModel):
    """One party, with the columns of `interdict screen-file`."""

    id: str | None = Field(None, max_length=200, examples=["row-7"])
    name: str = Field(min_length=1, max_length=500, pattern=r"\S", examples=["Mohammad Baqer Qalibaf"])
    schema_: str | None = Field(None, alias="schema", examples=["Person"])
    birth_date: str | None = Field(None, examples=["1961"])
    nationality: str | None = Field(None, examples=["Iran"])
    country: str | None = None
    id_number: str | None = None

    model_config = ConfigDict(populate_by_name=True)


class ScreenHit(BaseModel):
    entity_id: str
    dataset: str
    source_id: str
    caption: str
    schema_: str = Field(alias="schema")
    score: float
    match: bool
    matched_name: str | None = None
    explanation: str
    kind: str | None = Field(
        None, description="Only on hits that reach through relations to a party not listed itself: owned, relative or associate."
    )
    relation: dict[str, Any] | None = Field(
        None,
        description="The relation the hit reaches through: type, status (blocked, review, related), jurisdiction, summary, "
        "path, rule and legal basis (docs/architecture.md, 'Output contracts').",
    )


class ScreenResult(BaseModel):
    """The batch result line (docs/architecture.md, "Output contracts"): the party's id and its hits, best first."""

    id: str | None
    hits: list[ScreenHit]
    error: str | None = None
    missing_lists: list[str] = Field([], description="Lists the store should hold but does not: a match on them cannot show.")


EntityResponse.model_rebuild()
