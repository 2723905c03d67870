"""CLI commands for the document workflows: screen-payment, screen-manifest, screen-shipment.

Each command is a thin wrapper over the library function of the same name
(interdict.workflows). Files are parsed before the name index loads, so a
malformed document fails in a fraction of a second with the line, segment or
element named. With --fail-on-match the exit code is 10 when any verdict is a hit,
11 when none is but lists the store should hold were missing (warned on stderr).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import typer
from rich.markup import escape
from rich.table import Table

from ..errors import InputError
from ..screening import validate_datasets
from ..workflows import parse_manifest, parse_payment, parse_shipment
from ..workflows.checks import screen_parsed, validate_jurisdictions
from ..workflows.document import ParsedDocument
from ..workflows.embargoes import load_embargo_rules
from ..workflows.verdict import Verdict
from .common import DATASET_OPTION, DB_OPTION, app, exit_code, open_screener, out, warn_missing

JURISDICTION_OPTION = typer.Option(
    None,
    "--jurisdiction",
    "-j",
    help="Embargo rules of these jurisdictions only (repeatable): us, eu, gb, ca, au, un. Default: all.",
)
EMBARGOES_OPTION = typer.Option(
    None, "--embargoes", help="Embargo rules file to use instead of the bundled one (same TOML format)."
)
JSON_OPTION = typer.Option(False, "--json", help="Print the verdicts as JSON.")
FAIL_OPTION = typer.Option(False, "--fail-on-match", help="Exit with code 10 if any verdict is a hit, 11 if none is but lists were missing.")
_COLORS = {"hit": "red", "review": "yellow", "clear": "green"}


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise InputError(f"Cannot read {path}: {exc.strerror or exc}.") from None


def _run(
    files: list[Path],
    parse: Callable[[bytes], ParsedDocument],
    dataset: list[str] | None,
    jurisdiction: list[str] | None,
    embargoes: Path | None,
    as_json: bool,
    fail_on_match: bool,
    db: str | None,
    single: bool,
) -> None:
    datasets = validate_datasets(dataset)
    jurisdictions = validate_jurisdictions(jurisdiction)
    load_embargo_rules(embargoes)  # a bad rules file fails before the index loads
    parsed: list[tuple[Path, ParsedDocument]] = []
    for path in files:
        try:
            parsed.append((path, parse(_read(path))))
        except InputError as exc:
            raise InputError(f"{path}: {exc}") from None
    screener = open_screener(db)
    verdicts = [
        screen_parsed(document, screener, document=path.name, datasets=datasets, jurisdictions=jurisdictions, embargoes=embargoes)
        for path, document in parsed
    ]
    if as_json:
        data = verdicts[0].to_dict() if single else [verdict.to_dict() for verdict in verdicts]
        out.print_json(json.dumps(data, ensure_ascii=False))
    else:
        for verdict in verdicts:
            _print(verdict)
    missing = warn_missing(screener)
    code = exit_code(any(verdict.hit for verdict in verdicts), missing, fail_on_match)
    if code:
        raise typer.Exit(code)


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
    for finding in verdict.findings:
        shade = _COLORS[finding.severity]
        score = "" if finding.score is None else f" {finding.score:.2f}"
        table.add_row(
            f"{escape(finding.field)}\n[dim]{escape(finding.value[:80])}[/dim]",
            f"[{shade}]{escape(finding.rule)}[/{shade}]{score}",
            f"{escape(finding.caption)}\n[dim]{escape(finding.dataset)} · {escape(finding.entity_id)}[/dim]",
            escape(finding.explanation),
        )
    out.print(table)


@app.command("screen-payment")
def screen_payment(
    files: list[Path] = typer.Argument(
        ..., help="Payment messages: ISO 20022 pacs.008 / pain.001 XML, SWIFT MT103 / MT202COV text."
    ),
    dataset: list[str] | None = DATASET_OPTION,
    jurisdiction: list[str] | None = JURISDICTION_OPTION,
    embargoes: Path | None = EMBARGOES_OPTION,
    as_json: bool = JSON_OPTION,
    fail_on_match: bool = FAIL_OPTION,
    db: str | None = DB_OPTION,
) -> None:
    """Screen payment messages: parties, agents and BICs, countries, remittance text. One verdict per file.

    Example: interdict screen-payment pacs008.xml mt103.fin --fail-on-match
    """
    _run(files, parse_payment, dataset, jurisdiction, embargoes, as_json, fail_on_match, db, single=False)


@app.command("screen-manifest")
def screen_manifest(
    file: Path = typer.Argument(..., help="A passenger/crew manifest: UN/EDIFACT PAXLST or CSV (APIS style)."),
    dataset: list[str] | None = DATASET_OPTION,
    jurisdiction: list[str] | None = JURISDICTION_OPTION,
    embargoes: Path | None = EMBARGOES_OPTION,
    as_json: bool = JSON_OPTION,
    fail_on_match: bool = FAIL_OPTION,
    db: str | None = DB_OPTION,
) -> None:
    """Screen a manifest: designated travellers, possible relatives, listed aircraft (tail numbers).

    Example: interdict screen-manifest flight.edi --json
    """
    _run([file], parse_manifest, dataset, jurisdiction, embargoes, as_json, fail_on_match, db, single=True)


@app.command("screen-shipment")
def screen_shipment(
    file: Path = typer.Argument(..., help="A shipment record: JSON object or one-row CSV."),
    dataset: list[str] | None = DATASET_OPTION,
    jurisdiction: list[str] | None = JURISDICTION_OPTION,
    embargoes: Path | None = EMBARGOES_OPTION,
    as_json: bool = JSON_OPTION,
    fail_on_match: bool = FAIL_OPTION,
    db: str | None = DB_OPTION,
) -> None:
    """Screen a shipment: parties, vessel (IMO and name), ports and countries against embargoes, goods text.

    Example: interdict screen-shipment bl-0815.json -j us -j eu
    """
    _run([file], parse_shipment, dataset, jurisdiction, embargoes, as_json, fail_on_match, db, single=True)
