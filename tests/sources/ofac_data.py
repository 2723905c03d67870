"""The bundled OFAC SDN set, read and parsed once per test session (several OFAC test modules use it)."""

from __future__ import annotations

import csv
import io
from functools import lru_cache

from interdict import bundle
from interdict.sources.base import ParseResult
from interdict.sources.ofac_csv import parse


@lru_cache(maxsize=1)
def sdn_files() -> dict[str, bytes]:
    return bundle.read_files("us_ofac_sdn")


@lru_cache(maxsize=1)
def sdn_result() -> ParseResult:
    return parse(sdn_files(), "us_ofac_sdn")


def csv_rows(data: bytes) -> list[list[str]]:
    """Rows of an OFAC CSV file as the csv module reads them (cp1252, trailing 0x1A dropped)."""
    return list(csv.reader(io.StringIO(data.decode("cp1252").rstrip("\x1a\r\n"))))


@lru_cache(maxsize=1)
def sdn_rows() -> dict[str, list[str]]:
    return {row[0]: row for row in csv_rows(sdn_files()["sdn"])}
