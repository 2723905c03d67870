"""The FastAPI application: routers, limits, and errors that are always JSON.

Error bodies follow yente: `{"detail": "..."}` for 4xx (422 keeps FastAPI's
list of validation errors), `{"status": "error"}` for a 500, whose cause goes
to the server log and never to the client.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import Depends, FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from ..errors import InputError, InterdictError, NotFoundError, StoreError, UnknownDatasetError, UpdateError
from ..match.screener import Screener
from ..store import SnapshotStore
from ..store.keys import KeyStore
from ..workflows.checks import MAX_DOCUMENT_BYTES
from . import routes_data, routes_match, routes_screen, routes_system, workflow_routes
from .limits import LimitsMiddleware
from .missing_lists import MissingListsMiddleware
from .security import require_role
from .settings import ServiceSettings
from .state import NotReady, ServiceState

log = logging.getLogger("interdict.api")

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

STATUS_FOR = (
    (UnknownDatasetError, 400),
    (InputError, 400),
    (NotFoundError, 404),
    (UpdateError, 409),
    (StoreError, 503),
)


def _status_for(exc: InterdictError) -> int:
    for kind, status in STATUS_FOR:
        if isinstance(exc, kind):
            return status
    return 400


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

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
        redoc_url=None,
    )
    app.state.service = state
    # First matching prefix wins: batches, then the workflow documents (/screen/payment...), which cap their own size.
    body_limits = {"/screen/batch": settings.max_batch_body_bytes, "/screen/": max(settings.max_body_bytes, MAX_DOCUMENT_BYTES)}
    app.add_middleware(LimitsMiddleware, default_limit=settings.max_body_bytes, limits=body_limits)
    app.add_middleware(CORSMiddleware, allow_origins=["*"], allow_methods=["*"], allow_headers=["*"])
    app.add_middleware(MissingListsMiddleware)  # X-Interdict-Missing-Lists while lists are missing
    for router in (routes_match.router, routes_data.router, routes_screen.router, routes_system.router):
        app.include_router(router)
    # The workflows area adds its routes to this router; a key is required whatever they declare.
    app.include_router(workflow_routes.router, dependencies=[Depends(require_role("screener"))])
    _install_error_handlers(app)
    return app


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        return JSONResponse({"detail": exc.detail}, status_code=exc.status_code, headers=getattr(exc, "headers", None))

    @app.exception_handler(NotReady)
    async def not_ready(request: Request, exc: NotReady) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=503, headers={"Retry-After": "5"})

    @app.exception_handler(InterdictError)
    async def interdict_error(request: Request, exc: InterdictError) -> JSONResponse:
        status = _status_for(exc)
        if status >= 500:
            log.error("%s %s: %s", request.method, request.url.path, exc)
        return JSONResponse({"detail": str(exc)}, status_code=status)

    @app.exception_handler(Exception)
    async def server_error(request: Request, exc: Exception) -> JSONResponse:
        log.exception("%s %s failed", request.method, request.url.path)
        return JSONResponse({"status": "error"}, status_code=500)


def app_from_env() -> FastAPI:
    """Factory for uvicorn worker processes: settings come from INTERDICT_SERVE_* variables."""
    return create_app(ServiceSettings.from_env())
