"""The page plumbing every UI page imports: templates, the logged-in user, CSRF, the stores.

A page module (`ui/pages/*.py`) holds `router = APIRouter(prefix="/ui")` and
thin handlers over one library function each:

    @router.get("/thing")
    def thing(request: Request, user: User = Depends(page_user("analyst"))) -> HTMLResponse:
        return render(request, "thing/page.html", {"rows": library_function(case_store(request))})

    @router.post("/thing")
    def change(request: Request, user: User = Depends(csrf_checked("analyst")), reason: str = Form(...)) -> Response:
        with acting(user):
            ...
        flash(request, "Done.")
        return redirect("/ui/thing")

Templates autoescape everything (list data is untrusted): never `|safe` on
data. `render` adds `user`, `csrf_token` (forms carry it as a hidden field
named `csrf`), `nav` and `flash`. This module imports nothing from `api/` at
run time (the API mounts the UI); the service's state arrives through
`request.app.state`.
"""

from __future__ import annotations

import hmac
from collections.abc import Callable, Coroutine, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlsplit

import anyio
from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape

from ..cases import CaseStore
from ..store import audit
from ..store.keys import ROLES, role_rank
from ..store.sessions import Session, SessionStore
from ..store.users import User, UserStore

if TYPE_CHECKING:
    from ..api.state import ServiceState

COOKIE = "interdict_session"
CSRF_FIELD = "csrf"
TEMPLATES = Path(__file__).parent / "templates"
STATIC = Path(__file__).parent / "static"

# The top navigation: (label, URL, the least role whose pages it opens). Entity pages are reached from links
# (/ui/entities/<id>). A link is shown only to a user whose role opens it: the UI never offers what the role may not do.
NAV = (
    ("Screen", "/ui/screen", "screener"),
    ("Files", "/ui/files", "screener"),
    ("Documents", "/ui/documents", "screener"),
    ("Alerts", "/ui/alerts", "analyst"),
    ("Watch", "/ui/watch", "analyst"),
    ("Gaps", "/ui/gaps", "screener"),
    ("Lists", "/ui/lists", "screener"),
)

# Sent with every page: scripts only from /ui/static (no inline script can run, so an escaping slip is not an
# XSS), no framing (clickjacking), forms post only here. Inline style attributes are allowed (bar widths).
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
        "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}


def entity_url(entity_id: str) -> str:
    """The entity page of a list entry (the id URL-encoded: ids are list data)."""
    return "/ui/entities/" + quote(str(entity_id), safe="")


def _percent(value: Any) -> str:
    try:
        return f"{float(value) * 100:.0f}%"
    except (TypeError, ValueError):
        return ""


templates = Environment(
    loader=FileSystemLoader(TEMPLATES),
    autoescape=select_autoescape(default=True, default_for_string=True),
    trim_blocks=True,
    lstrip_blocks=True,
    auto_reload=False,
)
templates.globals["entity_url"] = entity_url
templates.globals["ROLES"] = ROLES
templates.filters["percent"] = _percent
templates.filters["urlencode_id"] = lambda value: quote(str(value), safe="")


# --- errors the handlers below turn into pages (ui/__init__.py installs them) ---------------


class LoginRequired(Exception):
    """No (live) session: the handler redirects to the login page, then back to `next`."""

    def __init__(self, next_url: str):
        super().__init__(next_url)
        self.next_url = next_url


class RoleTooLow(Exception):
    def __init__(self, user: User, role: str):
        super().__init__(role)
        self.user = user
        self.role = role


class CsrfRefused(Exception):
    """A POST without the session's CSRF token, or from another site: 403, nothing done."""


# --- the service's stores ------------------------------------------------------------------


def service(request: Request) -> ServiceState:
    """The running service's state; `service(request).current().screener` is the screener in force."""
    return request.app.state.service


def case_store(request: Request) -> CaseStore:
    """The case store on the service's store (the same one the API's /alerts use)."""
    state = service(request)
    if state.cases is None:
        state.cases = CaseStore(state.open_store().engine)
    return state.cases


def user_store(request: Request) -> UserStore:
    cached = getattr(request.app.state, "ui_users", None)
    if cached is None:
        cached = request.app.state.ui_users = UserStore(service(request).open_store().engine)
    return cached


def session_store(request: Request) -> SessionStore:
    cached = getattr(request.app.state, "ui_sessions", None)
    if cached is None:
        cached = request.app.state.ui_sessions = SessionStore(service(request).open_store().engine)
    return cached


