"""Helpers tests import: fixtures are excerpts of the real lists, read transparently from .xz."""

from __future__ import annotations

import lzma
from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures"


def fixture_bytes(relative: str) -> bytes:
    """Bytes of tests/fixtures/<relative>, decompressing a sibling .xz if that is what exists."""
    path = FIXTURES / relative
    if path.exists():
        return path.read_bytes()
    xz = path.with_name(path.name + ".xz")
    if xz.exists():
        return lzma.decompress(xz.read_bytes())
    raise FileNotFoundError(relative)


def process_gone(pid: int) -> bool:
    """Whether process `pid` has ended (gone, or a zombie nobody has reaped yet): read from Linux's /proc."""
    try:
        return Path(f"/proc/{pid}/status").read_text().split("State:")[1].split()[0] in ("Z", "X")
    except (OSError, IndexError):
        return True
