"""The service never screens silently without a list: /readyz is 503 naming it, responses carry a header.

The service runs on the `broken` store (UN loaded; us_ofac_cons expected but its
seeding fails on a real database error), in a real uvicorn server on loopback.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import httpx
import pytest

from interdict.api import ServiceSettings, create_app

from ..conftest import MISSING_LIST
from .conftest import Api, RunningServer

HEADER = "X-Interdict-Missing-Lists"
MATCH = {"queries": {"q": {"schema": "Person", "properties": {"name": ["Qasem Soleimani"]}}}}


def loaded(client: httpx.Client, timeout: float = 600) -> httpx.Response:
    """/readyz once the first index has loaded (503 either way here: while loading, then for the missing list)."""
    deadline = time.monotonic() + timeout
    while True:
        response = client.get("/readyz")
        if response.status_code == 200 or "missing_lists" in response.json():
            return response
        assert time.monotonic() < deadline, "the index did not load"
        time.sleep(0.1)


@pytest.fixture
def service(broken_db: str, start_server: Callable[..., RunningServer]) -> RunningServer:
    return start_server(create_app(ServiceSettings(db=broken_db, auth=False, watch_seconds=0)))


def test_readyz_names_the_missing_lists(service: RunningServer) -> None:
    with service.client() as client:
        ready = loaded(client)
        assert ready.status_code == 503
        body = ready.json()
        assert body["missing_lists"] == [MISSING_LIST]
        assert f"lists missing from the store: {MISSING_LIST}" in body["detail"] and "interdict datasets" in body["detail"]
        assert client.get("/healthz").status_code == 200  # alive, just not ready


def test_screening_responses_carry_the_header_and_keep_their_shape(service: RunningServer) -> None:
    with service.client() as client:
        loaded(client)
        match = client.post("/match/default", json=MATCH)
        assert match.status_code == 200 and match.headers[HEADER] == MISSING_LIST
        assert set(match.json()) == {"responses", "limit"}  # yente's shape, unchanged
        assert match.json()["responses"]["q"]["results"][0]["id"] == "un_sc_sanctions-IRi.039"

        screen = client.post("/screen", json={"id": "p1", "name": "Qasem Soleimani", "schema": "Person"})
        assert screen.status_code == 200 and screen.headers[HEADER] == MISSING_LIST
        assert screen.json()["missing_lists"] == [MISSING_LIST]

        batch = client.post("/screen/batch", content='{"id": "1", "name": "Qasem Soleimani"}\n', headers={"Content-Type": "application/x-ndjson"})
        assert batch.status_code == 200 and batch.headers[HEADER] == MISSING_LIST

        bad = client.post("/screen", json={"id": "p1"})
        assert bad.status_code == 422 and bad.headers[HEADER] == MISSING_LIST  # errors say it too


def test_a_complete_service_is_ready_and_sends_no_header(api: Api) -> None:
    with api.client() as client:
        assert client.get("/readyz").status_code == 200
        match = client.post("/match/default", json=MATCH)
        assert match.status_code == 200 and HEADER not in match.headers
        screen = client.post("/screen", json={"id": "p1", "name": "Qasem Soleimani"})
        assert screen.json()["missing_lists"] == [] and HEADER not in screen.headers
