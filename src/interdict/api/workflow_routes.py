"""HTTP endpoints of the document workflows (payments, manifests, shipments).

    POST /screen/payment    body: the raw message (pacs.008 / pain.001 XML, MT103 / MT202COV text)
    POST /screen/manifest   body: the raw manifest (PAXLST or CSV)
    POST /screen/shipment   body: the shipment record (JSON object, or one-row CSV)

Query parameters: `dataset` (repeatable) limits the lists, `jurisdiction`
(repeatable) the embargo rules, `document` names the document in the verdict,
`record=true` records each screened party of the document
(`cases.document_screenings`: party id `<reference>/<field>`) in the audit
log under the key's user and raises its list matches as alerts; the verdict
then carries `recorded` {parties, alerts, errors}.
Each returns exactly the verdict of the library function (one code path); a
malformed document, or one over a per-document limit (workflows/limits.py,
set on the server with INTERDICT_DOC_* variables), is a 400 whose `detail`
names the line, segment or element (as every InputError of the service).

Screening runs on the service's Runner: its few screening threads (the same
ones /match uses, so heavy documents queue instead of crowding out name
queries) under the request timeout. The Runner's deadline is passed down to
the screening, which stops between items once it passes: a request answered
503 frees its thread within about a second instead of screening on unseen.

The service app (app.py) includes `router` and its state supplies the current
index generation and the Runner. An app without that state may set
`app.state.screener`; its documents then run on a Runner of this module's own
(WORKFLOW_THREADS threads, FALLBACK_TIMEOUT seconds).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import anyio
from fastapi import APIRouter, Depends, HTTPException, Query, Request

from ..cases import document_screenings, record_screenings
from ..errors import InputError, UnknownDatasetError
from ..screening import default_screener
from ..store import audit
from ..workflows import screen_manifest, screen_payment, screen_shipment
from ..workflows.limits import current_limits
from .common import COMMON_ERRORS, ErrorResponse
from .limits import Runner
from .routes_cases import cases_of
from .security import Principal, require_role

WORKFLOW_THREADS = 2  # an app without the service state: as many threads as the service's default
FALLBACK_TIMEOUT = 30.0  # and the service's default request timeout

_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: {"description": "Malformed document (the detail names the line, segment or element)", "model": ErrorResponse},
    **COMMON_ERRORS,
}

router = APIRouter(tags=["workflows"])

_DOCUMENT = Query(None, description="A name for the document in the verdict (default: its own reference).")
_DATASETS = Query(None, description="Only these lists (repeatable), e.g. us_ofac_sdn.")
_RECORD = Query(False, description="Record each screened party of the document in the audit log and raise its list matches as alerts (needs the service's store).")
_JURISDICTIONS = Query(None, description="Only the embargo rules of these jurisdictions (repeatable): us, eu, gb, ca, au, un.")
_BODY = {
    "payment": ("application/xml", '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pacs.008.001.08">...</Document>'),
    "manifest": ("application/edifact", "UNA:+.? 'UNB+UNOA:4+...'UNH+1+PAXLST:D:05B:UN:IATA'..."),
    "shipment": ("application/json", '{"shipper": {"name": "..."}, "consignee": {"name": "..."}}'),
}


def _screener(request: Request) -> Any:
    """The service's current index generation; an app without the service state may set `app.state.screener`."""
    service = getattr(request.app.state, "service", None)
    if service is not None:
        return service.current().screener
    screener = getattr(request.app.state, "screener", None)
    if screener is not None:
        return screener
    return default_screener()


