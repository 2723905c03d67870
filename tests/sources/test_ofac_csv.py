"""OFAC CSV set (SDN.CSV, ALT, ADD, COMMENTS) on the bundled real files."""

from __future__ import annotations

import gzip

import pytest

from interdict import bundle
from interdict.errors import FormatError, SourceError
from interdict.model import Address, Identifier, PartialDate, Relation
from interdict.sources import parse_files
from interdict.sources.base import ParseResult, entity_id
from interdict.sources.ofac_csv import parse, split_programs
from tests.helpers import fixture_bytes
from tests.sources.ofac_data import csv_rows, sdn_files, sdn_result
from tests.sources.vocabulary import assert_model_vocabulary


@pytest.fixture(scope="module")
def files() -> dict[str, bytes]:
    return sdn_files()


@pytest.fixture(scope="module")
def sdn() -> ParseResult:
    return sdn_result()


@pytest.fixture(scope="module")
def by_id(sdn: ParseResult) -> dict:
    return {entity.source_id: entity for entity in sdn.entities}


def test_counts_reconcile_with_the_file(sdn: ParseResult, files: dict[str, bytes]) -> None:
    assert len(sdn.entities) == 14_965
    assert sdn.counts() == {"Person": 6_854, "Organization": 6_884, "Vessel": 851, "Airplane": 376}
    assert [entity.source_id for entity in sdn.entities] == [row[0] for row in csv_rows(files["sdn"])]
    assert all(entity.id == entity_id("us_ofac_sdn", entity.source_id) for entity in sdn.entities)
    assert sdn.published is None


def test_every_alias_row_lands_on_its_entry(sdn: ParseResult, by_id: dict, files: dict[str, bytes]) -> None:
    alt = [row for row in csv_rows(files["alt"])[1:] if row[0].isdigit()]  # header row and the stray \x1a row
    assert len(alt) == 18_939
    absent = [row for row in alt if row[0] not in by_id]
    kinds = {"aka": "alias", "fka": "former", "nka": "alias"}
    for row in alt:
        if row[0] in by_id:
            names = {(name.full, name.kind) for name in by_id[row[0]].names}
            assert (" ".join(row[3].split()), kinds[row[2]]) in names
    orphans = len({row[0] for row in absent})
    assert (len(absent), orphans) == (906, 560)
    assert f"skipped 906 aliases whose entry is absent from the primary file ({orphans} entries)" in sdn.warnings


def test_warnings(sdn: ParseResult) -> None:
    assert sdn.warnings == [
        "skipped 2 comment rows whose entry is absent from the primary file",
        "skipped 906 aliases whose entry is absent from the primary file (560 entries)",
        "skipped 2430 addresses whose entry is absent from the primary file",
    ]


def test_irgc_person(by_id: dict) -> None:
    qasemi = by_id["11786"]
    assert qasemi.schema == "Person"
    assert qasemi.names[0].full == "QASEMI, Rostam"
    assert (qasemi.names[0].kind, qasemi.names[0].last, qasemi.names[0].first) == ("primary", "QASEMI", "Rostam")
    assert qasemi.programs == ["SDGT", "NPWMD", "IRGC", "IFSR"]
    assert qasemi.birth_dates == [PartialDate(start="1964-05-22")]
    assert qasemi.birth_places == ["Lamerd, Iran"]
    assert qasemi.nationalities == ["ir"] and qasemi.citizenships == ["ir"]
    assert qasemi.gender == "male"
    assert Identifier(type="passport", value="A2463775", country="ir", note="Passport") in qasemi.identifiers
    assert Relation(type="linked_to", target_id="us_ofac_sdn-10481", target_name="SOLEIMANI, Qasem") in qasemi.relations


def test_person_name_kept_as_written(files: dict[str, bytes]) -> None:
    cons = parse(bundle.read_files("us_ofac_cons"), "us_ofac_cons")
    haniya = next(entity for entity in cons.entities if entity.source_id == "9639")
    primary = haniya.names[0]
    assert (primary.full, primary.last, primary.first) == ("HANIYA, Ismail Abdul Salah", "HANIYA", "Ismail Abdul Salah")
    assert haniya.id == "us_ofac_cons-9639"
    assert haniya.birth_dates == [PartialDate(start="1962")]
    assert haniya.birth_places == ["Shati"]


def test_vessel(by_id: dict) -> None:
    ebano = by_id["4243"]
    assert ebano.schema == "Vessel"
    assert [(name.full, name.kind) for name in ebano.names] == [
        ("EBANO", "primary"),
        ("ANA I", "former"),
        ("SAND SWAN", "former"),
    ]
    assert ebano.identifier_values("imo") == ["7406784"]
    assert ebano.extra == {"type": ["General Cargo"], "tonnage": ["2595"], "grossRegisteredTonnage": ["1865"], "flag": ["pa"]}
    artavil = by_id["15036"]
    assert artavil.identifier_values("call_sign") == ["T2EU4"]
    assert artavil.identifier_values("mmsi") == ["572469210"]
    assert artavil.extra["flag"] == ["ir"]
    assert artavil.extra["pastFlags"] == ["mt", "tv", "tz"]


def test_aircraft(by_id: dict) -> None:
    plane = by_id["15431"]
    assert plane.schema == "Airplane"
    assert plane.caption == "EP-GOM"
    assert plane.identifier_values("tail_number") == ["EP-GOM"]
    assert plane.identifier_values("msn") == ["1023409321"]
    assert plane.extra == {"buildDate": ["1992"], "model": ["IL76-TD"], "operator": ["YAS AIR"]}
    assert plane.relations == [Relation(type="linked_to", target_id="us_ofac_sdn-13109", target_name="POUYA AIR")]
    assert by_id["13109"].caption == "POUYA AIR"


