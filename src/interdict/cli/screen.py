"""CLI commands that screen and score names: screen, screen-file, compare, compare-file."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Optional

import typer
from rich.markup import escape
from rich.table import Table

from .. import batch, screening
from ..cases import open_cases, record_screening, record_screenings
from ..cores import usable_cores
from ..errors import InputError
from ..match.query import Query, clean_schema
from ..match.screener import DEFAULT_LIMIT
from ..store import audit
from . import spark as spark_cli
from .common import (
    DATASET_OPTION,
    DB_OPTION,
    EXIT_MISSING_LISTS,
    app,
    err,
    exit_code,
    open_screener,
    out,
    progress_bar,
    warn_missing,
)
from .spark import Engine


@app.command()
def screen(
    name: str = typer.Argument(..., help="The name to screen, in any script or spelling."),
    schema: Optional[str] = typer.Option(None, "--schema", "-s", help="Person, Organization, Company, LegalEntity, Vessel or Airplane."),
    birth_date: Optional[str] = typer.Option(None, "--birth-date", "-b", help="YYYY, YYYY-MM or YYYY-MM-DD; confirms or rules out."),
    nationality: Optional[str] = typer.Option(None, "--nationality", "-n", help="Country name or ISO code."),
    country: Optional[str] = typer.Option(None, "--country", help="Country of address or registration."),
    id_number: Optional[str] = typer.Option(None, "--id", help="Passport, IMO, tail number, BIC...; an exact match is decisive."),
    dataset: Optional[list[str]] = DATASET_OPTION,
    limit: int = typer.Option(DEFAULT_LIMIT, "--limit", min=1, max=500, help="Most hits to show."),
    threshold: Optional[float] = typer.Option(None, "--threshold", min=0.0, max=1.0, help="Match threshold (default 0.70)."),
    as_json: bool = typer.Option(
        False,
        "--json",
        help="Print the result as JSON: {\"query\", \"hits\": [{entity_id, dataset, source_id, caption, schema, score, match, matched_name, "
        "explanation}], \"matches\": matches found (the limit may show fewer), \"warnings\": [...], \"missing_lists\": [lists not loaded]}.",
    ),
    fail_on_match: bool = typer.Option(False, "--fail-on-match", help="Exit with code 10 if any hit is a match, 11 if none is but lists were missing."),
    record: bool = typer.Option(False, "--record", help="Record this screening in the audit log and raise its matches as alerts (`interdict alerts list`)."),
    party_id: Optional[str] = typer.Option(None, "--party-id", help="With --record: your reference for the party (default: the name)."),
    user: Optional[str] = typer.Option(None, "--user", "-u", envvar="INTERDICT_USER", help="With --record: who screened (default: the system account)."),
    db: Optional[str] = DB_OPTION,
) -> None:
    """Screen one name. Hits above the threshold are matches; near misses are listed too.

    Example: interdict screen "Mohammad Baqer Qalibaf" --schema Person --birth-date 1961
    """
    # Bad input fails before the index loads (on first use that takes a minute).
    screening.check_datasets(dataset, db)
    Query.build(name, schema=schema, birth_date=birth_date, nationality=nationality, country=country, id_number=id_number)
    screener = open_screener(db)
    result = screening.screening(
        name,
        schema=schema,
        birth_date=birth_date,
        nationality=nationality,
        country=country,
        id_number=id_number,
        datasets=dataset,
        limit=limit,
        threshold=threshold,
        screener=screener,
    )
    hits = result.hits
    missing = list(screener.missing_datasets)
    recorded: list[int] | None = None
    if record:
        party = {"name": name, "schema": schema, "birth_date": birth_date, "nationality": nationality, "country": country, "id_number": id_number}
        with audit.acting_as(user) if user else contextlib.nullcontext():
            recorded = record_screening(open_cases(db), party_id or name, party, [hit.to_dict() for hit in hits], sorted(screener.datasets))
        err.print(f"recorded; {len(recorded)} alert(s) raised" + (f": {', '.join(map(str, recorded))}" if recorded else ""))
    if as_json:
        data = {"query": name, "hits": [hit.to_dict() for hit in hits], "matches": result.matches, "warnings": result.warnings(), "missing_lists": missing}
        if recorded is not None:
            data["alerts"] = recorded
        out.print_json(json.dumps(data, ensure_ascii=False))
    elif not hits and missing:
        out.print(f"[yellow]No hits[/yellow] for {escape(repr(name))} in {len(screener.datasets)} lists, [bold]but {len(missing)} lists are missing[/bold].")
    elif not hits:
        out.print(f"[green]No hits[/green] for {escape(repr(name))} in {len(screener.datasets)} lists.")
    else:
        table = Table(title=f"Hits for {escape(repr(name))}", show_lines=True)
        table.add_column("score", justify="right")
        table.add_column("match")
        table.add_column("entry", overflow="fold")
        table.add_column("why", overflow="fold", ratio=3)
        for hit in hits:
            color = "red" if hit.match else "yellow"
            table.add_row(
                f"[{color}]{hit.score:.2f}[/{color}]",
                f"[{color}]{'MATCH' if hit.match else 'near'}[/{color}]",
                f"{escape(hit.entity.caption)}\n[dim]{hit.entity.schema} · {hit.entity.dataset} {escape(hit.entity.source_id)}\n{escape(hit.entity.id)}[/dim]",
                escape(hit.explanation),
            )
        out.print(table)
    for warning in result.warnings(missing=False):
        err.print(f"[yellow]warning:[/yellow] {escape(warning)}")
    warn_missing(screener)
    code = exit_code(result.matches > 0, bool(missing), fail_on_match)
    if code:
        raise typer.Exit(code)


AUTO_WORKERS_MAX = 8  # beyond this, a laptop's or a shared server's other work suffers more than the file gains


def auto_workers() -> int:
    """One worker per core (the index is memory-mapped, so forked workers share it rather than copy it)."""
    return min(AUTO_WORKERS_MAX, usable_cores())


@app.command("screen-file")
def screen_file(
    input_arg: str = typer.Argument(
        ...,
        metavar="INPUT",
        help="CSV, XLSX or JSONL with a name column \\[and id, schema, birth_date, nationality, country, id_number]; without id, rows are numbered by line. "
        "With --engine spark: Parquet, CSV or JSONL, a file or a folder of part files, on any file system Spark reads.",
    ),
    out_arg: str = typer.Option(
        ..., "--out", "-o", help="Where to write results, one JSON line per input row. With --engine spark: a new folder of part files (.jsonl, .parquet or .csv)."
    ),
    dataset: Optional[list[str]] = DATASET_OPTION,
    limit: int = typer.Option(DEFAULT_LIMIT, "--limit", min=1, max=500, help="Most hits per row."),
    threshold: Optional[float] = typer.Option(None, "--threshold", min=0.0, max=1.0, help="Match threshold (default 0.70)."),
    workers: Optional[int] = typer.Option(
        None, "--workers", "-w", min=1, max=64, help=f"Worker processes (default: one per core, at most {AUTO_WORKERS_MAX}; a file of up to {batch.CHUNK} rows uses one)."
    ),
    engine: Engine = typer.Option(Engine.LOCAL, "--engine", help="local: this machine; spark: Apache Spark (needs pip install 'interdict\\[spark]' and Java 17+)."),
    master: str = typer.Option("local[2]", "--master", help="With --engine spark: the Spark master (local[N], spark://host:port, yarn...)."),
    record: bool = typer.Option(False, "--record", help="Record each row's screening in the audit log (party id: the row's id) and raise its matches as alerts."),
    user: Optional[str] = typer.Option(None, "--user", "-u", envvar="INTERDICT_USER", help="With --record: who screened (default: the system account)."),
    db: Optional[str] = DB_OPTION,
) -> None:
    """Screen every row of a file; results keep the input order.

    Exits 11 (after writing the results) when lists the store should hold are missing, 1 when rows had errors.
    With --engine spark, exits 2 when pyspark or Java is missing.
    """
    if engine is Engine.SPARK and record:
        raise InputError("--record is for the local engine (a Spark job's results are written by its executors); screen with --engine local to record.")
    if engine is Engine.SPARK:
        spark_cli.screen_file_spark(input_arg, out_arg, dataset, limit, threshold, master, db)
        return
    input_path, out_path = Path(input_arg), Path(out_arg)
    screening.check_datasets(dataset, db)
    rows = sum(1 for _ in batch.read_records(input_path))  # bad input fails before the index loads
    batch.check_output(input_path, out_path)
    screener = open_screener(db)
    with progress_bar() as progress:
        task = progress.add_task("screening", total=rows)
        summary = batch.screen_file(
            screener,
            input_path,
            out_path,
            datasets=dataset,
            limit=limit,
            threshold=threshold,
            workers=workers or auto_workers(),
            progress=lambda done: progress.update(task, completed=done),
        )
    err.print(
        f"{summary.rows:,} rows read, {summary.written:,} results written, {summary.matched_rows:,} with a match, "
        f"{summary.errors:,} errors → {escape(str(out_path))}"
    )
    if summary.joined_lines:
        err.print(
            f"[yellow]warning:[/yellow] {summary.joined_lines:,} row(s) hold line breaks in the name: an unbalanced quote in the file "
            "joined lines into one row. Those rows are errors; fix the quoting and screen them again."
        )
    if summary.warnings:
        err.print(f"[yellow]warning:[/yellow] {summary.warnings:,} row(s) carry warnings (screened incompletely, or read in a doubtful encoding); see their \"warnings\" in the results.")
    recorded = None
    if record:
        with audit.acting_as(user) if user else contextlib.nullcontext():
            recorded = record_screenings(open_cases(db), _recordable(input_path, out_path), sorted(screener.datasets))
        err.print(f"recorded {recorded.recorded:,} screenings; {len(recorded.alerts):,} alert(s) raised")
        for party_id, why in recorded.errors[:50]:
            err.print(f"[red]not recorded[/red] (id {escape(party_id)}): {escape(why)}")
    if warn_missing(screener):
        raise typer.Exit(EXIT_MISSING_LISTS)
    if summary.errors or summary.written != summary.rows or (recorded is not None and recorded.errors):
        raise typer.Exit(1)


def _recordable(input_path: Path, out_path: Path) -> Iterator[tuple[str, dict[str, Any], list[dict[str, Any]]]]:
    """(row id, row, hits) of each screened row (rows that could not be screened are not recorded)."""
    return batch.screened_rows(input_path, out_path)


@app.command()
def compare(
    name1: str = typer.Argument(..., help="First name."),
    name2: str = typer.Argument(..., help="Second name."),
    schema: Optional[str] = typer.Option(None, "--schema", "-s", help="Person, Organization, Company, LegalEntity, Vessel or Airplane."),
    threshold: Optional[float] = typer.Option(None, "--threshold", min=0.0, max=1.0, help="Match threshold (default 0.70)."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
    db: Optional[str] = DB_OPTION,
) -> None:
    """Score two names against each other and explain the score."""
    clean_schema(schema)  # bad input fails before the index loads
    screening.check_pair(name1, name2)
    screener = open_screener(db)
    score, explanation = screening.compare(name1, name2, schema, screener=screener)
    limit = screener.threshold if threshold is None else threshold
    if as_json:
        out.print_json(json.dumps({"score": round(score, 4), "match": score >= limit, "explanation": explanation}, ensure_ascii=False))
    else:
        color = "red" if score >= limit else "green"
        out.print(f"[{color}]{score:.3f}[/{color}] {'MATCH' if score >= limit else 'no match'}\n{escape(explanation)}")


@app.command("compare-file")
def compare_file(
    pairs_path: Path = typer.Argument(..., help="CSV/XLSX/JSONL with columns name1, name2 [, schema]."),
    out_path: Path = typer.Option(..., "--out", "-o", help="Where to write {i, score, match} lines."),
    threshold: Optional[float] = typer.Option(None, "--threshold", min=0.0, max=1.0, help="Match threshold (default 0.70)."),
    db: Optional[str] = DB_OPTION,
) -> None:
    """Score every name pair of a file (calibration and QA)."""
    rows = sum(1 for _ in batch.read_records(pairs_path, required=("name1", "name2")))  # bad input fails before the index loads
    batch.check_output(pairs_path, out_path)
    screener = open_screener(db)
    with progress_bar() as progress:
        task = progress.add_task("comparing", total=rows)
        summary = batch.compare_file(screener, pairs_path, out_path, threshold=threshold, progress=lambda done: progress.update(task, completed=done))
    err.print(f"{summary.rows:,} pairs scored, {summary.matched_rows:,} matches, {summary.errors:,} errors → {escape(str(out_path))}")
    if summary.warnings:
        err.print(f"[yellow]warning:[/yellow] {summary.warnings:,} pair(s) were read from lines in a doubtful encoding; see their \"warnings\" in the results.")
    if summary.errors:
        raise typer.Exit(1)


