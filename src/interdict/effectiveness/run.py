"""Run the test: sample entries, make each category's variant, screen variants and controls, score the sweep.

Every variant is screened as production screens a party: the lists, threshold
and good-guy list in force, the entry's schema. A variant is caught when its
source entry is a match that the good-guy list does not suppress; a control
raises a false alert when any entry is. For the sweep, a missed variant (or an
unalerted control) is screened again at the lowest swept threshold, so each
probe carries the score at which it would be caught; thresholds above the one
in force read the scores of the screen in force.

Large runs use worker processes that share the index (fork, copy-on-write), as
`screen-file` does; results keep the order of the probes, so a seed gives the
same report with any number of workers.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ..cores import forked_map, usable_cores
from ..match.query import Query
from ..match.screener import Hit, Screener
from ..model import Entity
from .categories import CATEGORIES, Context, Made, make
from .config import Config, Suppressions
from .controls import Control
from .sampling import Group

LIMIT = 50  # an entry on many lists yields one hit per list; the source must be among the matches
CHUNK = 128

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Probe:
    """One name screened: a variant of a sampled entry, or a control."""

    kind: str  # "variant" or "control"
    name: str
    schema: str
    category: str = ""
    dataset: str = ""
    entity_id: str = ""
    source: str = ""
    detail: str = ""
    culture: str = ""
    script: str = ""


@dataclass(frozen=True)
class Outcome:
    """What screening a probe found: caught (variant) or alerted (control) at the threshold in force."""

    flagged: bool  # variant: its entry matched; control: something matched
    score: float | None  # variant: the source entry's score; control: the best score (either at the threshold in force)
    sweep_score: float | None  # the score the sweep reads (from the re-screen at the lowest threshold when not flagged)
    suppressed: bool  # a match the good-guy list suppressed (variant: its own entry; control: any)
    top: str  # the best match's caption and entry, for the examples
    top_score: float | None
    error: str | None = None


@dataclass(frozen=True)
class NotApplicable:
    category: str
    dataset: str
    schema: str
    entity_id: str
    reason: str


def make_probes(sample: dict[Group, list[Entity]], context: Context, seed: int) -> tuple[list[Probe], list[NotApplicable]]:
    """One probe per (sampled entry, category), or a not-applicable row saying why."""
    probes: list[Probe] = []
    skipped: list[NotApplicable] = []
    for group, entries in sample.items():
        for entity in entries:
            for spec in CATEGORIES:
                rng = random.Random(f"{seed}|{entity.id}|{spec.category.value}")
                made = make(spec, entity, context, rng)
                if isinstance(made, Made):
                    probes.append(Probe("variant", made.name, entity.schema.value, spec.category.value, group.dataset, entity.id, made.source, made.detail))
                else:
                    skipped.append(NotApplicable(spec.category.value, group.dataset, entity.schema.value, entity.id, made))
    return probes, skipped


def control_probes(pool: list[Control]) -> list[Probe]:
    return [Probe("control", c.name, c.schema.value, culture=c.culture, script=c.script) for c in pool]


Job = tuple[Screener, Config, tuple[str, ...], Suppressions]  # what every probe is screened with (forked workers inherit it)

# The named error of a probe whose screening ended its worker process (the other probes are screened again).
LOST_PROBE = "its worker process died while screening it (the system may have stopped it for lack of memory)"


def _screen(job: Job, probe: Probe, threshold: float) -> list[Hit]:
    screener, _, datasets, _ = job
    query = Query.build(probe.name, schema=probe.schema)
    return screener.screening(query, datasets=datasets, limit=LIMIT, threshold=threshold).hits


def _one(job: Job, probe: Probe) -> Outcome:
    try:
        return _outcome(job, probe)
    except Exception as exc:  # a name that cannot be screened is that name's error; the run goes on
        return Outcome(False, None, None, False, "", None, f"{type(exc).__name__}: {exc}")


def _outcome(job: Job, probe: Probe) -> Outcome:
    _, config, _, suppress = job
    threshold = config.threshold
    floor = min(min(config.sweep), threshold)
    hits = _screen(job, probe, threshold)
    allowed = [h for h in hits if not suppress.suppressed(probe.name, h.entity.id)]
    matches = [h for h in allowed if h.match]
    top = matches[0] if matches else (allowed[0] if allowed else None)
    top_text = f"{top.entity.caption} ({top.entity.id})" if top else ""
    top_score = round(top.score, 4) if top else None
    if probe.kind == "variant":
        own = next((h for h in hits if h.entity.id == probe.entity_id), None)
        suppressed = own is not None and own.match and suppress.suppressed(probe.name, own.entity.id)
        flagged = own is not None and own.match and not suppressed
        score = round(own.score, 4) if own else None
        sweep = score
        if not flagged and not suppressed and floor < threshold:
            low = next((h for h in _screen(job, probe, floor) if h.entity.id == probe.entity_id), None)
            sweep = round(max(low.score, own.score if own else 0.0), 4) if low else score
        return Outcome(flagged, score, 0.0 if suppressed else sweep, suppressed, top_text, top_score)
    suppressed = any(h.match for h in hits) and not matches
    score = top_score
    sweep = score
    if not matches and floor < threshold:
        lows = [h for h in _screen(job, probe, floor) if not suppress.suppressed(probe.name, h.entity.id)]
        sweep = round(max([h.score for h in lows] + ([score] if score else [])), 4) if lows else score
    return Outcome(bool(matches), score, sweep, suppressed, top_text, top_score)


def _part(job: Job, probes: Sequence[Probe]) -> list[Outcome]:
    return [_one(job, probe) for probe in probes]


def _lost(probe: Probe) -> Outcome:
    return Outcome(False, None, None, False, "", None, LOST_PROBE)


def screen_probes(
    screener: Screener, config: Config, datasets: tuple[str, ...], suppress: Suppressions, probes: list[Probe], workers: int = 1, progress: Progress | None = None
) -> list[Outcome]:
    """An outcome per probe, in probe order (a probe that ends its worker gets an error, as one that cannot be screened)."""
    workers = max(1, min(workers, usable_cores()))
    outcomes: list[Outcome] = []
    for outcome in forked_map(_part, probes, workers, CHUNK, (screener, config, datasets, suppress), lost=_lost):
        outcomes.append(outcome)
        if progress and (len(outcomes) % CHUNK == 0 or len(outcomes) == len(probes)):
            progress(len(outcomes), len(probes))
    return outcomes
