"""The executor side of Spark screening: open the shipped index once per Python worker, screen Arrow batches.

Spark runs this module in its Python worker processes. Each worker opens the
index file the driver shipped (`SparkContext.addFile`) on first use and keeps
the Screener in a module-level cache keyed by the file's name (which holds the
index's build key, so a new list version is a new name): with Spark's default
`spark.python.worker.reuse`, the worker stays alive across tasks and the index
is opened once per worker, not once per partition. Opening maps the file, so
workers on one machine share its pages.

Every row goes through the same two functions as `screen-file`: `rows.read_row`
(the row contract) and `batch.screen_row` (the result line), and its JSON line
through `batch.result_line`. Nothing here formats a hit.
"""

from __future__ import annotations

import csv
import datetime
import io
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from .. import batch, screening
from ..errors import InterdictError
from ..heap import Settler, settle
from ..match.screener import Screener
from ..relations import reach
from ..rows import COLUMNS, read_row

# The hit struct: the fields of `Hit.to_dict()` (docs/architecture.md, "Output contracts"), one line per field.
# A field the contract gains later (e.g. relations) and this table does not name travels in `extra`,
# JSON-encoded, so no part of a hit is ever dropped; add it here to give it a column of its own.
# Types are pyarrow's type factories by name (pyarrow is imported only where Spark runs).
HIT_FIELDS: tuple[tuple[str, str], ...] = (
    ("entity_id", "string"),
    ("dataset", "string"),
    ("source_id", "string"),
    ("caption", "string"),
    ("schema", "string"),
    ("score", "float64"),
    ("match", "bool_"),
    ("matched_name", "string"),
    ("explanation", "string"),
)
EXTRA = "extra"
_KNOWN = frozenset(name for name, _ in HIT_FIELDS)


class Shape(Enum):
    """What each result row carries."""

    STRUCT = "struct"  # id, hits (struct array), error, warnings: for DataFrames and Parquet
    JSON = "json"  # id, result (the screen-file JSON line): for JSONL output, nothing built twice
    BOTH = "both"  # all of the above


class InputMode(Enum):
    """How input rows arrive."""

    COLUMNS = "columns"  # the contract's columns (id, name, schema, ...) as DataFrame columns
    JSONL = "jsonl"  # raw text lines of a JSONL file, parsed here exactly as screen-file parses them


def arrow_schema(shape: Shape) -> Any:
    """The Arrow schema of the result rows (a pyarrow.Schema)."""
    import pyarrow as pa  # type: ignore[import-untyped,unused-ignore]

    hit_type = pa.struct(
        [pa.field(name, getattr(pa, kind)()) for name, kind in HIT_FIELDS] + [pa.field(EXTRA, pa.map_(pa.string(), pa.string()))]
    )
    fields = [pa.field("id", pa.string())]
    if shape in (Shape.STRUCT, Shape.BOTH):
        fields += [
            pa.field("hits", pa.list_(hit_type)),
            pa.field("error", pa.string()),
            pa.field("warnings", pa.list_(pa.string())),
        ]
    if shape in (Shape.JSON, Shape.BOTH):
        fields.append(pa.field("result", pa.string()))
    return pa.schema(fields)


@dataclass(frozen=True)
class Job:
    """Everything a worker needs, pickled with the function: small, no index in it.

    `files` maps a role to the shipped file's name (SparkFiles): "index", and
    "reach" (the reach-through table, so no worker builds the relation graph).
    """

    files: dict[str, str]
    fingerprint: str  # the driver's code fingerprint: executors with other interdict code would score differently
    missing_datasets: tuple[str, ...]
    datasets: list[str] | None
    limit: int
    threshold: float | None
    shape: Shape
    mode: InputMode
    offsets: tuple[int, ...]  # rows (or lines) before each partition: rows without an id are numbered as screen-file numbers them
    first_line: int = 1  # the number of the first row (2 for CSV: the header is line 1)
    csv: tuple[str, int] | None = None  # CSV input: (delimiter, header columns), to say why Spark could not parse a line
    columns: tuple[str, ...] = field(default=COLUMNS)


_screeners: dict[str, Screener] = {}  # shipped index file name → its Screener, for the life of the worker process
_opened = 0  # index files this worker process has opened (the once-per-worker promise, checked by the tests)
_reach_shipped = 0  # reach tables this worker took from the shipped file instead of building the relation graph


class ExecutorMismatchError(InterdictError):
    """The executors run interdict code other than the driver's (the index and the scorer would disagree)."""


