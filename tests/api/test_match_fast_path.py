"""The fast path of POST /match/{dataset} (api/match_fast_path.py) answers exactly as the route would.

The server under test is the real app with a counter put just inside its
fast path: what the fast path answers never reaches it, and what it passes on
to the route is counted. The same request is sent twice, once as
the fast path takes it (`Content-Type: application/json`, a cached key) and
once with a content type only the route accepts
(`application/json; charset=utf-8`), and the two answers must be equal, byte
for byte: status, body and headers.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from starlette.middleware import Middleware
from starlette.types import ASGIApp, Receive, Scope, Send

from interdict.api import ServiceSettings, create_app
from interdict.api.match_fast_path import MatchFastPath
from interdict.store.keys import KeyStore

from .conftest import RunningServer, run_server

FAST = "application/json"
ROUTE = "application/json; charset=utf-8"  # valid JSON for the route, declined by the fast path

# Real list names (UN, OFAC, UK), their spellings, and names on no list.
NAMES = [
    "Ali Khamenei",
    "Mohammad Bagher Ghalibaf",
    "Qasem Soleimani",
    "MAHAN AIRLINES",
    "Islamic Revolutionary Guard Corps",
    "KIM Jong Un",
    "Joseph Smith",
    "Tehran Trading Company",
]


class Counting:
    """Middleware put just inside the fast path: counts the HTTP requests it passes on to the route."""

    passed = 0

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            Counting.passed += 1
        await self.app(scope, receive, send)


@dataclass
class Pair:
    server: RunningServer
    store: KeyStore
    key: str

    def post(self, path: str, body: bytes, content_type: str, key: str | None = "", **params: object) -> httpx.Response:
        headers = {"Content-Type": content_type}
        key = self.key if key == "" else key
        if key:
            headers["Authorization"] = f"Bearer {key}"
        with httpx.Client(base_url=self.server.url, timeout=60.0) as client:
            return client.post(path, content=body, headers=headers, params=params)  # type: ignore[arg-type]

    def both(self, path: str, body: bytes, **params: object) -> tuple[httpx.Response, httpx.Response, bool]:
        """(the fast path's answer, the route's answer, whether the fast path answered it itself)."""
        before = Counting.passed
        fast = self.post(path, body, FAST, **params)
        answered = Counting.passed == before
        route = self.post(path, body, ROUTE, **params)
        assert Counting.passed > before, "the route's request must reach the app"
        return fast, route, answered


@pytest.fixture(scope="module")
def pair(seeded) -> Iterator[Pair]:  # type: ignore[no-untyped-def]
    keys = KeyStore(seeded.store.engine)
    key = keys.create("screener", "fast path tests")[1]
    app = create_app(ServiceSettings(key_cache_seconds=600.0, watch_seconds=0.0), store=seeded.store, screener=seeded.screener, keys=keys)
    assert app.user_middleware[-1].cls is MatchFastPath  # innermost: the counter goes just inside it
    app.user_middleware.append(Middleware(Counting))
    server = run_server(app)
    served = Pair(server=server, store=keys, key=key)
    served.post("/match/default", _body({"q": _person("Ali Khamenei")}), ROUTE)  # the route verifies the key once: cached from here on
    yield served
    server.stop()


def _person(name: str, **props: object) -> dict:
    return {"schema": "Person", "properties": {"name": [name], **props}}


def _body(queries: dict, **extra: object) -> bytes:
    return json.dumps({"queries": queries, **extra}).encode()


def _same(fast: httpx.Response, route: httpx.Response) -> None:
    assert fast.status_code == route.status_code, (fast.text[:300], route.text[:300])
    assert fast.content == route.content
    drop = {"date", "server"}
    assert {k: v for k, v in fast.headers.items() if k not in drop} == {k: v for k, v in route.headers.items() if k not in drop}


def test_a_plain_request_is_answered_by_the_fast_path_as_by_the_route(pair: Pair) -> None:
    fast, route, answered = pair.both("/match/default", _body({"q": _person("Mohammad Bagher Ghalibaf")}))
    assert answered
    _same(fast, route)
    assert fast.status_code == 200 and fast.json()["responses"]["q"]["results"][0]["match"] is True


@pytest.mark.parametrize(
    ("path", "queries", "params", "status"),
    [
        ("/match/default", {"a": _person("Ali Khamenei"), "b": {"schema": "Company", "properties": {"name": ["MAHAN AIR"]}}}, {}, 200),
        ("/match/us_ofac_sdn", {"q": _person("Qasem Soleimani")}, {"limit": 2, "threshold": 0.8}, 200),
        ("/match/sanctions", {"q": _person("Qasem Soleimani")}, {"include_dataset": ["gb_hmt_sanctions"], "exclude_schema": ["Vessel"]}, 200),
        ("/match/default", {"q": _person("Ali Khamenei")}, {"topics": ["crime"]}, 200),
        ("/match/default", {"q": _person("Ali Khamenei")}, {"changed_since": "2020-01-01", "algorithm": "logic-v2"}, 200),
        ("/match/default", {"q": {"schema": "Person", "properties": {"birthDate": ["1960"]}}}, {}, 400),
        ("/match/default", {"q": {"schema": "Spaceship", "properties": {"name": ["Enterprise"]}}}, {}, 400),
        ("/match/default", {"q": _person("x")}, {"algorithm": "magic"}, 400),
        ("/match/default", {f"q{i}": _person(f"Name {i}") for i in range(101)}, {}, 400),
        ("/match/default", {}, {}, 400),
        ("/match/no_such_list", {"q": _person("Ali Khamenei")}, {}, 404),
    ],
)
def test_answers_and_refusals_are_the_routes(pair: Pair, path: str, queries: dict, params: dict, status: int) -> None:
    fast, route, answered = pair.both(path, _body(queries), **params)
    assert answered
    _same(fast, route)
    assert fast.status_code == status


@pytest.mark.parametrize(
    ("body", "params"),
    [
        (b'{"queries": {"q": {"properties": {"name": "x"}}}}', {}),  # no schema: 422
        (b'{"queries": ', {}),  # not JSON
        (b"", {}),
        (b'{"queries": {"q": {"schema": "Person", "properties": {"name": ["Ali Khamenei"]}}}}', {"limit": -1}),
        (b'{"queries": {"q": {"schema": "Person", "properties": {"name": ["Ali Khamenei"]}}}}', {"threshold": "high"}),
        (b'{"queries": {"q": {"schema": "Person", "properties": {"name": ["Ali \\ud800 Khamenei"]}}}}', {}),  # a lone surrogate
    ],
)
def test_what_does_not_validate_goes_to_the_route_with_its_body(pair: Pair, body: bytes, params: dict) -> None:
    fast, route, answered = pair.both("/match/default", body, **params)
    assert not answered
    _same(fast, route)


def test_callers_not_settled_by_the_key_cache_go_to_the_route(pair: Pair) -> None:
    body = _body({"q": _person("Ali Khamenei")})
    for key in (None, "idk_not_a_key"):
        before = Counting.passed
        refused = pair.post("/match/default", body, FAST, key=key)
        assert refused.status_code == 401 and Counting.passed == before + 1
    fresh = pair.store.create("screener", "fresh")[1]
    before = Counting.passed
    first = pair.post("/match/default", body, FAST, key=fresh)
    assert first.status_code == 200 and Counting.passed == before + 1  # verified by the route, then cached
    second = pair.post("/match/default", body, FAST, key=fresh)
    assert second.content == first.content and Counting.passed == before + 1


def test_a_body_over_the_limit_without_a_length_is_413_on_both_paths(pair: Pair) -> None:
    """Sent chunked, the body's size is learnt while reading it (limits.py), inside the fast path."""
    big = _body({"q": _person("x " * 600_000)})
    answers = []
    for content_type in (FAST, ROUTE):
        with httpx.Client(base_url=pair.server.url, timeout=60.0) as client:
            answers.append(client.post("/match/default", content=iter([big[:1000], big[1000:]]), headers={"Content-Type": content_type, "Authorization": f"Bearer {pair.key}"}))
    assert answers[0].status_code == 413
    _same(*answers)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    names=st.lists(st.sampled_from(NAMES), min_size=1, max_size=3),
    schema=st.sampled_from(["Person", "Organization", "LegalEntity", "Thing"]),
    limit=st.integers(min_value=0, max_value=12),
    threshold=st.sampled_from([0.0, 0.5, 0.7, 0.95, 1.0]),
    cutoff=st.sampled_from([0.0, 0.3, 0.7]),
    exclude=st.lists(st.sampled_from(["un_sc_sanctions", "us_ofac_sdn", "eu_fsf", "nothing"]), max_size=2),
)
def test_any_query_gets_the_routes_answer(pair: Pair, names: list[str], schema: str, limit: int, threshold: float, cutoff: float, exclude: list[str]) -> None:
    queries = {f"q{i}": {"schema": schema, "properties": {"name": [name]}} for i, name in enumerate(names)}
    fast, route, answered = pair.both("/match/default", _body(queries), limit=limit, threshold=threshold, cutoff=cutoff, exclude_dataset=exclude)
    assert answered
    _same(fast, route)
