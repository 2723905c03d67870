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

import re
from collections.abc import Iterable
from dataclasses import dataclass

LEGACY_ENCODINGS = {"cp1252": "Windows-1252", "latin-1": "Latin-1"}  # tried in this order; Latin-1 decodes any byte
FALLBACK_ENCODINGS = ("utf-8-sig", *LEGACY_ENCODINGS)
# Line breaks as Python's csv reader and Spark's text reader see them: a line's number is the same in each.
LINE_BREAK = re.compile(rb"(\r\n|\r|\n)")  # kept by split: decode_lines rejoins the lines as they were
_TEXT_LINE_BREAK = re.compile(r"\r\n|\r|\n")
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
    return _first_decoding(data, FALLBACK_ENCODINGS)[0]


def _first_decoding(data: bytes, encodings: Iterable[str]) -> tuple[str, str]:
    """(text, encoding) in the first of `encodings` that reads `data`; the last one read must read any byte."""
    for encoding in encodings:
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise AssertionError("latin-1 decodes every byte")  # pragma: no cover


def text_lines(text: str) -> list[str]:
    """The lines of a text, split where a line ends (CR, LF or CRLF) and nowhere else.

    Not str.splitlines: it also splits at U+2028, U+0085 and other separators, which JSON
    allows unescaped inside a string, so one JSON line ("Ali\u2028Reza" written raw) would
    become two.
    """
    return _TEXT_LINE_BREAK.split(text)


@dataclass(frozen=True)
class DecodedText:
    """A file's text, and the lines whose reading rests on a guessed legacy encoding (line: encoding).

    `whole_file` says which guess: False, lines that are not UTF-8 in a file that
    otherwise is; True, a file with no UTF-8 beyond ASCII, read in one legacy
    encoding, whose lines holding other bytes are named (its ASCII lines read the
    same in any of them, so only the others are in doubt).
    """

    text: str
    guessed: dict[int, str]
    whole_file: bool = False


def decode_lines(data: bytes) -> DecodedText:
    """Text of an exported file, decoded line by line when its lines disagree.

    One encoding for the whole file is right for a clean export: UTF-8, else one
    legacy encoding throughout (`decode_guess`). A file put together from several
    sources is UTF-8 with a few Windows-1252 lines ("José" pasted from an old
    system); decoding all of it as Windows-1252 for their sake would garble every
    Arabic, Cyrillic or Chinese name in it, and those names would then match
    nothing, silently. Such a file is decoded line by line: UTF-8 lines as
    UTF-8, the others in the first legacy encoding that reads them, and those
    lines are named, so each row read from one can say so.
    """
    try:
        return DecodedText(data.decode("utf-8-sig"), {})
    except UnicodeDecodeError:
        pass
    pieces = LINE_BREAK.split(data)  # lines at even positions, the breaks between them at odd ones
    texts: list[str] = []
    guessed: dict[int, str] = {}
    multibyte = False
    for position, piece in enumerate(pieces):
        if position % 2:
            texts.append(piece.decode("ascii"))
            continue
        try:
            texts.append(piece.decode("utf-8-sig" if position == 0 else "utf-8"))
            multibyte = multibyte or not piece.isascii()
        except UnicodeDecodeError:
            text, guessed[position // 2 + 1] = _first_decoding(piece, LEGACY_ENCODINGS)
            texts.append(text)
    if not multibyte:  # no line is UTF-8 beyond ASCII: one legacy encoding throughout
        text, encoding = _first_decoding(data, LEGACY_ENCODINGS)
        beyond_ascii = {position // 2 + 1: encoding for position, piece in enumerate(pieces) if not position % 2 and not piece.isascii()}
        return DecodedText(text, beyond_ascii, whole_file=True)
    return DecodedText("".join(texts), guessed)


def guessed_warning(lines: Iterable[int], decoded: DecodedText) -> str | None:
    """The warning for a row read from `lines`, when one of them was decoded in a guessed legacy encoding.

    A whole file in Windows-1252 is the usual legacy export and most often read
    right; but a UTF-8 file damaged in one byte, or a Cyrillic file in KOI8-R, reads
    as the same kind of bytes, and its names come out garbled and match nothing.
    Only the file's writer can tell, so every row whose reading rests on the guess
    says so.
    """
    found = [(line, decoded.guessed[line]) for line in lines if line in decoded.guessed]
    if not found:
        return None
    line, encoding = found[0]
    read = ": the file was read" if decoded.whole_file else " like the rest of the file: it was read"
    return f"line {line:,} is not UTF-8{read} as {LEGACY_ENCODINGS[encoding]}; check that the name reads as written (save the file as UTF-8 to be sure)"
