"""Page 1 — screen a party: /ui/screen (GET: the form and its hits), /ui/screen/record (POST: record as alerts).

Thin over `screening.screening` (the function behind `interdict screen` and
`POST /screen`) and `cases.record_screening` (behind `screen --record` and the
API's `record` flag). Screening is a GET, so a result can be bookmarked and
reloaded; recording is a POST with the CSRF token, which screens again on the
index in force and records exactly what that screen found, then redirects back
to the hits with the new alerts named.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import Response

from ... import screening
from ...cases import record_screening
from ...errors import InterdictError
from ...match.screener import DEFAULT_LIMIT
from ...model import MATCHABLE
from ...sources import registry
from ...store.users import User
from ..web import acting, case_store, csrf_checked, in_thread, page_user, redirect, render, service

router = APIRouter(prefix="/ui")

SCHEMAS = [schema.value for schema in MATCHABLE]
FIELDS = ("name", "birth_date", "nationality", "country", "id_number", "schema")
MAX_FIELD = 500


@dataclass
class ScreenForm:
    """What the analyst typed (kept to fill the form again)."""

    name: str = ""
    birth_date: str = ""
    nationality: str = ""
    country: str = ""
    id_number: str = ""
    schema: str = ""
    datasets: list[str] = field(default_factory=list)
    limit: int = DEFAULT_LIMIT
    party_id: str = ""

    @property
    def empty(self) -> bool:
        return not self.name.strip() and not self.id_number.strip()

    def query_string(self) -> str:
        pairs: list[tuple[str, str]] = [(key, getattr(self, key)) for key in FIELDS if getattr(self, key)]
        pairs += [("dataset", dataset) for dataset in self.datasets]
        if self.limit != DEFAULT_LIMIT:
            pairs.append(("limit", str(self.limit)))
        return urlencode(pairs)


def run_screening(form: ScreenForm, screener: Any) -> screening.Screening:
    return screening.screening(
        form.name or None,
        schema=form.schema or None,
        birth_date=form.birth_date or None,
        nationality=form.nationality or None,
        country=form.country or None,
        id_number=form.id_number or None,
        datasets=form.datasets or None,
        limit=form.limit,
        screener=screener,
    )


def _lists(datasets: frozenset[str]) -> list[dict[str, str]]:
    known = registry()
    return [{"id": name, "title": known[name].title if name in known else name} for name in sorted(datasets)]


def _party(form: ScreenForm) -> dict[str, Any]:
    return {key: getattr(form, key) or None for key in FIELDS}


def _recorded(value: str) -> list[int]:
    return [int(part) for part in value.split(",") if part.isdigit()][:100]


@router.get("/screen")
async def screen_page(
    request: Request,
    user: User = Depends(page_user("screener")),
    name: str = Query("", max_length=MAX_FIELD),
    birth_date: str = Query("", max_length=40),
    nationality: str = Query("", max_length=100),
    country: str = Query("", max_length=100),
    id_number: str = Query("", max_length=200),
    schema: str = Query("", max_length=40),
    dataset: list[str] = Query([], max_length=50),
    limit: int = Query(DEFAULT_LIMIT, ge=1, le=100),
    recorded: str = Query("", max_length=2000),
) -> Response:
    form = ScreenForm(name, birth_date, nationality, country, id_number, schema, [d for d in dataset if d], limit)
    state = service(request)
    generation = state.current()
    context: dict[str, Any] = {"form": form, "schemas": SCHEMAS, "lists": _lists(generation.datasets), "missing": list(generation.missing), "result": None, "error": None}
    if recorded:
        context["recorded"] = _recorded(recorded)
        context["recorded_none"] = recorded == "none"
    status = 200
    if not form.empty:
        started = time.perf_counter()

        def work(deadline: float) -> screening.Screening:
            return run_screening(form, generation.screener)

        try:
            result = await state.runner.run(work, queries=1)
            context["result"] = result
            context["hits"] = [hit.to_dict() for hit in result.hits]
            context["elapsed_ms"] = (time.perf_counter() - started) * 1000
            context["query_string"] = form.query_string()
        except InterdictError as exc:
            context["error"] = str(exc)
            status = 400
    return render(request, "screen/page.html", context, status=status)


@router.post("/screen/record")
async def record(
    request: Request,
    user: User = Depends(csrf_checked("screener")),
    name: str = Form("", max_length=MAX_FIELD),
    birth_date: str = Form("", max_length=40),
    nationality: str = Form("", max_length=100),
    country: str = Form("", max_length=100),
    id_number: str = Form("", max_length=200),
    schema_: str = Form("", max_length=40, alias="schema"),  # (a form model's field may not be called `schema`)
    dataset: list[str] = Form([], max_length=50),
    limit: int = Form(DEFAULT_LIMIT, ge=1, le=100),
    party_id: str = Form("", max_length=200),
) -> Response:
    form = ScreenForm(name, birth_date, nationality, country, id_number, schema_, [d for d in dataset if d], limit, party_id.strip())
    state = service(request)
    generation = state.current()
    try:
        result = await state.runner.run(lambda deadline: run_screening(form, generation.screener), queries=1)
    except InterdictError as exc:
        return render(request, "screen/page.html", {"form": form, "schemas": SCHEMAS, "lists": _lists(generation.datasets), "missing": list(generation.missing), "result": None, "error": str(exc)}, status=400)
    store = case_store(request)
    hits = [hit.to_dict() for hit in result.hits]

    def write() -> list[int]:
        with acting(user):
            return record_screening(store, form.party_id or form.name or form.id_number, _party(form), hits, sorted(generation.datasets))

    try:
        alerts = await in_thread(write)
    except InterdictError as exc:
        return render(
            request,
            "screen/page.html",
            {"form": form, "schemas": SCHEMAS, "lists": _lists(generation.datasets), "missing": list(generation.missing), "result": result, "hits": hits, "error": f"Not recorded: {exc}"},
            status=409,
        )
    query = form.query_string()
    return redirect(f"/ui/screen?{query}&recorded={','.join(map(str, alerts)) or 'none'}")
