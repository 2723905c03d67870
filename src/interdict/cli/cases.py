"""CLI commands of casework: `users`, `monitor`, `alerts`, `cases`, `audit`; thin wrappers over `interdict.cases`.

Who acts: `--user NAME` (or INTERDICT_USER) names the person for decisions,
approvals and everything the audit log attributes; without it, changes are
attributed to the operating-system account (`os:NAME`). On a shared server,
people work through the HTTP API with their own keys; the CLI is for the
administrator who owns the database, and four-eyes rests on the store's rules
whoever calls them.
"""

from __future__ import annotations

import csv
import io
import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path
from typing import Any, Optional

import typer
from rich.markup import escape
from rich.table import Table

from .. import cases as casework
from ..atomic import write_text
from ..batch import read_records
from ..cases import monitor, register
from ..errors import InputError
from ..store import SnapshotStore, audit
from ..store.users import UserStore
from .common import DB_OPTION, app, err, open_screener, out, progress_bar, status, warn

users_app = typer.Typer(help="People and their roles: screener < analyst (proposes decisions) < supervisor (approves them) < admin.", no_args_is_help=True)
monitor_app = typer.Typer(help="The watch register: parties screened now and again whenever a list changes.", no_args_is_help=True)
alerts_app = typer.Typer(help="Alerts: list, show, decide (analyst), approve or reject (another supervisor), assign, comment.", no_args_is_help=True)
cases_app = typer.Typer(help="Cases group alerts: open, add, assign, comment, close.", no_args_is_help=True)
audit_app = typer.Typer(help="The hash-chained audit log: verify it, export it, print its head to anchor it elsewhere.", no_args_is_help=True)
app.add_typer(users_app, name="users")
app.add_typer(monitor_app, name="monitor")
app.add_typer(alerts_app, name="alerts")
app.add_typer(cases_app, name="cases")
app.add_typer(audit_app, name="audit")

USER_OPTION = typer.Option(None, "--user", "-u", envvar="INTERDICT_USER", help="Who you are (a name from `interdict users list`); env INTERDICT_USER.")
JSON_OPTION = typer.Option(False, "--json", help="Print JSON.")


def _need_user(user: str | None) -> str:
    if not user:
        raise InputError("Say who you are: --user NAME (or set INTERDICT_USER). `interdict users list` shows the names.")
    return user


@contextmanager
def _acting(user: str | None) -> Iterator[None]:
    if user:
        with audit.acting_as(user):
            yield
    else:
        yield


def _cases(db: str | None) -> casework.CaseStore:
    return casework.open_cases(db)


def _print_json(data: Any) -> None:
    out.print_json(json.dumps(data, ensure_ascii=False, default=str))


# --- users --------------------------------------------------------------------


@users_app.command("add")
def users_add(
    name: str = typer.Argument(..., help="A short name without spaces, e.g. jdoe."),
    role: str = typer.Option(..., "--role", "-r", help="screener, analyst, supervisor or admin."),
    user: Optional[str] = USER_OPTION,
    db: Optional[str] = DB_OPTION,
) -> None:
    """Add a person. Give them an API key with `interdict keys create --user NAME`."""
    with _acting(user):
        made = UserStore(_cases(db).engine).add(name, role)
    out.print(f"[green]✓[/green] user {escape(made.name)} ({made.role}) added")


@users_app.command("list")
def users_list(as_json: bool = JSON_OPTION, db: Optional[str] = DB_OPTION) -> None:
    """List people, their roles and whether they are disabled."""
    people = UserStore(_cases(db).engine).all()
    if as_json:
        _print_json([person.to_dict() for person in people])
        return
    table = Table(title="Users")
    for column in ("name", "role", "since", "status"):
        table.add_column(column)
    for person in people:
        table.add_row(escape(person.name), person.role, person.created_at[:19], "active" if person.active else f"disabled {person.disabled_at}")
    out.print(table)


@users_app.command("role")
def users_role(name: str = typer.Argument(...), role: str = typer.Argument(..., help="screener, analyst, supervisor or admin."), user: Optional[str] = USER_OPTION, db: Optional[str] = DB_OPTION) -> None:
    """Change a person's role (their API keys follow at once)."""
    with _acting(user):
        changed = UserStore(_cases(db).engine).set_role(name, role)
    out.print(f"[green]✓[/green] {escape(changed.name)} is now {changed.role}")


