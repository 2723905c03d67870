"""The FastAPI application: routers, limits, browser rules, and errors that are always JSON.

Middleware, outermost first: CORS (only for configured origins), errors (an
unexpected exception is a JSON 500 on a connection that stays open, see
error_handlers.py), the browser guard (only without API keys, see
browser.py), body and URL limits (limits.py), and the fast path of POST /match
(match_fast_path.py). Error bodies follow yente:
`{"detail": "..."}` for 4xx, `{"status": "error"}` for a 500.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib.metadata import PackageNotFoundError, version

from fastapi import Depends, FastAPI
from fastapi.middleware.cors import CORSMiddleware

from .. import ui
from ..match.screener import Screener
from ..store import SnapshotStore
from ..store.keys import KeyStore
from ..workflows.limits import current_limits
from . import docs, routes_cases, routes_data, routes_match, routes_relations, routes_screen, routes_system, workflow_routes
from .browser import BrowserGuard
from .error_handlers import ErrorsMiddleware, install_error_handlers
from .limits import LimitsMiddleware
from .match_fast_path import MatchFastPath
from .missing_lists import MissingListsMiddleware
from .security import require_role
from .settings import ServiceSettings
from .state import ServiceState
from .workers import report_readiness

DESCRIPTION = """
Screen people, companies, vessels and aircraft against the official sanctions lists
(OFAC, UN, UK, EU, Canada, Australia, US CSL), with no search cluster.

* `POST /match/{dataset}` is a drop-in for yente's query-by-example API: same request
  and response shapes, so existing yente clients work unchanged.
* `POST /screen` and `POST /screen/batch` are interdict's native screening endpoints
  (the result lines of `interdict screen-file`).

Every endpoint but `/healthz` and `/readyz` needs an API key, sent as
`Authorization: Bearer <key>` or `X-API-Key: <key>`; create keys with
`interdict keys create --role screener|analyst|admin`.
"""


def _version() -> str:
    try:
        return version("interdict")
    except PackageNotFoundError:  # running from a source tree
        return "0.0.0"


def create_app(
    settings: ServiceSettings | None = None,
    store: SnapshotStore | None = None,
    screener: Screener | None = None,
    keys: KeyStore | None = None,
) -> FastAPI:
    """The service app. Pass a store and screener to serve an index already in memory (tests, embedding)."""
    settings = settings or ServiceSettings()
    state = ServiceState(settings, store=store, screener=screener, keys=keys)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        state.start()
        try:
            yield
        finally:
            state.stop()

    app = FastAPI(
        title="interdict",
        version=_version(),
        description=DESCRIPTION,
        lifespan=lifespan,
        docs_url=None,  # served offline by docs.router
        redoc_url=None,
    )
    app.state.service = state
    # First matching prefix wins: batches, then the workflow documents (/screen/payment...), which cap their own size.
    document_bytes = max(settings.max_body_bytes, current_limits().max_document_bytes)
    body_limits = {
        "/screen/batch": settings.max_batch_body_bytes,
        "/screen/": document_bytes,
        "/ui/files": settings.max_batch_body_bytes,  # the web UI's uploads: a file of parties, a document
        "/ui/documents": document_bytes,
    }
    # add_middleware puts each one outside those added before it.
    app.add_middleware(MatchFastPath, state=state)
    app.add_middleware(LimitsMiddleware, default_limit=settings.max_body_bytes, limits=body_limits)
    if not settings.auth:
        app.add_middleware(BrowserGuard, allowed_hosts=settings.allowed_hosts)
    app.add_middleware(ErrorsMiddleware)
    app.add_middleware(MissingListsMiddleware)  # X-Interdict-Missing-Lists while lists are missing, on every response
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=list(settings.cors_origins),
            allow_methods=["GET", "POST"],
            allow_headers=["Authorization", "X-API-Key", "Content-Type"],
            expose_headers=["x-batch-size", "x-interdict-missing-lists"],
            max_age=600,
        )
    for router in (routes_match.router, routes_data.router, routes_relations.router, routes_screen.router, routes_system.router, routes_cases.router, docs.router):
        app.include_router(router)
    # The workflows area adds its routes to this router; a key is required whatever they declare.
    app.include_router(workflow_routes.router, dependencies=[Depends(require_role("screener"))])
    install_error_handlers(app)
    ui.mount(app, state)  # the web UI at /ui (after the error handlers: it wraps them to answer pages under /ui)
    return app


def app_from_env() -> FastAPI:
    """Factory for uvicorn worker processes: settings come from INTERDICT_SERVE_* variables.

    A balanced worker (api/workers.py) leaves new connections to its peers until this app can screen."""
    app = create_app(ServiceSettings.from_env())
    state: ServiceState = app.state.service
    report_readiness(lambda: state.ready)
    return app
