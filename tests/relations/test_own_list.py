"""Bring your own list: FtM entities as a named dataset, screened and exported like a list; deltas update it."""

from __future__ import annotations

import json

from interdict.match.query import Query
from interdict.screening import open_screener

from .conftest import FIXTURES


def test_an_ftm_list_of_ones_own_is_loaded_updated_by_a_delta_screened_and_exported(cli, un_db, un_store, tmp_path):
    loaded = cli("load", "--ftm", "watchlist", FIXTURES / "watchlist.ftm.json", "--db", un_db)
    assert loaded.code == 0, loaded.stderr
    assert "3 entries, 2 relation(s)" in loaded.flat_out
    first = un_store.active_snapshot("watchlist")
    entries = {entity.source_id: entity for entity in un_store.iter_entities([first.id])}
    assert entries["wl-1"].programs == ["internal: fraud ring 2024"] and entries["wl-1"].listed_on == ["2024-02-01"]
    assert "relationData" not in entries["wl-1"].extra  # entries of a list, not nodes of relation data

    delta = cli("load", "--ftm", "watchlist", FIXTURES / "watchlist.delta.json", "--db", un_db, "--force")
    assert delta.code == 1  # the DEL of an id the list does not hold is named; the rest applies
    assert "line 5 (wl-nothing): DEL of an id the dataset does not hold" in delta.flat_err
    second = un_store.active_snapshot("watchlist")
    assert second.id != first.id and second.files[0].role == "delta"
    entries = {entity.source_id: entity for entity in un_store.iter_entities([second.id])}
    assert sorted(entries) == ["wl-1", "wl-2", "wl-4"]  # the company deleted, a person added
    assert entries["wl-2"].caption == "Greta Lindqvist-Berg" and entries["wl-2"].relations[0].note == "sister"  # MOD keeps relations
    assert entries["wl-4"].relations[0].target_id == "watchlist-wl-1"

    screener = open_screener(un_db)
    hits = screener.screen(Query.build("Oskar Lindqvist"))
    assert hits[0].entity.id == "watchlist-wl-1" and hits[0].match and "kind" not in hits[0].to_dict()
    son = screener.screen(Query.build("Hampus Lindqvist"))[0].to_dict()
    assert son["dataset"] == "watchlist" and "kind" not in son  # an entry of the list: listed, not "relative"

    target = tmp_path / "export.jsonl"
    assert cli("export", "--out", target, "--db", un_db).code == 0
    items = [json.loads(line) for line in target.read_text(encoding="utf-8").splitlines()]
    mine = next(item for item in items if item["id"] == "watchlist-wl-1")
    assert mine["properties"]["topics"] == ["sanction"] and mine["datasets"] == ["watchlist"]
    assert any(item["schema"] == "Family" and item["properties"]["person"] == ["watchlist-wl-1"] for item in items)

    refused = cli("load", "--ftm", "un_sc_sanctions", FIXTURES / "watchlist.ftm.json", "--db", un_db)
    assert refused.code == 2 and "official list" in refused.flat_err
