"""Candidate retrieval: the few dozen list names worth scoring in full.

For each query token:

- names sharing one of its skeleton keys count with the token's full weight
  (transliteration variants meet here: Ghalibaf/Qalibaf);
- vocabulary tokens one deletion away (typos, swapped or stray letters) are
  first filtered by edit distance in one vectorised call, then scored with the
  real token similarity; only those that would pair bring their names in,
  weighted by that similarity — so a junk neighbour ("yvk" for "yuevich")
  cannot outrank the intended one ("yurevich");
- adjacent query tokens fused together meet names that write them as one word.

A token counts once per name (its best evidence). Summed over tokens, the
evidence gives an optimistic estimate of the final score; names far below the
cutoff are dropped and the best `limit` are returned.

Accumulation happens in two dense per-thread arrays over all names, touched
only where postings point, so a query costs what its postings cost.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from string import ascii_lowercase

import numpy as np
from rapidfuzz import process
from rapidfuzz.distance import OSA

from ..cores import forked_map, usable_cores
from ..text import tables
from ..text.names import AnalyzedName, Token, analyze_name, fused_key, han_key, sole_patronymic
from ..text.skeleton import skeleton, skeleton_once
from .acronyms import ACRONYM_KEY, LETTERS_KEY, letter_runs, query_acronym, run_letters
from .columns import Runs
from .index import MARKED_KEYS, Index, letter_trigrams
from .scorer import HOW_CODES, HOWS, PAIR_MIN, SimCache, may_pair, remember_sim, remembered_sim, token_sim
from .settings import SETTINGS as S


class _Scratch(threading.local):
    """Per-thread dense accumulators, reused across queries and reset after each."""

    def __init__(self) -> None:
        self.size = 0
        self.total = np.zeros(0, dtype=np.float32)
        self.token = np.zeros(0, dtype=np.float32)
        self.name_mark = np.zeros(0, dtype=bool)
        self.entity_mark = np.zeros(0, dtype=bool)

    def ensure(self, size: int, entities: int = 0) -> None:
        if self.size != size:
            self.size = size
            self.total = np.zeros(size, dtype=np.float32)
            self.token = np.zeros(size, dtype=np.float32)
            self.name_mark = np.zeros(size, dtype=bool)
        if len(self.entity_mark) < entities:
            self.entity_mark = np.zeros(entities, dtype=bool)


_scratch = _Scratch()


def fuzzy_keys(index: Index, token: Token) -> set[str]:
    """Skeleton keys a slip of the keyboard away from the token's own."""
    found: set[str] = set()
    for key in token.keys:
        if key and key[0] not in MARKED_KEYS:
            found |= index.neighbour_keys(key)
    if not token.abjad and len(token.text) >= 5:
        # A stray extra letter ("Tonxg") can move the skeleton two steps away;
        # deleting it from the query finds the intended key, and one more
        # insertion covers other slips ("Dorotsi"/"Dorosti").
        text = token.text
        slices, deletes = index.key_slices, index.deletes
        # A doubled letter deleted either way is one string, and most deletions keep the skeleton: each key once.
        for key in {skeleton_once(text[:i] + text[i + 1 :]) for i in range(len(text))}:
            if len(key) < 2 or key == token.skel:
                continue
            if key in slices:
                found.add(key)
            if len(key) >= 3:
                found.update(deletes.get(key, ()))
        # Swapped neighbours ("sTang" for "Tsang") can break a digraph entirely.
        for key in {skeleton_once(text[:i] + text[i + 1] + text[i] + text[i + 2 :]) for i in range(len(text) - 1)}:
            if key != token.skel and key in slices:
                found.add(key)
    found.difference_update(token.keys)
    return found


def fuzzy_tokens_searched(token: Token) -> bool:
    """Words whose typo neighbours are searched: not abjad (its keys already hold its readings), initials, numbers
    or words of under four letters (equal or not)."""
    return not (token.abjad or token.initial or token.number or len(token.text) < 4)


def fuzzy_tokens(index: Index, token: Token) -> list[tuple[int, int]]:
    """(id, edit distance) of the vocabulary tokens close enough in spelling to the query token to be a typo of it.

    Memoised on the index: screening batches repeat the same given names and
    surnames, and their typo neighbourhoods never change for one index. A word
    the lists use reads the neighbours the index stored (`store_typo_neighbours`).
    """
    if not fuzzy_tokens_searched(token):
        return []
    cached = index.fuzzy_cache.get(token.sig)
    if cached is None:
        cached = index.stored_typo_neighbours(token)
        if cached is None:
            cached = _fuzzy_tokens(index, token)
        if len(index.fuzzy_cache) > 100_000:
            index.fuzzy_cache.clear()
        index.fuzzy_cache[token.sig] = cached
    ids, edits = cached
    return list(zip(ids.tolist(), edits.tolist()))


_NO_NEIGHBOURS = (np.zeros(0, dtype=np.int32), np.zeros(0, dtype=np.int8))


PARALLEL_MIN_WORDS = 5_000  # fewer words (a test's or a small list's) take under a second: forking would cost more
TYPO_CHUNK = 500  # words per task: about 0.3 s of work, so the workers stay busy to the end and a task's answer is small


def store_typo_neighbours(index: Index, workers: int | None = None, min_parallel: int = PARALLEL_MIN_WORDS) -> None:
    """Find every list word's typo neighbours now, and the words that pair with it, and keep both in the index, which
    saves them.

    A query's words are mostly words the lists use, and for a word the process had not met, searching its typo
    neighbours and pairing them and its short-skeleton namesakes was the largest cost of a query. Done once per list
    update; words outside the vocabulary are still searched on first use. It was the larger half of a build (38 s of
    62 s for the bundled lists on one core), and each word's search is pure, so it runs in forked workers, one per
    usable core (`workers`; 1: in this process): the answers are the same in any process and order.
    """
    tokens = index.tokens
    first: dict[str, int] = {}  # one search per `sig`: the first word holding it
    for token_id in range(len(tokens)):
        first.setdefault(tokens[token_id].sig, token_id)
    searched = list(first.values())
    workers = usable_cores() if workers is None else workers
    rows = list(forked_map(_typo_rows, searched, workers if len(searched) >= min_parallel else 1, TYPO_CHUNK, index))
    found = dict(zip(first, rows, strict=True))
    neighbours: list[tuple[np.ndarray, ...]] = []
    pairs: list[tuple[np.ndarray, ...]] = []
    for token_id in range(len(tokens)):
        near, paired = found[tokens[token_id].sig]
        neighbours.append(near)
        pairs.append(paired)
    index.typo_neighbours = Runs.pack(neighbours, ("int32", "int8"))
    index.word_pairs = Runs.pack(pairs, ("int32", "float64", "int8", "int8"))


