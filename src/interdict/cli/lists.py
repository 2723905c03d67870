"""CLI commands over the stored lists: datasets, show, update, accept, load, export."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import typer
from rich.markup import escape
from rich.table import Table

from .. import lists, screening
from .. import update as updating
from ..atomic import atomic_write, write_error
from ..errors import InputError
from ..model import entity_to_dict, to_ftm
from ..relations import load_ftm_list
from ..relations.ftm import export_entity, relation_entities
from ..sources import get_source, registry
from .cases import catch_up as watch_register  # a list change is screened against the watch register at once
from .common import DATASET_OPTION, DB_OPTION, app, err, out, status, warn


@app.command()
def datasets(
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of a table."),
    db: Optional[str] = DB_OPTION,
) -> None:
    """List the loaded datasets: entries, publication date and provenance."""
    store = lists.load_lists(db, progress=_seed_status, warn=warn)
    rows = lists.describe_lists(store)
    missing = {row["id"] for row in rows if row["missing"]}
    if missing:
        warn(f"not loaded: {', '.join(sorted(missing))}; screens say so until they are (this command retries the bundled ones).")
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
            escape(row["as_of"]["text"]) if row["as_of"] else "[dim]not loaded[/dim]",
            (row["loaded_at"] or "")[:19],
            escape(_shorten(row["origin"], 80)) if row["origin"] else "[red]not loaded[/red]",
        )
    out.print(table)


def _seed_status(dataset: str, done: int, total: int) -> None:
    if dataset:
        status(f"loading bundled list {dataset} ({done + 1}/{total})")


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
    store = lists.load_lists(db, warn=warn)
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


FORCE_HELP = "Accept a list past the shrink or churn limit (see `interdict accept --help`); it becomes the reviewed baseline."


@app.command()
def update(
    dataset: Optional[list[str]] = typer.Argument(None, help="Datasets to update (default: all)."),
    force: bool = typer.Option(False, "--force", help=FORCE_HELP),
    mirror: Optional[str] = typer.Option(None, "--mirror", envvar="INTERDICT_MIRROR", help="Fetch from {mirror}/{dataset}/{file} instead of the official URLs; files are verified against {mirror}/SHA256SUMS when the mirror publishes one."),
    sha256: Optional[list[str]] = typer.Option(None, "--sha256", metavar="DATASET/FILE=HEX", help="Expected sha256 of one downloaded file (repeatable), e.g. un_sc_sanctions/consolidated.xml=<64 hex digits>; a mismatch refuses the list."),
    db: Optional[str] = DB_OPTION,
) -> None:
    """Download the current official lists, validate them, and swap them in atomically.

    A list is refused (exit 4, or 1 when others succeeded) when a checksum does not match, or when it shrinks or
    churns past the limits against its reviewed baseline; --force accepts it. Content identical to the current
    snapshot is recorded as confirmed, not stored again.
    """
    names = dataset or None
    if names:
        for name in names:
            get_source(name)  # unknown ids and bad --sha256 fail before the store opens
    updating.parse_sha256_options(sha256 or [], names or list(registry()))
    store = lists.load_lists(db, warn=warn)
    results = updating.update(store, names, mirror=mirror, force=force, sha256=sha256, progress=lambda d, m: status(f"{d}: {m}"))
    failed = 0
    for result in results:
        if result.ok and result.snapshot:
            before = f"{result.previous_entries:,}" if result.previous_entries is not None else "none"
            if result.unchanged:
                out.print(f"[green]✓[/green] {result.dataset}: unchanged, {result.snapshot.entries:,} entries as of {result.snapshot.published or 'not stated'} (confirmed; not stored again)")
            else:
                out.print(f"[green]✓[/green] {result.dataset}: {result.snapshot.entries:,} entries (was {before}), as of {result.snapshot.published or 'not stated'}")
            if mirror and len(result.verified) < len(result.snapshot.files):
                warn(f"{result.dataset}: not verified: the mirror publishes no SHA256SUMS and no --sha256 was given for it.")
        else:
            failed += 1
            err.print(f"[red]✗[/red] {result.dataset}: {escape(result.error or 'failed')} [dim](the previous snapshot stays active)[/dim]")
    watch_register(db)
    if failed:
        raise typer.Exit(4 if failed == len(results) else 1)


@app.command()
def accept(
    dataset: list[str] = typer.Argument(..., help="Datasets whose current snapshot you reviewed, e.g. us_ofac_sdn."),
    db: Optional[str] = DB_OPTION,
) -> None:
    """Mark the current snapshot of these lists as reviewed: later updates are measured against it.

    An update is refused when, against the reviewed baseline (or the current snapshot), it has lost more than
    INTERDICT_MAX_SHRINK (default 10%) of the entries, or more than INTERDICT_MAX_CHURN (default 25%) of the entries
    disappeared or changed their names or strong identifiers. The bundled lists and every `--force`d update are
    baselines already; accept a list after checking a run of smaller updates, so the drift is counted from there.
    """
    for name in dataset:
        get_source(name)
    store = lists.load_lists(db, warn=warn)
    for name in dataset:
        baseline = store.accept(name)
        snap = store.snapshot(baseline.snapshot_id)
        out.print(f"[green]✓[/green] {name}: snapshot {snap.id} ({snap.entries:,} entries, as of {snap.published or 'not stated'}) is the reviewed baseline")


@app.command()
def load(
    dataset: str = typer.Argument(..., help="Dataset id, e.g. us_ofac_sdn."),
    files: list[Path] = typer.Argument(..., help="The list file(s); OFAC CSV sets in the order sdn add alt comments."),
    parser: Optional[str] = typer.Option(None, "--parser", help="Parser for another official format (e.g. ofac_enhanced, eu_fsf_xml, uk_tables)."),
    force: bool = typer.Option(False, "--force", help=FORCE_HELP),
    ftm: bool = typer.Option(False, "--ftm", help="Bring your own list: DATASET is a name of yours, FILE FollowTheMoney JSON lines (or ADD/MOD/DEL deltas)."),
    db: Optional[str] = DB_OPTION,
) -> None:
    """Load local copies of a list (downloaded elsewhere) as the dataset's new snapshot.

    Refused (exit 4) past the shrink or churn limit against the reviewed baseline, unless --force. Content identical
    to the current snapshot is recorded as confirmed, not stored again.

    With --ftm, a list of your own (an internal watch list, a PEP set, an OpenSanctions export) in FollowTheMoney
    entities of any schema: screened and exported like the official lists; a file of ADD/MOD/DEL operations updates it.
    Example: interdict load --ftm watchlist watchlist.ftm.json
    """
    if ftm:
        if len(files) != 1:
            raise InputError("--ftm takes one file.")
        report = load_ftm_list(lists.load_lists(db, warn=warn), files[0], dataset, force=force)
        out.print(f"[green]✓[/green] {escape(dataset)}: {report.nodes:,} entries, {report.relations:,} relation(s) from {escape(str(files[0]))}")
        for warning in report.warnings:
            err.print(f"[yellow]warning:[/yellow] {escape(warning)}")
        for error in report.errors[:50]:
            err.print(f"[red]error:[/red] {escape(str(error))}")
        watch_register(db)  # a list of one's own is screened against the watch register like an official one
        if report.errors:
            raise typer.Exit(1)
        return
    store = lists.load_lists(db, warn=warn)
    before = store.active_snapshot(dataset)
    snapshot = lists.load_files(store, dataset, list(files), parser=parser, force=force)
    if before is not None and snapshot.id == before.id:
        confirmed_from = snapshot.confirmed.origin if snapshot.confirmed else snapshot.origin
        out.print(f"[green]✓[/green] {dataset}: unchanged, {snapshot.entries:,} entries (confirmed from {escape(confirmed_from)}; not stored again)")
    else:
        out.print(f"[green]✓[/green] {dataset}: {snapshot.entries:,} entries loaded from {escape(snapshot.origin)}")
    for warning in snapshot.warnings:
        err.print(f"[yellow]warning:[/yellow] {escape(warning)}")
    watch_register(db)


@app.command()
def export(
    out_path: Path = typer.Option(..., "--out", "-o", help="FollowTheMoney JSON lines file to write."),
    dataset: Optional[list[str]] = DATASET_OPTION,
    db: Optional[str] = DB_OPTION,
) -> None:
    """Export the loaded lists as FollowTheMoney entities (JSON lines)."""
    screening.check_datasets(dataset, db)
    if out_path.is_dir():
        raise InputError(f"{out_path} is a directory; give a file name for the export.")
    if not out_path.parent.is_dir():
        raise InputError(f"Cannot write {out_path}: folder {out_path.parent} does not exist.")
    store = lists.load_lists(db, warn=warn)
    count = relations = 0
    entities = list(store.active_entities(dataset or None))
    try:
        with atomic_write(out_path) as handle:
            for entity in entities:
                for item in export_entity(entity):
                    handle.write(json.dumps(item, ensure_ascii=False) + "\n")
                count += 1
            for item in relation_entities(entities):  # Ownership, Family, Associate, Directorship, UnknownLink
                handle.write(json.dumps(item, ensure_ascii=False) + "\n")
                relations += 1
    except OSError as exc:
        raise write_error(out_path, exc) from None
    err.print(f"{count:,} entities written to {escape(str(out_path))}, with {relations:,} relation entities (Ownership, Family, Associate, Directorship, UnknownLink)")


