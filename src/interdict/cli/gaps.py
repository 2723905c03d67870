"""CLI commands for the gaps area, registered on the main app (see cli/__init__.py).

    interdict gaps --listed-by us,gb,ca --not-listed-by eu [--programme iran] [--schema Person] --out report.html
    interdict gaps-evaluate [--dataset ID]... [--out evaluation.json]

Both are thin wrappers over interdict.gaps.gaps / gaps_evaluate.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Optional, Self

import typer
from rich.markup import escape
from rich.table import Table

from ..atomic import write_error, write_text
from ..gaps import gaps as run_gaps
from ..gaps import gaps_evaluate as run_evaluate
from .common import DB_OPTION, app, err, out, progress_bar

TRUTH_LABELS = {"un_reference": "UN no.", "passport": "passport", "imo": "IMO"}
WORKERS_OPTION = typer.Option(2, "--workers", "-w", min=1, max=64, help="Worker processes for the first resolution of a list update.")


class _Bar:
    """A rich progress bar fed by the resolver's (stage, done, total) callbacks."""

    def __init__(self) -> None:
        self.progress = progress_bar()
        self.task: object | None = None

    def __enter__(self) -> Self:
        self.progress.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self.progress.__exit__(*exc)  # type: ignore[arg-type]

    def __call__(self, stage: str, done: int, total: int) -> None:
        if not total:
            err.print(f"[dim]{escape(stage)}…[/dim]")
            return
        if self.task is None:
            err.print("[dim]resolving entries across lists (once per list update; later reports reuse it)…[/dim]")
            self.task = self.progress.add_task(stage, total=total)
        self.progress.update(self.task, completed=done, total=total)  # type: ignore[arg-type]


@app.command("gaps")
def gaps(
    listed_by: str = typer.Option(..., "--listed-by", "-l", help="Jurisdictions that list the subject, comma-separated: us, gb, eu, ca, au, un, or the name of a list of your own (load --ftm NAME)."),
    not_listed_by: str = typer.Option(..., "--not-listed-by", "-n", help="Jurisdictions that must not list it, comma-separated."),
    out_path: Path = typer.Option(..., "--out", "-o", help="Report file: .csv, .xlsx, .json or .html (with the summary matrix and chart)."),
    programme: Optional[str] = typer.Option(None, "--programme", "-p", help="Only this shared programme topic, e.g. iran, russia, dprk, terrorism."),
    schema: Optional[str] = typer.Option(None, "--schema", "-s", help="Person, Organization, Company, LegalEntity, Vessel or Airplane (Organization and Company include each other)."),
    require_all: bool = typer.Option(False, "--all", help="Listed by every --listed-by jurisdiction (default: any of them)."),
    min_confidence: str = typer.Option(
        "medium", "--min-confidence", help="Count rows of this confidence or more: medium (default), high, or low (all); the others are listed apart, 'to check'."
    ),
    focus: bool = typer.Option(False, "--focus", help="Resolve only around this query's listings: faster, may miss links a full run finds."),
    dataset: Optional[list[str]] = typer.Option(None, "--dataset", "-d", help="Resolve among these lists only (repeatable)."),
    workers: int = WORKERS_OPTION,
    db: Optional[str] = DB_OPTION,
) -> None:
    """Who is listed by some jurisdictions but not by others: one row per subject, with evidence.

    Example: interdict gaps --listed-by us,gb,ca --not-listed-by eu --programme iran --out iran.html
    """
    with _Bar() as bar:
        report = run_gaps(
            listed_by,
            not_listed_by,
            programme=programme,
            schema=schema,
            out=out_path,
            require_all=require_all,
            min_confidence=min_confidence,
            focus=focus,
            datasets=dataset,
            db=db,
            workers=workers,
            progress=bar,
        )
    for note in report.notes:
        err.print(f"[yellow]note:[/yellow] {escape(note)}")
    levels = {level: sum(1 for row in report.rows if row.confidence == level) for level in ("high", "medium", "low")}
    summary = ", ".join(f"{count:,} {level}" for level, count in levels.items())
    out.print(
        f"{len(report.rows):,} subjects {escape(report.query.describe())} ({summary} confidence), "
        f"{len(report.to_check):,} more to check → {escape(str(out_path))}"
    )


