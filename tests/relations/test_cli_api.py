"""`interdict relations load`, `interdict exposure` and the HTTP endpoints, on real stores and a real server."""

from __future__ import annotations

import json

import pytest

from interdict.api import ServiceSettings, create_app
from tests.api.conftest import YENTE_OPENAPI, run_server, schema_errors

from .helpers import DATA


def test_relations_load_reports_each_bad_row_keeps_the_rest_and_versions_the_data(cli, un_db, un_store, tmp_path):
    result = cli("relations", "load", DATA / "bad_rows.csv", "--db", un_db, "--json")
    assert result.code == 1
    report = json.loads(result.stdout)
    assert report["relations"] == 2 and len(report["errors"]) == 6
    assert "line 4: share 'abc' is not a number" in result.flat_err
    first = un_store.active_snapshot("relations")
    assert first is not None and first.parser == "relations" and first.files[0].name == "bad_rows.csv"
    # nothing readable: the last good snapshot stays active
    empty = tmp_path / "empty.csv"
    empty.write_text("owner,asset,share_pct,as_of,source\n,,,,\n", encoding="utf-8")
    failed = cli("relations", "load", empty, "--db", un_db)
    assert failed.code == 4 and "stays active" in failed.flat_err
    assert un_store.active_snapshot("relations").id == first.id
    # a new version is a new snapshot with its own provenance
    again = cli("relations", "load", DATA / "faq401_1.csv", "--db", un_db, "--force")
    assert again.code == 0, again.stderr
    assert un_store.active_snapshot("relations").id != first.id
    assert cli("relations", "load", DATA / "faq401_1.csv", "--db", un_db, "--name", "un_sc_sanctions").code == 2
    listed = json.loads(cli("relations", "list", "--db", un_db, "--json").stdout)
    assert [(row["dataset"], row["kind"], row["snapshot"]) for row in listed] == [("relations", "relation data", un_store.active_snapshot("relations").id)]
    assert listed[0]["file"].endswith("faq401_1.csv")


def test_exposure_of_a_designated_person_and_of_an_owned_company(cli, owned):
    result = cli("exposure", "us_ofac_sdn-16669", "-j", "us", "--json", "--db", owned.db)
    assert result.code == 0, result.stderr
    data = json.loads(result.stdout)
    holds = {row["caption"]: row for row in data["jurisdictions"]["us"]["holds"]}
    assert holds["Nordvik Shipping AS"]["chain"] == "ROTENBERG, Arkady Romanovich → 30% Nordvik Logistics AS → 60% Nordvik Shipping AS"
    assert holds["Nordvik Shipping AS"]["status"] == "blocked"
    assert holds["Opaque Trust Company"]["status"] == "review"
    assert any(row["label"] == "spouse" for row in data["related"])
    shipping = cli("exposure", "Nordvik Shipping AS", "--db", owned.db)
    assert shipping.code == 0
    assert "designated owner: Nordvik Shipping AS ← 60% Nordvik Logistics AS ← 30% ROTENBERG, Arkady Romanovich (designated)" in shipping.flat_out
    assert cli("exposure", "Nobody Whatsoever Zzyzx", "--db", owned.db).code == 6
    assert cli("exposure", "us_ofac_sdn-16669", "-j", "xx", "--db", owned.db).code == 2


