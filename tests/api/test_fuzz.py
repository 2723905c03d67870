"""Arbitrary JSON to every POST endpoint: never a 500, never a dropped keep-alive connection.

Hypothesis generates JSON documents, from arbitrary values (text with lone
surrogates such as "\\ud800", NaN and Infinity, which Python's json reads,
huge and tiny numbers, nesting) to bodies shaped like each endpoint's own with
arbitrary values in every slot, so that they also get past validation into
screening. Each endpoint gets its examples over ONE keep-alive connection:
an answer of 500, or a connection the server closed (a 500 used to reset it,
issue 10 item 7), fails the test. `ENDPOINT_EXAMPLES` examples per endpoint,
derandomized, so CI runs the same inputs every time.

POST /updatez reads no body (its input is its query string), so it is not here.
"""

from __future__ import annotations

import http.client
import json
from typing import Any
from urllib.parse import urlparse

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .conftest import Api

ENDPOINT_EXAMPLES = 150

# Every code point, lone surrogates (category Cs) included.
ANY_CHAR = st.characters(min_codepoint=0, max_codepoint=0x10FFFF, exclude_categories=())
TEXT = st.text(ANY_CHAR, max_size=40) | st.sampled_from(["\ud800", "\udfff", "Ali \ud83d Khamenei", "\x00", "", " ", "1939-13-45", "Person", "Vessel"])
SCALARS = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True, allow_infinity=True) | TEXT
JSON = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(TEXT, inner, max_size=4), max_leaves=25)

PROPERTIES = st.dictionaries(st.sampled_from(["name", "birthDate", "nationality", "idNumber", "imoNumber", "country", "firstName", "lastName", "notes"]) | TEXT, JSON | st.lists(TEXT, max_size=3), max_size=5)
MATCH_BODY = st.fixed_dictionaries(
    {"queries": st.dictionaries(TEXT, st.fixed_dictionaries({"schema": st.sampled_from(["Person", "Company", "Vessel", "Thing"]) | TEXT, "properties": PROPERTIES}), max_size=3)},
    optional={"weights": st.dictionaries(TEXT, JSON, max_size=2), "config": st.dictionaries(TEXT, JSON, max_size=2)},
)
# Bodies that pass validation, so that their text (lone surrogates included) reaches screening and comes back in the answer.
SCHEMAS = st.sampled_from(["Person", "Organization", "Company", "LegalEntity", "Vessel", "Airplane", "Thing"])
VALID_MATCH = st.fixed_dictionaries(
    {"queries": st.dictionaries(TEXT, st.fixed_dictionaries({"schema": SCHEMAS, "properties": st.dictionaries(st.sampled_from(["name", "birthDate", "nationality", "idNumber", "alias"]), st.lists(TEXT, min_size=1, max_size=3), min_size=1, max_size=3)}), min_size=1, max_size=3)}
)
NAME = st.builds(lambda head, tail: head + tail, st.sampled_from(["Ali ", "x", "\ud800", "Мария "]), TEXT)
VALID_SCREEN = st.fixed_dictionaries({"name": NAME}, optional={key: TEXT for key in ("id", "birth_date", "nationality", "country", "id_number")} | {"schema": SCHEMAS})
SCREEN_FIELDS = {key: JSON | TEXT for key in ("id", "schema", "birth_date", "nationality", "country", "id_number")}
SCREEN_BODY = st.fixed_dictionaries({"name": TEXT | JSON}, optional=SCREEN_FIELDS)
SHIPMENT_BODY = st.dictionaries(st.sampled_from(["shipper", "consignee", "vessel", "imo", "port_of_loading", "port_of_discharge"]) | TEXT, JSON, max_size=5)


def dumps(value: Any) -> bytes:
    """JSON text as Python writes it: \\uXXXX escapes for surrogates; NaN and Infinity as Python's json reads them."""
    return json.dumps(value, ensure_ascii=True, allow_nan=True).encode("ascii")


def ndjson(lines: list[Any]) -> bytes:
    return b"\n".join(dumps(line) for line in lines) + b"\n"


# path → (content type, strategy of request bodies)
ENDPOINTS: dict[str, tuple[str, st.SearchStrategy[bytes]]] = {
    "/match/default": ("application/json", (VALID_MATCH | MATCH_BODY | JSON).map(dumps)),
    "/screen": ("application/json", (VALID_SCREEN | SCREEN_BODY | JSON).map(dumps)),
    "/screen/batch": ("application/x-ndjson", st.lists(VALID_SCREEN | SCREEN_BODY | JSON, min_size=1, max_size=4).map(ndjson)),
    "/screen/shipment": ("application/json", (SHIPMENT_BODY | JSON).map(dumps)),
    "/screen/payment": ("application/xml", (JSON.map(dumps) | TEXT.map(lambda text: text.encode("utf-8", "surrogatepass")))),
    "/screen/manifest": ("application/edifact", (JSON.map(dumps) | TEXT.map(lambda text: text.encode("utf-8", "surrogatepass")))),
}
# Reported in the test's output (pytest -rA or -s): how many inputs each endpoint got, and their statuses.
SENT: dict[str, dict[int, int]] = {}


