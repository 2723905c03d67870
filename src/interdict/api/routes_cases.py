"""Casework over HTTP: `/alerts`, `/decisions`, `/cases`, `/monitor`, `/audit`, each under the caller's role.

Every route is a thin wrapper over `interdict.cases` and acts as the user the
API key belongs to: that user proposes, approves, comments, and is named in
the audit log. Who may do what is the role ladder (analyst proposes,
supervisor approves; reads of casework need an analyst, the audit a
supervisor) and, whatever the role, the store's rules: a supervisor approving
their own proposal gets 403, someone acting on an alert another person
changed first gets 409 with what changed. With `serve --no-auth` there is no
user, so decisions are refused (403): four eyes need two people.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, TypeVar

import anyio
from fastapi import APIRouter, Body, Depends, HTTPException, Path, Query, Request
from pydantic import BaseModel, Field

from ..batch import Record
from ..cases import CaseStore, monitor, register, views
from ..store import audit
from .common import CHANGED_SINCE, COMMON_ERRORS, JSONBytes, current, service
from .models import ErrorResponse
from .security import Principal, require_role

router = APIRouter(tags=["Casework"])
T = TypeVar("T")
MAX_ID = 2**62
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
ERRORS: dict[int | str, dict[str, Any]] = {
    **COMMON_ERRORS,
    400: {"description": "Invalid input", "model": ErrorResponse},
    403: {"description": "The key's role is too low, the key has no user, or four eyes forbid it (approving your own proposal)", "model": ErrorResponse},
    404: {"description": "No such alert, decision, case, party or user", "model": ErrorResponse},
}
CONFLICT: dict[int | str, dict[str, Any]] = {409: {"description": "Someone else changed it first (reload and retry), or it is not in a state that allows this", "model": ErrorResponse}}


class Proposal(BaseModel):
    alert_id: Id
    outcome: str = Field(..., description="true_match, false_positive or escalate")
    reason: str = Field(..., max_length=4000)
    version: int | None = Field(None, ge=0, le=MAX_ID, description="The alert version you looked at; 409 if it changed since")


class Check(BaseModel):
    note: str = Field("", max_length=4000)


class Assignment(BaseModel):
    assignee: str | None = Field(..., max_length=100)
    version: int | None = Field(None, ge=0, le=MAX_ID)


class CommentBody(BaseModel):
    body: str = Field(..., max_length=4000)


class CaseBody(BaseModel):
    title: str = Field(..., max_length=4000)
    alert_ids: list[Id] = Field(default_factory=list, max_length=10_000)
    assignee: str | None = Field(None, max_length=100)


class CaseChange(BaseModel):
    status: str | None = Field(None, max_length=16)
    assignee: str | None = Field(None, max_length=100)
    version: int | None = Field(None, ge=0, le=MAX_ID)


class Parties(BaseModel):
    parties: list[dict[str, Any]] = Field(..., max_length=100_000, description="Rows of the screen-file contract, each with a stable id")
    screen: bool = Field(True, description="Screen the added and changed parties now")


def cases_of(request: Request) -> CaseStore:
    state = service(request)
    if state.cases is None:
        state.cases = CaseStore(state.open_store().engine)
    return state.cases


def _user(principal: Principal) -> str:
    if not principal.user:
        raise HTTPException(status_code=403, detail="This needs a person: use an API key that belongs to a user (`interdict keys create --user NAME`).")
    return principal.user


async def _run(principal: Principal, work: Callable[[], T]) -> T:
    """Run store work off the event loop, attributed to the key's user in the audit log."""

    def attributed() -> T:
        with audit.acting_as(principal.user or principal.name):
            return work()

    return await anyio.to_thread.run_sync(attributed)


# --- alerts and decisions ---------------------------------------------------------


