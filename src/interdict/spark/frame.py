"""The driver side: screen a DataFrame, one result row per input row, with the index shipped as a file.

The driver opens the Screener once (building the index or loading it from the
cache, as every front-end does), ships the saved index file to the executors
with `SparkContext.addFile`, and maps the rows with `mapInArrow` onto
`executor.screen_batches`. Rows without an id are numbered by their position,
as `screen-file` numbers them by line: that takes one counting pass over the
input (per partition, in the JVM), so cache an input that is costly to compute.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import screening
from ..errors import InputError
from ..match.screener import DEFAULT_LIMIT, Screener
from ..relations import reach
from ..rows import COLUMNS
from . import executor
from .executor import InputMode, Job, Shape
from .session import require_pyspark

if TYPE_CHECKING:
    from pyspark.sql import DataFrame

MAX_LIMIT = 500  # as screen-file's --limit

_DEFAULTS = {name: name for name in COLUMNS}  # contract column → the DataFrame column used when present
_shipped: dict[str, set[str]] = {}  # a SparkContext's application id → index files already added to it


def spark_schema(shape: Shape) -> Any:
    """The result DataFrame's schema (a pyspark StructType), derived from the Arrow schema the executors write."""
    from pyspark.sql.pandas.types import from_arrow_schema

    return from_arrow_schema(executor.arrow_schema(shape))


def _resolve(df: DataFrame, wanted: dict[str, str | None], defaults: dict[str, str]) -> dict[str, str]:
    """contract column → the DataFrame's column: names match case-insensitively; a default name may be absent."""
    present = {column.strip().lower().lstrip("\ufeff"): column for column in df.columns}
    chosen: dict[str, str] = {}
    for contract, name in wanted.items():
        if name is None:
            continue
        actual = present.get(name.strip().lower())
        if actual is not None:
            chosen[contract] = actual
        elif contract == "name" or name != defaults[contract]:
            found = ", ".join(df.columns) if df.columns else "no columns"
            raise InputError(f"the DataFrame has no column {name!r} for {contract} (found: {found}).")
    return chosen


def _offsets(df: DataFrame, count_blank: bool) -> tuple[tuple[int, ...], int]:
    """(rows or lines before each partition, rows to screen): one pass, counted in the JVM."""
    from pyspark.sql import functions as F

    partitions = df.rdd.getNumPartitions()
    counted = df.select(F.spark_partition_id().alias("p"), *([F.col("value")] if count_blank else []))
    if count_blank:
        blank = F.when(F.col("value").isNull() | (F.trim(F.col("value")) == ""), 0).otherwise(1)
        stats = counted.groupBy("p").agg(F.count(F.lit(1)).alias("n"), F.sum(blank).alias("rows")).collect()
    else:
        stats = counted.groupBy("p").agg(F.count(F.lit(1)).alias("n"), F.count(F.lit(1)).alias("rows")).collect()
    sizes = [0] * partitions
    rows = 0
    for stat in stats:
        if stat["p"] < partitions:
            sizes[stat["p"]] = int(stat["n"])
        rows += int(stat["rows"] or 0)
    offsets, total = [], 0
    for size in sizes:
        offsets.append(total)
        total += size
    return tuple(offsets), rows


def _files(df: DataFrame, screener: Screener) -> dict[str, str]:
    """The files the executors open, by role: the index, and the reach table when the screener reaches through relations
    (read by each worker instead of building the relation graph from every entry again)."""
    files = {"index": _ship(df, screening.index_file(screener))}
    table = reach.table_file(screener)
    if table is not None:
        files["reach"] = _ship(df, table)
    return files


def _ship(df: DataFrame, path: Path) -> str:
    """Add a file to the session (once per SparkContext); its name for SparkFiles.get."""
    context = df.sparkSession.sparkContext
    added = _shipped.setdefault(str(context.applicationId), set())
    if str(path) not in added:
        context.addFile(str(path))
        added.add(str(path))
    return path.name


def _check_options(datasets: list[str] | None, threshold: float | None, limit: int) -> list[str] | None:
    if not 1 <= limit <= MAX_LIMIT:
        raise InputError(f"limit must be between 1 and {MAX_LIMIT}, not {limit}.")
    if threshold is not None and not 0.0 <= threshold <= 1.0:
        raise InputError(f"threshold must be between 0 and 1, not {threshold}.")
    return screening.validate_datasets(datasets)


