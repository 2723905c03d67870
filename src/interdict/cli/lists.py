"""CLI commands over the stored lists: datasets, show, update, load, export."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import typer
from rich.markup import escape
from rich.table import Table

from .. import lists, screening
from .. import update as updating
from ..errors import InputError
from ..model import entity_to_dict, to_ftm
from ..sources import registry
from .common import DATASET_OPTION, DB_OPTION, app, err, out, status


@app.command()
def datasets(
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of a table."),
    db: Optional[str] = DB_OPTION,
) -> None:
    """List the loaded datasets: entries, publication date and provenance."""
    store = lists.load_lists(db, progress=lambda d, i, n: d and status(f"loading bundled list {d} ({i + 1}/{n})"))
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
    results = updating.update(store, dataset or None, mirror=mirror, force=force, progress=lambda d, m: status(f"{d}: {m}"))
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


