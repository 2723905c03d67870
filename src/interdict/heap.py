"""Keeping CPython's cyclic garbage collector off what a screening process keeps.

Screening keeps what it learns: memo tables (token similarities, typo
neighbourhoods, evidence per word), list rows decoded on first use, analysed
names. After a few thousand distinct queries that is hundreds of thousands of
long-lived objects, none of them in a reference cycle. The collector still
walks all of them in every full collection, which it runs whenever the objects
that survived grew by a quarter: over 30,000 distinct queries, 14 full
collections took 7.1 s of 49 s, the longest 1.04 s, stalling every request
queued behind it (bench/speed.py, bench/load.py).

`settle()` collects what is garbage now, then moves every object still alive
out of the collector's view (`gc.freeze`), so the next collections walk only
what was made since. A moved object is still freed when its last reference
goes; only a reference cycle that was alive at the call and dies later is
never collected. So a process settles between units of work (a chunk of a
file, a query), where it holds little in flight but what it keeps, and only a
process that owns its heap settles: the command line, the service's workers,
a batch's workers, never a library call into someone else's process.
"""

from __future__ import annotations

import gc

# Queries screened between two settles. Each settle walks the objects made since the last one, so the total work
# is the same whatever the value; a smaller value makes each pause shorter (200 queries: a few ms) but leaves more
# chances to freeze a cycle that was in flight in another thread; a larger one makes the pauses longer.
SETTLE_EVERY = 200


def settle() -> None:
    """Collect the garbage there is, then keep the collector off every object alive now (see the module's doc)."""
    gc.collect()
    gc.freeze()


class Settler:
    """Settles the heap every `every` units of work a process reports with `tick`."""

    def __init__(self, every: int = SETTLE_EVERY) -> None:
        self.every = every
        self._count = 0

    def tick(self) -> None:
        # Unlocked: two threads may both settle at once, which costs one more (short) collection, nothing else.
        self._count += 1
        if self._count >= self.every:
            self._count = 0
            settle()
