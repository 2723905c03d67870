"""Australia's DFAT Consolidated List, parsed from the bundled official XLSX."""

from __future__ import annotations

import io
import re
import zipfile

import openpyxl
import pytest

from interdict import bundle
from interdict.errors import FormatError, UnsafeXMLError
from interdict.model import Identifier, PartialDate
from interdict.sources import parse_files
from interdict.sources.base import ParseResult
from tests.sources.vocabulary import assert_model_vocabulary

DATASET = "au_dfat_sanctions"
HEADER = [
    "Reference",
    "Name of Individual or Entity",
    "Type",
    "Name Type",
    "Date of Birth",
    "Place of Birth",
    "Citizenship",
    "Address",
    "Additional Information",
    "Listing Information",
    "Committees",
    "Control Date",
]


@pytest.fixture(scope="module")
def raw() -> bytes:
    return bundle.read_files(DATASET)["main"]


@pytest.fixture(scope="module")
def result(raw: bytes) -> ParseResult:
    return parse_files(DATASET, {"main": raw}, parser="au_dfat")


@pytest.fixture(scope="module")
def by_id(result: ParseResult) -> dict:
    return {entity.source_id: entity for entity in result.entities}


def workbook(rows: list[list[object]]) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def names(entity) -> list[tuple[str, str]]:
    return [(name.full, name.kind) for name in entity.names]


def test_one_listing_per_reference_number(raw: bytes, result: ParseResult) -> None:
    sheet = openpyxl.load_workbook(io.BytesIO(raw), read_only=True).worksheets[0]
    references = [str(row[0]) for row in sheet.iter_rows(min_row=2, max_col=1, values_only=True) if row[0] is not None]
    assert len(references) == 9553
    numbers = {re.match(r"\d+", reference).group(0) for reference in references}
    # "2", "2a", "2b" are one listing: 3,062 numbers, each with exactly one "Primary Name" row
    assert len(numbers) == len(result.entities) == 3062
    assert result.counts() == {"Person": 2316, "Organization": 746}
    assert (
        sum(len(entity.names) for entity in result.entities) == 9536
    )  # a name repeated with the same kind in one listing counts once
    assert result.warnings == []
    assert result.published == "2024-11-11"


def test_taliban_leader_with_original_script_and_circa_ranges(by_id: dict) -> None:
    akhund = by_id["2"]
    assert akhund.id == "au_dfat_sanctions-2"
    assert akhund.schema == "Person"
    assert names(akhund) == [("MOHAMMAD HASSAN AKHUND", "primary"), ("محمد حسن أخوند", "original_script")]
    assert akhund.birth_dates == [
        PartialDate(start="1955", end="1958", circa=True),
        PartialDate(start="1945", end="1950", circa=True),
    ]
    assert akhund.birth_places == ["Pashmul village, Panjwai District, Kandahar Province, Afghanistan"]
    assert akhund.citizenships == ["af"]
    assert akhund.programs == ["1988 (Taliban)"]
    assert akhund.listed_on == ["2001-01-25"]
    assert akhund.names[0].title == "Mullah"
    assert akhund.extra["title"] == ["Mullah", "Haji"]
    assert akhund.positions[0] == "First Deputy, Council of Ministers under the Taliban regime"
    assert len(akhund.positions) == 4
    assert akhund.remarks[0].startswith("Title: a) Mullah b) Haji. Designation:")


def test_entity_with_imo_number(by_id: dict) -> None:
    company = by_id["3164"]
    assert company.schema == "Organization"
    assert names(company)[0] == ("CHONGCHONGANG SHIPPING COMPANY", "primary")
    assert company.identifiers == [Identifier(type="imo", value="5342883")]
    assert company.programs == ["1718 (DPRK)"]
    assert company.listed_on == ["2016-03-02"]
    assert {address.country for address in company.addresses} == {"kp"}
    imo_holders = [entity for entity in by_id.values() if entity.identifier_values("imo")]
    assert len(imo_holders) == 20


