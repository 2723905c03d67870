"""Page 4: the watch register — parties, their status, when each was last screened, the alerts each raised.

Thin over `cases.views.watch_register` / `party_view` (reads) and
`cases.monitor.add_and_screen` / `screen_again`, `cases.register.remove`
(changes; the same functions `interdict monitor …` and the API's /monitor
call), acting as the logged-in analyst. Party ids are customer data and may
hold any character, so changes name the party in a form field rather than in
the URL, and links URL-encode it.
"""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, Response

from ...batch import Record
from ...cases import monitor, register, views
from ...errors import InterdictError, NotFoundError
from ...rows import COLUMNS, MAX_FIELD
from ...store.users import User
from ..web import acting, case_store, csrf_checked, error_page, flash, page_user, redirect, render, service
from .alerts import STATUS_TEXT

router = APIRouter(prefix="/ui")

PAGE = 200
SCHEMAS = ("Person", "Organization", "Company", "LegalEntity", "Vessel", "Aircraft")


def _party_url(party_id: str) -> str:
    return "/ui/watch/" + quote(party_id, safe="")


def _register_page(
    request: Request, removed: bool, after: str, error: str | None = None, status: int = 200, kept: dict[str, str] | None = None
) -> HTMLResponse:
    wanted = register.PartyStatus.REMOVED if removed else register.PartyStatus.ACTIVE
    page = views.watch_register(case_store(request), wanted, after=after, limit=PAGE)
    context = {
        "page": page,
        "removed": removed,
        "after": after,
        "status_text": STATUS_TEXT,
        "schemas": SCHEMAS,
        "error": error,
        "kept": kept or {},
    }
    return render(request, "watch/register.html", context, status=status)


@router.get("/watch", response_class=HTMLResponse)
def watch(
    request: Request,
    user: User = Depends(page_user("analyst")),
    removed: bool = Query(False),
    after: str = Query("", max_length=200),
) -> HTMLResponse:
    return _register_page(request, removed, after)


@router.get("/watch/{party_id:path}", response_class=HTMLResponse)
def party(request: Request, party_id: str, user: User = Depends(page_user("analyst"))) -> HTMLResponse:
    try:
        view = views.party_view(case_store(request), party_id[:200])
    except NotFoundError as exc:
        return error_page(request, 404, "No such party", str(exc))
    return render(request, "watch/party.html", {"view": view, "party_id": party_id, "status_text": STATUS_TEXT})


@router.post("/watch/add")
def add(
    request: Request,
    user: User = Depends(csrf_checked("analyst")),
    party_id: str = Form("", alias="id", max_length=MAX_FIELD),
    name: str = Form("", max_length=MAX_FIELD),
    party_schema: str = Form("", alias="schema", max_length=MAX_FIELD),
    birth_date: str = Form("", max_length=MAX_FIELD),
    nationality: str = Form("", max_length=MAX_FIELD),
    country: str = Form("", max_length=MAX_FIELD),
    id_number: str = Form("", max_length=MAX_FIELD),
) -> Response:
    values = dict(zip(COLUMNS, (party_id, name, party_schema, birth_date, nationality, country, id_number), strict=True))
    try:
        with acting(user):
            report, screened = monitor.add_and_screen(
                case_store(request), service(request).open_store(), service(request).current().screener, [Record(1, dict(values))]
            )
    except InterdictError as exc:
        return _register_page(request, False, "", str(exc), 400, values)
    if report.errors:
        return _register_page(request, False, "", f"Not added: {report.errors[0][2]}.", 400, values)
    what = (
        "added"
        if report.added
        else "updated (a new version)"
        if report.updated
        else "unchanged (already in the register with this data)"
    )
    found = (
        f" Screened: {len(screened.alerts)} new alert(s), {screened.suppressed} suppressed (cleared false positives)."
        if screened and screened.screened
        else ""
    )
    flash(request, f"Party {party_id.strip()} {what}.{found}")
    return redirect(_party_url(party_id.strip()))


@router.post("/watch/screen")
def screen_again(
    request: Request, user: User = Depends(csrf_checked("analyst")), party_id: str = Form("", max_length=200)
) -> Response:
    try:
        with acting(user):
            report = monitor.screen_again(case_store(request), service(request).current().screener, [party_id])
    except InterdictError as exc:
        flash(request, f"Not screened: {exc}")
        return redirect(_party_url(party_id))
    if report.errors:
        flash(request, f"Not screened: {report.errors[0]}.")
    else:
        flash(
            request,
            f"Screened again: {len(report.alerts)} new alert(s), "
            f"{report.suppressed} suppressed (cleared false positives, nothing changed since), "
            f"{report.already_open} already open, {report.already_decided} already decided.",
        )
    return redirect(_party_url(party_id))


@router.post("/watch/remove")
def remove(request: Request, user: User = Depends(csrf_checked("analyst")), party_id: str = Form("", max_length=200)) -> Response:
    try:
        with acting(user):
            removed, _ = register.remove(case_store(request), [party_id])
    except InterdictError as exc:
        flash(request, f"Not removed: {exc}")
        return redirect(_party_url(party_id))
    flash(
        request,
        f"Party {party_id} removed from the register (its history and alerts are kept)."
        if removed
        else f"Party {party_id} was not an active party of the register.",
    )
    return redirect(_party_url(party_id))