async def _body(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length")
    too_large = f"The document is over {limit:,} bytes (max_document_bytes); split it."
    if declared and declared.isdigit() and int(declared) > limit:
        raise HTTPException(status_code=413, detail=too_large)
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise HTTPException(status_code=413, detail=too_large)
        chunks.append(chunk)
    return b"".join(chunks)


def _runner(request: Request) -> Runner:
    """The service's Runner, or (an app without the service state) one of this module's, kept on the app."""
    service = getattr(request.app.state, "service", None)
    if service is not None:
        return service.runner
    runner = getattr(request.app.state, "workflow_runner", None)
    if runner is None:
        runner = request.app.state.workflow_runner = Runner(WORKFLOW_THREADS, FALLBACK_TIMEOUT)
    return runner


async def _screen(
    request: Request,
    function: Callable[..., Any],
    document: str | None,
    dataset: list[str] | None,
    jurisdiction: list[str] | None,
    principal: Principal | None = None,
) -> dict[str, Any]:
    """The verdict; with `principal` (record=true), its parties recorded under that principal."""
    limits = current_limits()
    data = await _body(request, limits.max_document_bytes)
    screener = _screener(request)

    def work(deadline: float) -> Any:
        # The deadline stops the work itself (DocumentTimeout, a TimeoutError the Runner answers 503).
        return function(
            data, screener, document=document, datasets=dataset, jurisdictions=jurisdiction, deadline=deadline, limits=limits
        )

    try:
        # queries=None: never inline on the event loop; a document is parsed and screened on a screening thread.
        verdict = await _runner(request).run(work, queries=None)
    except (InputError, UnknownDatasetError) as exc:
        raise HTTPException(status_code=400, detail=str(exc)) from None
    result: dict[str, Any] = verdict.to_dict()
    if principal is not None:
        result["recorded"] = await _record(request, result, screener, principal)
    return result


async def _record(request: Request, verdict: dict[str, Any], screener: Any, principal: Principal) -> dict[str, Any]:
    """Record the document's screened parties (one transaction each; those that cannot be are named)."""
    if getattr(request.app.state, "service", None) is None:
        raise HTTPException(status_code=400, detail="record=true needs the service's store (interdict serve); this app has none.")
    store = cases_of(request)
    parties = document_screenings(verdict)

    def write() -> Any:
        with audit.acting_as(principal.user or principal.name):
            return record_screenings(store, parties, sorted(screener.datasets))

    recorded = await anyio.to_thread.run_sync(write)
    return {
        "parties": [party_id for (party_id, _, _), outcome in zip(parties, recorded.outcomes) if not isinstance(outcome, str)],
        "alerts": recorded.alerts,
        "errors": [{"party_id": party_id, "error": why} for party_id, why in recorded.errors],
    }


def _openapi(kind: str) -> dict[str, Any]:
    media, example = _BODY[kind]
    return {"requestBody": {"required": True, "content": {media: {"schema": {"type": "string"}, "example": example}}}}


@router.post(
    "/screen/payment",
    responses=_RESPONSES,
    summary="Screen a payment message (pacs.008, pain.001, MT103, MT202COV)",
    openapi_extra=_openapi("payment"),
)
async def screen_payment_endpoint(
    request: Request,
    document: str | None = _DOCUMENT,
    dataset: list[str] | None = _DATASETS,
    jurisdiction: list[str] | None = _JURISDICTIONS,
    record: bool = _RECORD,
    principal: Principal = Depends(require_role("screener")),
) -> dict[str, Any]:
    """One verdict: parties, agents and BICs, countries and remittance text, each finding with field, rule and list entry."""
    return await _screen(request, screen_payment, document, dataset, jurisdiction, principal if record else None)


@router.post(
    "/screen/manifest",
    responses=_RESPONSES,
    summary="Screen a passenger or crew manifest (PAXLST, CSV/APIS)",
    openapi_extra=_openapi("manifest"),
)
async def screen_manifest_endpoint(
    request: Request,
    document: str | None = _DOCUMENT,
    dataset: list[str] | None = _DATASETS,
    jurisdiction: list[str] | None = _JURISDICTIONS,
    record: bool = _RECORD,
    principal: Principal = Depends(require_role("screener")),
) -> dict[str, Any]:
    """One verdict: designated travellers, possible relatives and listed aircraft."""
    return await _screen(request, screen_manifest, document, dataset, jurisdiction, principal if record else None)


@router.post(
    "/screen/shipment",
    responses=_RESPONSES,
    summary="Screen a shipment record (JSON or one-row CSV)",
    openapi_extra=_openapi("shipment"),
)
async def screen_shipment_endpoint(
    request: Request,
    document: str | None = _DOCUMENT,
    dataset: list[str] | None = _DATASETS,
    jurisdiction: list[str] | None = _JURISDICTIONS,
    record: bool = _RECORD,
    principal: Principal = Depends(require_role("screener")),
) -> dict[str, Any]:
    """One verdict: parties, vessel by IMO and name, ports and countries against the embargo rules."""
    return await _screen(request, screen_shipment, document, dataset, jurisdiction, principal if record else None)
