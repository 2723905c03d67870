"""Helpers every route shares: fast JSON responses, the current generation, dataset scopes."""

from __future__ import annotations

import re
from typing import Any

import msgspec
from fastapi import HTTPException, Request
from fastapi.responses import Response

from ..sources import registry
from .error_handlers import encodable
from .models import ErrorResponse
from .params import real_datetime
from .state import Generation, ServiceState
from .yente import timestamp

COLLECTIONS = {"default": "All sanctions lists interdict holds", "sanctions": "All sanctions lists interdict holds"}
CHANGED_SINCE = r"^\d{4}-\d{2}-\d{2}(T\d{2}(:\d{2}(:\d{2})?)?)?$"
_CHANGED_SINCE = re.compile(CHANGED_SINCE)

_encoder = msgspec.json.Encoder()


def _error(description: str) -> dict:
    return {"description": description, "model": ErrorResponse}


# Error responses documented on the routes (the OpenAPI spec lists what each can answer).
AUTH_ERRORS: dict[int | str, dict[str, Any]] = {
    401: _error("Missing, unknown or revoked API key"),
    403: _error("The API key's role is too low for this endpoint"),
}
COMMON_ERRORS: dict[int | str, dict[str, Any]] = {
    **AUTH_ERRORS,
    413: _error("Request body too large"),
    414: _error("URL too long"),
    500: {"description": "Server error", "content": {"application/json": {"schema": {"type": "object", "properties": {"status": {"type": "string"}}}}}},
    503: _error("The index is still loading, or the request timed out"),
}


class JSONBytes(Response):
    """A JSON response encoded by msgspec (several times faster than json for large bodies).

    A lone surrogate from the client's JSON (UTF-8 cannot encode it) is
    replaced by U+FFFD rather than failing the request.
    """

    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        try:
            return _encoder.encode(content)
        except UnicodeEncodeError:
            return _encoder.encode(encodable(msgspec.to_builtins(content)))


def service(request: Request) -> ServiceState:
    return request.app.state.service


def current(request: Request) -> Generation:
    """The index generation this request works on to its end (503 while loading)."""
    return service(request).current()


def scope_of(dataset: str) -> set[str]:
    """The lists a path's {dataset} covers: one list, or all of them for `default` and `sanctions`."""
    known = registry()
    if dataset in COLLECTIONS:
        return set(known)
    if dataset in known:
        return {dataset}
    raise HTTPException(status_code=404, detail="No such dataset.")


def narrow(scope: set[str], include: list[str], exclude: list[str]) -> set[str]:
    """yente's include_dataset (intersect) and exclude_dataset (subtract)."""
    if include:
        scope = scope & set(include)
    return scope - set(exclude)


def screener_datasets(scope: set[str], generation: Generation) -> list[str] | None:
    """The `datasets` argument for Screener.screen: None when the scope covers every loaded list."""
    if generation.datasets <= scope:
        return None
    return sorted(scope & generation.datasets)


def since_value(changed_since: str | None) -> str | None:
    """changed_since as a full "YYYY-MM-DDTHH:MM:SS" for comparisons; 400 for a date that does not exist.

    The routes declare yente's pattern (a mismatch is FastAPI's 422, as in
    yente), which `2020-13-45T99` fits: such input the schema cannot rule out
    is a 400 with a detail, as every other unusable /match input.
    """
    if not changed_since:
        return None
    if not _CHANGED_SINCE.match(changed_since):  # defensive: routes declare the pattern
        raise HTTPException(status_code=422, detail=f"changed_since {changed_since!r} is not YYYY-MM-DD[THH[:MM[:SS]]].")
    real_datetime("changed_since", changed_since)
    return timestamp(changed_since)
