"""A dataset filter: own lists are accepted by name, and what the filter leaves out of relation data is said, never hidden."""

from __future__ import annotations

import json

from interdict.match.query import Query

from .conftest import FIXTURES

NOTE = "the dataset filter leaves out your relation data (family, relations)"


def test_a_filter_that_leaves_out_relation_data_says_so_everywhere(cli, owned, tmp_path):
    plain = owned.screener.screening(Query.build("Nordvik Shipping AS"))
    assert plain.hits[0].to_dict()["kind"] == "owned" and not any("filter" in note for note in plain.warnings())

    filtered = owned.screener.screening(Query.build("Nordvik Shipping AS"), datasets=["us_ofac_sdn"])
    assert all(hit.entity.dataset == "us_ofac_sdn" for hit in filtered.hits)  # the company blocked only through ownership is gone...
    assert any(NOTE in note for note in filtered.warnings())  # ...and the screen says why

    kept = owned.screener.screening(Query.build("Nordvik Shipping AS"), datasets=["us_ofac_sdn", "relations", "family"])
    assert kept.hits[0].to_dict()["kind"] == "owned" and not any("filter" in note for note in kept.warnings())

    result = cli("screen", "Nordvik Shipping AS", "--dataset", "us_ofac_sdn", "--json", "--db", owned.db)
    assert result.code == 0 and any(NOTE in warning for warning in json.loads(result.stdout)["warnings"])
    with_data = cli("screen", "Nordvik Shipping AS", "-d", "us_ofac_sdn", "-d", "relations", "--json", "--db", owned.db)
    assert json.loads(with_data.stdout)["hits"][0]["kind"] == "owned"  # relation data is accepted by name

    source, target = tmp_path / "in.csv", tmp_path / "out.jsonl"
    source.write_text("id,name\nr1,Nordvik Shipping AS\n", encoding="utf-8")
    assert cli("screen-file", source, "--out", target, "-d", "us_ofac_sdn", "--db", owned.db).code == 0
    row = json.loads(target.read_text(encoding="utf-8"))
    assert any(NOTE in warning for warning in row["warnings"])


def test_screen_and_screen_file_accept_a_loaded_own_list_and_name_them_for_an_unknown_one(cli, un_db, tmp_path):
    unknown = cli("screen", "Oskar Lindqvist", "--dataset", "watchlist", "--db", un_db)
    assert unknown.code == 2 and "No list of your own is loaded" in unknown.flat_err
    assert cli("load", "--ftm", "watchlist", FIXTURES / "watchlist.ftm.json", "--db", un_db).code == 0

    result = cli("screen", "Oskar Lindqvist", "--dataset", "watchlist", "--json", "--db", un_db)
    assert result.code == 0, result.stderr
    hits = json.loads(result.stdout)["hits"]
    assert hits and all(hit["dataset"] == "watchlist" for hit in hits) and hits[0]["match"]

    source, target = tmp_path / "in.csv", tmp_path / "out.jsonl"
    source.write_text("id,name\nr1,Oskar Lindqvist\nr2,Nobody Zzyzx\n", encoding="utf-8")
    assert cli("screen-file", source, "--out", target, "--dataset", "watchlist", "--db", un_db).code == 0
    rows = [json.loads(line) for line in target.read_text(encoding="utf-8").splitlines()]
    assert [row["id"] for row in rows] == ["r1", "r2"] and rows[0]["hits"][0]["dataset"] == "watchlist"

    wrong = cli("screen", "Oskar Lindqvist", "--dataset", "watchlst", "--db", un_db)
    assert wrong.code == 2 and "Lists of your own loaded: watchlist" in wrong.flat_err and "Traceback" not in wrong.flat_err
