"""Text files users exchange with spreadsheets: decoding their exports, writing cells they can open safely.

Decoding: UTF-8 (with or without a byte-order mark) first; then Windows-1252,
which is what spreadsheet exports and older banking systems write; Latin-1
last, because it decodes any byte, so decoding never fails.

Reading CSV: only the delimiter is guessed (`csv_delimiter`, from the header
line), never the quote character. OFAC writes names like 'ABDALLAH with a
leading apostrophe, and a sniffer that took ' for the quote character joined
hundreds of rows into one.

Writing: every cell of every CSV or XLSX file interdict writes goes through
`spreadsheet_safe`. List names are written as the lists publish them, and a
name (or a hostile list mirror) may begin like a formula: Excel, LibreOffice
and Google Sheets evaluate a cell that starts with `=`, `+`, `-` or `@` (and
some also after a leading tab or carriage return), which can run commands
(`=cmd|'/c calc'!A1`) or send the sheet's data away (`=HYPERLINK(...)`).
Such a cell is written with a leading apostrophe, which spreadsheets read as
"this is text" (OWASP's advice for CSV injection). Every other value is
written unchanged.
"""

from __future__ import annotations

from collections.abc import Iterable

FALLBACK_ENCODINGS = ("utf-8-sig", "cp1252", "latin-1")
CSV_DELIMITERS = ",;\t|"


def csv_delimiter(header: str, columns: Iterable[str] = ()) -> str:
    """The delimiter that splits a CSV header best: the most of `columns` found, then the most fields (comma on ties)."""
    wanted = [name.lower() for name in columns]
    best, best_score = ",", (-1, -1)
    for candidate in CSV_DELIMITERS:
        fields = [name.strip().strip('"').lower() for name in header.split(candidate)]
        score = (sum(1 for name in wanted if name in fields), len(fields))
        if score > best_score:
            best, best_score = candidate, score
    return best

# A cell starting with one of these is a formula to some spreadsheet: the ASCII
# triggers, tab, CR and LF, and their full-width forms, which some spreadsheets
# in East Asian locales read as the ASCII ones.
FORMULA_STARTS = frozenset("=+-@\t\r\n\uff1d\uff0b\uff0d\uff20")
TEXT_MARK = "'"


def spreadsheet_safe(value: object) -> str:
    """`value` as text a spreadsheet will show and never evaluate: a leading apostrophe if it could start a formula."""
    text = "" if value is None else str(value)
    if text and text[0] in FORMULA_STARTS:
        return TEXT_MARK + text
    return text


def decode_guess(data: bytes) -> str:
    for encoding in FALLBACK_ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise AssertionError("latin-1 decodes every byte")  # pragma: no cover