def screener_for(job: Job) -> Screener:
    """The worker's Screener for the job's index: opened on first use, then kept."""
    global _opened, _reach_shipped
    name = job.files["index"]
    screener = _screeners.get(name)
    if screener is None:
        if screening.code_fingerprint() != job.fingerprint:
            raise ExecutorMismatchError(
                "the executors run another version of interdict's matcher than the driver; install the same interdict version on both"
            )
        from pyspark import SparkFiles

        path = SparkFiles.get(name)
        _screeners.clear()  # a new list version replaces the old one: one index per worker
        screener = screening.screener_from_file(path, job.missing_datasets)
        # A Spark Python worker is a process of its own, reused task after task: it settles its heap as the
        # command line's and the service's processes do (interdict.heap), the index it just opened first.
        screener.settler = Settler()
        settle()
        if "reach" in job.files and reach.use_table_file(screener, SparkFiles.get(job.files["reach"])):
            _reach_shipped += 1
        _screeners[name] = screener
        _opened += 1
    return screener


def worker_state() -> dict[str, object]:
    """This worker process: its id, the index files it holds, how many it has opened, its memory (for tests and bench/spark.py)."""
    memory: dict[str, int] = {}
    try:
        with open("/proc/self/status", encoding="ascii") as handle:
            for line in handle:
                key, _, value = line.partition(":")
                if key in ("VmRSS", "VmHWM"):
                    memory[key] = int(value.split()[0]) * 1024
    except OSError:
        pass
    return {
        "pid": os.getpid(),
        "held": sorted(_screeners),
        "opened": _opened,
        "reach_shipped": _reach_shipped,
        "settling": sum(1 for held in _screeners.values() if held.settler is not None),
        "rss": memory.get("VmRSS", 0),
        "peak_rss": memory.get("VmHWM", 0),
    }


def _value(value: object) -> object:
    """A cell as the row contract reads it: dates as ISO text (Parquet date columns), like XLSX cells in screen-file."""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def _hit_struct(hit: dict[str, Any]) -> dict[str, Any]:
    struct = {name: hit.get(name) for name, _ in HIT_FIELDS}
    struct[EXTRA] = [(key, json.dumps(value, ensure_ascii=False)) for key, value in hit.items() if key not in _KNOWN]
    return struct


def _out(result: dict[str, Any], shape: Shape) -> dict[str, Any]:
    row: dict[str, Any] = {"id": result["id"]}
    if shape in (Shape.STRUCT, Shape.BOTH):
        row["hits"] = [_hit_struct(hit) for hit in result["hits"]]
        row["error"] = result.get("error")
        row["warnings"] = result.get("warnings")
    if shape in (Shape.JSON, Shape.BOTH):
        row["result"] = batch.result_line(result)
    return row


def screen_batches(job: Job, batches: Iterator[Any]) -> Iterator[Any]:
    """mapInArrow's function: Arrow batches of input rows in, Arrow batches of results out, in order."""
    import pyarrow as pa  # type: ignore[import-untyped,unused-ignore]
    from pyspark import TaskContext

    context = TaskContext.get()
    partition = context.partitionId() if context is not None else 0
    line = job.first_line + (job.offsets[partition] if partition < len(job.offsets) else 0)
    screener = screener_for(job)
    schema = arrow_schema(job.shape)
    for data in batches:
        out = []
        columns = {name: data.column(name).to_pylist() for name in data.schema.names}
        for i in range(data.num_rows):
            if job.mode is InputMode.JSONL:
                text = columns["value"][i]
                number, line = line, line + 1
                if text is None or not text.strip():
                    continue  # a blank line is no row (and still counts as a line)
                record = batch.jsonl_record(text.lstrip("\ufeff") if number == 1 else text, number)
                row = batch.as_row(record)
            else:
                number, line = line, line + 1
                values = {name: _value(columns[name][i]) for name in job.columns if name in columns}
                raw = columns["_raw"][i] if "_raw" in columns else None
                error = csv_row_error(raw, job.csv, number) if raw is not None and job.csv else None
                row = read_row(values, number, error)
            result = batch.screen_row(screener, row, job.datasets, job.limit, job.threshold)
            out.append(_out(result, job.shape))
        yield pa.RecordBatch.from_pylist(out, schema=schema)


def csv_row_error(raw: str, dialect: tuple[str, int], line: int) -> str | None:
    """Why a line Spark's CSV reader flagged is a row error, in screen-file's words (None: a short row, read as screen-file reads it)."""
    delimiter, width = dialect
    try:
        cells = next(csv.reader(io.StringIO(raw, newline=""), delimiter=delimiter, quotechar='"', doublequote=True), [])
    except csv.Error as exc:
        return f"line {line}: not valid CSV: {exc}"
    if len(cells) > width:
        return f"line {line}: more fields ({len(cells)}) than the header has columns ({width})"
    if raw.count('"') % 2:
        return f"line {line}: not valid CSV: an unbalanced quote"
    return None


def hit_dict(struct: Any) -> dict[str, Any]:
    """A hit struct (a Spark Row or a dict) back as the screen-file hit: its fields, then those carried in `extra`."""
    data = struct.asDict() if hasattr(struct, "asDict") else dict(struct)
    hit = {name: data.get(name) for name, _ in HIT_FIELDS}
    extra = data.get(EXTRA) or {}
    for key, value in extra.items() if isinstance(extra, dict) else extra:
        hit[key] = json.loads(value)
    return hit