class KeepAlive:
    """One HTTP/1.1 connection; fails if the server closes it or answers 500."""

    def __init__(self, url: str, key: str):
        parsed = urlparse(url)
        self.conn = http.client.HTTPConnection(parsed.hostname or "127.0.0.1", parsed.port, timeout=60)
        self.key = key
        self.socket: object | None = None

    def post(self, path: str, content_type: str, body: bytes) -> int:
        self.conn.request("POST", path, body=body, headers={"Content-Type": content_type, "Authorization": f"Bearer {self.key}"})
        response = self.conn.getresponse()
        data = response.read()
        if self.socket is None:
            self.socket = self.conn.sock
        assert self.conn.sock is self.socket and not response.will_close, f"the server closed the connection after {response.status} to {body[:200]!r}"
        assert response.status < 500, f"{response.status} {data[:300]!r} for {body[:300]!r}"
        if response.getheader("content-type", "").startswith("application/json"):
            json.loads(data)  # a body that says JSON is JSON
        return response.status

    def close(self) -> None:
        self.conn.close()


@pytest.mark.parametrize("path", list(ENDPOINTS))
def test_arbitrary_json_never_500s_nor_drops_the_connection(api: Api, path: str) -> None:
    content_type, bodies = ENDPOINTS[path]
    client = KeepAlive(api.url, api.keys["screener"])
    statuses = SENT.setdefault(path, {})

    @given(body=bodies)
    @settings(max_examples=ENDPOINT_EXAMPLES, deadline=None, derandomize=True, database=None, suppress_health_check=list(HealthCheck))
    def check(body: bytes) -> None:
        status = client.post(path, content_type, body)
        statuses[status] = statuses.get(status, 0) + 1

    try:
        check()
    finally:
        client.close()
    print(f"\n{path}: {sum(statuses.values())} generated inputs, statuses {dict(sorted(statuses.items()))}")
    assert sum(statuses.values()) >= ENDPOINT_EXAMPLES and 500 not in statuses


def nested(depth: int, opener: str, closer: str, leaf: str = "1") -> bytes:
    return (opener * depth + leaf + closer * depth).encode()


@pytest.mark.parametrize(
    "body",
    [
        nested(100_000, "[", "]"),  # 200 KB: deeper than any parser recursion limit, under the 1 MB cap
        nested(60_000, '{"a":', "}"),
        b'{"queries": {"q": {"schema": "Person", "properties": {"name": ' + nested(900, "[", "]", '"Ali \\ud800"') + b"}}}}",
        b'{"queries": ' + nested(950, "[", "]") + b"}",
    ],
    ids=["array-100k-deep", "object-60k-deep", "names-900-deep", "queries-950-deep"],
)
def test_deeply_nested_bodies_are_refused(api: Api, body: bytes) -> None:
    """/match and /screen (FastAPI parses their JSON). The document endpoints parse their own; their area tests depth."""
    client = KeepAlive(api.url, api.keys["screener"])
    try:
        for path in ("/match/default", "/screen"):
            assert 400 <= client.post(path, "application/json", body) < 500
    finally:
        client.close()


def test_surrogates_and_non_finite_numbers_are_screened_or_refused(api: Api) -> None:
    client = KeepAlive(api.url, api.keys["screener"])
    body = b'{"queries": {"q": {"schema": "Person", "properties": {"name": ["Ali \\ud800 Khamenei", "\\udfff"], "birthDate": [NaN, Infinity]}}}}'
    try:
        assert client.post("/match/default", "application/json", body) in (200, 400)
        assert client.post("/screen", "application/json", b'{"id": "\\ud800", "name": "Ali \\ud83d Khamenei", "birth_date": NaN}') in (200, 400, 422)
    finally:
        client.close()


def test_error_bodies_echoing_a_surrogate_are_valid_utf8_json(api: Api) -> None:
    """FastAPI's 422 echoes the input: the lone surrogate comes back as U+FFFD, not as a failed encoding."""
    client = KeepAlive(api.url, api.keys["screener"])
    try:
        client.conn.request("POST", "/match/default", body=b'{"queries": "\\ud800"}', headers={"Content-Type": "application/json", "Authorization": f"Bearer {client.key}"})
        response = client.conn.getresponse()
        detail = json.loads(response.read().decode("utf-8"))["detail"]
    finally:
        client.close()
    assert response.status == 422 and detail[0]["input"] == "\ufffd"
