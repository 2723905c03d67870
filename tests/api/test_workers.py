"""`interdict serve --workers 2` as users run it: a socket per worker, connections spread, a dead worker replaced.

Which process holds which connection is read from /proc (the kernel's own
table of TCP sockets and each process's descriptors, `workers.sockets_by_process`),
on the real server.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from interdict.api.workers import ESTABLISHED, LISTENING, balanced_workers_available, sockets_by_process

from .test_auth import _free_port

pytestmark = pytest.mark.skipif(not balanced_workers_available() or not Path("/proc/net/tcp").exists(), reason="the tests read /proc, which is Linux's")


def _listeners(server: int, port: int) -> dict[int, set[str]]:
    """The server's worker processes (those of its children that hold a listening socket on the port), with those sockets."""
    return {pid: held for pid, held in sockets_by_process(server, port, LISTENING).items() if pid != server}


def _wait(condition, timeout: float, what: str):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        assert time.monotonic() < deadline, what
        time.sleep(0.2)


def _ready(url: str) -> bool:
    try:
        return httpx.get(f"{url}/readyz", timeout=5).status_code == 200
    except httpx.TransportError:
        return False


def _taking_new_connections(server: int, port: int) -> set[int]:
    """The workers that take some of ten connections opened together and held while they are asked (a worker takes new
    connections once it can screen: while it loads its index, its ready peer takes them)."""
    connections = [socket.create_connection(("127.0.0.1", port), timeout=10) for _ in range(10)]
    try:
        for sock in connections:
            sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        for sock in connections:
            sock.recv(65536)
        return set(sockets_by_process(server, port, ESTABLISHED)) - {server}
    except OSError:
        return set()
    finally:
        for sock in connections:
            sock.close()


def _serve_two_workers(un_db: str, tmp_path: Path, port: int) -> subprocess.Popen:
    """`interdict serve --workers 2` on `port`, as a user starts it (its stderr kept for the failure message)."""
    command = [sys.executable, "-c", "from interdict.cli import main; main()", "serve", "--no-auth", "--port", str(port), "--workers", "2"]
    env = dict(os.environ, INTERDICT_HOME=str(tmp_path / "home"), INTERDICT_SERVE_WARM_CACHES="0")
    return subprocess.Popen([*command, "--no-access-log", "--db", un_db], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=env)


@pytest.fixture
def two_workers(un_db: str, tmp_path: Path) -> Iterator[tuple[subprocess.Popen, int]]:
    port = _free_port()
    process = _serve_two_workers(un_db, tmp_path, port)
    try:
        _wait(lambda: process.poll() is not None or len(_listeners(process.pid, port)) == 2, 180, "two workers never listened")
        assert process.poll() is None, process.communicate()[1]
        _wait(lambda: _ready(f"http://127.0.0.1:{port}"), 120, "the service never became ready")
        # /readyz is one worker's answer: the other may still be loading its index, and until it can screen its
        # ready peer takes every new connection (CI once saw 41 of 60 go to one worker so).
        workers = set(_listeners(process.pid, port))
        _wait(lambda: _taking_new_connections(process.pid, port) == workers, 120, "a worker never became ready")
        yield process, port
    finally:
        if process.poll() is None:
            process.terminate()
        process.communicate(timeout=60)


def test_the_workers_share_one_socket_and_a_pool_of_connections_is_spread_evenly(two_workers) -> None:  # type: ignore[no-untyped-def]
    process, port = two_workers
    listeners = _listeners(process.pid, port)
    first, second = listeners.values()
    # One listening socket, the parent's: connections waiting in it are never lost with a worker.
    assert first == second == sockets_by_process(process.pid, port, LISTENING)[process.pid]
    # A client pool opened at once, as a bank's gateway does: uvicorn's workers gave one of them 37 of 50, and a
    # socket per worker (SO_REUSEPORT) 29 of 50 in two runs of three.
    connections = [socket.create_connection(("127.0.0.1", port), timeout=10) for _ in range(60)]
    try:
        for sock in connections:
            sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        for sock in connections:
            assert sock.recv(65536).startswith(b"HTTP/1.1 200 ")
        held = {pid: len(inodes) for pid, inodes in sockets_by_process(process.pid, port, ESTABLISHED).items() if pid in listeners}
    finally:
        for sock in connections:
            sock.close()
    assert sum(held.values()) == 60
    # Each worker takes a connection only while it holds no more than the other: even, but for the few
    # connections a busy worker takes anyway after waiting DEFER_MAX_SECONDS for the other.
    assert min(held.values()) >= 27, held


