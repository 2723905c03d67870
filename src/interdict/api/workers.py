"""Several service workers on one port, each accepting its own connections on its own socket (SO_REUSEPORT).

Why not uvicorn's own `--workers`: its workers share one listening socket, and
the worker that wakes first accepts every connection waiting. A client's pool
of keep-alive connections, opened at once, then lands mostly on one worker and
stays there: 50 connections split 37/13, 38/12 and 28/22 in three tries
(bench/load.py's client, measured with `ss`). The busier worker's clients queue
three times as long while the other worker idles, which set the p99 latency
(82-139 ms at 50 clients on 2 workers) and cost throughput.

Here each worker binds its own socket to the port with SO_REUSEPORT, and the
kernel spreads new connections over the sockets by a hash of their addresses:
an even split on average, 25 +- 3.5 of 50. The same load gave p99 58-60 ms
(bench/load.py, in the issue 11 note).

What this costs, against uvicorn's shared socket:
- connections waiting in a worker's own accept queue when that worker dies
  are reset (uvicorn's other workers would have accepted them); the dead
  worker is replaced at once, as uvicorn does;
- SO_REUSEPORT is Linux's (and the BSDs'): elsewhere `serve_workers` is not
  used and uvicorn's shared socket serves (`reuse_port_available`).

The parent holds the port with a bound socket that never listens: no other
program can take the port while a worker restarts, and the parent checks
first that nothing else listens there (two services sharing a port through
SO_REUSEPORT would split each other's traffic silently).
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import signal
import socket
import sys
import threading
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Any

import uvicorn
from uvicorn.config import STARTUP_FAILURE

from ..errors import InterdictError

log = logging.getLogger("interdict.api")

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)
POLL_SECONDS = 0.5  # how often the parent looks for a dead worker: sooner replaces it sooner, each look is a waitpid
STOP_GRACE_SECONDS = 15.0  # after SIGTERM, how long a worker may finish its requests before it is killed


def reuse_port_available() -> bool:
    """Whether this system balances connections over sockets sharing a port (Linux, the BSDs)."""
    return hasattr(socket, "SO_REUSEPORT") and sys.platform.startswith(("linux", "freebsd", "dragonfly"))


def _family(host: str) -> socket.AddressFamily:
    return socket.AF_INET6 if ":" in host else socket.AF_INET


def _socket(host: str, port: int, reuse_port: bool) -> socket.socket:
    sock = socket.socket(_family(host), socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if reuse_port:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        sock.bind((host, port))
    except OSError:
        sock.close()
        raise
    return sock


def reserve_port(host: str, port: int) -> socket.socket:
    """The parent's hold on the port: a bound SO_REUSEPORT socket that never listens, so it is given no connections.

    Port 0 picks a free port, which every worker then shares. Raises InterdictError when
    anything else is bound there, a service sharing the port included.
    """
    try:
        return _reserve(host, port)
    except OSError as exc:
        raise InterdictError(
            f"cannot serve on {host}:{port}: {exc.strerror or exc}. Another program (or another `interdict serve`) may hold the port: "
            "stop it or choose another --port."
        ) from None


def _reserve(host: str, port: int) -> socket.socket:
    probe = _socket(host, port, reuse_port=False)  # fails if anything holds the port, even through SO_REUSEPORT
    port = probe.getsockname()[1]
    probe.close()
    return _socket(host, port, reuse_port=True)


def _worker(config: uvicorn.Config, host: str, port: int) -> None:
    """A worker process: its own listening socket on the shared port, then uvicorn's server on it."""
    config.configure_logging()
    try:
        sock = _socket(host, port, reuse_port=True)
    except OSError as exc:
        log.error("worker could not bind %s:%s: %s", host, port, exc)
        sys.exit(STARTUP_FAILURE)
    server = uvicorn.Server(config)
    try:
        server.run(sockets=[sock])
    except KeyboardInterrupt:
        pass
    if not server.started:
        sys.exit(STARTUP_FAILURE)


