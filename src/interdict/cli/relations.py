"""CLI commands for relations and ownership, registered on the main app (see cli/__init__.py).

    interdict relations load FILE [--name relations]     ownership CSV or FtM JSON lines, stored as a snapshot
    interdict exposure ENTITY_OR_NAME [--jurisdiction us] [--json]

Thin wrappers over interdict.relations (load_relations, exposure).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import typer
from rich.markup import escape
from rich.table import Table

from ..errors import InputError
from ..lists import load_lists
from ..relations import load_relations, rules_for
from ..relations.dataset import own_datasets
from ..relations.context import relations_of
from ..relations.derived import derived_gaps
from ..relations.exposure import exposure as run_exposure
from ..relations.exposure import find_node
from .cases import catch_up as watch_register
from .common import DB_OPTION, app, err, open_screener, out, status

relations_app = typer.Typer(
    help="Your own relation data (ownership, family, associates, directorships): load it, and it is screened and used "
    "by `exposure`, the HTTP API and the document checks.",
    no_args_is_help=True,
)
app.add_typer(relations_app, name="relations")


@relations_app.command("load")
def load(
    path: Path = typer.Argument(..., help="An ownership CSV (owner, asset, share_pct, as_of, source) or FollowTheMoney JSON lines."),
    name: str = typer.Option("relations", "--name", "-n", help="The dataset to store it as (a new snapshot of it; default 'relations')."),
    fmt: Optional[str] = typer.Option(None, "--format", "-f", help="csv or ftm (default: from the extension, else the first character)."),
    force: bool = typer.Option(False, "--force", help="Accept a file that drops most of the previous snapshot's nodes."),
    as_json: bool = typer.Option(False, "--json", help="Print the load report as JSON."),
    db: Optional[str] = DB_OPTION,
) -> None:
    """Load relation data: each row names an owner and an asset by list entry id (us_ofac_sdn-12927) or by name.

    A name becomes a node of your data, screened like a list entry but reported only when it is blocked through
    ownership or related to a designated person. Each bad row is reported with its line; the others load
    (exit 1 when some rows failed). The previous snapshot stays active when nothing could be read.

    Example: interdict relations load holdings.csv --name holdings
    """
    if fmt is not None and fmt not in ("csv", "ftm"):
        raise InputError(f"--format {fmt!r}: use csv or ftm.")
    store = load_lists(db)
    status(f"reading {path}")
    report = load_relations(store, path, name, fmt=fmt, force=force)
    # new relation data is screened against the watch register at once (its changed nodes); with --json its
    # report is part of the one JSON document on stdout
    register = watch_register(db, show=not as_json)
    if as_json:
        out.print_json(json.dumps({**report.to_dict(), "register": register.to_dict() if register else None}))
    else:
        snap = report.snapshot
        out.print(
            f"{escape(report.dataset)}: {report.relations:,} relation(s), {report.nodes:,} node(s) of your own "
            f"from {report.rows:,} row(s) → snapshot {snap.id if snap else '-'}"
        )
    for warning in report.warnings:
        err.print(f"[yellow]warning:[/yellow] {escape(warning)}")
    for error in report.errors[:50]:
        err.print(f"[red]error:[/red] {escape(str(error))}")
    if len(report.errors) > 50:
        err.print(f"[red]error:[/red] … and {len(report.errors) - 50:,} more (use --json to see them all)")
    if report.errors:
        raise typer.Exit(1)


@app.command("exposure")
def exposure(
    entity: str = typer.Argument(..., help="An entity id (us_ofac_sdn-16669) or a name (the best match is used)."),
    jurisdiction: Optional[list[str]] = typer.Option(None, "--jurisdiction", "-j", help="us, eu, gb, ca or au (repeatable; default all)."),
    as_json: bool = typer.Option(False, "--json", help="Print the exposure as JSON."),
    db: Optional[str] = DB_OPTION,
) -> None:
    """What a designated person owns or controls, directly and through blocked companies, with paths; for anyone
    else, the designated owners above it and whether they block it, per jurisdiction's ownership rule.

    Example: interdict exposure "Arkady Rotenberg" -j us --json
    """
    codes = [rule.jurisdiction for rule in rules_for(jurisdiction)]
    screener = open_screener(db)
    relations = relations_of(screener)
    node, how, notes = find_node(relations, screener, entity, codes)
    result = run_exposure(relations, node, codes, how)
    result.notes.extend(notes)
    if as_json:
        out.print_json(json.dumps(result.to_dict(), ensure_ascii=False))
        return
    out.print(f"[bold]{escape(result.caption)}[/bold] ({escape(result.node)}; {escape(how)})")
    if result.designated_by:
        out.print(f"designated by: {', '.join(result.designated_by)}")
    for code, section in result.jurisdictions.items():
        out.print(f"\n[bold]{code}[/bold] — {escape(section['rule'])}: {escape(section['status'])}")
        if section.get("path"):
            out.print(f"  {escape(section['reason'])}\n  path: {escape(section['path'])}")
        if section.get("holds"):
            table = Table("holds", "status", "share held by designated", "chain")
            for row in section["holds"]:
                share = "" if row["share"] is None else f"{row['share']:g}%"
                table.add_row(escape(row["caption"]), row["status"], share, escape(row["chain"]))
            out.print(table)
        for row in section.get("owners", []):
            out.print(f"  designated owner: {escape(row['chain'])}")
    for row in result.related:
        flag = " (designated)" if row["designated"] else ""
        out.print(f"{escape(row['relation'])} ({escape(row['label'])}): {escape(row['caption'])}{flag} [{escape(row['source'])}]")
    for note in result.notes:
        err.print(f"[yellow]note:[/yellow] {escape(note)}")


@relations_app.command("list")
def list_data(
    as_json: bool = typer.Option(False, "--json", help="Print as JSON."),
    db: Optional[str] = DB_OPTION,
) -> None:
    """Your relation data and lists of your own: each dataset's active snapshot, when and from which file it was loaded."""
    rows = own_datasets(load_lists(db))
    if as_json:
        out.print_json(json.dumps(rows))
        return
    if not rows:
        out.print("No relation data or list of your own is loaded (see `interdict relations load` and `interdict load --ftm`).")
        return
    table = Table("dataset", "kind", "snapshot", "entries", "loaded", "file (sha256)")
    for row in rows:
        table.add_row(
            escape(str(row["dataset"])), str(row["kind"]), str(row["snapshot"]), f"{row['entries']:,}", str(row["loaded_at"]), escape(f"{row['file']} ({str(row['sha256'])[:12]})")
        )
    out.print(table)


