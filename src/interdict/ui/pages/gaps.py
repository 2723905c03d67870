"""Page 6, the gap report: /ui/gaps (form, matrix, chart), /ui/gaps/cell (one number's rows), /ui/gaps/download.

A thin wrapper over `interdict.gaps.gaps` (what `interdict gaps` runs) with the
CLI's options as form fields and its defaults. A report is computed once per
list generation and query (`report_jobs`): the first request over every list
may take minutes (the cross-list resolution; cached on disk by the resolver
for later ones), so it runs in a thread behind a progress page that reloads
itself; a focused or cached report is ready in seconds. The downloads are the
bytes `gaps --out` writes (`gaps.export.render_report`). The query is in the
URL (GET), so a result can be bookmarked and a number's rows opened by link.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response
from markupsafe import Markup

from ...gaps import GapReport, gaps
from ...gaps.export import render_report
from ...gaps.programmes import vocabulary
from ...gaps.report import CONFIDENCE_RANK, DEFAULT_CONFIDENCE
from ...gaps.scope import jurisdiction_datasets
from ...gaps.summary import ALL_TOPICS, TOTAL, build_matrix, cell_rows, chart_svg, column_label
from ...relations import own_lists
from ..report_jobs import Job, Jobs, Progress
from ..web import page_user, render, service

router = APIRouter(prefix="/ui")
jobs: Jobs[GapReport] = Jobs(keep=8)
# One report computes at a time: every full-list query needs the same resolution (minutes), which the
# first computes and caches on disk; a second query waits for it instead of computing it again beside it.
_computing = threading.Lock()
SCHEMAS = ("", "Person", "Organization", "Company", "LegalEntity", "Vessel", "Airplane")
FORMATS = ("csv", "xlsx", "json", "html")
REFRESH_SECONDS = 2
VIEW_ROLE = "screener"
TO_CHECK = "to-check"  # the cell page's row for the report's subjects below the query's confidence (never counted)


@dataclass(frozen=True)
class GapForm:
    """The CLI's options (`interdict gaps --help`), with its defaults; --listed-by/--not-listed-by prefilled as in its example."""

    listed_by: str = "us,gb,ca"
    not_listed_by: str = "eu"
    programme: str = ""
    schema: str = ""
    require_all: bool = False
    min_confidence: str = DEFAULT_CONFIDENCE
    focus: bool = False

    def key(self) -> tuple[Any, ...]:
        return (self.listed_by, self.not_listed_by, self.programme, self.schema, self.require_all, self.min_confidence, self.focus)

    def query(self, **more: str) -> str:
        """The form as a URL query (for links to cells and downloads)."""
        values: dict[str, str] = {"listed_by": self.listed_by, "not_listed_by": self.not_listed_by, "min_confidence": self.min_confidence}
        if self.programme:
            values["programme"] = self.programme
        if self.schema:
            values["schema"] = self.schema
        if self.require_all:
            values["require_all"] = "1"
        if self.focus:
            values["focus"] = "1"
        values.update(more)
        return urlencode(values)


def _form(
    listed_by: str = Query("us,gb,ca", max_length=500),
    not_listed_by: str = Query("eu", max_length=500),
    programme: str = Query("", max_length=100),
    schema: str = Query("", max_length=40),
    require_all: bool = Query(False),
    min_confidence: str = Query(DEFAULT_CONFIDENCE, max_length=10),
    focus: bool = Query(False),
) -> GapForm:
    return GapForm(listed_by.strip(), not_listed_by.strip(), programme.strip(), schema.strip(), require_all, min_confidence.strip(), focus)


def _job(request: Request, form: GapForm, start: bool) -> Job[GapReport] | None:
    """The report job for this query and the lists in force (started when `start`, else only looked up), as one
    snapshot of its state."""
    state = service(request)
    generation = state.current()
    key = (generation.key, *form.key())
    job = jobs.peek(key)
    if job is None and start:

        def work(progress: Progress) -> GapReport:
            progress("waiting for another report to finish", 0, 0)
            with _computing:
                return _report(form, state, generation.screener, progress)

        job = jobs.start(key, work)
    return job.snapshot() if job is not None else None


def _report(form: GapForm, state: Any, screener: Any, progress: Progress) -> GapReport:
    return gaps(
        form.listed_by,
        form.not_listed_by,
        programme=form.programme or None,
        schema=form.schema or None,
        require_all=form.require_all,
        min_confidence=form.min_confidence,
        focus=form.focus,
        db=state.settings.db,
        screener=screener,
        progress=progress,
    )


def _choices(request: Request) -> dict[str, Any]:
    state = service(request)
    store = state.open_store()
    own = own_lists(store)
    return {
        "jurisdictions": {code: ids for code, ids in jurisdiction_datasets(own).items()},
        "programmes": vocabulary().topics,
        "schemas": SCHEMAS,
        "confidences": sorted(CONFIDENCE_RANK, key=CONFIDENCE_RANK.__getitem__, reverse=True),
    }


