"""Long computations behind a page (a gap report, a cross-list resolution around one entry), run once per list generation.

A gap report over every list resolves all entries first (minutes on the
bundled lists, once per list update; the resolver caches it on disk). A page
cannot wait that long, so the first request starts the work in a thread and
answers with a progress page that reloads itself (no script needed); later
requests for the same key find it running or done. Keys include the index
generation's build key, so a list update computes afresh and the old results
age out of the small LRU.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any, Generic, TypeVar

from ..errors import InterdictError

log = logging.getLogger("interdict.ui")
T = TypeVar("T")
Progress = Callable[[str, int, int], None]


@dataclass
class Job(Generic[T]):
    key: tuple[Any, ...]
    started: float = field(default_factory=time.monotonic)
    finished: float | None = None
    result: T | None = None
    error: str | None = None
    stage: str = "starting"
    done: int = 0
    total: int = 0

    @property
    def running(self) -> bool:
        return self.finished is None

    @property
    def seconds(self) -> float:
        return (self.finished or time.monotonic()) - self.started

    def progress(self, stage: str, done: int, total: int) -> None:
        self.stage, self.done, self.total = stage, done, total

    def snapshot(self) -> Job[T]:
        """The job as it stands, read once. A page decides its status and renders from one state: read live, a job
        that failed between the two reads answered 200 with its error shown (a bad query's page, under load)."""
        return replace(self)


class Jobs(Generic[T]):
    """At most `keep` finished results, and one thread per key at a time."""

    def __init__(self, keep: int = 8):
        self.keep = keep
        self._jobs: OrderedDict[tuple[Any, ...], Job[T]] = OrderedDict()
        self._lock = threading.Lock()

    def peek(self, key: tuple[Any, ...]) -> Job[T] | None:
        with self._lock:
            job = self._jobs.get(key)
            if job is not None:
                self._jobs.move_to_end(key)
            return job

    def start(self, key: tuple[Any, ...], work: Callable[[Progress], T]) -> Job[T]:
        """The job for `key`: the running or finished one (a failed one is retried), else a new one in a thread."""
        with self._lock:
            job = self._jobs.get(key)
            if job is not None and job.error is None:
                self._jobs.move_to_end(key)
                return job
            job = Job(key)
            self._jobs[key] = job
            while len(self._jobs) > self.keep:
                oldest = next(iter(self._jobs))
                if self._jobs[oldest].running:
                    break
                self._jobs.popitem(last=False)
        threading.Thread(target=self._run, args=(job, work), name="interdict-ui-job", daemon=True).start()
        return job

    def _run(self, job: Job[T], work: Callable[[Progress], T]) -> None:
        try:
            job.result = work(job.progress)
        except InterdictError as exc:
            job.error = str(exc)
        except Exception:  # reported on the page; the server goes on
            log.exception("a UI computation failed")
            job.error = "The computation failed; see the server log."
        finally:
            job.finished = time.monotonic()

    def clear(self) -> None:
        with self._lock:
            self._jobs.clear()