def _typo_rows(index: Index, token_ids: Sequence[int]) -> list[tuple[tuple[np.ndarray, ...], tuple[np.ndarray, ...]]]:
    """(typo neighbours, stored pairs) of each word: what `_fuzzy_tokens` and `_token_evidence` would find for it."""
    tokens = index.tokens
    known = index.word_count
    rows: list[tuple[tuple[np.ndarray, ...], tuple[np.ndarray, ...]]] = []
    for token_id in token_ids:
        token = tokens[token_id]
        near = _fuzzy_tokens(index, token) if fuzzy_tokens_searched(token) else _NO_NEIGHBOURS
        paired = [(other, *token_sim(token, tokens[other], known), slot) for other, slot in _pairing_candidates(index, token, near)]
        kept = [(other, sim, HOW_CODES[how], slot) for other, sim, how, slot in paired if sim >= PAIR_MIN]
        rows.append((near, tuple(np.asarray(column) for column in zip(*kept)) if kept else _NO_PAIRS))
    return rows


_NO_PAIRS = (np.zeros(0, dtype=np.int32), np.zeros(0, dtype=np.float64), np.zeros(0, dtype=np.int8), np.zeros(0, dtype=np.int8))
TYPO_SLOT = -1  # a stored pair found among the word's typo neighbours, not through one of its keys


def _pairing_candidates(index: Index, token: Token, near: tuple[np.ndarray, np.ndarray]) -> list[tuple[int, int]]:
    """(vocabulary word, slot) pairs `_token_evidence` would ask `token_sim` about, in its order: the words under each
    short key of the word (slot: the key's position), then the typo neighbours `may_pair` lets through."""
    if token.script == "cjk" or not _verifies(token):
        return []  # a syllable is read by its spellings (`_token_evidence`); other words are never verified
    found = [
        (other, slot)
        for slot, key in enumerate(token.keys)
        if _verified_key(key)
        for other in index.key_tokens.get(key, ())
    ]
    tokens = index.tokens
    found.extend((other, TYPO_SLOT) for other, edits in zip(near[0].tolist(), near[1].tolist()) if may_pair(token, tokens[other], edits))
    return found


def _verifies(token: Token) -> bool:
    """Words whose short keys are verified by pairing (`_verified_key`): abjad words, initials and numbers are not."""
    return not (token.abjad or token.initial or token.number)


def _verified_key(key: str) -> bool:
    """A skeleton so short it lumps unrelated names: the words under it speak only when they pair with the query's."""
    return bool(key) and key[0] not in MARKED_KEYS and len(key) <= S.short_key_verified


def _fuzzy_tokens(index: Index, token: Token) -> tuple[np.ndarray, np.ndarray]:
    """(token ids, edit distances) as two arrays: kept for every query word, they cost a byte or five per neighbour
    where a list of pairs of Python ints cost about sixty."""
    # A dict drops repeats in C. Every key's words are measured, and the cap keeps the nearest: a third of the list
    # words have more words under their keys than the cap, and cut key by key in alphabetical order, "Patel" lost
    # "Patek" (one edit) to words three edits away.
    found: dict[int, None] = {}
    key_tokens = index.key_tokens
    for key in fuzzy_keys(index, token):
        ids = key_tokens.get(key)
        if ids:
            found.update(dict.fromkeys(ids))
    if token.text not in index.text_df and len(token.text) >= 5:
        found.update(dict.fromkeys(_trigram_neighbours(index, token.text)))
    slips = _short_key_slips(index, token)
    if not found:
        return slips
    candidates = np.fromiter(found, dtype=np.int32, count=len(found))
    candidates.sort()  # the same order in every process (sets iterate by hash): ties at the cap cut the same way
    texts = index.token_texts[candidates].tolist()
    distances = process.cdist([token.text], texts, scorer=OSA.distance, score_cutoff=S.fuzzy_edits, dtype=np.int32)[0]
    if len(slips[0]):
        # Words one slip away under a key of one consonant less or more, with the others (once, in id order).
        candidates, first = np.unique(np.concatenate([candidates, slips[0]]), return_index=True)
        distances = np.concatenate([distances, slips[1].astype(np.int32)])[first]
    near = np.flatnonzero(distances <= S.fuzzy_edits)
    if len(near) > S.max_fuzzy_tokens:
        near = near[np.argsort(distances[near], kind="stable")[: S.max_fuzzy_tokens]]
        near.sort()
    return candidates[near], distances[near].astype(np.int8)


def _short_key_slips(index: Index, token: Token) -> tuple[np.ndarray, np.ndarray]:
    """The vocabulary words one slip from a short word whose skeleton has one consonant more or less than theirs.

    A slip can turn a consonant into a letter the skeleton drops ("Kava" / "Kawa": kv / k; "Hava" / "Hawa"), and keys
    of one or two consonants have no typo neighbours of their own (`Index.neighbour_keys`: one shorter would lump half
    the vocabulary), so such a pair was never proposed: "Kava Panga" found KAWA PANGA through Panga alone, at an
    estimate just over the cutoff. Only words one edit away are kept, so the few hundred words under a one-consonant
    key cost one vectorised distance and bring nothing else."""
    if token.script != "latin" or not fuzzy_tokens_searched(token):
        return _NO_NEIGHBOURS
    keys: set[str] = set()
    for key in token.keys:
        if not key or key[0] in MARKED_KEYS:
            continue
        if len(key) == 2:
            keys.update((key[0], key[1]))
        elif len(key) == 1:
            keys.update(longer for letter in ascii_lowercase for longer in (letter + key, key + letter) if longer in index.key_slices)
    keys.difference_update(token.keys)
    ids = sorted({token_id for key in keys for token_id in index.key_tokens.get(key, ())})
    if not ids:
        return _NO_NEIGHBOURS
    candidates = np.asarray(ids, dtype=np.int32)
    distances = process.cdist([token.text], index.token_texts[candidates].tolist(), scorer=OSA.distance, score_cutoff=1, dtype=np.int32)[0]
    near = np.flatnonzero(distances <= 1)
    return candidates[near], distances[near].astype(np.int8)


def _unique(ids: np.ndarray) -> np.ndarray:
    """Sorted unique ids; a sort and a diff beat np.unique's hashing several-fold here."""
    ordered = np.sort(ids)
    if len(ordered) < 2:
        return ordered
    keep = np.empty(len(ordered), dtype=bool)
    keep[0] = True
    np.not_equal(ordered[1:], ordered[:-1], out=keep[1:])
    return ordered[keep]


def _trigram_neighbours(index: Index, text: str, keep: int = 200) -> list[int]:
    """Vocabulary tokens sharing most letter trigrams with an unknown word.

    A slip next to a digraph ("Isayevivh" for "Isayevich", "Yisan" for
    "Yishan") changes the skeleton beyond one deletion; letter trigrams still
    overlap. Each edit destroys at most three trigrams, so two edits leave all
    but six.
    """
    grams = sorted(set(letter_trigrams(text)))
    arrays = [index.trigram_tokens[gram] for gram in grams if gram in index.trigram_tokens]
    if not arrays:
        return []
    ids = np.sort(np.concatenate(arrays))
    starts = np.flatnonzero(np.r_[True, ids[1:] != ids[:-1]])
    counts = np.diff(np.r_[starts, len(ids)])
    unique = ids[starts]
    needed = max(2, len(grams) - 6)
    good = counts >= needed
    unique, counts = unique[good], counts[good]
    if len(unique) > keep:
        top = np.argsort(-counts, kind="stable")[:keep]
        unique = unique[np.sort(top)]
    return unique.tolist()  # type: ignore[no-any-return]