def _pending(request: Request, form: GapForm, job: Any, template: str = "gaps/report.html", **context: Any) -> HTMLResponse:
    """The form with the job's progress (reloading itself) or its error."""
    status = 400 if job is not None and job.error else 200
    return render(request, template, {"form": form, "job": job, "refresh": REFRESH_SECONDS, **_choices(request), **context}, status=status)


@router.get("/gaps", response_class=HTMLResponse)
def gap_report(request: Request, form: GapForm = Depends(_form), run: bool = Query(False), user: Any = Depends(page_user(VIEW_ROLE))) -> HTMLResponse:
    """The form; with `run`, the report: matrix, chart, notes and downloads."""
    job = _job(request, form, start=run)
    if job is None or job.running or job.error or job.result is None:
        return _pending(request, form, job if run else None)
    report: GapReport = job.result
    matrix = build_matrix(report.rows, report.query)

    def cell_link(row: str, column: str) -> str:
        return "/ui/gaps/cell?" + form.query(row=row, column=column)

    chart = Markup(chart_svg(matrix, href=cell_link))  # noqa: S704 - built by gaps.summary, which escapes every text it writes
    cells = [
        {
            "label": matrix.row_label(row),
            "total": row == TOTAL,
            "cells": [
                {"count": matrix.count(row, column), "href": cell_link(row, column), "column": column_label(column)} for column in matrix.columns
            ],
        }
        for row in matrix.rows
    ]
    return render(
        request,
        "gaps/report.html",
        {
            "form": form,
            "job": job,
            "report": report,
            "columns": [column_label(column) for column in matrix.columns],
            "matrix_rows": cells,
            "chart": chart,
            "downloads": [(kind, "/ui/gaps/download?" + form.query(format=kind)) for kind in FORMATS],
            "to_check_href": "/ui/gaps/cell?" + form.query(row=TO_CHECK),
            "confidence": {level: sum(1 for row in report.rows if row.confidence == level) for level in ("high", "medium", "low")},
            **_choices(request),
        },
    )


@router.get("/gaps/cell", response_class=HTMLResponse)
def gap_cell(
    request: Request,
    form: GapForm = Depends(_form),
    row: str = Query(TOTAL, max_length=100),
    column: str = Query(ALL_TOPICS, max_length=100),
    user: Any = Depends(page_user(VIEW_ROLE)),
) -> HTMLResponse:
    """The subjects one number of the matrix counts, each with its listings (linked to the entity pages) and evidence."""
    job = _job(request, form, start=True)
    if job is None or job.running or job.error or job.result is None:
        return _pending(request, form, job, template="gaps/cell.html", row=row, column=column)
    report: GapReport = job.result
    matrix = build_matrix(report.rows, report.query)
    if row == TO_CHECK:
        return render(
            request,
            "gaps/cell.html",
            {
                "form": form,
                "job": job,
                "report": report,
                "row_label": "To check, not counted",
                "column_label": "every programme",
                "rows": report.to_check,
                "back": "/ui/gaps?" + form.query(run="1"),
                "topic_label": column_label,
            },
        )
    if row not in matrix.rows or column not in matrix.columns:
        return render(request, "gaps/cell.html", {"form": form, "job": job, "missing": True, "row": row, "column": column}, status=404)
    return render(
        request,
        "gaps/cell.html",
        {
            "form": form,
            "job": job,
            "report": report,
            "row_label": matrix.row_label(row),
            "column_label": column_label(column),
            "rows": cell_rows(report.rows, matrix, row, column),
            "back": "/ui/gaps?" + form.query(run="1"),
            "topic_label": column_label,
        },
    )


@router.get("/gaps/download", response_model=None)
def gap_download(
    request: Request, form: GapForm = Depends(_form), format: str = Query("csv", max_length=10), user: Any = Depends(page_user(VIEW_ROLE))
) -> Response:
    """The report file `interdict gaps --out report.<format>` writes, byte for byte."""
    if format not in FORMATS:
        message = f"Unknown format {format[:10]!r}; use {', '.join(FORMATS)}."
        return render(request, "gaps/report.html", {"form": form, "job": None, "error": message, **_choices(request)}, status=400)
    job = _job(request, form, start=True)
    if job is None or job.running or job.error or job.result is None:
        return _pending(request, form, job)
    kind = format
    media = {
        "csv": "text/csv; charset=utf-8",
        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "json": "application/json",
        "html": "text/html; charset=utf-8",
    }[kind]
    headers = {"Content-Disposition": f'attachment; filename="gaps.{kind}"', "X-Content-Type-Options": "nosniff"}
    if kind == "html":
        headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
    return Response(render_report(job.result, kind), media_type=media, headers=headers)
