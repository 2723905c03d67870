"""What a web page can make a visitor's browser do to the service (issue 10, item 17).

Real HTTP requests carrying the headers a browser sends (Origin, the content
types of forms, preflights), against real servers with and without API keys.
A --no-auth server here updates from a mirror on a closed loopback port, so a
list update that got through would show in its update status (and change nothing).
"""

from __future__ import annotations

import pytest

from interdict.api import ServiceSettings, create_app
from interdict.api.browser import host_name, is_loopback_host

from .conftest import Api, RunningServer
from .test_auth import _free_port

EVIL = "https://evil.example"
MATCH = {"queries": {"q": {"schema": "Person", "properties": {"name": ["Ali Khamenei"]}}}}
SIMPLE_BODIES = [
    ("text/plain", b'{"queries": {}}'),
    ("text/plain;charset=UTF-8", b"anything"),
    ("application/x-www-form-urlencoded", b"a=b"),
    ("multipart/form-data; boundary=x", b"--x--\r\n"),
    (None, b""),
]
STATE_CHANGING = ["/updatez?sync=true", "/match/default", "/screen", "/screen/batch", "/screen/payment", "/screen/manifest", "/screen/shipment"]


@pytest.fixture
def no_auth(seeded, start_server) -> RunningServer:  # type: ignore[no-untyped-def]
    settings = ServiceSettings(auth=False, watch_seconds=0, mirror=f"http://127.0.0.1:{_free_port()}")
    return start_server(create_app(settings, store=seeded.store, screener=seeded.screener))


def _headers(content_type: str | None, **extra: str) -> dict[str, str]:
    headers = {"Origin": EVIL, **extra}
    if content_type:
        headers["Content-Type"] = content_type
    return headers


def test_cors_is_off_by_default(api: Api) -> None:
    with api.client() as client:
        answer = client.post("/match/default", json=MATCH, headers={"Origin": EVIL})
        preflight = client.options("/match/default", headers={"Origin": EVIL, "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type"})
    assert answer.status_code == 200 and "access-control-allow-origin" not in answer.headers  # the page cannot read it
    assert preflight.status_code == 405 and "access-control-allow-origin" not in preflight.headers  # nor send JSON


def test_configured_origins_only(seeded, start_server) -> None:  # type: ignore[no-untyped-def]
    friend = "https://screening.example.org"
    server = start_server(create_app(ServiceSettings(auth=False, watch_seconds=0, cors_origins=(friend,)), store=seeded.store, screener=seeded.screener))
    with server.client() as client:
        preflight = {"Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type,x-api-key"}
        allowed = client.options("/match/default", headers={"Origin": friend, **preflight})
        refused = client.options("/match/default", headers={"Origin": EVIL, **preflight})
        read = client.post("/match/default", json=MATCH, headers={"Origin": friend})
        foreign = client.post("/match/default", json=MATCH, headers={"Origin": EVIL})
    assert allowed.status_code == 200 and allowed.headers["access-control-allow-origin"] == friend
    assert refused.status_code == 400 and "access-control-allow-origin" not in refused.headers
    assert read.headers["access-control-allow-origin"] == friend and read.headers["access-control-expose-headers"] == "x-batch-size, x-interdict-missing-lists"
    assert "access-control-allow-origin" not in foreign.headers


@pytest.mark.parametrize("path", STATE_CHANGING)
def test_no_auth_refuses_simple_requests(no_auth: RunningServer, path: str) -> None:
    with no_auth.client() as client:
        for content_type, body in SIMPLE_BODIES:
            answer = client.post(path, content=body, headers=_headers(content_type))
            assert answer.status_code == 415, (path, content_type, answer.text)
            assert "without API keys" in answer.json()["detail"] and "application/json" in answer.json()["detail"]
        assert client.get("/updatez").json()["started_at"] is None  # no list update ever started


