"""Retrieval's typo neighbours: those the index stores for its own words are the ones a search finds."""

from __future__ import annotations

import dataclasses
import random
from pathlib import Path
from typing import Any

import numpy as np

from interdict import bundle
from interdict.match.index import Index, build_index, load_index, save_index
from interdict.match.query import Query
from interdict.match.retrieve import _fuzzy_tokens, fuzzy_tokens, store_typo_neighbours
from interdict.match.screener import Screener
from interdict.sources import parse_files
from interdict.text.names import Token, analyze_name


def _searchable(token: Token) -> bool:
    return not (token.abjad or token.initial or token.number or len(token.text) < 4)


def _same(left: tuple[np.ndarray, np.ndarray], right: tuple[np.ndarray, np.ndarray]) -> bool:
    return left[0].tolist() == right[0].tolist() and left[1].tolist() == right[1].tolist()


def _un_index() -> Index:
    return build_index(parse_files("un_sc_sanctions", bundle.read_files("un_sc_sanctions")).entities, build_key="k")


def test_the_lists_index_stores_every_words_neighbours_as_a_search_finds_them(seeded: Any) -> None:
    """On the real vocabulary: the stored run of 3,000 sampled list words is exactly what the search returns."""
    index = seeded.screener.index
    assert index.typo_offsets is not None  # open_screener's index was built with them
    checked = nonempty = 0
    for token_id in range(0, len(index.tokens), max(1, len(index.tokens) // 3000)):
        token = index.tokens[token_id]
        if not _searchable(token):
            continue
        stored = index.stored_typo_neighbours(token)
        assert stored is not None, token.text
        assert _same(stored, _fuzzy_tokens(index, token)), token.text
        checked += 1
        nonempty += len(stored[0]) > 0
    assert checked > 2000 and nonempty > 1000


def test_a_word_the_lists_do_not_use_is_searched_not_read() -> None:
    """A typo, or a list word read differently (another `sig`), has no stored run: it is searched on first use."""
    index = _un_index()
    store_typo_neighbours(index)
    rng = random.Random(7)
    words = [token for token in (index.tokens[i] for i in range(len(index.tokens))) if _searchable(token) and token.script == "latin"]
    for token in rng.sample(words, 200):
        at = rng.randrange(1, len(token.text))
        typed = analyze_name(token.text[:at] + "q" + token.text[at:]).tokens[0]
        if typed.text not in index.text_df:
            assert index.stored_typo_neighbours(typed) is None
            assert fuzzy_tokens(index, typed) == list(zip(*(array.tolist() for array in _fuzzy_tokens(index, typed))))
        other = dataclasses.replace(token, sig=token.sig + "\x1fother")
        assert index.stored_typo_neighbours(other) is None


def test_stored_neighbours_are_saved_with_the_index_and_screen_alike(tmp_path: Path) -> None:
    built = _un_index()
    plain = Screener(_un_index())  # searched per process
    store_typo_neighbours(built)
    path = tmp_path / "index.idx"
    save_index(built, path)
    loaded = load_index(path)
    assert loaded is not None and loaded.typo_offsets is not None and loaded.typo_ids is not None and built.typo_ids is not None
    assert loaded.typo_offsets.tolist() == built.typo_offsets.tolist()  # type: ignore[union-attr]
    assert loaded.typo_ids.tolist() == built.typo_ids.tolist()
    stored = Screener(loaded)
    for name in ("Qasem Soleimani", "Qasem Solaymani", "Ali Akbar Velayati", "Abdul Kabir", "Abdl Kabyr", "Hamza bin Ladin"):
        query = Query.build(name)
        assert [h.to_dict() for h in plain.screen(query)] == [h.to_dict() for h in stored.screen(query)], name
    # An index saved without them (a register of customers, an older build) loads, and searches instead.
    path_plain = tmp_path / "plain.idx"
    save_index(_un_index(), path_plain)
    reloaded = load_index(path_plain)
    assert reloaded is not None and reloaded.typo_offsets is None
    assert Screener(reloaded).screen(Query.build("Qasem Solaymani"))[0].entity.id == plain.screen(Query.build("Qasem Solaymani"))[0].entity.id


def test_inconsistent_stored_neighbours_are_ignored_not_trusted(tmp_path: Path) -> None:
    """A cache file whose neighbour arrays disagree with its vocabulary loads without them, and screens."""
    index = _un_index()
    store_typo_neighbours(index)
    assert index.typo_offsets is not None and index.typo_ids is not None
    offsets, ids = index.typo_offsets, index.typo_ids
    for damaged in (
        {"typo_offsets": offsets[:-1]},  # one token short
        {"typo_ids": ids[:-1]},  # cut short
        {"typo_ids": ids + len(index.tokens)},  # points past the vocabulary
    ):
        path = tmp_path / "damaged.idx"
        save_index(dataclasses.replace(index, **damaged), path)  # type: ignore[arg-type]
        loaded = load_index(path)
        assert loaded is not None and loaded.typo_offsets is None, damaged.keys()
        assert Screener(loaded).screen(Query.build("Qasem Solaymani"))
