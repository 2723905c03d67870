"""Page 2 — screen a file or a document: /ui/files (upload, live progress, download) and /ui/documents.

Files: thin over `batch.screen_file` (behind `interdict screen-file`) run as a
background job (ui/jobs.py): the upload answers at once with the job's page,
whose progress bar ui.js refreshes from `/ui/files/<id>/status` (without
script, the page refreshes itself). Results download as screen-file's JSONL or
as CSV (`batch.results_csv`), one line per input row, errors named.

Documents: thin over `workflows.screen_payment` / `screen_manifest` /
`screen_shipment` (behind the `screen-payment`, `screen-manifest` and
`screen-shipment` commands and endpoints); the verdict is shown field by
field, each finding beside the field it came from. Optionally the screened
parties are recorded as alerts (`cases.document_screenings`, as `--record`).
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import FileResponse, HTMLResponse, Response

from ... import batch
from ...cases import document_screenings, record_screenings
from ...errors import InterdictError
from ...match.screener import DEFAULT_LIMIT
from ...screening import validate_datasets
from ...store import data_home
from ...store.users import User
from ...workflows import Verdict, screen_manifest, screen_payment, screen_shipment
from ..jobs import FileJobs, JobStatus
from ..web import acting, case_store, csrf_checked, error_page, in_thread, page_user, redirect, render, service
from .screen import _lists

router = APIRouter(prefix="/ui")

PREVIEW_ROWS = 500
DOWNLOADS = {"results.jsonl": "application/x-ndjson", "results.csv": "text/csv; charset=utf-8"}


def file_jobs(request: Request) -> FileJobs:
    jobs = getattr(request.app.state, "ui_file_jobs", None)
    if jobs is None:
        jobs = request.app.state.ui_file_jobs = FileJobs(data_home() / "ui-jobs")
    return jobs


def _own_job(request: Request, user: User, job_id: str) -> JobStatus | None:
    """The job, if this user started it (an admin sees every job): results hold the uploaded data."""
    job = file_jobs(request).get(job_id)
    if job is None or (job.owner != user.name and not user.can("admin")):
        return None
    return job


# --- files -------------------------------------------------------------------------------


@router.get("/files")
def files_page(request: Request, user: User = Depends(page_user("screener"))) -> HTMLResponse:
    generation = service(request).current()
    return render(request, "files/upload.html", {"lists": _lists(generation.datasets), "error": None, "limit": DEFAULT_LIMIT})


@router.post("/files")
async def upload_file(
    request: Request,
    user: User = Depends(csrf_checked("screener")),
    file: UploadFile = File(...),
    dataset: list[str] = Form([], max_length=50),
    limit: int = Form(DEFAULT_LIMIT, ge=1, le=100),
) -> Response:
    state = service(request)
    generation = state.current()
    datasets = [item for item in dataset if item]
    jobs = file_jobs(request)
    try:
        checked = validate_datasets(datasets or None, generation.datasets)
        job, upload = jobs.new(user.name, file.filename or "upload.csv")
    except InterdictError as exc:
        return render(request, "files/upload.html", {"lists": _lists(generation.datasets), "error": str(exc), "limit": limit}, status=400)

    def save() -> None:
        with upload.open("wb") as out:
            shutil.copyfileobj(file.file, out, 1 << 20)

    await in_thread(save)
    jobs.start(job, upload, generation.screener, checked, limit, state.settings.max_batch_lines)
    return redirect(f"/ui/files/{job.id}")


def _preview(path: Path) -> tuple[list[dict[str, Any]], int]:
    """The first result lines (with their one-word verdict) and how many lines there are in all."""
    rows: list[dict[str, Any]] = []
    count = 0
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            count += 1
            if len(rows) < PREVIEW_ROWS:
                result = json.loads(line)
                result["verdict"] = batch.result_verdict(result)
                rows.append(result)
    return rows, count


@router.get("/files/{job_id}")
def job_page(request: Request, job_id: str, user: User = Depends(page_user("screener"))) -> HTMLResponse:
    job = _own_job(request, user, job_id)
    if job is None:
        return error_page(request, 404, "No such file screening", "This screening does not exist, is another person's, or was deleted (results are kept for a day).")
    context: dict[str, Any] = {"job": job, "rows": [], "count": 0, "preview_limit": PREVIEW_ROWS}
    if job.state == "done":
        context["rows"], context["count"] = _preview(file_jobs(request).path(job.id, "results.jsonl"))
    return render(request, "files/job.html", context)


@router.get("/files/{job_id}/status")
def job_status(request: Request, job_id: str, user: User = Depends(page_user("screener"))) -> HTMLResponse:
    """The progress fragment ui.js swaps in (X-Poll-Done: 1 once the job has finished)."""
    job = _own_job(request, user, job_id)
    if job is None:
        return HTMLResponse("<p class=error>No such file screening.</p>", status_code=404)
    response = render(request, "files/progress.html", {"job": job})
    if job.is_finished:
        response.headers["X-Poll-Done"] = "1"
    return response


@router.get("/files/{job_id}/{name}")
def download(request: Request, job_id: str, name: str, user: User = Depends(page_user("screener"))) -> Response:
    job = _own_job(request, user, job_id)
    if job is None or name not in DOWNLOADS or job.state != "done":
        return error_page(request, 404, "No such download", "These results do not exist (yet), or are another person's.")
    stem = Path(job.filename).stem or "upload"
    path = file_jobs(request).path(job.id, name)
    return FileResponse(path, media_type=DOWNLOADS[name], filename=f"{stem}-{name}", headers={"Cache-Control": "no-store"})


# --- documents ---------------------------------------------------------------------------

KINDS: dict[str, tuple[str, Callable[..., Verdict]]] = {
    "payment": ("Payment: SWIFT MT103/MT202 COV, ISO 20022 pacs.008/pacs.009/pain.001", screen_payment),
    "manifest": ("Manifest: UN/EDIFACT PAXLST, APIS CSV", screen_manifest),
    "shipment": ("Shipment: JSON or CSV (parties, vessel, ports, goods)", screen_shipment),
}


def fields_and_findings(verdict: dict[str, Any]) -> list[dict[str, Any]]:
    """Each screened field with the findings on it, in document order; findings on fields not listed as screened last."""
    rows: list[dict[str, Any]] = []
    by_key: dict[tuple[str, str], dict[str, Any]] = {}
    for item in verdict.get("screened", []):
        key = (str(item.get("field", "")), str(item.get("value", "")))
        if key not in by_key:
            by_key[key] = {"field": key[0], "value": key[1], "findings": []}
            rows.append(by_key[key])
    for finding in verdict.get("findings", []):
        key = (str(finding.get("field", "")), str(finding.get("value", "")))
        row = by_key.get(key) or next((row for row in rows if row["field"] == key[0]), None)
        if row is None:
            row = by_key[key] = {"field": key[0], "value": key[1], "findings": []}
            rows.append(row)
        row["findings"].append(finding)
    for row in rows:  # hits before reviews, then by score
        row["findings"].sort(key=lambda finding: (finding.get("severity") != "hit", -(finding.get("score") or 0.0)))
    return rows


@router.get("/documents")
def documents_page(request: Request, user: User = Depends(page_user("screener"))) -> HTMLResponse:
    return render(request, "files/documents.html", {"kinds": KINDS, "kind": "payment", "verdict": None, "error": None})


@router.post("/documents")
async def screen_document(
    request: Request,
    user: User = Depends(csrf_checked("screener")),
    file: UploadFile = File(...),
    kind: str = Form("payment", max_length=20),
    record: bool = Form(False),
) -> Response:
    state = service(request)
    generation = state.current()
    context: dict[str, Any] = {"kinds": KINDS, "kind": kind, "verdict": None, "error": None}
    if kind not in KINDS:
        context["error"] = f"Unknown kind of document {kind!r}: choose payment, manifest or shipment."
        return render(request, "files/documents.html", context, status=400)
    name = (file.filename or "document")[:300]
    data = await file.read()
    screen = KINDS[kind][1]
    try:
        verdict = await state.runner.run(lambda deadline: screen(data, generation.screener, document=name, deadline=deadline))
    except InterdictError as exc:
        context["error"] = f"{name}: {exc}"
        return render(request, "files/documents.html", context, status=400)
    answer = verdict.to_dict()
    context.update(verdict=answer, rows=fields_and_findings(answer), name=name)
    if record:
        store = case_store(request)
        parties = document_screenings(answer)

        def write() -> Any:
            with acting(user):
                return record_screenings(store, parties, sorted(generation.datasets))

        context["recorded"] = await in_thread(write)
    return render(request, "files/documents.html", context)