@users_app.command("disable")
def users_disable(name: str = typer.Argument(...), user: Optional[str] = USER_OPTION, db: Optional[str] = DB_OPTION) -> None:
    """Disable a person (kept, so their past decisions still name them); their keys stop working."""
    with _acting(user):
        UserStore(_cases(db).engine).disable(name)
    out.print(f"[green]✓[/green] {escape(name)} disabled")


@users_app.command("enable")
def users_enable(name: str = typer.Argument(...), user: Optional[str] = USER_OPTION, db: Optional[str] = DB_OPTION) -> None:
    """Enable a disabled person again."""
    with _acting(user):
        UserStore(_cases(db).engine).enable(name)
    out.print(f"[green]✓[/green] {escape(name)} enabled")


@users_app.command("passwd")
def users_passwd(
    name: str = typer.Argument(..., help="The user whose web UI password to set."),
    password_stdin: bool = typer.Option(False, "--password-stdin", help="Read the password from the first line of standard input (scripts) instead of asking."),
    user: Optional[str] = USER_OPTION,
    db: Optional[str] = DB_OPTION,
) -> None:
    """Set a person's password for the web UI (`interdict serve`, then /ui). Stored as an argon2id hash;
    their open UI sessions end."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = typer.prompt(f"New password for {name}", hide_input=True, confirmation_prompt=True)
    with _acting(user):
        UserStore(_cases(db).engine).set_password(name, password)
    out.print(f"[green]✓[/green] password of {escape(name)} set; they can log in at /ui")


# --- monitor ------------------------------------------------------------------


def _report_monitor(report: monitor.MonitorReport, as_json: bool) -> None:
    if as_json:
        _print_json(report.to_dict())
        return
    out.print(
        f"{report.screened:,} parties screened, {len(report.alerts):,} new alert(s), {report.suppressed:,} suppressed (cleared false positives), "
        f"{report.already_open:,} already open, {len(report.delisted):,} closed as delisted"
    )
    for dataset, summary in report.lists.items():
        out.print(f"  {dataset}: snapshot {summary['snapshot_id']}: {summary['changed']:,} new or changed entries screened, {summary['removed']:,} removed, {summary['alerts']:,} alert(s)")
    if report.derived:
        derived = report.derived
        out.print(f"  derived status (ownership, control, relatives): {derived['changed']:,} entries changed, {derived['screened']:,} screened, {derived['alerts']:,} alert(s)")
    for problem in report.errors:
        warn(problem)


def catch_up(db: str | None, as_json: bool = False, show: bool = True) -> monitor.MonitorReport | None:
    """Screen the register against list changes it has not seen (after `update`, `load`; any `monitor` command).

    `show=False` prints nothing: for a command whose own --json output carries the report."""
    store = _cases(db)
    with store.reading() as conn:
        if register.state(conn)[0] == 0:
            monitor.mark_seen(store, SnapshotStore(store.engine))
            return None
    screener = open_screener(db)
    report = monitor.catch_up(store, SnapshotStore(store.engine), screener, progress=status, workers=min(os.cpu_count() or 1, 4))
    pending = list(register.parties(store, unscreened=True))
    if pending:
        more = monitor.screen_parties(store, screener, pending, "added to the register")
        report.screened += more.screened
        report.alerts += more.alerts
        report.suppressed += more.suppressed
        report.already_open += more.already_open
    if show and (report.lists or report.derived or report.screened or report.errors):
        _report_monitor(report, as_json)
    return report


@monitor_app.command("add")
def monitor_add(
    path: Path = typer.Argument(..., help="CSV, XLSX or JSONL with the screen-file columns and a stable id: id, name, schema, birth_date, nationality, country, id_number."),
    screen_now: bool = typer.Option(True, "--screen/--no-screen", help="Screen the added and changed parties now (default). Unscreened ones are screened by the next monitor command."),
    as_json: bool = JSON_OPTION,
    user: Optional[str] = USER_OPTION,
    db: Optional[str] = DB_OPTION,
) -> None:
    """Add parties to the watch register, or update them (a changed party gets a new version; history is kept).

    Exits 1 when some rows could not be added (each is named with its line), 2 when the file cannot be read.
    """
    list(read_records(path, required=("id",)))  # an unreadable file fails before anything is written
    store = _cases(db)
    monitor.mark_seen(store, SnapshotStore(store.engine))  # a first party: later list changes are screened as deltas
    with _acting(user), progress_bar() as bar:
        task = bar.add_task("registering", total=None)
        report = register.add(store, read_records(path, required=("id",)), progress=lambda done: bar.update(task, completed=done))
    screened = None
    if screen_now and (report.added or report.updated):
        screener = open_screener(db)
        pending = list(register.parties(store, unscreened=True))
        with _acting(user), progress_bar() as bar:
            task = bar.add_task("screening", total=len(pending))
            screened = monitor.screen_parties(store, screener, pending, "added to the register", progress=lambda done: bar.update(task, completed=done))
    if as_json:
        _print_json({**report.to_dict(), "screening": screened.to_dict() if screened else None})
    else:
        out.print(f"{report.rows:,} rows: {len(report.added):,} added, {len(report.updated):,} updated, {report.unchanged:,} unchanged, {len(report.errors):,} errors")
        if screened:
            _report_monitor(screened, False)
        for line, pid, why in report.errors:
            err.print(f"[red]line {line}[/red] (id {escape(pid)}): {escape(why)}")
    if report.errors:
        raise typer.Exit(1)


@monitor_app.command("remove")
def monitor_remove(party_id: list[str] = typer.Argument(..., help="Party ids."), user: Optional[str] = USER_OPTION, db: Optional[str] = DB_OPTION) -> None:
    """Remove parties from the register (their history and alerts are kept). Exits 1 if an id was not there."""
    with _acting(user):
        removed, missing = register.remove(_cases(db), party_id)
    out.print(f"{len(removed):,} removed")
    for pid in missing:
        err.print(f"[yellow]not in the register:[/yellow] {escape(pid)}")
    if missing:
        raise typer.Exit(1)


@monitor_app.command("list")
def monitor_list(
    removed: bool = typer.Option(False, "--removed", help="List removed parties instead."),
    limit: int = typer.Option(100, "--limit", min=1, help="At most this many (use `monitor export` for all)."),
    as_json: bool = JSON_OPTION,
    db: Optional[str] = DB_OPTION,
) -> None:
    """List parties of the register (id order)."""
    wanted = register.PartyStatus.REMOVED if removed else register.PartyStatus.ACTIVE
    parties = []
    for party in register.parties(_cases(db), status=wanted):
        parties.append(party)
        if len(parties) >= limit:
            break
    if as_json:
        _print_json([party.to_dict() for party in parties])
        return
    table = Table(title="Watch register" + (" (removed)" if removed else ""))
    for column in ("id", "name", "schema", "birth date", "version", "screened"):
        table.add_column(column, overflow="fold")
    for party in parties:
        data = party.data
        table.add_row(escape(party.party_id), escape(data.get("name", "")), data.get("schema", ""), data.get("birth_date", ""), str(party.version), "yes" if party.screened_version == party.version else "[yellow]pending[/yellow]")
    out.print(table)


@monitor_app.command("export")
def monitor_export(
    out_path: Path = typer.Argument(..., help="FILE.csv or FILE.jsonl: the register in the screen-file columns, re-addable with `monitor add`."),
    db: Optional[str] = DB_OPTION,
) -> None:
    """Write the active register to a file."""
    columns = ["id", "name", "schema", "birth_date", "nationality", "country", "id_number"]
    buffer = io.StringIO()
    count = 0
    if out_path.suffix.lower() in (".jsonl", ".ndjson"):
        for party in register.parties(_cases(db)):
            buffer.write(json.dumps(party.data, ensure_ascii=False) + "\n")
            count += 1
    else:
        writer = csv.DictWriter(buffer, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
        for party in register.parties(_cases(db)):
            writer.writerow(party.data)
            count += 1
    write_text(out_path, buffer.getvalue())
    err.print(f"{count:,} parties → {escape(str(out_path))}")


@monitor_app.command("history")
def monitor_history(party_id: str = typer.Argument(...), db: Optional[str] = DB_OPTION) -> None:
    """Every version of one party, with who changed it and when."""
    _print_json(register.history(_cases(db), party_id))


@monitor_app.command("rescreen")
def monitor_rescreen(
    all_parties: bool = typer.Option(False, "--all", help="Screen every party again (else only list changes not yet screened and unscreened parties)."),
    as_json: bool = JSON_OPTION,
    user: Optional[str] = USER_OPTION,
    db: Optional[str] = DB_OPTION,
) -> None:
    """Screen the register: the list changes it has not seen (default), or everyone with --all (progress bar)."""
    with _acting(user):
        if not all_parties:
            report = catch_up(db, as_json)
            if report is None:
                out.print("The register is empty: `interdict monitor add FILE` adds parties.")
            elif not (report.lists or report.screened or report.errors):
                out.print("Up to date: every list change has been screened against the register.")
            return
        store = _cases(db)
        with store.reading() as conn:
            total = register.state(conn)[0]
        screener = open_screener(db)
        with progress_bar() as bar:
            task = bar.add_task("re-screening", total=total)
            report = monitor.rescreen_all(store, screener, progress=lambda done: bar.update(task, completed=done))
    _report_monitor(report, as_json)


# --- alerts ---------------------------------------------------------------------


@alerts_app.command("list")
def alerts_list(
    status_: Optional[str] = typer.Option(None, "--status", "-s", help="open, pending, escalated, true_match, false_positive, delisted, or live (the first three)."),
    party: Optional[str] = typer.Option(None, "--party", help="Only this party id."),
    case: Optional[int] = typer.Option(None, "--case", help="Only alerts of this case."),
    limit: int = typer.Option(200, "--limit", min=1),
    as_json: bool = typer.Option(False, "--json", help="Print JSON: every alert with party id and version, list entry id and content hash, snapshot, score, explanation, hit, status."),
    db: Optional[str] = DB_OPTION,
) -> None:
    """List alerts, newest first, each with its party id, list entry id and snapshot."""
    found = _cases(db).alerts(status=status_, party_id=party, case_id=case, limit=limit)
    if as_json:
        _print_json([alert.to_dict() for alert in found])
        return
    if not found:
        out.print("No alerts" + (f" with status {escape(status_)}" if status_ else "") + ".")
        return
    table = Table(title="Alerts")
    for column in ("id", "status", "party", "entry", "snapshot", "score", "reason", "version"):
        table.add_column(column, overflow="fold")
    for alert in found:
        table.add_row(
            str(alert.id),
            alert.status,
            f"{escape(alert.party_id)} v{alert.party_version or '-'}\n[dim]{escape(str(alert.party.get('name', '')))}[/dim]",
            f"{escape(alert.entity_id)}\n[dim]{escape(str(alert.hit.get('caption', '')))}[/dim]",
            str(alert.snapshot_id),
            f"{alert.score:.2f}",
            escape(alert.reason),
            str(alert.version),
        )
    out.print(table)


@alerts_app.command("show")
def alerts_show(alert_id: int = typer.Argument(...), db: Optional[str] = DB_OPTION) -> None:
    """One alert as JSON, with its decisions and comments."""
    store = _cases(db)
    alert = store.alert(alert_id)
    _print_json({**alert.to_dict(), "decisions": [d.to_dict() for d in store.decisions(alert_id)], "comments": [c.to_dict() for c in store.comments(alert_id=alert_id)]})


@alerts_app.command("decide")
def alerts_decide(
    alert_id: int = typer.Argument(...),
    outcome: str = typer.Option(..., "--outcome", "-o", help="true_match, false_positive or escalate."),
    reason: str = typer.Option(..., "--reason", "-r", help="Why, in a sentence a supervisor can check."),
    version: Optional[int] = typer.Option(None, "--version", help="The alert version you looked at (from `alerts list`): refused if it changed since."),
    user: Optional[str] = USER_OPTION,
    db: Optional[str] = DB_OPTION,
) -> None:
    """Propose a decision (analyst). It takes effect when another person, a supervisor, approves it.

    Exits 7 when someone else acted on the alert first, 8 when your role does not allow it.
    """
    decision = _cases(db).propose(alert_id, _need_user(user), outcome, reason, version)
    out.print(f"[green]✓[/green] decision {decision.id} proposed ({decision.outcome}); a supervisor approves it with `interdict alerts approve {decision.id}`")


def _decision_id(decision_id: Optional[int], alert: Optional[int], store: casework.CaseStore) -> int:
    if (decision_id is None) == (alert is None):
        raise InputError("Name the decision (its id) or the alert (--alert ID) whose pending decision you check.")
    return decision_id if decision_id is not None else store.pending_decision(alert)  # type: ignore[arg-type]  # one of them is set


@alerts_app.command("approve")
def alerts_approve(
    decision_id: Optional[int] = typer.Argument(None, help="The decision's id (or --alert)."),
    alert: Optional[int] = typer.Option(None, "--alert", help="Approve the pending decision of this alert."),
    note: str = typer.Option("", "--note", help="Optional note."),
    user: Optional[str] = USER_OPTION,
    db: Optional[str] = DB_OPTION,
) -> None:
    """Approve a proposed decision (supervisor; never the person who proposed it). Exits 8 on a four-eyes violation."""
    store = _cases(db)
    decision = store.approve(_decision_id(decision_id, alert, store), _need_user(user), note)
    out.print(f"[green]✓[/green] decision {decision.id} approved: alert {decision.alert_id} is {store.alert(decision.alert_id).status}")


@alerts_app.command("reject")
def alerts_reject(
    decision_id: Optional[int] = typer.Argument(None, help="The decision's id (or --alert)."),
    alert: Optional[int] = typer.Option(None, "--alert", help="Reject the pending decision of this alert."),
    note: str = typer.Option(..., "--note", help="Why (required)."),
    user: Optional[str] = USER_OPTION,
    db: Optional[str] = DB_OPTION,
) -> None:
    """Reject a proposed decision (supervisor; never its proposer): the alert is open again."""
    store = _cases(db)
    decision = store.reject(_decision_id(decision_id, alert, store), _need_user(user), note)
    out.print(f"[green]✓[/green] decision {decision.id} rejected: alert {decision.alert_id} is open again")


@alerts_app.command("assign")
def alerts_assign(alert_id: int = typer.Argument(...), assignee: str = typer.Argument(...), version: Optional[int] = typer.Option(None, "--version"), user: Optional[str] = USER_OPTION, db: Optional[str] = DB_OPTION) -> None:
    """Assign an alert to a person."""
    _cases(db).assign(alert_id, assignee, _need_user(user), version)
    out.print(f"[green]✓[/green] alert {alert_id} assigned to {escape(assignee)}")


@alerts_app.command("comment")
def alerts_comment(alert_id: int = typer.Argument(...), text: str = typer.Argument(...), user: Optional[str] = USER_OPTION, db: Optional[str] = DB_OPTION) -> None:
    """Comment on an alert."""
    comment = _cases(db).comment(_need_user(user), text, alert_id=alert_id)
    out.print(f"[green]✓[/green] comment {comment.id} added")


@alerts_app.command("suppressed")
def alerts_suppressed(db: Optional[str] = DB_OPTION) -> None:
    """The good-guy list: (party, entry) pairs cleared as false positives, until either changes."""
    _print_json(_cases(db).suppressions())


# --- cases ------------------------------------------------------------------------


@cases_app.command("open")
def cases_open(
    title: str = typer.Argument(...),
    alert: list[int] = typer.Option([], "--alert", "-a", help="Alert ids to put in the case (repeatable)."),
    assignee: Optional[str] = typer.Option(None, "--assign"),
    user: Optional[str] = USER_OPTION,
    db: Optional[str] = DB_OPTION,
) -> None:
    """Open a case holding alerts."""
    case = _cases(db).open_case(title, alert, _need_user(user), assignee)
    out.print(f"[green]✓[/green] case {case.id} opened with {len(case.alert_ids)} alert(s)")


@cases_app.command("add")
def cases_add(case_id: int = typer.Argument(...), alert: list[int] = typer.Argument(...), user: Optional[str] = USER_OPTION, db: Optional[str] = DB_OPTION) -> None:
    """Add alerts to a case."""
    case = _cases(db).add_to_case(case_id, alert, _need_user(user))
    out.print(f"[green]✓[/green] case {case.id} holds {len(case.alert_ids)} alert(s)")


@cases_app.command("list")
def cases_list(status_: Optional[str] = typer.Option(None, "--status", help="open or closed."), as_json: bool = JSON_OPTION, db: Optional[str] = DB_OPTION) -> None:
    """List cases."""
    found = _cases(db).cases(status_)
    if as_json:
        _print_json([case.to_dict() for case in found])
        return
    table = Table(title="Cases")
    for column in ("id", "title", "status", "assignee", "alerts", "opened by"):
        table.add_column(column, overflow="fold")
    for case in found:
        table.add_row(str(case.id), escape(case.title), case.status, escape(case.assignee or ""), ", ".join(map(str, case.alert_ids)), escape(case.created_by))
    out.print(table)


@cases_app.command("show")
def cases_show(case_id: int = typer.Argument(...), db: Optional[str] = DB_OPTION) -> None:
    """One case as JSON, with its alerts and comments."""
    store = _cases(db)
    case = store.case(case_id)
    _print_json({**case.to_dict(), "alerts": [store.alert(a).to_dict() for a in case.alert_ids], "comments": [c.to_dict() for c in store.comments(case_id=case_id)]})


@cases_app.command("assign")
def cases_assign(case_id: int = typer.Argument(...), assignee: str = typer.Argument(...), user: Optional[str] = USER_OPTION, db: Optional[str] = DB_OPTION) -> None:
    """Assign a case."""
    _cases(db).set_case(case_id, _need_user(user), assignee=assignee)
    out.print(f"[green]✓[/green] case {case_id} assigned to {escape(assignee)}")


@cases_app.command("close")
def cases_close(case_id: int = typer.Argument(...), user: Optional[str] = USER_OPTION, db: Optional[str] = DB_OPTION) -> None:
    """Close a case (refused while it holds undecided alerts)."""
    _cases(db).set_case(case_id, _need_user(user), status="closed")
    out.print(f"[green]✓[/green] case {case_id} closed")


@cases_app.command("comment")
def cases_comment(case_id: int = typer.Argument(...), text: str = typer.Argument(...), user: Optional[str] = USER_OPTION, db: Optional[str] = DB_OPTION) -> None:
    """Comment on a case."""
    comment = _cases(db).comment(_need_user(user), text, case_id=case_id)
    out.print(f"[green]✓[/green] comment {comment.id} added")


# --- audit ---------------------------------------------------------------------------


def _anchor(text: str | None) -> tuple[int, str] | None:
    if not text:
        return None
    seq, _, digest = text.partition(":")
    if not seq.isdigit() or len(digest) != 64:
        raise InputError("--anchor is SEQ:HASH as `interdict audit head` printed it, e.g. 1234:9f86d0…(64 hex digits).")
    return int(seq), digest.lower()


@audit_app.command("verify")
def audit_verify(
    anchor: Optional[str] = typer.Option(None, "--anchor", help="SEQ:HASH from an earlier `audit head`, kept outside the database: fails unless that record still has that hash."),
    as_json: bool = JSON_OPTION,
    db: Optional[str] = DB_OPTION,
) -> None:
    """Recompute the hash chain: any edited, deleted or reordered record is reported (exit 1)."""
    with _cases(db).reading() as conn:
        result = audit.verify(conn, _anchor(anchor))
    if as_json:
        _print_json(result.to_dict())
    elif result.ok:
        out.print(f"[green]✓[/green] audit log intact: {result.records:,} records, head {result.head_seq}:{result.head_hash}")
    else:
        for problem in result.problems:
            err.print(f"[red]✗[/red] {escape(problem)}")
    if not result.ok:
        raise typer.Exit(1)


@audit_app.command("head")
def audit_head(db: Optional[str] = DB_OPTION) -> None:
    """Print the chain's head as SEQ:HASH, to keep outside the database (a timestamping service, a signed mail, a ticket)."""
    with _cases(db).reading() as conn:
        seq, digest = audit.head(conn)
    out.print(f"{seq}:{digest}", highlight=False)


