"""CLI command for screening-effectiveness testing, registered on the main app (see cli/__init__.py).

    interdict effectiveness [--dataset ID]... [--sample N] [--seed S] [--threshold T] [--config FILE]
                            [--compare OLD.json] --out report.html [--out report.json] [--out report.csv]

A thin wrapper over interdict.effectiveness.effectiveness. Exit codes: 0 done; 1 some names could not be
screened (the report lists them); 2 bad configuration, dataset, output path or --compare file; 11 tested
with lists missing (the report says which).
"""

from __future__ import annotations

from pathlib import Path

import typer
from rich.markup import escape

from ..effectiveness import effectiveness as run_effectiveness
from ..cases import open_cases
from ..effectiveness import GoodGuyList, load_config
from .common import DB_OPTION, EXIT_MISSING_LISTS, app, err, out, progress_bar, status, warn


@app.command("effectiveness")
def effectiveness(
    out_paths: list[Path] = typer.Option(..., "--out", "-o", help="Report file(s): .html (for the auditor), .json (for --compare next time), .csv (every name screened). Repeatable."),
    dataset: list[str] | None = typer.Option(None, "--dataset", "-d", help="Test against these lists only (repeatable; default: the config's, else all loaded)."),
    sample: int | None = typer.Option(None, "--sample", "-n", help="Entries drawn per list and schema (default 50)."),
    seed: int | None = typer.Option(None, "--seed", help="Random seed: the same seed, settings and lists give the same report (default 17)."),
    threshold: float | None = typer.Option(None, "--threshold", "-t", help="Match threshold to test (default: the config's, else the matcher's 0.70)."),
    schema: list[str] | None = typer.Option(None, "--schema", "-s", help="Only these schemas (repeatable): Person, Organization, LegalEntity, Vessel, Airplane."),
    config_path: Path | None = typer.Option(None, "--config", "-c", help="TOML file with the configuration in force: threshold, sweep, datasets, schemas, sample, seed, \\[suppress] (good-guy list)."),
    compare_path: Path | None = typer.Option(None, "--compare", help="An earlier report's JSON: the new report shows what changed since that review."),
    workers: int = typer.Option(2, "--workers", "-w", min=1, max=64, help="Worker processes for screening."),
    good_guys: bool = typer.Option(
        False, "--good-guys", help="Test with the case store's good-guy list in force (false positives a supervisor approved, by party name and list entry) instead of the config's \\[suppress] table."
    ),
    db: str | None = DB_OPTION,
) -> None:
    """Test screening effectiveness as supervisors ask for it: listed names rewritten 16 ways (transliteration,
    reordering, initials, typos, homoglyphs, script change, ...) must still match, control names must not.

    Reports the hit rate per category, list and schema, the weakest categories with what was missed, the
    false-alert rate, and a threshold sweep with the operating point marked.

    Example: interdict effectiveness --config screening.toml --compare last-year.json --out review.html --out review.json
    """
    config = load_config(config_path).with_overrides(threshold=threshold, datasets=dataset, sample=sample, seed=seed, schemas=schema)
    suppressions = None
    if good_guys:
        cases = open_cases(db)
        suppressions = GoodGuyList.from_pairs(cases.good_guy_pairs(), "case store")
        cases.engine.dispose()
    with progress_bar() as bar:
        task = bar.add_task("screening variants and controls", total=None)

        def progress(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        result = run_effectiveness(
            out_paths,
            config,
            db=db,
            compare_with=compare_path,
            suppressions=suppressions,
            workers=workers,
            progress=progress,
            status=status,
            warn=warn,
            own_heap=True,
        )
    summary = result.report["summary"]
    missing = result.report.get("missing_lists", [])
    if missing:
        warn(f"tested WITHOUT list(s) that should be loaded: {', '.join(missing)}; the report says so")
    weakest = ", ".join(f"{w['category']} {100 * w['hit_rate']:.1f}%" for w in result.report["weakest"])
    out.print(
        f"{100 * (summary['hit_rate'] or 0):.1f}% of {summary['variants']:,} variants caught, "
        f"{100 * (summary['false_alert_rate'] or 0):.1f}% of {summary['controls']:,} controls alerted "
        f"at threshold {result.report['configuration']['threshold']:.2f}"
        + (f"; weakest: {escape(weakest)}" if weakest else "")
        + f" → {escape(', '.join(str(p) for p in result.written))}"
    )
    if summary["errors"]:
        err.print(f"[yellow]warning:[/yellow] {summary['errors']} name(s) could not be screened (listed in the report)")
        raise typer.Exit(1)
    if missing:
        raise typer.Exit(EXIT_MISSING_LISTS)
