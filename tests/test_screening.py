"""From the store to a screener: a process with threads (the service) has the index built in a fresh interpreter, which
may fork its workers, and loads what it saved; when that cannot give this index, it builds it itself."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from interdict import screening
from interdict.cores import can_fork, usable_cores
from interdict.store import SnapshotStore

from .helpers import process_gone


@pytest.fixture
def beside_a_thread() -> Iterator[None]:
    """This process runs a second thread, as the service does while it rebuilds."""
    release = threading.Event()
    other = threading.Thread(target=release.wait)
    other.start()
    try:
        assert not can_fork()
        yield
    finally:
        release.set()
        other.join()


@pytest.mark.skipif(usable_cores() < 2, reason="on one core a separate build gains nothing and is not tried")
def test_a_process_with_threads_gets_the_index_a_separate_process_built(un_store: SnapshotStore, beside_a_thread: None) -> None:
    key = screening.index_key(un_store)
    assert not screening.cache_path(key).exists()
    said: list[str] = []
    index = screening.load_or_build_index(un_store, progress=said.append)
    assert index.build_key == key and screening.cache_path(key).is_file()
    assert said[0].startswith("building the index in a separate process")
    assert any(message.startswith("building the name index") for message in said[1:])  # the child's progress
    assert not any("building it here" in message for message in said)
    # the index this process would have built: the same entries in the same places, the same words
    here = screening.build_lists_index(un_store.active_entities(), key)
    assert [index.id_at(at) for at in range(index.size)] == [here.id_at(at) for at in range(here.size)]
    assert list(index.token_texts) == list(here.token_texts)
    # and the next process loads it from the cache
    said.clear()
    assert screening.load_or_build_index(un_store, progress=said.append).build_key == key and said == []


def test_a_separate_build_of_another_key_is_refused_and_this_process_builds(un_store: SnapshotStore, beside_a_thread: None) -> None:
    """The child checks the key against its own view of the store and code (a list update or an upgrade between the
    two would give another): it builds nothing, and the caller is told to build the index itself."""
    said: list[str] = []
    other = "00000000-" + "0" * 20
    assert screening._built_apart(un_store, other, screening.cache_path(other), said.append) is None
    assert not screening.cache_path(other).exists()
    assert "its lists or code changed meanwhile" in said[-1] and said[-1].endswith("building it here")


def test_processes_that_find_the_index_missing_at_once_build_it_once(un_store: SnapshotStore) -> None:
    """Each worker of a service finds the new lists' index missing after an update: one builds it (here, in a
    separate process), the others wait for it and load it. Three threads stand for the three processes."""
    key = screening.index_key(un_store)
    said: list[list[str]] = [[], [], []]
    keys: list[str] = []
    start = threading.Barrier(3)

    def open_index(messages: list[str]) -> None:
        start.wait()
        keys.append(screening.load_or_build_index(un_store, progress=messages.append).build_key)

    threads = [threading.Thread(target=open_index, args=(messages,)) for messages in said]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert keys == [key] * 3
    assert sorted(bool(messages) for messages in said) == [False, False, True]  # one built, two loaded


ORPHANING_CHILD = """
import os, signal, time
worker = os.fork()
if worker == 0:  # a forked build worker the child leaves behind, holding the child's output
    time.sleep(120)
    os._exit(0)
with open(os.environ["ORPHAN_PID_FILE"], "w") as handle:
    handle.write(str(worker))
print("progress: building the name index", flush=True)
os.kill(os.getpid(), signal.SIGKILL)  # the OOM killer's choice: the process holding the index
"""


def test_a_separate_build_killed_midway_leaves_neither_a_wait_nor_its_workers(
    un_store: SnapshotStore, beside_a_thread: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The child is killed while a worker it forked lives on: the caller is told to build the index itself at once
    (the orphan holds no pipe it reads), and the child's whole process group is killed."""
    monkeypatch.setattr(screening, "_APART", ORPHANING_CHILD)
    monkeypatch.setenv("ORPHAN_PID_FILE", str(tmp_path / "orphan.pid"))
    key = screening.index_key(un_store)
    said: list[str] = []
    started = time.monotonic()
    assert screening._built_apart(un_store, key, screening.cache_path(key), said.append) is None
    assert time.monotonic() - started < 30
    assert said[1] == "building the name index"  # the child's progress, as it came
    assert "exit status -9" in said[-1] and said[-1].endswith("building it here")
    orphan = int((tmp_path / "orphan.pid").read_text())
    for _ in range(50):
        if process_gone(orphan):
            break
        time.sleep(0.1)
    assert process_gone(orphan)


LOCK_HOLDER = """
import os, signal, sys, time
from pathlib import Path
from interdict import screening
with screening._building(Path(sys.argv[1])):
    worker = os.fork()
    if worker == 0:  # a forked build worker, orphaned when its parent is killed
        time.sleep(120)
        os._exit(0)
    Path(sys.argv[2]).write_text(str(worker))
    os.kill(os.getpid(), signal.SIGKILL)
"""

LOCK_TAKER = """
import sys
from pathlib import Path
from interdict import screening
with screening._building(Path(sys.argv[1])) as writable:
    print("taken", writable)
"""


def test_the_build_lock_dies_with_its_holder_not_with_its_workers(tmp_path: Path) -> None:
    """A build killed midway (its forked workers orphaned) does not keep every later process of that store waiting."""
    path = tmp_path / "cache" / "index-abcd1234-0000.idx"
    pid_file = tmp_path / "orphan.pid"
    subprocess.run([sys.executable, "-c", LOCK_HOLDER, str(path), str(pid_file)], stdout=subprocess.DEVNULL, timeout=60)
    orphan = int(pid_file.read_text())
    try:
        taken = subprocess.run([sys.executable, "-c", LOCK_TAKER, str(path)], capture_output=True, text=True, timeout=60, check=True)
        assert taken.stdout.split() == ["taken", "True"]
    finally:
        os.kill(orphan, signal.SIGKILL)