@app.command("gaps-evaluate")
def gaps_evaluate(
    dataset: Optional[list[str]] = typer.Option(None, "--dataset", "-d", help="Resolve among these lists only (repeatable; default all)."),
    focus_dataset: Optional[list[str]] = typer.Option(None, "--focus-dataset", help="Screen only from these lists' entries (faster)."),
    out_path: Optional[Path] = typer.Option(None, "--out", "-o", help="Write the full evaluation (with examples of errors) as JSON."),
    workers: int = WORKERS_OPTION,
    as_json: bool = typer.Option(False, "--json", help="Print the evaluation as JSON."),
    listed_by: str = typer.Option("us,gb,ca", "--listed-by", "-l", help="The gap report whose claims are checked: listed by these jurisdictions..."),
    not_listed_by: str = typer.Option("eu", "--not-listed-by", "-n", help="...and not by these ('' skips the claims check)."),
    programme: Optional[str] = typer.Option(None, "--programme", "-p", help="Only this shared programme topic."),
    schema: Optional[str] = typer.Option(None, "--schema", "-s", help="Only this schema."),
    focus: bool = typer.Option(False, "--focus", help="The checked report resolves only around its listings (as gaps --focus)."),
    db: Optional[str] = DB_OPTION,
) -> None:
    """Measure the cross-list resolver (precision and recall against UN numbers, passports and IMO numbers it is not shown)
    and the gap report's claims: reported gaps for which a "not listed" list has an entry of identical or near-identical
    name, the same birth date or an identifier, per confidence band."""
    with _Bar() as bar:
        evaluation = run_evaluate(
            datasets=dataset,
            focus_datasets=focus_dataset,
            db=db,
            workers=workers,
            progress=bar,
            listed_by=listed_by or None,
            not_listed_by=not_listed_by or None,
            programme=programme,
            schema=schema,
            claims_focus=focus,
        )
    data = evaluation.to_dict()
    if out_path is not None:
        try:
            write_text(out_path, json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n")
        except OSError as exc:
            raise write_error(out_path, exc) from None
    if as_json:
        out.print_json(json.dumps(data, ensure_ascii=False))
        return
    table = Table(
        title="Resolver links from names and attributes, against the lists' own keys (withheld from it)",
        caption="pairs: all, or cross = entries of two jurisdictions; linked = pairs put in one cluster that the truth can judge; "
        "flagged = missed pairs kept as ambiguous links",
    )
    for column in ("truth", "pairs", "true", "linked", "correct", "precision", "recall", "flagged"):
        table.add_column(column, justify="left" if column in ("truth", "pairs") else "right")
    for score in evaluation.scores:
        table.add_row(
            TRUTH_LABELS.get(score.truth, score.truth),
            "all" if score.scope == "all pairs" else "cross",
            f"{score.true_pairs:,}",
            f"{score.predicted_judged:,}",
            f"{score.true_positives:,}",
            "—" if score.precision is None else f"{score.precision:.3f}",
            "—" if score.recall is None else f"{score.recall:.3f}",
            f"{score.flagged:,}",
        )
    out.print(table)
    claims = evaluation.claims
    if claims is None:
        return
    check = Table(
        title=f"Claims checked by hand: {escape(claims.query)}",
        caption=f"rows for which {escape(', '.join(claims.excluded))} has an entry of identical or near-identical name, "
        "the same birth date or an identifier (the --out file lists them)",
    )
    for column in ("confidence", "rows", "with a candidate", "share"):
        check.add_column(column, justify="left" if column == "confidence" else "right")
    for band, figures in claims.bands.items():
        check.add_row(band, f"{int(figures['rows']):,}", f"{int(figures['with_candidate']):,}", f"{figures['share']:.1%}")
    out.print(check)
