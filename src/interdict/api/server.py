"""Running the service under uvicorn: one process, or several workers sharing one index cache.

With one worker the index loads in the background, so /healthz answers at once
and /readyz says 503 until screening can start. With several workers the lists
are seeded and the index built once, here, before the workers start: each
then loads the cached index in about a second instead of all building it at
once. The workers share one listening socket, and each takes a new connection
only while it holds no more than the others (workers.py), so a client's pool
of connections is spread evenly over them.

Connection limits come from the settings: uvicorn's keep-alive timeout,
concurrency cap, listen backlog and proxy-header trust, plus a request-head
timeout and size cap of our own (`GuardedProtocol`), because uvicorn has
neither: it arms no timer before a connection's first request completes, so a
client that connects and sends nothing, or one header byte at a time, holds a
socket for ever (issue 10, item 13: 3,000 such connections stayed open), and
its httptools parser accepts request heads of any size.
"""

from __future__ import annotations

import asyncio
import copy
import gc
import json
import logging
import os
from collections.abc import Callable
from typing import Any, ClassVar

import uvicorn
from uvicorn.config import LOGGING_CONFIG
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from ..lists import load_lists
from ..screening import load_or_build_index
from .app import create_app
from .settings import ServiceSettings
from .workers import balanced_workers_available, listen, serve_workers

log = logging.getLogger("interdict.api")

APP_FACTORY = "interdict.api.app:app_from_env"  # what each worker process imports


def _reply_and_close(transport: asyncio.Transport, status: int, reason: str, detail: str) -> None:
    """Answer a connection that has no request object yet (its head never completed), then close it."""
    body = json.dumps({"detail": detail}).encode()
    head = f"HTTP/1.1 {status} {reason}\r\ncontent-type: application/json\r\ncontent-length: {len(body)}\r\nconnection: close\r\n\r\n"
    transport.write(head.encode() + body)
    transport.close()


class GuardedProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol with a deadline and a size cap on every request head.

    The head timer starts when a connection opens, and again at the first byte
    of each later request on a kept-alive connection (the idle time between
    requests is uvicorn's keep-alive timeout). It stops when the parser has
    the whole head. A connection still without a complete head when it fires
    is closed: silently if it sent nothing, else after a 408. A head larger
    than `max_head_bytes` is answered 431 and closed. Bodies are not timed:
    the app reads them as it needs, under the request timeout.

    The limits are class attributes: `GuardedProtocol.for_settings(settings)`
    makes a subclass bound to one service's settings; uvicorn's worker
    processes (`--workers N`) use this class itself, which reads them from the
    INTERDICT_SERVE_* environment those workers inherit, as `app_from_env` does.
    """

    header_timeout: ClassVar[float | None] = None
    max_head_bytes: ClassVar[int | None] = None

    @classmethod
    def for_settings(cls, settings: ServiceSettings) -> type[GuardedProtocol]:
        return type("GuardedProtocol", (cls,), {"header_timeout": settings.header_timeout, "max_head_bytes": settings.max_head_bytes})

    @classmethod
    def _limits(cls) -> tuple[float, int]:
        if cls.header_timeout is None or cls.max_head_bytes is None:  # a worker process: settings from its environment
            settings = ServiceSettings.from_env()
            cls.header_timeout, cls.max_head_bytes = settings.header_timeout, settings.max_head_bytes
        return cls.header_timeout, cls.max_head_bytes

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._head_timer: asyncio.TimerHandle | None = None
        self._in_head = True  # the parser expects a request head (not a body)
        self._head_bytes = 0
        self._start_head_timer()

    def connection_lost(self, exc: Exception | None) -> None:
        self._stop_head_timer()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        in_head = self._in_head
        if in_head:
            if self._head_timer is None:  # the first byte of a head on a kept-alive connection
                self._start_head_timer()
            self._head_bytes += len(data)
        super().data_received(data)
        if in_head and self._in_head and self._head_bytes > self._limits()[1] and not self.transport.is_closing():
            self._stop_head_timer()
            self._refuse(431, "Request Header Fields Too Large", f"Request line and headers over {self._limits()[1]:,} bytes; send long inputs in a POST body.")

    # httptools parser callbacks: where a head ends and the next one may begin.

    def on_headers_complete(self) -> None:
        self._in_head = False
        self._head_bytes = 0
        self._stop_head_timer()
        super().on_headers_complete()

    def on_message_complete(self) -> None:
        super().on_message_complete()
        self._in_head = True  # the timer starts with the next head's first byte

    def _start_head_timer(self) -> None:
        self._stop_head_timer()
        self._head_timer = asyncio.get_running_loop().call_later(self._limits()[0], self._head_timeout)

    def _stop_head_timer(self) -> None:
        timer = getattr(self, "_head_timer", None)
        if timer is not None:
            timer.cancel()
            self._head_timer = None

    def _head_timeout(self) -> None:
        self._head_timer = None
        if self.transport.is_closing() or not self._in_head:
            return
        if self._head_bytes:
            self._refuse(408, "Request Timeout", f"The request line and headers took longer than {self._limits()[0]:g} s to arrive.")
        else:
            self.transport.close()

    def _refuse(self, status: int, reason: str, detail: str) -> None:
        """Answer a head that will never be served, then close; if an earlier (pipelined) request is still being answered, only close."""
        if self.cycle is None or self.cycle.response_complete:
            _reply_and_close(self.transport, status, reason, detail)
        else:
            self.transport.close()


def uvicorn_options(settings: ServiceSettings, protocol: type[asyncio.Protocol] | None = None) -> dict[str, Any]:
    """uvicorn.Config keywords for the settings' connection limits (tests start their servers with them too)."""
    return {
        "http": protocol or GuardedProtocol.for_settings(settings),
        "timeout_keep_alive": settings.keep_alive_timeout,
        "limit_concurrency": settings.max_connections,
        "backlog": settings.backlog,
        "proxy_headers": True,
        "forwarded_allow_ips": settings.forwarded_allow_ips,
        "server_header": False,
        "timeout_graceful_shutdown": 10,
    }


def prepare(settings: ServiceSettings, progress: Callable[[str], None] | None = None) -> None:
    """Seed the lists and write the index cache that worker processes will load."""
    def seeding(dataset: str, done: int, total: int) -> None:
        if progress and dataset:
            progress(f"loading bundled list {dataset} ({done + 1}/{total})")

    store = load_lists(settings.db, progress=seeding)
    index = load_or_build_index(store, progress)
    del index
    store.engine.dispose()
    gc.collect()


def log_config(level: str) -> dict:
    """uvicorn's logging setup, with interdict's own messages (index loads, updates, errors) on the same stream."""
    config = copy.deepcopy(LOGGING_CONFIG)
    config["loggers"]["interdict"] = {"handlers": ["default"], "level": level.upper(), "propagate": False}
    return config


def serve(
    settings: ServiceSettings,
    host: str = "127.0.0.1",
    port: int = 8000,
    workers: int = 1,
    access_log: bool = True,
    log_level: str = "info",
    progress: Callable[[str], None] | None = None,
) -> None:
    """Run the HTTP service until interrupted."""
    options = {
        "log_config": log_config(log_level),
        "host": host,
        "port": port,
        "log_level": log_level,
        "access_log": access_log,
        **uvicorn_options(settings),
    }
    if workers <= 1:
        uvicorn.run(create_app(settings), **options)
        return
    # The port is taken first: a busy port is reported before minutes of seeding, not after.
    listener = listen(host, port, settings.backlog) if balanced_workers_available() else None
    try:
        prepare(settings, progress)
        os.environ.update(settings.to_env())
        # Workers are new processes: they import the app factory and the protocol class by name, and read the settings from the environment.
        options["http"] = GuardedProtocol
        if listener is None:  # uvicorn's workers, sharing one socket (see workers.py for what that costs)
            uvicorn.run(APP_FACTORY, factory=True, workers=workers, **options)
            return
        code = serve_workers(uvicorn.Config(APP_FACTORY, factory=True, workers=workers, **options), workers, listener)
    finally:
        if listener is not None:
            listener.close()
    if code:
        raise SystemExit(code)
