"""The exhaustive baselines the benchmarks measure against (docs/architecture.md, "Benchmarks"), run in the same process.

(a) rapidfuzz token_sort_ratio of the query against every list name;
(b) Jaro-Winkler of the sorted, lower-cased tokens against every list name.
Both use rapidfuzz's C implementation (`process.extract` over all names), the
fastest honest way to run an exhaustive comparison in Python.
"""

from __future__ import annotations

import unicodedata

import numpy as np
from rapidfuzz import fuzz, process
from rapidfuzz.distance import JaroWinkler


def _plain(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    return "".join(char for char in text if not unicodedata.combining(char)).lower()


def sorted_tokens(text: str) -> str:
    return " ".join(sorted(_plain(text).replace(",", " ").replace("-", " ").split()))


class Exhaustive:
    """All list names in memory, scored exhaustively per query."""

    def __init__(self, names: list[str], owners: list[int]):
        self.names = names
        self.owners = np.asarray(owners)
        self.plain = [_plain(name) for name in names]
        self.sorted = [sorted_tokens(name) for name in names]

    def token_sort(self, query: str) -> np.ndarray:
        return process.cdist([_plain(query)], self.plain, scorer=fuzz.token_sort_ratio, dtype=np.float32)[0] / 100.0

    def jaro_winkler(self, query: str) -> np.ndarray:
        return process.cdist([sorted_tokens(query)], self.sorted, scorer=JaroWinkler.normalized_similarity, dtype=np.float32)[0]

    def owners_at(self, query: str, thresholds: dict[str, float]) -> dict[str, set[int]]:
        """For each baseline ("token_sort_ratio", "jaro_winkler") at its threshold, the entities (owner indices) it
        matches the query to."""
        found = {}
        for tool, threshold in thresholds.items():
            scores = self.token_sort(query) if tool == "token_sort_ratio" else self.jaro_winkler(query)
            found[tool] = {int(owner) for owner in self.owners[scores >= threshold]}
        return found

    def token_sort_batch(self, queries: list[str], workers: int) -> np.ndarray:
        """A block of queries at once, on `workers` threads: the baselines' best batch throughput."""
        return process.cdist([_plain(q) for q in queries], self.plain, scorer=fuzz.token_sort_ratio, dtype=np.uint8, workers=workers)

    def jaro_winkler_batch(self, queries: list[str], workers: int) -> np.ndarray:
        return process.cdist([sorted_tokens(q) for q in queries], self.sorted, scorer=JaroWinkler.normalized_similarity, dtype=np.float32, workers=workers)

    def best_by_entity(self, scores: np.ndarray, top: int = 50) -> list[tuple[int, float, int]]:
        """(entity index, best score, name index) for the `top` best entities."""
        order = np.argsort(-scores)
        seen: dict[int, tuple[float, int]] = {}
        for name_index in order:
            owner = int(self.owners[name_index])
            if owner not in seen:
                seen[owner] = (float(scores[name_index]), int(name_index))
                if len(seen) >= top:
                    break
        return [(owner, score, name_index) for owner, (score, name_index) in seen.items()]


def pair_token_sort(a: str, b: str) -> float:
    return fuzz.token_sort_ratio(_plain(a), _plain(b)) / 100.0


def pair_jaro_winkler(a: str, b: str) -> float:
    return JaroWinkler.normalized_similarity(sorted_tokens(a), sorted_tokens(b))
