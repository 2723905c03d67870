"""What every CLI command shares: the app, the consoles, common options, progress and status output.

Commands live in one module per area (screen, lists, gaps, service, workflows)
and register on `app` when `interdict.cli` imports them.
"""

from __future__ import annotations

import time
from typing import Any

import typer

try:  # typer >= 0.25 vendors click and need not install it
    import click
except ImportError:  # pragma: no cover - typer without click
    click = None  # type: ignore[assignment]  # the probe's fallback
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn, TimeRemainingColumn

from .. import screening
from ..heap import Settler
from ..match.screener import Screener

app = typer.Typer(
    help="Screen people, companies, vessels and aircraft against the official sanctions lists, offline.\n\n"
    "The bundled lists (OFAC, UN, UK, EU, Canada, Australia, US CSL) load on first use; "
    "`interdict update` fetches current ones.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
)


@app.callback()
def _commands() -> None:
    # A callback keeps `interdict` a group of commands however few are registered
    # (`main` registers only the module of the command it runs; typer would make a
    # lone command the whole program).
    pass


out = Console()
err = Console(stderr=True)

EXIT_MATCH = 10  # --fail-on-match: at least one hit is a match
EXIT_MISSING_LISTS = 11  # screened while lists the store should hold were missing: the result is incomplete

DB_OPTION = typer.Option(None, "--db", envvar="INTERDICT_DB", help="Database URL (default: SQLite in ~/.local/share/interdict).")
DATASET_OPTION = typer.Option(None, "--dataset", "-d", help="Only these datasets (repeatable), e.g. -d us_ofac_sdn -d un_sc_sanctions.")


def status(message: str) -> None:
    err.print(f"[dim]{escape(message)}…[/dim]")


def warn(message: str) -> None:
    err.print(f"[yellow]warning:[/yellow] {escape(message)}")


def open_screener(db: str | None) -> Screener:
    """The screener a command screens with: a command's process owns its heap, so it settles it as it goes (interdict.heap)."""
    screener = screening.open_screener(db, progress=status, warn=warn)
    screener.settler = Settler()
    return screener


def missing_note(screener: Screener) -> str | None:
    """The sentence every screen prints when lists are missing (None when all are there)."""
    missing = screener.missing_datasets
    if not missing:
        return None
    return (
        f"screened WITHOUT {len(missing)} list(s) that are not loaded: {', '.join(missing)}. "
        "A match on them cannot show. Run `interdict datasets` to load the bundled lists, or `interdict update`."
    )


def warn_missing(screener: Screener) -> bool:
    """Print the missing-lists warning on stderr; True when lists are missing."""
    note = missing_note(screener)
    if note:
        warn(note)
    return note is not None


def exit_code(matched: bool, missing: bool, fail_on_match: bool) -> int:
    """--fail-on-match: a match wins (10); else screening with lists missing (11); else 0."""
    if not fail_on_match:
        return 0
    return EXIT_MATCH if matched else EXIT_MISSING_LISTS if missing else 0


class DrawnOnUpdate(Progress):
    """A progress bar drawn when the work reports, at most `EVERY` seconds apart, never by rich's refresh thread: the
    work under it forks its workers only in a process of one thread (`cores.can_fork`), so a bar that ran a thread
    would leave a batch on one core."""

    EVERY = 0.1  # seconds: smoother costs a redraw per row of a fast job, slower looks stuck

    def __init__(self, *columns: Any, **options: Any) -> None:
        super().__init__(*columns, auto_refresh=False, **options)
        self._drawn = 0.0

    def update(self, task_id: TaskID, **fields: Any) -> None:
        super().update(task_id, **fields)
        now = time.monotonic()
        if now - self._drawn >= self.EVERY:
            self._drawn = now
            self.refresh()


def progress_bar() -> Progress:
    return DrawnOnUpdate(
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=err,
        transient=False,
    )


def usage_errors() -> tuple[type[Exception], ...]:
    """Click's usage errors: typer >= 0.25 vendors click, so they need not be click's classes."""
    kinds: list[type[Exception]] = []
    if click is not None:
        kinds.append(click.ClickException)
    typer_error = getattr(typer, "TyperException", None)
    if typer_error is not None:
        kinds.append(typer_error)
    return tuple(kinds)


