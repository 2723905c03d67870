"""`screen-file --engine spark`: Parquet, CSV or JSONL in and out, through Spark's readers and writers.

INPUT is a file or a folder of part files, local or on any file system Spark
reads (hdfs://, s3a://); its format comes from its suffix (.parquet, .csv,
.jsonl/.ndjson), or for a folder from the files in it. OUT is a folder of part
files, as Spark writes (its format from its suffix likewise; JSONL when it has
none):

- JSONL: the screen-file contract, one line per input row. For one input file
  the part files, read in name order, follow the input order.
- Parquet: id, hits (struct array), error, warnings, as `interdict.spark.screen` returns them.
- CSV: id, matched, hits (the JSON array), error, warnings (a JSON array).

JSONL input is parsed line by line by screen-file's own parser, so every row,
good or bad, gets the same result and the same row number as in screen-file.
CSV input is read by Spark's CSV reader (UTF-8, one line per row, so it can be
split across executors): a line it cannot parse is a row error.

After writing, the output is read back and counted: one result per input row,
or the run fails (as screen-file refuses to write fewer lines than rows).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from ..batch import BatchSummary
from ..errors import InputError, InterdictError
from ..match.screener import Screener
from ..rows import COLUMNS
from ..textfiles import csv_delimiter
from . import frame
from .executor import InputMode, Shape

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

FORMATS = {  # suffix → format; one line per suffix
    ".parquet": "parquet",
    ".pq": "parquet",
    ".csv": "csv",
    ".tsv": "csv",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "jsonl",
}
CORRUPT = "_corrupt_record"


def _is_local(path: str) -> bool:
    return "://" not in path or path.startswith("file://")


def _local(path: str) -> Path:
    return Path(path.removeprefix("file://"))


def input_format(path: str) -> str:
    suffix = Path(path.rstrip("/")).suffix.lower()
    if suffix in FORMATS:
        return FORMATS[suffix]
    if suffix in (".xlsx", ".xlsm"):
        raise InputError(
            f"{path}: the Spark engine reads Parquet, CSV or JSONL; screen a workbook with the local engine (no --engine)."
        )
    if _is_local(path) and _local(path).is_dir():
        for child in sorted(_local(path).iterdir()):
            if not child.name.startswith((".", "_")) and child.suffix.lower() in FORMATS:
                return FORMATS[child.suffix.lower()]
    raise InputError(f"{path}: cannot tell its format; name it .parquet, .csv or .jsonl.")


def output_format(path: str) -> str:
    return FORMATS.get(Path(path.rstrip("/")).suffix.lower(), "jsonl")


def check_paths(input_path: str, out_path: str) -> None:
    """Fail before Spark starts: a missing or empty local input, an output that exists."""
    if _is_local(input_path):
        local = _local(input_path)
        if not local.exists():
            raise InputError(f"{input_path}: no such file.")
        if local.is_file() and local.stat().st_size == 0:
            raise InputError(f"{input_path} is empty.")
    input_format(input_path)
    if _is_local(out_path):
        local = _local(out_path)
        if local.exists():
            raise InputError(f"{out_path} exists; Spark writes a new folder of part files: choose another --out or remove it.")
        if not local.parent.is_dir():
            raise InputError(f"Cannot write {out_path}: folder {local.parent} does not exist.")


def _csv_delimiter(path: str) -> str:
    if not _is_local(path):
        return ","
    local = _local(path)
    first = (
        local
        if local.is_file()
        else next((child for child in sorted(local.iterdir()) if child.suffix.lower() in (".csv", ".tsv")), None)
    )
    if first is None:
        return ","
    with first.open("r", encoding="utf-8", errors="replace") as handle:
        return csv_delimiter(handle.readline().lstrip("\ufeff"), ("name",))


def read_input(
    spark: SparkSession, path: str
) -> tuple[DataFrame, InputMode, dict[str, str], int, str | None, tuple[str, int] | None]:
    """(DataFrame, how to read its rows, contract column → df column, number of the first row,
    the column of lines Spark could not parse and the CSV dialect to say why)."""
    from pyspark.sql.types import StringType, StructField, StructType

    kind = input_format(path)
    if kind == "jsonl":
        return spark.read.text(path), InputMode.JSONL, {}, 1, None, None
    if kind == "parquet":
        df = spark.read.parquet(path)
        return df, InputMode.COLUMNS, _columns(df.columns, path), 1, None, None
    delimiter = _csv_delimiter(path)
    reader = (  # quotes inside quoted fields are doubled (RFC 4180, Excel), as screen-file reads them
        spark.read.option("header", True)
        .option("delimiter", delimiter)
        .option("quote", '"')
        .option("escape", '"')
        .option("encoding", "UTF-8")
        .option("mode", "PERMISSIVE")
    )
    header = reader.csv(path).columns
    schema = StructType([StructField(name, StringType()) for name in header] + [StructField(CORRUPT, StringType())])
    df = reader.schema(schema).option("columnNameOfCorruptRecord", CORRUPT).csv(path)
    # The first data row is line 2, as screen-file numbers CSV rows.
    return df, InputMode.COLUMNS, _columns(header, path), 2, CORRUPT, (delimiter, len(header))


def _columns(header: list[str], path: str) -> dict[str, str]:
    present: dict[str, str] = {}
    for column in header:
        present.setdefault(column.strip().lower().lstrip("\ufeff"), column)
    if "name" not in present:
        found = ", ".join(header) if header else "no columns"
        raise InputError(f"{path}: missing required column(s) name (found: {found}).")
    return {contract: present[contract] for contract in COLUMNS if contract in present}


def screen_path(
    spark: SparkSession,
    input_path: str,
    out_path: str,
    datasets: list[str] | None = None,
    limit: int = 10,
    threshold: float | None = None,
    screener: Screener | None = None,
) -> BatchSummary:
    """Screen a file or folder into a folder of results; the summary is counted from what was written."""
    from pyspark.sql import functions as F

    check_paths(input_path, out_path)
    df, mode, columns, first_line, raw_col, dialect = read_input(spark, input_path)
    kind = output_format(out_path)
    shape = {"jsonl": Shape.JSON, "parquet": Shape.STRUCT, "csv": Shape.BOTH}[kind]
    results, rows = frame.plan(df, columns, mode, shape, datasets, threshold, limit, screener, first_line, raw_col, dialect)
    try:
        if kind == "jsonl":
            results.select("result").write.text(out_path)
        elif kind == "parquet":
            results.write.parquet(out_path)
        else:
            table = results.select(
                "id",
                F.exists("hits", lambda hit: hit["match"]).alias("matched"),
                F.get_json_object("result", "$.hits").alias("hits"),
                "error",
                F.to_json("warnings").alias("warnings"),
            )
            table.write.option("header", True).option("escape", '"').csv(
                out_path
            )  # quotes doubled, as RFC 4180 and Excel read them
    except Exception as exc:
        if isinstance(exc, InterdictError):
            raise
        raise InterdictError(f"Spark could not screen {input_path} into {out_path}: {reason(exc)}") from None
    summary = count_written(spark, out_path, kind)
    summary.rows = rows
    if summary.written != summary.rows:
        raise InterdictError(f"wrote {summary.written:,} results for {summary.rows:,} rows into {out_path}; do not use it")
    return summary


_PY_ERROR = re.compile(r"^(\w+\.)*\w*(Error|Exception): .+")


def reason(exc: BaseException) -> str:
    """The line of a Spark failure that says what went wrong: the Python worker's own error when there is one."""
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    errors = [line for line in lines if _PY_ERROR.match(line) and not line.startswith(("org.apache", "java.", "py4j"))]
    if errors:
        return errors[-1]
    return lines[0] if lines else type(exc).__name__


