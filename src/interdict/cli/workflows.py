"""CLI commands for the document workflows: screen-payment, screen-manifest, screen-shipment.

Each command is a thin wrapper over the library function of the same name
(interdict.workflows) and takes one or more files. Every file gets its answer,
in order: a verdict, or an error naming the file and the line, segment or
element; one bad file never stops the others. Files are parsed before the
name index loads, so when every file is malformed the command fails in a
fraction of a second.

Exit codes (README "Screening documents"), in order of precedence:
    10  --fail-on-match and at least one verdict is a hit (whatever else failed:
        a hit must never hide behind a failure; failed files are still listed)
     2  no document could be screened (every file failed), or a usage error
        (unknown dataset or jurisdiction, bad --doc-limit, bad embargo rules)
     1  some documents failed, the others were screened; or --record could not record a party (each is named)
    11  --fail-on-match, no hit, and lists the store should hold were missing (warned on stderr)
     0  every document was screened
"""

from __future__ import annotations

import contextlib
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import typer
from rich.markup import escape
from rich.table import Table

from ..cases import document_screenings, open_cases, record_screenings
from ..errors import InputError, InterdictError
from ..screening import check_datasets
from ..store import audit
from ..workflows import parse_manifest, parse_payment, parse_shipment
from ..workflows.checks import EMBARGOES, legal_basis, screen_parsed, validate_jurisdictions
from ..workflows.document import ParsedDocument
from ..workflows.embargoes import load_embargo_rules
from ..workflows.limits import CLI_OPTION, ENV_PREFIX, DocumentLimits, current_limits
from ..workflows.verdict import Verdict
from .common import DATASET_OPTION, DB_OPTION, EXIT_MISSING_LISTS, app, err, open_screener, out, warn_missing

JURISDICTION_OPTION = typer.Option(
    None,
    "--jurisdiction",
    "-j",
    help="Embargo rules of these jurisdictions only (repeatable): us, eu, gb, ca, au, un. Default: all.",
)
EMBARGOES_OPTION = typer.Option(
    None, "--embargoes", help="Embargo rules file to use instead of the bundled one (same TOML format)."
)
JSON_OPTION = typer.Option(False, "--json", help="Print the verdicts (and errors) as JSON.")
FAIL_OPTION = typer.Option(
    False,
    "--fail-on-match",
    help="Exit with code 10 if any verdict is a hit (even when other files failed), 11 if none is but lists were missing.",
)
LIMIT_OPTION = typer.Option(
    None,
    CLI_OPTION,
    metavar="NAME=VALUE",
    help=f"Raise or lower a per-document limit (repeatable), e.g. {CLI_OPTION} max_transactions=20000. Names: "
    + ", ".join(f"{name} (default {value:,})" for name, value in DocumentLimits().__dict__.items())
    + f". Environment: {ENV_PREFIX}<NAME>.",
)
WORKERS_OPTION = typer.Option(
    1, "--workers", "-w", min=1, max=64, help="Worker processes for large documents (as screen-file's; use the core count)."
)
RECORD_OPTION = typer.Option(
    False,
    "--record",
    help="Record each screened party of each document in the audit log (party id: the document's reference and the field, "
    "e.g. MSG-1/:59:) and raise its list matches as alerts (`interdict alerts list`).",
)
USER_OPTION = typer.Option(None, "--user", "-u", envvar="INTERDICT_USER", help="With --record: who screened (default: the system account).")
TIMEOUT_OPTION = typer.Option(
    None, "--timeout", min=0.1, help="Stop screening a document after this many seconds (it gets an error; the others go on)."
)
EXIT_CODES = (
    "Exit codes: 0 all screened; 1 some files failed (each has its error); 2 every file failed, or a usage error; "
    "10 with --fail-on-match, a hit (takes precedence over 1); 11 with --fail-on-match, no hit but lists missing."
)
_COLORS = {"hit": "red", "review": "yellow", "clear": "green"}


@dataclass
class Answer:
    """One file's answer: its verdict or its error, never neither."""

    name: str
    verdict: Verdict | None = None
    error: str | None = None

    def to_dict(self) -> dict[str, Any]:
        if self.verdict is not None:
            return self.verdict.to_dict()
        return {"document": self.name, "error": self.error}


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except IsADirectoryError:
        raise InputError(f"{path} is a directory, not a document.") from None
    except OSError as exc:
        raise InputError(f"Cannot read {path}: {exc.strerror or exc}.") from None


