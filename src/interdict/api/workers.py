"""Several service workers on one port, each taking new connections only while it holds no more than the others.

Why not uvicorn's own `--workers`: its workers share one listening socket, and
the worker that wakes first accepts every connection waiting. A client's pool
of keep-alive connections, opened at once, then lands mostly on one worker and
stays there: 50 connections split 37/13, 38/12 and 28/22 in three tries
(bench/load.py's client). The busier worker's clients queue three times as long
while the other worker idles: p99 82-139 ms at 50 clients on 2 workers.

A socket per worker (SO_REUSEPORT, tried first) lets the kernel spread
connections by a hash of their addresses: even on average, but 29/21 in two
runs of three at 50 clients (p99 59-66 ms against 50 ms at 25/25) and 8/2 at
10 clients.

So here the workers share one listening socket again, which the parent opens,
but each accepts one connection at a time, and only while it holds no more
connections than the least loaded of the others (each worker publishes its
count in a small shared array). A worker past its share leaves the connection
for the others, and takes it anyway after `DEFER_MAX_SECONDS`, so a hung or
busy peer cannot strand it. A worker whose app cannot screen yet (a replacement
still loading its index, which would answer 503) publishes its count plus
`NOT_READY_LOAD` (and the parent writes `NOT_READY_LOAD` for a worker it starts):
a ready peer takes the new connections, and the loading worker takes one only
when no peer is ready, or when the peers' loads have stood still for
`NOT_READY_DEFER_MAX_SECONDS` (a hung peer).
The app tells it through `report_readiness`, which the worker's app factory
calls (api/app.py `app_from_env`). Connections waiting in the queue when a worker dies
stay there for the others, and the parent, which holds the socket, keeps the
port while a worker restarts.

What it relies on of uvicorn: `Server.serve(sockets=[])` serves no listener of
its own, and a connection accepted here is given to the protocol uvicorn would
build (`config.http_protocol_class` with the server's state), so uvicorn's
connection limits, graceful shutdown and our GuardedProtocol apply unchanged.

A worker whose parent is killed outright (SIGKILL, the OOM killer) stops itself:
on Linux the kernel sends it SIGTERM (PR_SET_PDEATHSIG, which reaches a worker
still starting too), and every worker also compares its parent's pid, given by
the parent, with getppid() while it serves.
"""

from __future__ import annotations

import asyncio
import ctypes
import logging
import multiprocessing
import os
import signal
import socket
import sys
import threading
from collections.abc import Callable
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
PUBLISH_SECONDS = 0.01  # how often a worker publishes its connection count: closed connections show up this late
RECHECK_SECONDS = 0.002  # a worker past its share looks again this soon: longer leaves a new connection waiting longer
DEFER_MAX_SECONDS = 0.05  # after this long waiting for a less loaded worker to take a connection, a worker takes it
NOT_READY_LOAD = 1 << 20  # added to the published count of a worker that cannot screen yet: more than any ready one holds
NOT_READY_DEFER_MAX_SECONDS = 1.0  # how long a worker still loading leaves a connection to a ready peer: longer, a hung peer
# strands it longer; shorter, a peer busy for that long lets the connection reach a worker that answers 503

_readiness: Callable[[], bool] = lambda: True  # whether this process's app can screen (set by `report_readiness`)


def report_readiness(probe: Callable[[], bool]) -> None:
    """Tell this worker process how to ask its app whether it can screen yet (until then peers take new connections)."""
    global _readiness
    _readiness = probe


def balanced_workers_available() -> bool:
    """Whether this system runs the balanced workers (POSIX: event loops that watch a socket's readiness)."""
    return os.name == "posix"


def listen(host: str, port: int, backlog: int) -> socket.socket:
    """The service's listening socket, opened by the parent before any seeding: a busy port is reported at once.

    Port 0 picks a free port. Raises InterdictError when the port is taken.
    """
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise InterdictError(
            f"cannot serve on {host}:{port}: {exc.strerror or exc}. Another program (or another `interdict serve`) may hold the port: "
            "stop it or choose another --port."
        ) from None
    sock.listen(backlog)
    sock.set_inheritable(True)
    return sock


