"""Sanctions gap analysis: who is listed by some jurisdictions and not by others.

    >>> from interdict.gaps import gaps
    >>> report = gaps(["us", "gb", "ca"], ["eu"], programme="iran", out="iran.html")

Three steps, each its own module:

    resolve.py     cluster the entries of all lists that designate the same subject
                   (cross-references, identifiers, names + birth dates), cached
    report.py      one row per cluster listed by the first set of jurisdictions and
                   by none of the second; programmes mapped to a shared vocabulary
                   (programmes.py, data/programmes.toml)
    export.py      CSV / JSON / HTML (html.py, with summary.py's matrix and chart)

`gaps_evaluate` measures the resolver against the keys the lists print (UN
reference numbers, passports, IMO numbers), withheld from it (evaluate.py), and
the report's own claim, "not listed by X", by looking X's lists up for every row
by name, birth date and identifier (claims.py).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ..asof import as_of
from ..errors import InputError
from ..lists import load_lists
from ..match.query import clean_schema
from ..match.screener import Screener
from ..model import Entity, Schema
from ..relations import default_rules, own_lists, relation_datasets
from ..relations.context import Relations, relations_from_entities, relations_of
from ..screening import index_key, open_screener
from ..store import SnapshotStore
from .claims import check_claims
from .derived import derived_section
from .evaluate import Evaluation, evaluate_resolution
from .export import report_format, write_report
from .programmes import listing_topics, vocabulary
from .report import CONFIDENCE_RANK, DEFAULT_CONFIDENCE, GapQuery, GapReport, build_rows, schema_matches
from .resolution import Resolution, load_cached
from .resolve import ResolveOptions, resolution_key
from .resolve import resolve as resolve_entries
from .scope import jurisdiction_datasets, jurisdiction_of, parse_jurisdictions

Progress = Callable[[str, int, int], None]

__all__ = [
    "Evaluation",
    "GapQuery",
    "GapReport",
    "Resolution",
    "ResolveOptions",
    "gaps",
    "gaps_evaluate",
    "resolve_entries",
    "resolve_lists",
    "write_report",
]


def _loaded(store: SnapshotStore, datasets: list[str] | None) -> list[str]:
    active = sorted(snapshot.dataset for snapshot in store.active_snapshots())
    if datasets:
        missing = sorted(set(datasets) - set(active))
        if missing:
            raise InputError(f"Datasets {', '.join(missing)} are not loaded; run `interdict update {' '.join(missing)}` or leave them out.")
        return sorted(set(datasets))
    return active


def _listings(store: SnapshotStore, datasets: list[str] | None) -> list[str]:
    """The loaded datasets that list parties: the official lists and the user's own, never relation data (which designates no one)."""
    relation_data = set(relation_datasets(store))
    return [dataset for dataset in _loaded(store, datasets) if dataset not in relation_data]


def resolve_lists(
    store: SnapshotStore,
    options: ResolveOptions,
    screener: Screener | None = None,
    db: str | None = None,
    workers: int = 1,
    progress: Progress | None = None,
) -> Resolution:
    """The resolution for the store's active lists: from the cache when current, else computed (minutes)."""
    # A screener at hand defines the matcher in use; otherwise the store and the code on disk do.
    key = resolution_key(screener.build_key if screener is not None else index_key(store), options)
    cached = load_cached(key)
    if cached is not None:
        return cached
    if screener is None:
        screener = open_screener(db, progress=(lambda message: progress(message, 0, 0)) if progress else None)
    snapshots = {snapshot.dataset: snapshot.id for snapshot in store.active_snapshots()}
    return resolve_entries(screener, options, snapshots=snapshots, workers=workers, progress=progress)


def focus_entries(entities: dict[str, Entity], query: GapQuery) -> list[str]:
    """Entries a focused resolution starts from: the --listed-by listings the query can report."""
    vocab = vocabulary()
    chosen = []
    for entity in entities.values():
        jurisdiction = jurisdiction_of(entity.dataset)
        if jurisdiction not in query.listed_by:
            continue
        if query.schema and not (schema_matches(query.schema, entity.schema) or entity.schema == Schema.LEGAL_ENTITY):
            continue
        if query.programme and query.programme not in listing_topics(jurisdiction, entity.programs, vocab).topics:
            continue
        chosen.append(entity.id)
    return sorted(chosen)


