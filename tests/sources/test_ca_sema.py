"""Canada's Consolidated Autonomous Sanctions List, parsed from the bundled official XML."""

from __future__ import annotations

import pytest

from interdict import bundle
from interdict.errors import FormatError, UnsafeXMLError
from interdict.model import Identifier, PartialDate
from interdict.sources import parse_files
from interdict.sources.base import ParseResult
from tests.sources.vocabulary import assert_model_vocabulary

DATASET = "ca_dfatd_sema_sanctions"


@pytest.fixture(scope="module")
def raw() -> bytes:
    return bundle.read_files(DATASET)["main"]


@pytest.fixture(scope="module")
def result(raw: bytes) -> ParseResult:
    return parse_files(DATASET, {"main": raw}, parser="ca_sema")


@pytest.fixture(scope="module")
def by_id(result: ParseResult) -> dict:
    return {entity.source_id: entity for entity in result.entities}


def names(entity) -> list[tuple[str, str]]:
    return [(name.full, name.kind) for name in entity.names]


def test_counts_reconcile_with_the_file(raw: bytes, result: ParseResult) -> None:
    assert raw.count(b"<record>") == 4759
    assert raw.count(b"<ShipIMONumber>") == 109
    assert result.counts() == {"Person": 3334, "Organization": 1316, "Vessel": 109}
    assert len({entity.id for entity in result.entities}) == 4759  # country+schedule+item is unique
    assert result.warnings == []
    assert result.published is None  # the file carries no publication date
    assert sum(1 for entity in result.entities if entity.programs == ["Iran"]) == 460
    assert all(entity.names[0].kind == "primary" and len(entity.listed_on) == 1 for entity in result.entities)


def test_source_ids_are_readable(result: ParseResult) -> None:
    first = result.entities[0]
    assert first.source_id == "Belarus-1-Part-1-1"
    assert first.id == "ca_dfatd_sema_sanctions-Belarus-1-Part-1-1"
    prefixes = {entity.source_id.rsplit("-", 1)[0] for entity in result.entities}
    assert {"Iran-1-Part-1", "Iran-1-Part-2", "Russia-1.1", "Myanmar-Burma-Part-1", "JVCFOR", "Guatemala"} <= prefixes


def test_iran_person_with_birth_year_and_persian_name(by_id: dict) -> None:
    bagheri = by_id["Iran-1-Part-2-42"]
    assert bagheri.schema == "Person"
    assert names(bagheri) == [("Mohammed Hossein Bagheri", "primary"), ("محمد باقری", "original_script")]
    assert (bagheri.names[0].first, bagheri.names[0].last) == ("Mohammed Hossein", "Bagheri")
    assert bagheri.birth_dates == [PartialDate(start="1960")]
    assert bagheri.programs == ["Iran"]
    assert bagheri.listed_on == ["2022-10-03"]
    # the regime is why he is listed, not his nationality
    assert bagheri.nationalities == [] and bagheri.citizenships == [] and bagheri.countries == []


def test_ship_with_imo_and_build_date(by_id: dict) -> None:
    ship = by_id["Russia-1.1-103"]
    assert ship.schema == "Vessel"
    assert names(ship) == [("Viktor Bakaev", "primary")]
    assert ship.identifiers == [Identifier(type="imo", value="9610810")]
    assert ship.extra == {"buildDate": ["2013"], "type": ["Oil Tanker"]}
    assert ship.birth_dates == []
    assert ship.programs == ["Russia"] and ship.listed_on == ["2025-02-21"]


def test_bilingual_entity_name_and_also_known_as(by_id: dict) -> None:
    assert names(by_id["Iran-1-Part-1-1"]) == [
        ("Aerospace Industries Organization (AIO)", "primary"),
        ("Organisation iranienne des industries aérospatiales", "alias"),
    ]
    assert names(by_id["Russia-1-Part-2-561"]) == [
        ("Shipbuilding Plant “Severnaya Verf”", "primary"),
        ("Severnaya Verf Shipbuilding Factory", "alias"),
        ("Публичное акционерное общество Судостроительный завод «Северная верфь»", "original_script"),
    ]


