"""The candidate index: what it holds, and that its cache can never serve stale or broken state."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from interdict import bundle
from interdict.match.index import build_index, load_index, save_index
from interdict.match.query import Query
from interdict.match.screener import Screener
from interdict.sources import parse_files
from interdict.store import open_store
from interdict.lists import seed_bundle
from interdict.screening import OTHER_STORE_INDEX_AGE, cache_path, index_key, load_or_build_index

from ..conftest import copy_sqlite, sqlite_url


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
    path = tmp_path / "index.idx"
    save_index(built.index, path)
    loaded_index = load_index(path)
    assert loaded_index is not None and loaded_index.build_key == "k"
    loaded = Screener(loaded_index)
    for name in ("Qasem Soleimani", "Ali Akbar Velayati", "Abdul Kabir"):
        query = Query.build(name)
        assert [h.to_dict() for h in built.screen(query)] == [h.to_dict() for h in loaded.screen(query)]


def test_a_damaged_or_foreign_cache_is_ignored(tmp_path: Path) -> None:
    path = tmp_path / "index.idx"
    assert load_index(path) is None
    path.write_bytes(b"not an index")
    assert load_index(path) is None
    path.write_bytes(b"\x80\x05N.")  # a pickle (of None): never unpickled
    assert load_index(path) is None
    save_index(build_index(un_entities()[:50], build_key="k"), path)
    whole = path.read_bytes()
    for cut in (len(whole) // 3, len(whole) - 10, 20):
        path.write_bytes(whole[:cut])  # a truncated file (a full disk, a copy cut short)
        assert load_index(path) is None, cut
    path.write_bytes(whole)
    assert load_index(path) is not None


def test_a_loaded_index_decodes_rows_only_when_used(tmp_path: Path) -> None:
    """Opening a saved index builds no token, fact or name object until a query touches it."""
    path = tmp_path / "index.idx"
    built = build_index(un_entities(), build_key="k")
    save_index(built, path)
    loaded = load_index(path)
    assert loaded is not None
    Screener(loaded)
    assert loaded.tokens._kept.count(None) == len(loaded.tokens)  # type: ignore[attr-defined]
    assert loaded.facts._kept.count(None) == len(loaded.facts)  # type: ignore[attr-defined]
    assert [loaded.tokens[i] for i in range(len(built.tokens))] == list(built.tokens)
    assert loaded.tokens[3] is loaded.tokens[3]  # the scorer's memo keys list tokens by identity
    assert list(loaded.facts) == list(built.facts)
    assert list(loaded.name_tokens) == list(built.name_tokens) and list(loaded.name_text) == list(built.name_text)
    assert loaded.identifiers == built.identifiers and loaded.datasets == built.datasets


def test_the_cache_key_follows_the_active_snapshots(tmp_path: Path) -> None:
    store = open_store(f"sqlite:///{tmp_path / 'store.db'}")
    seed_bundle(store, ["un_sc_sanctions"])
    before = index_key(store)
    assert before == index_key(store)
    seed_bundle(store, ["us_ofac_cons"])
    assert index_key(store) != before


def test_a_new_index_replaces_its_own_stores_older_index_and_no_other_stores(
    un_template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two stores sharing a home (a PostgreSQL store and a local one, or a test's) never rebuild each other's index."""
    monkeypatch.setenv("INTERDICT_HOME", str(tmp_path / "home"))
    stores = []
    for name in ("a", "b"):
        copy_sqlite(un_template, tmp_path / f"{name}.db")
        stores.append(open_store(sqlite_url(tmp_path / f"{name}.db")))
    first, second = stores
    paths = [cache_path(index_key(store)) for store in stores]
    for store in stores:
        load_or_build_index(store)
    assert all(path.is_file() for path in paths)
    cache = paths[0].parent
    legacy = cache / "index-0123456789abcdef0123.idx"  # a version that keyed the file by its contents alone
    legacy.write_bytes(b"old")
    unused = cache / "index-feedc0de-0123456789abcdef0123.idx"  # a store not used for longer than the age limit
    unused.write_bytes(b"old")
    month_ago = time.time() - OTHER_STORE_INDEX_AGE - 60
    os.utime(unused, (month_ago, month_ago))
    os.utime(paths[1], (month_ago, month_ago))
    assert load_or_build_index(stores[1]).build_key == index_key(stores[1])  # loading it marks it in use

    seed_bundle(first, ["us_ofac_cons"])  # the first store changes: its index is rebuilt
    rebuilt = cache_path(index_key(first))
    assert load_or_build_index(first).build_key == index_key(first)
    assert sorted(cache.glob("index-*.idx")) == sorted([rebuilt, paths[1]])
    assert load_index(paths[1]) is not None
    for store in stores:
        store.engine.dispose()


@pytest.mark.parametrize("window", [400, 50_000])
def test_names_read_in_forked_workers_build_the_index_one_process_builds(window: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The build reads entries' names in forked workers, a chunk each, a window of entries at a time, and puts them
    together in order: the saved index is the same file, byte for byte, as one process builds (the UN list's 1,003
    entries, every one forked however few; in windows of 400, as a register of millions is read, or in one)."""
    import interdict.match.index as index_module

    entities = parse_files("un_sc_sanctions", bundle.read_files("un_sc_sanctions")).entities
    save_index(build_index(entities, build_key="k", workers=1), tmp_path / "alone.idx")
    monkeypatch.setattr(index_module, "PARALLEL_MIN_ENTRIES", 0)
    monkeypatch.setattr(index_module, "READINGS_WINDOW", window)
    save_index(build_index(iter(entities), build_key="k", workers=2), tmp_path / "forked.idx")
    assert len(entities) > 2 * index_module.READINGS_CHUNK
    assert (tmp_path / "alone.idx").read_bytes() == (tmp_path / "forked.idx").read_bytes()
