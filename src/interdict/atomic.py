"""Writing a file so that it is either complete or not there: the one way interdict writes its output files.

A run killed half-way, or a disk that fills up, must never leave a truncated
export or results file that looks finished. So every file is written to a
temporary file in the same folder (same file system, so the final rename is
atomic), flushed to disk, and renamed over the target only when complete. On
any failure the temporary file is removed and the target is left as it was.

A process killed with SIGKILL cannot remove its temporary file; the name
carries its process id (`.NAME.PID.RANDOM.tmp`), so the next write to the
same folder removes temporary files whose writer is gone.
"""

from __future__ import annotations

import os
import re
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from .errors import InputError

_TEMP = re.compile(r"^\.(?P<name>.+)\.(?P<pid>\d+)\.[0-9a-f]{8}\.tmp$")


def temp_name(path: Path) -> Path:
    return path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True  # another thread of this process may be writing it
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's live process
        return True
    return True


def remove_stale_temps(folder: Path, name: str | None = None) -> list[Path]:
    """Remove temporary files (of `name`, or of any file) in `folder` whose writing process no longer runs."""
    removed: list[Path] = []
    try:
        candidates = list(Path(folder).glob(f".{name}.*.tmp" if name else ".*.tmp"))
    except OSError:
        return removed
    for candidate in candidates:
        match = _TEMP.match(candidate.name)
        if match is None or (name is not None and match["name"] != name) or _alive(int(match["pid"])):
            continue
        try:
            candidate.unlink()
            removed.append(candidate)
        except OSError:
            pass  # another process cleaned it first, or the folder is read-only
    return removed


@contextmanager
def atomic_write(path: Path | str, mode: str = "w", encoding: str | None = "utf-8", newline: str | None = None) -> Iterator[IO[Any]]:
    """Open a temporary file for writing; on success it replaces `path` whole, on any failure it is removed.

    `mode` is "w" (text) or "wb" (bytes). Raises OSError as the file system does
    (e.g. ENOSPC, EFBIG); `write_error` turns that into a message for the user.
    """
    if mode not in ("w", "wb"):
        raise ValueError(f"atomic_write writes new files only: mode 'w' or 'wb', not {mode!r}")
    path = Path(path)
    if path.exists() and not path.is_file() and not path.is_dir():
        # A device or pipe (e.g. --out /dev/stdout) cannot be replaced; it has no half-written state either.
        with open(path, mode, encoding=None if "b" in mode else encoding, newline=newline) as direct:
            yield direct
        return
    remove_stale_temps(path.parent, path.name)
    temp = temp_name(path)
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)  # the umask applies, as for open()
    try:
        with os.fdopen(fd, mode, encoding=None if "b" in mode else encoding, newline=newline) as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except BaseException:
        try:
            temp.unlink()
        except OSError:
            pass
        raise


def write_text(path: Path | str, text: str) -> None:
    with atomic_write(path) as handle:
        handle.write(text)


def write_error(path: Path | str, exc: OSError) -> InputError:
    """The message for a failed output file: what went wrong, and that the target was not touched."""
    return InputError(f"Cannot write {path}: {exc.strerror or exc}. Nothing was written; {path} is as it was before.")
