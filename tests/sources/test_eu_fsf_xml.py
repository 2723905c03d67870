"""The official EU FSF XML (format 1.1), on two real entities of a 2018 export."""

from __future__ import annotations

import pytest

from interdict import bundle
from interdict.errors import FormatError, UnsafeXMLError
from interdict.model import Identifier, Name, PartialDate
from interdict.sources import parse_files
from interdict.sources.base import ParseResult
from interdict.sources.eu_fsf_xml import is_latin
from tests.helpers import fixture_bytes
from tests.sources.vocabulary import assert_model_vocabulary

DATASET = "eu_fsf"


@pytest.fixture(scope="module")
def result() -> ParseResult:
    return parse_files(DATASET, {"main": fixture_bytes("eu/fsf_sample_2018.xml")}, parser="eu_fsf_xml")


def test_counts_and_publication_date(result: ParseResult) -> None:
    assert result.counts() == {"Person": 1, "Organization": 1}
    assert [entity.id for entity in result.entities] == ["eu_fsf-1", "eu_fsf-207"]
    assert result.published == "2018-12-21"
    assert result.warnings == []


def test_mugabe(result: ParseResult) -> None:
    mugabe = result.entities[0]
    assert mugabe.source_id == "1"
    assert mugabe.names == [Name(full="Robert Gabriel Mugabe", first="Robert", middle="Gabriel", last="Mugabe")]
    assert mugabe.birth_dates == [PartialDate(start="1924-02-21")]
    assert mugabe.birth_places == []  # the EU gives country "00 / UNKNOWN" and nothing else
    assert mugabe.identifiers == [Identifier(type="passport", value="AD001095", note="National passport; (passport)")]
    assert mugabe.gender == "male"
    assert mugabe.positions == ["Former President"]
    assert mugabe.programs == ["ZWE"]
    assert mugabe.listed_on == ["2018-02-16"]
    assert mugabe.extra == {"euReference": ["EU.36.64"]}
    assert mugabe.relations == []


def test_organisation_names_by_script(result: ParseResult) -> None:
    ibda = result.entities[1]
    assert ibda.schema == "Organization"
    assert [(name.full, name.kind, name.lang) for name in ibda.names] == [
        ("İslami Büyük Doğu Akıncılar Cephesi", "primary", None),
        ("Great Islamic Eastern Warriors Front", "alias", None),
        ("Фронт на великите ислямски източни воини", "original_script", "bg"),
        ("Μέγα Ισλαµικό Μέτωπο των Πολεµιστών της Ανατολής", "original_script", "el"),
        ("IBDA-C", "alias", None),
    ]
    assert ibda.programs == ["TERR"]
    assert ibda.extra == {"euReference": ["EU.3523.13"]}


def test_un_cross_reference_and_weak_alias() -> None:
    # The sample entity 207 with the attributes a UN-derived entry carries.
    data = fixture_bytes("eu/fsf_sample_2018.xml").replace(
        b'unitedNationId="" euReferenceNumber="EU.3523.13"', b'unitedNationId="QDe.999" euReferenceNumber="EU.3523.13"'
    )
    data = data.replace(
        b'wholeName="IBDA-C" function="" title="" nameLanguage="" strong="true"',
        b'wholeName="IBDA-C" function="" title="" nameLanguage="" strong="false"',
    )
    ibda = parse_files(DATASET, {"main": data}, parser="eu_fsf_xml").entities[1]
    assert ibda.extra["unReference"] == ["QDe.999"]
    assert ibda.relations[0].type == "same_as" and ibda.relations[0].target_name == "QDe.999"
    assert ibda.names[-1] == Name(full="IBDA-C", kind="weak")


def test_script_detection() -> None:
    assert is_latin("Ramiľ Rachmatullovič İbatullin")
    assert not is_latin("Рамиль Ибатуллин")
    assert not is_latin("محمد حسن آخوند")


@pytest.mark.parametrize(
    "data, message",
    [
        (b"", "empty"),
        (b"<html><body><h1>Maintenance</h1></body></html>", "HTML page"),
        (
            b'<?xml version="1.0"?><export xmlns="http://eu.europa.ec/fpi/fsd/export" generationDate="2018-12-21"><sanctionEntity',
            "not well-formed",
        ),
        (
            b'<?xml version="1.0"?><export xmlns="http://eu.europa.ec/fpi/fsd/export" generationDate="2018-12-21"/>',
            "no <sanctionEntity>",
        ),
    ],
)
def test_bad_input_is_refused_clearly(data: bytes, message: str) -> None:
    with pytest.raises(FormatError, match=message):
        parse_files(DATASET, {"main": data}, parser="eu_fsf_xml")


def test_another_lists_file_is_refused() -> None:
    with pytest.raises(FormatError, match="not <export>"):
        parse_files(DATASET, {"main": bundle.read_files("un_sc_sanctions")["main"]}, parser="eu_fsf_xml")


def test_entity_bomb_is_refused() -> None:
    bomb = b'<?xml version="1.0"?><!DOCTYPE e [<!ENTITY a "xxxxxxxxxx"><!ENTITY b "&a;&a;&a;&a;&a;&a;">]><export>&b;</export>'
    with pytest.raises(UnsafeXMLError):
        parse_files(DATASET, {"main": bomb}, parser="eu_fsf_xml")


def test_model_vocabulary(result: ParseResult) -> None:
    assert_model_vocabulary(result)
