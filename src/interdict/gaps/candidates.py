"""Candidate pairs for resolution: shared keys, and names screened through the matching engine.

Comparing every entry with every other (50,000² pairs) is out of the question;
the matcher's index already finds, for one entry's names, the few entries of
other lists worth scoring. So each entry is screened (its primary name and a
couple of aliases, with its birth dates and nationalities) against the other
lists, in one to three rounds (see screen_one): about 4 ms an entry. Shared keys (cross-references, identifiers) are found by grouping, which
costs nothing. Screening runs in worker processes that share the index (fork,
copy-on-write), like batch screening.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace

from ..cores import forked_map, usable_cores
from ..match.evidence import Feature
from ..match.query import MAX_NAME_CHARS, Query
from ..match.lookup import NameHolder
from ..match.screener import Hit, Screener
from ..match.settings import SETTINGS
from ..model import BIRTH_DATE_CAVEAT, Entity, NameKind, Schema, matchable
from ..text.names import analyze_name
from .references import References, reference_key
from .resolution import LinkKind

QUERY_NAMES = 3  # the primary name and up to two more per entry
HITS_PER_ENTRY = 20  # a subject on every list has ~10 entries elsewhere; keep room for its namesakes
FILL_ROUNDS = 3  # see screen_one
CHUNK = 200
MAX_KEY_GROUP = 8  # a key shared by more entries is generic ("0000000"), not evidence
MAX_EXACT_HOLDERS = 200  # a name written identically by more list names is a generic word ("Bank"), not a candidate search
STRONG_KINDS = (NameKind.PRIMARY, NameKind.ALIAS, NameKind.ORIGINAL_SCRIPT, NameKind.FORMER)  # weak aliases are not names to look up

Progress = Callable[[int, int], None]


@dataclass(frozen=True, slots=True)
class NameHit:
    """One entry's screening hit on an entry of another list (the facts the resolver needs)."""

    source: str  # the screened entry
    other: str  # the hit
    score: float
    match: bool
    name_score: float
    birth: float | None  # the screener's birth-date adjustment (>0 agrees, <0 conflicts), None if not compared
    nationality: float | None
    distinct: float  # rarity of the rarer of the two names (sum of token weights): how telling a name-only match is
    explanation: str
    bare_word: bool = False  # matched on one word of a fuller-named person ("JAFARI"): a surname or nickname, not an identity
    exact: bool = False  # the two names are identical once analysed (case, accents, titles, legal forms, word order)


@dataclass(frozen=True, slots=True)
class KeyShare:
    """Two entries of different lists that carry the same key."""

    a: str
    b: str
    kind: LinkKind  # REFERENCE or IDENTIFIER
    scheme: str  # reference scheme id, or identifier type
    shown: str  # the key as the lists wrote it
    group_size: int


def query_names(entity: Entity) -> list[str]:
    """The names an entry is screened by: primary first, then aliases and original-script names."""
    order = {NameKind.PRIMARY: 0, NameKind.ALIAS: 1, NameKind.ORIGINAL_SCRIPT: 2, NameKind.FORMER: 3}
    names = sorted((name for name in entity.names if name.kind in order), key=lambda name: order[name.kind])
    chosen: list[str] = []
    for name in names:
        text = name.full[:MAX_NAME_CHARS]
        if text not in chosen:
            chosen.append(text)
        if len(chosen) == QUERY_NAMES:
            break
    return chosen or [entity.caption[:MAX_NAME_CHARS]]


def query_for(entity: Entity) -> Query:
    """The entry as a screening query: names, schema, and (for people) birth dates and nationalities."""
    person = entity.schema == Schema.PERSON
    countries = sorted(set(entity.countries) | {address.country for address in entity.addresses if address.country})
    return Query(
        names=query_names(entity),
        schema=entity.schema,
        birth_dates=[date for date in entity.birth_dates if date.start] if person and BIRTH_DATE_CAVEAT not in entity.extra else [],
        nationalities=sorted(set(entity.nationalities) | set(entity.citizenships)) if person else [],
        countries=countries[:5],
        id=entity.id,
    )


def name_keys(text: str, schema: Schema | None) -> set[tuple[str, ...]]:
    """What makes two names identical: the same words in any order, or the same letters run together.

    "SALAMI, Hossein" = "Hossein Salami"; "Mohammad-Reza" = "Mohammad Reza";
    "Alireza AVAEE" = "Ali-Reza Avaee"; "Gazprombank JSC" = "GAZPROMBANK" (legal
    forms and titles are not part of the name).
    """
    tokens = [token.text for token in analyze_name(text, schema).tokens]
    if not tokens:
        return set()
    return {("words", *sorted(tokens))} | {("run", "".join(order)) for order in _natural_orders(text, tokens)}


