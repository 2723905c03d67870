"""POST /match/{dataset} without FastAPI's per-request machinery, for the requests that need none of it.

A yente client screening one name per call spends about as much of the
server's time in the framework (routing, dependency solving, the body's
validation, exception and exit-stack wrappers) as in the matcher: 310 of
790 µs a request in-process, on bench/load.py's names. This ASGI middleware
answers the plain case itself. It reads the body, parses it and the query
string with the route's own pydantic models, settles the caller from the
key cache, and answers through `routes_match.answer`, the function the
route itself calls.

Anything else passes to the route untouched, its body replayed: an
uncached, missing or insufficient key, a body or query string that does not
validate, a service still loading, a content type other than JSON. Their
answers (401, 403, 422, 503) are then the route's own. A 4xx or 503 raised
while answering is rendered as the route's exception handler renders it.
The route stays in the OpenAPI spec and is the behaviour this must equal.
tests/api/test_match_fast_path.py holds the two paths to the same answers.

It sits inside the body and URL limits (limits.py), the error middleware
and the missing-lists header, so those apply to both paths alike.
"""

from __future__ import annotations

import re

from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..errors import InterdictError
from .error_handlers import http_error_response, interdict_error_response
from .models import EntityMatchQuery
from .routes_match import MatchQuery, answer
from .security import known_caller
from .state import ServiceState

_PATH = re.compile(r"/match/([^/]+)")
_DEFAULT_QUERY = MatchQuery.model_validate({})  # no query string: every parameter at its default (the model is frozen)


class MatchFastPath:
    """ASGI middleware: answers plain POST /match/{dataset} requests through `routes_match.answer`."""

    def __init__(self, app: ASGIApp, state: ServiceState):
        self.app = app
        self.state = state

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "POST" or not self.state.ready:
            await self.app(scope, receive, send)
            return
        path = _PATH.fullmatch(scope["path"])
        if path is None:
            await self.app(scope, receive, send)
            return
        headers = _headers(scope)
        caller = known_caller(self.state, headers.get("authorization"), headers.get("x-api-key"), "screener")
        if caller is None or headers.get("content-type", "").lower() != "application/json":
            await self.app(scope, receive, send)
            return
        try:
            messages, body, complete = await _read(receive)
        except HTTPException as exc:  # a body over the limit (limits.py)
            await http_error_response(exc)(scope, receive, send)
            return
        if not complete:
            await self.app(scope, _replay(messages, receive), send)
            return
        try:
            query = MatchQuery.parse(Request(scope)) if scope.get("query_string") else _DEFAULT_QUERY
            parsed = EntityMatchQuery.model_validate_json(body) if body else None
        except (RequestValidationError, ValidationError):
            parsed = None
        if parsed is None:
            await self.app(scope, _replay(messages, receive), send)
            return
        scope.setdefault("state", {})["principal"] = caller
        response: Response
        try:
            response = await answer(self.state, path.group(1), query, parsed)
        except HTTPException as exc:
            response = http_error_response(exc)
        except InterdictError as exc:
            response = interdict_error_response(exc, "POST", scope["path"])
        await response(scope, receive, send)


def _headers(scope: Scope) -> dict[str, str]:
    """The request's headers by lowercase name (the first of repeated ones, as Starlette's `get`), decoded as
    Starlette decodes them."""
    headers: dict[str, str] = {}
    for name, value in scope["headers"]:
        headers.setdefault(name.decode("latin-1"), value.decode("latin-1"))
    return headers


async def _read(receive: Receive) -> tuple[list[Message], bytes, bool]:
    """The request's messages as received, its body, and whether the body came whole (no disconnect first).

    The body limits (limits.py) wrap `receive`: a body over them raises here as it would in the route.
    """
    messages: list[Message] = []
    chunks: list[bytes] = []
    while True:
        message = await receive()
        messages.append(message)
        if message["type"] != "http.request":
            return messages, b"", False
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            return messages, b"".join(chunks), True


def _replay(messages: list[Message], receive: Receive) -> Receive:
    """`receive` as if nothing had been read: the messages read so far, then the rest."""
    pending = list(messages)

    async def replay() -> Message:
        if pending:
            return pending.pop(0)
        return await receive()

    return replay