class BalancedServer(uvicorn.Server):
    """uvicorn's server in one worker, taking connections from the shared socket only while it is among the least loaded."""

    def __init__(self, config: uvicorn.Config, listener: socket.socket, loads: Any, slot: int, parent: int):
        super().__init__(config)
        self.listener = listener
        self.loads = loads  # shared array: connections each worker holds
        self.slot = slot
        self._watching = False
        self._accepting = 0  # connections accepted whose protocol uvicorn does not count yet
        self._deferred_since: float | None = None  # when this worker began leaving a waiting connection to the others
        self._deferred_last = 0.0
        self._peers_seen: list[int] = []  # the peers' loads when this worker, still loading, last looked
        # The parent's pid as the parent gave it: read here with getppid, a parent killed while this process was
        # still starting (importing takes seconds) would already be gone, and the worker would never notice.
        self._parent = parent

    async def serve(self, sockets: list[socket.socket] | None = None) -> None:
        publisher = asyncio.get_running_loop().create_task(self._publish_when_started())
        try:
            await super().serve(sockets=[])  # no listener of uvicorn's own: connections come from `_ready`
        finally:
            publisher.cancel()
            self._unwatch()

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        self._unwatch()  # stop taking connections first, as uvicorn closes its listeners first
        await super().shutdown(sockets)

    async def _publish_when_started(self) -> None:
        while not self.started:
            if self.should_exit or self._orphaned():
                return
            await asyncio.sleep(PUBLISH_SECONDS)
        self.listener.setblocking(False)
        self._watch()
        while not self.should_exit and not self._orphaned():
            self.loads[self.slot] = self._load()
            await asyncio.sleep(PUBLISH_SECONDS)

    def _load(self) -> int:
        """The load this worker publishes: the connections it holds, plus `NOT_READY_LOAD` while its app cannot screen."""
        return len(self.server_state.connections) + self._accepting + (0 if _readiness() else NOT_READY_LOAD)

    def _orphaned(self) -> bool:
        """Whether the parent was killed without stopping us (SIGKILL, OOM); if so, stop as on SIGTERM rather than
        serve on, unsupervised, holding the port and the memory."""
        if os.getppid() == self._parent:
            return False
        log.warning("the service's parent process is gone; this worker stops")
        self.should_exit = True
        return True

    def _watch(self) -> None:
        if not self._watching and not self.should_exit:
            asyncio.get_running_loop().add_reader(self.listener.fileno(), self._ready)
            self._watching = True

    def _unwatch(self) -> None:
        if self._watching:
            self._watching = False
            try:
                asyncio.get_running_loop().remove_reader(self.listener.fileno())
            except (RuntimeError, ValueError, OSError):  # the loop or the socket is already closed
                pass

    def _ready(self) -> None:
        """The shared socket has a connection waiting: take it, or leave it to a less loaded worker for a moment."""
        loop = asyncio.get_running_loop()
        mine = self._load()
        self.loads[self.slot] = mine
        others = [self.loads[slot] for slot in range(len(self.loads)) if slot != self.slot]
        if others and mine > min(others):
            now = loop.time()
            if self._deferred_since is None or now - self._deferred_last > 10 * RECHECK_SECONDS:
                self._deferred_since = now  # a new wait: the last one ended when another worker took its connection
            self._deferred_last = now
            longest = DEFER_MAX_SECONDS
            if mine >= NOT_READY_LOAD and min(others) < NOT_READY_LOAD:
                # Loading, beside a ready peer: leave the connection to it (here it would get 503). While the peers'
                # loads move they are taking connections, so the wait starts again; a hung peer's load stands still,
                # and after NOT_READY_DEFER_MAX_SECONDS of that this worker takes the connection.
                longest = NOT_READY_DEFER_MAX_SECONDS
                if others != self._peers_seen:
                    self._peers_seen = others
                    self._deferred_since = now
            if now - self._deferred_since < longest:
                self._unwatch()
                loop.call_later(RECHECK_SECONDS, self._watch)
                return
        self._deferred_since = None
        try:
            connection, _ = self.listener.accept()
        except (BlockingIOError, InterruptedError):
            return  # another worker took it
        except OSError as exc:  # out of file descriptors, say: pause, as asyncio's own servers do
            log.error("could not accept a connection: %s", exc)
            self._unwatch()
            loop.call_later(1.0, self._watch)
            return
        connection.setblocking(False)
        self._accepting += 1
        self.loads[self.slot] = mine + 1
        loop.create_task(self._serve_connection(connection))

    async def _serve_connection(self, connection: socket.socket) -> None:
        config = self.config

        def protocol() -> asyncio.Protocol:
            return config.http_protocol_class(  # type: ignore[call-arg]
                config=config, server_state=self.server_state, app_state=self.lifespan.state, _loop=asyncio.get_running_loop()
            )

        try:
            await asyncio.get_running_loop().connect_accepted_socket(protocol, connection)
        except OSError:
            connection.close()
        finally:
            self._accepting -= 1  # counted by uvicorn from here on (server_state.connections), or gone


