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
from schemathesis.core.parameters import ParameterLocation
from schemathesis.generation.meta import negated_parameters
from schemathesis.specs.openapi.checks import negative_data_rejection, positive_data_acceptance

from interdict.api import create_app

from .conftest import Api

schemathesis.serializer.alias("application/x-ndjson", "text/plain")
schemathesis.serializer.alias("application/edifact", "text/plain")

SKIPPED = {("/updatez", "post")}
TEXT_BODIES = {("/screen/batch", "post"), ("/screen/payment", "post"), ("/screen/manifest", "post"), ("/screen/shipment", "post")}
SPEC = create_app().openapi()
OPERATIONS = sorted((path, method) for path, methods in SPEC["paths"].items() for method in methods if (path, method) not in SKIPPED)


@pytest.fixture(scope="package")
def api_schema(api: Api):  # type: ignore[no-untyped-def]
    schema = schemathesis.openapi.from_url(f"{api.url}/openapi.json")
    # The API key is the test's own (a valid admin key on every request): generated or mutated security headers would
    # be replaced on the way out, and a "negative" case whose only mutations were undone so, or became valid once sent
    # (an object query parameter goes out as repeated values, a valid list), is rightly accepted by the server.
    schema.config.generation.update(with_security_parameters=False)
    return schema


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
        excluded = [positive_data_acceptance]
        if mode == GenerationMode.NEGATIVE and _undone_when_sent(case, path, method):
            excluded.append(negative_data_rejection)  # every other check (no 5xx, documented answers) still applies
        case.call_and_validate(headers=headers, excluded_checks=excluded)

    try:
        check()
    except Unsatisfiable:
        if mode == GenerationMode.NEGATIVE:
            pytest.skip("the operation takes no input that could be made invalid")
        raise


def _undone_when_sent(case, path: str, method: str) -> bool:  # type: ignore[no-untyped-def]
    """Whether every mutation of a negative case is undone on the wire: each made a one-value query parameter a list.

    A list goes out as the parameter repeated (`status=a&status=b`), which is how HTTP writes one parameter given
    several times, and the server reads the last value, valid for a string parameter; the request is then not invalid
    and a 200 is right. (Any other mutation in the case keeps the rejection check.)"""
    negated = list(negated_parameters(case.meta))
    if not negated:
        return False
    declared = {item["name"]: item.get("schema", {}) for item in SPEC["paths"][path][method].get("parameters", []) if item.get("in") == "query"}
    for name, location in negated:
        sent = (case.query or {}).get(name)
        if location != ParameterLocation.QUERY or name not in declared or not isinstance(sent, list) or "array" in str(declared[name]):
            return False
    return True
