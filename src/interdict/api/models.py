"""Request and response models: yente's schemas (same names and fields) plus the native ones.

Requests are validated through these models. Responses are built as plain
dicts and encoded directly (validating large responses model by model would
cost more than the matching); the models document them in the OpenAPI spec,
and the tests check real responses against both this spec and yente's.
"""

from __future__ import annotations

from typing import Any, Literal, Optional, Union

from pydantic import BaseModel, ConfigDict, Field


class ErrorResponse(BaseModel):
    detail: str = Field(examples=["Detailed error message"])


class StatusResponse(BaseModel):
    status: str = "ok"


class EntityExample(BaseModel):
    """A FollowTheMoney entity sketch to screen (yente's EntityExample)."""

    id: Optional[str] = Field(None, examples=["my-entity-id"])
    schema_: str = Field(alias="schema", examples=["Person"])
    properties: dict[str, Union[str, list[Any]]] = Field(examples=[{"name": ["John Doe"]}])

    model_config = ConfigDict(populate_by_name=True)


class EntityMatchQuery(BaseModel):
    """Body of POST /match/{dataset}: up to 100 queries, keyed by the caller."""

    weights: dict[str, float] = Field(default_factory=dict, description="Accepted for yente compatibility; interdict's matcher has no per-feature weights.")
    config: dict[str, Union[str, int, float, bool, None]] = Field(
        default_factory=dict, description="Algorithm configuration; yente's logic-v2 keys are accepted (no effect), others are refused."
    )
    queries: dict[str, EntityExample]


class FeatureResult(BaseModel):
    detail: Optional[str]
    score: float
    query: Optional[str] = None
    candidate: Optional[str] = None


class TotalSpec(BaseModel):
    value: int
    relation: str = "eq"


class EntityResponse(BaseModel):
    id: str
    caption: str
    schema_: str = Field(alias="schema")
    properties: dict[str, list[Union[str, "EntityResponse"]]]
    datasets: list[str] = []
    referents: list[str] = []
    target: bool = False
    first_seen: Optional[str] = None
    last_seen: Optional[str] = None
    last_change: Optional[str] = None


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
    description: Optional[str]
    coefficient: float
    url: str


class ConfigVar(BaseModel):
    type: Literal["string", "integer", "float", "boolean"] = "float"
    description: Optional[str] = None
    default: Union[str, int, float, bool, None] = 0


class AlgorithmDocs(BaseModel):
    name: str
    description: Optional[str] = None
    config: dict[str, ConfigVar]
    features: dict[str, FeatureDoc]


class Algorithm(BaseModel):
    name: str
    description: Optional[str] = None
    features: dict[str, FeatureDoc]
    docs: AlgorithmDocs


class AlgorithmResponse(BaseModel):
    algorithms: list[Algorithm]
    default: str
    best: str


class DataPublisher(BaseModel):
    name: str
    url: Optional[str] = None
    country: Optional[str] = None
    official: Optional[bool] = False
    country_label: Optional[str]


class DataResource(BaseModel):
    name: str
    url: Optional[str] = None
    checksum: Optional[str] = None
    timestamp: Optional[str] = None
    mime_type: Optional[str] = None
    title: Optional[str] = None
    size: Optional[int] = None
    mime_type_label: Optional[str]


class YenteDatasetModel(BaseModel):
    name: str
    title: str
    license: Optional[str] = None
    summary: Optional[str] = None
    url: Optional[str] = None
    updated_at: Optional[str] = None
    last_export: Optional[str] = None
    entity_count: Optional[int] = None
    thing_count: Optional[int] = None
    version: Optional[str] = None
    category: Optional[str] = None
    tags: list[str] = []
    publisher: Optional[DataPublisher] = None
    resources: list[DataResource] = []
    children: list[str] = []
    load: Optional[bool] = None
    index_version: Optional[str] = None
    index_current: bool


class DataCatalogModel(BaseModel):
    datasets: list[YenteDatasetModel]
    current: list[str]
    outdated: list[str]
    index_stale: bool = False


class UpdateResponse(BaseModel):
    status: str = "ok"
    running: bool = False
    started_at: Optional[str] = None
    finished_at: Optional[str] = None
    results: list[dict[str, Any]] = []
    error: Optional[str] = None


# --- native screening ----------------------------------------------------------


class ScreenRequest(BaseModel):
    """One party, with the columns of `interdict screen-file`."""

    id: Optional[str] = Field(None, max_length=200, examples=["row-7"])
    name: str = Field(min_length=1, max_length=500, pattern=r"\S", examples=["Mohammad Baqer Qalibaf"])
    schema_: Optional[str] = Field(None, alias="schema", examples=["Person"])
    birth_date: Optional[str] = Field(None, examples=["1961"])
    nationality: Optional[str] = Field(None, examples=["Iran"])
    country: Optional[str] = None
    id_number: Optional[str] = None

    model_config = ConfigDict(populate_by_name=True)


class ScreenHit(BaseModel):
    entity_id: str
    dataset: str
    source_id: str
    caption: str
    schema_: str = Field(alias="schema")
    score: float
    match: bool
    matched_name: Optional[str] = None
    explanation: str


class ScreenResult(BaseModel):
    """DESIGN.md's result line: the party's id and its hits, best first."""

    id: Optional[str]
    hits: list[ScreenHit]
    error: Optional[str] = None


EntityResponse.model_rebuild()
