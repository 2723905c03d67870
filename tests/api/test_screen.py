"""Native POST /screen and POST /screen/batch: the batch result lines (docs/architecture.md) over HTTP."""

from __future__ import annotations

import json
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from interdict import batch

from .conftest import Api, schema_errors

HIT_KEYS = {"entity_id", "dataset", "source_id", "caption", "schema", "score", "match", "matched_name", "explanation"}


def test_screen_one_party(api: Api) -> None:
    party = {"id": "row-7", "name": "Mohammad Baqer Qalibaf", "schema": "Person", "birth_date": "1961", "nationality": "Iran"}
    with api.client() as client:
        response = client.post("/screen", json=party, params={"limit": 3})
        spec = client.get("/openapi.json").json()
    assert response.status_code == 200
    body = response.json()
    assert not schema_errors(body, spec, "ScreenResult")
    assert body["id"] == "row-7" and 1 <= len(body["hits"]) <= 3
    top = body["hits"][0]
    assert HIT_KEYS <= set(top) <= HIT_KEYS | {"kind", "relation"}  # optional: hits reaching through relations
    assert top["match"] and "ghalibaf" in top["caption"].lower() and "1961" in top["explanation"]


def test_screen_input_errors(api: Api) -> None:
    with api.client() as client:
        bad_date = client.post("/screen", json={"name": "Ali Khamenei", "birth_date": "someday"})
        bad_schema = client.post("/screen", json={"name": "Ali Khamenei", "schema": "Spaceship"})
        bad_dataset = client.post("/screen", json={"name": "Ali Khamenei"}, params={"dataset": "nowhere"})
        no_name = client.post("/screen", json={"id": "1"})
        long_name = client.post("/screen", json={"name": "x" * 501})
    assert bad_date.status_code == 400 and "birth date" in bad_date.json()["detail"]
    assert bad_schema.status_code == 400 and "Spaceship" in bad_schema.json()["detail"]
    assert bad_dataset.status_code == 400 and "nowhere" in bad_dataset.json()["detail"]
    assert no_name.status_code == 422
    assert long_name.status_code == 422 and "at most 500 characters" in long_name.json()["detail"][0]["msg"]


def test_batch_answers_every_line_in_order(api: Api) -> None:
    lines = [
        json.dumps({"id": "a", "name": "Ali Khamenei", "schema": "Person"}),
        "not json",
        "",
        json.dumps({"name": "Acme Trading Nonexistent Ltd"}),
        json.dumps({"id": "no-name", "schema": "Person"}),
        json.dumps(["a", "list"]),
        json.dumps({"ID": "upper", "NAME": "Ghasem Soleimani", "birth_date": "1957"}),
        json.dumps({"id": "bad-date", "name": "Ali Khamenei", "birth_date": "someday"}),
    ]
    with api.client() as client:
        response = client.post("/screen/batch", content="\n".join(lines) + "\n", params={"limit": 2})
    assert response.status_code == 200 and response.headers["content-type"].startswith("application/x-ndjson")
    *results, summary = [json.loads(line) for line in response.text.splitlines()]
    assert summary == {"summary": {"rows": 7, "results": 7, "matched": 2, "errors": 4, "warnings": summary["summary"]["warnings"]}}
    assert [result["id"] for result in results] == ["a", "2", "4", "no-name", "6", "upper", "bad-date"]
    assert results[0]["hits"] and results[0]["hits"][0]["match"] and HIT_KEYS <= set(results[0]["hits"][0]) <= HIT_KEYS | {"kind", "relation"}
    assert all(len(result["hits"]) <= 2 for result in results)
    assert "not valid JSON" in results[1]["error"]
    assert "error" not in results[2]
    assert "A name (or an identifier" in results[3]["error"] and "must be a JSON object" in results[4]["error"]
    assert results[5]["hits"][0]["match"]
    assert "birth date" in results[6]["error"]


def test_batch_matches_screen_file(api: Api, seeded, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Same rows, same lines as `interdict screen-file` (the CLI's batch contract), across many chunks."""
    names = ["Ali Khamenei", "Vladimir Putin", "Maria Garcia", "Mahan Air", "Kim Jong Un", "Hassan Rouhani", "John Smith"]
    rows = [{"id": f"r{i}", "name": names[i % len(names)], "schema": "" if i % 3 else "Person"} for i in range(150)]
    source = tmp_path / "rows.jsonl"
    source.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    batch.screen_file(seeded.screener, source, tmp_path / "out.jsonl", limit=3)
    with api.client() as client:
        response = client.post("/screen/batch", content=source.read_bytes(), params={"limit": 3})
    expected = (tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()
    *lines, summary = [json.loads(line) for line in response.text.splitlines()]
    assert lines == [json.loads(line) for line in expected]
    assert summary["summary"]["rows"] == summary["summary"]["results"] == 150


def test_batch_limits(api: Api) -> None:
    with api.client() as client:
        not_utf8 = client.post("/screen/batch", content=b'{"name": "\xff\xfe"}\n')
        bad_limit = client.post("/screen/batch", content=b'{"name": "x"}\n', params={"limit": 0})
        empty = client.post("/screen/batch", content=b"")
    assert not_utf8.status_code == 400 and "UTF-8" in not_utf8.json()["detail"]
    assert bad_limit.status_code == 422
    assert empty.status_code == 200 and json.loads(empty.text) == {"summary": {"rows": 0, "results": 0, "matched": 0, "errors": 0, "warnings": 0}}


# --- rows in = rows out, for any batch --------------------------------------------------

_VALUES = st.one_of(
    st.none(),
    st.integers(-10, 10**6),
    st.booleans(),
    st.sampled_from(["Ali Khamenei", "QASEMI, Rostam", "'ABDALLAH", "Mahan Air", "x" * 10_001, "Ali\nKhamenei", "1961", "IR", "Vessel"]),
    st.text(max_size=40),
    st.lists(st.text(max_size=5), max_size=3),
)
_LINES = st.one_of(
    st.dictionaries(st.sampled_from(["id", "name", "NAME", "schema", "birth_date", "nationality", "country", "id_number", "other"]), _VALUES, max_size=6).map(
        json.dumps
    ),
    st.sampled_from(
        [
            "not json",
            '{"name": "Ali\\ud800 Khamenei"}',  # a lone surrogate, escaped as JSON writes it
            '{"id": "\\udfff", "name": "Ali Khamenei"}',
            "[" * 3000 + "]" * 3000,
            '["a", "list"]',
            '"just a string"',
            "{",
        ]
    ),
)


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
@given(lines=st.lists(_LINES, min_size=0, max_size=12))
def test_every_batch_line_gets_one_answer_and_the_stream_a_summary(api: Api, lines: list[str]) -> None:
    body = "\n".join(lines) + "\n"
    with api.client() as client:
        response = client.post("/screen/batch", content=body.encode("utf-8", "surrogatepass"), headers={"Content-Type": "application/x-ndjson"})
    assert response.status_code == 200, response.text[:300]
    *results, last = [json.loads(line) for line in response.text.splitlines()]
    sent = [line for line in lines if line.strip()]
    assert len(results) == len(sent)
    assert last["summary"]["rows"] == last["summary"]["results"] == len(sent)
    assert last["summary"]["errors"] == sum(1 for result in results if "error" in result)
    for result in results:
        assert set(result) <= {"id", "hits", "error", "warnings"} and isinstance(result["id"], str)