def test_a_killed_worker_is_replaced_and_the_service_keeps_answering(two_workers) -> None:  # type: ignore[no-untyped-def]
    process, port = two_workers
    victim, survivor = sorted(_listeners(process.pid, port))
    os.kill(victim, signal.SIGKILL)
    replaced = _wait(lambda: (found := _listeners(process.pid, port)) and len(found) == 2 and victim not in found and found, 120, "no new worker listened")
    assert survivor in replaced and process.poll() is None
    url = f"http://127.0.0.1:{port}"
    (replacement,) = set(replaced) - {survivor}
    _wait(lambda: replacement in _taking_new_connections(process.pid, port), 120, "the new worker never became ready")
    with httpx.Client(timeout=30) as client:  # new connections, spread over both workers
        answers = [client.post(f"{url}/screen", json={"name": "Kim Jong Un"}, headers={"Connection": "close"}).status_code for _ in range(20)]
    assert answers == [200] * 20


def test_a_worker_still_loading_its_index_leaves_new_connections_to_a_ready_one(two_workers) -> None:  # type: ignore[no-untyped-def]
    """While a replaced worker loads its index it would answer 503; its ready peer takes the new connections instead.

    Requests go out one new connection after another from the moment a worker is killed until its replacement takes
    connections again: every one is answered 200. Before, about half of those sent while the replacement loaded
    landed on it and got 503 (Retry-After), though the other worker could screen."""
    process, port = two_workers
    victim, survivor = sorted(_listeners(process.pid, port))
    os.kill(victim, signal.SIGKILL)
    url = f"http://127.0.0.1:{port}"
    answers: list[int] = []
    deadline = time.monotonic() + 120
    with httpx.Client(timeout=30, headers={"Connection": "close"}) as client:
        while True:
            assert time.monotonic() < deadline, "the new worker never took connections"
            for _ in range(10):
                answers.append(client.post(f"{url}/screen", json={"name": "Kim Jong Un"}).status_code)
            replacement = [pid for pid in _listeners(process.pid, port) if pid not in (victim, survivor)]
            if replacement and replacement[0] in _taking_new_connections(process.pid, port):
                break
    assert len(answers) >= 20
    assert answers == [200] * len(answers), f"{answers.count(503)} of {len(answers)} answers were 503"


def _ended(pid: int) -> bool:
    """The process has exited (gone, or a zombie waiting for its parent to reap it)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
    except OSError:
        return True


def test_sigterm_stops_every_worker(two_workers) -> None:  # type: ignore[no-untyped-def]
    process, port = two_workers
    workers = list(_listeners(process.pid, port))
    process.terminate()
    assert process.wait(timeout=60) == 0
    assert all(_ended(pid) for pid in workers)


def test_workers_stop_when_their_parent_is_killed(two_workers) -> None:  # type: ignore[no-untyped-def]
    """A parent killed outright (SIGKILL, the OOM killer) cannot stop its workers: they notice and stop themselves."""
    process, port = two_workers
    workers = list(_listeners(process.pid, port))
    os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=30)

    def gone() -> bool:
        return all(_ended(pid) for pid in workers)

    _wait(gone, 60, "the workers kept running without their parent")


def test_workers_stop_when_their_parent_is_killed_while_they_start(un_db: str, tmp_path: Path) -> None:
    """Killed the moment both workers hold the socket, long before they serve: they stop all the same (on Linux the
    kernel signals them; the serving loop's own check would only run once they had started)."""
    port = _free_port()
    process = _serve_two_workers(un_db, tmp_path, port)
    workers: list[int] = []
    try:
        workers = list(_wait(lambda: process.poll() is not None or (len(found := _listeners(process.pid, port)) == 2 and found), 180, "two workers never held the socket"))
        assert process.poll() is None
        started = _ready(f"http://127.0.0.1:{port}")
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
        _wait(lambda: all(_ended(pid) for pid in workers), 60, f"the workers kept running without their parent (one had started: {started})")
    finally:
        for pid in workers:
            if not _ended(pid):
                os.kill(pid, signal.SIGKILL)
        if process.poll() is None:
            process.kill()
        process.communicate(timeout=60)


def test_a_port_already_in_use_is_an_error_before_any_seeding(un_db: str, tmp_path: Path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        command = [sys.executable, "-c", "from interdict.cli import main; main()", "serve", "--no-auth", "--port", str(port), "--workers", "2", "--db", un_db]
        start = time.monotonic()
        result = subprocess.run(command, check=False, capture_output=True, text=True, timeout=120, env=dict(os.environ, INTERDICT_HOME=str(tmp_path / "home")))
    assert result.returncode == 1
    assert f"cannot serve on 127.0.0.1:{port}" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "home").exists() or not any((tmp_path / "home").rglob("*.idx*")), "the index was built before the port was checked"
    assert time.monotonic() - start < 60