@router.get("/alerts", summary="List alerts", responses=ERRORS)
async def list_alerts(
    request: Request,
    principal: Principal = Depends(require_role("analyst")),
    status: str | None = Query(None, max_length=16, description="open, pending, escalated, true_match, false_positive, delisted, or live"),
    party_id: str | None = Query(None, max_length=200),
    case_id: int | None = Query(None, ge=1, le=MAX_ID),
    dataset: str | None = Query(None, alias="list", max_length=64, description="Only alerts on entries of this list"),
    min_score: float | None = Query(None, ge=0.0, le=1.0, description="Only alerts scored at least this"),
    assignee: str | None = Query(None, max_length=100, description="Only alerts assigned to this user; '-' for unassigned ones"),
    limit: int = Query(200, ge=1, le=5000),
) -> JSONBytes:
    """Alerts, newest first: party id and version, list entry id and content hash, snapshot, score, explanation, hit (with the path of a relation hit)."""
    store = cases_of(request)
    found = await _run(
        principal, lambda: store.alerts(status=status, party_id=party_id, case_id=case_id, limit=limit, dataset=dataset, min_score=min_score, assignee=assignee)
    )
    return JSONBytes({"alerts": [alert.to_dict() for alert in found]})


@router.get("/alerts/{alert_id}", summary="One alert with its decisions and comments", responses=ERRORS)
async def get_alert(request: Request, alert_id: Annotated[int, Path(ge=1, le=MAX_ID)], principal: Principal = Depends(require_role("analyst"))) -> JSONBytes:
    store = cases_of(request)

    def work() -> dict[str, Any]:
        alert = store.alert(alert_id)
        return {**alert.to_dict(), "decisions": [d.to_dict() for d in store.decisions(alert_id)], "comments": [c.to_dict() for c in store.comments(alert_id=alert_id)]}

    return JSONBytes(await _run(principal, work))


@router.get("/alerts/{alert_id}/history", summary="An alert's history from the audit log", responses=ERRORS)
async def alert_history(request: Request, alert_id: Annotated[int, Path(ge=1, le=MAX_ID)], principal: Principal = Depends(require_role("analyst"))) -> JSONBytes:
    store = cases_of(request)
    records = await _run(principal, lambda: views.alert_history(store, alert_id))
    return JSONBytes({"records": [record.to_dict() for record in records]})


@router.post("/alerts/{alert_id}/assign", summary="Assign an alert", responses={**ERRORS, **CONFLICT})
async def assign_alert(request: Request, alert_id: Annotated[int, Path(ge=1, le=MAX_ID)], body: Assignment, principal: Principal = Depends(require_role("analyst"))) -> JSONBytes:
    store = cases_of(request)
    alert = await _run(principal, lambda: store.assign(alert_id, body.assignee, _user(principal), body.version))
    return JSONBytes(alert.to_dict())


@router.post("/alerts/{alert_id}/comments", summary="Comment on an alert", responses=ERRORS)
async def comment_alert(request: Request, alert_id: Annotated[int, Path(ge=1, le=MAX_ID)], body: CommentBody, principal: Principal = Depends(require_role("analyst"))) -> JSONBytes:
    store = cases_of(request)
    comment = await _run(principal, lambda: store.comment(_user(principal), body.body, alert_id=alert_id))
    return JSONBytes(comment.to_dict())


@router.get("/decisions", summary="List decisions", responses=ERRORS)
async def list_decisions(
    request: Request, principal: Principal = Depends(require_role("analyst")), state: str | None = Query(None, max_length=16, description="proposed, approved, rejected or withdrawn"), alert_id: int | None = Query(None, ge=1, le=MAX_ID)
) -> JSONBytes:
    store = cases_of(request)
    found = await _run(principal, lambda: store.decisions(alert_id, state))
    return JSONBytes({"decisions": [d.to_dict() for d in found]})


@router.post("/decisions", summary="Propose a decision (analyst)", responses={**ERRORS, **CONFLICT})
async def propose(request: Request, body: Proposal, principal: Principal = Depends(require_role("analyst"))) -> JSONBytes:
    """The alert waits for a supervisor other than you."""
    store = cases_of(request)
    decision = await _run(principal, lambda: store.propose(body.alert_id, _user(principal), body.outcome, body.reason, body.version))
    return JSONBytes(decision.to_dict())


@router.post("/decisions/{decision_id}/approve", summary="Approve a decision (supervisor, never its proposer)", responses={**ERRORS, **CONFLICT})
async def approve(request: Request, decision_id: Annotated[int, Path(ge=1, le=MAX_ID)], body: Check | None = Body(None), principal: Principal = Depends(require_role("supervisor"))) -> JSONBytes:
    store = cases_of(request)
    decision = await _run(principal, lambda: store.approve(decision_id, _user(principal), body.note if body else ""))
    return JSONBytes(decision.to_dict())