def _run(
    files: list[Path],
    parse: Callable[[bytes, DocumentLimits], ParsedDocument],
    dataset: list[str] | None,
    jurisdiction: list[str] | None,
    embargoes: Path | None,
    as_json: bool,
    fail_on_match: bool,
    db: str | None,
    single: bool,
    doc_limits: list[str] | None,
    timeout: float | None,
    workers: int = 1,
    record: bool = False,
    user: str | None = None,
) -> None:
    datasets = check_datasets(dataset, db)
    jurisdictions = validate_jurisdictions(jurisdiction)
    load_embargo_rules(embargoes)  # a bad rules file fails before the index loads
    limits = current_limits().with_overrides(doc_limits or [])
    answers: list[Answer] = []
    parsed: list[tuple[Answer, ParsedDocument]] = []
    for path in files:
        answer = Answer(path.name)
        answers.append(answer)
        try:
            parsed.append((answer, parse(_read(path), limits)))
        except InterdictError as exc:
            answer.error = f"{path}: {exc}"
        except Exception as exc:  # noqa: BLE001 - a parser bug must not cost the other files their answers
            answer.error = f"{path}: internal error, please report it: {type(exc).__name__}: {exc}"
    screener = None
    if parsed:
        screener = open_screener(db)
        for answer, document in parsed:
            deadline = time.monotonic() + timeout if timeout else None
            try:
                answer.verdict = screen_parsed(
                    document,
                    screener,
                    document=answer.name,
                    datasets=datasets,
                    jurisdictions=jurisdictions,
                    embargoes=embargoes,
                    deadline=deadline,
                    limits=limits,
                    workers=workers,
                )
            except InterdictError as exc:
                answer.error = f"{answer.name}: {exc}"
            except Exception as exc:  # noqa: BLE001 - likewise a screening bug
                answer.error = f"{answer.name}: internal error, please report it: {type(exc).__name__}: {exc}"
    not_recorded = _record(answers, db, user, screener) if record and screener is not None else 0
    if as_json:
        data: Any = answers[0].to_dict() if single and len(answers) == 1 else [answer.to_dict() for answer in answers]
        out.print_json(json.dumps(data, ensure_ascii=False))
    else:
        for answer in answers:
            if answer.verdict is not None:
                _print(answer.verdict)
            else:
                out.print(f"[red]ERROR[/red]  {escape(answer.name)}  {escape(answer.error or '')}")
    failed = [answer for answer in answers if answer.error is not None]
    for answer in failed:
        err.print(f"[red]error:[/red] {escape(answer.error or '')}")
    if len(answers) > 1 and failed:
        err.print(f"{len(answers) - len(failed)} of {len(answers)} documents screened, {len(failed)} failed.")
    missing = warn_missing(screener) if screener is not None else False
    if fail_on_match and any(answer.verdict is not None and answer.verdict.hit for answer in answers):
        raise typer.Exit(10)
    if failed:
        raise typer.Exit(2 if len(failed) == len(answers) else 1)
    if not_recorded:
        raise typer.Exit(1)
    if fail_on_match and missing:
        raise typer.Exit(EXIT_MISSING_LISTS)


def _record(answers: list[Answer], db: str | None, user: str | None, screener: Any) -> int:
    """Record the screened parties of each verdict (`cases.document_screenings`); how many could not be recorded."""
    store = open_cases(db)
    missed = 0
    with audit.acting_as(user) if user else contextlib.nullcontext():
        for answer in answers:
            if answer.verdict is None:
                continue
            recorded = record_screenings(store, document_screenings(answer.verdict.to_dict()), sorted(screener.datasets))
            err.print(f"{escape(answer.name)}: recorded {recorded.recorded:,} parties; {len(recorded.alerts):,} alert(s) raised")
            for party_id, why in recorded.errors:
                err.print(f"[red]not recorded[/red] {escape(answer.name)} (party {escape(party_id)}): {escape(why)}")
            missed += len(recorded.errors)
    return missed


def _print(verdict: Verdict) -> None:
    color = _COLORS[verdict.verdict]
    title = f"[{color}]{verdict.verdict.upper()}[/{color}]  {escape(verdict.document)}  [dim]{escape(verdict.format)} · {escape(verdict.reference or 'no reference')} · {len(verdict.screened)} fields screened[/dim]"
    if not verdict.findings:
        out.print(title)
        return
    table = Table(title=title, show_lines=True, title_justify="left")
    table.add_column("field", overflow="fold")
    table.add_column("rule", overflow="fold")
    table.add_column("list entry", overflow="fold")
    table.add_column("why", overflow="fold", ratio=3)
    legend: dict[str, list[dict[str, Any]]] = {}  # region → its measures, printed once under the table
    for finding in verdict.findings:
        shade = _COLORS[finding.severity]
        score = "" if finding.score is None else f" {finding.score:.2f}"
        why = finding.explanation
        measures = finding.extra.get("measures") if finding.dataset == EMBARGOES else None
        if measures:
            basis = legal_basis(measures)
            if why.endswith(": " + basis):
                why = (
                    why[: -len(basis) - 2]
                    + ": "
                    + ", ".join(f"{m['jurisdiction']} {m['scope']}" for m in measures)
                    + " (legal basis below)"
                )
                legend[finding.caption] = measures
        table.add_row(
            f"{escape(finding.field)}\n[dim]{escape(finding.value[:80])}[/dim]",
            f"[{shade}]{escape(finding.rule)}[/{shade}]{score}",
            f"{escape(finding.caption)}\n[dim]{escape(finding.dataset)} · {escape(finding.entity_id)}[/dim]",
            escape(why),
        )
    out.print(table)
    for region, measures in legend.items():
        out.print(f"Legal basis, {escape(region)}:")
        for measure in measures:
            out.print(f"  [dim]{measure['jurisdiction']} {measure['scope']}: {escape(measure['legal_basis'])}[/dim]")