def _evidence_groups(
    index: Index,
    analyzed: list[AnalyzedName],
    query_weights: list[list[float]],
    cache: SimCache,
    known: Callable[[str], int],
) -> tuple[
    list[list[tuple[np.ndarray, float]]],
    list[list[tuple[np.ndarray, float]]],
    float,
    list[list[tuple[np.ndarray, float]]],
    list[tuple[int, Token]],
    list[tuple[np.ndarray, float, list[int], float]],
]:
    """Per query token (and per fused pair): the postings that speak for it, with their value.

    Second, apart: each part of an unknown word read as two words, alone, with its share of the
    word's weight. A part speaks with the word's (rare) weight, not its own, so it is used only
    when the query has no other evidence at all (see `_estimate`); otherwise a common part ("ben"
    of "Benmohamed", "ullah" of "Atiqullah") put thousands of names in the match range.

    Third: the weight of the query's words that may be misspelt beyond the typo search (words the
    lists never use that found no evidence of their own), for `_estimate`.

    Fourth: groups that only add to names other evidence found: a common word written as three
    ("Vladimi rov ich"), whose unknown pieces weigh much though the word they make does not.

    Fifth: which of the groups are one query word's own evidence (`_token_evidence`), with that word: the scorer
    pairs each of those with a list word of its own (see `_one_word_each`).

    Sixth: each list word the query writes as two or three words ("Vladim iro", "Vikto rov ich"): its names'
    postings, the value they were given, the groups of the pieces' own evidence (a name holding the word has the
    pieces linked to it, or to their own evidence, never both), and how much more the pieces weigh than the list word
    they make (they find that word of the list name, not its other words).
    """
    groups: list[list[tuple[np.ndarray, float]]] = []
    supporting: list[list[tuple[np.ndarray, float]]] = []
    adding: list[list[tuple[np.ndarray, float]]] = []
    words: list[tuple[int, Token]] = []
    apart: list[tuple[np.ndarray, float, list[int], float]] = []
    unfound = 0.0
    for name, weights in zip(analyzed, query_weights):
        tokens = name.tokens
        own: dict[int, int] = {}  # a token's position -> the group of its own evidence
        for position, (token, weight) in enumerate(zip(tokens, weights)):
            # A token written twice ("Hambali Hambali") counts twice, like in scoring.
            evidence = index.evidence_cache.get(token.sig)
            if evidence is None:
                evidence = _token_evidence(index, token, weight, cache, known)
                if len(index.evidence_cache) > 50_000:
                    index.evidence_cache.clear()
                index.evidence_cache[token.sig] = evidence
            if evidence:
                own[position] = len(groups)
                words.append((len(groups), token))
                groups.append(evidence)
            elif _may_be_misspelt(token, known):
                unfound += weight
            # Two name parts written as one ("Mohammadbaqer", "Baqerqalibaf"): an unknown word that
            # reads as two words of the lists speaks, with its own weight, for the names holding both.
            # Not for names holding one: a part alone is no match of the word, and a common part
            # ("ben" of "Benmohamed", "ullah" of "Atiqullah") would bring thousands of names to score.
            # A part is looked up under every key the lists' names give it, fused compounds included
            # ("Abdjaber" of "Abdul Jabermustafa" is keyed as FUQAHA, Abdul Jaber Mustafa keys it).
            both, alone = _split_evidence(index, token, weight, known)
            if both is not None:
                groups.append(both)
            supporting.extend(alone)
        for at, (first, second) in enumerate(zip(tokens, tokens[1:])):
            fused = skeleton(first.text + second.text)
            # "Aaron A.": an initial beside a word fuses into that word's own key, which would count the word's
            # evidence twice and put every Aaron in the match range (the initial has its own estimate below).
            doubled = (first.initial and fused in second.keys) or (second.initial and fused in first.keys)
            postings = None if doubled else index.key_postings(fused)
            if postings is not None:
                value = max(index.token_weight(first), index.token_weight(second))
                groups.append([(postings, value)])
                if at in own and at + 1 in own and fused not in first.keys and fused not in second.keys:
                    # Both pieces found evidence of their own, and the fused key is neither's: the group speaks for the
                    # word they make. Otherwise it may be a piece's only evidence ("Mya Oo": "oo" has no key, the fused
                    # "myaoo" is Mya's) and is left as it is.
                    apart.append((postings, value, [own[at], own[at + 1]], 0.0))
            if first.keys[-1][:1] == "^" and second.keys[-1][:1] == "^":
                joined = _joined_readings(index, first, second)
                if joined:
                    groups.append(joined)
        # A word cut in three ("Plat Ono Vich" for Platonovich; the scorer's _triple_links): the names holding the
        # three written as one word, as written, with the three words' weight. For a word many names hold
        # (`WORD_IN_THREE_COMMON`) only added to names other words found: the pieces of "Vladimi rov ich" are unknown
        # and weigh much, and would otherwise put all 1,173 Vladimirovich names in the match range.
        texts = index.token_texts
        for at in range(len(tokens) - 2):
            run = tokens[at : at + 3]
            if any(token.initial or token.number for token in run):
                continue
            written = "".join(token.text for token in run)
            for token_id in index.key_tokens.get(skeleton(written), ()):
                if texts[token_id] == written:
                    postings = index.names_with_token(token_id)
                    value = sum(weights[at : at + 3])
                    (adding if len(postings) > WORD_IN_THREE_COMMON else groups).append([(postings, value)])
                    apart.append((postings, value, [own[k] for k in range(at, at + 3) if k in own], max(value - index.token_weight_list[token_id], 0.0)))
        # Letters written apart ("M S Trading", "N P C International") against a list name writing them as one word
        # ("MS", "NPC"; the scorer's letter-run link): the names holding that word as written speak for the run, with
        # the run's weight. As written, not by skeleton: "lk" is also the skeleton of Luka and Lake.
        for start, end in letter_runs(tokens):
            letters = run_letters(tokens, (start, end))
            for token_id in index.key_tokens.get(skeleton(letters), ()):
                if texts[token_id] == letters:
                    groups.append([(index.names_with_token(token_id), sum(weights[start:end]))])
        # And the other way: a word of a few letters ("NPC", "M&S") against a list name writing them apart ("N P C").
        for token, weight in zip(tokens, weights):
            if 2 <= len(token.text) <= LETTER_RUN_LONGEST and token.script == "latin" and not (token.initial or token.number):
                postings = index.key_postings(LETTERS_KEY + token.text)
                if postings is not None:
                    groups.append([(postings, weight)])
        # A prefix left standing ("Tariq Abu", a reordered "Kabir ... Abdul") still fuses with its name,
        # keyed as the analyser keys a fused name: the canonical prefix's skeleton, then the name's key.
        compounds = tables.compounds()
        prefixes = {skeleton(compounds[token.text]) for token in tokens if token.text in compounds}
        for token, weight in zip(tokens, weights):
            if token.text in compounds:
                continue
            for prefix in prefixes:
                for key in token.keys:
                    postings = index.key_postings(prefix + key) if key and key[0] != "=" else None
                    if postings is not None:
                        groups.append([(postings, weight)])
    return groups, supporting, unfound, adding, words, apart