@router.post("/decisions/{decision_id}/reject", summary="Reject a decision (supervisor, never its proposer)", responses={**ERRORS, **CONFLICT})
async def reject(request: Request, decision_id: Annotated[int, Path(ge=1, le=MAX_ID)], body: Check, principal: Principal = Depends(require_role("supervisor"))) -> JSONBytes:
    store = cases_of(request)
    decision = await _run(principal, lambda: store.reject(decision_id, _user(principal), body.note))
    return JSONBytes(decision.to_dict())


# --- cases -----------------------------------------------------------------------------


@router.get("/cases", summary="List cases", responses=ERRORS)
async def list_cases(request: Request, principal: Principal = Depends(require_role("analyst")), status: str | None = Query(None, max_length=16)) -> JSONBytes:
    store = cases_of(request)
    found = await _run(principal, lambda: store.cases(status))
    return JSONBytes({"cases": [case.to_dict() for case in found]})


@router.post("/cases", summary="Open a case", responses={**ERRORS, **CONFLICT})
async def open_case(request: Request, body: CaseBody, principal: Principal = Depends(require_role("analyst"))) -> JSONBytes:
    store = cases_of(request)
    case = await _run(principal, lambda: store.open_case(body.title, body.alert_ids, _user(principal), body.assignee))
    return JSONBytes(case.to_dict())


@router.get("/cases/{case_id}", summary="One case with its alerts and comments", responses=ERRORS)
async def get_case(request: Request, case_id: Annotated[int, Path(ge=1, le=MAX_ID)], principal: Principal = Depends(require_role("analyst"))) -> JSONBytes:
    store = cases_of(request)

    def work() -> dict[str, Any]:
        case = store.case(case_id)
        return {**case.to_dict(), "alerts": [store.alert(a).to_dict() for a in case.alert_ids], "comments": [c.to_dict() for c in store.comments(case_id=case_id)]}

    return JSONBytes(await _run(principal, work))


@router.get("/cases/{case_id}/history", summary="A case's whole history (its records and its alerts') from the audit log", responses=ERRORS)
async def case_history(request: Request, case_id: Annotated[int, Path(ge=1, le=MAX_ID)], principal: Principal = Depends(require_role("analyst"))) -> JSONBytes:
    store = cases_of(request)
    records = await _run(principal, lambda: views.case_history(store, case_id))
    return JSONBytes({"records": [record.to_dict() for record in records]})


@router.patch("/cases/{case_id}", summary="Assign, close or reopen a case", responses={**ERRORS, **CONFLICT})
async def change_case(request: Request, case_id: Annotated[int, Path(ge=1, le=MAX_ID)], body: CaseChange, principal: Principal = Depends(require_role("analyst"))) -> JSONBytes:
    store = cases_of(request)
    case = await _run(principal, lambda: store.set_case(case_id, _user(principal), body.status, body.assignee, body.version))
    return JSONBytes(case.to_dict())


@router.post("/cases/{case_id}/comments", summary="Comment on a case", responses=ERRORS)
async def comment_case(request: Request, case_id: Annotated[int, Path(ge=1, le=MAX_ID)], body: CommentBody, principal: Principal = Depends(require_role("analyst"))) -> JSONBytes:
    store = cases_of(request)
    comment = await _run(principal, lambda: store.comment(_user(principal), body.body, case_id=case_id))
    return JSONBytes(comment.to_dict())


# --- the watch register -------------------------------------------------------------------


@router.get("/monitor", summary="Parties of the watch register", responses=ERRORS)
async def list_register(
    request: Request, principal: Principal = Depends(require_role("analyst")), limit: int = Query(1000, ge=1, le=100_000), removed: bool = False
) -> JSONBytes:
    store = cases_of(request)
    wanted = register.PartyStatus.REMOVED if removed else register.PartyStatus.ACTIVE

    def work() -> list[dict[str, Any]]:
        found = []
        for party in register.parties(store, status=wanted):
            found.append(party.to_dict())
            if len(found) >= limit:
                break
        return found

    return JSONBytes({"parties": await _run(principal, work)})


