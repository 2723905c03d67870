"""Batch screening and pairwise scoring of files: the contract in docs/architecture.md ("Output contracts").

    screen-file INPUT --out RESULTS.jsonl
        INPUT: CSV, XLSX or JSONL with `id`, `name` and optionally `schema`,
        `birth_date`, `nationality`, `country`, `id_number` (read by the row
        contract, rows.read_row).
        RESULTS: one JSON line per input row, in input order, always:
        {"id": ..., "hits": [...]}; a row that cannot be read or screened gets
        {"id": ..., "hits": [], "error": "..."}; an incomplete screen (matches
        beyond the limit, very common words) or a doubtful reading of the row
        (a line of a UTF-8 file in another encoding, or a line beyond ASCII of
        a file read in a legacy encoding) adds "warnings".

    compare-file PAIRS.csv --out SCORES.jsonl
        PAIRS: `name1`, `name2`, `schema`; SCORES: {"i": row, "score": s, "match": b}
        (+ "warnings" for a line read in a legacy encoding).

A file that cannot be read at all (missing, empty, binary, no `name` column)
fails before any work; a row that cannot be read is that row's error and the
file goes on. The results are written to a temporary file and renamed into
place only when there is one line per row. Large files are screened by several
worker processes that share the index (fork, copy-on-write); output order
always follows input order.
"""

from __future__ import annotations

import csv
import datetime
import io
import json
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from .atomic import atomic_write, write_error
from .cores import forked_map, usable_cores
from .errors import InputError, InterdictError
from .heap import settle
from .match.query import clean_schema
from .match.screener import DEFAULT_LIMIT, Screener
from .rows import Row, field_text, one_line, printable, read_row, replacement_warnings
from .textfiles import DecodedText, csv_delimiter, decode_lines, guessed_warning, text_lines

__all__ = [
    "RESULT_CSV_COLUMNS",
    "BatchSummary",
    "Record",
    "as_row",
    "check_output",
    "compare_file",
    "jsonl_record",
    "read_records",
    "result_line",
    "results_csv",
    "screen_file",
    "screen_row",
    "screened_rows",
]

CHUNK = 256

Progress = Callable[[int], None]


@dataclass
class BatchSummary:
    rows: int = 0  # rows read from the input
    written: int = 0  # result lines written: always equal to rows
    matched_rows: int = 0
    errors: int = 0
    joined_lines: int = 0  # CSV lines that quotes joined into other rows (each such row is an error)
    warnings: int = 0  # rows whose screen was incomplete (matches beyond the limit, very common words, lists missing)


@dataclass(frozen=True)
class Record:
    """One row of an input file as read: its number, its values, or the reason it could not be read."""

    line: int
    values: dict[str, object]
    error: str | None = None
    warning: str | None = None  # a doubt about how the row was read (a line in a legacy encoding), reported with its result


def _check_header(columns: list[str], required: tuple[str, ...], path: Path) -> None:
    missing = [name for name in required if name not in columns]
    if missing:
        found = ", ".join(columns) if columns else "no columns"
        raise InputError(f"{path}: missing required column(s) {', '.join(missing)} (found: {found}).")


def read_records(path: Path, required: tuple[str, ...] = ("name",)) -> Iterator[Record]:
    """Rows of a CSV, XLSX or JSONL file. A file that cannot be read at all is an InputError;
    a row that cannot be read is a Record carrying its error, and reading goes on."""
    path = Path(path)
    if not path.exists():
        raise InputError(f"{path}: no such file.")
    if path.is_dir():
        raise InputError(f"{path} is a directory, not a file.")
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        yield from _xlsx_records(path, required)
    elif suffix in (".jsonl", ".ndjson"):
        yield from _jsonl_records(path, required)
    else:
        yield from _csv_records(path, required)


def _decode(path: Path) -> DecodedText:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror or exc}.") from None
    if not data.strip():
        raise InputError(f"{path} is empty.")
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):  # UTF-16, as Excel's "Unicode text" export writes it
        try:
            return DecodedText(data.decode("utf-16"), {})
        except UnicodeDecodeError:
            raise InputError(f"{path}: starts as UTF-16 text but cannot be decoded as such.") from None
    if b"\x00" in data[:4096]:
        raise InputError(f"{path} looks binary, not CSV text (is it an .xlsx with the wrong extension?).")
    return decode_lines(data)


