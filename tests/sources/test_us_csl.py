"""The US trade.gov Consolidated Screening List, parsed from the bundled gzip CSV."""

from __future__ import annotations

import csv
import gzip
import io

import pytest

from interdict import bundle
from interdict.errors import FormatError
from interdict.model import Address, Identifier, PartialDate, Relation
from interdict.sources import parse_files
from interdict.sources.base import ParseResult
from interdict.sources.us_csl import source_code
from tests.sources.vocabulary import assert_model_vocabulary

DATASET = "us_trade_csl"


@pytest.fixture(scope="module")
def raw() -> bytes:
    return bundle.read_files(DATASET)["main"]


@pytest.fixture(scope="module")
def rows(raw: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(gzip.decompress(raw).decode("utf-8"))))


@pytest.fixture(scope="module")
def result(raw: bytes) -> ParseResult:
    return parse_files(DATASET, {"main": raw}, parser="us_csl")


@pytest.fixture(scope="module")
def by_id(result: ParseResult) -> dict:
    return {entity.source_id: entity for entity in result.entities}


def test_counts_reconcile_with_the_file(rows: list[dict[str, str]], result: ParseResult) -> None:
    assert len(rows) == 14160
    ids = {row["_id"] for row in rows}
    assert len(ids) == len(result.entities) == 14048  # 71 Treasury entities sit on 2-3 sub-lists
    assert {entity.source_id for entity in result.entities} == ids
    assert result.counts() == {"LegalEntity": 3625, "Person": 5284, "Organization": 4423, "Vessel": 433, "Airplane": 283}
    assert result.warnings == [
        "merged 112 rows into 71 entities: the same Treasury entity (one _id) is on several sub-lists (SDN, SSI, CAP...)"
    ]
    assert result.published is None
    per_list: dict[str, int] = {}
    for entity in result.entities:
        for code in entity.extra["sourceList"]:
            per_list[code] = per_list.get(code, 0) + 1
    assert per_list == {
        "SDN": 10026,
        "EL": 2001,
        "DTC": 727,
        "DPL": 462,
        "SSI": 290,
        "UVL": 201,
        "ISN": 163,
        "PLC": 78,
        "MEU": 71,
        "CMIC": 68,
        "CAP": 52,
        "NS-MBS": 17,
        "FSE": 3,
    }


def test_source_codes() -> None:
    assert source_code("Entity List (EL) - Bureau of Industry and Security") == "EL"
    assert source_code("Military End User (MEU) List - Bureau of Industry and Security") == "MEU"
    assert source_code("Non-SDN Menu-Based Sanctions List (NS-MBS List) - Treasury Department") == "NS-MBS"


def test_north_korean_vessel_with_imo(by_id: dict) -> None:
    vessel = by_id["23156"]
    assert vessel.id == "us_trade_csl-23156"
    assert vessel.schema == "Vessel"
    assert vessel.caption == "7-28"
    assert vessel.identifiers == [Identifier(type="imo", value="8898831", note="Vessel Registration Identification")]
    assert vessel.extra == {"sourceList": ["SDN"], "flag": ["kp"]}
    assert vessel.programs == ["DPRK4"]
    assert vessel.relations == [Relation(type="linked_to", target_id="us_trade_csl-23149", target_name="YUSONG SHIPPING CO")]
    assert by_id["23149"].caption == "YUSONG SHIPPING CO"


def test_person_with_gender_passport_and_dates(by_id: dict) -> None:
    abbas = by_id["24904"]
    assert abbas.schema == "Person"
    assert [(name.full, name.kind, name.first, name.last) for name in abbas.names] == [
        ("'ABBAS, Yasir", "primary", "Yasir", "'ABBAS"),
        ("'ABBAS, Yasir 'Aziz", "alias", "Yasir 'Aziz", "'ABBAS"),
    ]
    assert abbas.birth_dates == [PartialDate(start="1978-08-22")]
    assert abbas.nationalities == ["sy"]
    assert abbas.gender == "male"
    assert abbas.programs == ["SYRIA"]
    assert (
        Identifier(type="passport", value="K475336", country="jo", note="Passport; dated 2014-08-30, 2009-08-31")
        in by_id["17291"].identifiers
    )


def test_entity_on_three_treasury_lists_is_one_entity(by_id: dict) -> None:
    bank = by_id["18725"]
    assert bank.schema == "Organization"
    assert bank.extra["sourceList"] == ["CAP", "SDN", "SSI"]
    assert [name.full for name in bank.names] == ["BANCO VTB AFRICA SA", "VTB AFRICA"]
    assert bank.addresses == [Address(full="22, Rua da Missao, Luanda, AO", country="ao", country_name="Angola")]
    assert bank.identifiers == [
        Identifier(type="website", value="www.vtb.ao", note="Website"),
        Identifier(type="bic", value="VTBLAOLU", note="SWIFT/BIC"),
    ]
    assert bank.relations[0].target_name == "VTB BANK PUBLIC JOINT STOCK COMPANY"


def test_aircraft(by_id: dict) -> None:
    plane = by_id["24507"]
    assert plane.schema == "Airplane"
    assert plane.caption == "EP-AJC"
    assert plane.identifiers == [
        Identifier(type="tail_number", value="EP-AJC", note="listed name"),
        Identifier(type="msn", value="530", note="Aircraft Manufacturer's Serial Number (MSN)"),
    ]
    assert plane.extra == {"sourceList": ["SDN"], "buildDate": ["1995-02-28"], "model": ["A320"], "operator": ["Meraj Air"]}
    listed_by_msn = by_id["18157"]
    assert listed_by_msn.caption == "MSN 164"
    assert listed_by_msn.identifier_values("msn", "tail_number") == ["164", "G-VAIR"]


def test_commerce_rows_without_type_stay_legal_entities(by_id: dict) -> None:
    denied = by_id["deb7a1d5743a85c354ca1a2c7f2664e2104b32d7"]
    assert denied.schema == "LegalEntity"
    assert denied.caption == "I. ASH"
    assert denied.extra == {"sourceList": ["DPL"]}
    assert denied.listed_on == ["2003-06-19"]
    assert "Listing end date: 2056-06-29" in denied.remarks
    assert denied.addresses[0].country == "us"


def test_crypto_wallet(by_id: dict) -> None:
    assert Identifier(type="crypto_wallet", value="1Fz29BQp82pE3vXXcsZoMNQ3KSHfMzfMe3", note="XBT") in by_id["29703"].identifiers


def test_bad_inputs_raise_clear_errors(raw: bytes) -> None:
    with pytest.raises(FormatError, match="empty"):
        parse_files(DATASET, {"main": b""})
    with pytest.raises(FormatError, match="HTML page"):
        parse_files(DATASET, {"main": b"<!DOCTYPE html><html><body>502 Bad Gateway</body></html>"})
    with pytest.raises(FormatError, match="HTML page"):
        parse_files(DATASET, {"main": gzip.compress(b"<html><body>error</body></html>")})
    with pytest.raises(FormatError, match="truncated gzip"):
        parse_files(DATASET, {"main": raw[: len(raw) // 2]})
    with pytest.raises(FormatError, match="lacks the columns"):
        parse_files(DATASET, {"main": b"id,name,country\n1,ACME,IR\n"})
    with pytest.raises(FormatError, match="NUL bytes"):
        parse_files(DATASET, {"main": bundle.read_files("au_dfat_sanctions")["main"]})


def test_model_vocabulary(result: ParseResult) -> None:
    assert_model_vocabulary(result)