@router.post("/monitor", summary="Add or update parties (screened at once)", responses=ERRORS)
async def add_register(request: Request, body: Parties, principal: Principal = Depends(require_role("analyst"))) -> JSONBytes:
    """Each row: the screen-file columns with a stable `id`. Rows that cannot be added are named in `errors`."""
    store = cases_of(request)
    generation = current(request) if body.screen else None

    def work() -> dict[str, Any]:
        records = [Record(line, row) for line, row in enumerate(body.parties, 1)]
        report, screened = monitor.add_and_screen(store, service(request).open_store(), generation.screener if generation else None, records)
        result: dict[str, Any] = report.to_dict()
        if screened is not None:
            result["screening"] = screened.to_dict()
        return result

    return JSONBytes(await _run(principal, work))


@router.delete("/monitor/{party_id}", summary="Remove a party (history and alerts kept)", responses=ERRORS)
async def remove_register(request: Request, party_id: Annotated[str, Path(max_length=200)], principal: Principal = Depends(require_role("analyst"))) -> JSONBytes:
    store = cases_of(request)
    removed, _ = await _run(principal, lambda: register.remove(store, [party_id]))
    if not removed:
        raise HTTPException(status_code=404, detail=f"No party {party_id!r} in the register.")
    return JSONBytes({"removed": removed})


@router.post("/monitor/{party_id}/screen", summary="Screen one party again now", responses=ERRORS)
async def screen_party(request: Request, party_id: Annotated[str, Path(max_length=200)], principal: Principal = Depends(require_role("analyst"))) -> JSONBytes:
    """New hits become alerts; a cleared false positive stays suppressed unless the party or the entry changed (`suppressed`)."""
    store = cases_of(request)
    generation = current(request)
    report = await _run(principal, lambda: monitor.screen_again(store, generation.screener, [party_id]))
    if report.errors:
        raise HTTPException(status_code=404, detail=f"No active party {party_id!r} in the register.")
    return JSONBytes(report.to_dict())


@router.get("/monitor/{party_id}", summary="One party's versions", responses=ERRORS)
async def party_history(request: Request, party_id: Annotated[str, Path(max_length=200)], principal: Principal = Depends(require_role("analyst"))) -> JSONBytes:
    store = cases_of(request)
    versions = await _run(principal, lambda: register.history(store, party_id))
    if not versions:
        raise HTTPException(status_code=404, detail=f"No party {party_id!r} in the register.")
    return JSONBytes({"id": party_id, "versions": versions})


# --- audit ------------------------------------------------------------------------------------


@router.get("/audit/verify", summary="Verify the audit log's hash chain (supervisor)", responses=ERRORS)
async def verify_audit(
    request: Request,
    principal: Principal = Depends(require_role("supervisor")),
    anchor: str | None = Query(None, pattern=r"^\d+:[0-9a-fA-F]{64}$", description="SEQ:HASH kept outside the database"),
) -> JSONBytes:
    """`ok` is false, with the problems named, if any record was edited, deleted or reordered."""
    store = cases_of(request)
    pinned = (int(anchor.split(":")[0]), anchor.split(":")[1].lower()) if anchor else None

    def work() -> dict[str, Any]:
        with store.reading() as conn:
            return audit.verify(conn, pinned).to_dict()

    return JSONBytes(await _run(principal, work))


@router.get("/audit/export", summary="Audit records between two times (supervisor)", responses=ERRORS)
async def export_audit(
    request: Request,
    principal: Principal = Depends(require_role("supervisor")),
    since: str | None = Query(None, alias="from", pattern=CHANGED_SINCE, description="From this UTC date or time (inclusive), YYYY-MM-DD[THH[:MM[:SS]]]"),
    until: str | None = Query(None, alias="to", pattern=CHANGED_SINCE, description="Before this UTC date or time (exclusive)"),
) -> JSONBytes:
    store = cases_of(request)

    def work() -> list[dict[str, Any]]:
        with store.reading() as conn:
            return [record.to_dict() for record in audit.records(conn, since, until)]

    return JSONBytes({"records": await _run(principal, work)})