@app.command("screen-payment", epilog=EXIT_CODES)
def screen_payment(
    files: list[Path] = typer.Argument(
        ..., help="Payment messages: ISO 20022 pacs.008 / pacs.009 / pain.001 XML, SWIFT MT103 / MT202COV text."
    ),
    dataset: list[str] | None = DATASET_OPTION,
    jurisdiction: list[str] | None = JURISDICTION_OPTION,
    embargoes: Path | None = EMBARGOES_OPTION,
    as_json: bool = JSON_OPTION,
    fail_on_match: bool = FAIL_OPTION,
    doc_limit: list[str] | None = LIMIT_OPTION,
    timeout: float | None = TIMEOUT_OPTION,
    workers: int = WORKERS_OPTION,
    record: bool = RECORD_OPTION,
    user: str | None = USER_OPTION,
    db: str | None = DB_OPTION,
) -> None:
    """Screen payment messages: parties, agents and BICs, countries, remittance text. One verdict (or error) per file.

    --json prints a list, one entry per file in order: the verdict, or {"document": ..., "error": ...}.

    Example: interdict screen-payment pacs008.xml mt103.fin --fail-on-match
    """
    _run(files, parse_payment, dataset, jurisdiction, embargoes, as_json, fail_on_match, db, False, doc_limit, timeout, workers, record, user)


@app.command("screen-manifest", epilog=EXIT_CODES)
def screen_manifest(
    files: list[Path] = typer.Argument(..., help="Passenger/crew manifests: UN/EDIFACT PAXLST or CSV (APIS style)."),
    dataset: list[str] | None = DATASET_OPTION,
    jurisdiction: list[str] | None = JURISDICTION_OPTION,
    embargoes: Path | None = EMBARGOES_OPTION,
    as_json: bool = JSON_OPTION,
    fail_on_match: bool = FAIL_OPTION,
    doc_limit: list[str] | None = LIMIT_OPTION,
    timeout: float | None = TIMEOUT_OPTION,
    workers: int = WORKERS_OPTION,
    record: bool = RECORD_OPTION,
    user: str | None = USER_OPTION,
    db: str | None = DB_OPTION,
) -> None:
    """Screen manifests: designated travellers, possible relatives, listed aircraft (tail numbers). One verdict (or error) per file.

    --json prints the verdict of one file as an object; for several files, a list in order (errors as {"document": ..., "error": ...}).

    Example: interdict screen-manifest flight.edi --json
    """
    _run(files, parse_manifest, dataset, jurisdiction, embargoes, as_json, fail_on_match, db, True, doc_limit, timeout, workers, record, user)


@app.command("screen-shipment", epilog=EXIT_CODES)
def screen_shipment(
    files: list[Path] = typer.Argument(..., help="Shipment records: JSON objects or one-row CSVs (one shipment per file)."),
    dataset: list[str] | None = DATASET_OPTION,
    jurisdiction: list[str] | None = JURISDICTION_OPTION,
    embargoes: Path | None = EMBARGOES_OPTION,
    as_json: bool = JSON_OPTION,
    fail_on_match: bool = FAIL_OPTION,
    doc_limit: list[str] | None = LIMIT_OPTION,
    timeout: float | None = TIMEOUT_OPTION,
    workers: int = WORKERS_OPTION,
    record: bool = RECORD_OPTION,
    user: str | None = USER_OPTION,
    db: str | None = DB_OPTION,
) -> None:
    """Screen shipments: parties, vessel (IMO and name), ports and countries against embargoes, goods text. One verdict (or error) per file.

    --json prints the verdict of one file as an object; for several files, a list in order (errors as {"document": ..., "error": ...}).

    Example: interdict screen-shipment bl-0815.json -j us -j eu
    """
    _run(files, parse_shipment, dataset, jurisdiction, embargoes, as_json, fail_on_match, db, True, doc_limit, timeout, workers, record, user)
