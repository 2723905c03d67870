"""One contract for a screening row, whatever it arrived as: CSV, XLSX, JSONL or a JSON body.

A row is a mapping of column names to values with the columns of `screen-file`
(docs/architecture.md, "Output contracts"): `id`, `name`, and optionally
`schema`, `birth_date`, `nationality`, `country`, `id_number`. `read_row` turns
one into a Query, or into a row error that says what is wrong with it. Every
front-end calls it (`screen-file`, `POST /screen/batch`, `POST /screen`), so a
row that is an error in one is an error in all, with the same words, and a bad
row never sinks the rows around it.

The rules:
- column names are matched case-insensitively; unknown columns are ignored;
- a value is text, a number or null; a list or an object in a known column is
  an error (one row, one party: send several rows instead);
- text must be valid Unicode (a lone surrogate from broken UTF-16 or JSON is an
  error) and at most MAX_FIELD characters;
- a name spanning several lines is an error (in CSV, an unbalanced quote that
  swallowed the rows after it);
- a field holding U+FFFD, the mark a decoder leaves for bytes it could not read
  (Spark reads a file as UTF-8 so), is screened as it stands with a warning: the
  name may not be the one written, and a clear screen of it proves little;
- the row's id is its `id`, else its line number.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .errors import InputError
from .match.query import Query

COLUMNS = ("id", "name", "schema", "birth_date", "nationality", "country", "id_number")
MAX_FIELD = 10_000
_SURROGATE = re.compile("[\ud800-\udfff]")


@dataclass(frozen=True)
class Row:
    """One input row: the query to screen, or the reason it cannot be screened."""

    line: int  # line (or record) number in the input, from 1
    id: str  # the row's `id`, else its line number; always printable
    query: Query | None
    error: str | None = None
    warnings: tuple[str, ...] = ()  # doubts about how the row was read; every result of the row carries them


def printable(text: str) -> str:
    """Text that can be written as UTF-8: lone surrogates become U+FFFD (for echoing ids and error messages)."""
    return _SURROGATE.sub("\ufffd", text)


def _text(key: str, value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, str):
        return value
    raise InputError(f"field {key!r} must be a single value, not a {'list' if isinstance(value, (list, tuple)) else 'an object'}; send one party per row")


def read_row(raw: Mapping[Any, object], line: int, error: str | None = None, warnings: tuple[str, ...] = ()) -> Row:
    """A raw row as a Query, or as a row error naming what is wrong (never an exception).

    `error` is a problem the reader already found (e.g. a line that is not JSON);
    the row keeps its id where it can. `warnings` are the reader's doubts (a
    line decoded in a legacy encoding); the row adds its own.
    """
    fields: dict[str, object] = {}
    for key, value in raw.items():
        name = str(key).strip().lower()
        if name in COLUMNS and name not in fields:
            fields[name] = value
    row_id = str(line)
    try:
        identifier = _text("id", fields.get("id")).strip()
        row_id = printable(identifier[:MAX_FIELD]) or str(line)
        if error:
            raise InputError(error)
        values = {name: field_text(name, fields.get(name)) for name in COLUMNS}
        warnings = (*warnings, *replacement_warnings({name: text for name, text in values.items() if name != "id"}))
        name = one_line("the name", values["name"].strip())
        query = Query.build(
            name or None,
            schema=values["schema"].strip() or None,
            birth_date=values["birth_date"].strip() or None,
            nationality=values["nationality"].strip() or None,
            country=values["country"].strip() or None,
            id_number=values["id_number"].strip() or None,
            id=row_id,
        )
    except InputError as exc:
        return Row(line, row_id, None, printable(str(exc)), warnings)
    return Row(line, row_id, query, None, warnings)


def field_text(key: str, value: object) -> str:
    """One field of a file's row as text, or an InputError naming the field: a single value of at most
    MAX_FIELD characters, valid Unicode (the rules every reader of rows applies: screening and pairs alike)."""
    text = _text(key, value)
    if len(text) > MAX_FIELD:
        raise InputError(f"field {key!r} is {len(text):,} characters long; at most {MAX_FIELD:,}")
    found = _SURROGATE.search(text)
    if found:
        raise InputError(
            f"field {key!r} holds an invalid character (a lone surrogate, U+{ord(found.group()):04X}); "
            "the file or line is not valid UTF-8/UTF-16 text"
        )
    return text


def one_line(what: str, name: str) -> str:
    """A name on one line, or an InputError: in CSV, a line break in a name is an unbalanced quote that swallowed the rows after it."""
    if "\n" in name or "\r" in name:
        raise InputError(f"{what} spans several lines (an unbalanced quote in the file?)")
    return name


_REPLACEMENT = "\ufffd"


def replacement_warnings(values: Mapping[str, str]) -> tuple[str, ...]:
    """A warning naming the fields that hold U+FFFD, if any (see the module's rules)."""
    named = ", ".join(repr(name) for name, text in values.items() if _REPLACEMENT in text)
    if not named:
        return ()
    return (
        f"{named} holds U+FFFD (\ufffd), the mark of bytes that could not be read as text: "
        "the value may not be as written, so a clear result proves little; check the file's encoding",
    )
