"""GET /search, /entities, /catalog, /algorithms, /healthz, /readyz: yente's shapes on the real server."""

from __future__ import annotations

from interdict.sources import registry
from tests.conftest import BUNDLED_COUNTS

from .conftest import Api, schema_errors


def test_search_by_name(api: Api, yente_spec: dict) -> None:
    with api.client() as client:
        response = client.get("/search/default", params={"q": "Mohammad Baqer Qalibaf", "limit": 5})
    assert response.status_code == 200
    body = response.json()
    assert not schema_errors(body, yente_spec, "SearchResponse")
    assert body["limit"] == 5 and body["offset"] == 0
    assert body["total"]["value"] >= 1 and "ghalibaf" in body["results"][0]["caption"].lower()
    assert set(body["facets"]) == {"countries", "topics", "datasets"}
    assert body["facets"]["topics"]["values"] == [{"name": "sanction", "label": "Sanctioned entity", "count": body["total"]["value"]}]


def test_search_without_a_query_pages_through_everything(api: Api, seeded) -> None:  # type: ignore[no-untyped-def]
    with api.client() as client:
        first = client.get("/search/default", params={"limit": 3}).json()
        second = client.get("/search/default", params={"limit": 3, "offset": 3}).json()
        one_list = client.get("/search/un_sc_sanctions", params={"limit": 1, "facets": ["datasets", "schema"]}).json()
        missing = client.get("/search/nowhere")
        bad_schema = client.get("/search/default", params={"schema": "Spaceship"})
    assert first["total"]["value"] == seeded.screener.index.size
    assert len(first["results"]) == 3 and {r["id"] for r in first["results"]}.isdisjoint({r["id"] for r in second["results"]})
    assert one_list["total"]["value"] == BUNDLED_COUNTS["un_sc_sanctions"]
    assert one_list["facets"]["datasets"]["values"] == [{"name": "un_sc_sanctions", "label": registry()["un_sc_sanctions"].title, "count": BUNDLED_COUNTS["un_sc_sanctions"]}]
    assert missing.status_code == 404 and missing.json() == {"detail": "No such dataset."}
    assert bad_schema.status_code == 422 and "Thing" in bad_schema.json()["detail"][0]["msg"]


def test_search_filters(api: Api) -> None:
    with api.client() as client:
        vessels = client.get("/search/default", params={"schema": "Vessel", "limit": 500}).json()
        iran = client.get("/search/default", params={"countries": "ir", "limit": 5}).json()
        none = client.get("/search/default", params={"changed_since": "2100-01-01"}).json()
        pep = client.get("/search/default", params={"topics": "role.pep"}).json()
    assert vessels["total"]["value"] > 100 and {r["schema"] for r in vessels["results"]} == {"Vessel"}
    assert iran["total"]["value"] > 100 and iran["facets"]["countries"]["values"][0]["name"] == "ir"
    assert none["total"]["value"] == 0 and pep["total"]["value"] == 0


def test_entity(api: Api, yente_spec: dict) -> None:
    with api.client() as client:
        nested = client.get("/entities/us_ofac_sdn-10481")
        flat = client.get("/entities/us_ofac_sdn-10481", params={"nested": "false"})
        missing = client.get("/entities/no-such-id")
    assert nested.status_code == 200
    body = nested.json()
    assert not schema_errors(body, yente_spec, "EntityResponse")
    assert body["id"] == "us_ofac_sdn-10481" and body["schema"] == "Person" and body["datasets"] == ["us_ofac_sdn"]
    assert "SOLEIMANI" in body["properties"]["lastName"]
    sanction = body["properties"]["sanctions"][0]
    assert sanction["schema"] == "Sanction" and sanction["properties"]["authorityId"] == ["10481"]
    assert "sanctions" not in flat.json()["properties"]
    assert missing.status_code == 404 and missing.json() == {"detail": "No such entity!"}


def test_catalog(api: Api, yente_spec: dict) -> None:
    with api.client() as client:
        body = client.get("/catalog").json()
    assert not schema_errors(body, yente_spec, "DataCatalogModel")
    by_name = {item["name"]: item for item in body["datasets"]}
    assert set(by_name) == set(registry()) | {"default", "sanctions"}
    for dataset, count in BUNDLED_COUNTS.items():
        assert by_name[dataset]["entity_count"] == count and by_name[dataset]["index_current"]
        assert by_name[dataset]["resources"] and all(len(r["checksum"]) == 64 for r in by_name[dataset]["resources"])
    assert by_name["default"]["entity_count"] == sum(BUNDLED_COUNTS.values())
    assert set(by_name["sanctions"]["children"]) == set(BUNDLED_COUNTS)
    assert body["outdated"] == [] and body["index_stale"] is False


def test_algorithms(api: Api, yente_spec: dict) -> None:
    with api.client() as client:
        body = client.get("/algorithms").json()
    assert not schema_errors(body, yente_spec, "AlgorithmResponse")
    names = {item["name"] for item in body["algorithms"]}
    assert {"logic-v2", "name-based", "logic-v1", "regression-v1", "name-qualified"} <= names
    assert body["default"] == "best" and body["best"] in names
    features = body["algorithms"][0]["docs"]["features"]
    assert {"name", "birth_date", "nationality", "identifier"} <= set(features)


def test_health_and_readiness_need_no_key(api: Api) -> None:
    with api.client(role=None) as client:
        assert client.get("/healthz").json() == {"status": "ok"}
        ready = client.get("/readyz")
    assert ready.status_code == 200 and ready.json() == {"status": "ok"}
