"""The EU consolidated list in the bundled third-party flat export."""

from __future__ import annotations

import pytest

from interdict import bundle
from interdict.errors import FormatError
from interdict.sources import parse_files
from interdict.sources.base import ParseResult
from interdict.sources.eu_flat import nationality_codes
from tests.sources.vocabulary import assert_model_vocabulary

DATASET = "eu_fsf"


@pytest.fixture(scope="module")
def raw() -> bytes:
    return bundle.read_files(DATASET)["main"]


@pytest.fixture(scope="module")
def result(raw: bytes) -> ParseResult:
    return parse_files(DATASET, {"main": raw}, parser="eu_flat")


def _by_caption(result: ParseResult, caption: str) -> list:
    return [entity for entity in result.entities if entity.caption == caption]


def test_every_row_is_one_entity_with_a_unique_id(raw: bytes, result: ParseResult) -> None:
    assert raw.decode("utf-8").count("\n") == 5317  # header + 5,316 rows
    assert result.counts() == {"Person": 4110, "Organization": 1206}
    assert len({entity.id for entity in result.entities}) == 5316
    assert all(entity.source_id.startswith("EUF-") and not entity.programs for entity in result.entities)
    assert result.published is None
    assert result.warnings == [
        "4 rows share a name, designation and nationality with another row; their ids also hash their aliases"
    ]


def test_ids_are_stable(raw: bytes, result: ParseResult) -> None:
    saddam = _by_caption(result, "Saddam Hussein Al-Tikriti")[0]
    assert saddam.id == "eu_fsf-EUF-4d3242d0f9"
    again = parse_files(DATASET, {"main": raw}, parser="eu_flat")
    assert [entity.id for entity in again.entities] == [entity.id for entity in result.entities]


def test_names_share_one_field(result: ParseResult) -> None:
    saddam = _by_caption(result, "Saddam Hussein Al-Tikriti")[0]
    assert [(name.full, name.kind) for name in saddam.names] == [
        ("Saddam Hussein Al-Tikriti", "primary"),
        ("Abu Ali", "alias"),
        ("Abou Ali", "alias"),
    ]
    assert saddam.schema == "Person" and saddam.nationalities == ["iq"]
    # primary names with commas stay whole; legal-form tails stay on their alias
    bashaair = _by_caption(result, "Al-Bashaair Trading Company, Ltd")[0]
    assert [name.full for name in bashaair.names][:3] == [
        "Al-Bashaair Trading Company, Ltd",
        "Al-Bushair Trading Company, Ltd",
        "Al-Basha'ir Trading Company, Ltd",
    ]
    assert [name.full for name in _by_caption(result, "KINGLY WON INTERNATIONAL CO., LTD.")[0].names] == [
        "KINGLY WON INTERNATIONAL CO., LTD."
    ]


def test_non_latin_aliases_are_original_script(result: ParseResult) -> None:
    first, second = _by_caption(result, "Ramil Rachmatullovitj IBATULLIN")
    assert ("Рамиль Рахматуллович ИБАТУЛЛИН", "original_script") in [(name.full, name.kind) for name in first.names]
    assert first.id != second.id  # two EU entries under one name


def test_same_name_different_entries_get_different_ids(result: ParseResult) -> None:
    fakel, potok = _by_caption(result, "Gazprom katonai magánvállalat")
    assert fakel.schema == potok.schema == "Organization"
    assert "PMC Fakel" in [name.full for name in fakel.names]
    assert "PMC Potok" in [name.full for name in potok.names]
    assert fakel.id != potok.id


def test_nationalities_with_commas_inside_country_names() -> None:
    assert nationality_codes("KOREA, DEMOCRATIC PEOPLE'S REPUBLIC OF") == (["kp"], 0)
    assert nationality_codes("CONGO, Democratic Republic of (was Zaire)") == (["cd"], 0)
    assert nationality_codes("RUSSIAN FEDERATION, MOLDOVA, REPUBLIC OF") == (["ru", "md"], 0)
    assert nationality_codes("PALESTINIAN TERRITORY, Occupied, ALGERIA") == (["ps", "dz"], 0)
    assert nationality_codes("SYRIAN ARAB REPUBLIC, IRAN (ISLAMIC REPUBLIC OF)") == (["sy", "ir"], 0)
    assert nationality_codes("ATLANTIS, FRANCE") == (["fr"], 1)


def test_every_nationality_in_the_file_is_read(result: ParseResult) -> None:
    assert sum(1 for entity in result.entities if entity.nationalities) == 5316 - 2949  # 2,949 rows leave it blank


@pytest.mark.parametrize(
    "data, message",
    [
        (b"", "empty"),
        (b"<!DOCTYPE html><html><body>Forbidden</body></html>", "HTML page"),
        (b"Name,Alias,Country\nA,B,C\n", "lacks the columns"),
        (b"Name,Alias,Nationality,Designation\n", "has no rows"),
        (b'Name,Alias,Nationality,Designation\n"Saddam Hussein,"Abu\n', "truncated"),
    ],
)
def test_bad_input_is_refused_clearly(data: bytes, message: str) -> None:
    with pytest.raises(FormatError, match=message):
        parse_files(DATASET, {"main": data}, parser="eu_flat")


def test_truncated_download_is_refused(raw: bytes) -> None:
    with pytest.raises(FormatError, match="data row 3053 .*truncated"):
        parse_files(DATASET, {"main": raw[: len(raw) // 2]}, parser="eu_flat")


def test_model_vocabulary(result: ParseResult) -> None:
    assert_model_vocabulary(result)
