"""Native screening: POST /screen (one party) and POST /screen/batch (JSONL in, JSONL out).

The input columns and the result lines are those of `interdict screen-file`
(docs/architecture.md, "Output contracts"), read by the one row contract
(`interdict.rows`): `{"id", "name", "schema", "birth_date", "nationality",
"country", "id_number"}` in, `{"id": ..., "hits": [...]}` out (+ `"warnings"`
when a screen was incomplete). A batch answers one line per non-blank input
line, in input order, streamed as results are ready; a line that cannot be
read or screened gets `{"id": ..., "hits": [], "error": "..."}` and the batch
goes on. The stream always ends with `{"summary": {"rows", "results",
"matched", "errors", "warnings"}}`: a client that does not see it knows the
stream was cut. The whole batch runs on one index generation, even if the lists
are updated meanwhile.
"""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator
from functools import partial

import anyio
from fastapi import APIRouter, Body, Depends, HTTPException, Query, Request
from fastapi.responses import StreamingResponse

from ..batch import Record, as_row, jsonl_record, screen_row
from ..cases import record_screening, record_screenings
from ..errors import InterdictError
from ..match.screener import DEFAULT_LIMIT, Screener
from ..rows import read_row
from ..screening import validate_datasets
from ..store import audit
from ..textfiles import text_lines
from .common import COMMON_ERRORS, JSONBytes, current, service
from .error_handlers import without_lone_surrogates
from .limits import check
from .models import ErrorResponse, ScreenRequest, ScreenResult
from .routes_cases import cases_of
from .security import Principal, require_role

router = APIRouter(tags=["Native screening"])
log = logging.getLogger("interdict.api")

CHUNK = 32  # lines screened per trip to a screening thread

NDJSON = "application/x-ndjson"
BATCH_EXAMPLE = '{"id": "row-1", "name": "Mohammad Baqer Qalibaf", "schema": "Person", "birth_date": "1961"}\n{"id": "row-2", "name": "Acme Trading GmbH"}\n'


def _datasets(dataset: list[str]) -> list[str] | None:
    try:
        return validate_datasets(dataset)
    except InterdictError as exc:
        raise HTTPException(status_code=400, detail=str(exc)) from None


@router.post(
    "/screen",
    summary="Screen one party",
    response_model=ScreenResult,
    responses={400: {"description": "Invalid input", "model": ErrorResponse}, **COMMON_ERRORS},
)
async def screen(
    request: Request,
    party: ScreenRequest = Body(..., examples=[{"id": "row-7", "name": "Mohammad Baqer Qalibaf", "schema": "Person", "birth_date": "1961"}]),
    dataset: list[str] = Query([], title="Only these datasets (repeatable)"),
    limit: int = Query(DEFAULT_LIMIT, ge=1, le=500, title="Most hits to return"),
    threshold: float | None = Query(None, ge=0.0, le=1.0, title="Match threshold (default 0.70)"),
    record: bool = Query(False, title="Record the screening in the audit log and raise its matches as alerts (the answer lists them under `alerts`)"),
    principal: Principal = Depends(require_role("screener")),
) -> JSONBytes:
    """One party → its hits, best first, with `match` and a readable `explanation` each."""
    datasets = _datasets(dataset)
    row = read_row(party.model_dump(by_alias=True), 1)  # the same row contract as screen-file and /screen/batch
    if row.query is None:
        raise HTTPException(status_code=400, detail=row.error or "This party cannot be screened.")
    query = row.query
    generation = current(request)

    def work(deadline: float) -> dict[str, object]:
        check(deadline)
        result = screen_row(generation.screener, row, datasets, limit, threshold)
        result["id"] = party.id
        result["missing_lists"] = list(generation.missing)
        return result

    result = await service(request).runner.run(work, queries=1, name_chars=sum(len(name) for name in query.names))
    if record and "error" not in result:
        store = cases_of(request)
        data = {key: value for key, value in party.model_dump(by_alias=True).items() if key != "id"}

        def write() -> list[int]:
            with audit.acting_as(principal.user or principal.name):
                return record_screening(store, party.id or str(data.get("name")), data, result["hits"], sorted(generation.datasets))  # type: ignore[arg-type]  # screen_row's hits: a list of dicts

        result["alerts"] = await anyio.to_thread.run_sync(write)
    return JSONBytes(result)


def _screen_lines(screener: Screener, records: list[Record], datasets: list[str] | None, limit: int, threshold: float | None) -> list[dict[str, object]]:
    out = []
    for record in records:
        row = as_row(record)
        try:
            result = screen_row(screener, row, datasets, limit, threshold)
        except Exception:  # one bad row must not cut the stream
            log.exception("screening line %s failed", record.line)
            result = {"id": row.id, "hits": [], "error": "internal error screening this line; see the server log"}
        out.append(result)
    return out