def test_aliases_split_with_language_labels(by_id: dict) -> None:
    lukashenko = by_id["Belarus-1-Part-1-120"]
    assert names(lukashenko) == [
        ("Nikolai Aleksandrovich LUKASHENKO", "primary"),
        ("Mikalay Alyaksandravich Lukashenka", "alias"),
        ("Kolya Lukashenko", "alias"),
        ("Мікалай Аляксандравіч Лукашэнка", "original_script"),
        ("Николай Александрович Лукашенко", "original_script"),
        ("Коля Лукашенко", "original_script"),
    ]
    assert lukashenko.birth_dates == [PartialDate(start="2004-08-31")]


def test_company_alias_keeps_its_legal_form(by_id: dict) -> None:
    assert names(by_id["Russia-1-Part-2-207"])[1] == ('Завод "Дагдизель", АО', "original_script")
    assert names(by_id["Russia-1-Part-2-364"])[1] == ("ОАО, БЭТО", "original_script")
    everything = {name for entity in by_id.values() for name, _ in names(entity)}
    assert not everything & {"АО", "ООО", "ОАО", "LLC", "JSC"}  # never a bare legal form


def test_lone_given_names_are_weak(by_id: dict) -> None:
    dyumin = next(entity for entity in by_id.values() if entity.caption == "Alexey Gennadyevich DYUMIN")
    assert names(dyumin)[1:] == [("Alexei", "weak"), ("Aleksei", "weak")]


def test_several_birth_dates_and_titles(by_id: dict) -> None:
    assert by_id["JVCFOR-54"].birth_dates == [PartialDate(start="1972-08-10"), PartialDate(start="1972-08-11")]
    assert by_id["Iran-1-Part-2.1-107"].birth_dates == [PartialDate(start="1963"), PartialDate(start="1964")]
    assert by_id["JVCFOR-1"].caption == "Nicolás MADURO MOROS"
    titled = [entity for entity in by_id.values() if entity.names[0].title]
    assert len(titled) == 63
    assert {entity.names[0].title for entity in titled} >= {"Major General", "Brigadier", "Dr."}


def test_bad_inputs_raise_clear_errors(raw: bytes) -> None:
    with pytest.raises(FormatError, match="empty"):
        parse_files(DATASET, {"main": b""})
    with pytest.raises(FormatError, match="HTML page"):
        parse_files(DATASET, {"main": b"<!DOCTYPE html><html><body>503 Service Unavailable</body></html>"})
    with pytest.raises(FormatError, match="not well-formed"):
        parse_files(DATASET, {"main": raw[: len(raw) // 2]})
    with pytest.raises(FormatError, match="expected <data-set>"):
        parse_files(DATASET, {"main": b'<?xml version="1.0"?><sdnList><sdnEntry/></sdnList>'})
    with pytest.raises(FormatError, match="no <record>"):
        parse_files(DATASET, {"main": b"<data-set></data-set>"})
    xxe = (
        b'<?xml version="1.0"?><!DOCTYPE data-set [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
        b"<data-set><record><Country>&xxe;</Country><Item>1</Item></record></data-set>"
    )
    with pytest.raises(UnsafeXMLError):
        parse_files(DATASET, {"main": xxe})


def test_records_without_an_id_are_reported() -> None:
    data = (
        b"<data-set><record><Country>Iran</Country><LastName>A</LastName><Item>1</Item></record>"
        b"<record><Country>Iran</Country><LastName>B</LastName></record>"
        b"<record><Country>Iran</Country><LastName>C</LastName><Item>1</Item></record></data-set>"
    )
    result = parse_files(DATASET, {"main": data})
    assert [entity.source_id for entity in result.entities] == ["Iran-1", "Iran-1-2"]
    assert result.warnings[0].startswith("skipped 1 records")
    assert "numbered -2" in result.warnings[1]


def test_model_vocabulary(result: ParseResult) -> None:
    assert_model_vocabulary(result)
