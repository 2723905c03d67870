"""interdict's command line: thin commands over library functions of the same name.

Exit codes (stable, for scripts):
    0  success (for `screen`, also when nothing matched)
    1  partial failure (some rows or lists failed; details on stderr)
    2  bad input or usage: unreadable file, missing column, unknown dataset or schema
    3  a list file could not be parsed
    4  a list update was refused or failed (the last good snapshot stays active)
    5  the store could not be opened or written
    6  no such entity
   10  `screen --fail-on-match`: at least one hit is a match
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn
from rich.table import Table

from . import batch, lists, screening, update as updating
from .errors import InputError, InterdictError
from .match.query import Query, clean_schema
from .match.screener import DEFAULT_LIMIT
from .model import entity_to_dict, to_ftm
from .sources import registry
from .store import open_store

app = typer.Typer(
    help="Screen people, companies, vessels and aircraft against the official sanctions lists, offline.\n\n"
    "The bundled lists (OFAC, UN, UK, EU, Canada, Australia, US CSL) load on first use; "
    "`interdict update` fetches current ones.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
)
out = Console()
err = Console(stderr=True)

DB_OPTION = typer.Option(None, "--db", envvar="INTERDICT_DB", help="Database URL (default: SQLite in ~/.local/share/interdict).")
DATASET_OPTION = typer.Option(None, "--dataset", "-d", help="Only these datasets (repeatable), e.g. -d us_ofac_sdn -d un_sc_sanctions.")


def _status(message: str) -> None:
    err.print(f"[dim]{escape(message)}…[/dim]")


def _screener(db: str | None):  # type: ignore[no-untyped-def]
    return screening.open_screener(db, progress=_status)


def _progress() -> Progress:
    return Progress(
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=err,
        transient=False,
    )


@app.command()
def datasets(
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of a table."),
    db: Optional[str] = DB_OPTION,
) -> None:
    """List the loaded datasets: entries, publication date and provenance."""
    store = lists.load_lists(db, progress=lambda d, i, n: d and _status(f"loading bundled list {d} ({i + 1}/{n})"))
    snaps = {snap.dataset: snap for snap in store.active_snapshots()}
    rows = []
    for source in registry().values():
        snap = snaps.get(source.id)
        rows.append(
            {
                "id": source.id,
                "title": source.title,
                "publisher": source.publisher,
                "jurisdiction": source.jurisdiction,
                "entries": snap.entries if snap else 0,
                "counts": snap.counts if snap else {},
                "published": snap.published if snap else None,
                "loaded_at": snap.loaded_at if snap else None,
                "origin": snap.origin if snap else None,
                "sha256": snap.sha256 if snap else None,
                "files": [f.__dict__ for f in snap.files] if snap else [],
                "official_urls": source.files,
                "warnings": snap.warnings if snap else [],
            }
        )
    if as_json:
        out.print_json(json.dumps(rows))
        return
    table = Table(title="Loaded sanctions lists")
    for column in ("id", "title", "entries", "as of", "loaded", "origin"):
        table.add_column(column, overflow="fold")
    for row in rows:
        table.add_row(
            row["id"],
            f"{escape(row['title'])}\n[dim]{escape(row['publisher'])}[/dim]",
            f"{row['entries']:,}",
            row["published"] or "[dim]not stated[/dim]",
            (row["loaded_at"] or "")[:19],
            escape(_shorten(row["origin"], 80)) if row["origin"] else "[red]not loaded[/red]",
        )
    out.print(table)


def _shorten(text: str, width: int) -> str:
    """At most `width` characters, cut at a word boundary with an ellipsis (the full text is in --json)."""
    if len(text) <= width:
        return text
    return text[: width - 1].rsplit(" ", 1)[0].rstrip(",;:") + "…"


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
    as_json: bool = typer.Option(False, "--json", help="Print the result as JSON: {\"query\", \"hits\": [{entity_id, dataset, source_id, caption, schema, score, match, matched_name, explanation}]}."),
    fail_on_match: bool = typer.Option(False, "--fail-on-match", help="Exit with code 10 if any hit is a match."),
    db: Optional[str] = DB_OPTION,
) -> None:
    """Screen one name. Hits above the threshold are matches; near misses are listed too.

    Example: interdict screen "Mohammad Baqer Qalibaf" --schema Person --birth-date 1961
    """
    # Bad input fails before the index loads (on first use that takes a minute).
    screening.validate_datasets(dataset)
    Query.build(name, schema=schema, birth_date=birth_date, nationality=nationality, country=country, id_number=id_number)
    screener = _screener(db)
    hits = screening.screen(
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
    if as_json:
        out.print_json(json.dumps({"query": name, "hits": [hit.to_dict() for hit in hits]}, ensure_ascii=False))
    elif not hits:
        out.print(f"[green]No hits[/green] for {escape(repr(name))} in {len(screener.dataset_codes)} lists.")
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
    if fail_on_match and any(hit.match for hit in hits):
        raise typer.Exit(10)


@app.command("screen-file")
def screen_file(
    input_path: Path = typer.Argument(..., help="CSV, XLSX or JSONL with a name column [and id, schema, birth_date, nationality, country, id_number]; without id, rows are numbered by line."),
    out_path: Path = typer.Option(..., "--out", "-o", help="Where to write results, one JSON line per input row."),
    dataset: Optional[list[str]] = DATASET_OPTION,
    limit: int = typer.Option(DEFAULT_LIMIT, "--limit", min=1, max=500, help="Most hits per row."),
    threshold: Optional[float] = typer.Option(None, "--threshold", min=0.0, max=1.0, help="Match threshold (default 0.70)."),
    workers: int = typer.Option(1, "--workers", "-w", min=1, max=64, help="Worker processes (use the core count for large files)."),
    db: Optional[str] = DB_OPTION,
) -> None:
    """Screen every row of a file; results keep the input order."""
    screening.validate_datasets(dataset)
    rows = sum(1 for _ in batch.read_rows(input_path))  # bad input fails before the index loads
    batch.check_output(input_path, out_path)
    screener = _screener(db)
    with _progress() as progress:
        task = progress.add_task("screening", total=rows)
        summary = batch.screen_file(
            screener,
            input_path,
            out_path,
            datasets=dataset,
            limit=limit,
            threshold=threshold,
            workers=workers,
            progress=lambda done: progress.update(task, completed=done),
        )
    err.print(f"{summary.rows:,} rows screened, {summary.matched_rows:,} with a match, {summary.errors:,} errors → {escape(str(out_path))}")
    if summary.errors:
        raise typer.Exit(1)


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
    screener = _screener(db)
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
    rows = sum(1 for _ in batch.read_rows(pairs_path, required=("name1", "name2")))  # bad input fails before the index loads
    batch.check_output(pairs_path, out_path)
    screener = _screener(db)
    with _progress() as progress:
        task = progress.add_task("comparing", total=rows)
        summary = batch.compare_file(screener, pairs_path, out_path, threshold=threshold, progress=lambda done: progress.update(task, completed=done))
    err.print(f"{summary.rows:,} pairs scored, {summary.matched_rows:,} matches, {summary.errors:,} errors → {escape(str(out_path))}")
    if summary.errors:
        raise typer.Exit(1)


@app.command()
def show(
    entity_id: str = typer.Argument(..., help="An entity id as printed by `screen`, e.g. us_ofac_sdn-15431."),
    as_json: bool = typer.Option(False, "--json", help="Print the entity as JSON."),
    ftm: bool = typer.Option(False, "--ftm", help="Print FollowTheMoney entities (JSON lines)."),
    db: Optional[str] = DB_OPTION,
) -> None:
    """Show everything the lists say about one entry."""
    store = lists.load_lists(db)
    entity = store.get_entity(entity_id)
    if ftm:
        for item in to_ftm(entity):  # JSON lines: one compact object per line
            out.print_json(json.dumps(item, ensure_ascii=False), indent=None)
        return
    data = entity_to_dict(entity)
    if as_json:
        out.print_json(json.dumps(data, ensure_ascii=False))
        return
    table = Table(title=f"{escape(entity.caption)}  [dim]({entity.schema}, {entity.dataset} {escape(entity.source_id)})[/dim]", show_header=False)
    table.add_column("field", style="bold")
    table.add_column("value", overflow="fold")
    for key, value in data.items():
        if key in ("id", "dataset", "source_id", "schema"):
            continue
        if isinstance(value, list):
            text = "\n".join(_describe(item) for item in value)
        elif isinstance(value, dict):
            text = "\n".join(f"{k}: {', '.join(v)}" for k, v in value.items())
        else:
            text = str(value)
        table.add_row(key.replace("_", " "), escape(text))
    out.print(table)


def _describe(item: object) -> str:
    if isinstance(item, dict):
        return ", ".join(f"{k}={v}" for k, v in item.items() if v not in (None, "", False))
    return str(item)


@app.command()
def update(
    dataset: Optional[list[str]] = typer.Argument(None, help="Datasets to update (default: all)."),
    force: bool = typer.Option(False, "--force", help="Accept a list that lost more than 10% of its entries."),
    mirror: Optional[str] = typer.Option(None, "--mirror", envvar="INTERDICT_MIRROR", help="Fetch from {mirror}/{dataset}/{file} instead of the official URLs."),
    db: Optional[str] = DB_OPTION,
) -> None:
    """Download the current official lists, validate them, and swap them in atomically."""
    store = lists.load_lists(db)
    results = updating.update(store, dataset or None, mirror=mirror, force=force, progress=lambda d, m: _status(f"{d}: {m}"))
    failed = 0
    for result in results:
        if result.ok and result.snapshot:
            before = f"{result.previous_entries:,}" if result.previous_entries is not None else "none"
            out.print(f"[green]✓[/green] {result.dataset}: {result.snapshot.entries:,} entries (was {before}), as of {result.snapshot.published or 'not stated'}")
        else:
            failed += 1
            err.print(f"[red]✗[/red] {result.dataset}: {escape(result.error or 'failed')} [dim](the previous snapshot stays active)[/dim]")
    if failed:
        raise typer.Exit(4 if failed == len(results) else 1)


@app.command()
def load(
    dataset: str = typer.Argument(..., help="Dataset id, e.g. us_ofac_sdn."),
    files: list[Path] = typer.Argument(..., help="The list file(s); OFAC CSV sets in the order sdn add alt comments."),
    parser: Optional[str] = typer.Option(None, "--parser", help="Parser for another official format (e.g. ofac_enhanced, eu_fsf_xml, uk_tables)."),
    force: bool = typer.Option(False, "--force", help="Accept a list that lost more than 10% of its entries."),
    db: Optional[str] = DB_OPTION,
) -> None:
    """Load local copies of a list (downloaded elsewhere) as the dataset's new snapshot."""
    store = lists.load_lists(db)
    snapshot = lists.load_files(store, dataset, list(files), parser=parser, force=force)
    out.print(f"[green]✓[/green] {dataset}: {snapshot.entries:,} entries loaded from {escape(snapshot.origin)}")
    for warning in snapshot.warnings:
        err.print(f"[yellow]warning:[/yellow] {escape(warning)}")