PR_SET_PDEATHSIG = 1  # prctl(2): the signal this process gets when its parent dies


def _stop_with_parent(parent: int) -> None:
    """Linux: ask the kernel for SIGTERM when the parent dies, so a worker blocked in its startup stops too.

    Elsewhere the serving loop's getppid check is all there is. A parent already gone before the request took
    effect is caught by the check after it."""
    try:
        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):  # not Linux
        return
    prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    if os.getppid() != parent:
        os.kill(os.getpid(), signal.SIGTERM)


def _worker(config: uvicorn.Config, listener: socket.socket, loads: Any, slot: int, parent: int) -> None:
    """A worker process: uvicorn's server, taking its connections from the shared socket."""
    _stop_with_parent(parent)
    config.configure_logging()
    server = BalancedServer(config, listener, loads, slot, parent)
    try:
        server.run()
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

    def __init__(self, config: uvicorn.Config, count: int, listener: socket.socket):
        self.config = config
        self.count = count
        self.listener = listener
        self.processes: list[BaseProcess] = []
        self.stopping = threading.Event()
        self._context = multiprocessing.get_context("spawn")  # a fresh interpreter per worker, as uvicorn's
        self.loads = self._context.Array("i", count, lock=False)  # each worker writes only its own slot

    def _start(self, slot: int) -> BaseProcess:
        self.loads[slot] = NOT_READY_LOAD  # a worker still starting cannot screen: its peers must not wait for it
        process = self._context.Process(
            target=_worker, args=(self.config, self.listener, self.loads, slot, os.getpid()), name=f"interdict-worker-{slot}"
        )
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
            self.processes = [self._start(slot) for slot in range(self.count)]
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
        for slot, process in enumerate(self.processes):
            if process.is_alive() or self.stopping.is_set():
                continue
            process.join()
            if process.exitcode == STARTUP_FAILURE:
                log.error("worker process [%s] failed to start; stopping the service", process.pid)
                return STARTUP_FAILURE
            log.warning("worker process [%s] exited with code %s; starting another", process.pid, process.exitcode)
            self.processes[slot] = self._start(slot)
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


def serve_workers(config: uvicorn.Config, count: int, listener: socket.socket) -> int:
    """Run `count` workers of `config` (its app an import string) on the parent's listening socket; the exit code."""
    log.info("%s workers on port %s, each taking connections while it holds no more than the others", count, listener.getsockname()[1])
    return Workers(config, count, listener).run()


LISTENING, ESTABLISHED = "0A", "01"  # TCP states as Linux's /proc/net/tcp writes them


def sockets_by_process(root: int, port: int, state: str) -> dict[int, set[str]]:
    """Per process of a server (`root` and its descendants): its TCP sockets on `port` in `state`, as inodes.

    Read from Linux's /proc (empty elsewhere). How bench/load.py and the tests see which worker holds which
    connection, and that the workers share the parent's listening socket.
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
