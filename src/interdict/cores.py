"""How many processes a job may use, and one way to spread pure work over them.

A machine's core count is not what a process may use: containers and `taskset`
narrow its affinity, and forking a worker per core it cannot run on only adds
switching. Work that is pure (the same answer in any process, in any order)
runs in forked workers, which share the parent's memory copy-on-write: an index
being built is never pickled to them, only their answers come back.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, TypeVar

from .errors import InterdictError

Item = TypeVar("Item")
Answer = TypeVar("Answer")
Shared = TypeVar("Shared")


def usable_cores() -> int:
    """The cores this process may run on (its affinity, which containers and taskset narrow), not the machine's."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def can_fork() -> bool:
    """Whether this process may fork workers now: the platform can, and this process runs one thread. A forked child
    holds a copy of every lock that another thread held at the fork and would wait on it forever (the service
    rebuilds its index beside its serving threads), so a process with threads does the work itself."""
    return fork_available() and threading.active_count() == 1


def fork_available() -> bool:
    """Whether the platform can fork at all (not Windows)."""
    return "fork" in multiprocessing.get_all_start_methods()


def forked_map(
    function: Callable[[Shared, Sequence[Item]], list[Answer]],
    items: Sequence[Item],
    workers: int,
    chunk: int,
    shared: Shared,
    lost: Callable[[Item], Answer] | None = None,
) -> Iterator[Answer]:
    """`function(shared, part)` over `items` in parts of `chunk`, in order, in `workers` forked processes (in this one
    when there is one worker or one part, or when `can_fork` says no).

    `function` returns one answer per item of its part: a part, not an item, crosses the pipe, so a cheap item pays
    no per-item round trip. `shared` (an index being built, the entries being read) reaches the workers through the
    fork, copy-on-write, never pickled.

    A worker that dies mid-task (the kernel's OOM killer, a crash in a C library) fails the map with an InterdictError,
    never a wait without end; unless `lost` is given, for work whose items stand alone (the rows of a file). Then the
    death costs only the items that end a worker on their own, each answered by `lost(item)`: the parts the dead pool
    left unanswered run again, the first of them alone in a fresh worker and halved while it still kills one. Past
    `LOST_MIN` items, or `LOST_SHARE` of them, the deaths are taken for the system's doing and the map fails too.
    """
    parts = [items[start : start + chunk] for start in range(0, len(items), chunk)]
    if workers <= 1 or len(parts) <= 1 or not can_fork():
        for part in parts:
            yield from function(shared, part)
        return
    # Items a worker death may cost before the deaths are taken for the system's doing, not the items' (a memory cap
    # no worker fits under, a library that breaks after fork): then the map fails rather than fork once per item.
    allowed = max(LOST_MIN, int(len(items) * LOST_SHARE))
    lost_so_far = [0]
    done = 0
    while done < len(parts):
        try:
            for answers in _pooled(function, parts[done:], workers, shared):
                yield from answers
                done += 1
        except BrokenProcessPool:
            if lost is None:
                raise InterdictError(
                    "A worker process died before finishing its share (the system may have ended it for lack of "
                    f"memory); nothing was written. {RUN_AGAIN}"
                ) from None
            # The pool's death is the first unanswered part's, or that of a part running beside it: the first
            # is tried alone, so that only items which end a worker by themselves are ever answered as lost.
            yield from _alone(function, parts[done], shared, lost, lost_so_far, allowed)
            done += 1


RUN_AGAIN = "Free some memory, or give the process one core (taskset -c 0), and run it again."
LOST_MIN = 8  # items a map of any size may lose to worker deaths before it fails
LOST_SHARE = 0.01  # and the share of a large map's items: a file of a million rows fails after 10,000 lost


def _pooled(function: Callable[[Any, Sequence[Any]], list[Any]], parts: Sequence[Sequence[Any]], workers: int, shared: Any) -> Iterator[list[Any]]:
    """Each part's answers, in order, from a pool of forked workers. concurrent.futures, not multiprocessing.Pool: a
    worker killed mid-task raises BrokenProcessPool here, where Pool.imap would wait for the task's answer forever.
    `shared` reaches each worker as its initializer's argument, which a forked process inherits, never pickled."""
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(min(workers, len(parts)), mp_context=context, initializer=_receive, initargs=(shared, os.getpid())) as pool:
        yield from pool.map(_in_worker, [(function, part) for part in parts])


def _alone(
    function: Callable[[Any, Sequence[Any]], list[Any]],
    part: Sequence[Any],
    shared: Any,
    lost: Callable[[Any], Any],
    lost_so_far: list[int],
    allowed: int,
) -> Iterator[Any]:
    """`part`'s answers from one fresh worker; if it dies too, each half's the same way, down to a single item, which is
    answered `lost(item)`. A part that killed its pool only because a neighbour did costs one more fork."""
    try:
        for answers in _pooled(function, [part], 1, shared):
            yield from answers
    except BrokenProcessPool:
        if len(part) == 1:
            lost_so_far[0] += 1
            if lost_so_far[0] > allowed:
                raise InterdictError(
                    f"Worker processes kept dying: more than {allowed:,} items each ended the worker screening it, so "
                    "the system is stopping them, not the items (a memory limit too low for one worker?); nothing was "
                    f"written. {RUN_AGAIN}"
                ) from None
            yield lost(part[0])
            return
        middle = len(part) // 2
        yield from _alone(function, part[:middle], shared, lost, lost_so_far, allowed)
        yield from _alone(function, part[middle:], shared, lost, lost_so_far, allowed)


_shared: Any = None  # `forked_map`'s `shared`, as a forked worker receives it (never set in the parent)


def _receive(shared: Any, parent: int) -> None:
    """A forked worker's start: take `shared`, and die with the process that forked it. A worker waits on its task
    queue, whose writing end it inherited too, so without this a parent killed outright (the OOM killer, kill -9)
    left its workers waiting forever, each holding its copy-on-write share of the index."""
    global _shared
    _shared = shared
    _die_with_parent(parent)


def _die_with_parent(parent: int) -> None:
    """Linux's parent-death signal (prctl PR_SET_PDEATHSIG), where the C library offers it; elsewhere nothing."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) != 0:
            return
    except (OSError, AttributeError):
        return
    if os.getppid() != parent:  # the parent died before the signal was asked for
        os._exit(1)


PR_SET_PDEATHSIG = 1  # linux/prctl.h


def _in_worker(job: tuple[Callable[[Any, Sequence[Any]], list[Any]], Sequence[Any]]) -> list[Any]:
    function, part = job
    return function(_shared, part)