def _csv_records(path: Path, required: tuple[str, ...]) -> Iterator[Record]:
    decoded = _decode(path)
    text = decoded.text
    first_line = text.lstrip("\ufeff").split("\n", 1)[0]
    # The whole file is in memory already; a long field is a row error (MAX_FIELD), not a crash.
    csv.field_size_limit(max(csv.field_size_limit(), len(text) + 1))
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff"), newline=""), delimiter=csv_delimiter(first_line, required), quotechar='"', doublequote=True)
    try:
        header = next(reader, None)
    except csv.Error as exc:
        raise InputError(f"{path}: the header is not valid CSV: {exc}.") from None
    columns = [name.strip().lower() for name in (header or [])]
    _check_header(columns, required, path)
    number = 0
    while True:
        first = reader.line_num + 1  # the physical lines this row spans: first .. reader.line_num once read
        try:
            cells = next(reader, None)
        except csv.Error as exc:  # e.g. a NUL character inside a field
            number += 1
            yield Record(number + 1, {}, f"line {reader.line_num}: not valid CSV: {exc}")
            continue
        if cells is None:
            break
        if not cells or all(not cell.strip() for cell in cells):
            continue  # a blank line is no row
        number += 1
        values: dict[str, object] = dict(zip(columns, cells))
        error = None
        if len(cells) > len(columns):
            error = f"line {reader.line_num}: more fields ({len(cells)}) than the header has columns ({len(columns)})"
        warning = guessed_warning(range(first, reader.line_num + 1), decoded)
        yield Record(number + 1, values, error, warning)


def _xlsx_records(path: Path, required: tuple[str, ...]) -> Iterator[Record]:
    from openpyxl import load_workbook  # here, not at the top: 90 ms of every CLI start for a format few files use

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, OSError, KeyError, ValueError) as exc:
        raise InputError(f"{path}: not a readable .xlsx workbook ({exc}).") from None
    try:
        sheet = workbook.worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        header = next(rows, None)
        if header is None:
            raise InputError(f"{path} has no rows.")
        columns = [str(cell).strip().lower() if cell is not None else "" for cell in header]
        _check_header(columns, required, path)
        for line, values in enumerate(rows, start=2):
            if values is None or all(value is None for value in values):
                continue
            yield Record(line, {columns[i]: _cell_text(value) for i, value in enumerate(values) if i < len(columns) and columns[i]})
    finally:
        workbook.close()


def _cell_text(value: object) -> str:
    """A cell as text; date cells as ISO dates (str() would append a midnight time)."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def jsonl_record(text: str, line: int) -> Record:
    """One line of JSON lines as a Record: a line that is not a JSON object is a row error, not the file's."""
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        return Record(line, {}, f"line {line} is not valid JSON ({exc.msg})")
    except RecursionError:
        return Record(line, {}, f"line {line} nests too deeply to be a row")
    if not isinstance(value, dict):
        return Record(line, {}, f"line {line} must be a JSON object with the row's columns, not a {type(value).__name__}")
    return Record(line, value)


def _jsonl_records(path: Path, required: tuple[str, ...]) -> Iterator[Record]:
    decoded = _decode(path)
    for line, raw in enumerate(text_lines(decoded.text.lstrip("\ufeff")), start=1):
        if raw.strip():
            record = jsonl_record(raw, line)
            warning = guessed_warning((line,), decoded)
            yield Record(record.line, record.values, record.error, warning) if warning else record


# --- screening ------------------------------------------------------------------

def as_row(record: Record) -> Row:
    return read_row(record.values, record.line, record.error, (record.warning,) if record.warning else ())


def screen_row(screener: Screener, row: Row, datasets: list[str] | None, limit: int, threshold: float | None) -> dict[str, object]:
    """One result line of the contract: {"id", "hits"} (+ "error" for a row that cannot be screened, + "warnings").

    The one per-row function of batch screening: `screen_file` and the Spark
    engine (`interdict.spark`) both call it, so their results are the same row by row.
    """
    result: dict[str, object]
    warnings = list(row.warnings)  # doubts about how the row was read come first: they concern every hit
    if row.query is None:
        result = {"id": row.id, "hits": [], "error": row.error or "this row cannot be screened"}
    else:
        try:
            screening = screener.screening(row.query, datasets=datasets, limit=limit, threshold=threshold)
        except InterdictError as exc:
            result = {"id": row.id, "hits": [], "error": printable(str(exc))}
        else:
            result = {"id": row.id, "hits": [hit.to_dict() for hit in screening.hits]}
            warnings.extend(screening.warnings())
    if warnings:
        result["warnings"] = warnings
    return result


def result_line(result: dict[str, object]) -> str:
    """A result as its line of RESULTS.jsonl (without the newline): every engine writes lines through this."""
    return json.dumps(result, ensure_ascii=False)


# Results of the distinct queries of the file being screened, by what was asked (the id aside): a customer file
# repeats names ("Mohammed Ali" thousands of times), and the same query against the same lists gets the same
# answer. Emptied when a file starts (forked workers inherit it empty); bounded, so a file of distinct names
# costs a little memory and no time.
_answers: dict[tuple[object, ...], dict[str, object]] = {}
ANSWERS_KEPT = 5_000

