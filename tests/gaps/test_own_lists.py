"""A list of one's own (`interdict load --ftm NAME FILE`) in the gap report: resolved with the official lists, a column of its own."""

from __future__ import annotations

import json

from interdict.gaps import gaps
from interdict.relations import load_ftm_list, load_relations

from ..relations.conftest import FIXTURES


def test_an_own_list_is_resolved_against_the_official_lists_and_reported_as_a_list_of_its_own(cli, un_db, un_store, tmp_path):
    load_ftm_list(un_store, FIXTURES / "ownlist.ftm.json", "mine")
    load_relations(un_store, FIXTURES / "holdings.csv")  # relation data: designates no one, never a column
    out = tmp_path / "mine.json"
    report = gaps("mine", "un", focus=True, db=un_db, out=out)
    assert report.datasets["mine"] == ["mine"] and "relations" not in json.dumps(report.datasets)
    ids = {listing.entity_id for row in report.rows for listing in row.listings}
    # the UN-listed militia leader on one's own list is the same subject as the UN entry: not a gap
    assert ids == {"mine-own-2", "mine-own-3"}
    assert all(listing.jurisdiction == "mine" for row in report.rows for listing in row.listings)
    assert any("list of your own" in note for note in report.notes)
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["datasets"]["mine"] == ["mine"]

    html = tmp_path / "mine.html"
    assert cli("gaps", "--listed-by", "mine", "--not-listed-by", "un", "--focus", "--out", html, "--db", un_db).code == 0
    page = html.read_text(encoding="utf-8")
    assert "Lindqvist &lt;Marine&gt; Brokers AB" in page and "<Marine>" not in page

    unknown = cli("gaps", "--listed-by", "theirs", "--not-listed-by", "un", "--out", tmp_path / "x.json", "--db", un_db)
    assert unknown.code == 2 and "mine" in unknown.flat_err  # the own list is named among the choices


def test_an_own_list_cannot_take_a_jurisdiction_code(cli, un_db):
    refused = cli("load", "--ftm", "eu", FIXTURES / "ownlist.ftm.json", "--db", un_db)
    assert refused.code == 2 and "jurisdiction code" in refused.flat_err