def gaps(
    listed_by: str | list[str],
    not_listed_by: str | list[str],
    programme: str | None = None,
    schema: str | None = None,
    out: str | Path | None = None,
    require_all: bool = False,
    min_confidence: str = DEFAULT_CONFIDENCE,
    focus: bool = False,
    datasets: list[str] | None = None,
    db: str | None = None,
    screener: Screener | None = None,
    workers: int = 1,
    progress: Progress | None = None,
) -> GapReport:
    """Subjects listed by `listed_by` (any, or all with require_all) and by none of `not_listed_by`.

    `focus` resolves only around the listings the query can report (fast, for one
    programme); the default resolves every list once and caches it, so every
    report over the same snapshots agrees with every other.
    """
    store = load_lists(db)
    own = [dataset for dataset in own_lists(store) if not datasets or dataset in datasets]
    query = GapQuery(
        listed_by=parse_jurisdictions(listed_by, "--listed-by", own),
        not_listed_by=parse_jurisdictions(not_listed_by, "--not-listed-by", own),
        programme=vocabulary().check_topic(programme) if programme else None,
        schema=clean_schema(schema),
        require_all=require_all,
        min_confidence=min_confidence,
    )
    if min_confidence not in CONFIDENCE_RANK:
        raise InputError(f"Unknown confidence {min_confidence!r}; use low, medium or high.")
    if not query.listed_by or not query.not_listed_by:
        raise InputError("Name at least one jurisdiction in --listed-by and one in --not-listed-by, e.g. --listed-by us,gb,ca --not-listed-by eu.")
    both = sorted(set(query.listed_by) & set(query.not_listed_by))
    if both:
        raise InputError(f"{', '.join(both)} cannot be both in --listed-by and in --not-listed-by.")
    if out is not None:
        report_format(Path(out))  # a bad extension fails before minutes of work
    loaded = _listings(store, datasets)
    by_jurisdiction = {code: [d for d in ids if d in loaded] for code, ids in jurisdiction_datasets(own).items()}
    for code in query.listed_by + query.not_listed_by:
        if not by_jurisdiction.get(code):
            raise InputError(f"No list of jurisdiction {code!r} is loaded; load one (`interdict update`) or leave {code} out.")
    entities = {entity.id: entity for entity in store.active_entities(loaded)}
    options = ResolveOptions(datasets=None if not datasets else loaded, focus=focus_entries(entities, query) if focus else None)
    resolution = resolve_lists(store, options, screener=screener, db=db, workers=workers, progress=progress)
    rows, to_check, skipped = build_rows(resolution, entities, query, loaded)
    lists = list_editions(store, entities, loaded)
    report = GapReport(
        query=query,
        rows=rows,
        to_check=to_check,
        lists=lists,
        notes=_notes(query, rows, skipped, entities, by_jurisdiction, resolution, focus, lists, own),
        datasets={code: ids for code, ids in by_jurisdiction.items() if ids},
        resolution={"key": resolution.key, "options": resolution.options, "stats": resolution.stats, "snapshots": resolution.snapshots},
        vocabulary={topic: vocabulary().label(topic) for topic in sorted({t for row in rows for t in row.topics})},
    )
    if set(query.listed_by) & set(default_rules()) and set(query.not_listed_by) & set(default_rules()):
        report.derived = derived_section(_relations(store, screener), query, resolution, entities)
    if report.derived is not None:
        report.notes.extend(f"{report.derived['title']}: {note}" for note in report.derived["notes"])
    if out is not None:
        write_report(report, Path(out))
    return report


def _relations(store: SnapshotStore, screener: Screener | None) -> Relations:
    """The screener's relation graph (cached per index), or one read from the store when no screener is open."""
    return relations_of(screener) if screener is not None else relations_from_entities(store.active_entities())


def list_editions(store: SnapshotStore, entities: dict[str, Entity], loaded: list[str]) -> dict[str, dict]:
    """Each loaded list's edition for a report's header: its date and where the date came from, its files, what it holds."""
    by_dataset: dict[str, list[Entity]] = {}
    for entity in entities.values():
        by_dataset.setdefault(entity.dataset, []).append(entity)
    editions = {}
    for snapshot in store.active_snapshots():
        if snapshot.dataset not in loaded:
            continue
        held = by_dataset.get(snapshot.dataset, [])
        found = as_of(snapshot, held)
        editions[snapshot.dataset] = {
            "date": found.date,
            "date_source": found.source.value,
            "as_of": found.describe(),
            "origin": snapshot.origin,
            "files": [item.name for item in snapshot.files],
            "holds": {
                "programmes": any(entity.programs for entity in held),
                "birth_dates": any(entity.birth_dates for entity in held),
                "identifiers": any(entity.identifiers for entity in held),
                "references": any(entity.extra.get("unReference") or entity.extra.get("euReference") for entity in held),
            },
        }
    return dict(sorted(editions.items()))