def plan(
    df: DataFrame,
    columns: dict[str, str],
    mode: InputMode,
    shape: Shape,
    datasets: list[str] | None,
    threshold: float | None,
    limit: int,
    screener: Screener | None,
    first_line: int = 1,
    raw_col: str | None = None,
    csv_dialect: tuple[str, int] | None = None,
) -> tuple[DataFrame, int]:
    """The result DataFrame (lazy) and the number of rows it will hold. `columns`: contract name → df column."""
    require_pyspark()
    from pyspark.sql import functions as F

    datasets = _check_options(datasets, threshold, limit)
    if mode is InputMode.JSONL:
        selected = df.select(F.col("value"))
    else:
        selected = df.select(
            *[F.col(actual).alias(contract) for contract, actual in columns.items()],
            *([F.col(raw_col).alias("_raw")] if raw_col else []),
        )
    offsets, rows = _offsets(selected, count_blank=mode is InputMode.JSONL)
    screener = screener or screening.open_screener()
    job = Job(
        files=_files(df, screener),
        fingerprint=screening.code_fingerprint(),
        missing_datasets=tuple(screener.missing_datasets),
        datasets=datasets,
        limit=limit,
        threshold=threshold,
        shape=shape,
        mode=mode,
        offsets=offsets,
        first_line=first_line,
        csv=csv_dialect,
    )
    return selected.mapInArrow(functools.partial(executor.screen_batches, job), spark_schema(shape)), rows


def screen(
    df: DataFrame,
    name_col: str = "name",
    id_col: str | None = "id",
    schema_col: str | None = "schema",
    birth_date_col: str | None = "birth_date",
    nationality_col: str | None = "nationality",
    country_col: str | None = "country",
    id_number_col: str | None = "id_number",
    datasets: list[str] | None = None,
    threshold: float | None = None,
    limit: int = DEFAULT_LIMIT,
    json_lines: bool = False,
    screener: Screener | None = None,
) -> DataFrame:
    """Screen every row of a DataFrame: one result row per input row, in the order of the input's partitions.

    Result columns: `id` (the row's id, else its position from 1), `hits` (an
    array of structs in the screen-file hit shape: entity_id, dataset,
    source_id, caption, schema, score, match, matched_name, explanation, and
    `extra` for contract fields without a column of their own, JSON-encoded),
    `error` (why the row could not be screened, else null) and `warnings`
    (null when the screen is complete). `json_lines=True` adds `result`: the
    row's line of screen-file's RESULTS.jsonl, byte for byte.

    The optional columns (schema, birth_date, nationality, country, id_number)
    are used when the DataFrame has them; name one explicitly to map another
    column (an explicit name that is absent is an error). Pass `None` to ignore one.
    """
    wanted = {
        "id": id_col,
        "name": name_col,
        "schema": schema_col,
        "birth_date": birth_date_col,
        "nationality": nationality_col,
        "country": country_col,
        "id_number": id_number_col,
    }
    require_pyspark()
    columns = _resolve(df, wanted, _DEFAULTS)
    result, _ = plan(
        df, columns, InputMode.COLUMNS, Shape.BOTH if json_lines else Shape.STRUCT, datasets, threshold, limit, screener
    )
    return result


def _report(batches: Any) -> Any:
    import pyarrow as pa  # type: ignore[import-untyped,unused-ignore]

    for _ in batches:
        pass
    state = executor.worker_state()
    yield pa.RecordBatch.from_pylist(
        [
            {
                "pid": state["pid"],
                "opened": state["opened"],
                "held": len(state["held"]),  # type: ignore[arg-type]
                "reach_shipped": state["reach_shipped"],
                "settling": state["settling"],
                "rss": state["rss"],
                "peak_rss": state["peak_rss"],
            }
        ]
    )


def worker_states(spark: Any, tasks: int = 8) -> list[dict[str, int]]:
    """One report per task from the Python workers that run them: process id, index files opened and held, reach tables
    taken from the shipped file (not built from the entries), screeners that settle their heap, memory (bytes).

    With worker reuse these are the processes that screened before: how
    benchmarks read per-executor memory, and tests the once-per-worker promise.
    """
    probe = spark.range(0, tasks, 1, tasks).mapInArrow(_report, "pid long, opened long, held long, reach_shipped long, settling long, rss long, peak_rss long")
    return [row.asDict() for row in probe.collect()]
