"""Health, readiness and list updates.

/healthz and /readyz need no key (load balancers and orchestrators call them);
updating the lists is admin-only. An update runs in the background unless
`sync=true`; either way the new index is built off to the side and swapped in
atomically, so screening goes on meanwhile.
"""

from __future__ import annotations

import logging
import threading

import anyio
from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import JSONResponse

from ..errors import InterdictError
from ..sources import get_source
from .common import COMMON_ERRORS, JSONBytes, service
from .models import ErrorResponse, StatusResponse, UpdateResponse
from .security import Principal, require_role

router = APIRouter(tags=["System information"])
log = logging.getLogger("interdict.api")


@router.get("/healthz", summary="Health check", response_model=StatusResponse)
async def healthz() -> JSONBytes:
    """Liveness: the process answers (no API key needed)."""
    return JSONBytes({"status": "ok"})


@router.get(
    "/readyz",
    summary="Index readiness check",
    response_model=StatusResponse,
    responses={503: {"description": "The index is still loading, or lists are missing (named in the body)", "model": ErrorResponse}},
)
async def readyz(request: Request) -> JSONResponse:
    """Readiness: 200 once the first index is loaded with every list the store should hold; 503 before, or while
    lists are missing (the body names them). No API key needed."""
    state = service(request)
    generation = state.generation
    if generation is None:
        return JSONResponse({"detail": state.load_error or "Index not ready."}, status_code=503)
    if generation.missing:
        missing = list(generation.missing)
        detail = f"Not ready: lists missing from the store: {', '.join(missing)}. Screens would be incomplete; load them (`interdict datasets` loads the bundled ones, `interdict update` fetches current ones)."
        return JSONResponse({"detail": detail, "missing_lists": missing}, status_code=503)
    return JSONResponse({"status": "ok"})


@router.post(
    "/updatez",
    summary="Update the lists",
    response_model=UpdateResponse,
    responses={400: {"description": "Unknown dataset", "model": ErrorResponse}, 409: {"description": "An update is already running", "model": ErrorResponse}, **COMMON_ERRORS},
)
async def force_update(
    request: Request,
    principal: Principal = Depends(require_role("admin")),
    dataset: list[str] = Query([], title="Datasets to update (default: all)"),
    sync: bool = Query(False, title="Wait until the update and the new index are done"),
    force: bool = Query(False, title="Accept a list past the shrink or churn limit against its reviewed baseline (it becomes the new baseline)"),
) -> JSONBytes:
    """Fetch the current official lists (or the configured mirror), validate them, and swap the new index in.

    Admin only. Screening continues on the current index until the new one is ready.
    """
    state = service(request)
    try:
        for name in dataset:
            get_source(name)
    except InterdictError as exc:
        raise HTTPException(status_code=400, detail=str(exc)) from None
    if state.updating:
        raise HTTPException(status_code=409, detail="A list update is already running; GET /updatez shows its progress.")
    names = list(dataset) or None
    log.info("list update of %s requested by %s", ", ".join(names or ["all lists"]), principal.name)
    if sync:
        try:
            status = await anyio.to_thread.run_sync(lambda: state.update(names, force=force))
        except InterdictError as exc:
            raise HTTPException(status_code=409, detail=str(exc)) from None
        return JSONBytes({"status": "error" if status.error else "ok", **status.to_dict()})

    def run() -> None:
        try:
            state.update(names, force=force)
        except InterdictError:
            pass  # another update started first; its status is what GET /updatez shows

    threading.Thread(target=run, name="interdict-update", daemon=True).start()
    return JSONBytes({"status": "ok", **state.update_status.to_dict(), "running": True})


@router.get(
    "/updatez",
    summary="Status of the last list update",
    response_model=UpdateResponse,
    responses=COMMON_ERRORS,
    dependencies=[Depends(require_role("admin"))],
)
async def update_status(request: Request) -> JSONBytes:
    """The last update's start, end and per-list results (admin only)."""
    status = service(request).update_status
    return JSONBytes({"status": "error" if status.error else "ok", **status.to_dict()})