# The named error of a row whose screening ended its worker process: the other rows of its chunk are screened again.
LOST_ROW = (
    "screening this row ended its worker process (the system may have stopped it for lack of memory); "
    "the row was not screened, the other rows were: screen it again alone, or with --workers 1 to see the error"
)


@dataclass(frozen=True)
class FileJob:
    """What every row of one file is screened with; handed to forked workers through the fork."""

    screener: Screener
    datasets: list[str] | None
    limit: int
    threshold: float | None


# A row's outcome: (JSON line, any match, error, warned).
Outcome = tuple[str, bool, bool, bool]


def _asked(job: FileJob, row: Row) -> tuple[object, ...] | None:
    """Everything an answer depends on but the row's id: the screener, the file's settings, the query."""
    query = row.query
    if query is None:
        return None
    return (
        id(job.screener),
        tuple(job.datasets) if job.datasets is not None else None,
        job.limit,
        job.threshold,
        row.warnings,
        query.schema,
        tuple(query.names),
        tuple(repr(date) for date in query.birth_dates),
        tuple(query.nationalities),
        tuple(query.countries),
        tuple(query.identifiers),
    )


def _outcome(result: dict[str, object]) -> Outcome:
    hits = result["hits"]
    assert isinstance(hits, list)
    return (result_line(result), any(hit["match"] for hit in hits), "error" in result, "warnings" in result)


def _screen_part(job: FileJob, rows: Sequence[Row]) -> list[Outcome]:
    """The outcome of each row, in order; runs in this process or in a forked worker."""
    out = []
    for row in rows:
        asked = _asked(job, row)
        known = _answers.get(asked) if asked is not None else None
        if known is not None:
            result = {**known, "id": row.id}
        else:
            result = screen_row(job.screener, row, job.datasets, job.limit, job.threshold)
            if asked is not None and len(_answers) < ANSWERS_KEPT:
                _answers[asked] = result
        out.append(_outcome(result))
    return out


def _lost(row: Row) -> Outcome:
    result: dict[str, object] = {"id": row.id, "hits": [], "error": LOST_ROW}
    if row.warnings:
        result["warnings"] = list(row.warnings)
    return _outcome(result)


def check_output(input_path: Path, out_path: Path) -> None:
    """Refuse an output path that cannot be written, or that is the input, before any work."""
    input_path, out_path = Path(input_path), Path(out_path)
    if out_path.is_dir():
        raise InputError(f"{out_path} is a directory; give a file name for the results.")
    if not out_path.parent.is_dir():
        raise InputError(f"Cannot write {out_path}: folder {out_path.parent} does not exist.")
    if out_path.exists() and input_path.exists() and out_path.resolve() == input_path.resolve():
        raise InputError(f"The results would overwrite the input {input_path}; choose another --out.")


