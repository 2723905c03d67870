"""The web UI at /ui: server-rendered pages over the same library functions, users and roles as the API.

`mount(app, state)` (called by `api.app.create_app`) serves /ui/static, the
login (auth.py) and the router of every module in `ui/pages/`, found with
pkgutil: a new page is a new module, no registration list. Errors under /ui are
pages, not JSON: the API's own handlers decide the status and the message, and
the UI wraps their answer in its layout. With `serve --no-auth` the UI is off
(every /ui page says why): it needs people to log in, and a --no-auth service
refuses browser form posts by design (api/browser.py).
"""

from __future__ import annotations

import importlib
import json
import pkgutil
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import HTMLResponse, Response
from fastapi.staticfiles import StaticFiles

from . import auth, pages, web

if TYPE_CHECKING:
    from ..api.state import ServiceState

PREFIX = "/ui"
TITLES = {400: "Bad request", 403: "Not allowed", 404: "Not found", 405: "Not allowed", 409: "Conflict", 413: "Too large", 422: "Bad request", 429: "Too many requests", 503: "Not ready"}


def page_modules() -> list[str]:
    """The modules in ui/pages/, in name order."""
    return sorted(f"{pages.__name__}.{info.name}" for info in pkgutil.iter_modules(pages.__path__) if not info.name.startswith("_"))


def mount(app: FastAPI, state: ServiceState) -> None:
    if not state.settings.auth:
        app.include_router(_off_router())
        return
    app.mount(f"{PREFIX}/static", StaticFiles(directory=web.STATIC), name="ui-static")
    app.include_router(auth.router)
    for name in page_modules():
        router = getattr(importlib.import_module(name), "router", None)
        if isinstance(router, APIRouter):
            app.include_router(router, include_in_schema=False)
    _install_error_pages(app)


def _off_router() -> APIRouter:
    router = APIRouter(prefix=PREFIX, include_in_schema=False)

    @router.api_route("{rest:path}", methods=["GET", "POST"])
    def ui_off(rest: str) -> HTMLResponse:
        return HTMLResponse(
            "<!doctype html><html lang=en><title>interdict: web UI off</title><h1>The web UI is off</h1>"
            "<p>This service runs with <code>--no-auth</code>. The web UI needs people to log in: start "
            "<code>interdict serve</code> without <code>--no-auth</code>, set a password with "
            "<code>interdict users passwd NAME</code>, and open /ui.</p>",
            status_code=404,
        )

    return router


Handler = Callable[[Request, Exception], Awaitable[Response] | Response]


def _install_error_pages(app: FastAPI) -> None:
    """Under /ui, every error is a page; elsewhere the API's JSON handlers answer as before."""

    async def login_required(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, web.LoginRequired)
        return web.redirect(auth.login_url(exc.next_url))

    async def role_too_low(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, web.RoleTooLow)
        return web.error_page(request, 403, "Not allowed", f"This page needs the {exc.role} role; you ({exc.user.name}) have the {exc.user.role} role.")

    async def csrf_refused(request: Request, exc: Exception) -> Response:
        return web.error_page(request, 403, "Form refused", "The form was not sent from this site's own page (its security token is missing or stale). Reload the page and try again; nothing was changed.")

    app.add_exception_handler(web.LoginRequired, login_required)
    app.add_exception_handler(web.RoleTooLow, role_too_low)
    app.add_exception_handler(web.CsrfRefused, csrf_refused)
    for kind, handler in list(app.exception_handlers.items()):
        if kind in (web.LoginRequired, web.RoleTooLow, web.CsrfRefused):
            continue
        app.add_exception_handler(kind, _as_page(handler))


def _as_page(handler: Handler) -> Handler:
    async def page(request: Request, exc: Exception) -> Response:
        answer = handler(request, exc)
        response = await answer if not isinstance(answer, Response) else answer
        path = request.url.path
        if not (path == PREFIX or path.startswith(PREFIX + "/")) or path.startswith(f"{PREFIX}/static/"):
            return response
        return web.error_page(request, response.status_code, TITLES.get(response.status_code, "Error"), _detail(response))

    return page


def _detail(response: Response) -> str:
    try:
        body: Any = json.loads(bytes(response.body))
    except (ValueError, AttributeError):
        return "Something went wrong."
    detail = body.get("detail") if isinstance(body, dict) else None
    if isinstance(detail, str):
        return detail
    if isinstance(detail, list):  # validation errors: one line each
        return "; ".join(f"{'.'.join(str(part) for part in item.get('loc', [])[1:])}: {item.get('msg', '')}" for item in detail if isinstance(item, dict))
    if response.status_code >= 500:
        return "The server could not answer this page; the error is in its log. Nothing was changed by this request."
    return "Something went wrong."
