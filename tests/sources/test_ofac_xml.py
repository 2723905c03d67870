"""OFAC classic XML (sdnList) on the real non-SDN consolidated export of 2025-03-28."""

from __future__ import annotations

import io
import zipfile

import pytest

from interdict import bundle
from interdict.errors import FormatError, SourceError, UnsafeXMLError
from interdict.model import Address, Identifier, PartialDate, Relation
from interdict.sources import parse_files
from interdict.sources.base import ParseResult
from interdict.sources.ofac_csv import parse as parse_csv
from interdict.sources.ofac_xml import parse, published_date
from tests.helpers import fixture_bytes
from tests.sources.vocabulary import assert_model_vocabulary


@pytest.fixture(scope="module")
def data() -> bytes:
    return fixture_bytes("ofac/cons_classic.xml")


@pytest.fixture(scope="module")
def result(data: bytes) -> ParseResult:
    return parse({"main": data}, "us_ofac_cons")


@pytest.fixture(scope="module")
def by_id(result: ParseResult) -> dict:
    return {entity.source_id: entity for entity in result.entities}


def test_counts_and_date(result: ParseResult, data: bytes) -> None:
    assert len(result.entities) == 443 == data.count(b"<sdnEntry>")
    assert result.counts() == {"Person": 80, "Organization": 363}
    assert result.published == "2025-03-28"
    assert result.warnings == []
    assert len({entity.id for entity in result.entities}) == 443


def test_person(by_id: dict) -> None:
    evren = by_id["26182"]
    assert evren.id == "us_ofac_cons-26182"
    assert evren.schema == "Person"
    assert (evren.names[0].full, evren.names[0].last, evren.names[0].first) == ("KAYAKIRAN, Evren", "KAYAKIRAN", "Evren")
    assert evren.programs == ["FSE-IR"]
    assert evren.identifiers == [Identifier(type="passport", value="U00242309", country="tr", note="Passport")]
    assert evren.gender == "male"
    assert evren.birth_dates == [PartialDate(start="1980-02-08")]
    assert evren.citizenships == ["tr"]
    assert evren.addresses == [Address(full="Turkey", country="tr", country_name="Turkey")]


def test_aliases_and_birth_data(by_id: dict) -> None:
    haniya = by_id["9639"]
    assert [(name.full, name.kind) for name in haniya.names] == [
        ("HANIYA, Ismail Abdul Salah", "primary"),
        ("HANIYA, Ismail", "alias"),
        ("HANIYYA, Ismaeel", "alias"),
    ]
    assert haniya.birth_dates == [PartialDate(start="1962")]
    assert haniya.birth_places == ["Shati"]


def test_organisation_with_weak_and_former_names(by_id: dict) -> None:
    sber = by_id["17018"]
    kinds = {name.full: name.kind for name in sber.names}
    assert kinds["SBERBANK INDIA"] == "weak"
    assert kinds["SBERBANK ROSSII OAO"] == "former"
    assert kinds["PJSC SBERBANK"] == "alias"
    assert Identifier(type="bic", value="SABRRUMM", note="SWIFT/BIC") in sber.identifiers
    assert Identifier(type="tax_id", value="7707083893", country="ru", note="Tax ID No.") in sber.identifiers
    assert sber.listed_on == ["2022-02-24"]
    assert "Target Type Financial Institution" in sber.remarks
    assert sber.addresses[3].region == "Maharashtra" and sber.addresses[3].postal_code == "40051"


def test_linked_to_in_remarks(by_id: dict) -> None:
    gazprom_ids = [entity.source_id for entity in by_id.values() if entity.caption == "PUBLIC JOINT STOCK COMPANY GAZPROM"]
    assert len(gazprom_ids) == 1
    linked = [
        entity
        for entity in by_id.values()
        if any(r.target_name == "PUBLIC JOINT STOCK COMPANY GAZPROM" for r in entity.relations)
    ]
    assert len(linked) > 40
    assert all(
        Relation(type="linked_to", target_id=f"us_ofac_cons-{gazprom_ids[0]}", target_name="PUBLIC JOINT STOCK COMPANY GAZPROM")
        in entity.relations
        for entity in linked
    )
    assert not any("Linked To" in remark for entity in linked for remark in entity.remarks)
    # HAMAS is not on the non-SDN list: the relation keeps the name only
    assert by_id["9647"].relations == [Relation(type="linked_to", target_name="HAMAS")]


