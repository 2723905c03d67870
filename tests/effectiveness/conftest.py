"""Fixtures for the effectiveness tests: the real bundled lists (the session's `seeded` store)."""

from __future__ import annotations

import pytest

from interdict.model import Entity

from ..conftest import Seeded


@pytest.fixture(scope="session")
def listed(seeded: Seeded) -> list[Entity]:
    """Every entry of every bundled list, in index order."""
    return list(seeded.screener.entities())  # type: ignore[attr-defined]
