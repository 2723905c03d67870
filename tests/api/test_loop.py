"""The event loop stays free: /healthz answers promptly while heavy /match requests are screened.

Issue 10, item 12: single-query /match requests were screened on the event
loop, so eight heavy ones held /healthz for seconds. Screening now runs on the
screening threads (api/limits.py, Runner), except one query of short names,
whose cost is bounded. bench/health_under_load.py measures the latency; this
test only holds a generous bound.
"""

from __future__ import annotations

import random
import threading
import time

import anyio
import httpx
import pytest
from fastapi import HTTPException

from interdict.api.limits import Runner, check

from .conftest import Api

WORDS = "Mohammad Ali Hassan Hussein Abdul Rahman Ahmed Khan Al Said Bin Ibrahim Omar Yusuf Mahmoud Abdullah Mustafa Salem".split()
HEAVY = 8  # concurrent heavy requests: four times the screening threads, so most wait in the queue
BOUND = 1.0  # seconds: a free loop answers in milliseconds; one heavy query screened inline took 1-2.5 s


def heavy_match(seed: int) -> dict:
    """One query, 50 names of 60 common list words (cut at 500 characters): about a second of matching here."""
    rng = random.Random(seed)
    names = [" ".join(rng.choice(WORDS) for _ in range(60))[:500] for _ in range(50)]
    return {"queries": {"q": {"schema": "Person", "properties": {"name": names}}}}


def test_healthz_answers_promptly_while_heavy_matches_run(api: Api) -> None:
    statuses: list[int] = []
    finished: list[float] = []

    def send(seed: int) -> None:
        with api.client() as client:
            statuses.append(client.post("/match/default", json=heavy_match(seed), timeout=300).status_code)
        finished.append(time.monotonic())

    threads = [threading.Thread(target=send, args=(seed,)) for seed in range(HEAVY)]
    latencies: list[float] = []
    with httpx.Client(base_url=api.url, timeout=60) as probe:
        probe.get("/healthz")  # the probe's connection is open before the load starts
        began = time.monotonic()
        for thread in threads:
            thread.start()
        time.sleep(0.3)  # the heavy requests are in the server
        while any(thread.is_alive() for thread in threads):
            start = time.monotonic()
            assert probe.get("/healthz").json() == {"status": "ok"}
            latencies.append(time.monotonic() - start)
            time.sleep(0.02)
    for thread in threads:
        thread.join()
    assert statuses == [200] * HEAVY
    # The probes ran during seconds of screening (else the bound would prove nothing).
    elapsed = max(finished) - began
    assert elapsed > 2 * BOUND and len(latencies) >= 10, f"the heavy requests took only {elapsed:.2f} s: make them heavier"
    assert max(latencies) < BOUND, f"/healthz took {max(latencies):.2f} s while screening ({len(latencies)} probes)"


# --- where the Runner runs work (api/limits.py) ----------------------------------------------------------------------


def _thread_of(runner: Runner, queries: int | None, name_chars: int | None) -> tuple[int, int]:
    """(the event loop's thread, the thread the work ran on) for work of this size."""

    async def main() -> tuple[int, int]:
        return threading.get_ident(), await runner.run(lambda deadline: threading.get_ident(), queries=queries, name_chars=name_chars)

    return anyio.run(main)


@pytest.mark.parametrize(
    ("queries", "name_chars", "inline"),
    [
        (1, 17, True),  # one customer's name
        (1, 100, True),  # at the bound
        (1, 101, False),  # one character over it
        (2, 20, False),  # two queries: the route does not weigh several
        (1, None, False),  # size unknown (a document, a relation lookup)
        (None, 17, False),
        (1, 0, False),  # identifiers only: no names to bound the work by
    ],
)
def test_only_one_short_name_runs_on_the_event_loop(queries: int | None, name_chars: int | None, inline: bool) -> None:
    loop, ran = _thread_of(Runner(threads=2, timeout=5.0, inline_name_chars=100), queries, name_chars)
    assert (ran == loop) is inline


def test_no_work_runs_inline_when_the_setting_is_zero() -> None:
    loop, ran = _thread_of(Runner(threads=2, timeout=5.0, inline_name_chars=0), 1, 5)
    assert ran != loop


@pytest.mark.parametrize("name_chars", [10, 500])
def test_work_past_its_deadline_is_answered_503_inline_or_not(name_chars: int) -> None:
    runner = Runner(threads=1, timeout=0.05, inline_name_chars=100)

    def work(deadline: float) -> None:
        time.sleep(0.1)
        check(deadline)

    async def main() -> None:
        await runner.run(work, queries=1, name_chars=name_chars)

    with pytest.raises(HTTPException) as raised:
        anyio.run(main)
    assert raised.value.status_code == 503
