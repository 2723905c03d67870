"""What a web browser may make the service do: CORS, simple requests, DNS rebinding.

A page on any web site can make its visitor's browser send requests to the
service: to 127.0.0.1 on the visitor's own machine, or to a host on their
network. The browser decides what the page may send and read (issue 10,
item 17: with `--no-auth` and CORS open to every origin, any page could run a
list update and read the answer). Three rules close that:

1. **CORS is off unless origins are configured** (`serve --cors-origin`,
   INTERDICT_SERVE_CORS_ORIGINS): no page elsewhere may read an answer, nor
   send a request that needs a CORS preflight (a JSON body, an Authorization
   or X-API-Key header).
2. **Simple requests cannot change state.** A browser sends a "simple" request
   cross-site without asking first: a form's content types
   (`application/x-www-form-urlencoded`, `multipart/form-data`, `text/plain`)
   or none. With API keys on, every state-changing endpoint needs a key in a
   header a browser only sends after a preflight, so the key check refuses
   them. With `--no-auth`, `BrowserGuard` refuses POST, PUT, PATCH and DELETE
   requests of those content types (415) unless they carry `Authorization:
   Bearer ...` or `X-API-Key` (never added by a browser on its own; Basic
   credentials are, so they do not count). Raw-body endpoints therefore take
   any other type: `application/json`, `application/x-ndjson`,
   `application/xml` or `text/xml`, `application/edifact`, `text/csv`.
3. **A --no-auth service answers only to loopback names** (Host `localhost`,
   `127.x.x.x`, `[::1]`, plus INTERDICT_SERVE_ALLOWED_HOSTS). Otherwise a page
   could rename its own host to 127.0.0.1 (DNS rebinding) and be same-origin
   with the service, outside every CORS rule.

`serve --no-auth` also refuses to listen on anything but a loopback address.
"""

from __future__ import annotations

import ipaddress
import json

from starlette.types import ASGIApp, Receive, Scope, Send

UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# Content types a browser may send cross-site without a preflight (the Fetch standard's CORS-safelisted request header values).
SIMPLE_CONTENT_TYPES = frozenset({"application/x-www-form-urlencoded", "multipart/form-data", "text/plain"})
ACCEPTED_TYPES = "application/json, application/x-ndjson, application/xml, text/xml, application/edifact or text/csv"


def is_loopback_host(host: str) -> bool:
    """Whether a host name (no port) names this machine's loopback interface."""
    host = host.strip().lower().rstrip(".")
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def host_name(header: str) -> str:
    """The name part of a Host header: `[::1]:8000` → `[::1]`, `example.org:80` → `example.org`."""
    header = header.strip()
    if header.startswith("["):
        return header[: header.find("]") + 1] if "]" in header else header
    return header.rsplit(":", 1)[0] if header.count(":") == 1 else header


def media_type(content_type: str | None) -> str:
    return (content_type or "").split(";", 1)[0].strip().lower()


def has_credential(headers: dict[bytes, bytes]) -> bool:
    """A header only a script can add, and only after a CORS preflight: `Authorization: Bearer ...` or `X-API-Key`."""
    if b"x-api-key" in headers:
        return True
    return headers.get(b"authorization", b"").strip().lower().startswith(b"bearer ")


async def _refuse(send: Send, status: int, detail: str) -> None:
    body = json.dumps({"detail": detail}).encode()
    await send({"type": "http.response.start", "status": status, "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


class BrowserGuard:
    """ASGI middleware for a service without API keys: loopback Host names only, no state change by simple request."""

    def __init__(self, app: ASGIApp, allowed_hosts: tuple[str, ...] = ()):
        self.app = app
        self.allowed_hosts = frozenset(host.strip().lower() for host in allowed_hosts)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        host = host_name(headers.get(b"host", b"").decode("latin-1"))
        if host and not is_loopback_host(host) and host.lower() not in self.allowed_hosts:
            await _refuse(
                send,
                421,
                f"This service runs without API keys and answers only to localhost and loopback addresses, not {host!r}. "
                "If a reverse proxy forwards that name, add it to INTERDICT_SERVE_ALLOWED_HOSTS; better, use API keys.",
            )
            return
        if scope["method"] in UNSAFE_METHODS and not has_credential(headers):
            kind = media_type(headers.get(b"content-type", b"").decode("latin-1"))
            if not kind or kind in SIMPLE_CONTENT_TYPES:
                sent = f"Content-Type {kind}" if kind else "no Content-Type"
                await _refuse(
                    send,
                    415,
                    f"{scope['method']} with {sent} is refused: any web page can make a browser send that to this service, which runs "
                    f"without API keys. Send the body as {ACCEPTED_TYPES} (e.g. curl -H 'Content-Type: application/json'), "
                    "even when it is empty.",
                )
                return
        await self.app(scope, receive, send)
