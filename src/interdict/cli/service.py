"""CLI commands of the HTTP service: `serve` and `keys create|list|revoke`.

Registered on the main app (see cli/__init__.py). The web stack is imported only by
`serve`, so the rest of the CLI starts fast.
"""

from __future__ import annotations

import ipaddress
import json
import re
from dataclasses import replace

import typer
from rich.markup import escape
from rich.table import Table

from ..store.keys import open_keys
from .common import DB_OPTION, app, err, out

keys_app = typer.Typer(help="API keys of the HTTP service: create (shown once), list (no secrets), revoke.", no_args_is_help=True)
app.add_typer(keys_app, name="keys")


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _origin(value: str) -> str:
    """A CORS origin as browsers send it: scheme://host[:port], no path, no trailing slash."""
    origin = value.strip().rstrip("/")
    if not re.fullmatch(r"https?://[^/\s?#]+", origin):
        raise typer.BadParameter(f"{value!r} is not an origin; write it as scheme://host[:port], e.g. https://screening.example.org.", param_hint="'--cors-origin'")
    return origin


LOG_LEVELS = ("debug", "info", "warning", "error")


def _log_level(value: str) -> str:
    if value.lower() not in LOG_LEVELS:
        raise typer.BadParameter(f"{value!r} is not one of {', '.join(LOG_LEVELS)}.")
    return value.lower()


@app.command()
def serve(
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on (0.0.0.0: every interface)."),
    port: int = typer.Option(8000, "--port", "-p", min=1, max=65535, help="TCP port."),
    workers: int = typer.Option(1, "--workers", "-w", min=1, max=64, help="Worker processes (about one per core; each holds the index)."),
    no_auth: bool = typer.Option(
        False, "--no-auth", help="Serve without API keys, on a loopback address only (anyone who can connect may screen and update the lists)."
    ),
    cors_origin: list[str] = typer.Option(
        [],
        "--cors-origin",
        help="A web origin (scheme://host[:port]) whose pages may call the API from a browser (repeatable; default: none, CORS off).",
    ),
    mirror: str | None = typer.Option(None, "--mirror", envvar="INTERDICT_MIRROR", help="Where /updatez fetches lists: {mirror}/{dataset}/{file} instead of the official URLs."),
    timeout: float = typer.Option(30.0, "--timeout", min=1.0, max=3600.0, help="Seconds a screening request may take before it is answered 503."),
    access_log: bool = typer.Option(True, "--access-log/--no-access-log", help="Log every request."),
    log_level: str = typer.Option("info", "--log-level", help="debug, info, warning or error.", callback=lambda value: _log_level(value)),
    db: str | None = DB_OPTION,
) -> None:
    """Run the HTTP service: yente-compatible POST /match, native /screen, API keys.

    Example: interdict keys create --role screener; interdict serve --port 8000
    """
    # The web stack (FastAPI, uvicorn) costs 0.64 s of start-up (measured with
    # `python -X importtime`); only `serve` pays it.
    from ..api.server import serve as run_server
    from ..api.settings import ServiceSettings

    # Finer knobs (body caps, threads, timeouts...) come from INTERDICT_SERVE_* variables; see api/settings.py.
    settings = replace(ServiceSettings.from_env(), db=db, auth=not no_auth, mirror=mirror, request_timeout=timeout)
    if cors_origin:
        settings = replace(settings, cors_origins=tuple(_origin(value) for value in cors_origin))
    if no_auth:
        if not _loopback(host):
            raise typer.BadParameter(
                f"{host} is not a loopback address: --no-auth serves this machine only (127.0.0.1, ::1 or localhost). "
                "To serve other machines, create API keys (`interdict keys create --role screener`) and drop --no-auth.",
                param_hint="'--host'",
            )
        err.print(
            "[bold yellow]warning:[/bold yellow] --no-auth: no API keys are checked; any program on this machine may screen and update the lists. "
            "Use it for local work only."
        )
    elif not any(key.active for key in open_keys(db).all()):
        err.print(
            "[yellow]note:[/yellow] no API keys yet, so every API request will get 401. Create one with `interdict keys create --role admin`. "
            "The web UI at /ui needs a user with a password instead: `interdict users add NAME --role analyst` then `interdict users passwd NAME`."
        )
    ui = "web UI off (--no-auth)" if no_auth else "web UI at /ui"
    err.print(f"serving on http://{escape(host)}:{port} ({workers} worker{'s' if workers > 1 else ''}); API docs at /docs; {ui}")
    run_server(
        settings,
        host=host,
        port=port,
        workers=workers,
        access_log=access_log,
        log_level=log_level,
        progress=lambda message: err.print(f"[dim]{escape(message)}…[/dim]"),
    )


@keys_app.command("create")
def keys_create(
    role: str | None = typer.Option(
        None,
        "--role",
        "-r",
        help="screener (screen and read), analyst (proposes decisions), supervisor (approves them) or admin (users, keys, lists). "
        "Default: the user's role; never above it.",
    ),
    user: str | None = typer.Option(None, "--user", "-u", help="The user the key belongs to (`interdict users add`). Without it a user key-<id> is made for the key."),
    label: str = typer.Option("", "--label", "-l", help="Who or what the key is for, shown by `keys list`."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON (the key included)."),
    db: str | None = DB_OPTION,
) -> None:
    """Create an API key. The key is printed once: it is stored hashed and cannot be shown again."""
    key, secret = open_keys(db).create(role, label, user=user)
    if as_json:
        out.print_json(json.dumps({**key.to_dict(), "key": secret}))
        return
    out.print(secret, highlight=False)
    err.print(f"key {key.id} ({key.role}{', ' + escape(key.label) if key.label else ''}) created. Store it now: it is not shown again.")


@keys_app.command("list")
def keys_list(
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
    db: str | None = DB_OPTION,
) -> None:
    """List API keys (never their secrets): id, prefix, role, label, created, last used, revoked."""
    keys = open_keys(db).all()
    if as_json:
        out.print_json(json.dumps([key.to_dict() for key in keys]))
        return
    if not keys:
        out.print("No API keys. Create one with `interdict keys create --role screener`.")
        return
    table = Table(title="API keys")
    for column in ("id", "prefix", "user", "role", "label", "created", "last used", "status"):
        table.add_column(column)
    for key in keys:
        table.add_row(
            str(key.id),
            f"{key.prefix}…",
            escape(key.user or ""),
            key.role,
            escape(key.label),
            key.created_at[:19],
            (key.last_used or "never")[:19],
            "[green]active[/green]" if key.active else f"[red]revoked[/red] {key.revoked_at[:19]}" if key.revoked_at else "[red]user disabled[/red]",
        )
    out.print(table)


@keys_app.command("revoke")
def keys_revoke(
    key_id: int = typer.Argument(..., help="The key's id, as `interdict keys list` shows it."),
    db: str | None = DB_OPTION,
) -> None:
    """Revoke an API key: requests with it get 401 (a running server notices within a few seconds)."""
    key = open_keys(db).revoke(key_id)
    out.print(f"key {key.id} ({key.role}{', ' + escape(key.label) if key.label else ''}) revoked at {key.revoked_at}")