def full_name(text: str, schema: Schema | None) -> bool:
    """A name that can say who someone is: two words or more for a person ("JAFARI" alone is a surname)."""
    return len(analyze_name(text, schema).tokens) >= (2 if schema == Schema.PERSON else 1)


def _natural_orders(text: str, tokens: list[str]) -> list[list[str]]:
    """The tokens as written, and in natural order when the list wrote the family name first ("SALAMI, Hossein")."""
    orders = [tokens]
    if "," in text and len(tokens) > 1:
        head = min(len(text.split(",", 1)[0].split()), len(tokens) - 1)
        orders.append(tokens[head:] + tokens[:head])
    return orders


def identical_names(left: Iterable[str], right: Iterable[str], schema: Schema | None) -> bool:
    """Does any name of one side equal any name of the other (see name_keys)?"""
    keys: set[tuple[str, ...]] = set()
    for text in left:
        keys |= name_keys(text, schema)
    return any(name_keys(text, schema) & keys for text in right)


def strong_names(entity: Entity) -> list[str]:
    """An entry's names that say who it is (not its weak aliases)."""
    return list(dict.fromkeys(name.full for name in entity.names if name.kind in STRONG_KINDS)) or [entity.caption]


def name_rarity(screener: Screener, text: str, schema: Schema | None) -> float:
    return sum(screener.token_weight(token) for token in analyze_name(text, schema).tokens)


def screen_one(screener: Screener, entity: Entity, datasets: list[str]) -> list[NameHit]:
    """Screen one entry against the other lists, in rounds.

    The matcher scores the few dozen most promising names of a query. A subject
    listed everywhere under many spellings (an IRGC commander: "SALIMI, Hosein",
    "Hossein SALAMI"...) fills those places with its entries on some lists and
    crowds out its entries on others. So after each round the lists that
    already matched are left out and the query runs again on the rest, until a
    round finds no new list (at most FILL_ROUNDS rounds).
    """
    remaining = [dataset for dataset in datasets if dataset != entity.dataset]
    query = query_for(entity)
    found: dict[str, NameHit] = {}
    for _round in range(FILL_ROUNDS):
        if not remaining:
            break
        hits = screener.screen(query, datasets=remaining, limit=HITS_PER_ENTRY)
        for hit in hits:
            if hit.entity.id not in found:
                found[hit.entity.id] = _name_hit(screener, entity, hit)
        matched = {hit.entity.dataset for hit in hits if hit.match}
        if not matched:
            break
        remaining = [dataset for dataset in remaining if dataset not in matched]
    others = [dataset for dataset in datasets if dataset != entity.dataset]
    for name, holders in exact_holders(screener, entity, others):
        for holder in holders:
            known = found.get(holder.facts.id)
            if (known is not None and known.exact) or not matchable(entity.schema, holder.facts.schema):
                continue
            scored = screener.score_entry(replace(query, names=[name]), holder.facts.id, name_ids=[holder.name_id])
            if scored is not None and (known is None or scored.match or not known.match):
                found[holder.facts.id] = replace(_name_hit(screener, entity, scored), exact=True)
    return sorted(found.values(), key=lambda hit: (-hit.score, hit.other))


def exact_holders(screener: Screener, entity: Entity, datasets: list[str]) -> Iterator[tuple[str, list[NameHolder]]]:
    """Each strong name of the entry with the list names (of `datasets`) written exactly as it.

    One word of a person's name ("JAFARI") is a surname, not a name to look up;
    an organisation's one word ("GAZPROMBANK") is its name.
    """
    seen: set[tuple[str, ...]] = set()
    for name in strong_names(entity):
        text = name[:MAX_NAME_CHARS]
        tokens = [token.text for token in analyze_name(text, entity.schema).tokens]
        if not tokens or (entity.schema == Schema.PERSON and len(tokens) < 2):
            continue
        holders: dict[int, NameHolder] = {}
        for order in _natural_orders(text, tokens):
            key = tuple(order)
            if key in seen:
                continue
            seen.add(key)
            for holder in screener.names_written_as(key, datasets):
                holders.setdefault(holder.name_id, holder)
        if holders and len(holders) <= MAX_EXACT_HOLDERS:
            yield text, sorted(holders.values(), key=lambda holder: holder.name_id)