def test_no_auth_accepts_what_a_browser_cannot_send_without_asking(no_auth: RunningServer) -> None:
    with no_auth.client() as client:
        assert client.post("/match/default", json=MATCH, headers={"Origin": EVIL}).status_code == 200  # JSON: a browser would preflight
        batch = b'{"id": "1", "name": "Ali Khamenei"}\n'
        assert client.post("/screen/batch", content=batch, headers=_headers("application/x-ndjson")).status_code == 200
        assert client.post("/screen/batch", content=batch, headers=_headers("text/plain", **{"X-API-Key": "anything"})).status_code == 200
        assert client.post("/screen/batch", content=batch, headers=_headers("text/plain", Authorization="Bearer anything")).status_code == 200
        basic = client.post("/screen/batch", content=batch, headers=_headers("text/plain", Authorization="Basic dTpw"))  # browsers add cached Basic credentials
        assert basic.status_code == 415
        csv = client.post("/screen/manifest", content=b"surname,given_names\nSABET,Javad\n", headers=_headers("text/csv"))
        assert csv.status_code != 415
        update = client.post("/updatez", params={"dataset": "no_such_list", "sync": "true"}, headers={"Content-Type": "application/json"})
        assert update.status_code == 400 and "no_such_list" in update.json()["detail"]  # past the guard, into the route


def test_no_auth_answers_only_to_loopback_names(no_auth: RunningServer) -> None:
    """DNS rebinding: a page whose own host name now points at 127.0.0.1 is same-origin with the service, outside CORS."""
    with no_auth.client() as client:
        rebound = client.post("/match/default", json=MATCH, headers={"Host": "evil.example:8000"})
        for host in ("localhost:8000", "127.0.0.1", "[::1]:8000", "127.0.0.2"):
            assert client.post("/match/default", json=MATCH, headers={"Host": host}).status_code == 200, host
    assert rebound.status_code == 421 and "loopback" in rebound.json()["detail"]


def test_allowed_hosts_extend_the_loopback_names(seeded, start_server) -> None:  # type: ignore[no-untyped-def]
    settings = ServiceSettings(auth=False, watch_seconds=0, allowed_hosts=("interdict.internal",))
    server = start_server(create_app(settings, store=seeded.store, screener=seeded.screener))
    with server.client() as client:
        assert client.get("/healthz", headers={"Host": "interdict.internal:443"}).status_code == 200
        assert client.get("/healthz", headers={"Host": "other.internal"}).status_code == 421


def test_with_keys_a_key_is_the_guard(api: Api) -> None:
    """A browser sends no Bearer or X-API-Key header without a preflight: simple requests are refused for lack of a key."""
    with api.client(role=None) as anonymous:
        for path in STATE_CHANGING:
            for content_type, body in SIMPLE_BODIES:
                answer = anonymous.post(path, content=body, headers=_headers(content_type))
                assert answer.status_code == 401, (path, content_type)
        rebound = anonymous.get("/healthz", headers={"Host": "evil.example"})
    assert rebound.status_code == 200  # keyed services answer to any name (behind proxies)
    with api.client("screener") as client:  # a key makes any content type acceptable
        batch = client.post("/screen/batch", content=b'{"id": "1", "name": "Ali Khamenei"}\n', headers=_headers("text/plain"))
    assert batch.status_code == 200


def test_serve_no_auth_refuses_a_non_loopback_host(cli) -> None:  # type: ignore[no-untyped-def]
    for host in ("0.0.0.0", "192.0.2.10", "::", "example.org"):
        result = cli("serve", "--no-auth", "--host", host)
        assert result.code == 2, host
        assert "not a loopback address" in result.flat_err and "interdict keys create" in result.flat_err


def test_serve_refuses_a_malformed_cors_origin(cli) -> None:  # type: ignore[no-untyped-def]
    for origin in ("*", "evil.example", "https://a.example/path"):
        result = cli("serve", "--cors-origin", origin)
        assert result.code == 2 and "is not an origin" in result.flat_err, origin


def test_host_names() -> None:
    assert [host_name(value) for value in ("[::1]:8000", "[::1]", "example.org:80", "example.org", "")] == ["[::1]", "[::1]", "example.org", "example.org", ""]
    assert all(is_loopback_host(host) for host in ("localhost", "LOCALHOST.", "app.localhost", "127.0.0.1", "127.9.9.9", "[::1]"))
    assert not any(is_loopback_host(host) for host in ("evil.example", "localhost.evil.example", "10.0.0.1", "[::2]", "0.0.0.0", ""))
