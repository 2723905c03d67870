"""Fixtures for the gaps tests.

Resolving every list takes minutes, so the real-data tests share one focused
resolution: the Iran-programme people listed by the US, the UK or Canada, and
every entry they reach (about 1,600 entries screened). `gaps()` caches it under
the session's INTERDICT_HOME, so CLI runs of the same query reuse it.
Synthetic tests build a small real index from a handful of entities instead.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from interdict.gaps import GapReport, gaps
from interdict.gaps.report import GapQuery
from interdict.match.index import build_index
from interdict.match.screener import Screener
from interdict.model import Entity, Identifier, Name, PartialDate, Relation

from ..conftest import Seeded

IRAN_PEOPLE = GapQuery(listed_by=["us", "gb", "ca"], not_listed_by=["eu"], programme="iran", schema="Person")


@pytest.fixture(scope="session")
def entities(seeded: Seeded) -> dict[str, Entity]:
    return {entity.id: entity for entity in seeded.store.active_entities()}


@pytest.fixture(scope="session")
def iran_people(seeded: Seeded) -> GapReport:
    """The gap report for IRAN_PEOPLE (a focused resolution, cached for the session)."""
    query = IRAN_PEOPLE
    return gaps(query.listed_by, query.not_listed_by, programme=query.programme, schema=query.schema, focus=True, screener=seeded.screener)  # type: ignore[arg-type]


@pytest.fixture(scope="session")
def iran_resolution(seeded: Seeded, iran_people: GapReport, entities: dict[str, Entity]):  # type: ignore[no-untyped-def]
    """The resolution behind `iran_people`, from the cache the report filled."""
    from interdict.gaps import focus_entries, resolve_lists
    from interdict.gaps.resolve import ResolveOptions

    resolution = resolve_lists(seeded.store, ResolveOptions(focus=focus_entries(entities, IRAN_PEOPLE)), screener=seeded.screener)  # type: ignore[arg-type]
    assert resolution.key == iran_people.resolution["key"]
    return resolution


def entity(dataset: str, source_id: str, schema: str, *names: str, **fields: object) -> Entity:
    """A list entry for synthetic tests: first name primary, the rest aliases."""
    item = Entity(id=f"{dataset}-{source_id}", dataset=dataset, source_id=source_id, schema=schema)
    for index, name in enumerate(names):
        item.names.append(Name(full=name, kind="primary" if index == 0 else "alias"))
    for key, value in fields.items():
        setattr(item, key, value)
    return item


def born(*dates: str) -> list[PartialDate]:
    return [PartialDate(start=date) for date in dates]


def ident(kind: str, value: str) -> list[Identifier]:
    return [Identifier(type=kind, value=value)]


def same_as(reference: str) -> list[Relation]:
    return [Relation(type="same_as", target_name=reference, note="UN reference")]


@pytest.fixture
def small_screener() -> Callable[[list[Entity]], Screener]:
    def make(items: list[Entity]) -> Screener:
        return Screener(build_index(items))

    return make


@pytest.fixture(scope="session")
def un_uk_evaluation(seeded: Seeded):  # type: ignore[no-untyped-def]
    """The resolver measured on UK x UN, screening from the UN entries (cached for CLI runs)."""
    from interdict.gaps import gaps_evaluate

    return gaps_evaluate(datasets=["un_sc_sanctions", "gb_fcdo_sanctions"], focus_datasets=["un_sc_sanctions"], screener=seeded.screener)  # type: ignore[arg-type]


@pytest.fixture(scope="session")
def no_un_vessels(seeded: Seeded) -> GapReport:
    """An empty report: the UN lists no vessels, so none is "listed by the UN but not the UK"."""
    return gaps(["un"], ["gb"], programme="iran", schema="Vessel", focus=True, screener=seeded.screener)  # type: ignore[arg-type]