def _line(result: dict[str, object]) -> str:
    return without_lone_surrogates(json.dumps(result, ensure_ascii=False)) + "\n"


@router.post(
    "/screen/batch",
    summary="Screen many parties (JSONL in, JSONL out)",
    response_class=StreamingResponse,
    responses={
        200: {"description": "One result line per input line, in input order", "content": {NDJSON: {"schema": {"type": "string"}}}},
        400: {"description": "Invalid input", "model": ErrorResponse},
        **COMMON_ERRORS,
    },
    openapi_extra={"requestBody": {"required": True, "content": {NDJSON: {"schema": {"type": "string"}, "example": BATCH_EXAMPLE}}}},
)
async def screen_batch(
    request: Request,
    dataset: list[str] = Query([], title="Only these datasets (repeatable)"),
    limit: int = Query(DEFAULT_LIMIT, ge=1, le=500, title="Most hits per line"),
    threshold: float | None = Query(None, ge=0.0, le=1.0, title="Match threshold (default 0.70)"),
    record: bool = Query(
        False, title="Record each line's screening in the audit log (party id: the line's id) and raise its matches as alerts (each line lists them under `alerts`)"
    ),
    principal: Principal = Depends(require_role("screener")),
) -> StreamingResponse:
    """JSON lines with the columns of `interdict screen-file` in; one `{"id", "hits"}` line out per input line, in order.

    With `record=true` each screened line is recorded as it is answered: a line gets `alerts` (the ids raised), or
    `record_error` when it could not be recorded (the others still are; the summary counts them)."""
    state = service(request)
    datasets = _datasets(dataset)
    body = await request.body()
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise HTTPException(status_code=400, detail="The body is not UTF-8 text; send JSON lines encoded as UTF-8.") from None
    lines = [(number, line) for number, line in enumerate(text_lines(text), 1) if line.strip()]
    if len(lines) > state.settings.max_batch_lines:
        raise HTTPException(
            status_code=400,
            detail=f"{len(lines):,} lines in one batch; at most {state.settings.max_batch_lines:,}. Split the file, or use `interdict screen-file`.",
        )
    screener = current(request).screener  # one generation for the whole batch
    store = cases_of(request) if record else None

    async def _record_chunk(records: list[Record], chunk: list[dict[str, object]], summary: dict[str, int]) -> None:
        assert store is not None
        screened = [(record, result) for record, result in zip(records, chunk) if "error" not in result]
        items = [
            (str(result["id"]), {key: value for key, value in record.values.items() if key != "id"}, list(result["hits"]))  # type: ignore[call-overload]  # screen_row's hits: a list of dicts
            for record, result in screened
        ]

        def write() -> list[list[int] | str]:
            with audit.acting_as(principal.user or principal.name):
                return record_screenings(store, items, sorted(screener.datasets)).outcomes

        for (_, result), outcome in zip(screened, await anyio.to_thread.run_sync(write)):
            if isinstance(outcome, str):
                result["record_error"] = outcome
                summary["not_recorded"] += 1
            else:
                result["alerts"] = outcome
                summary["recorded"] += 1

    async def results() -> AsyncIterator[str]:
        summary = {"rows": len(lines), "results": 0, "matched": 0, "errors": 0, "warnings": 0, **({"recorded": 0, "not_recorded": 0} if record else {})}
        for start in range(0, len(lines), CHUNK):
            records = [jsonl_record(line, number) for number, line in lines[start : start + CHUNK]]
            try:
                chunk = await state.runner.run_batch(partial(_screen_lines, screener, records, datasets, limit, threshold))
            except Exception:  # the rows still get their lines: each an error, the stream goes on
                log.exception("screening lines %d-%d failed", records[0].line, records[-1].line)
                chunk = [{"id": as_row(record).id, "hits": [], "error": "internal error screening this line; see the server log"} for record in records]
            if record:
                await _record_chunk(records, chunk, summary)
            text = []
            for result in chunk:
                summary["results"] += 1
                summary["errors"] += "error" in result
                summary["warnings"] += "warnings" in result
                hits = result.get("hits")
                summary["matched"] += isinstance(hits, list) and any(hit["match"] for hit in hits)
                text.append(_line(result))
            yield "".join(text)
        if screener.missing_datasets:
            summary["missing_lists"] = list(screener.missing_datasets)  # type: ignore[assignment]
        yield _line({"summary": summary})

    return StreamingResponse(results(), media_type=NDJSON)
