"""Date parameters are real dates: `changed_since` on /match and /search (issue 10, item 21).

yente's pattern (YYYY-MM-DD[THH[:MM[:SS]]]) decides the shape, as in yente: a
mismatch is FastAPI's 422. A value that fits it but names no moment
(`2020-13-45T99`) is a 400 in yente's `{"detail": "..."}` shape.
"""

from __future__ import annotations

import pytest

from .conftest import Api

MATCH = {"queries": {"q": {"schema": "Person", "properties": {"name": ["Ali Khamenei"]}}}}
IMPOSSIBLE = {
    "2020-13-45T99": "month 13",
    "2020-01-45": "day 45",
    "2021-02-29": "day 29",
    "2020-01-01T24": "hour 24",
    "2020-01-01T12:60": "minute 60",
    "2020-01-01T12:00:61": "second 61",
    "0000-01-01": "year 0",
    "٢٠٢٠-01-01": "ASCII digits",
}


def _send(client, path: str, value: str):  # type: ignore[no-untyped-def]
    if path.startswith("/match"):
        return client.post(path, params={"changed_since": value}, json=MATCH)
    return client.get(path, params={"changed_since": value, "q": "Ali Khamenei"})


@pytest.mark.parametrize("path", ["/match/default", "/search/default"])
def test_impossible_dates_are_400_with_a_detail(api: Api, path: str) -> None:
    with api.client() as client:
        for value, named in IMPOSSIBLE.items():
            answer = _send(client, path, value)
            assert answer.status_code == 400, (value, answer.text)
            detail = answer.json()["detail"]
            assert set(answer.json()) == {"detail"} and "changed_since" in detail and named in detail, detail


@pytest.mark.parametrize("path", ["/match/default", "/search/default"])
def test_malformed_dates_are_422_as_in_yente(api: Api, path: str) -> None:
    with api.client() as client:
        for value in ("yesterday", "2020-1-1", "2020-01-01T1", "2020-01-01 10:00", "2020-01-01T10:00:00Z"):
            answer = _send(client, path, value)
            assert answer.status_code == 422 and isinstance(answer.json()["detail"], list), value


@pytest.mark.parametrize("path", ["/match/default", "/search/default"])
def test_real_dates_of_every_precision_are_accepted(api: Api, path: str) -> None:
    with api.client() as client:
        for value in ("2020-02-29", "1999-12-31T23", "2024-06-01T12:00", "2024-06-01T12:00:59", "9999-12-31"):
            assert _send(client, path, value).status_code == 200, value
