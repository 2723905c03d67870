"""Connection limits against real sockets: slow request heads are closed, oversized ones refused.

Issue 10, item 13: uvicorn arms no timer before a connection's first request,
so 3,000 connections that sent nothing, or one header byte at a time, stayed
open for ever. api/server.py's GuardedProtocol gives every request head
`header_timeout` seconds (a short one here, to keep the tests fast).
"""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import time
from urllib.parse import urlparse

import httpx
import pytest

from interdict.api import ServiceSettings, create_app

from .test_auth import _free_port

HEADER_TIMEOUT = 1.0
PARTIAL_HEAD = b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n"


@pytest.fixture
def guarded(start_server):  # type: ignore[no-untyped-def]
    """A keyless service (no index needed: /healthz answers) with a one-second head timeout."""
    settings = ServiceSettings(auth=False, watch_seconds=0, header_timeout=HEADER_TIMEOUT, keep_alive_timeout=5, max_head_bytes=20_000)
    return start_server(create_app(settings), lifespan="off")


def _address(url: str) -> tuple[str, int]:
    parsed = urlparse(url)
    return parsed.hostname or "127.0.0.1", parsed.port or 80


async def _held_open(host: str, port: int, trickle: bool, limit: float) -> tuple[float, bytes]:
    """Connect, then send nothing (or a header byte every 0.2 s); (seconds until the server closed, what it sent)."""
    start = time.monotonic()  # before connecting: the server's timer cannot start earlier
    reader, writer = await asyncio.open_connection(host, port)
    received = b""
    try:
        if trickle:
            writer.write(PARTIAL_HEAD)
        while time.monotonic() - start < limit:
            try:
                chunk = await asyncio.wait_for(reader.read(65536), timeout=0.2)
            except TimeoutError:
                if trickle:
                    writer.write(b"X")  # one byte of a header that never ends
                    await writer.drain()
                continue
            if not chunk:
                return time.monotonic() - start, received
            received += chunk
        return float("inf"), received
    except (ConnectionResetError, BrokenPipeError):
        return time.monotonic() - start, received
    finally:
        writer.close()


def test_slow_and_silent_connections_are_closed_at_the_head_timeout(guarded) -> None:  # type: ignore[no-untyped-def]
    host, port = _address(guarded.url)

    async def attack() -> tuple[list[tuple[float, bytes]], float]:
        tasks = [asyncio.create_task(_held_open(host, port, trickle=i % 2 == 1, limit=HEADER_TIMEOUT + 5)) for i in range(200)]
        await asyncio.sleep(0.3)
        # Meanwhile an ordinary client is served at once.
        started = time.monotonic()
        async with httpx.AsyncClient(base_url=guarded.url) as client:
            assert (await client.get("/healthz")).status_code == 200
        served = time.monotonic() - started
        return await asyncio.gather(*tasks), served

    results, served = asyncio.run(attack())
    closed_after = [seconds for seconds, _ in results]
    assert served < HEADER_TIMEOUT + 2.0  # answered during the attack, not after it (the test's own client shares this process)
    assert max(closed_after) < HEADER_TIMEOUT + 2.0, f"still open after {max(closed_after):.1f} s"
    assert min(closed_after) > HEADER_TIMEOUT - 0.2  # not before the deadline
    silent, trickling = results[0::2], results[1::2]
    assert all(sent == b"" for _, sent in silent)  # nothing to answer: closed quietly
    for _, sent in trickling:
        assert sent.startswith(b"HTTP/1.1 408 ") and b"connection: close" in sent and b"took longer than 1 s" in sent


def test_a_head_sent_slowly_but_in_time_is_served(guarded) -> None:  # type: ignore[no-untyped-def]
    with socket.create_connection(_address(guarded.url), timeout=10) as sock:
        for piece in (b"GET /healthz HTT", b"P/1.1\r\nHost: 127.0.0.1\r\n", b"Connection: close\r\n\r\n"):
            sock.sendall(piece)
            time.sleep(HEADER_TIMEOUT / 4)
        answer = sock.recv(65536)
    assert answer.startswith(b"HTTP/1.1 200 ") and answer.endswith(b'{"status":"ok"}')


def test_each_head_on_a_kept_alive_connection_gets_its_own_deadline(guarded) -> None:  # type: ignore[no-untyped-def]
    request = b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
    with socket.create_connection(_address(guarded.url), timeout=10) as sock:
        sock.sendall(request)
        assert sock.recv(65536).startswith(b"HTTP/1.1 200 ")
        time.sleep(HEADER_TIMEOUT * 1.5)  # idle between requests: the keep-alive timeout's business (5 s), not the head's
        sock.sendall(request)
        assert sock.recv(65536).startswith(b"HTTP/1.1 200 ")
        sock.sendall(PARTIAL_HEAD)  # a head that never completes: 408 and closed at its own deadline
        start = time.monotonic()
        answer = sock.recv(65536)
        assert sock.recv(65536) == b""
        elapsed = time.monotonic() - start
    assert answer.startswith(b"HTTP/1.1 408 ") and HEADER_TIMEOUT - 0.2 < elapsed < HEADER_TIMEOUT + 2.0


def test_an_oversized_head_is_431_and_closed(guarded) -> None:  # type: ignore[no-untyped-def]
    with socket.create_connection(_address(guarded.url), timeout=10) as sock:
        sock.sendall(PARTIAL_HEAD + b"X-Padding: " + b"a" * 30_000 + b"\r\n")
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    assert answer.startswith(b"HTTP/1.1 431 ") and b"over 20,000 bytes" in answer


@pytest.mark.parametrize("workers", [1, 2])
def test_serve_applies_the_head_timeout(un_db: str, tmp_path, workers: int) -> None:  # type: ignore[no-untyped-def]
    """`interdict serve` as users run it, one worker (the protocol class bound to the settings) or two (read from the environment)."""
    port = _free_port()
    command = [sys.executable, "-c", "from interdict.cli import main; main()", "serve", "--no-auth", "--port", str(port), "--workers", str(workers)]
    env = dict(os.environ, INTERDICT_HOME=str(tmp_path / "home"), INTERDICT_SERVE_HEADER_TIMEOUT="1")
    process = subprocess.Popen([*command, "--no-access-log", "--db", un_db], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=env)
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=5).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline and process.poll() is None, "the server did not start"
            time.sleep(0.1)
        with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
            start = time.monotonic()
            assert sock.recv(1) == b""  # a silent connection, closed by the server
            elapsed = time.monotonic() - start
    finally:
        process.terminate()
        process.communicate(timeout=30)
    assert 0.8 < elapsed < 3.0
