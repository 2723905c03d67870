"""What every parser returns, and the helpers they share for reading raw bytes.

A parser is a module with `parse(files, dataset) -> ParseResult`, where `files`
maps a role ("main", or "sdn"/"alt"/"add"/"comments" for OFAC's CSV set) to the
file's bytes. Parsers never touch the network or the store: they turn bytes into
entities, so the same code serves bundled files, downloads and `interdict load`.
"""

from __future__ import annotations

import csv
import gzip
import io
import re
import zipfile
from dataclasses import dataclass, field
from typing import Literal, overload

from ..errors import FormatError
from ..model import Entity


@dataclass
class ParseResult:
    entities: list[Entity]
    published: str | None = None  # ISO date the publisher put in the file, if any
    warnings: list[str] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for entity in self.entities:
            out[entity.schema] = out.get(entity.schema, 0) + 1
        return out


def entity_id(dataset: str, source_id: str) -> str:
    """Stable id across snapshots: the dataset plus the list's own id."""
    slug = re.sub(r"[^A-Za-z0-9._-]+", "-", source_id.strip()).strip("-")
    return f"{dataset}-{slug}"


def maybe_decompress(data: bytes, what: str) -> bytes:
    """Transparently unwrap gzip (trade.gov ships .csv.gz) and detect truncation."""
    if data[:2] == b"\x1f\x8b":
        try:
            return gzip.decompress(data)
        except (OSError, EOFError) as exc:
            raise FormatError(f"{what} is a damaged or truncated gzip file: {exc}") from None
    return data


def open_zip_member(data: bytes, what: str, suffix: str = ".xml") -> bytes:
    """The first member ending in `suffix` of a zip archive, with clear errors."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise FormatError(f"{what} is not a readable zip archive (truncated download?): {exc}") from None
    members = [info for info in archive.infolist() if info.filename.lower().endswith(suffix)]
    if not members:
        raise FormatError(f"{what} holds no {suffix} file.")
    member = members[0]
    if member.file_size > 2_000_000_000:
        raise FormatError(f"{what}: member {member.filename} claims {member.file_size} bytes; refusing to unpack.")
    try:
        return archive.read(member)
    except (zipfile.BadZipFile, EOFError, OSError) as exc:
        raise FormatError(f"{what} is damaged: {exc}") from None


def decode_text(data: bytes, what: str, encodings: tuple[str, ...] = ("utf-8-sig", "cp1252")) -> str:
    """Decode a text file, trying the list's known encodings in order."""
    if not data or not data.strip(b"\x00\x1a \r\n\t"):
        raise FormatError(f"{what} is empty.")
    head = data[:512].lstrip().lower()
    if head.startswith(b"<!doctype html") or head.startswith(b"<html"):
        raise FormatError(f"{what} is an HTML page, not the list (the server may have returned an error page).")
    if b"\x00" in data[:4096]:
        raise FormatError(f"{what} contains NUL bytes: it is binary, not a text list.")
    for encoding in encodings:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode(encodings[-1], errors="replace")


@overload
def read_csv_rows(text: str, what: str, header: Literal[True] = True) -> list[dict[str, str]]: ...
@overload
def read_csv_rows(text: str, what: str, header: Literal[False]) -> list[list[str]]: ...
def read_csv_rows(text: str, what: str, header: bool = True) -> list[dict[str, str]] | list[list[str]]:
    """CSV rows as dicts (header=True) or lists; OFAC's trailing 0x1A byte is dropped.

    The overloads give each caller the row type it asked for. A dict row of a
    truncated file is not quite `dict[str, str]`: csv.DictReader fills missing
    fields with None and files surplus ones under the key None, which is what
    the callers' completeness checks look for.
    """
    text = text.rstrip("\x1a\r\n ")
    try:
        if header:
            reader = csv.DictReader(io.StringIO(text))
            return [row for row in reader]
        return [row for row in csv.reader(io.StringIO(text))]
    except csv.Error as exc:
        raise FormatError(f"{what} is not valid CSV: {exc}") from None


def require_columns(rows: list[dict[str, str]], columns: set[str], what: str) -> None:
    if not rows:
        raise FormatError(f"{what} has no rows.")
    missing = columns - set(rows[0].keys())
    if missing:
        raise FormatError(f"{what} lacks the columns {sorted(missing)}: is it the right file?")


def split_list(value: str | None, separators: str = ";") -> list[str]:
    if not value:
        return []
    return [part.strip() for part in re.split(f"[{re.escape(separators)}]", value) if part.strip()]
