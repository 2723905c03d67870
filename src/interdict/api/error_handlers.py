"""One mapping from exceptions to HTTP responses, and error bodies that cannot fail to encode.

Error bodies follow yente: `{"detail": "..."}` for 4xx (422 keeps FastAPI's
list of validation errors), `{"status": "error"}` for a 500, whose cause goes
to the server log and never to the client.

Two failures this module exists to prevent (issue 10, item 7):

- JSON text may carry a lone surrogate (`"\\ud800"`), which Python decodes
  into a str that UTF-8 cannot encode. FastAPI's 422 body echoes the input, so
  encoding it raised, and the request ended in a 500. `SafeJSONResponse`
  replaces lone surrogates with U+FFFD instead.
- Starlette's last-resort handler (ServerErrorMiddleware) sends the 500 and
  then re-raises, on purpose, so that servers can log it; uvicorn then closes
  the connection, and a keep-alive client's next request fails with a reset.
  `ErrorsMiddleware` answers the JSON 500 itself and does not re-raise, so
  the connection stays usable. Only a response already half sent (a stream
  that failed midway) still ends the connection: that is the one way left to
  tell the client its body is incomplete.
"""

from __future__ import annotations

import json
import logging
import math
from typing import Any

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..errors import ConflictError, ForbiddenError, InputError, InterdictError, NotFoundError, StoreError, UnknownDatasetError, UpdateError
from .state import NotReady

log = logging.getLogger("interdict.api")

STATUS_FOR = (
    (UnknownDatasetError, 400),
    (InputError, 400),
    (NotFoundError, 404),
    (UpdateError, 409),
    (ConflictError, 409),
    (ForbiddenError, 403),
    (StoreError, 503),
)
SERVER_ERROR = b'{"status":"error"}'


def status_for(exc: InterdictError) -> int:
    for kind, status in STATUS_FOR:
        if isinstance(exc, kind):
            return status
    return 400


def without_lone_surrogates(text: str) -> str:
    """`text` with each unpaired UTF-16 surrogate replaced by U+FFFD (UTF-8 cannot encode them)."""
    return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")


def encodable(value: Any) -> Any:
    """`value` (decoded JSON and the like) made encodable as strict JSON text in UTF-8.

    Lone surrogates become U+FFFD and non-finite numbers (Python's json reads
    `NaN` and `Infinity`, which JSON has not) become text; containers are
    copied, other values are kept.
    """
    if isinstance(value, str):
        return without_lone_surrogates(value)
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if isinstance(value, dict):
        return {encodable(key): encodable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [encodable(item) for item in value]
    return value


def shallow(value: Any, depth: int = 16) -> Any:
    """`value` with containers nested deeper than `depth` replaced by "...": a 422 echoes the input, whatever its depth."""
    if isinstance(value, dict | list | tuple) and depth <= 0:
        return "..."
    if isinstance(value, dict):
        return {key: shallow(item, depth - 1) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [shallow(item, depth - 1) for item in value]
    return value


class SafeJSONResponse(JSONResponse):
    """A JSON response whose encoding never fails on input the client sent (echoed in 422 bodies)."""

    def render(self, content: Any) -> bytes:
        try:
            return json.dumps(content, ensure_ascii=False, allow_nan=False, separators=(",", ":"), default=str).encode("utf-8")
        except (UnicodeEncodeError, ValueError):
            return json.dumps(encodable(content), ensure_ascii=False, allow_nan=False, separators=(",", ":"), default=str).encode("utf-8")


class ErrorsMiddleware:
    """ASGI middleware: an unexpected exception becomes a logged JSON 500 on a connection that stays open."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracking(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, tracking)
        except Exception:
            log.exception("%s %s failed", scope.get("method"), scope.get("path"))
            if started:
                raise
            headers = [(b"content-type", b"application/json"), (b"content-length", str(len(SERVER_ERROR)).encode())]
            await send({"type": "http.response.start", "status": 500, "headers": headers})
            await send({"type": "http.response.body", "body": SERVER_ERROR})


def http_error_response(exc: StarletteHTTPException) -> SafeJSONResponse:
    """An HTTPException's answer: `{"detail": ...}` with its status and headers (the route's handler, and
    match_fast_path.py's, which answers outside FastAPI's exception handling)."""
    return SafeJSONResponse({"detail": exc.detail}, status_code=exc.status_code, headers=getattr(exc, "headers", None))


def interdict_error_response(exc: InterdictError, method: str, path: str) -> SafeJSONResponse:
    """An InterdictError's answer: its status by kind (`STATUS_FOR`); a 5xx is logged."""
    status = status_for(exc)
    if status >= 500:
        log.error("%s %s: %s", method, path, exc)
    return SafeJSONResponse({"detail": str(exc)}, status_code=status)


def install_error_handlers(app: FastAPI) -> None:
    """Every error the routes raise, as the JSON body and status yente clients expect."""

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> SafeJSONResponse:
        return http_error_response(exc)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError) -> SafeJSONResponse:
        errors = [{**error, "input": shallow(error["input"])} if "input" in error else error for error in exc.errors()]
        return SafeJSONResponse({"detail": jsonable_encoder(errors)}, status_code=422)

    @app.exception_handler(NotReady)
    async def not_ready(request: Request, exc: NotReady) -> SafeJSONResponse:
        return SafeJSONResponse({"detail": str(exc)}, status_code=503, headers={"Retry-After": "5"})

    @app.exception_handler(InterdictError)
    async def interdict_error(request: Request, exc: InterdictError) -> SafeJSONResponse:
        return interdict_error_response(exc, request.method, request.url.path)

    @app.exception_handler(Exception)
    async def server_error(request: Request, exc: Exception) -> JSONResponse:
        # Reached only from outside ErrorsMiddleware (e.g. the CORS layer); ErrorsMiddleware answers the rest.
        log.exception("%s %s failed", request.method, request.url.path)
        return JSONResponse({"status": "error"}, status_code=500)
