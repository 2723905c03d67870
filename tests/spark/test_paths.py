"""screen-file's Spark engine (interdict.spark.screen_path): JSONL, CSV and Parquet in and out, against screen-file."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest

from interdict import batch
from interdict.errors import InputError
from interdict.rows import read_row
from interdict.spark import hit_dict, screen_path

from ..conftest import Seeded
from . import inputs

# Raw lines screen-file reads as row errors or skips: not JSON, blank, not an object, a list as a value.
ODD_LINES = {5: "not json {", 9: "", 12: "[1, 2]", 20: '{"id": "listy", "name": ["a", "b"]}'}
QUOTED = {"id": "quoted", "name": 'Scientific-Production Enterprise "Kant"', "schema": "LegalEntity"}


def parts(folder: Path) -> list[Path]:
    return sorted(path for path in folder.iterdir() if path.name.startswith("part-"))


def test_jsonl_in_and_out_is_screen_files_output_byte_for_byte(
    spark: Any, seeded: Seeded, rows_1000: list[dict[str, Any]], tmp_path: Path
) -> None:
    source = inputs.write_jsonl(tmp_path / "rows.jsonl", rows_1000, ODD_LINES)
    expected = batch.screen_file(seeded.screener, source, tmp_path / "local.jsonl")
    summary = screen_path(spark, str(source), str(tmp_path / "out.jsonl"), screener=seeded.screener)
    written = "".join(part.read_text(encoding="utf-8") for part in parts(tmp_path / "out.jsonl"))
    assert written == (tmp_path / "local.jsonl").read_text(encoding="utf-8")
    assert (summary.rows, summary.written, summary.errors, summary.matched_rows, summary.warnings) == (
        expected.rows,
        expected.written,
        expected.errors,
        expected.matched_rows,
        expected.warnings,
    )
    assert summary.rows == 1_003  # 1,000 rows and three bad lines (the blank line is no row)


def local_results(seeded: Seeded, source: Path, tmp_path: Path) -> list[dict[str, Any]]:
    batch.screen_file(seeded.screener, source, tmp_path / "local.jsonl")
    return [json.loads(line) for line in (tmp_path / "local.jsonl").read_text(encoding="utf-8").splitlines()]


def test_csv_in_and_out(spark: Any, seeded: Seeded, rows_1000: list[dict[str, Any]], tmp_path: Path) -> None:
    rows = [QUOTED, *rows_1000[:150]]
    source = inputs.write_csv(tmp_path / "rows.csv", rows)
    expected = local_results(seeded, source, tmp_path)
    summary = screen_path(spark, str(source), str(tmp_path / "out.csv"), screener=seeded.screener)
    found = [line for part in parts(tmp_path / "out.csv") for line in csv.DictReader(part.open(encoding="utf-8", newline=""))]
    assert len(found) == len(expected) == summary.written == summary.rows
    for got, want in zip(found, expected):
        assert got["id"] == want["id"]
        assert json.loads(got["hits"]) == want["hits"]
        assert (got["error"] or None) == want.get("error")
        assert got["matched"] == str(any(hit["match"] for hit in want["hits"])).lower()


def test_parquet_in_and_out(spark: Any, seeded: Seeded, rows_1000: list[dict[str, Any]], tmp_path: Path) -> None:
    import datetime

    import pyarrow as pa
    import pyarrow.parquet as pq

    rows = rows_1000[:150]
    expected = local_results(seeded, inputs.write_jsonl(tmp_path / "rows.jsonl", rows), tmp_path)
    table = pa.Table.from_pylist([{name: row.get(name) for name in inputs.COLUMNS} for row in rows])
    pq.write_table(table, tmp_path / "rows.parquet")
    screen_path(spark, str(tmp_path / "rows.parquet"), str(tmp_path / "out.parquet"), screener=seeded.screener)
    found = spark.read.parquet(str(tmp_path / "out.parquet")).collect()
    by_id = {row["id"]: row for row in found}
    assert len(found) == len(expected)
    for want in expected:
        assert [hit["entity_id"] for hit in by_id[want["id"]]["hits"]] == [hit["entity_id"] for hit in want["hits"]]
        assert by_id[want["id"]]["error"] == want.get("error")
    # A Parquet date column reads as the ISO date screen-file would read from a spreadsheet.
    dated = pa.Table.from_pylist([{"id": "d", "name": "M. JAVAD KARIMI SABET", "birth_date": datetime.date(1973, 7, 25)}])
    pq.write_table(dated, tmp_path / "dated.parquet")
    screen_path(spark, str(tmp_path / "dated.parquet"), str(tmp_path / "dated-out.parquet"), screener=seeded.screener)
    [row] = spark.read.parquet(str(tmp_path / "dated-out.parquet")).collect()
    want = batch.screen_row(
        seeded.screener, read_row({"id": "d", "name": "M. JAVAD KARIMI SABET", "birth_date": "1973-07-25"}, 1), None, 10, None
    )
    assert row["error"] is None and [hit_dict(hit) for hit in row["hits"]] == want["hits"]


def test_inputs_that_cannot_be_screened_fail_before_any_work(spark: Any, seeded: Seeded, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        screen_path(spark, str(tmp_path / "missing.jsonl"), str(tmp_path / "out.jsonl"))
    (tmp_path / "empty.csv").write_text("")
    with pytest.raises(InputError, match="is empty"):
        screen_path(spark, str(tmp_path / "empty.csv"), str(tmp_path / "out.jsonl"))
    (tmp_path / "book.xlsx").write_bytes(b"PK")
    with pytest.raises(InputError, match="local engine"):
        screen_path(spark, str(tmp_path / "book.xlsx"), str(tmp_path / "out.jsonl"))
    (tmp_path / "noname.csv").write_text("id,title\n1,x\n")
    with pytest.raises(InputError, match="missing required column"):
        screen_path(spark, str(tmp_path / "noname.csv"), str(tmp_path / "out.jsonl"), screener=seeded.screener)
    (tmp_path / "taken").mkdir()
    with pytest.raises(InputError, match="exists"):
        screen_path(spark, str(tmp_path / "noname.csv"), str(tmp_path / "taken"))


def test_odd_csv_reads_as_screen_file_reads_it(spark: Any, seeded: Seeded, tmp_path: Path) -> None:
    """A byte-order mark, semicolons, a quoted delimiter, a blank line, a short row, a long row, doubled quotes."""
    source = tmp_path / "semi.csv"
    source.write_bytes(
        b'\xef\xbb\xbfid;name;schema\n1;Mohammad Baqer Qalibaf;Person\n2;Too;Many;Fields;Here\n3;"Quoted; Name";Person\n\n'
        b'4;Short\n5;"Scientific-Production Enterprise ""Kant""";LegalEntity\n'
    )
    batch.screen_file(seeded.screener, source, tmp_path / "local.jsonl")
    summary = screen_path(spark, str(source), str(tmp_path / "out.jsonl"), screener=seeded.screener)
    written = "".join(part.read_text(encoding="utf-8") for part in parts(tmp_path / "out.jsonl"))
    assert written == (tmp_path / "local.jsonl").read_text(encoding="utf-8")
    assert (summary.rows, summary.errors) == (5, 1)
    assert "more fields (5) than the header has columns (3)" in written
