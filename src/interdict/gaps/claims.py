"""Measuring the claim itself: is a reported gap really absent from the lists said not to list it?

`evaluate.py` measures the links the lists can confirm. The report exists for a
different claim, "listed by A, not by B", and that claim is wrong whenever B
holds the subject under a name the resolver did not link. A reader checking by
hand looks B up by name, birth date and identifier; so does this measure, for
every reported row, independently of the resolver's decisions: it looks the
row's entries up in B's lists and counts the rows for which B has an entry
that might be the subject, per confidence band.

What counts as "might be the subject" (each rule with what it trades off):

    identical name   an entry of B holds a name identical to one of the row's
                     (candidates.name_keys; a person's name of two words or more):
                     any namesake counts, so this over-counts for common names
    near name        name similarity >= NEAR_NAME: spelling variants ("Mehrdada" /
                     "Mehrdad"); lower would count different people
    birth date       the same full birth date and name similarity >= BIRTH_NAME:
                     a shared date alone is common (1 in ~15 entries)
    identifier       an identifier of the row's entries on an entry of B (passport,
                     IMO...), whatever the names

The result is cached with the resolution it measures (same key), so a second
`gaps-evaluate` on the same snapshots takes seconds.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from enum import StrEnum
from importlib import resources
from pathlib import Path

import msgspec

from ..atomic import atomic_write
from ..match.evidence import Feature
from ..match.screener import Screener
from ..model import Entity, matchable
from ..store import data_home
from .candidates import exact_holders, full_name, query_for, strong_names
from .report import GapReport, GapRow

NEAR_NAME = 0.92  # name similarity of a near-identical name (transliteration variants score 0.92-1.0)
BIRTH_NAME = 0.7  # name similarity that, with an identical full birth date, makes an entry a candidate
QUERY_NAMES = 8  # names of an entry looked up (aliases included)
HITS = 10
BANDS = ("high", "medium", "low")
CLAIMS_VERSION = 1
CODE = ("claims.py", "report.py", "candidates.py")  # a change to these computes the check afresh

Progress = Callable[[str, int, int], None]


class Found(StrEnum):
    """How an entry of an excluded list may be the subject."""

    IDENTICAL_NAME = "identical name"
    NEAR_NAME = "near-identical name"
    BIRTH_DATE = "same birth date"
    IDENTIFIER = "same identifier"


class Candidate(msgspec.Struct):
    entity_id: str
    name: str
    how: list[str]
    score: float


class Claim(msgspec.Struct):
    cluster_id: str
    name: str
    confidence: str
    counted: bool  # a headline row (False: listed "to check")
    candidates: list[Candidate]


class ClaimCheck(msgspec.Struct):
    version: int
    key: str
    query: str
    excluded: list[str]  # the datasets looked up
    bands: dict[str, dict[str, float]]  # band -> rows, with_candidate, share
    claims: list[Claim]  # the rows with a candidate

    def to_dict(self) -> dict:
        data: dict = msgspec.to_builtins(self)
        return data


@dataclass
class _Tally:
    rows: int = 0
    found: int = 0
    examples: list[Claim] = field(default_factory=list)


def check_claims(report: GapReport, screener: Screener, excluded: list[str], progress: Progress | None = None) -> ClaimCheck:
    """For every row of the report (counted and to check), the entries of `excluded` lists that may be its subject."""
    key = claims_key(report, excluded)
    cached = _load(key)
    if cached is not None:
        return cached
    tallies = {band: _Tally() for band in BANDS}
    rows = [(row, True) for row in report.rows] + [(row, False) for row in report.to_check]
    claims: list[Claim] = []
    for done, (row, counted) in enumerate(rows, 1):
        candidates = row_candidates(row, screener, excluded)
        tally = tallies[row.confidence]
        tally.rows += 1
        if candidates:
            tally.found += 1
            claims.append(Claim(row.cluster_id, row.name, row.confidence, counted, candidates))
        if progress and done % 50 == 0:
            progress("checking the claims", done, len(rows))
    bands = {
        band: {
            "rows": tally.rows,
            "with_candidate": tally.found,
            "share": round(tally.found / tally.rows, 4) if tally.rows else 0.0,
        }
        for band, tally in tallies.items()
    }
    result = ClaimCheck(CLAIMS_VERSION, key, report.query.describe(), sorted(excluded), bands, claims)
    _save(result)
    return result


def row_candidates(row: GapRow, screener: Screener, excluded: list[str]) -> list[Candidate]:
    found: dict[str, Candidate] = {}

    def note(entity_id: str, name: str, how: Found, score: float) -> None:
        item = found.setdefault(entity_id, Candidate(entity_id, name, [], 0.0))
        if how.value not in item.how:
            item.how.append(how.value)
        item.score = max(item.score, round(score, 4))

    for listing in row.listings:
        entity = screener.entity(listing.entity_id)
        for _name, holders in exact_holders(screener, entity, excluded):
            for holder in holders:
                if matchable(entity.schema, holder.facts.schema):
                    note(holder.facts.id, holder.facts.caption, Found.IDENTICAL_NAME, 1.0)
        names = [name for name in strong_names(entity) if full_name(name, entity.schema)][:QUERY_NAMES]
        query = replace(query_for(entity), names=names, identifiers=[ident.value for ident in entity.identifiers])
        if not names and not query.identifiers:
            continue
        for hit in screener.screen(query, datasets=excluded, limit=HITS):
            birth = hit.contribution(Feature.BIRTH_DATE)
            whole = full_name(hit.matched_name, hit.entity.schema)  # "JAFARI" alone is a surname, not a near-identical name
            if hit.name_score >= NEAR_NAME and whole:
                note(hit.entity.id, hit.entity.caption, Found.NEAR_NAME, hit.name_score)
            if (
                birth is not None
                and birth.effect > 0
                and _same_full_date(entity, hit.entity)
                and hit.name_score >= BIRTH_NAME
                and whole
            ):
                note(hit.entity.id, hit.entity.caption, Found.BIRTH_DATE, hit.name_score)
            if hit.identifier is not None:
                note(hit.entity.id, hit.entity.caption, Found.IDENTIFIER, hit.score)
    return sorted(found.values(), key=lambda item: (-item.score, item.entity_id))


def _same_full_date(left: Entity, right: Entity) -> bool:
    dates = [{date.start for date in entity.birth_dates if date.start and len(date.start) == 10} for entity in (left, right)]
    return bool(dates[0] & dates[1])


def claims_key(report: GapReport, excluded: list[str]) -> str:
    text = json.dumps(
        {
            "resolution": report.resolution.get("key", ""),
            "query": report.query.describe(),
            "excluded": sorted(excluded),
            "rules": [NEAR_NAME, BIRTH_NAME, QUERY_NAMES, HITS, CLAIMS_VERSION],
            "code": hashlib.sha256(
                b"".join(resources.files(__package__).joinpath(name).read_bytes() for name in CODE)
            ).hexdigest(),
        },
        sort_keys=True,
    )
    return hashlib.sha256(text.encode()).hexdigest()[:24]


def cache_path(key: str) -> Path:
    return data_home() / "cache" / f"claims-{key}.json"


def _load(key: str) -> ClaimCheck | None:
    try:
        found = msgspec.json.decode(cache_path(key).read_bytes(), type=ClaimCheck)
    except (OSError, msgspec.DecodeError, msgspec.ValidationError):
        return None
    return found if found.key == key and found.version == CLAIMS_VERSION else None


def _save(result: ClaimCheck) -> None:
    """Cached beside the resolution; a read-only home just recomputes."""
    path = cache_path(result.key)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with atomic_write(path, "wb") as handle:
            handle.write(msgspec.json.encode(result))
    except OSError:
        pass
