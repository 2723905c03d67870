"""OFAC ENHANCED_XML on two real exports: the IRGC programme filter and the zipped consolidated list."""

from __future__ import annotations

import io
import re
import zipfile

import pytest

from interdict.errors import FormatError, SourceError, UnsafeXMLError
from interdict.model import Address, Identifier, PartialDate, Relation
from interdict.sources import parse_files
from interdict.sources.base import ParseResult
from interdict.sources.ofac_enhanced import parse
from tests.helpers import fixture_bytes
from tests.sources.ofac_data import sdn_result
from tests.sources.vocabulary import assert_model_vocabulary


@pytest.fixture(scope="module")
def irgc_data() -> bytes:
    return fixture_bytes("ofac/irgc_enhanced.xml")


@pytest.fixture(scope="module")
def irgc(irgc_data: bytes) -> ParseResult:
    return parse({"main": irgc_data}, "us_ofac_sdn")


@pytest.fixture(scope="module")
def by_id(irgc: ParseResult) -> dict:
    return {entity.source_id: entity for entity in irgc.entities}


def test_irgc_counts_and_date(irgc: ParseResult, irgc_data: bytes) -> None:
    assert len(irgc.entities) == 293 == irgc_data.count(b"<entity id=")
    assert irgc.counts() == {"Person": 165, "Organization": 84, "Airplane": 44}
    assert irgc.published == "2024-08-28"
    assert irgc.warnings == []
    assert all("IRGC" in entity.programs for entity in irgc.entities)


def test_consolidated_zip() -> None:
    result = parse({"main": fixture_bytes("ofac/CONS_ENHANCED.ZIP")}, "us_ofac_cons")
    assert len(result.entities) == 443
    assert result.counts() == {"Person": 80, "Organization": 363}
    assert result.published == "2025-01-10"
    assert result.warnings == []
    sber = next(entity for entity in result.entities if entity.source_id == "17018")
    assert Identifier(type="bic", value="SABRRUMM", note="SWIFT/BIC") in sber.identifiers
    assert {name.full for name in sber.names if name.kind == "weak"} == {"SBERBANK INDIA", "SBERBANK MUMBAI"}


def test_irgc_person(by_id: dict) -> None:
    qasemi = by_id["11786"]
    assert qasemi.id == "us_ofac_sdn-11786"
    assert qasemi.schema == "Person"
    assert (qasemi.names[0].full, qasemi.names[0].kind, qasemi.names[0].last, qasemi.names[0].first) == (
        "QASEMI, Rostam",
        "primary",
        "QASEMI",
        "Rostam",
    )
    assert qasemi.birth_dates == [PartialDate(start="1964-05-22")]
    assert qasemi.birth_places == ["Lamerd, Iran"]
    assert Identifier(type="passport", value="A2463775", country="ir", note="Passport") in qasemi.identifiers
    assert Identifier(type="national_id", value="6579726970", country="ir", note="National ID No.") in qasemi.identifiers
    assert qasemi.listed_on == ["2010-02-10"]
    assert (
        Relation(
            type="linked_to", target_id="us_ofac_sdn-10481", target_name="SOLEIMANI, Qasem", note="Acting for or on behalf of"
        )
        in qasemi.relations
    )


def test_original_script_names(by_id: dict) -> None:
    alchwiki = by_id["26120"]
    cyrillic = [name for name in alchwiki.names if name.kind == "original_script"]
    assert [(name.full, name.last, name.first, name.middle) for name in cyrillic] == [
        ("АЛЬШВИКИ, Мхд Амер", "АЛЬШВИКИ", "Мхд", "Амер")
    ]
    # Arabic names come wrapped in direction marks (U+202B ... U+202C); they are dropped
    fatemiyoun = by_id["26347"]
    assert ("لواء فاطميون", "original_script") in [(name.full, name.kind) for name in fatemiyoun.names]


def test_relations_outside_the_filtered_file(by_id: dict) -> None:
    relations = by_id["26120"].relations
    assert (
        Relation(
            type="linked_to", target_id="us_ofac_sdn-26119", target_name="GLOBAL VISION GROUP", note="Acting for or on behalf of"
        )
        in relations
    )
    # HIZBALLAH is not in the IRGC export: no id to point at, but the name and OFAC's number stay
    assert Relation(type="linked_to", target_name="HIZBALLAH", note="Providing support to (OFAC entry 4697)") in relations


def test_relation_without_a_name_is_named_from_the_file(by_id: dict) -> None:
    assert by_id["44927"].relations[0].target_name == by_id["44926"].caption


