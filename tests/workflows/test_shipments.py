"""Shipments end to end: listed parties, vessels by IMO and name, embargoed destinations and origins."""

from __future__ import annotations

import json

from interdict.workflows import screen_shipment

from .conftest import entities, fields, sample


def test_shipment_to_iran_on_a_listed_tanker(screener):
    verdict = screen_shipment(sample("shipment_hit.json"), screener)
    assert (verdict.verdict, verdict.reference) == ("hit", "BL-HAM-2025-0815")
    imo = [f for f in verdict.findings if f.rule == "listed vessel (IMO)"]
    assert {f.entity_id for f in imo} == {"us_ofac_sdn-15036", "us_trade_csl-15036"} and imo[0].field == "vessel.imo"
    assert "vessel.name 'Artavil'" in imo[0].explanation  # the name hit on the same entry is folded in
    assert "us_ofac_sdn-12032" in entities(verdict, "listed party", "consignee", "hit")  # Kala Naft
    assert "us_ofac_sdn-25396" in entities(verdict, "listed party", "carrier", "hit")  # IRISL
    for field in ("consignee.country", "consignee.address", "port_of_discharge"):
        assert "embargo:ir" in entities(verdict, "embargoed destination", field, "hit")
    assert "embargo:ir" in entities(verdict, "embargoed country", "vessel.flag")
    assert not {f for f in fields(verdict) if f.startswith(("shipper", "notify_party", "port_of_loading"))}


def test_shipment_to_occupied_crimea(screener):
    verdict = screen_shipment(sample("shipment_crimea.csv"), screener)
    assert verdict.verdict == "hit"
    crimea = [f for f in verdict.findings if f.entity_id == "embargo:ua-crimea"]
    assert {f.field for f in crimea} == {"port_of_discharge", "consignee.address"}
    assert all(f.rule == "embargoed destination" and "Executive Order 13685" in f.explanation for f in crimea)
    assert any(m["legal_basis"].startswith("Council Regulation (EU) No 692/2014") for m in crimea[0].extra["measures"])
    # For an EU exporter the same shipment is a review (sectoral measures), not a block.
    eu = screen_shipment(sample("shipment_crimea.csv"), screener, jurisdictions=["eu"])
    assert eu.verdict == "review" and {f.rule for f in eu.findings} == {"restricted destination"}


def test_origin_is_checked_too(screener):
    record = json.loads(sample("shipment_clean.json"))
    record["port_of_loading"] = {"name": "Latakia", "country": "SY"}
    record["origin_country"] = "Syria"
    verdict = screen_shipment(record, screener, jurisdictions=["eu", "gb"])
    assert verdict.verdict == "review"
    assert fields(verdict, "restricted origin") == {"port_of_loading", "port_of_loading.country", "origin_country"}


def test_vessel_by_name_only(screener):
    record = json.loads(sample("shipment_clean.json"))
    record["vessel"] = {"name": "MT Arnica"}
    verdict = screen_shipment(record, screener)
    assert verdict.verdict == "hit"
    assert "us_ofac_sdn-15039" in entities(verdict, "listed vessel (name)", "vessel.name")


def test_clean_shipment(screener):
    verdict = screen_shipment(sample("shipment_clean.json"), screener)
    assert (verdict.verdict, verdict.findings) == ("clear", [])
