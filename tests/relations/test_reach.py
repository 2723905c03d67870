"""Screening reaches through ownership and family, on the real SDN list plus hand-written relation data."""

from __future__ import annotations

import json

from interdict.batch import screen_file
from interdict.match.query import Query
from interdict.workflows import screen_payment

from .conftest import FIXTURES

HIT_KEYS = {"entity_id", "dataset", "source_id", "caption", "schema", "score", "match", "matched_name", "explanation"}


def hits_for(owned, name: str) -> list[dict]:
    return [hit.to_dict() for hit in owned.screener.screen(Query.build(name))]


def test_a_company_blocked_through_ownership_is_its_own_kind_of_hit(owned):
    hit = hits_for(owned, "Nordvik Shipping AS")[0]
    assert HIT_KEYS <= set(hit) and hit["match"]
    assert hit["kind"] == "owned"
    relation = hit["relation"]
    assert relation["status"] == "blocked" and relation["jurisdiction"] == "us"
    assert relation["summary"] == "owned 60% by designated persons (OFAC 50% rule)"
    assert relation["path"] == (
        "Nordvik Shipping AS 60% ← Nordvik Logistics AS (blocked: 25% ← designated TIMCHENKO, Gennady Nikolayevich; "
        "30% ← designated ROTENBERG, Arkady Romanovich)"
    )
    assert "OFAC FAQ" in relation["basis"]
    logistics = hits_for(owned, "Nordvik Logistics")[0]
    assert logistics["relation"]["summary"] == "owned 55% by designated persons (OFAC 50% rule)"


def test_a_recorded_spouse_of_a_designated_person_is_a_relative_hit(owned):
    hit = hits_for(owned, "Lidia Rotenberg")[0]
    assert hit["kind"] == "relative" and hit["entity_id"] == "family-p-lidia"
    assert hit["relation"]["summary"] == "spouse of ROTENBERG, Arkady Romanovich (designated: us_ofac_sdn)"


def test_a_party_of_the_users_data_that_reaches_no_one_is_no_hit(owned):
    assert hits_for(owned, "Havbris Consulting AS") == []  # owned by a pension fund only
    unknown = hits_for(owned, "Opaque Trust Company")[0]  # a designated owner, share not disclosed
    assert unknown["kind"] == "owned" and unknown["relation"]["status"] == "review"
    assert "unknown share" in unknown["relation"]["path"]


def test_list_entries_keep_their_hits_and_keys(owned):
    hit = hits_for(owned, "Arkady Rotenberg")[0]
    assert hit["entity_id"] == "us_ofac_sdn-16669" and "kind" not in hit


def test_screen_file_writes_relation_hits_and_keeps_one_line_per_row(owned, tmp_path):
    source = tmp_path / "parties.csv"
    source.write_text("id,name\nr1,Nordvik Shipping AS\nr2,Lidia Rotenberg\nr3,Havbris Consulting AS\n", encoding="utf-8")
    target = tmp_path / "out.jsonl"
    screen_file(owned.screener, source, target)
    rows = [json.loads(line) for line in target.read_text(encoding="utf-8").splitlines()]
    assert [row["id"] for row in rows] == ["r1", "r2", "r3"]
    assert rows[0]["hits"][0]["kind"] == "owned" and rows[1]["hits"][0]["kind"] == "relative" and rows[2]["hits"] == []


def test_a_payment_to_a_company_blocked_through_ownership_is_stopped(owned):
    message = (FIXTURES / "mt103_nordvik.fin").read_text(encoding="utf-8")
    verdict = screen_payment(message, screener=owned.screener).to_dict()
    assert verdict["verdict"] == "hit"
    finding = next(item for item in verdict["findings"] if "Nordvik" in json.dumps(item))
    assert "owned 60% by designated persons (OFAC 50% rule)" in json.dumps(finding)


def test_the_manifest_uses_a_recorded_family_relation_and_says_which(owned):
    from interdict.workflows import screen_manifest

    verdict = screen_manifest((FIXTURES / "apis_rotenberg.csv").read_bytes(), screener=owned.screener).to_dict()
    by_value = {}
    for finding in verdict["findings"]:
        by_value.setdefault(finding["value"], []).append(finding)
    lidia = by_value["LIDIA VALENTINOVNA ROTENBERG"][0]
    assert lidia["rule"] == "relative of a listed party" and lidia["severity"] == "review"  # not designated herself
    assert lidia["relation"]["summary"] == "spouse of ROTENBERG, Arkady Romanovich (designated: us_ofac_sdn)"
    maria = [item for item in by_value["MARIA ROTENBERG"] if item["rule"] == "possible relative"]
    arkady = next(item for item in maria if item["entity_id"] == "us_ofac_sdn-16669")
    assert "recorded family of ROTENBERG, Arkady Romanovich: Lidia Valentinovna Rotenberg (spouse); the traveller is none of them by name" in arkady["explanation"]
    assert "JAMES ROBERT WALKER" not in by_value
