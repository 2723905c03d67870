"""Page 3: the alert queue, one alert (party, entry and evidence side by side), its four-eyes decision, and a case.

Every handler is thin over one library function of `interdict.cases` (the ones
`interdict alerts …` and the API's /alerts and /decisions call), acting as the
logged-in user. What a role may not do is never offered (no approve button for
the decision's maker or below supervisor), and the POST refuses it anyway: the
role gate of `csrf_checked`, then the store's four-eyes check, then the
decisions table's CHECK constraint. A refusal or a conflict re-renders the
alert with the reason in words and the status it deserves (403, 409), so the
person sees what happened next to what they were looking at.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, Response

from ...cases import AlertStatus, Outcome, views
from ...cases.alerts import MAX_REASON, UNASSIGNED
from ...errors import ConflictError, ForbiddenError, InputError, InterdictError, NotFoundError
from ...store.users import User
from ..web import acting, case_store, csrf_checked, error_page, flash, page_user, redirect, render, service, user_store

router = APIRouter(prefix="/ui")

MAX_ID = 2**62
STATUS_TEXT = {
    "live": "live (open, pending, escalated)",
    AlertStatus.OPEN: "open",
    AlertStatus.PENDING: "pending approval",
    AlertStatus.ESCALATED: "escalated",
    AlertStatus.TRUE_MATCH: "true match",
    AlertStatus.FALSE_POSITIVE: "false positive",
    AlertStatus.DELISTED: "delisted",
}
OUTCOME_TEXT = {
    Outcome.FALSE_POSITIVE: "False positive: someone else (clears the pair until the party or the entry changes)",
    Outcome.TRUE_MATCH: "True match: this is the listed party",
    Outcome.ESCALATE: "Escalate: needs a further decision",
}
ERROR_STATUS = ((ForbiddenError, 403), (ConflictError, 409), (NotFoundError, 404), (InputError, 400))


def _status_of(exc: InterdictError) -> int:
    return next((code for kind, code in ERROR_STATUS if isinstance(exc, kind)), 500)


def _message(exc: InterdictError) -> str:
    if isinstance(exc, ConflictError) and "changed" in str(exc):
        return f"Changed by someone else since you opened it: reload the page and decide again. ({exc})"
    return str(exc)


def _common() -> dict[str, Any]:
    return {"status_text": STATUS_TEXT, "outcome_text": OUTCOME_TEXT, "max_reason": MAX_REASON, "unassigned": UNASSIGNED}


# --- the queue ------------------------------------------------------------------------------------


def _filter(status: str, dataset: str, min_score: str, assignee: str, offset: int, sort: str) -> views.QueueFilter:
    score: float | None = None
    if min_score.strip():
        try:
            score = float(min_score.strip().rstrip("%")) / (100 if min_score.strip().endswith("%") else 1)
        except ValueError:
            raise InputError(f"A minimum score is a number between 0 and 1 (e.g. 0.8); got {min_score!r}.") from None
    if sort not in ("", "newest", "score"):
        raise InputError(f"The queue is sorted by newest or score; got {sort!r}.")
    return views.QueueFilter(
        status=status.strip(),
        dataset=dataset.strip(),
        min_score=score,
        assignee=assignee.strip(),
        offset=offset,
        by_score=sort == "score",
    )


@router.get("/alerts", response_class=HTMLResponse)
def alert_queue(
    request: Request,
    user: User = Depends(page_user("analyst")),
    status: str = Query("live", max_length=32),
    dataset: str = Query("", alias="list", max_length=64),
    min_score: str = Query("", max_length=16),
    assignee: str = Query("", max_length=100),
    offset: int = Query(0, ge=0, le=MAX_ID),
    sort: str = Query("", max_length=16),
) -> HTMLResponse:
    store = case_store(request)
    people = [person for person in user_store(request).all() if person.can("analyst")]
    try:
        wanted = _filter(status, dataset, min_score, assignee, offset, sort)
        found = views.queue(store, wanted)
    except InputError as exc:
        found = views.queue(store, views.QueueFilter())
        return render(
            request,
            "alerts/queue.html",
            {**_common(), "queue": found, "people": people, "error": str(exc), "asked": request.query_params},
            status=400,
        )
    return render(
        request,
        "alerts/queue.html",
        {**_common(), "queue": found, "people": people, "error": None, "asked": request.query_params},
    )


# --- one alert ------------------------------------------------------------------------------------


def _alert_page(
    request: Request, alert_id: int, error: str | None = None, status: int = 200, kept: dict[str, str] | None = None
) -> HTMLResponse:
    try:
        view = views.alert_view(case_store(request), service(request).current().screener, alert_id)
    except NotFoundError as exc:
        return error_page(request, 404, "No such alert", str(exc))
    people = [person for person in user_store(request).all() if person.can("analyst")]
    context = {
        **_common(),
        "view": view,
        "people": people,
        "error": error,
        "kept": kept or {},
        "entry_state_text": views.ENTRY_STATE_TEXT,
    }
    return render(request, "alerts/alert.html", context, status=status)


@router.get("/alerts/{alert_id}", response_class=HTMLResponse)
def alert_page(request: Request, alert_id: int, user: User = Depends(page_user("analyst"))) -> HTMLResponse:
    if not 1 <= alert_id <= MAX_ID:
        return error_page(request, 404, "No such alert", f"No alert {alert_id}.")
    return _alert_page(request, alert_id)


def _run_as(request: Request, user: User, work: Any, done: str, back: str, refused: Callable[[str, int], Response]) -> Response:
    """Run one library call as `user`; on success to `back` with a message, else the page `refused` draws with the reason."""
    try:
        with acting(user):
            work()
    except InterdictError as exc:
        return refused(_message(exc), _status_of(exc))
    flash(request, done)
    return redirect(back)


def _act(request: Request, user: User, alert_id: int, work: Any, done: str, kept: dict[str, str] | None = None) -> Response:
    """`_run_as` on an alert: back to it, or the alert with the reason (and what was typed kept)."""
    return _run_as(request, user, work, done, f"/ui/alerts/{alert_id}", lambda message, status: _alert_page(request, alert_id, message, status, kept))


def _act_on_case(request: Request, user: User, case_id: int, work: Any, done: str) -> Response:
    return _run_as(request, user, work, done, f"/ui/cases/{case_id}", lambda message, status: _case_page(request, case_id, message, status))


@router.post("/alerts/{alert_id}/propose")
def propose(
    request: Request,
    alert_id: int,
    user: User = Depends(csrf_checked("analyst")),
    outcome: str = Form(""),
    reason: str = Form("", max_length=MAX_REASON * 2),
    version: int | None = Form(None),
) -> Response:
    store = case_store(request)
    return _act(
        request,
        user,
        alert_id,
        lambda: store.propose(alert_id, user.name, outcome, reason, version),
        "Decision proposed. It takes effect when a supervisor other than you approves it.",
        {"outcome": outcome, "reason": reason},
    )


@router.post("/alerts/{alert_id}/assign")
def assign(
    request: Request,
    alert_id: int,
    user: User = Depends(csrf_checked("analyst")),
    assignee: str = Form(""),
    version: int | None = Form(None),
) -> Response:
    store = case_store(request)
    who = None if assignee in ("", UNASSIGNED) else assignee
    return _act(
        request,
        user,
        alert_id,
        lambda: store.assign(alert_id, who, user.name, version),
        f"Alert assigned to {who}." if who else "Alert unassigned.",
    )


@router.post("/alerts/{alert_id}/comment")
def comment(
    request: Request,
    alert_id: int,
    user: User = Depends(csrf_checked("analyst")),
    body: str = Form("", max_length=MAX_REASON * 2),
) -> Response:
    store = case_store(request)
    return _act(
        request, user, alert_id, lambda: store.comment(user.name, body, alert_id=alert_id), "Comment added.", {"comment": body}
    )


@router.post("/alerts/{alert_id}/case")
def open_case(
    request: Request,
    alert_id: int,
    user: User = Depends(csrf_checked("analyst")),
    title: str = Form("", max_length=MAX_REASON * 2),
) -> Response:
    store = case_store(request)
    opened: list[int] = []

    def work() -> None:
        opened.append(store.open_case(title, [alert_id], user.name).id)

    response = _act(request, user, alert_id, work, "Case opened.", {"title": title})
    return redirect(f"/ui/cases/{opened[0]}") if opened else response


def _check(request: Request, decision_id: int, user: User, approve: bool, note: str) -> Response:
    store = case_store(request)
    try:
        decision = store.decision(decision_id)
    except NotFoundError as exc:
        return error_page(request, 404, "No such decision", str(exc))

    def work() -> None:
        if approve:
            store.approve(decision_id, user.name, note)
        else:
            store.reject(decision_id, user.name, note)

    done = "Decision approved." if approve else "Decision rejected: the alert is open again for another proposal."
    return _act(request, user, decision.alert_id, work, done, {"note": note})


@router.post("/decisions/{decision_id}/approve")
def approve(
    request: Request,
    decision_id: int,
    user: User = Depends(csrf_checked("supervisor")),
    note: str = Form("", max_length=MAX_REASON * 2),
) -> Response:
    return _check(request, decision_id, user, True, note)


@router.post("/decisions/{decision_id}/reject")
def reject(
    request: Request,
    decision_id: int,
    user: User = Depends(csrf_checked("supervisor")),
    note: str = Form("", max_length=MAX_REASON * 2),
) -> Response:
    return _check(request, decision_id, user, False, note)


# --- cases ------------------------------------------------------------------------------------------


@router.get("/cases", response_class=HTMLResponse)
def case_list(
    request: Request, user: User = Depends(page_user("analyst")), status: str = Query("", max_length=16)
) -> HTMLResponse:
    found = case_store(request).cases(status or None)
    return render(request, "alerts/cases.html", {**_common(), "cases": found, "asked_status": status})


def _case_page(request: Request, case_id: int, error: str | None = None, status: int = 200) -> HTMLResponse:
    try:
        view = views.case_view(case_store(request), case_id)
    except NotFoundError as exc:
        return error_page(request, 404, "No such case", str(exc))
    people = [person for person in user_store(request).all() if person.can("analyst")]
    return render(request, "alerts/case.html", {**_common(), "view": view, "people": people, "error": error}, status=status)


@router.get("/cases/{case_id}", response_class=HTMLResponse)
def case_page(request: Request, case_id: int, user: User = Depends(page_user("analyst"))) -> HTMLResponse:
    if not 1 <= case_id <= MAX_ID:
        return error_page(request, 404, "No such case", f"No case {case_id}.")
    return _case_page(request, case_id)


@router.post("/cases/{case_id}/comment")
def case_comment(
    request: Request, case_id: int, user: User = Depends(csrf_checked("analyst")), body: str = Form("", max_length=MAX_REASON * 2)
) -> Response:
    return _act_on_case(request, user, case_id, lambda: case_store(request).comment(user.name, body, case_id=case_id), "Comment added.")


@router.post("/cases/{case_id}/change")
def case_change(
    request: Request,
    case_id: int,
    user: User = Depends(csrf_checked("analyst")),
    status: str = Form("", max_length=16),
    assignee: str = Form("", max_length=100),
    version: int | None = Form(None),
) -> Response:
    """Assign, close or reopen a case (closing is refused while it holds undecided alerts)."""
    done = {"closed": "Case closed.", "open": "Case reopened."}.get(status, f"Case assigned to {assignee}.")
    return _act_on_case(request, user, case_id, lambda: case_store(request).set_case(case_id, user.name, status or None, assignee or None, version), done)
