"""Caps that keep one client from taking the service down: body size, URL length, time, threads.

- Body size is checked before the body is read (Content-Length) and while it is
  read (chunked uploads), per path: /screen/batch may be large, the rest small.
- Matching is CPU-bound Python: a few threads per process run it (more threads
  only fight over the GIL and stretch every request's latency); the rest queue
  in order. A request that waits or runs longer than the timeout is answered
  503 and its remaining queries are not screened.
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
    """Runs screening work on a few threads, under the request timeout.

    Screening never runs on the event loop, however small: one query can take
    seconds (fifty 500-character names), and while it runs inline the loop
    answers nothing else, /healthz included (issue 10, item 12: eight such
    requests held /healthz for 17.7 s). The hand-over to a thread costs tens of
    microseconds, next to a millisecond or more of matching.
    """

    def __init__(self, threads: int, timeout: float):
        self.threads = max(1, threads)
        self.timeout = timeout
        self._limiter: anyio.CapacityLimiter | None = None

    @property
    def limiter(self) -> anyio.CapacityLimiter:
        if self._limiter is None:  # created inside the event loop, on first use
            self._limiter = anyio.CapacityLimiter(self.threads)
        return self._limiter

    async def run(self, work: Callable[[float], T], queries: int | None = None) -> T:
        """`work(deadline)` on a screening thread; it should raise Deadline once time.monotonic() passes deadline.

        `queries`: how many queries the work screens, when known. Accepted from
        every caller, but it no longer changes where the work runs: always on a
        screening thread.
        """
        deadline = time.monotonic() + self.timeout
        try:
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
