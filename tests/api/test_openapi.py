"""Property-based API test: schemathesis generates requests from OUR OpenAPI spec and checks every answer.

Checks: schemathesis' defaults (no 5xx, documented status codes, content types
and headers, responses valid against the documented schemas, schema-invalid
input rejected) except "schema-valid input accepted": like yente, the API
answers a documented 400 to input the schema cannot rule out but the matcher
cannot use (an unknown algorithm name, an unreadable birth date).

A bounded number of examples per operation, so it runs in CI. Left out:
POST /updatez (it would fetch the official lists from the internet) and the
workflow routes (their area tests them). One pytest case per operation, driven
by Hypothesis directly: schemathesis' own pytest plugin does not run under pytest 9.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import positive_data_acceptance

from interdict.api import create_app

from .conftest import Api

schemathesis.serializer.alias("application/x-ndjson", "text/plain")
schemathesis.serializer.alias("application/edifact", "text/plain")

SKIPPED = {("/updatez", "post")}
TEXT_BODIES = {("/screen/batch", "post"), ("/screen/payment", "post"), ("/screen/manifest", "post"), ("/screen/shipment", "post")}
OPERATIONS = sorted(
    (path, method)
    for path, methods in create_app().openapi()["paths"].items()
    for method, operation in methods.items()
    if (path, method) not in SKIPPED
)


@pytest.fixture(scope="session")
def api_schema(api: Api):  # type: ignore[no-untyped-def]
    return schemathesis.openapi.from_url(f"{api.url}/openapi.json")


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
@pytest.mark.parametrize(("path", "method"), OPERATIONS, ids=[f"{method.upper()} {path}" for path, method in OPERATIONS])
def test_api_conforms_to_its_spec(api_schema, api: Api, path: str, method: str, mode: GenerationMode) -> None:  # type: ignore[no-untyped-def]
    """Positive cases fit the spec (no 5xx, valid responses); negative ones must be refused with 4xx."""
    if mode == GenerationMode.NEGATIVE and (path, method) in TEXT_BODIES:
        pytest.skip("every byte string is a valid text body: a schema-violating body cannot be sent")
    operation = api_schema[path][method.upper()]
    headers = {"Authorization": f"Bearer {api.keys['admin']}"}

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(max_examples=20, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True, database=None)
    def check(case) -> None:  # type: ignore[no-untyped-def]
        case.call_and_validate(headers=headers, excluded_checks=[positive_data_acceptance])

    try:
        check()
    except Unsatisfiable:
        if mode == GenerationMode.NEGATIVE:
            pytest.skip("the operation takes no input that could be made invalid")
        raise
