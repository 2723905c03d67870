"""The candidate index: what it holds, and that its cache can never serve stale or broken state."""

from __future__ import annotations

from pathlib import Path

from interdict import bundle
from interdict.match.index import build_index, load_index, save_index
from interdict.match.query import Query
from interdict.match.screener import Screener
from interdict.sources import parse_files
from interdict.store import open_store
from interdict.lists import seed_bundle
from interdict.screening import index_key


def un_entities():  # type: ignore[no-untyped-def]
    return parse_files("un_sc_sanctions", bundle.read_files("un_sc_sanctions")).entities


def test_index_holds_every_name_and_identifier() -> None:
    entities = un_entities()
    index = build_index(entities)
    assert index.size == len(entities) == 1003
    assert index.total_names >= len(entities)
    # Rare keys weigh more than common ones.
    rare = min(index.key_slices, key=index.key_df)
    common = max(index.key_slices, key=index.key_df)
    assert index.key_df(common) > index.key_df(rare)
    assert any(kind == "passport" for _, postings in index.identifier_items() for _, kind, _ in postings)


def test_saved_index_loads_and_screens_identically(tmp_path: Path) -> None:
    entities = un_entities()
    built = Screener(build_index(entities, build_key="k"))
    path = tmp_path / "index.pkl"
    save_index(built.index, path)
    loaded_index = load_index(path)
    assert loaded_index is not None and loaded_index.build_key == "k"
    loaded = Screener(loaded_index)
    for name in ("Qasem Soleimani", "Ali Akbar Velayati", "Abdul Kabir"):
        query = Query.build(name)
        assert [h.to_dict() for h in built.screen(query)] == [h.to_dict() for h in loaded.screen(query)]


def test_a_damaged_or_foreign_cache_is_ignored(tmp_path: Path) -> None:
    path = tmp_path / "index.pkl"
    assert load_index(path) is None
    path.write_bytes(b"not a pickle")
    assert load_index(path) is None
    path.write_bytes(b"\x80\x05N.")  # a valid pickle of None
    assert load_index(path) is None


def test_the_cache_key_follows_the_active_snapshots(tmp_path: Path) -> None:
    store = open_store(f"sqlite:///{tmp_path / 'store.db'}")
    seed_bundle(store, ["un_sc_sanctions"])
    before = index_key(store)
    assert before == index_key(store)
    seed_bundle(store, ["us_ofac_cons"])
    assert index_key(store) != before