def _day(text: str | None, end: bool) -> str | None:
    if not text:
        return None
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise InputError(f"Cannot read the date {text!r}; use YYYY-MM-DD.") from None
    return (day + timedelta(days=1 if end else 0)).isoformat()


@audit_app.command("export")
def audit_export(
    since: Optional[str] = typer.Option(None, "--from", help="First day (YYYY-MM-DD, UTC), inclusive."),
    until: Optional[str] = typer.Option(None, "--to", help="Last day (YYYY-MM-DD, UTC), inclusive."),
    out_path: Optional[Path] = typer.Option(None, "--out", "-o", help="FILE.csv or FILE.json (default: JSON on stdout)."),
    db: Optional[str] = DB_OPTION,
) -> None:
    """Export the audit log (or the days asked for) as CSV or JSON, each record with its hash and its predecessor's."""
    with _cases(db).reading() as conn:
        records = [record.to_dict() for record in audit.records(conn, _day(since, False), _day(until, True))]
    if out_path is None or out_path.suffix.lower() == ".json":
        text = json.dumps(records, ensure_ascii=False, indent=1) + "\n"
    else:
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=["seq", "at", "actor", "action", "subject", "data", "prev_hash", "hash"])
        writer.writeheader()
        for record in records:
            writer.writerow({**record, "data": json.dumps(record["data"], ensure_ascii=False, sort_keys=True)})
        text = buffer.getvalue()
    if out_path is None:
        sys.stdout.write(text)
    else:
        write_text(out_path, text)
        err.print(f"{len(records):,} records → {escape(str(out_path))}")
