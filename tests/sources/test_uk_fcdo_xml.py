"""The official UK Sanctions List XML, checked against the table parser.

No full official XML could be archived (see the parser's docstring), so the
fixture is a hand-made file in the official structure holding five real
designations copied from the bundled tables; both parsers must agree on them.
"""

from __future__ import annotations

import json

import pytest

from interdict import bundle
from interdict.errors import FormatError, UnsafeXMLError
from interdict.model import BIRTH_DATE_CAVEAT, Address, Entity, Identifier, Name, PartialDate, entity_to_dict
from interdict.sources import parse_files
from interdict.sources.base import ParseResult
from tests.helpers import fixture_bytes
from tests.sources.vocabulary import assert_model_vocabulary

DATASET = "gb_fcdo_sanctions"
SAMPLE = "uk/uk_sanctions_list_sample.xml"


@pytest.fixture(scope="module")
def result() -> ParseResult:
    return parse_files(DATASET, {"main": fixture_bytes(SAMPLE)}, parser="uk_fcdo_xml")


def _facts(entity: Entity) -> dict:
    """Entity as a dict, list order ignored (the two formats order rows differently)."""
    data = entity_to_dict(entity)
    return {
        key: sorted(json.dumps(item, sort_keys=True, ensure_ascii=False) for item in value) if isinstance(value, list) else value
        for key, value in data.items()
    }


def test_sample_reads(result: ParseResult) -> None:
    assert [entity.source_id for entity in result.entities] == ["AFG0006", "INU0215", "DPR0075", "BEL0065", "DRC0067"]
    assert result.counts() == {"Person": 2, "Organization": 2, "Vessel": 1}
    assert result.published == "2026-04-29"
    assert result.warnings == []


def test_xml_and_tables_give_the_same_facts(result: ParseResult) -> None:
    tables = {
        entity.source_id: entity for entity in parse_files(DATASET, bundle.read_files(DATASET), parser="uk_tables").entities
    }
    for entity in result.entities:
        table_entity = tables[entity.source_id]
        # Only the tables carry the caveat on their (often misattached) birth dates.
        table_entity.extra.pop(BIRTH_DATE_CAVEAT, None)
        assert BIRTH_DATE_CAVEAT not in entity.extra
        assert _facts(entity) == _facts(table_entity), entity.source_id


def test_spot_checks(result: ParseResult) -> None:
    by_id = {entity.source_id: entity for entity in result.entities}
    assert by_id["DPR0075"].identifiers == [Identifier(type="imo", value="9562233")]
    assert by_id["INU0215"].extra["unReference"] == ["IRe.001"]
    assert by_id["DRC0067"].names[1] == Name(full="Adonia", kind="weak")
    assert PartialDate(start="1975") in by_id["DRC0067"].birth_dates
    assert by_id["BEL0065"].identifiers[0].value == "(УНН/ИНН): 190950894 (Belarus), 7704734000/770301001 (Russia)"


# Elements the tables do not carry, filled with real facts the UN publishes for
# the same person (UN TAi.002 = UK AFG0006), to exercise the rest of the format.
AKHUND_DETAILS = """<?xml version="1.0" encoding="utf-8"?>
<Designations>
  <DateGenerated>29/04/2026</DateGenerated>
  <Designation>
    <DateDesignated>25/01/2001</DateDesignated>
    <UniqueID>AFG0006</UniqueID>
    <UNReferenceNumber>TAi.002</UNReferenceNumber>
    <Names>
      <Name><Name1>MOHAMMAD</Name1><Name2>HASSAN</Name2><Name6>AKHUND</Name6><NameType>Primary Name</NameType></Name>
    </Names>
    <NonLatinNames>
      <NonLatinName><NameNonLatinScript>محمد حسن آخوند</NameNonLatinScript><NonLatinScriptLanguage>Pashto</NonLatinScriptLanguage></NonLatinName>
    </NonLatinNames>
    <RegimeName>The Afghanistan (Sanctions) (EU Exit) Regulations 2020</RegimeName>
    <IndividualEntityShip>Individual</IndividualEntityShip>
    <OtherInformation>Belongs to Kakar tribe.</OtherInformation>
    <Addresses><Address><AddressLine6>Kandahar Province</AddressLine6><AddressCountry>Afghanistan</AddressCountry></Address></Addresses>
    <IndividualDetails>
      <Individual>
        <Titles><Title>Mullah</Title></Titles>
        <Genders><Gender>Male</Gender></Genders>
        <Positions><Position>Governor of Kandahar under the Taliban regime</Position></Positions>
        <BirthDetails><Location><TownOfBirth>Pashmul village</TownOfBirth><CountryOfBirth>Afghanistan</CountryOfBirth></Location></BirthDetails>
      </Individual>
    </IndividualDetails>
  </Designation>
</Designations>
""".encode()


def test_elements_beyond_the_tables() -> None:
    (akhund,) = parse_files(DATASET, {"main": AKHUND_DETAILS}, parser="uk_fcdo_xml").entities
    assert akhund.names == [
        Name(full="MOHAMMAD HASSAN AKHUND", first="MOHAMMAD", middle="HASSAN", last="AKHUND", title="Mullah"),
        Name(full="محمد حسن آخوند", kind="original_script"),
    ]
    assert akhund.gender == "male"
    assert akhund.positions == ["Governor of Kandahar under the Taliban regime"]
    assert akhund.birth_places == ["Pashmul village, Afghanistan"]
    assert akhund.addresses == [Address(full="Kandahar Province, Afghanistan", country="af", country_name="Afghanistan")]
    assert akhund.remarks == ["Belongs to Kakar tribe."]


@pytest.mark.parametrize(
    "data, message",
    [
        (b"", "empty"),
        (b"<!DOCTYPE html>\n<html><head><title>Error</title></head><body>Service unavailable</body></html>", "HTML page"),
        (
            b"<?xml version='1.0'?><Designations><DateGenerated>29/04/2026</DateGenerated><Designation><UniqueID>AFG",
            "not well-formed",
        ),
        (b"<?xml version='1.0'?><Designations><DateGenerated>29/04/2026</DateGenerated></Designations>", "no <Designation>"),
        (b"<?xml version='1.0'?><ArrayOfFinancialSanctionsTarget/>", "not <Designations>"),
    ],
)
def test_bad_input_is_refused_clearly(data: bytes, message: str) -> None:
    with pytest.raises(FormatError, match=message):
        parse_files(DATASET, {"main": data}, parser="uk_fcdo_xml")


def test_truncated_sample_is_refused() -> None:
    data = fixture_bytes(SAMPLE)
    with pytest.raises(FormatError, match="truncated"):
        parse_files(DATASET, {"main": data[: len(data) - 200]}, parser="uk_fcdo_xml")


def test_external_entities_are_refused() -> None:
    xxe = b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]><Designations><Designation>&x;</Designation></Designations>'
    with pytest.raises(UnsafeXMLError):
        parse_files(DATASET, {"main": xxe}, parser="uk_fcdo_xml")


def test_model_vocabulary(result: ParseResult) -> None:
    assert_model_vocabulary(result)
