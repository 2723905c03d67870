"""Batch screening and pairwise scoring of files: the contract in DESIGN.md.

    screen-file INPUT --out RESULTS.jsonl
        INPUT: CSV, XLSX or JSONL with `id`, `name` and optionally `schema`,
        `birth_date`, `nationality`, `country`, `id_number`.
        RESULTS: one JSON line per input row, in input order:
        {"id": ..., "hits": [...]}; a row that cannot be screened gets
        {"id": ..., "hits": [], "error": "..."}.

    compare-file PAIRS.csv --out SCORES.jsonl
        PAIRS: `name1`, `name2`, `schema`; SCORES: {"i": row, "score": s, "match": b}.

Large files are screened by several worker processes that share the index
(fork, copy-on-write); output order always follows input order.
"""

from __future__ import annotations

import csv
import datetime
import io
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

from .atomic import atomic_write, write_error
from .errors import InputError, InterdictError
from .match.query import Query
from .match.screener import DEFAULT_LIMIT, Screener
from .textfiles import decode_guess

QUERY_COLUMNS = ("schema", "birth_date", "nationality", "country", "id_number")
MAX_FIELD = 10_000
CHUNK = 256

Progress = Callable[[int], None]


@dataclass
class BatchSummary:
    rows: int = 0
    matched_rows: int = 0
    errors: int = 0


def _check_header(columns: list[str], required: tuple[str, ...], path: Path) -> None:
    missing = [name for name in required if name not in columns]
    if missing:
        found = ", ".join(columns) if columns else "no columns"
        raise InputError(f"{path}: missing required column(s) {', '.join(missing)} (found: {found}).")


def read_rows(path: Path, required: tuple[str, ...] = ("name",)) -> Iterator[dict[str, str]]:
    """Rows of a CSV, XLSX or JSONL file as dicts of strings, with clear errors."""
    path = Path(path)
    if not path.exists():
        raise InputError(f"{path}: no such file.")
    if path.is_dir():
        raise InputError(f"{path} is a directory, not a file.")
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        yield from _xlsx_rows(path, required)
    elif suffix in (".jsonl", ".ndjson"):
        yield from _jsonl_rows(path, required)
    else:
        yield from _csv_rows(path, required)


def _decode(path: Path) -> str:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror or exc}.") from None
    if not data.strip():
        raise InputError(f"{path} is empty.")
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):  # UTF-16, as Excel's "Unicode text" export writes it
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise InputError(f"{path}: starts as UTF-16 text but cannot be decoded as such.") from None
    if b"\x00" in data[:4096]:
        raise InputError(f"{path} looks binary, not CSV text (is it an .xlsx with the wrong extension?).")
    return decode_guess(data)


def _csv_rows(path: Path, required: tuple[str, ...]) -> Iterator[dict[str, str]]:
    text = _decode(path)
    sample = text[:4096]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel
    reader = csv.DictReader(io.StringIO(text), dialect=dialect)
    columns = [name.strip().lower() for name in (reader.fieldnames or [])]
    _check_header(columns, required, path)
    reader.fieldnames = columns
    try:
        for line, row in enumerate(reader, start=2):
            if None in row:
                raise InputError(f"{path}, line {line}: more fields than the header has columns.")
            yield _clean_row(row, path, line)
    except csv.Error as exc:
        raise InputError(f"{path}: not valid CSV: {exc}.") from None


def _xlsx_rows(path: Path, required: tuple[str, ...]) -> Iterator[dict[str, str]]:
    import zipfile

    from openpyxl import load_workbook

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
            row = {columns[i]: _cell_text(value) for i, value in enumerate(values) if i < len(columns) and columns[i]}
            yield _clean_row(row, path, line)
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


def _jsonl_rows(path: Path, required: tuple[str, ...]) -> Iterator[dict[str, str]]:
    text = _decode(path)
    for line, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        try:
            value = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise InputError(f"{path}, line {line}: not valid JSON ({exc.msg}).") from None
        if not isinstance(value, dict):
            raise InputError(f"{path}, line {line}: each line must be a JSON object.")
        missing = [name for name in required if name not in value]
        if missing:
            raise InputError(f"{path}, line {line}: missing required field(s) {', '.join(missing)}.")
        row = {str(key).lower(): "" if item is None else (item if isinstance(item, str) else json.dumps(item)) for key, item in value.items()}
        nested = [str(key) for key, item in value.items() if isinstance(item, (list, dict)) and str(key).lower() in ("id", "name", "name1", "name2", *QUERY_COLUMNS)]
        cleaned = _clean_row(row, path, line)
        if nested:
            cleaned["_error"] = f"field {nested[0]!r} must be a single value, not a list or object"
        yield cleaned


