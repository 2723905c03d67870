"""Limits and failures: body size, URL length, timeouts, readiness, and errors that are always JSON."""

from __future__ import annotations

import json
from collections.abc import Iterator

from interdict.api import ServiceSettings, create_app

from .conftest import Api

MATCH = {"queries": {"q": {"schema": "Person", "properties": {"name": ["Ali Khamenei"]}}}}


def test_body_over_the_cap_is_413(api: Api) -> None:
    padding = {"notes": ["x" * 900] * 1200}  # ~1.1 MB of otherwise valid JSON
    body = json.dumps({"queries": {"q": {"schema": "Person", "properties": {"name": ["Ali"], **padding}}}}).encode()
    assert len(body) > 1_000_000
    with api.client() as client:
        declared = client.post("/match/default", content=body, headers={"content-type": "application/json"})

        def chunks() -> Iterator[bytes]:  # no Content-Length: the cap applies while reading
            for start in range(0, len(body), 64_000):
                yield body[start : start + 64_000]

        streamed = client.post("/match/default", content=chunks(), headers={"content-type": "application/json"})
    for response in (declared, streamed):
        assert response.status_code == 413, response.text
        assert "byte limit for /match/default" in response.json()["detail"]


def test_batch_has_a_larger_cap(api: Api) -> None:
    lines = "".join(json.dumps({"id": str(i), "name": "Maria Garcia", "note": "x" * 5_000}) + "\n" for i in range(220)).encode()
    assert len(lines) > 1_000_000
    with api.client() as client:
        response = client.post("/screen/batch", content=lines, params={"limit": 1})
    assert response.status_code == 200 and len(response.text.splitlines()) == 221  # 220 results and the summary line


def test_long_url_is_414(api: Api) -> None:
    with api.client() as client:
        response = client.get("/search/default", params={"q": "x" * 61_000})
    assert response.status_code == 414 and "URL longer" in response.json()["detail"]


def test_malformed_requests_get_json_errors(api: Api) -> None:
    with api.client() as client:
        not_json = client.post("/match/default", content=b"{not json", headers={"content-type": "application/json"})
        wrong_shape = client.post("/match/default", json={"queries": ["a", "b"]})
        no_route = client.get("/no/such/route")
        wrong_method = client.delete("/match/default")
    assert not_json.status_code == 422 and isinstance(not_json.json()["detail"], list)
    assert wrong_shape.status_code == 422 and isinstance(wrong_shape.json()["detail"], list)
    assert no_route.status_code == 404 and no_route.json() == {"detail": "Not Found"}
    assert wrong_method.status_code == 405 and wrong_method.json() == {"detail": "Method Not Allowed"}


def test_unhandled_error_is_500_status_error_without_traceback(seeded, start_server) -> None:  # type: ignore[no-untyped-def]
    app = create_app(ServiceSettings(auth=False, watch_seconds=0), store=seeded.store, screener=seeded.screener)

    @app.get("/boom")
    async def boom() -> None:
        raise RuntimeError("secret internals")

    server = start_server(app)
    with server.client() as client:
        response = client.get("/boom")
    assert response.status_code == 500
    assert response.json() == {"status": "error"}
    assert "secret internals" not in response.text and "Traceback" not in response.text


def test_slow_screening_times_out_with_503(seeded, start_server) -> None:  # type: ignore[no-untyped-def]
    app = create_app(ServiceSettings(auth=False, watch_seconds=0, request_timeout=1e-6), store=seeded.store, screener=seeded.screener)
    server = start_server(app)
    with server.client() as client:
        response = client.post("/match/default", json=MATCH)
        health = client.get("/healthz")
    assert response.status_code == 503 and "longer than" in response.json()["detail"]
    assert health.status_code == 200


def test_not_ready_until_the_index_is_loaded(start_server) -> None:  # type: ignore[no-untyped-def]
    """With the loader not started (lifespan off) the index never arrives: 503s, but health answers."""
    app = create_app(ServiceSettings(auth=False, watch_seconds=0))
    server = start_server(app, lifespan="off")
    with server.client() as client:
        ready = client.get("/readyz")
        matched = client.post("/match/default", json=MATCH)
        health = client.get("/healthz")
    assert ready.status_code == 503 and ready.json() == {"detail": "Index not ready."}
    assert matched.status_code == 503 and matched.json() == {"detail": "Index not ready."}
    assert health.json() == {"status": "ok"}
