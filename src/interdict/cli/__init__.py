"""interdict's command line: thin commands over library functions of the same name.

The app and shared options live in `common`; each area's commands in their own
module, registered on the app when imported here.

Exit codes (stable, for scripts):
    0  success (for `screen`, also when nothing matched)
    1  partial failure (some rows or lists failed; details on stderr)
    2  bad input or usage: unreadable file, missing column, unknown dataset or schema
    3  a list file could not be parsed
    4  a list update was refused or failed (the last good snapshot stays active)
    5  the store could not be opened or written
    6  no such entity
    7  conflict: someone else changed the alert, decision or case first (reload and retry)
    8  forbidden: the user's role does not allow it, or four eyes forbid it (approving your own proposal)
   10  `--fail-on-match` (screen, screen-payment/-manifest/-shipment): at least one hit is a match
   11  screened with lists missing: the store lacks lists it should hold (e.g. a first run cut short
       and not yet resumed), so the screen is incomplete. `screen-file` always exits 11 then (the
       results are written); the other screens only with `--fail-on-match` and no match (10 wins).
       All of them warn on stderr; `screen --json` lists them under "missing_lists".
"""

from __future__ import annotations

import importlib
import sys
from typing import Any

import typer
from rich.markup import escape

from ..errors import InterdictError
from .common import err, usage_errors

__all__ = ["app", "main"]

# The modules that register commands (importing one registers its commands), in the order `--help` lists them.
MODULES = ("screen", "lists", "workflows", "gaps", "relations", "effectiveness", "service", "cases")

# Which module registers each top-level command. `main` imports only that module, so one command
# does not pay for the others' imports (about 0.3 s of every start); anything else (no command,
# --help, a typo) imports them all. tests/test_cli.py holds this table to what the modules register.
COMMAND_MODULES = {
    "screen": "screen",
    "screen-file": "screen",
    "compare": "screen",
    "compare-file": "screen",
    "datasets": "lists",
    "show": "lists",
    "update": "lists",
    "accept": "lists",
    "load": "lists",
    "export": "lists",
    "screen-payment": "workflows",
    "screen-manifest": "workflows",
    "screen-shipment": "workflows",
    "gaps": "gaps",
    "gaps-evaluate": "gaps",
    "relations": "relations",
    "exposure": "relations",
    "effectiveness": "effectiveness",
    "serve": "service",
    "keys": "service",
    "users": "cases",
    "monitor": "cases",
    "alerts": "cases",
    "cases": "cases",
    "audit": "cases",
}


def load_commands(argv: list[str] | None = None) -> typer.Typer:
    """The app with the commands `argv` runs registered: all of them when argv is None or names no known command."""
    words = (argv or [])[1:]
    command = next((arg for arg in words if not arg.startswith("-")), None)
    # An option before the command ("interdict --help screen") is the group's: it lists every command.
    module = COMMAND_MODULES.get(command or "") if argv is not None and words and words[0] == command else None
    for name in (module,) if module else MODULES:
        importlib.import_module(f"{__name__}.{name}")
    from .common import app

    return app


def __getattr__(name: str) -> Any:
    """`interdict.cli.app`: the app with every command registered."""
    if name == "app":
        return load_commands()
    raise AttributeError(name)


def main() -> None:
    """Entry point: run the app, turning every interdict error into a message and an exit code."""
    app = load_commands(sys.argv)
    try:
        # Without standalone mode click *returns* the code of a typer.Exit
        # (--fail-on-match, partial failures) instead of raising it.
        code = app(standalone_mode=False)
    except InterdictError as exc:
        err.print(f"[red]error:[/red] {escape(str(exc))}")
        sys.exit(exc.exit_code)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except typer.Abort:
        err.print("aborted")
        sys.exit(130)
    except KeyboardInterrupt:
        err.print("interrupted")
        sys.exit(130)
    except Exception as exc:  # click usage errors and the like
        if isinstance(exc, usage_errors()):
            exc.show()  # type: ignore[attr-defined]  # click's usage errors (typer vendors click, so no common base to name)
            sys.exit(2)
        if isinstance(exc, OSError):
            err.print(f"[red]error:[/red] {escape(str(exc))}")
            sys.exit(2)
        raise
    if isinstance(code, int) and code:
        sys.exit(code)


if __name__ == "__main__":
    main()