class Workers:
    """The parent: starts `count` workers, replaces one that dies, stops them all on SIGINT or SIGTERM.

    A worker that exits with uvicorn's startup-failure code (its app or socket
    is broken, and every replacement would fail the same way) stops the service,
    and `run` returns that code.
    """

    def __init__(self, config: uvicorn.Config, count: int, host: str, port: int):
        self.config = config
        self.count = count
        self.host = host
        self.port = port
        self.processes: list[BaseProcess] = []
        self.stopping = threading.Event()
        self._context = multiprocessing.get_context("spawn")  # a fresh interpreter per worker, as uvicorn's

    def _start(self) -> BaseProcess:
        process = self._context.Process(target=_worker, args=(self.config, self.host, self.port), name="interdict-worker")
        process.start()
        log.info("started worker process [%s]", process.pid)
        return process

    def run(self) -> int:
        """Serve until a stop signal (exit code 0) or a worker's startup failure (its code)."""
        previous: dict[signal.Signals, Any] = {}
        for stop in STOP_SIGNALS:
            previous[stop] = signal.signal(stop, lambda number, frame: self.stopping.set())
        code = 0
        try:
            self.processes = [self._start() for _ in range(self.count)]
            while not self.stopping.wait(POLL_SECONDS):
                code = self.replace_dead()
                if code:
                    break
        finally:
            self.stop_all()
            for stop, handler in previous.items():
                signal.signal(stop, handler)
        return code

    def replace_dead(self) -> int:
        """Start a new worker for each one that exited; a startup failure is returned instead (0: all is well)."""
        for position, process in enumerate(self.processes):
            if process.is_alive() or self.stopping.is_set():
                continue
            process.join()
            if process.exitcode == STARTUP_FAILURE:
                log.error("worker process [%s] failed to start; stopping the service", process.pid)
                return STARTUP_FAILURE
            log.warning("worker process [%s] exited with code %s; starting another", process.pid, process.exitcode)
            self.processes[position] = self._start()
        return 0

    def stop_all(self) -> None:
        for process in self.processes:
            if process.is_alive():
                process.terminate()  # SIGTERM: uvicorn finishes the requests in flight, then exits
        for process in self.processes:
            process.join(STOP_GRACE_SECONDS)
            if process.is_alive():
                log.warning("worker process [%s] did not stop within %g s; killing it", process.pid, STOP_GRACE_SECONDS)
                process.kill()
                process.join()


def serve_workers(config: uvicorn.Config, count: int, hold: socket.socket) -> int:
    """Run `count` workers of `config` (its app an import string) on the port `hold` reserves; the exit code."""
    port = hold.getsockname()[1]
    log.info("%s workers, each listening on its own socket on port %s", count, port)
    return Workers(config, count, config.host, port).run()


LISTENING, ESTABLISHED = "0A", "01"  # TCP states as Linux's /proc/net/tcp writes them


def sockets_by_process(root: int, port: int, state: str) -> dict[int, set[str]]:
    """Per process of a server (`root` and its descendants): its TCP sockets on `port` in `state`, as inodes.

    Read from Linux's /proc (empty elsewhere). How bench/load.py and the tests see which worker holds which
    connection, and that each worker listens on a socket of its own.
    """
    wanted: set[str] = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text(encoding="ascii").splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            if int(fields[1].rsplit(":", 1)[1], 16) == port and fields[3] == state:
                wanted.add(fields[9])
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir() if wanted else ():
        if entry.name.isdigit():
            try:
                parent = int((entry / "stat").read_text(encoding="ascii").rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
            children.setdefault(parent, []).append(int(entry.name))
    found: dict[int, set[str]] = {}
    todo = [root]
    while todo:
        pid = todo.pop()
        todo.extend(children.get(pid, []))
        held = _socket_inodes(pid) & wanted
        if held:
            found[pid] = held
    return found


def _socket_inodes(pid: int) -> set[str]:
    inodes: set[str] = set()
    try:
        descriptors = list(Path(f"/proc/{pid}/fd").iterdir())
    except OSError:
        return inodes
    for descriptor in descriptors:
        try:
            target = os.readlink(descriptor)
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[8:-1])
    return inodes
