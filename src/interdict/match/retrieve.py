"""Candidate retrieval: the few dozen list names worth scoring in full.

For each query token:

- names sharing one of its skeleton keys count with the token's full weight
  (transliteration variants meet here: Ghalibaf/Qalibaf);
- vocabulary tokens one deletion away (typos, swapped or stray letters) are
  scored with the real token similarity first, and only those that would pair
  bring their names in, weighted by that similarity — so a junk neighbour
  ("yvk" for "yuevich") cannot outrank the intended one ("yurevich");
- adjacent query tokens fused together meet names that write them as one word.

A token counts once per name (its best evidence). Summed over tokens, the
evidence gives an optimistic estimate of the final score; names far below the
cutoff are dropped and the best `limit` are returned.
"""

from __future__ import annotations

from typing import Callable

import numpy as np

from ..text.names import AnalyzedName, Token
from ..text.skeleton import skeleton
from .index import Index
from .scorer import PAIR_MIN, token_sim

MAX_FUZZY_TOKENS = 400  # vocabulary tokens examined per query token for typos

SimCache = dict[tuple[int, int], tuple[float, str]]


def fuzzy_keys(index: Index, token: Token) -> set[str]:
    """Skeleton keys a slip of the keyboard away from the token's own."""
    found: set[str] = set()
    for key in token.keys:
        if key and not key.startswith("="):
            found |= index.neighbour_keys(key)
    if not token.abjad and len(token.text) >= 5:
        # A stray extra letter ("Tonxg") can move the skeleton two steps away;
        # deleting it from the query finds the intended key, and one more
        # insertion covers swapped letters ("Dorotsi"/"Dorosti").
        for i in range(len(token.text)):
            key = skeleton(token.text[:i] + token.text[i + 1 :])
            if len(key) < 2 or key == token.skel:
                continue
            if key in index.key_slices:
                found.add(key)
            if len(key) >= 3:
                found.update(index.deletes.get(key, ()))
    found.difference_update(token.keys)
    return found


def _best_per_name(ids: list[np.ndarray], values: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Concatenate postings and keep the highest value per name id."""
    if len(ids) == 1:
        return ids[0], values[0]
    all_ids = np.concatenate(ids)
    all_values = np.concatenate(values)
    order = np.lexsort((-all_values, all_ids))
    all_ids, all_values = all_ids[order], all_values[order]
    first = np.empty(len(all_ids), dtype=bool)
    first[0] = True
    np.not_equal(all_ids[1:], all_ids[:-1], out=first[1:])
    return all_ids[first], all_values[first]


def token_evidence(
    index: Index,
    token: Token,
    weight: float,
    cache: SimCache,
    known: Callable[[str], bool],
) -> tuple[np.ndarray, np.ndarray] | None:
    """(name ids, evidence) for one query token."""
    ids: list[np.ndarray] = []
    values: list[np.ndarray] = []
    for key in token.keys:
        postings = index.key_postings(key) if key else None
        if postings is not None:
            ids.append(postings)
            values.append(np.full(len(postings), weight, dtype=np.float32))
    candidates: set[int] = set()
    for key in fuzzy_keys(index, token):
        candidates.update(index.key_tokens.get(key, ()))
        if len(candidates) > MAX_FUZZY_TOKENS:
            break
    for token_id in candidates:
        vocabulary = index.tokens[token_id]
        key = (id(token), id(vocabulary))
        found = cache.get(key)
        if found is None:
            found = cache[key] = token_sim(token, vocabulary, known)
        sim = found[0]
        if sim >= PAIR_MIN:
            postings = index.names_with_token(token_id)
            ids.append(postings)
            values.append(np.full(len(postings), weight * sim, dtype=np.float32))
    if not ids:
        return None
    return _best_per_name(ids, values)


def retrieve(
    index: Index,
    analyzed: list[AnalyzedName],
    query_weights: list[list[float]],
    allowed: np.ndarray | None,
    cutoff: float,
    limit: int,
    cache: SimCache,
    known: Callable[[str], bool],
) -> list[int]:
    """Name ids worth scoring in full, for a query of one or more names.

    `allowed` masks name ids by schema and dataset. The estimate assumes every
    piece of evidence is a perfect pair, so it over-rates; names it rates below
    70% of the cutoff cannot reach the cutoff and are dropped.
    """
    ids: list[np.ndarray] = []
    values: list[np.ndarray] = []
    seen: set[str] = set()
    for name, weights in zip(analyzed, query_weights):
        tokens = name.tokens
        for token, weight in zip(tokens, weights):
            if token.text in seen:
                continue
            seen.add(token.text)
            evidence = token_evidence(index, token, weight, cache, known)
            if evidence is not None:
                ids.append(evidence[0])
                values.append(evidence[1])
        for first, second in zip(tokens, tokens[1:]):
            fused = skeleton(first.text + second.text)
            postings = index.key_postings(fused)
            if postings is not None:
                ids.append(postings)
                values.append(np.full(len(postings), max(index.token_weight(first), index.token_weight(second)), dtype=np.float32))
    if not ids:
        return []
    all_ids = np.concatenate(ids)
    all_values = np.concatenate(values)
    if len(all_ids) > 50_000:
        sums = np.bincount(all_ids, weights=all_values, minlength=index.total_names)
        candidates = np.nonzero(sums)[0]
        found = sums[candidates]
    else:
        candidates, inverse = np.unique(all_ids, return_inverse=True)
        found = np.bincount(inverse, weights=all_values)
    if allowed is not None:
        keep = allowed[candidates]
        candidates, found = candidates[keep], found[keep]
    if not len(candidates):
        return []
    query_total = max(sum(weights) for weights in query_weights)
    found = np.minimum(found, query_total)
    extra = np.maximum(index.name_weight[candidates] - found, 0.0)
    estimate = found / (query_total * 0.9 + found * 0.1 + 0.35 * extra)
    promising = estimate >= cutoff * 0.7
    candidates, estimate = candidates[promising], estimate[promising]
    if len(candidates) > limit:
        top = np.argpartition(-estimate, limit)[:limit]
        candidates = candidates[top]
    return [int(name_id) for name_id in candidates]