def count_written(spark: SparkSession, out_path: str, kind: str) -> BatchSummary:
    """Results, matched rows, errors and warnings, counted from the files written."""
    from pyspark.sql import functions as F

    if kind == "jsonl":
        parsed = spark.read.text(out_path).select(
            F.from_json("value", "error string, warnings array<string>, hits array<struct<match: boolean>>").alias("r")
        )
        table = parsed.select(
            F.exists("r.hits", lambda hit: hit["match"]).alias("matched"),
            F.col("r.error").alias("error"),
            F.col("r.warnings").alias("warnings"),
        )
    elif kind == "parquet":
        table = spark.read.parquet(out_path).select(
            F.exists("hits", lambda hit: hit["match"]).alias("matched"), "error", "warnings"
        )
    else:
        table = (
            spark.read.option("header", True)
            .option("escape", '"')
            .option("multiLine", True)
            .csv(out_path)
            .select((F.col("matched") == "true").alias("matched"), "error", "warnings")
        )
    stats = table.agg(
        F.count(F.lit(1)).alias("written"),
        F.sum(F.col("matched").cast("int")).alias("matched"),
        F.count("error").alias("errors"),
        F.count("warnings").alias("warnings"),
    ).collect()[0]
    return BatchSummary(
        written=int(stats["written"]),
        matched_rows=int(stats["matched"] or 0),
        errors=int(stats["errors"]),
        warnings=int(stats["warnings"]),
    )