def _clean_row(row: dict, path: Path, line: int) -> dict[str, str]:
    cleaned = {}
    for key, value in row.items():
        text = "" if value is None else str(value)
        if len(text) > MAX_FIELD:
            text = text[:MAX_FIELD]
            cleaned["_error"] = f"field {key!r} longer than {MAX_FIELD} characters"
        cleaned[key] = text.strip()
    if "\n" in cleaned.get("name", "") or "\r" in cleaned.get("name", ""):
        cleaned["_error"] = "the name spans several lines (an unbalanced quote in the file?)"
    cleaned["_line"] = str(line)
    return cleaned


# --- screening ------------------------------------------------------------------

_worker: Screener | None = None


def screen_row(screener: Screener, row: dict[str, str], datasets: list[str] | None, limit: int, threshold: float | None) -> dict:
    row_id = row.get("id") or row.get("_line")
    if row.get("_error"):
        return {"id": row_id, "hits": [], "error": row["_error"]}
    try:
        query = Query.build(
            row.get("name", ""),
            schema=row.get("schema") or None,
            birth_date=row.get("birth_date") or None,
            nationality=row.get("nationality") or None,
            country=row.get("country") or None,
            id_number=row.get("id_number") or None,
            id=row_id,
        )
        hits = screener.screen(query, datasets=datasets, limit=limit, threshold=threshold)
    except InterdictError as exc:
        return {"id": row_id, "hits": [], "error": str(exc)}
    return {"id": row_id, "hits": [hit.to_dict() for hit in hits]}


def _screen_chunk(args: tuple[list[dict[str, str]], list[str] | None, int, float | None]) -> list[tuple[str, bool, bool]]:
    """(JSON line, any match, error) per row; runs in worker processes."""
    rows, datasets, limit, threshold = args
    assert _worker is not None
    out = []
    for row in rows:
        result = screen_row(_worker, row, datasets, limit, threshold)
        matched = any(hit["match"] for hit in result["hits"])
        out.append((json.dumps(result, ensure_ascii=False), matched, "error" in result))
    return out


def _chunks(rows: Iterator[dict[str, str]], size: int) -> Iterator[list[dict[str, str]]]:
    chunk: list[dict[str, str]] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


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
    """Screen every row of a file into JSONL; the whole input is validated first."""
    global _worker
    check_output(input_path, out_path)
    rows = list(read_rows(Path(input_path)))
    summary = BatchSummary()
    out_path = Path(out_path)
    _worker = screener
    workers = max(1, min(workers, os.cpu_count() or 1))
    try:
        with atomic_write(out_path) as handle:
            jobs = ((chunk, datasets, limit, threshold) for chunk in _chunks(iter(rows), CHUNK))
            if workers > 1 and len(rows) > CHUNK:
                import multiprocessing

                context = multiprocessing.get_context("fork")
                with context.Pool(workers) as pool:
                    results = pool.imap(_screen_chunk, jobs)
                    _write_results(results, handle, summary, progress)
            else:
                _write_results(map(_screen_chunk, jobs), handle, summary, progress)
    except OSError as exc:
        raise write_error(out_path, exc) from None
    return summary


def _write_results(results: Iterator[list[tuple[str, bool, bool]]], handle, summary: BatchSummary, progress: Progress | None) -> None:  # type: ignore[no-untyped-def]
    for chunk in results:
        for line, matched, error in chunk:
            handle.write(line + "\n")
            summary.rows += 1
            summary.matched_rows += matched
            summary.errors += error
        if progress:
            progress(summary.rows)


# --- pairwise ---------------------------------------------------------------------


def compare_file(
    screener: Screener,
    pairs_path: Path,
    out_path: Path,
    threshold: float | None = None,
    progress: Progress | None = None,
) -> BatchSummary:
    """Score each (name1, name2) pair of a file: one {"i", "score", "match"} line per row."""
    check_output(pairs_path, out_path)
    from .match.query import clean_schema

    threshold = screener.threshold if threshold is None else threshold
    rows = list(read_rows(Path(pairs_path), required=("name1", "name2")))
    summary = BatchSummary()
    out_path = Path(out_path)
    try:
        with atomic_write(out_path) as handle:
            for i, row in enumerate(rows):
                record: dict = {"i": i}
                try:
                    score, _ = screener.compare(row["name1"], row["name2"], clean_schema(row.get("schema") or None))
                    record |= {"score": round(score, 4), "match": score >= threshold}
                    summary.matched_rows += score >= threshold
                except InterdictError as exc:
                    record |= {"score": 0.0, "match": False, "error": str(exc)}
                    summary.errors += 1
                handle.write(json.dumps(record) + "\n")
                summary.rows += 1
                if progress and i % 100 == 0:
                    progress(summary.rows)
    except OSError as exc:
        raise write_error(out_path, exc) from None
    if progress:
        progress(summary.rows)
    return summary
