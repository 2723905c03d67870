"""Settling the heap: what a process keeps leaves the collector's view, garbage does not survive it, and freed is freed."""

from __future__ import annotations

import gc
import weakref

from interdict.heap import Settler, settle
from interdict.match.query import Query


class _Node:
    def __init__(self) -> None:
        self.other: _Node | None = None


def test_objects_alive_at_a_settle_leave_the_collectors_view() -> None:
    kept = [_Node() for _ in range(1000)]
    settle()
    frozen = gc.get_freeze_count()
    assert frozen >= len(kept)
    assert _walked(kept) == 0


def test_a_cycle_that_is_garbage_at_the_settle_is_collected_not_frozen() -> None:
    first, second = _Node(), _Node()
    first.other, second.other = second, first
    alive = weakref.ref(first)
    del first, second
    settle()
    assert alive() is None


def test_a_settled_object_is_still_freed_when_its_last_reference_goes() -> None:
    node = _Node()
    alive = weakref.ref(node)
    settle()
    del node
    assert alive() is None  # reference counting frees it: only cycles need the collector


def _walked(objects: list[_Node]) -> int:
    """How many of `objects` the collector's generations still hold (a frozen object is in none)."""
    walked = {id(thing) for thing in gc.get_objects()}
    return sum(1 for thing in objects if id(thing) in walked)


def test_a_settler_settles_every_nth_tick_only() -> None:
    settler = Settler(every=3)
    made = [_Node() for _ in range(500)]
    settler.tick()
    settler.tick()
    assert _walked(made) == len(made)  # not yet
    settler.tick()
    assert _walked(made) == 0


def test_a_screener_with_a_settler_settles_as_it_screens_and_answers_alike(seeded) -> None:  # type: ignore[no-untyped-def]
    screener = seeded.screener
    query = Query.build("Mahan Airlines")
    plain = [(hit.entity.id, hit.score) for hit in screener.screen(query)]
    screener.settler = Settler(every=1)
    try:
        made = [_Node() for _ in range(500)]
        settled = [(hit.entity.id, hit.score) for hit in screener.screen(query)]
        assert _walked(made) == 0
    finally:
        screener.settler = None
    assert settled == plain and plain


def test_the_command_line_and_the_service_settle_the_screeners_they_open(seeded) -> None:  # type: ignore[no-untyped-def]
    from interdict.api.settings import ServiceSettings
    from interdict.api.state import ServiceState
    from interdict.cli.common import open_screener

    screener = open_screener(None)  # a command's process owns its heap
    assert isinstance(screener.settler, Settler)
    screener.settler = None
    ServiceState(ServiceSettings(auth=False, watch_seconds=0.0, warm_caches=False), store=seeded.store, screener=screener)
    assert isinstance(screener.settler, Settler)  # so does each of the service's workers


def test_the_service_settles_the_tables_its_warming_built(seeded) -> None:  # type: ignore[no-untyped-def]
    """Warming runs after the index is installed and settled: what it builds would be walked by the first full
    collections, tens of milliseconds while requests wait, unless it settles too."""
    from interdict.api.settings import ServiceSettings
    from interdict.api.state import ServiceState
    from interdict.cli.common import open_screener

    screener = open_screener(None)  # its own reach-through table, built by the warming
    state = ServiceState(ServiceSettings(auth=False, watch_seconds=0.0, warm_caches=True), store=seeded.store, screener=screener)
    assert state.warmed.wait(timeout=300)
    lists = list(screener.reach.table().values())[:1000]  # lists are tracked by the collector whatever they hold
    assert lists and _walked(lists) == 0
