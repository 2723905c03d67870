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

from interdict.api.workers import ESTABLISHED, LISTENING, reuse_port_available, sockets_by_process

from .test_auth import _free_port

pytestmark = pytest.mark.skipif(not reuse_port_available() or not Path("/proc/net/tcp").exists(), reason="SO_REUSEPORT and /proc are Linux's")

def _listeners(server: int, port: int) -> dict[int, set[str]]:
    """The server's worker processes: those listening on the port, with their listening sockets."""
    return sockets_by_process(server, port, LISTENING)


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


@pytest.fixture
def two_workers(un_db: str, tmp_path: Path) -> Iterator[tuple[subprocess.Popen, int]]:
    port = _free_port()
    command = [sys.executable, "-c", "from interdict.cli import main; main()", "serve", "--no-auth", "--port", str(port), "--workers", "2"]
    env = dict(os.environ, INTERDICT_HOME=str(tmp_path / "home"), INTERDICT_SERVE_WARM_CACHES="0")
    process = subprocess.Popen([*command, "--no-access-log", "--db", un_db], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=env)
    try:
        _wait(lambda: process.poll() is not None or len(_listeners(process.pid, port)) == 2, 180, "two workers never listened")
        assert process.poll() is None, process.communicate()[1]
        _wait(lambda: _ready(f"http://127.0.0.1:{port}"), 120, "the service never became ready")
        yield process, port
    finally:
        if process.poll() is None:
            process.terminate()
        process.communicate(timeout=60)


def test_each_worker_listens_on_its_own_socket_and_connections_spread_over_them(two_workers) -> None:  # type: ignore[no-untyped-def]
    process, port = two_workers
    listeners = _listeners(process.pid, port)
    first, second = listeners.values()
    assert len(first) == len(second) == 1 and not first & second  # uvicorn's shared socket: one socket, held by both
    # A client pool opened at once, as a bank's gateway does: with one shared socket, one worker took 37 of 50.
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
    # Spread by a hash of each connection's addresses: 30 +- 3.9 each; fewer than 15 has odds of about 1 in 10,000.
    assert min(held.values()) >= 15, held


def test_a_killed_worker_is_replaced_and_the_service_keeps_answering(two_workers) -> None:  # type: ignore[no-untyped-def]
    process, port = two_workers
    victim, survivor = sorted(_listeners(process.pid, port))
    os.kill(victim, signal.SIGKILL)
    replaced = _wait(lambda: (found := _listeners(process.pid, port)) and len(found) == 2 and victim not in found and found, 120, "no new worker listened")
    assert survivor in replaced and process.poll() is None
    url = f"http://127.0.0.1:{port}"
    _wait(lambda: all(_ready(url) for _ in range(20)), 120, "the new worker never became ready")
    with httpx.Client(timeout=30) as client:  # new connections, spread over both workers
        answers = [client.post(f"{url}/screen", json={"name": "Kim Jong Un"}, headers={"Connection": "close"}).status_code for _ in range(20)]
    assert answers == [200] * 20


def test_sigterm_stops_every_worker(two_workers) -> None:  # type: ignore[no-untyped-def]
    process, port = two_workers
    workers = list(_listeners(process.pid, port))
    process.terminate()
    assert process.wait(timeout=60) == 0
    for pid in workers:
        assert not Path(f"/proc/{pid}").exists() or "Z" in Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]


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
