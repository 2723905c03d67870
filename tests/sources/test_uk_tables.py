"""The UK Sanctions List, parsed from the bundled third-party tables."""

from __future__ import annotations

import pytest

from interdict import bundle
from interdict.errors import FormatError
from interdict.model import Identifier, PartialDate, Relation
from interdict.sources import parse_files
from interdict.sources.base import ParseResult
from interdict.sources.uk_tables import birth_date_text, name_kind, un_reference
from tests.sources.vocabulary import assert_model_vocabulary

DATASET = "gb_fcdo_sanctions"


@pytest.fixture(scope="module")
def files() -> dict[str, bytes]:
    return bundle.read_files(DATASET)


@pytest.fixture(scope="module")
def result(files: dict[str, bytes]) -> ParseResult:
    return parse_files(DATASET, files, parser="uk_tables")


@pytest.fixture(scope="module")
def by_id(result: ParseResult) -> dict:
    return {entity.source_id: entity for entity in result.entities}


def test_counts_reconcile_with_the_tables(files: dict[str, bytes], result: ParseResult) -> None:
    assert files["subjects"].count(b"\n") == 6047  # header + 6,046 subjects
    assert result.counts() == {"Person": 3883, "Organization": 1531, "Vessel": 632}
    assert len({entity.id for entity in result.entities}) == 6046
    assert result.warnings == []
    assert result.published is None  # the tables carry no generation date
    assert all(any(name.kind == "primary" for name in entity.names) for entity in result.entities)
    # 15,050 name rows: two repeat a name already on the same entry with the same kind
    assert sum(len(entity.names) for entity in result.entities) == 15048
    assert sum(1 for entity in result.entities if entity.extra.get("unReference")) == 1002


def test_un_derived_iran_entry(by_id: dict) -> None:
    tir = by_id["INU0215"]
    assert tir.id == "gb_fcdo_sanctions-INU0215"
    assert tir.schema == "Organization"
    assert [(name.full, name.kind) for name in tir.names] == [
        ("7TH OF TIR", "primary"),
        ("7TH OF TIR INDUSTRIAL COMPLEX", "alias"),
        ("7TH OF TIR INDUSTRIES", "alias"),
        ("MOJTAMAE SANATE HAFTOME TIR", "alias"),
        ("SANAYE HAFTOME TIR", "alias"),
    ]
    assert tir.relations == [Relation(type="same_as", target_name="IRe.001", note="UN reference")]
    assert tir.extra["unReference"] == ["IRe.001"]
    assert tir.programs == ["INU", "The Iran (Sanctions) (Nuclear) (EU Exit) Regulations 2019"]
    assert tir.listed_on == ["2023-10-18"]
    assert [(address.country, address.country_name) for address in tir.addresses] == [("ir", "Iran")]


def test_iran_regime_entry_with_name_variations(by_id: dict) -> None:
    babaei = by_id["IRN0120"]
    assert babaei.programs == ["IRN", "The Iran (Sanctions) Regulations 2023"]
    primary = babaei.names[0]
    assert (primary.full, primary.first, primary.last, primary.kind) == ("Hassan Babaei", "Hassan", "Babaei", "primary")
    assert [name.full for name in babaei.names[1:]] == ["Hassan Babaee", "Hassan Babayi"]
    assert babaei.nationalities == ["ir"]


def test_individual_with_passport_and_many_birth_dates(by_id: dict) -> None:
    akhund = by_id["AFG0006"]
    primary = akhund.names[0]
    assert (primary.first, primary.middle, primary.last) == ("MOHAMMAD", "HASSAN", "AKHUND")
    assert PartialDate(start="1967-01-01") in akhund.birth_dates
    assert PartialDate(start="1968") in akhund.birth_dates
    assert len(akhund.birth_dates) == 10
    # the tables repeat this passport row 80 times
    assert [(ident.type, ident.value) for ident in akhund.identifiers] == [("passport", "P04581926")]
    assert akhund.identifiers[0].note.startswith("Afghanistan passport number P04581926, issued on 7 August 2024")
    assert akhund.birth_places == ["Afghanistan"]
    assert akhund.nationalities == ["af"]
    assert akhund.relations[0].target_name == "TAi.002"


def test_ship_with_imo(by_id: dict) -> None:
    petrel = by_id["DPR0075"]
    assert petrel.schema == "Vessel"
    assert petrel.caption == "Petrel 8"
    assert petrel.identifiers == [Identifier(type="imo", value="9562233")]
    assert petrel.listed_on == ["2017-10-03"]
    assert petrel.extra["modifiedAt"] == ["2021-12-18"]