def test_aircraft(by_id: dict) -> None:
    plane = by_id["24475"]
    assert plane.schema == "Airplane"
    assert plane.caption == "EP-PUL"
    assert plane.identifier_values("tail_number") == ["EP-PUL"]
    assert plane.identifier_values("msn") == ["33448393"]
    assert plane.extra == {"buildDate": ["1983"], "model": ["IL-76"], "operator": ["Pouya Air"]}
    assert plane.relations == [
        Relation(type="owner", target_id="us_ofac_sdn-13109", target_name="POUYA AIR", note="Owned or Controlled By")
    ]


def test_address_parts(by_id: dict) -> None:
    assert by_id["26120"].addresses[0] == Address(
        full="71 Linton Road, Acton, London W3 9HL, United Kingdom",
        street="71 Linton Road, Acton",
        city="London",
        postal_code="W3 9HL",
        country="gb",
        country_name="United Kingdom",
    )


def test_consistent_with_the_csv(irgc: ParseResult) -> None:
    """Every IRGC entry reads the same from SDN.CSV (2024-05-03) and the enhanced export (2024-08-28)."""
    csv = {entity.source_id: entity for entity in sdn_result().entities}
    assert all(entity.source_id in csv for entity in irgc.entities)
    for entity in irgc.entities:
        other = csv[entity.source_id]
        assert entity.id == other.id
        assert entity.schema == other.schema
        assert entity.caption == other.caption
        assert entity.birth_dates == other.birth_dates
        assert entity.birth_places == other.birth_places
        assert sorted(entity.nationalities) == sorted(other.nationalities)
        assert sorted(entity.citizenships) == sorted(other.citizenships)
        assert entity.gender == other.gender
        assert entity.extra == other.extra
        strong = ("passport", "national_id", "imo", "msn", "tail_number", "crypto_wallet", "bic")
        assert sorted(entity.identifier_values(*strong)) == sorted(other.identifier_values(*strong))
        latin = {(name.full, name.kind) for name in entity.names if name.kind != "original_script"}
        assert latin == {(name.full, name.kind) for name in other.names}
        assert {relation.target_id for relation in entity.relations if relation.target_id} <= {
            relation.target_id for relation in other.relations
        }
    # one person, field by field
    assert csv["26120"].identifiers == next(e for e in irgc.entities if e.source_id == "26120").identifiers


def test_reference_ids_resolve_without_inline_text(irgc: ParseResult, irgc_data: bytes) -> None:
    """Values that give only a refId/featureTypeId are looked up in the file's tables."""
    bare = re.sub(rb'<(\w+) ((?:refId|featureTypeId)="\d+"[^>]*)>[^<]+</\1>', rb"<\1 \2></\1>", irgc_data)
    assert bare.count(b'refId="1571"></type>') > 50  # Passport
    assert parse({"main": bare}, "us_ofac_sdn").entities == irgc.entities


def test_registry_parser_override(irgc_data: bytes) -> None:
    assert len(parse_files("us_ofac_sdn", {"main": irgc_data}, parser="ofac_enhanced").entities) == 293


# --- bad input -----------------------------------------------------------------


def bad(data: bytes) -> SourceError:
    with pytest.raises(SourceError) as caught:
        parse({"main": data}, "us_ofac_sdn")
    return caught.value


def test_empty() -> None:
    assert "empty" in str(bad(b""))


def test_html_page() -> None:
    assert "HTML page" in str(bad(b"<!DOCTYPE html>\n<html><body><h1>404 Not Found</h1></body></html>"))


def test_truncated_xml(irgc_data: bytes) -> None:
    error = bad(irgc_data[: len(irgc_data) // 2])
    assert isinstance(error, FormatError) and "truncated" in str(error)


def test_truncated_zip() -> None:
    data = fixture_bytes("ofac/CONS_ENHANCED.ZIP")
    error = bad(data[: len(data) - 1000])
    assert isinstance(error, FormatError) and "zip" in str(error)


def test_zip_without_xml() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("README.txt", "nothing here")
    assert "holds no .xml" in str(bad(buffer.getvalue()))


def test_external_entity_refused() -> None:
    xxe = (
        b'<?xml version="1.0"?><!DOCTYPE sanctionsData [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
        b'<sanctionsData><entities><entity id="1">&xxe;</entity></entities></sanctionsData>'
    )
    assert isinstance(bad(xxe), UnsafeXMLError)


def test_entity_bomb_refused() -> None:
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
        b'<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]><sanctionsData>&c;</sanctionsData>'
    )
    assert isinstance(bad(bomb), UnsafeXMLError)


def test_wrong_xml_file() -> None:
    error = bad(fixture_bytes("ofac/cons_classic.xml"))
    assert isinstance(error, FormatError) and "<sdnList>" in str(error)
    assert "no <entity>" in str(bad(b"<sanctionsData><entities/></sanctionsData>"))


def test_model_vocabulary(irgc: ParseResult) -> None:
    assert_model_vocabulary(irgc)