def _where(postings: np.ndarray) -> tuple[int, int]:
    """A postings view's identity: the same list of a word or key, met in two groups, has the same address."""
    return postings.__array_interface__["data"][0], len(postings)


def _words_under_key(index: Index, postings: np.ndarray, keys: set[str]) -> Sequence[int]:
    """The list words under the key (one of `keys`) whose names `postings` is (`key_postings`); none when it is no
    such key's (the estimate then stays as it was)."""
    where = _where(postings)
    for key in keys:
        posted = index.key_postings(key)
        if posted is not None and _where(posted) == where:
            return index.key_tokens.get(key, ())
    return ()


def _share_a_key(words: list[tuple[int, Token]]) -> bool:
    """Whether two query words have a key in common: then their groups may share a list word (checked for a few
    queries in a hundred; a list word pairing with two words that share no key is left counted twice, as before)."""
    seen: set[str] = set()
    for _, token in words:
        keys = {key for key in token.keys if key}
        if not seen.isdisjoint(keys):
            return True
        seen |= keys
    return False


def _one_word_each(
    index: Index, groups: list[list[tuple[np.ndarray, float]]], words: list[tuple[int, Token]], candidates: np.ndarray
) -> np.ndarray:
    """How much the sum of group bests overstates each candidate because one list word spoke for two query words.

    Each query word's group adds its best value for a name, and a list word found by two query words (the same
    key: "Ahmad" and "Hamidawi" are both hmd; "Chang Chang Ha") is counted for both, though the scorer pairs a list
    word with one query word only: "Ahmad al-Hamidawi" put 735 names in the match range, 686 of which scored under
    0.3. For a name holding one word behind a shared list, the groups sharing it are counted at their best
    assignment instead: the word speaks for one of them, the others count their other evidence. Each shared list
    gives an upper bound on what the name can reach, so the estimate stays optimistic (the smallest of them is taken).
    """
    excess = np.zeros(len(candidates), dtype=np.float32)
    ids: dict[tuple[int, int], int] = {}
    arrays: list[np.ndarray] = []
    users: list[list[int]] = []
    keys_of: list[list[tuple[str, ...]]] = []
    for at, token in words:
        for postings, _ in groups[at]:
            if not len(postings):
                continue
            i = ids.setdefault(_where(postings), len(ids))
            if i == len(arrays):
                arrays.append(postings)
                users.append([])
                keys_of.append([])
            if at not in users[i]:
                users[i].append(at)
                keys_of[i].append(token.keys)
    shared = [i for i in range(len(arrays)) if len(users[i]) >= 2]
    if not shared:
        return excess
    # Per group sharing a list: each candidate's best value, the list it came from, and its best from any other list.
    tops = {at: _top_two(groups[at], candidates, ids) for at in dict.fromkeys(at for i in shared for at in users[i])}
    repeated: np.ndarray | None = None
    for i in shared:
        postings = arrays[i]
        inside = _held_by(postings, candidates)
        if not inside.any():
            continue
        # The candidates holding one word behind the list: a name holding two ("Ahmad Hamid" under hmd, "Mohammed
        # Mohammed") may pair both; one posted under a key by no word of its own (a fused particle's) is left as it was.
        if index.posted_word(postings) is not None:
            if repeated is None:
                repeated = index.repeat_a_word(candidates)
            held = inside & ~repeated
        else:
            behind = _words_under_key(index, postings, set(keys_of[i][0]).intersection(*keys_of[i][1:]))
            if not behind:
                continue
            held = inside.copy()
            held[inside] = index.count_words_among(candidates[inside], behind) == 1
        if not held.any():
            continue
        full = [tops[at][0][held] for at in users[i]]
        without = [np.where(tops[at][1][held] == i, tops[at][2][held], tops[at][0][held]) for at in users[i]]
        counted = np.sum(full, axis=0)
        best = np.max([full[k] + np.sum([without[j] for j in range(len(full)) if j != k], axis=0) for k in range(len(full))], axis=0)
        over = counted - best
        excess[held] = np.maximum(excess[held], np.where(over > 1e-5, over, np.float32(0.0)))
    return excess