def test_alias_strength_and_partial_birth_dates(by_id: dict) -> None:
    hakizimana = by_id["DRC0067"]
    assert [(name.full, name.kind) for name in hakizimana.names] == [
        ("Apollinaire Hakizimana", "primary"),
        ("Adonia", "weak"),
        ("Amikwe Lepic", "alias"),
    ]
    assert PartialDate(start="1975") in hakizimana.birth_dates
    month_year = by_id["AQD0164"].birth_dates
    assert PartialDate(start="1958-09") in month_year


def test_un_references_are_written_the_uns_way(by_id: dict) -> None:
    assert by_id["AQD0031"].extra["unReference"] == ["QDe.145"]  # published as QDE.145
    assert by_id["INU0282"].extra["unReference"] == ["IRi.038"]  # published as IRI.038
    assert un_reference("KPe. 023") == "KPe.023"
    assert un_reference("not a ref") == "not a ref"


def test_uk_name_rules() -> None:
    assert name_kind("Primary Name", None) == "primary"
    assert name_kind("primary_variation", "low_quality_aka") == "weak"
    assert name_kind("Primary name variation", "") == "alias"
    assert name_kind("ALias", "Good quality a.k.a") == "alias"
    assert birth_date_text("dd/08/1958") == PartialDate(start="1958-08")
    assert birth_date_text("15/08/19yy") == PartialDate(text="15/08/19yy")


def _rows(data: bytes, *ids: str) -> bytes:
    lines = data.decode("utf-8").splitlines(keepends=True)
    return "".join([lines[0]] + [line for line in lines[1:] if any(f"{uid}," in line for uid in ids)]).encode("utf-8")


def test_optional_tables_may_be_absent_and_orphans_are_counted(files: dict[str, bytes]) -> None:
    subset = {"subjects": _rows(files["subjects"], "DPR0075"), "names": _rows(files["names"], "DPR0075", "DPR0076")}
    result = parse_files(DATASET, subset, parser="uk_tables")
    assert [entity.source_id for entity in result.entities] == ["DPR0075"]
    assert result.warnings == ["skipped 1 names rows whose unique_id is not in subjects"]


@pytest.mark.parametrize(
    "role, data, message",
    [
        ("subjects", b"", "empty"),
        ("subjects", b"<!DOCTYPE html><html><body>Not found</body></html>", "HTML page"),
        ("subjects", b"Name,Alias,Nationality\nA,B,C\n", "lacks the columns"),
        ("names", b"unique_id,full_name\nAFG0001,X\n", "lacks the columns"),
        ("subjects", b"unique_id,subject_type,un_reference_number,date_designated\n", "has no rows"),
    ],
)
def test_bad_tables_are_refused_clearly(files: dict[str, bytes], role: str, data: bytes, message: str) -> None:
    with pytest.raises(FormatError, match=message):
        parse_files(DATASET, {**files, role: data}, parser="uk_tables")


def test_missing_required_table_is_named(files: dict[str, bytes]) -> None:
    with pytest.raises(FormatError, match="names"):
        parse_files(DATASET, {"subjects": files["subjects"]}, parser="uk_tables")


def test_truncated_table_is_refused(files: dict[str, bytes]) -> None:
    names = files["names"]
    with pytest.raises(FormatError, match="table 'names': data row 7632 .*truncated"):
        parse_files(DATASET, {**files, "names": names[: len(names) // 2]}, parser="uk_tables")


def test_misattached_birth_dates_are_kept_with_a_caveat_and_not_matched_on(by_id: dict) -> None:
    """The tables give Bozizé (CFi.001, born 1946-10-14 on the UN, OFAC and Australian lists) 1967."""
    from interdict.match.index import entity_facts
    from interdict.model import BIRTH_DATE_CAVEAT, ftm_properties

    bozize = by_id["CAF0003"]
    assert bozize.birth_dates == [PartialDate(start="1967-01-01")]
    assert bozize.extra[BIRTH_DATE_CAVEAT] and "not used for matching" in bozize.extra[BIRTH_DATE_CAVEAT][0]
    assert entity_facts(bozize).birth_years == frozenset()
    assert any("wrong entry" in note for note in ftm_properties(bozize)["notes"])


def test_model_vocabulary(result: ParseResult) -> None:
    assert_model_vocabulary(result)
