"""POST /match/{dataset}: yente's request and response, field by field, on the real server."""

from __future__ import annotations

import re

import pytest

from interdict.match.settings import SETTINGS

IDENTIFIER_SCORE = SETTINGS.identifier_score

from .conftest import Api, schema_errors

TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$")


def match(api: Api, queries: dict, dataset: str = "default", role: str = "screener", body: dict | None = None, **params: object):  # type: ignore[no-untyped-def]
    with api.client(role) as client:
        return client.post(f"/match/{dataset}", params=params, json=body if body is not None else {"queries": queries})


def person(name: str | list[str], **props: object) -> dict:
    return {"schema": "Person", "properties": {"name": [name] if isinstance(name, str) else name, **props}}


# --- the reference example ----------------------------------------------------------------


def test_reference_example_field_by_field(api: Api, yente_example: dict, yente_spec: dict) -> None:
    path, _, query = yente_example["path"].partition("?")
    with api.client() as client:
        response = client.post(f"{path}?{query}", json=yente_example["request"])
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/json"
    assert response.headers["x-batch-size"] == "2"
    body = response.json()
    reference = yente_example["response"]
    assert set(body) == set(reference) == {"responses", "limit"}
    assert body["limit"] == reference["limit"] == 5
    assert set(body["responses"]) == set(reference["responses"]) == {"q1", "q2"}
    for key, expected in reference["responses"].items():
        got = body["responses"][key]
        assert set(got) == set(expected)
        assert got["status"] == expected["status"] == 200
        assert set(got["total"]) == set(expected["total"])
        # "gte" says the limit left matches out (yente's TotalSpec allows it; it always says "eq").
        assert got["total"]["relation"] in ("eq", "gte")
        assert got["total"]["value"] == sum(result["match"] for result in got["results"])
        if got["total"]["relation"] == "gte":
            assert got["total"]["value"] == len(got["results"]) == body["limit"]
        # The cleaned query echo is yente's, value for value (nationality "Iran" → "ir";
        # firstName + lastName combined into an alias).
        assert got["query"] == expected["query"]
        assert len(got["results"]) <= 5
        scores = [result["score"] for result in got["results"]]
        assert scores == sorted(scores, reverse=True)
        reference_result = reference["responses"]["q1"]["results"][0]
        for result in got["results"]:
            assert set(result) == set(reference_result)
            for field in ("id", "caption", "schema"):
                assert isinstance(result[field], str) and result[field]
            assert all(isinstance(values, list) and values for values in result["properties"].values())
            assert all(isinstance(value, str) for values in result["properties"].values() for value in values)
            assert isinstance(result["datasets"], list) and len(result["datasets"]) == 1
            assert result["referents"] == [] and result["target"] is True
            for field in ("first_seen", "last_seen", "last_change"):
                assert TIMESTAMP.match(result[field]), (field, result[field])
            assert result["score"] > 0.7  # the default cutoff drops score <= 0.7
            assert result["match"] is (result["score"] >= 0.7)
            assert result["explanations"]
            for feature in result["explanations"].values():
                assert set(feature) == {"detail", "score", "query", "candidate"}
                assert isinstance(feature["detail"], str) and isinstance(feature["score"], float)
    q1 = body["responses"]["q1"]["results"]
    assert q1 and "khamenei" in q1[0]["caption"].lower() and q1[0]["match"]
    assert q1[0]["schema"] == "Person" and q1[0]["properties"]["topics"] == ["sanction"]
    assert "khamenei" in q1[0]["explanations"]["name"]["detail"].lower()
    assert q1[0]["explanations"]["birth_date"]["score"] > 0  # 1939 confirms
    q2 = body["responses"]["q2"]["results"]  # the reference's fake index had no Soleimani; ours does
    assert q2 and all("sol" in result["explanations"]["name"]["candidate"].lower() for result in q2[:2])
    assert not schema_errors(body, yente_spec, "EntityMatchResponse")


def test_response_validates_against_our_own_spec(api: Api) -> None:
    with api.client() as client:
        spec = client.get("/openapi.json").json()
        body = client.post("/match/default", json={"queries": {"a": person("Vladimir Putin")}}).json()
    assert not schema_errors(body, spec, "EntityMatchResponse")


