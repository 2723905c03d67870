"""`screen-file --engine spark`: the Spark engine behind screen-file's options (library: `interdict.spark.screen_path`).

pyspark is imported only here and only when the engine is chosen, so the CLI
runs without the `spark` extra; without it (or without Java) the command says
what to install and exits 2.
"""

from __future__ import annotations

import time
from enum import Enum

import typer
from rich.markup import escape

from .. import screening
from .common import EXIT_MISSING_LISTS, err, open_screener, progress_bar, status, warn_missing


class Engine(str, Enum):
    """Where screen-file runs."""

    LOCAL = "local"  # this machine: --workers processes sharing the mapped index
    SPARK = "spark"  # Apache Spark: the index shipped to each executor, rows mapped with mapInArrow


def screen_file_spark(
    input_path: str, out_path: str, dataset: list[str] | None, limit: int, threshold: float | None, master: str, db: str | None
) -> None:
    from ..spark import paths, session  # no pyspark import: these import it when called

    screening.check_datasets(dataset, db)
    paths.check_paths(input_path, out_path)  # bad input fails before Spark or the index starts
    session.require_pyspark()
    session.require_java()
    screener = open_screener(db)
    status(f"starting Spark on {master}")
    owned = not session.running()  # a session the caller already runs (e.g. a notebook) is theirs to stop
    spark = session.spark_session(master)
    started = time.perf_counter()
    try:
        with progress_bar() as progress:
            task = progress.add_task("screening (Spark tasks)", total=None)
            with session.watch_tasks(spark, lambda completed, total: progress.update(task, completed=completed, total=total)):
                summary = paths.screen_path(
                    spark, input_path, out_path, datasets=dataset, limit=limit, threshold=threshold, screener=screener
                )
    finally:
        if owned:
            spark.stop()
    seconds = time.perf_counter() - started
    err.print(
        f"{summary.rows:,} rows read, {summary.written:,} results written, {summary.matched_rows:,} with a match, "
        f"{summary.errors:,} errors in {seconds:.1f} s → {escape(out_path)} (a folder of part files)"
    )
    err.print(
        f"screened against index {screener.build_key} ({len(screener.datasets)} lists); keep it with the results to show which list versions they reflect"
    )
    if summary.warnings:
        err.print(
            f'[yellow]warning:[/yellow] {summary.warnings:,} row(s) carry warnings (screened incompletely, or read in a doubtful encoding); see their "warnings" in the results.'
        )
    if warn_missing(screener):
        raise typer.Exit(EXIT_MISSING_LISTS)
    if summary.errors:
        raise typer.Exit(1)