def _name_hit(screener: Screener, entity: Entity, hit: Hit) -> NameHit:
    distinct = min(name_rarity(screener, hit.query_name, entity.schema), name_rarity(screener, hit.matched_name, hit.entity.schema))
    schema = Schema.PERSON if Schema.PERSON in (entity.schema, hit.entity.schema) else entity.schema
    return NameHit(
        source=entity.id,
        other=hit.entity.id,
        score=round(hit.score, 4),
        match=hit.match,
        name_score=round(hit.name_score, 4),
        birth=_effect(hit, Feature.BIRTH_DATE),
        nationality=_effect(hit, Feature.NATIONALITY),
        distinct=round(distinct, 3),
        explanation=hit.explanation,
        bare_word=_bare_word(entity, hit),
        exact=bool(hit.name) and full_name(hit.query_name, schema) and bool(name_keys(hit.query_name, schema) & name_keys(hit.matched_name, schema)),
    )


def _bare_word(entity: Entity, hit: Hit) -> bool:
    """One word of a fuller-named person ("JAFARI" for FORUZANDEH, Ahmed), not backed by an exact birth date.

    People known by one name only (many Taliban listings: "MATIULLAH") are named
    in full by that word, so a match between two of them still counts.
    """
    if Schema.PERSON not in (entity.schema, hit.entity.schema) or min(_words(hit.query_name), _words(hit.matched_name)) > 1:
        return False
    if max(_words(entity.caption), _words(hit.entity.caption)) < 2:
        return False
    birth = _effect(hit, Feature.BIRTH_DATE)
    return not (birth is not None and birth >= SETTINGS.birth_exact)  # one year among several is not enough


def _effect(hit: Hit, feature: Feature) -> float | None:
    found = hit.contribution(feature)
    return None if found is None else found.effect


def _words(name: str) -> int:
    return len([word for word in re.split(r"[\s,]+", name) if word])


def _screen_part(shared: tuple[Screener, list[str]], entities: Sequence[Entity]) -> list[list[NameHit]]:
    screener, datasets = shared
    return [screen_one(screener, entity, datasets) for entity in entities]


def screen_entities(
    screener: Screener,
    entities: list[Entity],
    datasets: list[str],
    workers: int = 1,
    progress: Progress | None = None,
) -> dict[str, list[NameHit]]:
    """Screen each entry against the other lists in `datasets`; results keyed by entry id. A worker that dies fails
    the report with an InterdictError: a report with entries left out would understate the gaps."""
    workers = max(1, min(workers, usable_cores()))
    results: dict[str, list[NameHit]] = {}
    for done, hits in enumerate(forked_map(_screen_part, entities, workers, CHUNK, (screener, sorted(datasets))), start=1):
        results[entities[done - 1].id] = hits
        if progress and (done % CHUNK == 0 or done == len(entities)):
            progress(done, len(entities))
    assert len(results) == len({entity.id for entity in entities})
    return results


def key_shares(entities: Iterable[Entity], refs: References, use_references: bool = True, use_identifiers: bool = True) -> list[KeyShare]:
    """Pairs of entries on different lists that carry the same cross-reference or identifier.

    A reference group links every member to its anchor (the entry whose own id
    is the key, e.g. the UN entry); an identifier group links every pair, so a
    number shared by a relative can be told apart by the names.
    """
    groups: dict[tuple[LinkKind, str, str], list[tuple[int, Entity, str]]] = defaultdict(list)
    for entity in entities:
        if use_references:
            for scheme_id, key, shown in refs.explicit_keys(entity):
                own_ids = refs.scheme(scheme_id).own_ids
                own = 0 if entity.dataset in own_ids and key == reference_key(entity.source_id) else 1
                groups[(LinkKind.REFERENCE, scheme_id, key)].append((own, entity, shown))
        if use_identifiers:
            for kind, value, shown in refs.identifier_keys(entity):
                groups[(LinkKind.IDENTIFIER, kind, value)].append((1, entity, shown))
    shares: list[KeyShare] = []
    for (kind, scheme, _key), members in sorted(groups.items()):
        members.sort(key=lambda item: (item[0], item[1].id))
        if len({entity.dataset for _, entity, _ in members}) < 2:
            continue
        size = len(members)
        if kind == LinkKind.REFERENCE:
            anchor = members[0][1]
            pairs = [(anchor, entity, shown) for _, entity, shown in members[1:]]
        elif size > MAX_KEY_GROUP:
            continue
        else:
            pairs = [
                (first[1], second[1], second[2])
                for index, first in enumerate(members)
                for second in members[index + 1 :]
                if first[1].dataset != second[1].dataset
            ]
        for left, right, shown in pairs:
            a, b = sorted((left.id, right.id))
            shares.append(KeyShare(a=a, b=b, kind=kind, scheme=scheme, shown=shown, group_size=size))
    return shares