def screen_file(
    screener: Screener,
    input_path: Path,
    out_path: Path,
    datasets: list[str] | None = None,
    limit: int = DEFAULT_LIMIT,
    threshold: float | None = None,
    workers: int = 1,
    progress: Progress | None = None,
) -> BatchSummary:
    """Screen every row of a file into JSONL: one line per input row, in input order, always.

    The whole input is read first, so a file that cannot be read at all fails
    before any work; a row that cannot be read or screened gets an error line.
    """
    check_output(input_path, out_path)
    rows = [as_row(record) for record in read_records(Path(input_path))]
    summary = BatchSummary(rows=len(rows))
    summary.joined_lines = sum(1 for row in rows if row.error and "spans several lines" in row.error)
    out_path = Path(out_path)
    _answers.clear()
    chunks = -(-len(rows) // CHUNK)
    workers = max(1, min(workers, usable_cores(), chunks))  # a worker per chunk at most: a small file forks no idle ones
    try:
        with atomic_write(out_path) as handle:
            if workers > 1:
                screener.warm()  # built once here, not once in each forked worker
                if screener.settler is not None:
                    settle()  # the workers' collectors then leave the pages they share with this process alone
            job = FileJob(screener, datasets, limit, threshold)
            _write_results(forked_map(_screen_part, rows, workers, CHUNK, job, lost=_lost), handle, summary, progress)
            if summary.written != summary.rows:  # the one promise of this function: never write less
                raise InterdictError(f"wrote {summary.written:,} results for {summary.rows:,} rows; {out_path} was not written")
    except OSError as exc:
        raise write_error(out_path, exc) from None
    finally:
        _answers.clear()  # the file's parties' names and numbers do not outlive its screening
    return summary


def _write_results(outcomes: Iterator[Outcome], handle: IO[str], summary: BatchSummary, progress: Progress | None) -> None:
    for line, matched, error, warned in outcomes:
        handle.write(line + "\n")
        summary.written += 1
        summary.matched_rows += matched
        summary.errors += error
        summary.warnings += warned
        if progress and (summary.written % CHUNK == 0 or summary.written == summary.rows):
            progress(summary.written)


def screened_rows(input_path: Path, results_path: Path) -> Iterator[tuple[str, dict[str, Any], list[dict[str, Any]]]]:
    """(row id, row, hits) of each screened row, from the input and the results screen_file wrote (one line per row,
    in order): what `cases.record_screenings` records. Rows that could not be screened carry their error in the
    results and are left out."""
    with Path(results_path).open(encoding="utf-8") as results:
        for record, line in zip(read_records(Path(input_path)), results):
            result = json.loads(line)
            if "error" not in result:
                data = {key: value for key, value in record.values.items() if key != "id"}
                yield str(result["id"]), data, list(result["hits"])


# One CSV row per result line, for people who open results in a spreadsheet: the verdict and the best hit in
# columns, every hit (JSON) in the last one so nothing of the JSON line is lost.
RESULT_CSV_COLUMNS = ("id", "verdict", "matches", "hits", "best_score", "best_entity_id", "best_caption", "best_dataset", "best_matched_name", "error", "warnings", "all_hits")


def result_verdict(result: dict[str, Any]) -> str:
    """"error", "match", "near miss" or "clear": one word per row (the CSV's and the web UI's)."""
    if "error" in result:
        return "error"
    hits = result.get("hits") or []
    if any(hit.get("match") for hit in hits):
        return "match"
    return "near miss" if hits else "clear"


def results_csv(lines: Iterable[str], out: IO[str]) -> int:
    """Write screen-file result lines (JSONL) as CSV, one row per line, in order; the rows written.

    A value a spreadsheet would run as a formula (starting with = + - @) is prefixed with a quote: list data and
    uploaded names are untrusted."""
    writer = csv.writer(out)
    writer.writerow(RESULT_CSV_COLUMNS)
    count = 0
    for line in lines:
        if not line.strip():
            continue
        result = json.loads(line)
        hits = result.get("hits") or []
        best = hits[0] if hits else {}
        row = [
            result.get("id"),
            result_verdict(result),
            sum(1 for hit in hits if hit.get("match")),
            len(hits),
            best.get("score", ""),
            best.get("entity_id", ""),
            best.get("caption", ""),
            best.get("dataset", ""),
            best.get("matched_name", ""),
            result.get("error", ""),
            "; ".join(result.get("warnings") or []),
            json.dumps(hits, ensure_ascii=False) if hits else "",
        ]
        writer.writerow([_spreadsheet_safe(value) for value in row])
        count += 1
    return count


def _spreadsheet_safe(value: object) -> object:
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return "" if value is None else value


# --- pairwise ---------------------------------------------------------------------


def compare_file(
    screener: Screener,
    pairs_path: Path,
    out_path: Path,
    threshold: float | None = None,
    progress: Progress | None = None,
) -> BatchSummary:
    """Score each (name1, name2) pair of a file: one {"i", "score", "match"} line per row, in order."""
    check_output(pairs_path, out_path)
    threshold = screener.threshold if threshold is None else threshold
    records = list(read_records(Path(pairs_path), required=("name1", "name2")))
    summary = BatchSummary(rows=len(records))
    out_path = Path(out_path)
    try:
        with atomic_write(out_path) as handle:
            for i, record in enumerate(records):
                result: dict[str, object] = {"i": i}
                warnings = [record.warning] if record.warning else []
                try:
                    if record.error:
                        raise InputError(record.error)
                    # The rules screening applies to a row's fields (rows.py): a long, broken or multi-line name is a
                    # named error, never cut short or compared as it stands.
                    names = {key: field_text(key, record.values.get(key)) for key in ("name1", "name2")}
                    for key, name in names.items():
                        one_line(key, name)
                    schema = clean_schema(field_text("schema", record.values.get("schema")) or None)
                    if not all(name.strip() for name in names.values()):
                        raise InputError("both name1 and name2 are required")
                    warnings.extend(replacement_warnings(names))
                    score, _ = screener.compare(names["name1"], names["name2"], schema)
                    result |= {"score": round(score, 4), "match": score >= threshold}
                    summary.matched_rows += score >= threshold
                except InterdictError as exc:
                    result |= {"score": 0.0, "match": False, "error": printable(str(exc))}
                    summary.errors += 1
                if warnings:
                    result["warnings"] = warnings
                    summary.warnings += 1
                handle.write(json.dumps(result, ensure_ascii=False) + "\n")
                summary.written += 1
                if progress and i % 100 == 0:
                    progress(summary.written)
    except OSError as exc:
        raise write_error(out_path, exc) from None
    if progress:
        progress(summary.written)
    return summary
