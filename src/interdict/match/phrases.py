"""Every list name as a phrase: its tokens in the order written, and in natural order.

Free text (a payment's remittance information, a goods description) names
listed parties without marking them as names: "Donation Hossein Salami",
"Consulting fee for Rosneft project". Finding each listed name that appears
in a text as a phrase, after the same normalisation as names, needs a table
from token sequences to the names that are exactly those tokens. It is built
once per index, on first use (a fraction of a second), and reused.

A name the list writes inverted ("SALAMI, Hossein") is also entered in
natural order ("hossein salami"), which is how text writes it.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass

from .index import Index


@dataclass(frozen=True)
class Phrases:
    by_tokens: dict[tuple[str, ...], tuple[int, ...]]  # token texts → name ids holding exactly those
    starts: frozenset[str]  # first tokens of any phrase: where a phrase can begin in a text
    longest: int  # tokens in the longest phrase


_cache: dict[int, tuple[weakref.ref[Index], Phrases]] = {}


def phrases(index: Index) -> Phrases:
    """The phrase table of an index, built once."""
    cached = _cache.get(id(index))
    if cached is not None and cached[0]() is index:
        return cached[1]
    texts = [token.text for token in index.tokens]
    table: dict[tuple[str, ...], list[int]] = {}
    for name_id, token_ids in enumerate(index.name_tokens):
        tokens = tuple(texts[token_id] for token_id in token_ids)
        table.setdefault(tokens, []).append(name_id)
        written = index.name_text[name_id]
        if "," in written and len(tokens) > 1:
            # "SALAMI, Hossein": the words before the comma are the family name.
            head = min(len(written.split(",", 1)[0].split()), len(tokens) - 1)
            rotated = tokens[head:] + tokens[:head]
            if rotated != tokens:
                table.setdefault(rotated, []).append(name_id)
    built = Phrases(
        by_tokens={key: tuple(ids) for key, ids in table.items()},
        starts=frozenset(key[0] for key in table),
        longest=max((len(key) for key in table), default=0),
    )
    _cache[id(index)] = (weakref.ref(index), built)
    return built