def test_consistent_with_the_csv_export(result: ParseResult) -> None:
    """The classic XML and CONS_PRIM.CSV are two renderings of the same list: names and ids agree."""
    csv = {entity.source_id: entity for entity in parse_csv(bundle.read_files("us_ofac_cons"), "us_ofac_cons").entities}
    common = [entity for entity in result.entities if entity.source_id in csv]
    assert len(common) == 442
    renamed = [entity.source_id for entity in common if entity.caption != csv[entity.source_id].caption]
    assert renamed == ["18284"]  # RN KOMSOMOLSKIY REFINERY LLC -> RN-KOMSOMOLSKY REFINERY LLC between the two exports
    assert all(entity.schema == csv[entity.source_id].schema for entity in common)
    same_dobs = sum(entity.birth_dates == csv[entity.source_id].birth_dates for entity in common)
    assert same_dobs == 442


def test_vessel_info() -> None:
    """The consolidated list has no vessels; this is SDN entry 4243 EBANO written the classic-XML way."""
    xml = b"""<sdnList xmlns="https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/XML">
      <publshInformation><Publish_Date>05/03/2024</Publish_Date><Record_Count>1</Record_Count></publshInformation>
      <sdnEntry><uid>4243</uid><lastName>EBANO</lastName><sdnType>Vessel</sdnType>
        <programList><program>CUBA</program></programList>
        <idList><id><uid>1</uid><idType>Vessel Registration Identification</idType><idNumber>IMO 7406784</idNumber></id></idList>
        <akaList><aka><uid>2</uid><type>f.k.a.</type><category>weak</category><lastName>ANA I</lastName></aka></akaList>
        <vesselInfo><vesselType>General Cargo</vesselType><vesselFlag>Panama</vesselFlag>
          <tonnage>2595</tonnage><grossRegisteredTonnage>1865</grossRegisteredTonnage></vesselInfo>
      </sdnEntry></sdnList>"""
    result = parse({"main": xml}, "us_ofac_sdn")
    assert result.published == "2024-05-03"
    ebano = result.entities[0]
    assert (ebano.id, ebano.schema, ebano.caption) == ("us_ofac_sdn-4243", "Vessel", "EBANO")
    assert ebano.identifier_values("imo") == ["7406784"]
    assert [(name.full, name.kind) for name in ebano.names] == [("EBANO", "primary"), ("ANA I", "former")]
    assert ebano.extra == {"type": ["General Cargo"], "flag": ["pa"], "tonnage": ["2595"], "grossRegisteredTonnage": ["1865"]}


def test_registry_parser_override(data: bytes) -> None:
    result = parse_files("us_ofac_cons", {"main": data}, parser="ofac_xml")
    assert len(result.entities) == 443


def test_published_date_is_month_first() -> None:
    assert published_date("03/04/2025") == "2025-03-04"
    assert published_date("13/01/2025") is None
    assert published_date(None) is None


def test_zipped_and_compressed(data: bytes) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("CONS_PRIM.XML", data)
    assert len(parse({"main": buffer.getvalue()}, "us_ofac_cons").entities) == 443


# --- bad input -----------------------------------------------------------------


def bad(data: bytes) -> SourceError:
    with pytest.raises(SourceError) as caught:
        parse({"main": data}, "us_ofac_cons")
    return caught.value


def test_empty() -> None:
    assert "empty" in str(bad(b""))


def test_html_page() -> None:
    error = bad(b"<html><head><title>Error</title></head><body>Service unavailable</body></html>")
    assert isinstance(error, FormatError) and "HTML page" in str(error)


def test_truncated(data: bytes) -> None:
    error = bad(data[: len(data) // 3])
    assert isinstance(error, FormatError) and "truncated" in str(error)


def test_truncated_zip(data: bytes) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("CONS_PRIM.XML", data)
    error = bad(buffer.getvalue()[:20_000])
    assert isinstance(error, FormatError) and "zip" in str(error)


def test_external_entity_refused() -> None:
    xxe = b'<?xml version="1.0"?><!DOCTYPE sdnList [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><sdnList>&xxe;</sdnList>'
    assert isinstance(bad(xxe), UnsafeXMLError)


def test_entity_bomb_refused() -> None:
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;">'
        b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;">]><sdnList><sdnEntry><uid>1</uid><lastName>&lol3;</lastName>'
        b"</sdnEntry></sdnList>"
    )
    error = bad(bomb)
    assert isinstance(error, UnsafeXMLError) and "DTD" in str(error)


def test_wrong_xml_file() -> None:
    error = bad(fixture_bytes("ofac/irgc_enhanced.xml"))
    assert isinstance(error, FormatError) and "<sanctionsData>" in str(error)
    assert "no <sdnEntry>" in str(bad(b"<sdnList><publshInformation/></sdnList>"))


def test_not_xml() -> None:
    assert "not XML" in str(bad(b"36,AEROCARIBBEAN AIRLINES,-0- ,CUBA"))


def test_model_vocabulary(result: ParseResult) -> None:
    assert_model_vocabulary(result)
