"""Page 7, the lists: /ui/lists (what is loaded, from where, as of when), admin updates and what they changed.

Thin wrappers: the table is `lists.describe_lists` (what `interdict datasets`
prints), an update is `ServiceState.update` (what POST /updatez runs, over
`update.update`, the function `interdict update` calls), and what changed is
`lists.snapshot_changes` (entries added, removed and amended between a list's
snapshot and the one before it). The update button is shown to admins only,
and the POST checks the role and the CSRF token anyway.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from ...errors import InterdictError
from ...lists import Changes, describe_lists, snapshot_changes
from ...sources import registry
from ..web import csrf_checked, page_user, render, service

router = APIRouter(prefix="/ui")
VIEW_ROLE = "screener"
ADMIN_ROLE = "admin"
SHOWN = 200  # entries listed per kind of change on the page (the counts are always whole)
_described: dict[tuple[tuple[str, int], ...], list[dict[str, Any]]] = {}
_changes: OrderedDict[tuple[str, int | None], Changes] = OrderedDict()
_lock = threading.Lock()


def _lists(request: Request) -> list[dict[str, Any]]:
    """describe_lists, once per set of active snapshots (it reads every entry to date the files that state no date)."""
    store = service(request).open_store()
    key = tuple(sorted((snap.dataset, snap.id) for snap in store.active_snapshots()))
    with _lock:
        found = _described.get(key)
    if found is None:
        found = describe_lists(store)
        with _lock:
            _described.clear()
            _described[key] = found
    return found


def changes_of(request: Request, dataset: str, snapshot_id: int | None = None) -> Changes:
    """snapshot_changes, kept per snapshot (snapshots never change, so neither does what they changed): reading two
    snapshots' entries takes about a second for the largest list."""
    store = service(request).open_store()
    if snapshot_id is None:
        active = store.active_snapshot(dataset)
        snapshot_id = active.id if active is not None else None
    key = (dataset, snapshot_id)
    with _lock:
        found = _changes.get(key)
    if found is None or snapshot_id is None:
        found = snapshot_changes(store, dataset, snapshot_id)
        with _lock:
            _changes[key] = found
            while len(_changes) > 32:
                _changes.popitem(last=False)
    return found


def _is_admin(user: Any) -> bool:
    return str(getattr(user, "role", "")) == ADMIN_ROLE


@router.get("/lists", response_class=HTMLResponse)
def lists_page(request: Request, user: Any = Depends(page_user(VIEW_ROLE))) -> HTMLResponse:
    """Each list's publication date, entry counts, provenance and last update; the update form for admins."""
    state = service(request)
    return render(
        request,
        "lists/index.html",
        {"lists": _lists(request), "admin": _is_admin(user), "registry": list(registry()), "status": state.update_status, "updating": state.updating},
    )


@router.post("/lists/update", response_model=None)
async def start_update(request: Request, user: Any = Depends(csrf_checked(ADMIN_ROLE))) -> Response:
    """Fetch the chosen lists (official URLs or the configured mirror) in the background, then show what changed."""
    state = service(request)
    form = await request.form()
    known = registry()
    names = [str(name) for name in form.getlist("dataset") if str(name) in known] or None
    if state.updating:
        return render(request, "lists/update.html", {"status": state.update_status, "error": "A list update is already running.", "refresh": 2}, status=409)

    def run() -> None:
        try:
            state.update(names)
        except InterdictError:
            pass  # another update started first; its status is what the page shows

    threading.Thread(target=run, name="interdict-ui-update", daemon=True).start()
    return RedirectResponse("/ui/lists/update", status_code=303)


@router.get("/lists/update", response_class=HTMLResponse)
def update_status(request: Request, user: Any = Depends(page_user(ADMIN_ROLE))) -> HTMLResponse:
    """The last update: running (the page reloads itself), or each list's result and what it changed."""
    state = service(request)
    status = state.update_status
    changed: dict[str, Changes] = {}
    if not status.running and not state.updating:
        for result in status.results:
            if result.get("ok") and not result.get("unchanged") and result.get("snapshot_id") is not None:
                try:
                    changed[result["dataset"]] = changes_of(request, result["dataset"], result["snapshot_id"])
                except InterdictError:
                    continue
    return render(request, "lists/update.html", {"status": status, "running": status.running or state.updating, "changed": changed, "shown": SHOWN, "refresh": 2})


@router.get("/lists/{dataset}/changes", response_class=HTMLResponse)
def list_changes(request: Request, dataset: str, user: Any = Depends(page_user(VIEW_ROLE))) -> HTMLResponse:
    """What the list's active snapshot changed against the one stored before it."""
    try:
        found = changes_of(request, dataset[:100])
    except InterdictError as exc:
        return render(request, "lists/changes.html", {"dataset": dataset[:100], "error": str(exc)}, status=404)
    return render(request, "lists/changes.html", {"dataset": dataset, "changes": found, "shown": SHOWN})
