"""Caps that keep one client from taking the service down: body size, URL length, time, threads.

- Body size is checked before the body is read (Content-Length) and while it is
  read (chunked uploads), per path: /screen/batch may be large, the rest small.
- Matching is CPU-bound Python: a few threads per process run it (more threads
  only fight over the GIL and stretch every request's latency); the rest queue
  in order. A request that waits or runs longer than the timeout is answered
  503 and its remaining queries are not screened.
- One short name is screened on the event loop itself (`inline_name_chars`):
  handing it to a thread and back cost 0.2 ms of CPU, a fifth of such a
  request; its work is bounded (at most 0.11 s measured for any name of 100
  characters or fewer, 7 ms at the 99th percentile), so the loop is never held
  long. Everything larger runs on the threads.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any, TypeVar

import anyio
from fastapi import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

MAX_URL_BYTES = 60_000  # as yente: longer URLs get 414

T = TypeVar("T")


class BodyTooLarge(HTTPException):
    """Raised while a body is read past its cap; FastAPI passes HTTPExceptions through body parsing."""

    def __init__(self, limit: int, path: str):
        super().__init__(status_code=413, detail=f"Request body over the {limit:,} byte limit for {path}; send less per request.")


class Deadline(Exception):
    """Screening work ran past the request timeout."""


async def _reply(send: Send, status: int, body: dict) -> None:
    data = json.dumps(body).encode()
    await send({"type": "http.response.start", "status": status, "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(data)).encode())]})
    await send({"type": "http.response.body", "body": data})


class LimitsMiddleware:
    """ASGI middleware: 414 for long URLs, 413 for bodies over the cap of their path."""

    def __init__(self, app: ASGIApp, default_limit: int, limits: dict[str, int]):
        self.app = app
        self.default_limit = default_limit
        self.limits = limits  # path prefix → byte cap

    def limit_for(self, path: str) -> int:
        for prefix, limit in self.limits.items():
            if path.startswith(prefix):
                return limit
        return self.default_limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope.get("path", "")
        if len(scope.get("raw_path") or path.encode()) + len(scope.get("query_string") or b"") > MAX_URL_BYTES:
            await _reply(send, 414, {"detail": f"URL longer than {MAX_URL_BYTES:,} bytes; send long inputs in a POST body."})
            return
        limit = self.limit_for(path)
        for name, value in scope.get("headers") or []:
            if name == b"content-length":
                if not value.isdigit():
                    await _reply(send, 400, {"detail": "Invalid Content-Length header."})
                    return
                if int(value) > limit:
                    await _reply(send, 413, {"detail": f"Request body of {int(value):,} bytes is over the {limit:,} byte limit for {path}; send less per request."})
                    return
        received = 0

        async def limited() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge(limit, path)
            return message

        await self.app(scope, limited, send)


class Runner:
    """Runs screening work on a few threads, or inline when it is one short name, under the request timeout.

    Work of unknown or large size never runs on the event loop: one query can
    take seconds (fifty 500-character names), and while it runs inline the
    loop answers nothing else, /healthz included (issue 10, item 12: eight such
    requests held /healthz for 17.7 s). One query whose names total at most
    `inline_name_chars` characters does: its cost is bounded (see the module's
    doc), and the hand-over to a thread and back (a capacity limiter, two
    wake-ups, the GIL passed twice) cost about as much as the framework's own
    work on such a request. With 50 clients on two workers it raised
    throughput from 1,640-1,710 to 1,990-2,000 requests/s (bench/load.py).
    """

    def __init__(self, threads: int, timeout: float, inline_name_chars: int = 0):
        self.threads = max(1, threads)
        self.timeout = timeout
        self.inline_name_chars = inline_name_chars
        self._limiter: anyio.CapacityLimiter | None = None

    @property
    def limiter(self) -> anyio.CapacityLimiter:
        if self._limiter is None:  # created inside the event loop, on first use
            self._limiter = anyio.CapacityLimiter(self.threads)
        return self._limiter

    def runs_inline(self, queries: int | None, name_chars: int | None) -> bool:
        """Whether work of this size runs on the event loop: one query whose names total few characters."""
        return queries == 1 and name_chars is not None and 0 < name_chars <= self.inline_name_chars

    async def run(self, work: Callable[[float], T], queries: int | None = None, name_chars: int | None = None) -> T:
        """`work(deadline)` on a screening thread (or inline, see `runs_inline`); it should raise Deadline once
        time.monotonic() passes deadline.

        `queries`: how many queries the work screens, when known; `name_chars`: the characters of all their names
        together, when known. Without both, the work runs on a thread.
        """
        deadline = time.monotonic() + self.timeout
        try:
            if self.runs_inline(queries, name_chars):
                return work(deadline)
            with anyio.fail_after(self.timeout + 1.0):
                # Not abandoned on timeout: the work stops itself at the deadline (it checks it
                # between queries and document items), and its thread slot is released only
                # then, so abandoned work can never run beside new work beyond the thread limit.
                return await anyio.to_thread.run_sync(work, deadline, limiter=self.limiter, abandon_on_cancel=False)
        except (TimeoutError, Deadline):
            raise HTTPException(
                status_code=503,
                detail=f"Screening took longer than {self.timeout:g} s (the service is busy or the request is large); retry, or send fewer queries per request.",
            ) from None

    async def run_batch(self, work: Callable[[], Any]) -> Any:
        """Work of a streamed batch: on a screening thread, no overall timeout."""
        return await anyio.to_thread.run_sync(work, limiter=self.limiter)


def check(deadline: float) -> None:
    if time.monotonic() > deadline:
        raise Deadline()