@app.command()
def export(
    out_path: Path = typer.Option(..., "--out", "-o", help="FollowTheMoney JSON lines file to write."),
    dataset: Optional[list[str]] = DATASET_OPTION,
    db: Optional[str] = DB_OPTION,
) -> None:
    """Export the loaded lists as FollowTheMoney entities (JSON lines)."""
    screening.validate_datasets(dataset)
    if out_path.is_dir():
        raise InputError(f"{out_path} is a directory; give a file name for the export.")
    if not out_path.parent.is_dir():
        raise InputError(f"Cannot write {out_path}: folder {out_path.parent} does not exist.")
    store = lists.load_lists(db)
    count = 0
    with out_path.open("w", encoding="utf-8") as handle:
        for entity in store.active_entities(dataset or None):
            for item in to_ftm(entity):
                handle.write(json.dumps(item, ensure_ascii=False) + "\n")
            count += 1
    err.print(f"{count:,} entities written to {escape(str(out_path))}")


def _usage_errors() -> tuple[type[Exception], ...]:
    """Click's usage errors: typer >= 0.25 vendors click, so they need not be click's classes."""
    kinds: list[type[Exception]] = []
    try:
        import click

        kinds.append(click.ClickException)
    except ImportError:  # pragma: no cover - typer without click
        pass
    typer_error = getattr(typer, "TyperException", None)
    if typer_error is not None:
        kinds.append(typer_error)
    return tuple(kinds)


# Commands of other areas live in their own modules and register on `app` when imported.
from . import cli_gaps, cli_service, cli_workflows  # noqa: E402,F401


def main() -> None:
    """Entry point: run the app, turning every interdict error into a message and an exit code."""
    try:
        # Without standalone mode click *returns* the code of a typer.Exit
        # (--fail-on-match, partial failures) instead of raising it.
        code = app(standalone_mode=False)
    except InterdictError as exc:
        err.print(f"[red]error:[/red] {escape(str(exc))}")
        sys.exit(exc.exit_code)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except typer.Abort:
        err.print("aborted")
        sys.exit(130)
    except KeyboardInterrupt:
        err.print("interrupted")
        sys.exit(130)
    except Exception as exc:  # click usage errors and the like
        if isinstance(exc, _usage_errors()):
            exc.show()
            sys.exit(2)
        if isinstance(exc, OSError):
            err.print(f"[red]error:[/red] {escape(str(exc))}")
            sys.exit(2)
        raise
    if isinstance(code, int) and code:
        sys.exit(code)


if __name__ == "__main__":
    main()
