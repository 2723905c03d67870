"""Retrieval's typo neighbours: those the index stores for its own words are the ones a search finds and pairs."""

from __future__ import annotations

import dataclasses
import random
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from rapidfuzz.distance import OSA

from interdict import bundle
from interdict.match.columns import Runs
from interdict.match.index import MARKED_KEYS, Index, build_index, load_index, save_index
from interdict.match.query import Query
from interdict.match.retrieve import TYPO_CHUNK, _fuzzy_tokens, _token_evidence, _trigram_neighbours, fuzzy_keys, fuzzy_tokens, fuzzy_tokens_searched, store_typo_neighbours
from interdict.match.scorer import HOWS, PAIR_MIN, SimCache, may_pair, token_sim
from interdict.match.screener import Screener
from interdict.match.settings import SETTINGS
from interdict.sources import parse_files
from interdict.text.names import analyze_name


def _un_index() -> Index:
    return build_index(parse_files("un_sc_sanctions", bundle.read_files("un_sc_sanctions")).entities, build_key="k")


def _evidence(index: Index, token: Any, cache: SimCache) -> list[tuple[list[int], float]]:
    return [(postings.tolist(), value) for postings, value in _token_evidence(index, token, 1.0, cache, index.word_count)]


def test_the_lists_index_stores_every_words_neighbours_and_pairs_as_a_search_finds_them(seeded: Any) -> None:
    """On the real vocabulary, 3,000 sampled list words: the stored neighbours are what the search returns, the stored
    pairs are the neighbours `token_sim` pairs (with its similarity and how), and the evidence they give is the
    evidence a search gives."""
    index = seeded.screener.index
    assert index.typo_neighbours is not None and index.word_pairs is not None  # open_screener's index holds them
    known = index.word_count
    searched = dataclasses.replace(index, typo_neighbours=None, word_pairs=None, fuzzy_cache={}, evidence_cache={})
    checked = paired = short = 0
    for token_id in range(0, len(index.tokens), max(1, len(index.tokens) // 3000)):
        token = index.tokens[token_id]
        if token.abjad or token.initial or token.number or not token.skel:
            continue  # never searched nor verified; a word of vowels only ("eu") has no key to find its twin by
        found: tuple[np.ndarray, ...] = (np.zeros(0, dtype=np.int32), np.zeros(0, dtype=np.int8))
        if fuzzy_tokens_searched(token):  # words of under four letters are not searched, but their short keys are verified
            stored = index.stored_typo_neighbours(token)
            found = _fuzzy_tokens(index, token)
            assert stored is not None and stored[0].tolist() == found[0].tolist() and stored[1].tolist() == found[1].tolist(), token.text
        pairs = index.stored_word_pairs(token)
        assert pairs is not None
        asked = [(other, slot) for slot, key in enumerate(token.keys) if key and key[0] not in MARKED_KEYS and len(key) <= SETTINGS.short_key_verified for other in index.key_tokens.get(key, ())]
        asked += [(other, -1) for other, edits in zip(*(array.tolist() for array in found)) if may_pair(token, index.tokens[other], edits)]
        expected = [(other, *token_sim(token, index.tokens[other], known), slot) for other, slot in asked]
        expected = [item for item in expected if item[1] >= PAIR_MIN and token.script != "cjk"]  # a syllable pairs by spelling
        assert [(other, sim, HOWS[how], slot) for other, sim, how, slot in zip(*(column.tolist() for column in pairs))] == expected, token.text
        assert _evidence(index, token, {}) == _evidence(searched, token, {}), token.text
        checked += 1
        paired += bool(expected)
        short += any(slot >= 0 for *_, slot in expected)
    assert checked > 2000 and paired > 500 and short > 100


def test_the_cap_on_a_words_typo_neighbours_keeps_the_nearest(seeded: Any) -> None:
    """A third of the list words have more words under their neighbouring keys than `max_fuzzy_tokens`: the cap keeps
    the nearest, so a word it drops is never nearer than one it keeps. Cut key by key in alphabetical order, "Patel"
    lost "Patek" (one edit) and kept words three edits away."""
    index = seeded.screener.index
    capped = 0
    for token_id in range(0, len(index.tokens), max(1, len(index.tokens) // 2000)):
        token = index.tokens[token_id]
        if not fuzzy_tokens_searched(token):
            continue
        ids, edits = _fuzzy_tokens(index, token)
        pool = {other for key in fuzzy_keys(index, token) for other in index.key_tokens.get(key, ())}
        dropped = [OSA.distance(token.text, index.tokens[other].text) for other in pool - set(ids.tolist())]
        dropped = [edits_away for edits_away in dropped if edits_away <= SETTINGS.fuzzy_edits]
        if dropped:
            capped += 1
            assert len(ids) == SETTINGS.max_fuzzy_tokens and max(edits.tolist()) <= min(dropped), token.text
    assert capped > 20


def test_words_searched_in_forked_workers_store_what_one_process_stores() -> None:
    """The build searches its words in forked workers, a chunk each: the stored runs are those of a search in this
    process, word for word (the UN list's vocabulary, every word forked however few)."""
    alone, forked = _un_index(), _un_index()
    store_typo_neighbours(alone, workers=1)
    store_typo_neighbours(forked, workers=2, min_parallel=0)
    for one, other in ((alone.typo_neighbours, forked.typo_neighbours), (alone.word_pairs, forked.word_pairs)):
        assert one is not None and other is not None
        assert one.offsets.tolist() == other.offsets.tolist()
        assert [(column.dtype, column.tolist()) for column in one.columns] == [(column.dtype, column.tolist()) for column in other.columns]
    assert len(alone.tokens) > 2 * TYPO_CHUNK and sum(len(column) for column in alone.word_pairs.columns) > 1000  # type: ignore[union-attr]


def test_a_word_the_lists_do_not_use_is_searched_not_read() -> None:
    """A typo, or a list word read differently (another `sig`), has nothing stored: it is searched on first use."""
    index = _un_index()
    store_typo_neighbours(index)
    rng = random.Random(7)
    words = [token for token in (index.tokens[i] for i in range(len(index.tokens))) if fuzzy_tokens_searched(token) and token.script == "latin"]
    for token in rng.sample(words, 200):
        at = rng.randrange(1, len(token.text))
        typed = analyze_name(token.text[:at] + "q" + token.text[at:]).tokens[0]
        if typed.text not in index.text_df:
            assert index.stored_typo_neighbours(typed) is None and index.stored_word_pairs(typed) is None
            assert fuzzy_tokens(index, typed) == list(zip(*(array.tolist() for array in _fuzzy_tokens(index, typed))))
        other = dataclasses.replace(token, sig=token.sig + "\x1fother")
        assert index.stored_typo_neighbours(other) is None and index.stored_word_pairs(other) is None


def test_stored_neighbours_are_saved_with_the_index_and_screen_alike(tmp_path: Path) -> None:
    built = _un_index()
    plain = Screener(_un_index())  # searched per process
    store_typo_neighbours(built)
    path = tmp_path / "index.idx"
    save_index(built, path)
    loaded = load_index(path)
    assert loaded is not None and loaded.typo_neighbours is not None and loaded.word_pairs is not None
    assert built.typo_neighbours is not None and built.word_pairs is not None
    for saved, kept in ((loaded.typo_neighbours, built.typo_neighbours), (loaded.word_pairs, built.word_pairs)):
        assert saved.offsets.tolist() == kept.offsets.tolist()
        assert [column.tolist() for column in saved.columns] == [column.tolist() for column in kept.columns]
    stored = Screener(loaded)
    for name in ("Qasem Soleimani", "Qasem Solaymani", "Ali Akbar Velayati", "Abdul Kabir", "Abdl Kabyr", "Hamza bin Ladin"):
        query = Query.build(name)
        assert [h.to_dict() for h in plain.screen(query)] == [h.to_dict() for h in stored.screen(query)], name
    # An index saved without them (a register of customers, an older build) loads, and searches instead.
    path_plain = tmp_path / "plain.idx"
    save_index(_un_index(), path_plain)
    reloaded = load_index(path_plain)
    assert reloaded is not None and reloaded.typo_neighbours is None and reloaded.word_pairs is None
    assert Screener(reloaded).screen(Query.build("Qasem Solaymani"))[0].entity.id == plain.screen(Query.build("Qasem Solaymani"))[0].entity.id


def test_inconsistent_stored_neighbours_are_ignored_not_trusted(tmp_path: Path) -> None:
    """A cache file whose stored runs disagree with its vocabulary loads without them, and screens."""
    index = _un_index()
    store_typo_neighbours(index)
    runs = index.typo_neighbours
    assert runs is not None
    ids, edits = runs.columns
    for damaged in (
        Runs(runs.offsets[:-1], runs.columns),  # one word short
        Runs(runs.offsets, (ids[:-1], edits[:-1])),  # cut short
        Runs(runs.offsets, (ids + len(index.tokens), edits)),  # pointing past the vocabulary
        Runs(runs.offsets[::-1].copy(), runs.columns),  # out of order
    ):
        path = tmp_path / "damaged.idx"
        save_index(dataclasses.replace(index, typo_neighbours=damaged), path)
        loaded = load_index(path)
        assert loaded is not None and loaded.typo_neighbours is None and loaded.word_pairs is not None
        assert Screener(loaded).screen(Query.build("Qasem Solaymani"))


def test_runs_pack_and_read_back_each_rows_slices() -> None:
    runs = Runs.pack([(np.array([2, 1]), np.array([1, 2])), (np.zeros(0), np.zeros(0)), (np.array([0]), np.array([1]))], ("int32", "int8"))
    assert runs.offsets.tolist() == [0, 2, 2, 3]
    assert [column.tolist() for column in runs.run(0)] == [[2, 1], [1, 2]]
    assert [column.tolist() for column in runs.run(1)] == [[], []]
    assert runs.columns[0].dtype == np.int32 and runs.columns[1].dtype == np.int8
    assert Runs.load(runs.arrays("x"), "x", 2, 3) is not None
    assert Runs.load(runs.arrays("x"), "x", 2, 4) is None  # another vocabulary
    assert Runs.load(runs.arrays("x"), "x", 3, 3) is None  # a column missing


# --- one list word speaks for one query word (retrieve._one_word_each) -----------------------------------------------


def test_word_counts_of_names_are_the_same_from_runs_and_from_tuples(tmp_path: Path) -> None:
    """`count_words_among` and `repeat_a_word` read the saved index's flat runs; a fresh build's tuples agree."""
    built = _un_index()
    save_index(built, tmp_path / "index")
    loaded = load_index(tmp_path / "index")
    rng = random.Random(5)
    names = np.asarray(sorted(rng.sample(range(built.total_names), 400)), dtype=np.int64)
    for _ in range(20):
        words = rng.sample(range(len(built.tokens)), 300) + [built.name_tokens[int(rng.choice(names))][0]]
        expected = [sum(1 for token_id in built.name_tokens[name_id] if token_id in set(words)) for name_id in names.tolist()]
        assert built.count_words_among(names, words).tolist() == expected
        assert loaded.count_words_among(names, words).tolist() == expected
    repeats = [len(set(built.name_tokens[name_id])) < len(built.name_tokens[name_id]) for name_id in range(built.total_names)]
    every = np.arange(built.total_names, dtype=np.int64)
    assert built.repeat_a_word(every).tolist() == repeats == loaded.repeat_a_word(every).tolist()
    assert any(repeats)  # the UN list holds names that repeat a word, so both answers are exercised


def _screen_both_ways(screener: Screener, query: Query, monkeypatch: Any) -> tuple[Any, Any]:
    """The screening with the shared-word check, and without it (its trigger set out of reach)."""
    import interdict.match.retrieve as retrieve

    checked = screener.screening(query)
    with monkeypatch.context() as patch:
        patch.setattr(retrieve, "S", dataclasses.replace(SETTINGS, shared_word_check_names=10**9))
        unchecked = screener.screening(query)
    return checked, unchecked


def test_a_list_word_two_query_words_share_is_counted_once(seeded: Any, monkeypatch: Any) -> None:
    """"Ahmad al-Hamidawi": Ahmad and Hamidawi are both hmd, so every Ahmad of the lists counted for both words and
    was scored (735 names, 686 under 0.3). Counted once, a few dozen are, and what is reported is the same."""
    query = Query.build("Ahmad al-Hamidawi", schema="Person")
    checked, unchecked = _screen_both_ways(seeded.screener, query, monkeypatch)
    assert checked.scored * 4 < unchecked.scored
    assert [(hit.entity.id, hit.score) for hit in checked.hits] == [(hit.entity.id, hit.score) for hit in unchecked.hits]
    assert checked.hits[0].score == 1.0 and "HAMIDAWI" in checked.hits[0].entity.caption.upper()


def test_counting_a_shared_word_once_never_loses_a_match(seeded: Any, monkeypatch: Any) -> None:
    """The estimate stays optimistic: over queries of real list words that share a key (two spellings of one name,
    a name written twice, with and without a surname), every match without the check is found with it, at the same
    score. (Near misses are the best few names by estimate, so a lower estimate may let another near miss in.)"""
    index = seeded.screener.index
    rng = random.Random(11)
    keys = [key for key, ids in index.key_tokens.items() if len(ids) >= 3 and len(key) >= 3 and key[0] not in MARKED_KEYS]
    surnames = [name for name in (index.name_text[rng.randrange(index.total_names)] for _ in range(400)) if len(name.split()) >= 2]
    queries = []
    for key in rng.sample(keys, 40):
        first, second = (index.tokens[token_id].text for token_id in rng.sample(list(index.key_tokens[key]), 2))
        queries.append(f"{first} {second}")
        queries.append(f"{first} {first}")
        queries.append(f"{first} {second} {rng.choice(surnames).split()[-1]}")
    queries += ["Mohamad Mohammed", "Ahmad al-Hamidawi", "Chang Chang Ha", "Ahmed Hamid Ahmad", "Ali Alawi Ali"]
    triggered = 0
    for text in queries:
        for schema in ("Person", None):
            checked, unchecked = _screen_both_ways(seeded.screener, Query.build(text, schema=schema), monkeypatch)
            triggered += checked.scored < unchecked.scored
            kept = {(hit.entity.id, hit.score) for hit in checked.hits}
            for hit in unchecked.hits:
                if hit.score >= SETTINGS.threshold:
                    assert (hit.entity.id, hit.score) in kept, (text, schema, hit.entity.caption, hit.score)
    assert triggered >= 5, "too few queries met the check to prove anything"


# --- a list word written as two or three words ---------------------------------------


@pytest.mark.parametrize(
    ("query", "listed"),
    [
        ("Olga Vladim iro vna KOROBOVA", "Olga Vladimirovna KOROBOVA"),
        ("Sergey Vikto rov ich KALASHNIK", "Sergey Viktorovich KALASHNIK"),
        ("Igor Bori sov ich BYSTROV", "Igor Borisovich BYSTROV"),
    ],
)
def test_a_common_word_written_in_pieces_finds_its_name_and_scores_no_crowd(seeded: Any, query: str, listed: str) -> None:
    """"Vladim iro vna": the pieces found Vladimirovna and, fused two by two, Vladimir, and were counted for both and
    for their own finds too, so every Vladimir of the lists was estimated a match and scored (1,005 names for the first
    query, 633 and 286 for the others). Each piece counts once, for the word it makes or for its own finds."""
    screening = seeded.screener.screening(Query.build(query, schema="Person"))
    assert any(hit.match and hit.entity.caption == listed for hit in screening.hits)
    assert screening.scored < 150


def test_retrieval_finds_every_match_the_scorer_gives_a_name_written_in_pieces(seeded: Any) -> None:
    """The estimate stays optimistic: real list names with a long word written as two or three words ("Vikto rov ich",
    "Viktoro vich"). Every entry the scorer matches the query with (scored alone, `score_entry`) is among the
    screen's matches, at that score."""
    screener = seeded.screener
    index = screener.index
    rng = random.Random(17)
    queries: list[tuple[str, str]] = []
    while len(queries) < 60:
        position = rng.randrange(index.size)
        entity = index.entity(position)
        if entity.schema != "Person":
            continue
        words = entity.caption.split()
        long = [at for at, word in enumerate(words) if len(word) >= 9 and word.isalpha()]
        if len(words) < 2 or not long:
            continue
        at = rng.choice(long)
        word = words[at]
        third = len(word) // 3
        pieces = [word[:third], word[third : 2 * third], word[2 * third :]] if len(queries) % 2 else [word[: len(word) // 2], word[len(word) // 2 :]]
        queries.append((" ".join(words[:at] + pieces + words[at + 1 :]), entity.id))
    checked = 0
    for text, entity_id in queries:
        query = Query.build(text, schema="Person")
        alone = screener.score_entry(query, entity_id)
        assert alone is not None
        if not alone.match:
            continue
        checked += 1
        found = {hit.entity.id: hit.score for hit in screener.screen(query, limit=500) if hit.match}
        assert found.get(entity_id) == alone.score, (text, entity_id, alone.score, found.get(entity_id))
    assert checked >= 40, "too few of the sampled names matched to prove anything"


@pytest.mark.parametrize("text", ["MOCHAMMAD ALWI", "Mochammad Nur"])
def test_a_rare_spelling_of_a_common_word_covers_one_word_of_a_list_name(seeded: Any, monkeypatch: Any, text: str) -> None:
    """"Mochammad" is rare on the lists (7 names) and weighs so; its evidence is every Muhammad's, through a spelling.
    Counted in its own weight, it covered whole list names ("Mohammed al-Ahmed": estimate 0.77, score 0.27) and put
    614 names in the match range (946 scored). A query word covers one list word at most: with that taken into
    account, a fraction is scored, and every match is the same."""
    query = Query.build(text, schema="Person")
    checked, unchecked = _screen_both_ways(seeded.screener, query, monkeypatch)
    assert checked.scored * 3 < unchecked.scored
    assert [(hit.entity.id, hit.score) for hit in checked.hits if hit.match] == [(hit.entity.id, hit.score) for hit in unchecked.hits if hit.match]


@pytest.mark.parametrize(("query", "listed"), [("SAEI, Nader", "SAEDI, Nader"), ("WAA'I, Diya'", "WAFA'I, Diya'")])
def test_a_slip_that_drops_a_consonant_from_a_short_skeleton_still_finds_the_name(seeded: Any, query: str, listed: str) -> None:
    """Saei / Saedi (s / sd), Waai / Wafai (w / vf): a slip that turns a consonant into a letter the skeleton drops
    leaves a key of one consonant beside one of two, which have no typo neighbours of their own. Retrieval proposed
    neither name, though the scorer matches both (0.93)."""
    hits = seeded.screener.screen(Query.build(query, schema="Person"))
    assert any(hit.match and hit.entity.caption == listed for hit in hits), [(hit.entity.caption, hit.score) for hit in hits]


def test_every_one_slip_pair_across_a_one_consonant_key_is_proposed(seeded: Any) -> None:
    """Real list words whose skeleton has one or two consonants, a letter replaced by another so that the key gains or
    loses a consonant ("kawa" → "kava": k / kv; "saedi" → "saeji": sd / s): wherever the scorer pairs the slip with
    the list word, the slip's typo neighbours hold the word. (A slip that changes a consonant into another, "phoe" /
    "pvoe": f / pv, is not this rule's.) And only words one edit away are added: no word under the
    neighbouring short keys two edits away is proposed that the key search did not find already."""
    index = seeded.screener.index
    known = index.word_count
    rng = random.Random(23)
    words = [
        token
        for token in (index.tokens[i] for i in range(len(index.tokens)))
        if token.script == "latin" and fuzzy_tokens_searched(token) and len(token.skel) in (1, 2) and token.text.isalpha()
    ]
    checked = 0
    for token in rng.sample(words, min(400, len(words))):
        at = rng.randrange(len(token.text))
        for letter in "bcdfghjklmnpqrstvwxyz":
            text = token.text[:at] + letter + token.text[at + 1 :]
            if text == token.text or text in index.text_df:
                continue
            typed = analyze_name(text).tokens[0]
            if typed.text != text:
                continue  # read as another word ("wllouch": a joined article taken off, "ouch" left), not this slip
            short, long = sorted((typed.skel, token.skel), key=len)
            if (len(short), len(long)) != (1, 2) or short not in long or typed.script != "latin" or not fuzzy_tokens_searched(typed):
                continue
            ids, edits = _fuzzy_tokens(index, typed)
            near = dict(zip(ids.tolist(), edits.tolist()))
            if token_sim(typed, token, known)[0] >= PAIR_MIN:
                checked += 1
                assert any(index.tokens[other].text == token.text for other in near), (text, token.text)
            pool = {other for key in fuzzy_keys(index, typed) for other in index.key_tokens.get(key, ())}
            if len(text) >= 5:
                pool.update(_trigram_neighbours(index, text))
            assert all(edits_away == 1 for other, edits_away in near.items() if other not in pool), text
    assert checked > 100
