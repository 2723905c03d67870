"""A store with the bundled OFAC SDN list and the hand-written relation fixtures, indexed once per session.

The relation data is loaded before the index is built, so the session pays
for one index (SDN only, about 15,000 entries), not one per load.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from interdict.lists import seed_bundle
from interdict.relations import load_relations
from interdict.screening import open_screener
from interdict.store import SnapshotStore, open_store

FIXTURES = Path(__file__).parent.parent / "fixtures" / "relations"


@dataclass
class Owned:
    db: str
    home: Path
    store: SnapshotStore
    screener: object  # interdict.match.screener.Screener


@pytest.fixture(scope="session")
def owned(tmp_path_factory: pytest.TempPathFactory) -> Owned:
    folder = tmp_path_factory.mktemp("owned")
    db = f"sqlite:///{folder / 'store.db'}"
    store = open_store(db)
    seed_bundle(store, ["us_ofac_sdn"])
    load_relations(store, FIXTURES / "holdings.csv")
    load_relations(store, FIXTURES / "family.ftm.json", "family")
    return Owned(db, folder, store, open_screener(db))