# --- limit, threshold, cutoff -------------------------------------------------------------


def test_threshold_decides_match_and_total(api: Api) -> None:
    body = match(api, {"q": person("Ali Khamenei")}, threshold=0.95, limit=10).json()["responses"]["q"]
    assert body["results"], "cutoff stays at 0.7: near matches above it are listed"
    for result in body["results"]:
        assert result["score"] > 0.7
        assert result["match"] is (result["score"] >= 0.95)
    assert body["total"]["value"] == sum(result["match"] for result in body["results"])


def test_effective_cutoff_is_the_lower_of_cutoff_and_threshold(api: Api) -> None:
    query = {"q": person("Hassan Rouhani")}
    strict = match(api, query, limit=50).json()["responses"]["q"]["results"]
    assert all(result["score"] > 0.7 for result in strict)
    # A lower cutoff lists near misses: above the cutoff, below the threshold.
    near = match(api, query, limit=50, cutoff=0.5).json()["responses"]["q"]["results"]
    assert all(result["score"] > 0.5 for result in near) and len(near) > len(strict)
    assert any(not result["match"] for result in near)
    # A threshold under the cutoff lowers the cutoff with it: everything listed is a match.
    low = match(api, query, limit=50, threshold=0.5).json()["responses"]["q"]["results"]
    assert len(low) == len(near) and all(result["match"] for result in low)


def test_score_equal_to_the_cutoff_is_dropped(api: Api) -> None:
    """yente's strict `score > cutoff`: an identifier-only hit scores exactly IDENTIFIER_SCORE."""
    vessel = {"v": {"schema": "Vessel", "properties": {"imoNumber": ["IMO 9187629"]}}}
    kept = match(api, vessel, threshold=IDENTIFIER_SCORE, cutoff=IDENTIFIER_SCORE - 0.01).json()["responses"]["v"]
    assert kept["results"] and all(result["match"] for result in kept["results"])
    dropped = match(api, vessel, threshold=IDENTIFIER_SCORE, cutoff=IDENTIFIER_SCORE).json()["responses"]["v"]
    assert dropped["results"] == [] and dropped["total"]["value"] == 0


def test_limit(api: Api) -> None:
    assert len(match(api, {"q": person("Mohammad")}, limit=1, threshold=0.3).json()["responses"]["q"]["results"]) == 1
    zero = match(api, {"q": person("Ali Khamenei")}, limit=0)
    assert zero.status_code == 200 and zero.json()["responses"]["q"]["results"] == [] and zero.json()["limit"] == 0
    assert match(api, {"q": person("x")}, limit=501).status_code == 422


# --- scope and filters --------------------------------------------------------------------


def test_matches_the_limit_leaves_out_are_never_silent(api: Api) -> None:
    """A person on many lists: with a small limit, total.relation says "gte" (more matches exist)."""
    query = {"q": person("Hossein Salami")}
    few = match(api, query, limit=2).json()["responses"]["q"]
    many = match(api, query, limit=100).json()["responses"]["q"]
    assert few["total"] == {"value": 2, "relation": "gte"}
    assert many["total"]["relation"] == "eq" and many["total"]["value"] > 2
    assert {result["id"] for result in few["results"]} <= {result["id"] for result in many["results"]}


def test_a_dataset_filter_only_removes(api: Api) -> None:
    """The filtered response is the unfiltered one restricted to the dataset, scores unchanged (Hossein Salami on Canada's list)."""
    query = {"q": person("Hossein Salami")}
    everywhere = {result["id"]: result["score"] for result in match(api, query, limit=100).json()["responses"]["q"]["results"]}
    canada = match(api, query, dataset="ca_dfatd_sema_sanctions", limit=100).json()["responses"]["q"]["results"]
    assert canada and all(everywhere[result["id"]] == result["score"] for result in canada)
    assert "ca_dfatd_sema_sanctions-Iran-1-Part-2-43" in everywhere


