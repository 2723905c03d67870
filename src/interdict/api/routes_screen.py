"""Native screening: POST /screen (one party) and POST /screen/batch (JSONL in, JSONL out).

The input columns and the result lines are those of `interdict screen-file`
(DESIGN.md): `{"id", "name", "schema", "birth_date", "nationality", "country",
"id_number"}` in, `{"id": ..., "hits": [...]}` out. A batch answers one line per
non-blank input line, in input order, streamed as results are ready; a line that
cannot be screened gets `{"id": ..., "hits": [], "error": "..."}` and the batch
goes on. The whole batch runs on one index generation, even if the lists are
updated meanwhile.
"""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator
from functools import partial

from fastapi import APIRouter, Body, Depends, HTTPException, Query, Request
from fastapi.responses import StreamingResponse

from .. import batch
from ..errors import InterdictError
from ..match.query import Query as ScreenQuery
from ..match.screener import DEFAULT_LIMIT, Screener
from ..screening import validate_datasets
from .common import COMMON_ERRORS, JSONBytes, current, service
from .limits import check
from .models import ErrorResponse, ScreenRequest, ScreenResult
from .security import require_role

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
    dependencies=[Depends(require_role("screener"))],
)
async def screen(
    request: Request,
    party: ScreenRequest = Body(..., examples=[{"id": "row-7", "name": "Mohammad Baqer Qalibaf", "schema": "Person", "birth_date": "1961"}]),
    dataset: list[str] = Query([], title="Only these datasets (repeatable)"),
    limit: int = Query(DEFAULT_LIMIT, ge=1, le=500, title="Most hits to return"),
    threshold: float | None = Query(None, ge=0.0, le=1.0, title="Match threshold (default 0.70)"),
) -> JSONBytes:
    """One party → its hits, best first, with `match` and a readable `explanation` each."""
    datasets = _datasets(dataset)
    try:
        query = ScreenQuery.build(
            party.name,
            schema=party.schema_,
            birth_date=party.birth_date,
            nationality=party.nationality,
            country=party.country,
            id_number=party.id_number,
            id=party.id,
        )
    except InterdictError as exc:
        raise HTTPException(status_code=400, detail=str(exc)) from None
    generation = current(request)

    def work(deadline: float) -> dict:
        check(deadline)
        hits = generation.screener.screen(query, datasets=datasets, limit=limit, threshold=threshold)
        return {"id": party.id, "hits": [hit.to_dict() for hit in hits], "missing_lists": list(generation.missing)}

    return JSONBytes(await service(request).runner.run(work, queries=1))


def _row(line: str, number: int) -> dict[str, str]:
    """One JSONL line as a screen-file row (keys lower-cased, values as text), or a row carrying its error."""
    try:
        value = json.loads(line)
    except ValueError as exc:
        return {"_line": str(number), "_error": f"line {number} is not JSON: {exc.msg}"}
    if not isinstance(value, dict):
        return {"_line": str(number), "_error": f"line {number} is not a JSON object"}
    row: dict[str, str] = {"_line": str(number)}
    for key, item in value.items():
        text = "" if item is None else item if isinstance(item, str) else json.dumps(item)
        if len(text) > batch.MAX_FIELD:
            row["_error"] = f"field {key!r} longer than {batch.MAX_FIELD} characters"
            text = text[: batch.MAX_FIELD]
        row[str(key).lower()] = text.strip()
    if "_error" not in row and not row.get("name"):
        row["_error"] = f"line {number} has no 'name'"
    return row


def _screen_lines(screener: Screener, rows: list[dict[str, str]], datasets: list[str] | None, limit: int, threshold: float | None) -> str:
    out = []
    for row in rows:
        try:
            result = batch.screen_row(screener, row, datasets, limit, threshold)
        except Exception:  # one bad row must not cut the stream
            log.exception("screening line %s failed", row.get("_line"))
            result = {"id": row.get("id") or row.get("_line"), "hits": [], "error": "internal error screening this line; see the server log"}
        out.append(json.dumps(result, ensure_ascii=False) + "\n")
    return "".join(out)


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
    dependencies=[Depends(require_role("screener"))],
)
async def screen_batch(
    request: Request,
    dataset: list[str] = Query([], title="Only these datasets (repeatable)"),
    limit: int = Query(DEFAULT_LIMIT, ge=1, le=500, title="Most hits per line"),
    threshold: float | None = Query(None, ge=0.0, le=1.0, title="Match threshold (default 0.70)"),
) -> StreamingResponse:
    """JSON lines with the columns of `interdict screen-file` in; one `{"id", "hits"}` line out per input line, in order."""
    state = service(request)
    datasets = _datasets(dataset)
    body = await request.body()
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise HTTPException(status_code=400, detail="The body is not UTF-8 text; send JSON lines encoded as UTF-8.") from None
    lines = [(number, line) for number, line in enumerate(text.splitlines(), 1) if line.strip()]
    if len(lines) > state.settings.max_batch_lines:
        raise HTTPException(
            status_code=400,
            detail=f"{len(lines):,} lines in one batch; at most {state.settings.max_batch_lines:,}. Split the file, or use `interdict screen-file`.",
        )
    screener = current(request).screener  # one generation for the whole batch

    async def results() -> AsyncIterator[str]:
        for start in range(0, len(lines), CHUNK):
            rows = [_row(line, number) for number, line in lines[start : start + CHUNK]]
            yield await state.runner.run_batch(partial(_screen_lines, screener, rows, datasets, limit, threshold))

    return StreamingResponse(results(), media_type=NDJSON)
