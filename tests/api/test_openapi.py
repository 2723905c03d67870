"""Property-based API test: schemathesis generates requests from OUR OpenAPI spec and checks every answer.

Checks (schemathesis defaults): no 5xx, documented status codes, content types
and headers, responses valid against the documented schemas, invalid input
rejected. A bounded number of examples per operation, so it runs in CI.
POST /updatez is left out: it would fetch the official lists from the internet.

One pytest case per operation, driven by Hypothesis directly (schemathesis'
own pytest plugin does not run under pytest 9).
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

from interdict.api import create_app

from .conftest import Api

SKIPPED = {("/updatez", "post")}
OPERATIONS = sorted(
    (path, method)
    for path, methods in create_app().openapi()["paths"].items()
    for method in methods
    if (path, method) not in SKIPPED
)


@pytest.fixture(scope="session")
def api_schema(api: Api):  # type: ignore[no-untyped-def]
    return schemathesis.openapi.from_url(f"{api.url}/openapi.json")


@pytest.mark.parametrize(("path", "method"), OPERATIONS, ids=[f"{method.upper()} {path}" for path, method in OPERATIONS])
def test_api_conforms_to_its_spec(api_schema, api: Api, path: str, method: str) -> None:  # type: ignore[no-untyped-def]
    operation = api_schema[path][method.upper()]
    headers = {"Authorization": f"Bearer {api.keys['admin']}"}

    @given(case=operation.as_strategy())
    @settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True, database=None)
    def check(case) -> None:  # type: ignore[no-untyped-def]
        case.call_and_validate(headers=headers)

    check()
