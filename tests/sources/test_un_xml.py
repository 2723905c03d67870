"""The UN Security Council consolidated list, parsed from the bundled official XML."""

from __future__ import annotations

import pytest

from interdict import bundle
from interdict.errors import FormatError, SourceError, UnsafeXMLError
from interdict.model import Identifier, PartialDate, Relation
from interdict.sources import parse_files
from interdict.sources.base import ParseResult
from tests.sources.vocabulary import assert_model_vocabulary

DATASET = "un_sc_sanctions"


@pytest.fixture(scope="module")
def raw() -> bytes:
    return bundle.read_files(DATASET)["main"]


@pytest.fixture(scope="module")
def result(raw: bytes) -> ParseResult:
    return parse_files(DATASET, {"main": raw}, parser="un_xml")


@pytest.fixture(scope="module")
def by_id(result: ParseResult) -> dict:
    return {entity.source_id: entity for entity in result.entities}


def test_counts_reconcile_with_the_file(raw: bytes, result: ParseResult) -> None:
    assert raw.count(b"<INDIVIDUAL>") == 730
    assert raw.count(b"<ENTITY>") == 273
    assert result.counts() == {"Person": 730, "Organization": 273}
    assert len({entity.id for entity in result.entities}) == 1003
    assert result.published == "2026-02-27"
    assert all(entity.names and entity.names[0].kind == "primary" for entity in result.entities)
    assert sum(1 for entity in result.entities if entity.source_id.startswith("IR")) == 121


def test_warnings_say_what_was_not_read(result: ParseResult) -> None:
    assert result.warnings == [
        "14 identity documents give their number only in free text; kept as remarks, not identifiers",
        "8 cross-references in COMMENTS1 name listings absent from this file (delisted?); kept by reference only",
    ]


def test_iran_entity_with_aliases(by_id: dict) -> None:
    mitec = by_id["IRe.044"]
    assert mitec.id == "un_sc_sanctions-IRe.044"
    assert mitec.schema == "Organization"
    assert [(name.full, name.kind) for name in mitec.names] == [
        ("MODERN INDUSTRIES TECHNIQUE COMPANY (MITEC)", "primary"),
        ("MITEC", "alias"),
        ("Rahkar Company", "alias"),
        ("Rahkar Industries", "alias"),
        ("Rahkar Sanaye Company", "alias"),
        ("Rahkar Sanaye Novin", "alias"),
    ]
    assert mitec.programs == ["Iran", "UN List"]
    assert mitec.listed_on == ["2010-06-09"]
    assert mitec.addresses[0].city == "Arak" and mitec.addresses[0].country == "ir"


def test_individual_with_passport_and_birth_date(by_id: dict) -> None:
    person = by_id["IRi.002"]
    assert person.schema == "Person"
    primary = person.names[0]
    assert (primary.full, primary.first, primary.last) == ("DAWOOD AGHA-JANI", "DAWOOD", "AGHA-JANI")
    assert person.birth_dates == [PartialDate(start="1957-04-23")]
    assert person.birth_places == ["Ardebil, Iran (Islamic Republic of)"]
    assert person.identifiers == [Identifier(type="passport", value="I5824769", country="ir")]
    assert person.positions == ["Head of the Pilot Fuel Enrichment Plant (PFEP) (Natanz)"]


def test_titles_original_script_and_date_ranges(by_id: dict) -> None:
    akhund = by_id["TAi.002"]
    primary = akhund.names[0]
    assert (primary.first, primary.middle, primary.last, primary.title) == ("MOHAMMAD", "HASSAN", "AKHUND", "Mullah; Haji")
    assert ("محمد حسن آخوند", "original_script") in [(name.full, name.kind) for name in akhund.names]
    assert akhund.birth_dates == [
        PartialDate(start="1955", end="1958", circa=True),
        PartialDate(start="1945", end="1950", circa=True),
    ]
    assert akhund.nationalities == ["af"]
    assert Relation(type="associate", target_id="un_sc_sanctions-TAi.004", note="UN cross-reference") in akhund.relations


def test_alias_quality_and_gender(by_id: dict) -> None:
    gaston = by_id["CDi.003"]
    kinds = {name.full: name.kind for name in gaston.names}
    assert kinds["Rumuli"] == "weak"
    assert kinds["Victor Rumuri"] == "alias"
    assert gaston.gender == "male"
    assert gaston.birth_dates == [PartialDate(start="1948")]
    former = [name.full for name in by_id["KPe.003"].names if name.kind == "former"]
    assert former == ["CHANGGWANG CREDIT BANK", "KOREA CHANGGWANG CREDIT BANK"]


def test_reference_numbers_are_trimmed_and_comment_identifiers_read(by_id: dict) -> None:
    bank = by_id["KPe.023"]  # published as "KPe.023 " with a trailing space
    assert bank.id == "un_sc_sanctions-KPe.023"
    assert Identifier(type="bic", value="DCBKKPPY", note="from the UN's comments") in bank.identifiers
    assert Identifier(type="imo", value="5571322", note="from the UN's comments") in by_id["KPe.056"].identifiers


def test_cross_references_resolve_within_the_file(by_id: dict) -> None:
    assert by_id["QDi.217"].relations == [
        Relation(type="associate", target_id="un_sc_sanctions-QDe.133", note="UN cross-reference")
    ]
    targets = {relation.target_id for entity in by_id.values() for relation in entity.relations if relation.target_id}
    assert all(target.removeprefix("un_sc_sanctions-") in by_id for target in targets)


def test_documents_without_number_become_remarks(by_id: dict) -> None:
    remarks = [
        remark
        for entity in by_id.values()
        for remark in entity.remarks
        if remark.startswith("National Identification Number: SSN")
    ]
    assert remarks == ["National Identification Number: SSN 156-92-9858 (United States of America)"]


@pytest.mark.parametrize(
    "data, message",
    [
        (b"", "empty"),
        (b"<!DOCTYPE html><html><body>503 Service Unavailable</body></html>", "HTML page"),
        (b'<?xml version="1.0"?><CONSOLIDATED_LIST dateGenerated="2026-02-27"><INDIVIDUALS><INDIVIDUAL>', "not well-formed"),
        (b'<?xml version="1.0"?><CONSOLIDATED_LIST dateGenerated="2026-02-27"/>', "no INDIVIDUAL or ENTITY"),
        (b'<?xml version="1.0"?><export generationDate="2018-12-21"/>', "not <CONSOLIDATED_LIST>"),
    ],
)
def test_bad_input_is_refused_clearly(data: bytes, message: str) -> None:
    with pytest.raises(FormatError, match=message):
        parse_files(DATASET, {"main": data}, parser="un_xml")


def test_truncated_download_is_refused(raw: bytes) -> None:
    with pytest.raises(FormatError, match="truncated"):
        parse_files(DATASET, {"main": raw[: len(raw) // 2]}, parser="un_xml")


def test_entity_expansion_is_refused() -> None:
    bomb = b'<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]><CONSOLIDATED_LIST>&b;</CONSOLIDATED_LIST>'
    with pytest.raises(UnsafeXMLError):
        parse_files(DATASET, {"main": bomb}, parser="un_xml")
    xxe = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><CONSOLIDATED_LIST>&e;</CONSOLIDATED_LIST>'
    with pytest.raises(SourceError):
        parse_files(DATASET, {"main": xxe}, parser="un_xml")


def test_model_vocabulary(result: ParseResult) -> None:
    assert_model_vocabulary(result)