@pytest.fixture(scope="module")
def yente_spec() -> dict:
    return json.loads(YENTE_OPENAPI.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def server(owned):
    app = create_app(ServiceSettings(auth=False), store=owned.store, screener=owned.screener)
    running = run_server(app)
    yield running
    running.stop()


def test_adjacent_has_yentes_shape_grouped_by_property_and_paginated(server, yente_spec):
    with server.client() as client:
        response = client.get("/entities/us_ofac_sdn-16669/adjacent", params={"limit": 1})
        assert response.status_code == 200
        data = response.json()
        assert schema_errors(data, yente_spec, "EntityAdjacentResponse") == []
        owner = data["adjacent"]["ownershipOwner"]
        assert owner["total"]["value"] == 2 and len(owner["results"]) == 1
        assert data["adjacent"]["familyPerson"]["results"][0]["properties"]["relationship"] == ["spouse"]  # Lidia is his spouse
        page = client.get("/entities/us_ofac_sdn-16669/adjacent/ownershipOwner", params={"offset": 1}).json()
        assert schema_errors(page, yente_spec, "AdjacentResultsResponse") == []
        assert page["results"][0]["properties"]["asset"][0]["caption"] in {"Nordvik Logistics AS", "Opaque Trust Company"}
        assert client.get("/entities/nope/adjacent").status_code == 404
        assert client.get("/entities/us_ofac_sdn-16669/adjacent/nonsense").status_code == 404


def test_exposure_endpoint_and_screen_endpoint_reach_through(server):
    with server.client() as client:
        data = client.get("/entities/relations-n-nordvik-shipping-as/exposure", params={"jurisdiction": "us"}).json()
        assert data["jurisdictions"]["us"]["status"] == "blocked"
        assert data["jurisdictions"]["us"]["reason"] == "owned 60% by designated persons (OFAC 50% rule)"
        assert client.get("/entities/relations-n-nordvik-shipping-as/exposure", params={"jurisdiction": "xx"}).status_code == 400
        screened = client.post("/screen", json={"name": "Nordvik Shipping AS"}).json()
        assert screened["hits"][0]["kind"] == "owned"


def test_export_writes_relations_as_ftm_and_user_nodes_without_the_sanction_topic(cli, owned, tmp_path):
    target = tmp_path / "export.jsonl"
    result = cli("export", "--out", target, "--db", owned.db)
    assert result.code == 0, result.stderr
    items = [json.loads(line) for line in target.read_text(encoding="utf-8").splitlines()]
    by_id = {item["id"]: item for item in items}
    ownership = [item for item in items if item["schema"] == "Ownership" and item["properties"]["owner"] == ["us_ofac_sdn-16669"]]
    assert {(item["properties"]["asset"][0], item["properties"].get("percentage", [None])[0]) for item in ownership} == {
        ("relations-n-nordvik-logistics-as", "30"),
        ("relations-n-opaque-trust-company", None),
    }
    assert any(item["schema"] == "Family" and item["properties"]["relationship"] == ["spouse"] for item in items)
    assert "topics" not in by_id["relations-n-nordvik-shipping-as"]["properties"]
    assert by_id["us_ofac_sdn-16669"]["properties"]["topics"] == ["sanction"]
    assert not any("proxy" in item["id"] for item in items)
    assert "relation entities (Ownership, Family" in result.flat_err


def test_relations_gaps_count_derived_blocks_between_jurisdictions(cli, owned):
    result = cli("relations", "gaps", "--blocked-by", "us", "--not-blocked-by", "eu", "--json", "--db", owned.db)
    assert result.code == 0, result.stderr
    data = json.loads(result.stdout)
    ids = {row["id"] for row in data["rows"]}
    assert {"relations-n-nordvik-logistics-as", "relations-n-nordvik-shipping-as"} <= ids
    assert data["counts"]["us"] == len(data["rows"])
    assert cli("relations", "gaps", "-b", "us", "-n", "us", "--db", owned.db).code == 2


def test_unreadable_relation_files_are_bad_input_and_change_nothing(cli, un_db, un_store, tmp_path):
    cases = {"empty.csv": b"", "binary.csv": b"\x00\x01\x02 not text", "page.csv": b"<!DOCTYPE html><html>error</html>"}
    for name, data in cases.items():
        path = tmp_path / name
        path.write_bytes(data)
        result = cli("relations", "load", path, "--db", un_db)
        assert result.code == 2 and "Traceback" not in result.stderr, (name, result.stderr)
    assert un_store.active_snapshot("relations") is None
    huge = tmp_path / "huge.csv"
    huge.write_text("owner,asset,share_pct\n" + "A" * 20_000 + ",Some Asset,10\nGood Owner,Some Asset,20\n", encoding="utf-8")
    result = cli("relations", "load", huge, "--db", un_db, "--json")
    assert result.code == 1 and "20,000 characters" in result.flat_err
    assert json.loads(result.stdout)["relations"] == 1
