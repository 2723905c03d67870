"""Report jobs: one thread per key, and pages that read a job once."""

from __future__ import annotations

import threading

from interdict.errors import InputError
from interdict.ui.report_jobs import Jobs, Progress


def test_a_snapshot_keeps_the_state_it_was_taken_in_while_the_job_finishes() -> None:
    """A page decides its status code and renders from one snapshot: a job failing between the two must not give a 200
    page showing an error (the status read running, the template read failed)."""
    release = threading.Event()

    def work(progress: Progress) -> int:
        release.wait(10)
        raise InputError("--listed-by: unknown jurisdiction 'zz'")

    jobs: Jobs[int] = Jobs()
    live = jobs.start(("key",), work)
    seen = live.snapshot()
    release.set()
    for _ in range(1000):
        if not live.running:
            break
        threading.Event().wait(0.01)
    assert live.error and not live.running  # the job failed meanwhile
    assert seen.running and seen.error is None  # the snapshot still reads as it was taken: one state throughout
    after = live.snapshot()
    assert after.error == live.error and not after.running
