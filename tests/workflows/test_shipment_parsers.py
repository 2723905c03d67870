"""Shipment records without the lists: fields, directions, IMO check digits, clear errors."""

from __future__ import annotations

import json

import pytest

from interdict.errors import InputError
from interdict.workflows import parse_shipment
from interdict.workflows.document import Country, FreeText, Identifier, Location, Party
from interdict.workflows.shipments import imo_valid

from .conftest import sample


def test_json_record_items():
    document = parse_shipment(sample("shipment_hit.json"))
    assert (document.format, document.reference) == ("shipment JSON", "BL-HAM-2025-0815")
    parties = {p.field: p for p in document.items if isinstance(p, Party)}
    assert set(parties) == {"shipper", "consignee", "notify_party", "carrier", "vessel.name"}
    assert parties["vessel.name"].name == "Artavil" and parties["vessel.name"].schema == "Vessel"
    assert [i.value for i in document.items if isinstance(i, Identifier)] == ["9187629"]
    countries = {(c.field, c.value, c.direction, c.source) for c in document.items if isinstance(c, Country)}
    assert ("port_of_discharge", "IRBND", "destination", "UN/LOCODE") in countries
    assert ("port_of_loading.locode", "DEHAM", "origin", "UN/LOCODE") in countries
    assert ("vessel.flag", "IR", "country", "flag") in countries
    assert any(isinstance(t, FreeText) and t.field == "goods_description" for t in document.items)


def test_csv_record_is_the_same_model():
    document = parse_shipment(sample("shipment_crimea.csv"))
    assert document.format == "shipment CSV"
    locations = {(loc.field, loc.text, loc.direction) for loc in document.items if isinstance(loc, Location)}
    assert ("port_of_discharge", "Sevastopol", "destination") in locations
    assert ("consignee.address", "ul. Rybakova 4, Sevastopol", "destination") in locations


def test_imo_check_digit():
    assert imo_valid("9187629") and not imo_valid("9187620") and not imo_valid("918762")


@pytest.mark.parametrize(
    ("record", "message"),
    [
        ({"shipper": "A", "consigne": "B"}, "unknown field"),
        ({"shipper": {"name": "A", "phone": "1"}}, "shipper has unknown field"),
        ({"carrier": "X"}, "neither a shipper nor a consignee"),
        ({"shipper": "A", "vessel": {"imo": "9187620"}}, "vessel.imo '9187620' is not a valid IMO number"),
        ({"shipper": "A", "port_of_loading": {"locode": "HAMBURG"}}, "port_of_loading.locode 'HAMBURG' is not a UN/LOCODE"),
        ({"shipper": {"name": " "}}, "shipper.name is empty"),
        ({"shipper": ["A"]}, "shipper must be an object"),
        ({"shipper": "A", "transshipment_ports": "Jebel Ali"}, "must be a list"),
    ],
)
def test_record_errors(record, message):
    with pytest.raises(InputError, match=message):
        parse_shipment(json.dumps(record).encode())


def test_syntax_errors():
    with pytest.raises(InputError, match="line 2, column 1"):
        parse_shipment(b'{"shipper": "A",\n}')
    with pytest.raises(InputError, match="one file holds one shipment"):
        parse_shipment(b"shipper_name\nA\nB\n")
    with pytest.raises(InputError, match="must be one object"):
        parse_shipment(b'[{"shipper": "A"}]')
