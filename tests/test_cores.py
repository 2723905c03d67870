"""Forked work: the answers of a serial run, in order, whatever the chunking; never a fork beside other threads."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from interdict.cores import can_fork, forked_map, usable_cores

from .helpers import process_gone

ROOT = Path(__file__).resolve().parents[1]


def _square_with_pid(offset: int, items: Sequence[int]) -> list[tuple[int, int]]:
    return [(item * item + offset, os.getpid()) for item in items]


@settings(max_examples=25, deadline=None)
@given(items=st.lists(st.integers(-1000, 1000), max_size=60), workers=st.integers(1, 3), chunk=st.integers(1, 20))
def test_forked_answers_are_the_serial_answers_in_order(items: list[int], workers: int, chunk: int) -> None:
    forks = can_fork()  # False if an earlier test left a thread running (a Spark session's)
    answers = list(forked_map(_square_with_pid, items, workers, chunk, 0))
    assert [value for value, _ in answers] == [item * item for item in items]
    chunks = -(-len(items) // chunk)
    pids = {pid for _, pid in answers}
    if workers == 1 or chunks <= 1 or not forks:
        assert pids <= {os.getpid()}
    else:
        assert os.getpid() not in pids  # every answer came from a forked worker


def test_a_process_of_one_thread_forks() -> None:
    """In a fresh interpreter (this one may hold an earlier test's threads): 40 items in 8 chunks, 2 workers."""
    script = (
        "import os; from interdict.cores import forked_map; from tests.test_cores import _square_with_pid; "
        "answers = list(forked_map(_square_with_pid, list(range(40)), 2, 5, 0)); "
        "assert [a for a, _ in answers] == [i * i for i in range(40)]; "
        "print(os.getpid() in {pid for _, pid in answers})"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, timeout=60, check=True)
    assert done.stdout.split() == ["False"]  # every answer came from a forked worker


def test_a_process_with_other_threads_works_alone() -> None:
    """A forked child would hold copies of the locks the other threads held: the work stays in this process."""
    seen: list[set[int]] = []
    release = threading.Event()
    other = threading.Thread(target=release.wait)
    other.start()
    try:
        assert not can_fork()
        seen.append({pid for _, pid in forked_map(_square_with_pid, list(range(40)), 2, 5, 0)})
    finally:
        release.set()
        other.join()
    assert seen == [{os.getpid()}]


def test_usable_cores_is_this_processes_affinity() -> None:
    assert usable_cores() == len(os.sched_getaffinity(0)) >= 1


def test_a_worker_killed_mid_task_fails_the_map_instead_of_hanging_it() -> None:
    """The kernel's OOM killer ends a worker mid-task: the map fails with a clear error, in seconds
    (multiprocessing.Pool's imap would wait for that task forever). In a fresh interpreter, so that a serial
    fallback could never kill pytest."""
    script = (
        "import os, signal\n"
        "from interdict.cores import forked_map\n"
        "from interdict.errors import InterdictError\n"
        "def work(shared, items):\n"
        "    if 13 in items:\n"
        "        os.kill(os.getpid(), signal.SIGKILL)\n"
        "    return [item * item for item in items]\n"
        "try:\n"
        "    list(forked_map(work, list(range(40)), 2, 5, None))\n"
        "except InterdictError as error:\n"
        "    print('died' in str(error))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, timeout=60, check=True)
    assert done.stdout.split() == ["True"]  # a message for the person at the keyboard, not a traceback


def _kill_on(shared: tuple[int, frozenset[int]], items: Sequence[int]) -> list[int]:
    """Squares; an item of `shared`'s set ends the process that reaches it, unless that is the parent."""
    parent, killers = shared
    if os.getpid() != parent and killers.intersection(items):
        os.kill(os.getpid(), 9)
    return [item * item for item in items]


def test_with_lost_a_dead_worker_costs_only_the_items_that_kill_one() -> None:
    """Work whose items stand alone (the rows of a file): every item gets its answer or, if it ends a worker by
    itself, its `lost` answer, in order, whichever part ran beside it. Cases: none, one, two in one part, two in
    parts running side by side, the first and the last item, every item of a part. In a fresh interpreter."""
    cases = [(), (13,), (13, 14), (4, 9), (0, 39), (10, 11, 12, 13, 14), tuple(range(0, 40, 5))]  # the last: LOST_MIN
    script = (
        "import os, json\n"
        "from interdict.cores import forked_map\n"
        "from tests.test_cores import _kill_on\n"
        f"for killers in {cases!r}:\n"
        "    answers = list(forked_map(_kill_on, list(range(40)), 2, 5, (os.getpid(), frozenset(killers)), lost=lambda item: -item - 1))\n"
        "    print(json.dumps(answers))\n"
        "import threading\n"
        "print(threading.active_count())\n"  # the dead pools' threads are gone: later work forks again
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, timeout=120, check=True)
    *lines, threads = done.stdout.splitlines()
    assert threads == "1"
    for killers, line in zip(cases, lines, strict=True):
        assert json.loads(line) == [-item - 1 if item in killers else item * item for item in range(40)], killers


def test_workers_that_keep_dying_fail_the_map_instead_of_losing_every_item() -> None:
    """A memory cap no worker fits under kills every worker, whatever its items: past LOST_MIN lost items the map
    fails with a clear error, rather than forking once per item and answering every one as lost."""
    script = (
        "import os\n"
        "from interdict.cores import LOST_MIN, forked_map\n"
        "from interdict.errors import InterdictError\n"
        "from tests.test_cores import _kill_on\n"
        "answers = []\n"
        "try:\n"
        "    for answer in forked_map(_kill_on, list(range(40)), 2, 5, (os.getpid(), frozenset(range(40))), lost=lambda item: None):\n"
        "        answers.append(answer)\n"
        "except InterdictError as error:\n"
        "    print('kept dying' in str(error), answers == [None] * LOST_MIN)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, timeout=120, check=True)
    assert done.stdout.split() == ["True", "True"]


NAPPING_MAP = """
import os, sys, time
from pathlib import Path
from interdict.cores import forked_map

def nap(folder, items):
    (Path(folder) / f"{os.getpid()}.pid").write_text("")
    time.sleep(120)
    return list(items)

list(forked_map(nap, list(range(4)), 2, 1, sys.argv[1]))
"""


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads processes' states from Linux's /proc")
def test_workers_die_with_a_parent_killed_outright(tmp_path: Path) -> None:
    """kill -9 (the OOM killer) of a process mid-map: its workers, waiting on a queue whose writing end they hold
    too, would wait forever with their share of the index; they die with it (Linux's parent-death signal)."""
    parent = subprocess.Popen([sys.executable, "-c", NAPPING_MAP, str(tmp_path)], cwd=ROOT)
    try:
        for _ in range(300):
            workers = [int(found.stem) for found in tmp_path.glob("*.pid")]
            if len(workers) == 2:
                break
            time.sleep(0.1)
        assert len(workers) == 2
    finally:
        parent.kill()
        parent.wait()
    for _ in range(100):
        if all(process_gone(pid) for pid in workers):
            break
        time.sleep(0.1)
    left = [pid for pid in workers if not process_gone(pid)]
    for pid in left:
        os.kill(pid, 9)
    assert left == []
