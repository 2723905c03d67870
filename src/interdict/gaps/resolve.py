"""Cross-list entity resolution: which entries of different lists designate the same subject.

Evidence, strongest first:

1. explicit cross-references the lists print (a UK entry's UN reference number,
   the OFAC entity number trade.gov repeats) -- *certain*, unless the names flatly
   disagree (lists make typos: one UK entry carries another person's UN number);
2. shared identifiers: an IMO number is decisive; a passport, national id, BIC...
   counts when the names are similar too -- *certain* / *strong*;
3. names through the matching engine, moved by birth dates and nationalities:
   a name match with an agreeing birth date is *strong*; a name-only match is
   *probable* when the name is distinctive, or identical and corroborated (an
   agreeing nationality or country, or the same programme family on both
   sides), and *ambiguous* when it is common (many "Ali Hassan"s) or when birth
   dates or nationalities disagree.

Every name of every entry is also looked up exactly, so an identical name is
always a candidate; a near spelling loses to an entry of the same list with the
identical name, and entries of one list that share a name and no contradicting
fact are that list's duplicates (amendment rows, one row per regime), not rivals.

Links are applied strongest first with union-find. A link that would put two
different entries of one list into one cluster is not forced: it is kept as
ambiguous ("would join ..."), as is a name link whose source matches two entries
of one list about equally well. Every link, used or not, keeps its evidence.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace

from ..errors import InputError
from ..match.screener import Screener
from ..model import Entity, Schema, same_family
from ..relations import is_user_node
from ..sources import get_source
from .scope import jurisdiction_of
from .candidates import KeyShare, NameHit, identical_names, key_shares, query_names, screen_entities, strong_names
from .clustering import cluster_links, list_key, ordered
from .programmes import NOT_STATED, UNMAPPED, listing_topics
from .references import References, references
from .resolution import (
    KIND_RANK,
    RESOLUTION_VERSION,
    Link,
    LinkKind,
    LinkStatus,
    NearMiss,
    Resolution,
    Tier,
    code_fingerprint,
    load_cached,
    save_cached,
)

GOOD_ENOUGH = 0.9  # name similarity past which a shared key's names need no further comparing

Progress = Callable[[str, int, int], None]  # (stage, done, total)


@dataclass(frozen=True)
class Settings:
    """Decision thresholds, chosen on pairs the lists' own passports and IMO numbers judge.

    There, name-only links were right 96% of the time at name similarity 0.95 or
    more, about half the time at 0.85-0.95 and seldom below; a birth date that
    agrees makes 0.75 enough. `interdict gaps-evaluate` re-measures them.
    """

    strong_name: float = 0.75  # name similarity a birth-date-confirmed link needs
    probable_name: float = 0.95  # name similarity a name-only link needs (0.85-0.95: about half are wrong)
    probable_rarity: float = 0.6  # summed token rarity a name-only link needs (one rare part ~ 1.0)
    tie_margin: float = 0.03  # two hits on one list this close cannot be told apart
    key_name_min: float = 0.5  # below this, names contradict a shared reference or identifier
    birth_agrees: float = 0.04  # screener birth adjustment that counts as agreement (same date or year, not "within a year")
    # A list whose birth dates contradict the other lists on most near-identical, distinctive
    # names has its birth dates misassigned; they are then left out (see _birth_reliability).
    twin_name: float = 0.95  # name similarity of a "near-identical" name
    twin_rarity: float = 1.5  # and its rarity
    unreliable_share: float = 0.4  # share of such pairs whose birth dates conflict
    unreliable_min_pairs: int = 30


@dataclass
class ResolveOptions:
    datasets: list[str] | None = None  # resolve among these lists only (default: every loaded list)
    focus: list[str] | None = None  # screen only from these entries and what they reach (default: every entry)
    hops: int = 2  # with a focus: rounds of screening the entries reached
    use_references: bool = True  # False withholds explicit cross-references (evaluation)
    use_identifiers: bool = True  # False withholds shared identifiers (evaluation)
    settings: Settings = field(default_factory=Settings)

    def describe(self) -> dict[str, str]:
        focus = "" if self.focus is None else hashlib.sha256("\n".join(sorted(self.focus)).encode()).hexdigest()[:16]
        return {
            "datasets": ",".join(sorted(self.datasets)) if self.datasets else "all",
            "focus": f"{len(self.focus)} entries ({focus}), {self.hops} hops" if self.focus is not None else "all entries",
            "references": "used" if self.use_references else "withheld",
            "identifiers": "used" if self.use_identifiers else "withheld",
            "settings": json.dumps(asdict(self.settings), sort_keys=True),
        }


def resolution_key(index_key: str, options: ResolveOptions) -> str:
    text = json.dumps({"index": index_key, "code": code_fingerprint(), "options": options.describe(), "v": RESOLUTION_VERSION}, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:24]


# --- entry point ----------------------------------------------------------------------


def resolve(
    screener: Screener,
    options: ResolveOptions | None = None,
    snapshots: dict[str, int] | None = None,
    workers: int = 1,
    progress: Progress | None = None,
    cache: bool = True,
) -> Resolution:
    """Cluster the entries of the loaded lists (cached by snapshots, code and options)."""
    options = options or ResolveOptions()
    loaded = screener.datasets
    for dataset in options.datasets or []:
        if dataset not in loaded:
            get_source(dataset)  # an unknown name: the registry's error, naming the lists it knows
            raise InputError(f"Dataset {dataset} is not loaded; run `interdict update {dataset}` or leave it out.")
    build_key = screener.build_key
    key = resolution_key(build_key, options) if build_key else ""
    if cache and key:
        cached = load_cached(key)
        if cached is not None:
            return cached
    resolution = _Resolver(screener, options, references(), workers, progress).run(key, snapshots or {})
    if cache and key:
        save_cached(resolution)
    return resolution


class _Resolver:
    def __init__(self, screener: Screener, options: ResolveOptions, refs: References, workers: int, progress: Progress | None):
        self.screener = screener
        self.options = options
        self.settings = options.settings
        self.refs = refs
        self.workers = workers
        self.progress = progress
        # the official lists and the user's own lists (issue 13), or those asked for; never the nodes
        # of relation data (nor an own list's stand-ins for entries of other lists): they designate no one
        scope = set(options.datasets) if options.datasets else None
        self.entities: dict[str, Entity] = {}
        for entity in screener.entities():
            if (scope is None or entity.dataset in scope) and not is_user_node(entity):
                self.entities[entity.id] = entity
        self.datasets = sorted({entity.dataset for entity in self.entities.values()})
        self.threshold = screener.threshold
        self.unreliable: set[str] = set()
        self.duplicates: dict[tuple[str, str], tuple[str, float]] = {}  # same-list twins -> (who matched both, similarity)
        self.not_duplicates: set[tuple[str, str]] = set()
        self.outranked: dict[tuple[str, str], str] = {}  # (source, near-spelled entry) -> the entry of that list with the identical name
        self._topics: dict[str, frozenset[str]] = {}

    def _report(self, stage: str, done: int, total: int) -> None:
        if self.progress:
            self.progress(stage, done, total)

    def run(self, key: str, snapshots: dict[str, int]) -> Resolution:
        shares = key_shares(self.entities.values(), self.refs, self.options.use_references, self.options.use_identifiers)
        hits = self._screen(shares)
        notes = self._birth_reliability(hits, shares)
        if self.unreliable:
            hits = {source: [self._without_birth(hit) for hit in source_hits] for source, source_hits in hits.items()}
        pairs: dict[tuple[str, str], _Pair] = {}
        for share in shares:
            pairs.setdefault((share.a, share.b), _Pair(share.a, share.b)).shares.append(share)
        for source_hits in hits.values():
            for hit in source_hits:
                a, b = sorted((hit.source, hit.other))
                pairs.setdefault((a, b), _Pair(a, b)).hits.append(hit)
        tied = self._ties(hits, pairs)
        links = [link for pair in sorted(pairs.values(), key=lambda p: (p.a, p.b)) if (link := self._classify(pair, tied)) is not None]
        links += self._duplicate_links(links)
        links.sort(key=lambda link: (link.a, link.b))
        clusters = cluster_links(self.entities, links, _closed(set(self.duplicates)))
        near = self._near_misses(hits, links)
        confirmed = [link for link in links if link.status == LinkStatus.CONFIRMED]
        stats = {
            "entries": len(self.entities),
            "screened": len(hits),
            "clusters": len(clusters),
            "multi_list_clusters": sum(1 for cluster in clusters if len(cluster.members) > 1),
            "links_confirmed": len(confirmed),
            "links_ambiguous": len(links) - len(confirmed),
        }
        for kind in KIND_RANK:
            stats[f"links_{kind}"] = sum(1 for link in confirmed if link.kind == kind)
        return Resolution(
            version=RESOLUTION_VERSION,
            key=key,
            snapshots=dict(sorted(snapshots.items())),
            options=self.options.describe(),
            clusters=clusters,
            links=links,
            near=near,
            stats=stats,
            notes=notes,
            unreliable_birth_dates=sorted(self.unreliable),
        )

    # --- candidates -----------------------------------------------------------------

    def _screen(self, shares: list[KeyShare]) -> dict[str, list[NameHit]]:
        """Screen every entry, or the focus and what it reaches, hop by hop."""
        if self.options.focus is None:
            todo = sorted(self.entities)
            return screen_entities(self.screener, [self.entities[i] for i in todo], self.datasets, self.workers, self._screen_progress)
        partners: dict[str, set[str]] = defaultdict(set)
        for share in shares:
            partners[share.a].add(share.b)
            partners[share.b].add(share.a)
        hits: dict[str, list[NameHit]] = {}
        frontier = sorted({entity_id for entity_id in self.options.focus if entity_id in self.entities})
        for _hop in range(max(1, self.options.hops)):
            if not frontier:
                break
            found = screen_entities(self.screener, [self.entities[i] for i in frontier], self.datasets, self.workers, self._screen_progress)
            hits.update(found)
            reached: set[str] = set()
            for entity_id in frontier:
                reached |= partners.get(entity_id, set())
                reached |= {hit.other for hit in found[entity_id] if hit.match}
            frontier = sorted(reached - set(hits))
        return hits

    def _screen_progress(self, done: int, total: int) -> None:
        self._report("screening", done, total)

    def _birth_reliability(self, hits: dict[str, list[NameHit]], shares: list[KeyShare]) -> list[str]:
        """Find lists whose birth dates contradict everyone else's for the same people.

        "The same people" are entries the lists themselves tie together (a shared
        cross-reference or identifier) and entries with the same distinctive name
        on two lists; their birth dates should agree, and between sound lists they
        do (over 95% of the time here). A list that disagrees on most of them has
        its dates attached to the wrong entries (the bundled UK tables do), and
        using them would split every one of its subjects off. The worst list is
        set aside, the rates are recomputed without it, and so on.
        """
        settings = self.settings
        seen: set[tuple[str, str]] = set()
        comparisons: list[tuple[str, str, bool]] = []
        for share in shares:
            left, right = self.entities[share.a], self.entities[share.b]
            years = [{year for date in entity.birth_dates if (span := date.years()) for year in span} for entity in (left, right)]
            if left.dataset == right.dataset or not all(years) or (share.a, share.b) in seen:
                continue
            seen.add((share.a, share.b))
            conflict = min(abs(one - two) for one in years[0] for two in years[1]) > 1
            comparisons.append((left.dataset, right.dataset, conflict))
        for source_hits in hits.values():
            for hit in source_hits:
                pair = ordered(hit.source, hit.other)
                if hit.birth is None or hit.name_score < settings.twin_name or hit.distinct < settings.twin_rarity or pair in seen:
                    continue
                seen.add(pair)
                comparisons.append((self.entities[hit.source].dataset, self.entities[hit.other].dataset, hit.birth < 0))
        notes = []
        while True:
            tally: dict[str, list[int]] = defaultdict(lambda: [0, 0])
            for left_dataset, right_dataset, conflict in comparisons:
                if left_dataset in self.unreliable or right_dataset in self.unreliable:
                    continue
                for dataset in (left_dataset, right_dataset):
                    tally[dataset][0] += conflict
                    tally[dataset][1] += 1
            rated = [(conflicts / total, dataset, conflicts, total) for dataset, (conflicts, total) in tally.items() if total >= settings.unreliable_min_pairs]
            if not rated:
                break
            worst, dataset, conflicts, total = max(rated)
            if worst <= settings.unreliable_share:
                break
            self.unreliable.add(dataset)
            notes.append(
                f"Birth dates of {dataset} were not used: they contradict the other lists' for {conflicts} of {total} "
                f"entries known to be the same people ({worst:.0%}; shared references or identifiers, or identical "
                "distinctive names), a sign they are attached to the wrong entries."
            )
        return notes

    def _without_birth(self, hit: NameHit) -> NameHit:
        """The hit as if birth dates had not been compared (one side's dates are unreliable)."""
        if hit.birth is None or not ({self.entities[hit.source].dataset, self.entities[hit.other].dataset} & self.unreliable):
            return hit
        score = round(min(1.0, max(0.0, hit.score - hit.birth)), 4)
        return replace(hit, score=score, match=score >= self.threshold, birth=None, explanation=hit.explanation + " [birth dates not used: unreliable list]")

    def _ties(self, hits: dict[str, list[NameHit]], pairs: dict[tuple[str, str], _Pair]) -> dict[tuple[str, str], str]:
        """Name links that cannot be told apart from another hit on the same list, with the rival.

        Three rules first set hits of one list apart that are no real rivals:
        entries of that list named identically with no contradicting facts are
        the list's duplicates (the EU export repeats a person once per regime or
        amendment; see _duplicate); an identical name outranks a near spelling
        (an entry matching "SOLEIMANI, Qasem" exactly beats "GHASEM SOLEYMANI",
        which is kept in self.outranked), as does an agreeing birth date a
        rival lacks; and rivals far apart in score are none.
        """
        keyed = {(pair.a, pair.b) for pair in pairs.values() if pair.shares}
        tied: dict[tuple[str, str], str] = {}
        for source, source_hits in sorted(hits.items()):
            by_list: dict[str, list[NameHit]] = defaultdict(list)
            for hit in source_hits:
                if hit.match and not hit.bare_word:
                    by_list[list_key(self.entities[hit.other])].append(hit)
            for group in by_list.values():
                if len(group) < 2:
                    continue
                group.sort(key=lambda hit: (-hit.score, hit.other))
                for index, one in enumerate(group):
                    for other in group[index + 1 :]:
                        self._duplicate(ordered(one.other, other.other), source)
                strongest = max(map(self._strength, group))
                leaders = [hit for hit in group if self._strength(hit) == strongest]
                for hit in group:
                    if hit in leaders or any(ordered(hit.other, twin.other) in self.duplicates for twin in leaders):
                        continue
                    self.outranked[ordered(source, hit.other)] = leaders[0].other
                group = leaders + [hit for hit in group if hit not in leaders and ordered(source, hit.other) not in self.outranked]
                best = group[0]
                for rival in group[1:]:
                    twins = ordered(best.other, rival.other)
                    if best.score - rival.score > self.settings.tie_margin or twins in keyed or twins in self.duplicates:
                        continue
                    tied[ordered(source, best.other)] = rival.other
                    tied[ordered(source, rival.other)] = best.other
        return tied

    def _strength(self, hit: NameHit) -> tuple[bool, bool]:
        """What sets one hit above a rival on the same list: an identical name, then an agreeing birth date
        (a rival whose birth date is merely unknown is weaker; one whose birth date disagrees is weaker still)."""
        if hit.birth is not None and hit.birth < 0:
            return (False, False)
        return (hit.exact, hit.birth is not None and hit.birth >= self.settings.birth_agrees)

    def _duplicate(self, twins: tuple[str, str], source: str) -> bool:
        """Are two entries of one list the same subject, named twice? (memoised in self.duplicates)

        Only their own names decide, never a third list's spelling: two entries
        holding an identical name (any strong name, candidates.name_keys) and no
        contradicting facts are one subject the list names twice. Two entries
        whose names are merely alike ("QASEM SOLEIMANI", "GHASEM SOLEYMANI") are
        two subjects, and stay rivals.
        """
        if twins in self.duplicates:
            return True
        if twins in self.not_duplicates:
            return False
        left, right = self.entities[twins[0]], self.entities[twins[1]]
        schema = Schema.PERSON if left.schema == Schema.PERSON else left.schema
        if _schemas_agree(left.schema, right.schema) and not self._contradict(left, right):
            if identical_names(strong_names(left), strong_names(right), schema):
                self.duplicates[twins] = (source, 1.0)
                return True
        self.not_duplicates.add(twins)
        return False

    def _contradict(self, left: Entity, right: Entity) -> bool:
        """Facts that tell two entries apart: birth years, nationalities, or (organisations) countries that share nothing."""
        reliable = not ({left.dataset, right.dataset} & self.unreliable)
        years = [{year for date in entity.birth_dates if (span := date.years()) for year in span} for entity in (left, right)]
        if reliable and all(years) and not (years[0] & years[1]):
            return True
        nationalities = [set(entity.nationalities) | set(entity.citizenships) for entity in (left, right)]
        if all(nationalities) and not (nationalities[0] & nationalities[1]):
            return True
        if Schema.PERSON not in (left.schema, right.schema):
            countries = [set(entity.countries) | {a.country for a in entity.addresses if a.country} for entity in (left, right)]
            if all(countries) and not (countries[0] & countries[1]):
                return True
        return False

    def topics(self, entity: Entity) -> frozenset[str]:
        """The shared programme topics of an entry (programmes.toml): "Iran (Human Rights)" and "IRN" are both iran."""
        found = self._topics.get(entity.id)
        if found is None:
            mapped = listing_topics(jurisdiction_of(entity.dataset), entity.programs).topics
            found = self._topics[entity.id] = frozenset(mapped) - {NOT_STATED, UNMAPPED, "other"}
        return found

    # --- classification -------------------------------------------------------------

    def _name_similarity(self, pair: _Pair) -> float:
        """How alike two entries' names are: from screening when it met them, else compared directly."""
        scores = [hit.name_score for hit in pair.hits]
        if scores:
            return max(scores)
        left, right = self.entities[pair.a], self.entities[pair.b]
        schema = Schema.PERSON if Schema.PERSON in (left.schema, right.schema) else None
        best = 0.0
        for name1 in query_names(left):
            for name2 in query_names(right):
                best = max(best, self.screener.compare(name1, name2, schema)[0])
                if best >= GOOD_ENOUGH:
                    return round(best, 4)
        return round(best, 4)

    def _classify(self, pair: _Pair, tied: dict[tuple[str, str], str]) -> Link | None:
        left, right = self.entities[pair.a], self.entities[pair.b]
        best = max(pair.hits, key=lambda hit: (hit.match, hit.score), default=None)
        evidence = [self._describe_share(share) for share in sorted(pair.shares, key=lambda s: (KIND_RANK[s.kind], s.scheme, s.shown))]
        if best is not None:
            evidence.append(f"{best.explanation} (score {best.score:.2f}{', match' if best.match else ', below the match threshold'})")
        if pair.shares:
            score = self._name_similarity(pair)
            kind = LinkKind.REFERENCE if any(share.kind == LinkKind.REFERENCE for share in pair.shares) else LinkKind.IDENTIFIER
            if not _schemas_agree(left.schema, right.schema):
                return Link(pair.a, pair.b, kind, LinkStatus.AMBIGUOUS, score=score, evidence=evidence, reason=f"the lists disagree on what it is ({left.schema} / {right.schema})")
            decisive = kind == LinkKind.REFERENCE or any(self.refs.identifiers.get(share.scheme) == "decisive" for share in pair.shares)
            if kind == LinkKind.IDENTIFIER and not decisive and score < self.settings.key_name_min:
                return Link(pair.a, pair.b, kind, LinkStatus.AMBIGUOUS, score=score, evidence=evidence, reason=f"shared {pair.shares[0].scheme.replace('_', ' ')} but the names differ (similarity {score:.2f})")
            if kind == LinkKind.REFERENCE and score < self.settings.key_name_min and not _vessel(left, right):
                return Link(pair.a, pair.b, kind, LinkStatus.AMBIGUOUS, score=score, evidence=evidence, reason=f"cross-reference contradicted by the names (similarity {score:.2f})")
            return Link(pair.a, pair.b, kind, LinkStatus.CONFIRMED, tier=Tier.CERTAIN if decisive else Tier.STRONG, score=score, evidence=evidence)
        # One word of a person's name (a weak alias "JAFARI") says nothing about who it is;
        # an identical name says more than a near spelling that scores higher on a birth year.
        best = max((hit for hit in pair.hits if not hit.bare_word), key=lambda hit: (hit.match, hit.exact, hit.score), default=None)
        if best is None:
            return None
        if not best.match:
            # An identical name of generic words only ("Command of the Military Transport Aviation")
            # scores low as a screen, yet two lists writing it identically under one programme name one body.
            identical = next((hit for hit in pair.hits if hit.exact and not hit.bare_word and not (hit.birth is not None and hit.birth < 0)), None)
            if identical is None or (pair.a, pair.b) in self.outranked or not (why := self._corroboration(pair, identical)):
                return None
            evidence = [f"{identical.explanation} (score {identical.score:.2f}, identical names)", why]
            return Link(
                pair.a, pair.b, LinkKind.NAME, LinkStatus.CONFIRMED, tier=Tier.PROBABLE, score=identical.name_score, evidence=evidence, exact=True
            )
        if (pair.a, pair.b) in self.outranked:
            return None  # a near spelling (or an unconfirmed namesake) loses to a better-attested entry of that list
        evidence = [f"{best.explanation} (score {best.score:.2f}, match)"]
        settings = self.settings
        link = Link(pair.a, pair.b, LinkKind.NAME, LinkStatus.AMBIGUOUS, score=best.name_score, evidence=evidence, exact=best.exact)
        corroborated = self._corroboration(pair, best) if best.exact else ""
        if (pair.a, pair.b) in tied:
            rival = self.entities[tied[(pair.a, pair.b)]]
            link.reason = f"as close a match as {rival.caption!r} ({rival.id}) on the same list"
        elif best.birth is not None and best.birth < 0:
            link.reason = "the names match but the birth dates disagree"
        elif best.birth is not None and best.birth >= settings.birth_agrees and best.name_score >= settings.strong_name:
            link.status, link.tier = LinkStatus.CONFIRMED, Tier.STRONG
        elif best.nationality is not None and best.nationality < 0:
            link.reason = "name-only match, and the nationalities disagree"
        elif corroborated:
            link.status, link.tier = LinkStatus.CONFIRMED, Tier.PROBABLE
            link.evidence.append(corroborated)
        elif best.name_score < settings.probable_name:
            link.reason = f"name-only match of similar, not equal, names (name similarity {best.name_score:.2f})"
        elif best.distinct < settings.probable_rarity:
            link.reason = "name-only match of a common name"
        else:
            link.status, link.tier = LinkStatus.CONFIRMED, Tier.PROBABLE
        return link

    def _corroboration(self, pair: _Pair, best: NameHit) -> str:
        """Why an identical full name is enough here, or "" when nothing else agrees.

        An identical full name (two words or more for a person; an organisation's
        name after its legal form) with an agreeing nationality or country, or
        listed under the same programme family on both sides (Iran human rights
        on the UK side, Iran on the EU side), is a probable link even when the
        name is common: a namesake would have to share both.
        """
        left, right = self.entities[pair.a], self.entities[pair.b]
        if best.nationality is not None and best.nationality > 0:
            return "identical full name and agreeing nationality"
        country = [set(entity.countries) | set(entity.nationalities) | {a.country for a in entity.addresses if a.country} for entity in (left, right)]
        if all(country) and country[0] & country[1]:
            return f"identical full name and agreeing country ({', '.join(sorted(country[0] & country[1]))})"
        shared = self.topics(left) & self.topics(right)
        if shared:
            return f"identical full name, listed under the same programme on both sides ({', '.join(sorted(shared))})"
        return ""

    def _duplicate_links(self, links: list[Link]) -> list[Link]:
        existing = {(link.a, link.b) for link in links}
        found = []
        for (a, b), (source, similarity) in sorted(self.duplicates.items()):
            if (a, b) in existing:
                continue
            left, right = self.entities[a], self.entities[b]
            found.append(
                Link(
                    a,
                    b,
                    LinkKind.NAME,
                    LinkStatus.CONFIRMED,
                    tier=Tier.PROBABLE,
                    score=similarity,
                    evidence=[
                        (
                            f"{list_key(left)} names both {left.caption!r} and {right.caption!r} with an identical name and no contradicting facts, "
                            f"and {self.entities[source].caption!r} ({source}) matches both: one subject listed twice (e.g. under two regimes, or an amendment row)"
                        )
                    ],
                )
            )
        return found

    def _describe_share(self, share: KeyShare) -> str:
        if share.kind == LinkKind.REFERENCE:
            scheme = self.refs.scheme(share.scheme)
            return f"{scheme.label} {share.shown}: carried by both entries"
        policy = self.refs.identifiers.get(share.scheme, "corroborated")
        crowd = f", shared by {share.group_size} entries" if share.group_size > 2 else ""
        return f"{share.scheme.replace('_', ' ')} {share.shown} on both lists ({policy}{crowd})"

    # --- clustering -----------------------------------------------------------------

    def _near_misses(self, hits: dict[str, list[NameHit]], links: list[Link]) -> list[NearMiss]:
        """Per entry and other list: the closest entry that did not match, when nothing there did."""
        linked: set[tuple[str, str]] = set()
        for link in links:
            linked.add((link.a, self.entities[link.b].dataset))
            linked.add((link.b, self.entities[link.a].dataset))
        near: dict[tuple[str, str], NameHit] = {}
        for source, source_hits in hits.items():
            for hit in source_hits:
                dataset = self.entities[hit.other].dataset
                if hit.match or hit.bare_word or (source, dataset) in linked:
                    continue
                current = near.get((source, dataset))
                if current is None or (hit.score, hit.other) > (current.score, current.other):
                    near[(source, dataset)] = hit
        return [NearMiss(a=hit.source, b=hit.other, score=hit.score, explanation=hit.explanation) for _, hit in sorted(near.items())]


@dataclass
class _Pair:
    a: str
    b: str
    shares: list[KeyShare] = field(default_factory=list)
    hits: list[NameHit] = field(default_factory=list)


def _closed(pairs: set[tuple[str, str]]) -> set[tuple[str, str]]:
    """Every pair within a group of duplicates (A=B and B=C: A=C), so a cluster may hold them all."""
    groups: dict[str, set[str]] = {}
    for a, b in sorted(pairs):
        merged = groups.get(a, {a}) | groups.get(b, {b})
        for item in merged:
            groups[item] = merged
    return {ordered(x, y) for group in map(frozenset, groups.values()) for x in group for y in group if x != y}


def _schemas_agree(left: Schema, right: Schema) -> bool:
    return same_family(left, right)


def _vessel(left: Entity, right: Entity) -> bool:
    """Vessels are renamed; a cross-reference between two vessels stands without name agreement."""
    return left.schema == right.schema == Schema.VESSEL