def test_dataset_in_the_path(api: Api) -> None:
    for name in ("default", "sanctions"):
        assert match(api, {"q": person("Ali Khamenei")}, dataset=name).status_code == 200
    only_un = match(api, {"q": person("Ghasem Soleimani")}, dataset="un_sc_sanctions").json()["responses"]["q"]["results"]
    assert only_un and {result["datasets"][0] for result in only_un} == {"un_sc_sanctions"}
    missing = match(api, {"q": person("x")}, dataset="no_such_list")
    assert missing.status_code == 404 and missing.json() == {"detail": "No such dataset."}


def test_include_and_exclude_dataset(api: Api) -> None:
    query = {"q": person("Ghasem Soleimani")}
    included = match(api, query, include_dataset="us_ofac_sdn").json()["responses"]["q"]["results"]
    assert included and {result["datasets"][0] for result in included} == {"us_ofac_sdn"}
    excluded = match(api, query, exclude_dataset=["us_ofac_sdn", "us_trade_csl"], limit=20).json()["responses"]["q"]["results"]
    assert excluded and not {result["datasets"][0] for result in excluded} & {"us_ofac_sdn", "us_trade_csl"}
    outside = match(api, query, dataset="un_sc_sanctions", include_dataset="us_ofac_sdn").json()["responses"]["q"]
    assert outside["results"] == []


def test_exclude_schema_topics_and_entity_ids(api: Api) -> None:
    query = {"q": {"schema": "LegalEntity", "properties": {"name": ["Mahan Air"]}}}
    everything = match(api, query, limit=20).json()["responses"]["q"]["results"]
    assert everything
    no_orgs = match(api, query, limit=20, exclude_schema=["Organization", "Company", "LegalEntity"]).json()["responses"]["q"]["results"]
    assert all(result["schema"] not in ("Organization", "Company", "LegalEntity") for result in no_orgs)
    assert match(api, query, topics="role.pep").json()["responses"]["q"]["results"] == []
    assert match(api, query, topics=["role.pep", "sanction"]).json()["responses"]["q"]["results"]
    top = everything[0]["id"]
    without = match(api, query, limit=20, exclude_entity_ids=top).json()["responses"]["q"]["results"]
    assert top not in {result["id"] for result in without}
    assert match(api, query, exclude_entity_ids=[f"id-{i}" for i in range(51)]).status_code == 422


def test_changed_since(api: Api) -> None:
    query = {"q": person("Ghasem Soleimani")}
    assert match(api, query, changed_since="2100-01-01").json()["responses"]["q"]["results"] == []
    recent = match(api, query, changed_since="1990-01-01T00:00").json()["responses"]["q"]["results"]
    assert recent and all(result["last_change"] > "1990-01-01T00:00:00" for result in recent)
    bad = match(api, query, changed_since="yesterday")
    assert bad.status_code == 422 and isinstance(bad.json()["detail"], list)


# --- algorithms, config, errors -----------------------------------------------------------


@pytest.mark.parametrize("name", ["best", "logic-v2", "LOGIC-V2", "name-based", "name-qualified", "logic-v1", "regression-v1", "interdict"])
def test_every_yente_algorithm_name_is_accepted(api: Api, name: str) -> None:
    assert match(api, {"q": person("Ali Khamenei")}, algorithm=name).status_code == 200


def test_unknown_algorithm_and_config(api: Api) -> None:
    bad = match(api, {"q": person("x")}, algorithm="magic")
    assert bad.status_code == 400 and bad.json() == {"detail": "Invalid algorithm: magic"}
    body = {"queries": {"q": person("Ali Khamenei")}, "weights": {"name_literal": 0.8}, "config": {"nm_number_mismatch": 0.4}}
    assert match(api, {}, body=body).status_code == 200
    body["config"] = {"no_such_setting": 1}
    refused = match(api, {}, body=body)
    assert refused.status_code == 400 and "no_such_setting" in refused.json()["detail"]


