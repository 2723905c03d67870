"""Logging in and out of the web UI: passwords (argon2id, store/users.py), server-side sessions, a rate limit.

The cookie `interdict_session` holds a random token (the store keeps its
SHA-256, store/sessions.py); it is HttpOnly (no script reads it),
SameSite=Strict (no other site's page sends it), Path=/ui, and Secure — except
when the page was asked for over plain http from a loopback host
(`localhost`, 127.x, ::1), where browsers would refuse a Secure cookie and no
network sees the traffic (local use and the browser tests). Anywhere else serve
the UI over https (a TLS proxy in front of `interdict serve`).

Rate limit: failed logins are counted per user name and per client address
over a sliding window; past the limit the login is refused (429) without even
checking the password, so guessing costs the guesser time, not the server
CPU. The counts live in the process (each `--workers` process counts its own).
"""

from __future__ import annotations

import ipaddress
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from urllib.parse import quote

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from . import web

router = APIRouter(prefix="/ui", include_in_schema=False)

HOME = "/ui/screen"


@dataclass
class LoginLimiter:
    """Failed logins per key ("user:NAME", "addr:IP") in the last `window` seconds."""

    per_user: int = 5
    per_address: int = 30
    window: float = 15 * 60
    _failures: dict[str, deque[float]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def _recent(self, key: str, now: float) -> deque[float]:
        times = self._failures.setdefault(key, deque())
        while times and times[0] <= now - self.window:
            times.popleft()
        return times

    def wait_seconds(self, user: str, address: str) -> float:
        """0 if a login may be tried now, else how long until it may."""
        now = time.monotonic()
        with self._lock:
            waits = []
            for key, limit in ((f"user:{user.lower()}", self.per_user), (f"addr:{address}", self.per_address)):
                times = self._recent(key, now)
                if len(times) >= limit:
                    waits.append(times[len(times) - limit] + self.window - now)
            return max(waits, default=0.0)

    def failed(self, user: str, address: str) -> None:
        now = time.monotonic()
        with self._lock:
            if len(self._failures) > 100_000:  # a flood of made-up names must not grow memory without bound
                self._failures.clear()
            for key in (f"user:{user.lower()}", f"addr:{address}"):
                self._recent(key, now).append(now)

    def succeeded(self, user: str) -> None:
        with self._lock:
            self._failures.pop(f"user:{user.lower()}", None)

    def reset(self) -> None:
        with self._lock:
            self._failures.clear()


def limiter(request: Request) -> LoginLimiter:
    found = getattr(request.app.state, "ui_login_limiter", None)
    if found is None:
        found = request.app.state.ui_login_limiter = LoginLimiter()
    return found


def safe_next(url: str | None) -> str:
    """Only a path of this UI (never another site: an open redirect would help phishing)."""
    if not url or not url.startswith("/ui") or url.startswith("//") or "\\" in url or url.startswith("/ui/login") or url.startswith("/ui/logout"):
        return HOME
    return url


def login_url(next_url: str | None = None) -> str:
    target = safe_next(next_url)
    return "/ui/login" if target == HOME else f"/ui/login?next={quote(target, safe='')}"


def plain_loopback(request: Request) -> bool:
    """Plain http from a loopback host: the one case where the cookie is not marked Secure."""
    if request.url.scheme != "http":
        return False
    host = (request.url.hostname or "").strip("[]").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _client(request: Request) -> str:
    return request.client.host if request.client else "unknown"


@router.get("")
@router.get("/")
def ui_home(request: Request) -> Response:
    return web.redirect(HOME)


@router.get("/login")
def login_form(request: Request, next: str | None = None) -> Response:
    if web.current_session(request) is not None:
        return web.redirect(safe_next(next))
    return web.render(request, "login.html", {"next": safe_next(next), "error": None, "username": ""})


@router.post("/login")
def login(request: Request, username: str = Form("", max_length=200), password: str = Form("", max_length=2000), next: str = Form("", max_length=2000)) -> Response:
    target = safe_next(next)
    if not web.same_site(request):
        return web.error_page(request, 403, "Form refused", "The login form was not sent from this site's own page.")
    address = _client(request)
    gate = limiter(request)
    wait = gate.wait_seconds(username, address)
    if wait > 0:
        minutes = max(1, round(wait / 60))
        return web.render(
            request,
            "login.html",
            {"next": target, "username": username, "error": f"Too many failed logins. Try again in about {minutes} minute{'s' if minutes != 1 else ''}."},
            status=429,
            headers={"Retry-After": str(int(wait) + 1)},
        )
    user = web.user_store(request).check_password(username, password)
    if user is None:
        gate.failed(username, address)
        return web.render(request, "login.html", {"next": target, "username": username, "error": "Wrong user name or password (or the user is disabled, or has no password yet)."}, status=401)
    gate.succeeded(username)
    token, session = web.session_store(request).open(user)
    response = web.redirect(target)
    response.set_cookie(web.COOKIE, token, path="/ui", httponly=True, samesite="strict", secure=not plain_loopback(request))
    return response


@router.post("/logout")
async def logout(request: Request) -> Response:
    session = await web.in_thread(web.current_session, request)
    if session is not None:
        form = await request.form()
        sent = form.get(web.CSRF_FIELD)
        if sent != session.csrf or not web.same_site(request):
            raise web.CsrfRefused()
        await web.in_thread(web.session_store(request).close, session.token_sha256)
    response = web.redirect("/ui/login")
    response.delete_cookie(web.COOKIE, path="/ui", httponly=True, samesite="strict", secure=not plain_loopback(request))
    return response
