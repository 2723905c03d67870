"""CLI commands for the service area, registered on the main app (see cli.py)."""

from __future__ import annotations

from .cli import app  # noqa: F401