def test_addresses_and_regions(by_id: dict) -> None:
    assert by_id["26120"].addresses[0] == Address(
        full="71 Linton Road, Acton, London W3 9HL, United Kingdom",
        street="71 Linton Road, Acton",
        city="London W3 9HL",
        country="gb",
        country_name="United Kingdom",
    )
    regions = [address for entity in by_id.values() for address in entity.addresses if address.region == "West Bank"]
    assert regions and all(address.country == "ps" for address in regions)


def test_comments_continue_cut_remarks(by_id: dict) -> None:
    # 28263 TIAN, Yinyin: remarks cut at 1,000 characters inside "a.k.a. 'snowsjo", continued "hn'; Linked To: ..."
    tian = by_id["28263"]
    assert ("snowsjohn", "weak") in [(name.full, name.kind) for name in tian.names]
    assert [relation.target_name for relation in tian.relations] == ["LAZARUS GROUP"]
    assert tian.relations[0].target_id == "us_ofac_sdn-27307"


def test_comments_cut_at_a_space() -> None:
    # CONS 17250 GAZPROM: "...Registration Number 1027700070518 " + "(Russia); For more information..."
    cons = {entity.source_id: entity for entity in parse(bundle.read_files("us_ofac_cons"), "us_ofac_cons").entities}
    gazprom = cons["17250"]
    assert Identifier(type="registration", value="1027700070518", country="ru", note="Registration Number") in gazprom.identifiers


def test_positions_from_title(by_id: dict) -> None:
    habib = by_id["20222"]
    assert habib.positions == ["Owner", "General Manager", "Chief Executive Officer"]
    assert not any("Position" in remark for remark in habib.remarks)
    assert by_id["16662"].positions == ["Member of the State Duma of the Federal Assembly of the Russian Federation"]


def test_consolidated_list() -> None:
    cons = parse_files("us_ofac_cons", bundle.read_files("us_ofac_cons"))
    assert len(cons.entities) == 442
    assert cons.counts() == {"Person": 79, "Organization": 363}
    assert cons.warnings == []
    assert all(entity.id.startswith("us_ofac_cons-") for entity in cons.entities)


def test_older_set_without_header() -> None:
    files = {
        "sdn": fixture_bytes("ofac/2021-07/sdn.csv"),
        "alt": fixture_bytes("ofac/2021-07/alt.csv"),
        "add": fixture_bytes("ofac/2021-07/add.csv"),
        "comments": fixture_bytes("ofac/2021-07/sdn_comments.csv"),
    }
    result = parse(files, "us_ofac_sdn")
    assert len(result.entities) == 8_976
    assert result.counts() == {"Organization": 3_673, "Person": 4_620, "Vessel": 406, "Airplane": 277}
    assert result.warnings == []


def test_primary_file_alone() -> None:
    result = parse({"sdn": bundle.read_files("us_ofac_cons")["sdn"]}, "us_ofac_cons")
    assert len(result.entities) == 442
    assert result.warnings == []
    assert all(name.kind in ("primary", "weak", "former", "alias") for entity in result.entities for name in entity.names)


def test_split_programs() -> None:
    assert split_programs("IRAN] [SDGT] [IRGC") == ["IRAN", "SDGT", "IRGC"]
    assert split_programs("CUBA") == ["CUBA"]
    assert split_programs(None) == []


# --- bad input -----------------------------------------------------------------


def bad(sdn: bytes, **others: bytes) -> str:
    with pytest.raises(SourceError) as caught:
        parse({"sdn": sdn, **others}, "us_ofac_sdn")
    assert isinstance(caught.value, FormatError)
    return str(caught.value)


def test_empty_file() -> None:
    assert "empty" in bad(b"")
    assert "empty" in bad(b"\x1a")


def test_html_error_page() -> None:
    assert "HTML page" in bad(b"<!DOCTYPE html><html><body>503 Service Unavailable</body></html>")


def test_truncated_inside_a_quoted_field(files: dict[str, bytes]) -> None:
    cut = files["sdn"][: len(files["sdn"]) // 2]
    cut = cut[: cut.rindex(b'"') + 5]  # just inside a quoted field
    assert "truncated" in bad(cut)


def test_truncated_inside_a_row(files: dict[str, bytes]) -> None:
    data = files["sdn"]
    start = data.index(b"\r\n36,") if b"\r\n36," in data else data.index(b"\n173,")
    assert "truncated" in bad(data[: start + 12])


def test_truncated_gzip(files: dict[str, bytes]) -> None:
    packed = gzip.compress(files["sdn"])
    assert "truncated" in bad(packed[: len(packed) // 2])


def test_wrong_file_in_a_role(files: dict[str, bytes]) -> None:
    message = bad(files["alt"])
    assert "columns" in message and "right file" in message
    message = bad(files["sdn"], alt=files["sdn"])
    assert "ALT.CSV" in message


def test_wrong_encoding(files: dict[str, bytes]) -> None:
    utf16 = files["sdn"][:5000].decode("cp1252").encode("utf-16")
    assert "NUL bytes" in bad(utf16)


def test_missing_primary_file(files: dict[str, bytes]) -> None:
    with pytest.raises(FormatError, match="primary file"):
        parse({"alt": files["alt"]}, "us_ofac_sdn")
    with pytest.raises(FormatError, match="needs files for roles"):
        parse_files("us_ofac_sdn", {"alt": files["alt"]})


def test_model_vocabulary(sdn: ParseResult) -> None:
    assert_model_vocabulary(sdn)