def _top_two(
    evidence: list[tuple[np.ndarray, float]], candidates: np.ndarray, ids: dict[tuple[int, int], int]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per candidate: the group's best value, which list gave it (its number in `ids`), and the best of the others."""
    best = np.zeros(len(candidates), dtype=np.float32)
    second = np.zeros(len(candidates), dtype=np.float32)
    source = np.full(len(candidates), -1, dtype=np.int64)
    for postings, value in evidence:
        if not len(postings):
            continue
        new = np.where(_held_by(postings, candidates), np.float32(value), np.float32(0.0))
        second = np.maximum(second, np.minimum(best, new))
        source = np.where(new > best, ids[_where(postings)], source)
        best = np.maximum(best, new)
    return best, source, second



def _acronym_evidence(index: Index, name: AnalyzedName, weights: list[float]) -> list[tuple[np.ndarray, float]]:
    """Organisation names whose initials a query word spells ("IRGC"), with the word's weight.

    The index keys every organisation name by the acronyms the scorer accepts for it
    (acronyms.name_acronyms); a query of anything but one short word (and generic
    ones) costs one check here.
    """
    token = query_acronym(name.tokens)
    if token is None:
        return []
    postings = index.key_postings(ACRONYM_KEY + token.text)
    return [] if postings is None else [(postings, weights[name.tokens.index(token)])]


def _split_evidence(
    index: Index, token: Token, weight: float, known: Callable[[str], int]
) -> tuple[list[tuple[np.ndarray, float]] | None, list[list[tuple[np.ndarray, float]]]]:
    """(the names holding both parts of an unknown word read as two, each part's names alone); memoised per token."""
    cached = index.split_cache.get(token.sig)
    if cached is None:
        both: list[tuple[np.ndarray, float]] | None = None
        alone: list[list[tuple[np.ndarray, float]]] = []
        split = _known_parts(token, known)
        if split:
            found = [_part_postings(index, part) for part, _ in split]
            alone = [[(postings, weight * share)] for postings, (_, share) in zip(found, split) if postings is not None]
            left, right = found
            if left is not None and right is not None:
                held = _held_by_both(left, right)
                both = [(held, weight)] if len(held) else None
        joined = [(held, weight) for held in _short_word_splits(index, token, known) + _three_word_splits(index, token, known)]
        if joined:
            both = (both or []) + joined
        if len(index.split_cache) > 50_000:
            index.split_cache.clear()
        cached = index.split_cache[token.sig] = (both, alone)
    return cached


def _part_postings(index: Index, part: str) -> np.ndarray | None:
    """The names holding a word the lists use, under every key the analyser gives it ("abdjaber": the fused key of Abd al-Jabbar)."""
    tokens = analyze_name(part).tokens
    keys = {skeleton(part)} | ({key for key in tokens[0].keys if key and key[0] not in "=~"} if len(tokens) == 1 else set())
    compounds = tables.compounds()
    for cut in range(2, len(part) - 2):
        if part[:cut] in compounds:  # a fused compound is keyed as its prefix's skeleton, then the name's
            keys.add(skeleton(compounds[part[:cut]]) + skeleton(part[cut:]))
    found = [postings for postings in (index.key_postings(key) for key in sorted(keys)) if postings is not None]
    if not found:
        return None
    return found[0] if len(found) == 1 else _unique(np.concatenate(found))


def _known_parts(token: Token, known: Callable[[str], int]) -> list[tuple[str, float]]:
    """(part, share of the letters) of the first split of an unknown Latin word into two words the lists use."""
    text = token.text
    if len(text) < 7 or token.script != "latin" or token.abjad or token.number or token.generic or known(text):
        return []
    for cut in range(3, len(text) - 2):
        left, right = text[:cut], text[cut:]
        if known(left) and known(right) and left != right:
            # "Bongbong": names holding "bong" once are not it, and the postings cannot tell twice from once.
            return [(left, cut / len(text)), (right, 1.0 - cut / len(text))]
    return []


# A word written as three, held by more names than this (Vladimirovich 1,173, Nikolaevich 722; Prokopyev 4), only
# adds to names the query's other words found: lower scores fewer names for a split common word, higher proposes
# names on the split word alone for more words.
WORD_IN_THREE_COMMON = 100
LETTER_RUN_LONGEST = 8  # a query word of up to this many letters is looked up as letters a list name writes apart
SHORT_SPLIT_LETTERS = (4, 6)  # a word of this many letters is tried as two words the lists write apart


def _short_word_splits(index: Index, token: Token, known: Callable[[str], int]) -> list[np.ndarray]:
    """Per split of a short word into two words the lists use, the names holding both, as written.

    "Kimkyu", "Mudan", "Jintai", "Rakwon": two romanised syllables written as one word, which the
    scorer pairs with the listed "Kim Kyu", "Mu Dan" (a fused pair) but whose own keys find nothing.
    Every split is tried (Rakwon: "ra" + "kwon" and "rak" + "won"), known words too (Choyon), and the
    parts are matched by their exact text: a part of two letters has a skeleton of one consonant,
    which half the lists' names hold.
    """
    text = token.text
    shortest, longest = SHORT_SPLIT_LETTERS
    if not shortest <= len(text) <= longest or token.script != "latin" or token.abjad or token.number or token.generic or not text.isalpha():
        return []
    found: list[np.ndarray] = []
    for cut in range(2, len(text) - 1):
        left, right = text[:cut], text[cut:]
        if left == right or not (known(left) and known(right)):
            continue
        sides = [_names_written(index, part) for part in (left, right)]
        if sides[0] is None or sides[1] is None:
            continue
        held = _held_by_both(sides[0], sides[1])
        if len(held):
            found.append(held)
    return found


def _three_word_splits(index: Index, token: Token, known: Callable[[str], int]) -> list[np.ndarray]:
    """Per split of an unknown word into three words the lists use, the names holding all three, as written.

    "Razavibrokeragefirm" against RAZAVI BROKERAGE FIRM (the scorer's _triple_links). Each part has
    three letters or more; a word of n letters has fewer than n²/2 splits, each a few dictionary lookups.
    """
    text = token.text
    if len(text) < 9 or token.script != "latin" or token.abjad or token.number or not text.isalpha() or known(text):
        return []
    found: list[np.ndarray] = []
    for first in range(3, len(text) - 5):
        left = text[:first]
        if not known(left):
            continue
        for second in range(first + 3, len(text) - 2):
            middle, right = text[first:second], text[second:]
            if not (known(middle) and known(right)):
                continue
            sides = [_names_written(index, part) for part in (left, middle, right)]
            if any(side is None for side in sides):
                continue
            held = _held_by_both(_held_by_both(sides[0], sides[1]), sides[2])  # type: ignore[arg-type]
            if len(held):
                found.append(held)
    return found


def _names_written(index: Index, part: str) -> np.ndarray | None:
    """The names holding a word written exactly so (sorted ids), or None."""
    postings = [index.names_with_token(token_id) for token_id in index.tokens_written(part)]
    if not postings:
        return None
    return postings[0] if len(postings) == 1 else _unique(np.concatenate(postings))


def _held_by_both(left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """The name ids in both sorted postings."""
    return left[_best_value([(right, 1.0)], left) > 0]


def _joined_readings(index: Index, first: Token, second: Token) -> list[tuple[np.ndarray, float]]:
    """Names holding one word read as two adjacent romanised Chinese words ("Chien" + "shu" → "Jianshu")."""
    weight = max(index.token_weight(first), index.token_weight(second))
    left = [key for key in first.keys if key[:1] == "^"]
    right = [key[1:] for key in second.keys if key[:1] == "^"]
    found = []
    for key in {f"{a}.{b}" for a in left for b in right}:
        postings = index.key_postings(key)
        if postings is not None:
            found.append((postings, weight))
    return found


def _stored_pairs(index: Index, token: Token, cache: SimCache) -> dict[int, list[tuple[int, float]]] | None:
    """The words stored as pairing with the list word that reads as `token`, by slot; None for another word.

    Their similarities go to the memo as `_pair_sim` would have put them, for the scorer to find."""
    stored = index.stored_word_pairs(token)
    if stored is None:
        return None
    tokens = index.tokens
    by_slot: dict[int, list[tuple[int, float]]] = {}
    for token_id, sim, how, slot in zip(*(column.tolist() for column in stored)):
        remember_sim(cache, (token.sig, id(tokens[token_id])), (sim, HOWS[how]))
        by_slot.setdefault(slot, []).append((token_id, sim))
    return by_slot


def _pair_sim(token: Token, vocabulary: Token, cache: SimCache, known: Callable[[str], int]) -> float:
    """The scorer's similarity of a query token and a vocabulary token, through the screener's shared cache."""
    pair = (token.sig, id(vocabulary))
    found = cache.get(pair)
    if found is None:
        found = remembered_sim(cache, pair, token, vocabulary, known)
    return found[0]


def _token_evidence(
    index: Index, token: Token, weight: float, cache: SimCache, known: Callable[[str], int]
) -> list[tuple[np.ndarray, float]]:
    """The postings that speak for one query token, each with its value (weight × similarity).

    Depends only on the token and the index, so it is memoised per token: batches
    repeat the same given names and surnames endlessly.
    """
    evidence: list[tuple[np.ndarray, float]] = []
    if token.script == "cjk":
        # A Chinese or Korean syllable pairs only with its spellings (scorer._syllable_sim):
        # names holding one of them, found through the vocabulary, are its only evidence.
        texts = index.token_texts
        for key in token.keys:
            if key[:1] == "~":
                spelling = key[1:]
                for token_id in index.key_tokens.get(skeleton(spelling), ()):
                    if texts[token_id] == spelling:
                        evidence.append((index.names_with_token(token_id), weight))
        # Names written with the same Han character (or a variant of it, which may read otherwise: 縝 chen, 缜 zhen).
        character = han_key(token)
        postings = index.key_postings(character) if character else None
        if postings is not None:
            evidence.append((postings, weight))
        return evidence
    verify = _verifies(token)
    # A list word's pairs were found when the index was built (`store_typo_neighbours`): slot → [(word, similarity)].
    stored = _stored_pairs(index, token, cache) if verify else None
    for slot, key in enumerate(token.keys):
        if verify and _verified_key(key):
            # A skeleton of one or two consonants lumps unrelated names ("mr": Mary, Omar, Amir, Mir; "k": Kaya,
            # Koh), and a rare spelling's weight would speak for all of them: only the vocabulary words that pair
            # with the query's, as the scorer pairs them, speak here ("Mary Kaya" once scored 1,373 names).
            if stored is not None:
                evidence.extend((index.names_with_token(token_id), weight) for token_id, _ in stored.get(slot, ()))
                continue
            for token_id in index.key_tokens.get(key, ()):
                if _pair_sim(token, index.tokens[token_id], cache, known) >= PAIR_MIN:
                    evidence.append((index.names_with_token(token_id), weight))
            continue
        postings = index.key_postings(key) if key and key[0] != "~" else None
        if postings is not None:
            evidence.append((postings, weight))
    fused = fused_key(token) if token.particles else ""
    if len(fused) > S.short_key_verified:
        # "van der Bilt" against a list's "Vanderbilt": the names holding the word fused with its particles (not
        # for a skeleton so short it lumps unrelated names: "da Wu" is "d").
        postings = index.key_postings(fused)
        if postings is not None:
            evidence.append((postings, weight))
    vocabulary_tokens = index.tokens
    if stored is not None:
        evidence.extend((index.names_with_token(token_id), weight * sim) for token_id, sim in stored.get(TYPO_SLOT, ()))
    else:
        for token_id, edits in fuzzy_tokens(index, token):
            vocabulary = vocabulary_tokens[token_id]
            if not may_pair(token, vocabulary, edits):
                continue  # most typo neighbours are too far to pair: skip the full similarity
            sim = _pair_sim(token, vocabulary, cache, known)
            if sim >= PAIR_MIN:
                evidence.append((index.names_with_token(token_id), weight * sim))
    if token.script == "latin" and not any(token.keys):
        # An all-vowel word has no key to be found under ("Oo", "Aye", "Ei" of Burmese names; its key is empty), and
        # an acronym the lists give ("IOI", index._readings) is letters, so no query word is its twin either: the same
        # letters written are its only evidence. (A word with a key finds a letters word under it like any other.)
        # Only letters words were taken once: "Soe Ivanovich Oo" then found SOE OO through "Soe" alone, a common word
        # folded in last, and never proposed it, though it scores 0.74.
        evidence.extend((index.names_with_token(token_id), weight) for token_id in index.tokens_written(token.text))
    if len(token.text) >= S.truncated_min_letters and not token.abjad and token.script == "latin" and not known(token.text):
        # A word cut short ("Qalib" for "Qalibaf"): the scorer pairs it only as a query's last word,
        # retrieval offers it wherever it stands.
        for token_id in index.tokens_starting(token.text, len(token.text) + 12):
            evidence.append((index.names_with_token(token_id), weight * S.truncated))
    return evidence


def _accumulate(index: Index, groups: list[list[tuple[np.ndarray, float]]]) -> tuple[np.ndarray, np.ndarray]:
    """Sum over groups of each group's best value per name: (name ids, sums)."""
    scratch = _scratch
    scratch.ensure(index.total_names, index.size)
    all_touched: list[np.ndarray] = []
    try:
        for evidence in groups:
            if len(evidence) == 1:
                # One list of postings holds each name once: add straight to the total.
                postings, value = evidence[0]
                scratch.total[postings] += value
                all_touched.append(postings)
                continue
            # Each name's best value in the group: one unbuffered maximum over every list's postings (one call,
            # where writing each list from the smallest value to the largest took one per list: 58 against 77 µs
            # a query on bench/load.py's names, the same sums to the bit).
            arrays = [postings for postings, _ in evidence]
            ids = np.concatenate(arrays)
            try:
                np.maximum.at(scratch.token, ids, np.repeat(np.array([value for _, value in evidence], dtype=np.float32), [len(a) for a in arrays]))
                # Repeated ids in a fancy-indexed += are written once, not summed,
                # so the group's best value per name is added exactly once.
                scratch.total[ids] += scratch.token[ids]
                all_touched.append(ids)
            finally:
                scratch.token[ids] = 0.0
        if not all_touched:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        touched_ids = all_touched[0] if len(all_touched) == 1 else np.concatenate(all_touched)
        candidates = _unique(touched_ids)
        return candidates, scratch.total[candidates].copy()
    finally:
        if all_touched:
            scratch.total[np.concatenate(all_touched) if len(all_touched) > 1 else all_touched[0]] = 0.0


def _held_by(postings: np.ndarray, candidates: np.ndarray) -> np.ndarray:
    """Which candidate names a (sorted, non-empty) postings list holds."""
    where = np.searchsorted(postings, candidates)
    where[where >= len(postings)] = 0
    return postings[where] == candidates  # type: ignore[no-any-return]


def _best_value(evidence: list[tuple[np.ndarray, float]], candidates: np.ndarray) -> np.ndarray:
    """Per candidate name, the best value the group's postings give it (0 where none holds it)."""
    best = np.zeros(len(candidates), dtype=np.float32)
    for postings, value in evidence:
        if not len(postings):
            continue
        best = np.maximum(best, np.where(_held_by(postings, candidates), np.float32(value), np.float32(0.0)))
    return best


def _share(found: np.ndarray, query_weight: float, left_over: np.ndarray) -> np.ndarray:
    """The optimistic estimate: evidence found against the query's weight (`estimate_query_share` of the
    denominator), the evidence itself, and what is left over of the list name."""
    return found / (query_weight * S.estimate_query_share + found * (1.0 - S.estimate_query_share) + left_over)  # type: ignore[no-any-return]


def _estimate(
    index: Index,
    name: AnalyzedName,
    weights: list[float],
    schemas: np.ndarray | None,
    cutoff: float,
    threshold: float,
    cache: SimCache,
    known: Callable[[str], int],
) -> tuple[np.ndarray, np.ndarray]:
    """(name ids, optimistic score estimates) of the list names one query name may reach the cutoff against."""
    empty = (np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32))
    groups, supporting, unfound, adding, words, apart = _evidence_groups(index, [name], [weights], cache, known)
    spelled = _acronym_evidence(index, name, weights)
    groups.extend([evidence] for evidence in spelled)
    # Very common keys ("mohammad", "ali") touch thousands of names. When the
    # common words alone cannot bring a name to the cutoff, a name found only
    # through them is no candidate, so common groups only add to names the rarer
    # ones found. A query of common words only ("Mohammad Ali") is searched whole.
    sizes = [sum(len(postings) for postings, _ in evidence) for evidence in groups]
    selective = [group for group, size in zip(groups, sizes) if size <= S.common_postings]
    deferred = [group for group, size in zip(groups, sizes) if size > S.common_postings] if selective else []
    common_weight = min(sum(max(value for _, value in group) for group in deferred), sum(weights))
    patronymic = _query_patronymic_excess(name, weights)
    charged = max(sum(weights) - patronymic, common_weight)  # as `_optimistic` charges it
    if common_weight and common_weight / (charged * S.estimate_query_share + common_weight * (1.0 - S.estimate_query_share)) >= cutoff * S.prune:
        selective, deferred = groups, []
    if not selective:
        selective = groups
    if not groups:
        # A lone unknown word whose parts no name holds together, or a common word written as three: all there is.
        selective = supporting + adding
        adding = []
    candidates, found = _accumulate(index, selective)
    if not len(candidates):
        return empty
    for evidence in deferred + adding:
        found = found + _best_value(evidence, candidates)
    # What the evidence covers of each list name, in its own words' weights (the evidence is in the query's).
    covered = found
    for postings, value, pieces, surplus in apart:
        # "Vikto rov ich", "Vladim iro": a name holding Viktorovich or Vladimir got the pieces' value from it and
        # what the pieces found on their own ("vikto" ~ Viktor) too, but the scorer links each piece once: to the
        # word they make or to their own finds. The lesser of the two is taken back. And unknown pieces may weigh
        # more than the common word they make, which covers that word of the list name, not its other words
        # ("Viktor Viktorovich DZYUBA" is no subset of the query). Both keep the estimate optimistic. Split-word
        # queries scored 64 list names each, most of them under 0.3, for these two.
        if not (pieces or surplus):
            continue
        held = _held_by(postings, candidates)
        if held.any():
            if pieces:
                found[held] -= np.minimum(sum(_best_value(groups[at], candidates[held]) for at in pieces), np.float32(value))
            if surplus:
                covered = found.copy() if covered is found else covered
                covered[held] = np.minimum(covered[held], found[held] - np.float32(surplus))
    if schemas is not None:
        keep = schemas[candidates]
        candidates, found, covered = candidates[keep], found[keep], covered[keep]
    if not len(candidates):
        return empty
    estimate = _optimistic(index, name, weights, patronymic, candidates, found, spelled, unfound, threshold, covered)
    promising = estimate >= cutoff * S.prune
    candidates, found, covered, estimate = candidates[promising], found[promising], covered[promising], estimate[promising]
    if words and np.count_nonzero(estimate >= threshold - S.match_range_margin) > S.shared_word_check_names:
        # A rare word ("Mochammad", 7 names) weighs as one, and its evidence is also a common word's, through a spelling
        # (every Muhammad): counted in the query's weight, it covered whole list names ("Mohammed al-Ahmed" looked
        # held by the query, 0.77, and scored 0.27). One query word covers one list word at most, so at most the
        # name's heaviest: the rest of its value is taken off what the evidence covers of the name, and the names are
        # estimated again. Only when many names are in the match range: "MOCHAMMAD ALWI" put 614 there.
        heaviest = index.name_heaviest()[candidates]
        covered = np.minimum(covered, found)
        for at, _ in words:
            covered = covered - np.maximum(_best_value(groups[at], candidates) - heaviest, np.float32(0.0))
        estimate = _optimistic(index, name, weights, patronymic, candidates, found, spelled, unfound, threshold, covered)
        promising = estimate >= cutoff * S.prune
        candidates, found, covered, estimate = candidates[promising], found[promising], covered[promising], estimate[promising]
    if (
        len(words) >= 2
        and np.count_nonzero(estimate >= threshold - S.match_range_margin) > S.shared_word_check_names
        and _share_a_key(words)
    ):
        # Every word group was added to these candidates at its best (selective or deferred): take back what a list
        # word shared by two of them counted twice, then estimate again. Only when many names are in the match range:
        # the check costs about 0.3 ms, more than scoring a few names. A lower `found` never raises an estimate.
        found = found - _one_word_each(index, groups, words, candidates)
        estimate = _optimistic(index, name, weights, patronymic, candidates, found, spelled, unfound, threshold, covered)
        promising = estimate >= cutoff * S.prune
        candidates, estimate = candidates[promising], estimate[promising]
    return candidates, estimate


# What is left of an excused patronymic once its excess is taken off, so that the estimate charges it as the scorer
# does (`subset_cost` of `patronymic_omitted`): a list name's at `estimate_extra_cost` (`name_patronymic_excess`; the
# same while the two costs are equal), a query's at `estimate_query_share` (`_query_patronymic_excess`).
LIST_PATRONYMIC_CHARGED = S.patronymic_omitted * S.subset_cost / S.estimate_extra_cost
QUERY_PATRONYMIC_CHARGED = S.patronymic_omitted * S.subset_cost / S.estimate_query_share


def _query_patronymic_excess(name: AnalyzedName, weights: list[float]) -> float:
    """How much more the query name's patronymic weighs than the scorer charges for it when the list name lacks it
    (`patronymic_omitted`, `sole_patronymic`): 0 for a name without one. The estimate charges a query word at
    `estimate_query_share` of its weight and the scorer an excused patronymic at `subset_cost` of `patronymic_omitted`:
    what is left of it here costs no more than that (left at `patronymic_omitted`, it still cost 0.27 against the
    scorer's 0.105, and "Khaled Kazimirovna Fauwa" missed Khaled AL-FAUWAZ, 0.81, at an estimate of 0.499)."""
    for position, token in enumerate(name.tokens):
        if sole_patronymic(name.tokens, position, name.surname_first):
            return max(weights[position] - QUERY_PATRONYMIC_CHARGED, 0.0)
    return 0.0


def _optimistic(
    index: Index,
    name: AnalyzedName,
    weights: list[float],
    patronymic: float,
    candidates: np.ndarray,
    found: np.ndarray,
    spelled: list[tuple[np.ndarray, float]],
    unfound: float,
    threshold: float,
    covered: np.ndarray | None = None,
) -> np.ndarray:
    """The optimistic score estimate of each candidate from the query evidence `found` for it (see `_estimate`), and
    what that evidence `covered` of the list name in its own weights (default: as much as it found). `patronymic`:
    the query name's `_query_patronymic_excess`."""
    query_total = sum(weights)
    found = np.minimum(found, query_total)
    extra = np.maximum(index.name_weight[candidates] - (found if covered is None else np.minimum(covered, found)), 0.0)
    # A patronymic one name lacks costs the scorer no more than `patronymic_omitted` ("Armen Gasparyan" / "Armen
    # Sumbatovich GASPARYAN", either way round): charged here at its full weight, a rare one sank the estimate below
    # the scorer's score. The list name's is taken off what it has left over, the query's off what the query is charged.
    extra = np.maximum(extra - index.name_patronymic_excess(LIST_PATRONYMIC_CHARGED)[candidates], 0.0)
    charged_total = np.maximum(np.float32(query_total - patronymic), found)
    if spelled:
        # An acronym stands for every word of the name it spells: none of them is left over.
        extra[np.isin(candidates, np.concatenate([postings for postings, _ in spelled]))] = 0.0
    estimate = _share(found, charged_total, S.estimate_extra_cost * extra)
    initials = [token.text[0] for token in name.tokens if token.initial and "a" <= token.text[0] <= "z"]
    if initials:
        # "G. M. Elhassan": an initial stands for a word of the list name opening with its letter, which
        # the scorer counts at `initial` of that word's weight. The plain estimate sees such words as
        # extra and ranks the name below every "X Hassan"; estimated as the scorer counts them (each
        # initial whose letter opens a word of the name covers at most one word, of weight ≤ 1), it is scored.
        letters = index.name_letters[candidates]
        agreeing = np.zeros(len(candidates), dtype=np.float32)
        for letter in initials:
            agreeing += (letters >> np.uint32(ord(letter) - ord("a"))) & np.uint32(1)
        covered_weight = np.minimum(extra, agreeing)
        gained = found + np.float32(S.initial) * covered_weight
        left_over = S.estimate_extra_cost * (extra - covered_weight)
        initialled = gained / np.maximum(found + covered_weight + left_over, np.float32(1e-6))
        # The query's own words that found nothing still count against it, as in the plain estimate:
        # an "A." beside six words of which one is found does not make every name with an A-word a candidate.
        charged = charged_total * S.estimate_query_share + (found + covered_weight) * (1.0 - S.estimate_query_share) + left_over
        initialled = np.minimum(initialled, gained / np.maximum(charged, np.float32(1e-6)))
        estimate = np.maximum(estimate, np.where(covered_weight > 0, initialled, np.float32(0.0)))
    # A word the lists never use that found nothing ("Vavletninovich": slips beyond the typo search) may still be
    # a misspelling of a word of the list name the evidence did not find: estimated as the scorer could pair
    # them at best, it no longer sinks "Yan Vavletninovich NOVIKOV" below "Yan NOVIKOV", which is a match.
    # Only for names the query's other words already match (estimated without the unknown word, in the match
    # range): otherwise every name sharing a common word with a query holding a typo would be scored.
    if unfound and S.estimate_unknown_pair and unfound < query_total:
        rest = np.maximum(charged_total - unfound, found)
        without = _share(found, rest, S.estimate_extra_cost * extra)
        covered_weight = np.minimum(extra, np.float32(unfound))
        gained = found + np.float32(S.estimate_unknown_pair) * covered_weight
        paired = _share(gained, np.maximum(charged_total, gained), S.estimate_extra_cost * (extra - covered_weight))
        estimate = np.where(without >= threshold - S.match_range_margin, np.maximum(estimate, paired), estimate)
    # A list name whose parts are all in the query ("A B" inside "A B C", a family or
    # father's name added) is a subset match: the query's extra parts cost what the
    # scorer charges for them, not their whole weight.
    # One-part list names are left out: held inside a longer person's name they cannot match
    # (one part alone stays a near miss), and an organisation's extra words weigh little anyway.
    covered = (extra <= S.estimate_covered_slack) & (index.name_size[candidates] >= 2)
    if covered.any():
        # Only where it brings a name into the match range: the near misses stay ranked as before.
        subset = found / (found + S.estimate_extra_cost * (charged_total - found) + extra)
        estimate = np.where(covered & (subset >= threshold), np.maximum(estimate, subset), estimate)
    return estimate


def _may_be_misspelt(token: Token, known: Callable[[str], int]) -> bool:
    """A query word long enough to carry slips, which no list name uses (asked of words that found no evidence)."""
    return not (token.script != "latin" or token.abjad or token.initial or token.number or token.generic or len(token.text) < 5 or known(token.text))


@dataclass(frozen=True)
class Retrieved:
    names: list[int]  # name ids worth scoring, most promising first
    capped: bool  # the match range held more names than max_scored_names: some were not scored


def _siblings(index: Index, candidates: np.ndarray, chosen: np.ndarray) -> np.ndarray:
    """The candidates not chosen whose entry is chosen, in candidate order.

    Marks in per-thread arrays over entries and names (set, read, cleared): a hash-free
    membership test whose cost is the candidates', where np.isin sorts both sides.
    """
    scratch = _scratch
    entity_of = index.name_entity
    scratch.ensure(index.total_names, index.size)
    entries = entity_of[chosen]
    scratch.entity_mark[entries] = True
    scratch.name_mark[chosen] = True
    try:
        return candidates[scratch.entity_mark[entity_of[candidates]] & ~scratch.name_mark[candidates]]  # type: ignore[no-any-return]
    finally:
        scratch.entity_mark[entries] = False
        scratch.name_mark[chosen] = False


def retrieve(
    index: Index,
    analyzed: list[AnalyzedName],
    query_weights: list[list[float]],
    schemas: np.ndarray | None,
    scope: np.ndarray | None,
    cutoff: float,
    threshold: float,
    cache: SimCache,
    known: Callable[[str], int],
) -> Retrieved:
    """Name ids worth scoring in full, for a query of one or more names.

    Names whose estimate reaches the threshold less `match_range_margin` are
    all kept (up to the `max_scored_names` ceiling, which is reported), so a
    person on many lists cannot crowd out their own entries. Of the rest,
    above the cutoff, the best `near_miss_names` distinct names are kept.

    `schemas` masks name ids by the schemas the query may match (part of what
    the query asks). `scope` masks them by the datasets asked for, and is
    applied only after the choice: a dataset filter can only remove names the
    unfiltered screen chose, never bring in one it left out, so it can never
    reveal a match the unfiltered screen hid.
    """
    parts = [_estimate(index, name, weights, schemas, cutoff, threshold, cache, known) for name, weights in zip(analyzed, query_weights)]
    parts = [part for part in parts if len(part[0])]
    if not parts:
        return Retrieved([], False)
    if len(parts) == 1:
        candidates, estimate = parts[0]
    else:
        # A list name's estimate is its best against any one query name: evidence
        # from several query names must not add up.
        every = np.concatenate([ids for ids, _ in parts])
        values = np.concatenate([est for _, est in parts])
        order = np.lexsort((-values, every))
        every, values = every[order], values[order]
        first = np.r_[True, every[1:] != every[:-1]]
        candidates, estimate = every[first], values[first]
    order = np.argsort(-estimate, kind="stable")
    candidates, estimate = candidates[order], estimate[order]
    in_range = estimate >= threshold - S.match_range_margin
    sure = candidates[in_range]
    capped = len(sure) > S.max_scored_names
    if capped:
        sure = sure[: S.max_scored_names]
    # Near misses: `near_miss_names` counts distinct names, so the same name on
    # five lists is one candidate (scored once) and does not crowd out four others.
    near = candidates[~in_range]
    groups = index.name_group[near]
    _, first_seen = np.unique(groups, return_index=True)
    if len(first_seen) > S.near_miss_names:
        kept_groups = groups[np.sort(first_seen)[: S.near_miss_names]]
        near = near[np.isin(groups, kept_groups)]
    chosen = np.concatenate([sure, near])
    # An entry scores by its best name, whichever name retrieval ranked: every
    # promising name of a chosen entry is scored too (names retrieval found no
    # evidence for cannot reach the cutoff).
    names = np.concatenate([chosen, _siblings(index, candidates, chosen)])
    if scope is not None:
        names = names[scope[names]]
    return Retrieved([int(name_id) for name_id in names], capped)