@relations_app.command("gaps")
def gaps(
    blocked_by: str = typer.Option("us", "--blocked-by", "-b", help="Jurisdictions where the party is blocked through ownership or control, comma-separated."),
    not_blocked_by: str = typer.Option("eu", "--not-blocked-by", "-n", help="Jurisdictions where it is neither designated nor blocked, comma-separated."),
    as_json: bool = typer.Option(False, "--json", help="Print the rows as JSON."),
    db: Optional[str] = DB_OPTION,
) -> None:
    """Derived blocks that differ between jurisdictions: e.g. blocked in the US through ownership but not in the EU.

    Example: interdict relations gaps --blocked-by us --not-blocked-by eu,gb
    """
    first = [rule.jurisdiction for rule in rules_for([code.strip() for code in blocked_by.split(",") if code.strip()])]
    second = [rule.jurisdiction for rule in rules_for([code.strip() for code in not_blocked_by.split(",") if code.strip()])]
    if set(first) & set(second):
        raise InputError("A jurisdiction cannot be both in --blocked-by and --not-blocked-by.")
    result = derived_gaps(relations_of(open_screener(db)), first, second)
    if as_json:
        out.print_json(json.dumps(result.to_dict(), ensure_ascii=False))
        return
    counts = ", ".join(f"{count:,} blocked in {code}" for code, count in result.counts().items())
    out.print(f"{len(result.rows):,} parties blocked through ownership or control in {', '.join(first)} but not in {', '.join(second)} ({counts})")
    for row in result.rows:
        out.print(f"- {escape(row['caption'])} ({escape(row['id'])}): " + "; ".join(f"{code}: {escape(path)}" for code, path in row["paths"].items()))
    for note in result.notes:
        err.print(f"[yellow]note:[/yellow] {escape(note)}")
