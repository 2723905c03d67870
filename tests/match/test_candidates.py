"""Screener.candidates: retrieval without scoring holds every entry a screen at that threshold matches."""

from __future__ import annotations

from pathlib import Path

import pytest

from interdict.match.index import build_index
from interdict.match.query import Query
from interdict.match.screener import Screener
from interdict.store import open_store


@pytest.fixture(scope="module")
def un(un_template: Path) -> Screener:
    store = open_store(f"sqlite:///{un_template}")
    screener = Screener(build_index(store.active_entities(), build_key="un-candidates"))
    store.engine.dispose()
    return screener


@pytest.mark.parametrize("name", ["Qasem Soleimani", "Ghasem Soleymani", "Javad Karimi Sabet", "Mohammad Sabet", "Al-Qaida", "Haji Khairullah Haji Sattar Money Exchange", "Jane Quiet"])
def test_candidates_hold_every_match(un: Screener, name: str) -> None:
    query = Query.build(name)
    matches = {hit.entity.id for hit in un.screen(query, limit=500) if hit.match}
    found = un.candidates(query, un.threshold)
    assert matches <= found
    assert len(found) < un.size / 10  # retrieval, not a scan