@contextmanager
def acting(user: User) -> Iterator[None]:
    """Attribute the audit records written in this block to `user` (as the API does for a key's user)."""
    with audit.acting_as(user.name):
        yield


async def in_thread(work: Callable[..., Any], *args: Any) -> Any:
    """Run blocking work (the store, the matcher) off the event loop, from an async handler."""
    return await anyio.to_thread.run_sync(work, *args)


# --- who is asking -------------------------------------------------------------------------


def current_session(request: Request) -> Session | None:
    """The request's live session (looked up once per request), or None."""
    if hasattr(request.state, "ui_session"):
        return request.state.ui_session
    token = request.cookies.get(COOKIE, "")
    found = session_store(request).find(token) if token else None
    request.state.ui_session = found
    return found


def _here(request: Request) -> str:
    path = request.url.path
    return f"{path}?{request.url.query}" if request.url.query else path


def _logged_in(request: Request, role: str) -> User:
    session = current_session(request)
    if session is None:
        raise LoginRequired(_here(request) if request.method == "GET" else request.headers.get("referer", "/ui/screen"))
    if not session.user.can(role):
        raise RoleTooLow(session.user, role)
    return session.user


def page_user(role: str) -> Callable[[Request], User]:
    """Dependency: the logged-in user with at least `role` (else: to the login page, or a 403 page)."""
    role_rank(role)

    def dependency(request: Request) -> User:  # sync: FastAPI runs it in a thread (a store read)
        return _logged_in(request, role)

    dependency.__name__ = f"page_user_{role}"
    return dependency


def same_site(request: Request) -> bool:
    """Whether a POST comes from our own pages (Sec-Fetch-Site / Origin), on top of the SameSite cookie."""
    fetch_site = request.headers.get("sec-fetch-site")
    if fetch_site is not None and fetch_site not in ("same-origin", "none"):
        return False
    origin = request.headers.get("origin")
    if origin and origin != "null":
        host = request.headers.get("host", "")
        return urlsplit(origin).netloc.lower() == host.lower()
    return origin != "null"


def csrf_checked(role: str) -> Callable[[Request], Coroutine[Any, Any, User]]:
    """Dependency for POST handlers: like page_user, and the form's `csrf` field must be the session's token."""
    role_rank(role)

    async def dependency(request: Request) -> User:
        user = await in_thread(_logged_in, request, role)
        form = await request.form()
        sent = form.get(CSRF_FIELD)
        session: Session = request.state.ui_session
        if not isinstance(sent, str) or not hmac.compare_digest(sent.encode(), session.csrf.encode()) or not same_site(request):
            raise CsrfRefused()
        return user

    dependency.__name__ = f"csrf_checked_{role}"
    return dependency


# --- responses ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str
    current: bool


def nav(path: str, user: User | None = None) -> list[NavItem]:
    """The links `user` may follow (all of them for no user: the login page shows none anyway)."""
    return [NavItem(label, url, path == url or path.startswith(url + "/")) for label, url, role in NAV if user is None or user.can(role)]


def flash(request: Request, message: str) -> None:
    """A message for the next page this session renders (after a redirect)."""
    session = current_session(request)
    if session is not None:
        session_store(request).set_flash(session.token_sha256, message)


def render(request: Request, template: str, context: dict[str, Any], status: int = 200, headers: dict[str, str] | None = None) -> HTMLResponse:
    """The page: `template` with `context` plus user, csrf_token, nav and flash (shown once)."""
    session = getattr(request.state, "ui_session", None)
    message = None
    if session is not None and session.flash:
        message = session.flash
        session_store(request).set_flash(session.token_sha256, None)
    page = templates.get_template(template).render(
        {
            "request": request,
            "user": session.user if session is not None else None,
            "csrf_token": session.csrf if session is not None else "",
            "nav": nav(request.url.path, session.user if session is not None else None),
            "flash": message,
            **context,
        }
    )
    return HTMLResponse(page, status_code=status, headers={**SECURITY_HEADERS, **(headers or {})})


def redirect(url: str) -> RedirectResponse:
    """303 See Other: after a POST the browser GETs `url` (a reload does not post again)."""
    return RedirectResponse(url, status_code=303, headers={"Cache-Control": "no-store"})


def error_page(request: Request, status: int, title: str, message: str) -> HTMLResponse:
    return render(request, "error.html", {"status": status, "title": title, "message": message}, status=status)
