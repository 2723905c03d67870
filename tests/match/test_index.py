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
