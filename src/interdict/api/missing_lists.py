"""Every response says which lists the index lacks: `X-Interdict-Missing-Lists: eu_fsf,un_sc_sanctions`.

A screen that ran without a list must never look like a clean screen. The
yente-compatible `/match` body cannot carry a new key without breaking its
shape, so the news travels in a header on every response while lists the store
should hold are missing (and `/readyz` answers 503). The header is absent when
nothing is missing, so clients can test for its presence.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

HEADER = "X-Interdict-Missing-Lists"


class MissingListsMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        missing = _missing(scope)  # the generation current when the request arrived, as the route sees it
        if not missing:
            await self.app(scope, receive, send)
            return
        value = ",".join(missing).encode("latin-1")

        async def send_with_header(message: Message) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*message.get("headers", []), (HEADER.lower().encode("latin-1"), value)]}
            await send(message)

        await self.app(scope, receive, send_with_header)


def _missing(scope: Scope) -> tuple[str, ...]:
    app = scope.get("app")
    service = getattr(getattr(app, "state", None), "service", None)
    generation = getattr(service, "generation", None)
    return tuple(generation.missing) if generation is not None else ()
