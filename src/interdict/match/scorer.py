"""Score one query name against one list name, token by token.

The score is a rarity-weighted share of aligned evidence:

    score = Σ pairs w·sim / (Σ pairs w + cost of the parts left over)

Each token is used once (best-first alignment, order-free, so "LAST, First" and
"First Last" align). Weights come from the index: a shared "Mohammad" adds
little, a shared "Ghalibaf" a lot. Parts left over cost according to what they
mean: when one name holds all of the other (a list name with an extra middle
name) the extras cost little; when both names keep parts the other lacks
("Mojtaba Khamenei" / "Ali Khamenei"), the names conflict and the cost is full.
Fused and split compounds ("Nasrallah" / "Nasr Allah") align as one unit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable

from rapidfuzz.distance import OSA, Levenshtein

from ..text.names import Token, _make_token

PAIR_MIN = 0.62  # below this, two tokens are not the same name part
SUBSET_COST = 0.35  # per unit weight of parts only one name has, when the other is fully matched
CONFLICT_COST = 1.0  # per unit weight of unmatched parts when both names have some
UNMATCHED_FLOOR = 0.3  # even a common part that fails to align is evidence against
INITIALS_ONLY_CAP = 0.5  # names that agree only on initials are not a match
SWAPPED_FILIATION = 0.75  # "Salman bin Muhammad" is not "Muhammad bin Salman"
SINGLE_PART_COST = 0.6  # "Walijan" inside "Walijan Abdul Ghafoor Haqqani" is thin evidence
PATRONYMIC_CONFLICT = 0.7
INITIAL = 0.5  # "A." for "Akhtar": half the evidence of the name itself
EQUIVALENT = 0.72  # the same given name in another language: evidence, not identity
KNOWN_NAMES_PENALTY = 0.15
ONE_PART_CAP = 0.69  # a person matched on one name part alone stays a near miss


@dataclass(frozen=True)
class Pair:
    query: tuple[Token, ...]
    candidate: tuple[Token, ...]
    sim: float
    how: str  # exact, transliteration, script, typo, initial, compound
    weight: float


@dataclass(frozen=True)
class NameScore:
    score: float
    pairs: tuple[Pair, ...]
    unmatched_query: tuple[tuple[Token, float], ...]
    unmatched_candidate: tuple[tuple[Token, float], ...]
    notes: tuple[str, ...] = ()


def token_sim(q: Token, c: Token, known: "Callable[[str], bool] | None" = None) -> tuple[float, str]:
    """Similarity of two name tokens in [0, 1] and how they relate.

    `known(text)` says whether a spelling is a name the lists use. Two known
    names one letter apart (Salem/Salek) are more likely two names than one
    misspelt, so such slips count for less than a slip into an unknown word.
    """
    if q.text == c.text:
        return 1.0, "exact"
    if q.initial or c.initial:
        return (INITIAL, "initial") if q.text[0] == c.text[0] else (0.0, "")
    if q.number or c.number:
        return 0.0, ""
    if q.script == "cjk" and c.script == "cjk":
        return 0.0, ""  # one character is one name: 近平 and 近朋 are different people
    if q.abjad or c.abjad:
        return _abjad_sim(q, c)
    if q.skel == c.skel or not set(q.keys).isdisjoint(c.keys):
        shared = _shared_skeleton_sim(q, c)
        if shared is not None:
            return shared
    if _equivalent(q, c):
        return EQUIVALENT, "equivalent"  # Juan/John, Ted/Theodore
    longest = max(len(q.text), len(c.text))
    if longest <= 3:
        return 0.0, ""  # short parts (tail-number groups, "Li", "Ng") are equal or not
    prefixed = _prefixed(q.text, c.text)
    if prefixed:
        return prefixed, "compound"
    article = _without_article(q, c, known)
    if article:
        return article
    if longest >= 4 and q.text[::-1] == c.text:
        return 0.9, "reversed"
    # Different consonants: only a slip of the keyboard keeps two names the same.
    edits = OSA.distance(q.text, c.text)
    if edits == 1:
        sim = 0.9 if longest >= 5 else 0.8
    elif edits == 2:
        sim = 0.8 if longest >= 9 else 0.72 if longest >= 6 else 0.5
    elif edits == 3 and longest >= 11:
        sim = 0.66
    else:
        return Levenshtein.normalized_similarity(q.text, c.text) * 0.7, "spelling"
    if known is not None and known(q.text) and known(c.text):
        sim -= KNOWN_NAMES_PENALTY
    return sim, "typo"


def _shared_skeleton_sim(q: Token, c: Token) -> tuple[float, str] | None:
    """Same consonants in order: a transliteration variant if the vowels agree in family.

    Vowel classes (a/e, o/u, i/y) separate what transliteration merges from
    what it does not: Hossein/Husain agree, Hossein/Hasan and Muller/Miller do not.
    """
    size = len(q.skel)
    if q.vskel and q.vskel == c.vskel:
        return (0.95 if size >= 3 else 0.9 if size == 2 else 0.85), "transliteration"
    vowels = Levenshtein.normalized_similarity(q.vskel, c.vskel)
    if size >= 4:
        return 0.45 + 0.45 * vowels, "transliteration"
    if size == 3:
        return 0.35 + 0.45 * vowels, "transliteration"
    return None


def _abjad_sim(q: Token, c: Token) -> tuple[float, str]:
    """Arabic or Hebrew script against anything: short vowels are unwritten, only consonants speak."""
    if not set(q.keys).isdisjoint(c.keys):
        size = max(len(q.skel), len(c.skel))
        return (0.95 if size >= 4 else 0.88 if size == 3 else 0.7), "script"
    return 0.0, ""  # without vowels a consonant off is another name (Moslehi is not Mufleh)


def _equivalent(q: Token, c: Token) -> bool:
    left = {key for key in q.keys if key.startswith("=")}
    return bool(left) and not left.isdisjoint(c.keys)


_ARTICLES = ("al", "el", "ul", "ol")


def _without_article(q: Token, c: Token, known: Callable[[str], bool] | None) -> tuple[float, str] | None:
    """"Alshaer" / "Al-Shaer" / "Shaer": the Arabic article written joined to the name."""
    for left, right in ((q, c), (c, q)):
        if len(left.text) >= len(right.text) + 2 and left.text[:2] in _ARTICLES and len(left.text) >= 6:
            rest = _make_token(left.text[2:], left.original, script=left.script)
            sim, _ = token_sim(rest, right, known)
            if sim >= PAIR_MIN:
                return sim * 0.97, "article"
    return None


_FUSED_PREFIXES = ("abd", "abu")


def _prefixed(a: str, b: str) -> float:
    """"Abdul Abbas" (fused "abdabbas") against plain "Abbas": the same name part, prefixed."""
    for prefix in _FUSED_PREFIXES:
        if a.startswith(prefix) and a[len(prefix):] == b or b.startswith(prefix) and b[len(prefix):] == a:
            return 0.8
    return 0.0


SimCache = dict[tuple[Token, int], tuple[float, str]]


def _cached_sim(q: Token, c: Token, cache: SimCache | None, known: Callable[[str], bool] | None) -> tuple[float, str]:
    """Memoised token_sim; keys are (query token, id of a long-lived list token)."""
    if cache is None:
        return token_sim(q, c, known)
    key = (q, id(c))
    found = cache.get(key)
    if found is None:
        found = cache[key] = token_sim(q, c, known)
    return found


def score_names(
    query: tuple[Token, ...],
    candidate: tuple[Token, ...],
    qw: list[float],
    cw: list[float],
    cache: SimCache | None = None,
    ordered: bool = False,
    person: bool = False,
    known: Callable[[str], bool] | None = None,
) -> NameScore:
    """Align two token sequences and score them (weights given per token).

    `cache` memoises token similarities across the candidates of one query.
    `ordered` says both names carry filiation (bin/ibn) in natural order, so
    the first parts must align with each other.
    """
    if not query or not candidate:
        return NameScore(0.0, (), tuple(zip(query, qw)), tuple(zip(candidate, cw)))
    used_q: set[int] = set()
    used_c: set[int] = set()
    pairs: list[Pair] = []
    # Fused vs split compounds first, where the fused form reads exactly alike
    # ("RamiMakhlouf" / "Rami Makhlouf"), before a partial pair claims the tokens.
    if len(query) != len(candidate) and _may_fuse(query, candidate):
        pairs.extend(_compound_pairs(query, candidate, qw, cw, used_q, used_c, strict=True))
    options: list[tuple[float, int, int, str]] = []
    for i, q in enumerate(query):
        if i in used_q:
            continue
        for j, c in enumerate(candidate):
            if j in used_c:
                continue
            sim, how = _cached_sim(q, c, cache, known)
            if sim >= PAIR_MIN:
                options.append((sim, i, j, how))
    options.sort(key=lambda item: (-item[0], -(qw[item[1]] + cw[item[2]])))
    for sim, i, j, how in options:
        if i in used_q or j in used_c:
            continue
        used_q.add(i)
        used_c.add(j)
        weight = max(qw[i], cw[j]) if how == "initial" else (qw[i] + cw[j]) / 2
        pairs.append(Pair((query[i],), (candidate[j],), sim, how, weight))
    if len(used_q) < len(query) and len(used_c) < len(candidate):
        pairs.extend(_compound_pairs(query, candidate, qw, cw, used_q, used_c, strict=False))
    unmatched_q = tuple((query[i], qw[i]) for i in range(len(query)) if i not in used_q)
    unmatched_c = tuple((candidate[j], cw[j]) for j in range(len(candidate)) if j not in used_c)
    matched = sum(pair.weight * pair.sim for pair in pairs)
    conflict = any(not t.initial for t, _ in unmatched_q) and any(not t.initial for t, _ in unmatched_c)
    floor_q = _floors(unmatched_q, conflict and any(_PATRONYMIC.search(t.text) for t, _ in unmatched_c))
    floor_c = _floors(unmatched_c, conflict and any(_PATRONYMIC.search(t.text) for t, _ in unmatched_q))
    real_q = [max(w, f) for (t, w), f in zip(unmatched_q, floor_q) if not t.initial]
    real_c = [max(w, f) for (t, w), f in zip(unmatched_c, floor_c) if not t.initial]
    initials = sum(w for t, w in unmatched_q + unmatched_c if t.initial)
    # One name holding all of the other is weaker evidence when it rests on a single part.
    factor = CONFLICT_COST if conflict else SUBSET_COST if len(pairs) >= 2 else SINGLE_PART_COST
    total = sum(pair.weight for pair in pairs) + factor * (sum(real_q) + sum(real_c)) + SUBSET_COST * initials
    score = matched / total if total > 0 else 0.0
    notes: list[str] = []
    if real_q and real_c:
        notes.append("both names have parts the other lacks")
    if pairs and all(all(t.initial for t in pair.query + pair.candidate) or pair.how == "initial" for pair in pairs):
        score = min(score, INITIALS_ONLY_CAP)
        notes.append("only initials agree")
    covered = sum(len(pair.query) for pair in pairs)
    if person and covered == 1 and sum(1 for t in query if not t.initial) >= 2 and score > ONE_PART_CAP:
        score = ONE_PART_CAP
        notes.append("only one name part agrees")
    if ordered and _swapped(query, candidate, pairs):
        score *= SWAPPED_FILIATION
        notes.append("given name and father's name are swapped")
    return NameScore(score, tuple(pairs), unmatched_q, unmatched_c, tuple(notes))


_PATRONYMIC = re.compile(r"(ovich|evich|ovitch|evitch|ovych|ich|ovna|evna|ivna|ichna|ogly|oglu|kyzy)$")


def _floors(unmatched: tuple[tuple[Token, float], ...], patronymic_conflict: bool) -> list[float]:
    """Minimum cost weight per unmatched token.

    Patronymics are common words ("Viktorovich"), but two different ones mean
    two different fathers: in a conflict they weigh like a rare name.
    """
    return [
        PATRONYMIC_CONFLICT
        if patronymic_conflict and _PATRONYMIC.search(token.text)
        else 0.0
        if token.text in _FUSED_PREFIXES or token.text == "abdul"
        else UNMATCHED_FLOOR
        for token, _ in unmatched
    ]


def _swapped(query: tuple[Token, ...], candidate: tuple[Token, ...], pairs: list[Pair]) -> bool:
    first_q, first_c = query[0], candidate[0]
    for pair in pairs:
        if first_q in pair.query and first_c not in pair.candidate:
            return any(first_c in other.candidate and first_q not in other.query for other in pairs)
    return False


def _may_fuse(query: tuple[Token, ...], candidate: tuple[Token, ...]) -> bool:
    """Cheap test: does some token begin with a token of the other name (a fused pair)?"""
    for one, many in ((query, candidate), (candidate, query)):
        heads = {token.text[:3] for token in many if len(token.text) >= 3}
        if any(len(token.text) >= 5 and token.text[:3] in heads for token in one):
            return True
    return False


def _concat(tokens: tuple[Token, ...]) -> Token:
    return _make_token(
        "".join(t.text for t in tokens),
        " ".join(t.original for t in tokens),
        abjad=any(t.abjad for t in tokens),
        script=tokens[0].script,
    )


def _compound_pairs(
    query: tuple[Token, ...],
    candidate: tuple[Token, ...],
    qw: list[float],
    cw: list[float],
    used_q: set[int],
    used_c: set[int],
    strict: bool,
) -> list[Pair]:
    """Two adjacent tokens on one side against one token on the other."""
    found: list[Pair] = []
    for side_many, side_one, w_many, w_one, used_many, used_one, many_is_query in (
        (query, candidate, qw, cw, used_q, used_c, True),
        (candidate, query, cw, qw, used_c, used_q, False),
    ):
        for i in range(len(side_many) - 1):
            if i in used_many or i + 1 in used_many:
                continue
            pieces = side_many[i : i + 2]
            if any(t.initial or t.number for t in pieces):
                continue
            joined_text = pieces[0].text + pieces[1].text
            for j, single in enumerate(side_one):
                if j in used_one or abs(len(single.text) - len(joined_text)) > 3:
                    continue
                if strict:
                    if single.text != joined_text and OSA.distance(single.text, joined_text) > 1:
                        continue
                    sim = 1.0 if single.text == joined_text else 0.92
                else:
                    joined = _concat(pieces)
                    sim, _ = token_sim(joined, single, None)
                    # A fused pair must also read alike, not only share consonants
                    # ("Ali Khamenei" is not "Lahaman").
                    if sim < 0.85 or not (joined.abjad or single.abjad or Levenshtein.normalized_similarity(joined_text, single.text) >= 0.7):
                        continue
                used_many.update((i, i + 1))
                used_one.add(j)
                weight = (max(w_many[i], w_many[i + 1]) + w_one[j]) / 2
                pair = Pair(pieces, (single,), sim, "compound", weight) if many_is_query else Pair((single,), pieces, sim, "compound", weight)
                found.append(pair)
                break
    return found