def test_passports_and_former_names(by_id: dict) -> None:
    haqqani = by_id["34"]
    assert haqqani.identifiers == [
        Identifier(type="passport", value="OR1961825", country="af"),
        Identifier(type="passport", value="TR024417", country="af"),
    ]
    assert ("Abdul Jalil Haqqani", "former") in names(haqqani)  # "(previously listed as)" dropped from the name
    assert ("اختر محمد ولد نور محمد", "original_script") in names(haqqani)  # labelled "aka" in the sheet
    assert PartialDate(start="1965") in haqqani.birth_dates  # an alias row's own birth date
    tantoush = by_id["297"]
    assert tantoush.identifier_values("passport") == ["203037", "347834"]
    assert tantoush.addresses[0].country == "ly" and tantoush.addresses[0].country_name == "Libya"
    assert names(by_id["2943"])[2:] == [
        ("Forces Démocratiques Alliées-Armée Nationale de Libération de l’Ouganda", "former"),
        ("ADF/NALU", "former"),
        ("NALU", "former"),
    ]


def test_a_small_workbook_and_its_rules() -> None:
    data = workbook(
        [
            HEADER,
            [
                7,
                "Jane DOE",
                "Individual ",
                "Primary Name",
                "a) 1 Jan. 1970 b) circa 1971",
                "na",
                "Russian and Ukrainian",
                "NA",
                "Passport no: A1234567. Gender: female",
                "Listed on 12 Apr. 2000",
                "Autonomous (Russia)",
                None,
            ],
            ["7a", "Джейн Доу", "Individual", "aka", None, None, None, None, None, None, "Autonomous (Russia)", None],
            [None] * 12,
            ["8", "Acme Ltd", "Entity", "Primary Name"] + [None] * 8,
        ]
    )
    result = parse_files(DATASET, {"main": data})
    jane, acme = result.entities
    assert (jane.source_id, jane.schema, acme.schema) == ("7", "Person", "Organization")
    assert names(jane) == [("Jane DOE", "primary"), ("Джейн Доу", "original_script")]
    assert jane.birth_dates == [PartialDate(start="1970-01-01"), PartialDate(start="1971", circa=True)]
    assert jane.citizenships == ["ru", "ua"]
    assert jane.addresses == [] and jane.birth_places == []
    assert jane.identifiers == [Identifier(type="passport", value="A1234567")]
    assert jane.gender == "female"
    assert jane.listed_on == ["2000-04-12"]


def test_bad_inputs_raise_clear_errors(raw: bytes) -> None:
    with pytest.raises(FormatError, match="empty"):
        parse_files(DATASET, {"main": b""})
    with pytest.raises(FormatError, match="HTML page"):
        parse_files(DATASET, {"main": b"<!DOCTYPE html><html><body>Access denied</body></html>"})
    with pytest.raises(FormatError, match="truncated"):
        parse_files(DATASET, {"main": raw[: len(raw) // 2]})
    with pytest.raises(FormatError, match="not an XLSX"):
        parse_files(DATASET, {"main": b"Reference,Name of Individual or Entity\n1,x\n"})
    with pytest.raises(FormatError, match="lacks the columns"):
        parse_files(DATASET, {"main": workbook([["Reference", "Name"], [1, "x"]])})
    with pytest.raises(FormatError, match="no header row"):
        parse_files(DATASET, {"main": workbook([["id", "name"], [1, "x"]])})


def test_a_zip_that_is_not_a_workbook_or_has_a_damaged_sheet(raw: bytes) -> None:
    other = io.BytesIO()
    with zipfile.ZipFile(other, "w") as archive:
        archive.writestr("readme.txt", "not a workbook")
    with pytest.raises(FormatError, match="could not be read as an XLSX"):
        parse_files(DATASET, {"main": other.getvalue()})
    damaged = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(raw)) as source, zipfile.ZipFile(damaged, "w") as target:
        for info in source.infolist():
            content = source.read(info)
            if info.filename.startswith("xl/worksheets/"):
                content = content[: len(content) // 2]
            target.writestr(info, content)
    with pytest.raises(FormatError, match="could not be read as an XLSX"):
        parse_files(DATASET, {"main": damaged.getvalue()})


def test_a_workbook_declaring_entities_is_refused(raw: bytes) -> None:
    bomb = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(raw)) as source, zipfile.ZipFile(bomb, "w") as target:
        for info in source.infolist():
            content = source.read(info)
            if info.filename == "xl/sharedStrings.xml":
                content = content.replace(b"?>", b'?><!DOCTYPE sst [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>', 1)
            target.writestr(info, content)
    with pytest.raises(UnsafeXMLError, match="declares a DTD"):
        parse_files(DATASET, {"main": bomb.getvalue()})


def test_model_vocabulary(result: ParseResult) -> None:
    assert_model_vocabulary(result)