def test_query_count_limits(api: Api) -> None:
    many = {f"q{i}": person(f"Name Number{i}") for i in range(101)}
    too_many = match(api, many)
    assert too_many.status_code == 400 and "at most 100" in too_many.json()["detail"]
    hundred = match(api, dict(list(many.items())[:100]))
    assert hundred.status_code == 200 and hundred.headers["x-batch-size"] == "100" and len(hundred.json()["responses"]) == 100
    none = match(api, {})
    assert none.status_code == 400 and none.json() == {"detail": "No queries provided."}


def test_bad_examples_are_400_with_a_clear_detail(api: Api) -> None:
    unknown = match(api, {"q": {"schema": "Spaceship", "properties": {"name": "Enterprise"}}})
    assert unknown.status_code == 400 and unknown.json()["detail"].startswith("Cannot parse example entity: Unknown schema: 'Spaceship'")
    long_name = match(api, {"q": person("x" * 501)})
    assert long_name.status_code == 400 and "at most 500" in long_name.json()["detail"]
    many_values = match(api, {"q": person([f"Name {i}" for i in range(51)])})
    assert many_values.status_code == 400 and "at most 50" in many_values.json()["detail"]
    nested = match(api, {"q": person("Ali", nationality=[{"code": "ir"}])})
    assert nested.status_code == 400 and "nested" in nested.json()["detail"]
    nameless = match(api, {"q": {"schema": "Person", "properties": {"birthDate": ["1960"]}}})
    assert nameless.status_code == 400 and "no name and no identifier" in nameless.json()["detail"]
    missing_schema = match(api, {"q": {"properties": {"name": "x"}}})
    assert missing_schema.status_code == 422


# --- query cleaning and evidence ----------------------------------------------------------


def test_query_echo_is_cleaned_like_yente(api: Api) -> None:
    example = {
        "id": "client-42",
        "schema": "Person",
        "properties": {
            "name": "  Ali   Khamenei ",
            "birthDate": ["19.04.1939", "sometime"],
            "nationality": ["Iran", "Atlantis"],
            "favouriteColour": ["green"],
        },
    }
    echo = match(api, {"q": example}).json()["responses"]["q"]["query"]
    assert echo == {"id": "client-42", "schema": "Person", "properties": {"name": ["Ali Khamenei"], "birthDate": ["1939-04-19"], "nationality": ["ir"]}}


def test_name_parts_are_combined(api: Api) -> None:
    example = {"schema": "Person", "properties": {"firstName": "Mohammad Bagher", "lastName": "Ghalibaf"}}
    body = match(api, {"q": example}).json()["responses"]["q"]
    assert body["query"]["properties"]["alias"] == ["Mohammad Bagher Ghalibaf"]
    assert body["results"] and body["results"][0]["match"]


def test_transliteration_variant_matches(api: Api) -> None:
    results = match(api, {"q": person("Mohammad Baqer Qalibaf", birthDate="1961")}).json()["responses"]["q"]["results"]
    assert results and results[0]["match"] and "ghalibaf" in results[0]["caption"].lower()


def test_identifier_only_query(api: Api) -> None:
    results = match(api, {"v": {"schema": "Vessel", "properties": {"imoNumber": ["IMO 9187629"]}}}).json()["responses"]["v"]["results"]
    assert results and all(result["match"] and result["schema"] == "Vessel" for result in results)
    explanation = results[0]["explanations"]
    assert "name" not in explanation
    assert explanation["identifier"]["query"] == "9187629" and "decisive" in explanation["identifier"]["detail"]


def test_evidence_that_rules_out_lowers_the_score(api: Api) -> None:
    same = match(api, {"q": person("Ghasem Soleimani", birthDate="1957")}, threshold=0.1, limit=50).json()["responses"]["q"]["results"]
    other = match(api, {"q": person("Ghasem Soleimani", birthDate="1990")}, threshold=0.1, limit=50).json()["responses"]["q"]["results"]
    ofac = "us_ofac_sdn-10481"
    same_score = next(result for result in same if result["id"] == ofac)
    other_score = next(result for result in other if result["id"] == ofac)
    assert same_score["explanations"]["birth_date"]["score"] > 0 > other_score["explanations"]["birth_date"]["score"]
    assert same_score["score"] > other_score["score"]