def _notes(
    query: GapQuery,
    rows: list,
    skipped: dict[str, int],
    entities: dict[str, Entity],
    by_jurisdiction: dict[str, list[str]],
    resolution: Resolution,
    focus: bool,
    lists: dict[str, dict],
    own: list[str] | None = None,
) -> list[str]:
    notes = [
        (
            "A subject is listed by a jurisdiction when an entry of one of its lists is in the subject's cluster; "
            f"'not listed by {', '.join(query.not_listed_by)}' means no entry of those lists was linked to it. "
            "Rows to check name an entry there that may be the same subject."
        )
    ]
    dated = {dataset: info["date"] for dataset, info in lists.items() if info["date"]}
    for code in query.not_listed_by:
        for dataset in by_jurisdiction.get(code, []):
            info = lists.get(dataset)
            if info is None:
                continue
            missing = [what.replace("_", " ") for what, held in info["holds"].items() if not held]
            newer = sorted(other for other, date in dated.items() if info["date"] and date[:7] > info["date"][:7] and other != dataset)
            if missing:
                notes.append(
                    f"The {code} side of every claim rests on {dataset} as of {info['as_of']}: {info['origin']}. "
                    f"It carries no {', '.join(missing)}, so 'not listed by {code}' there means no entry with a matching name"
                    + (f"; and it is older than {', '.join(newer)}, so later {code} listings are missing" if newer else "")
                    + f". Load the official file (`interdict update {dataset}`, or `interdict load {dataset} FILE`) for a firmer answer."
                )
    with_programmes = {entity.dataset for entity in entities.values() if entity.programs}
    for code in sorted(set(query.listed_by) | set(query.not_listed_by)):
        for dataset in by_jurisdiction.get(code, []):
            if dataset not in with_programmes:
                notes.append(
                    f"{dataset} ({code}) carries no programme or regime information in the loaded snapshot "
                    "(the bundled flat EU export drops it): its listings show 'no programme stated' and are never counted under a programme."
                )
        missing = [dataset for dataset in jurisdiction_datasets(own or [])[code] if dataset not in by_jurisdiction.get(code, [])]
        if missing:
            notes.append(f"{code}: {', '.join(missing)} not loaded; this report speaks only for {', '.join(by_jurisdiction[code])}.")
    if query.programme and skipped.get("no_programme_information"):
        notes.append(
            f"{skipped['no_programme_information']} subjects listed only by lists that state no programme were left out of the "
            f"'{query.programme}' filter: their programme is unknown, not guessed."
        )
    unmapped = sorted({(listing.dataset, programme) for row in rows for listing in row.listings for programme in listing.unmapped})
    for dataset, programme in unmapped:
        notes.append(f"Programme {programme!r} of {dataset} is not in the shared vocabulary (gaps/data/programmes.toml): counted as 'unmapped'.")
    notes.extend(resolution.notes)
    if focus:
        notes.append("Focused resolution: only the listings this query can report, and the entries they reach, were screened; a full run may link more.")
    if query.require_all:
        notes.append(f"Rows are listed by every one of {', '.join(query.listed_by)}.")
    if skipped.get("below_confidence"):
        notes.append(
            f"{skipped['below_confidence']} subjects of confidence below {query.min_confidence} are not counted: "
            "they are listed apart, 'to check', each with the entry that may cover it."
        )
    for dataset in own or []:
        if dataset in set(query.listed_by) | set(query.not_listed_by):
            notes.append(
                f"{dataset} is a list of your own (loaded with `interdict load --ftm`): it is a column of its own, designating for no "
                "jurisdiction of the registry; its programmes are not in the shared vocabulary."
            )
    if not rows:
        notes.append("No subject matches this query: the report is empty.")
    return notes


def gaps_evaluate(
    datasets: list[str] | None = None,
    focus_datasets: list[str] | None = None,
    db: str | None = None,
    screener: Screener | None = None,
    workers: int = 1,
    progress: Progress | None = None,
    listed_by: str | list[str] | None = None,
    not_listed_by: str | list[str] | None = None,
    programme: str | None = None,
    schema: str | None = None,
    claims_focus: bool = False,
) -> Evaluation:
    """Precision and recall of the resolver's name-and-attribute links, with the lists' own keys withheld;
    and the gap report's own claim ("not listed by") checked by hand, per confidence band (claims.py).

    The claims are those of `gaps(listed_by, not_listed_by, programme, schema, focus=claims_focus)`;
    without `listed_by` they are not checked. Both resolutions and the check are cached.
    """
    store = load_lists(db)
    loaded = _listings(store, datasets)
    if focus_datasets:
        _loaded(store, focus_datasets)
        if not set(focus_datasets) <= set(loaded):
            raise InputError("--focus-dataset must be among the datasets resolved (--dataset).")
    entities = {entity.id: entity for entity in store.active_entities(loaded)}
    focus = sorted(entity_id for entity_id, entity in entities.items() if entity.dataset in focus_datasets) if focus_datasets else None
    options = ResolveOptions(
        datasets=None if not datasets else loaded,
        focus=focus,
        hops=1,
        use_references=False,
        use_identifiers=False,
    )
    resolution = resolve_lists(store, options, screener=screener, db=db, workers=workers, progress=progress)
    evaluation = evaluate_resolution(resolution, entities.values())
    if listed_by and not_listed_by:
        if screener is None:
            screener = open_screener(db, progress=(lambda message: progress(message, 0, 0)) if progress else None)
        report = gaps(
            listed_by,
            not_listed_by,
            programme=programme,
            schema=schema,
            focus=claims_focus,
            datasets=datasets,
            db=db,
            screener=screener,
            workers=workers,
            progress=progress,
        )
        excluded = [dataset for code in report.query.not_listed_by for dataset in report.datasets.get(code, [])]
        evaluation.claims = check_claims(report, screener, excluded, progress=progress)
    return evaluation

