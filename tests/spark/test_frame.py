"""interdict.spark.screen on local[2] with the real bundled lists: the same results as screen-file, row by row."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from interdict import batch
from interdict.errors import InputError
from interdict.rows import read_row
from interdict.spark import EXTRA, HIT_FIELDS, executor, hit_dict, screen, worker_states

from ..conftest import Seeded
from . import inputs

SCHEMA = ", ".join(f"{name} string" for name in inputs.COLUMNS)


def frame(spark: Any, rows: list[dict[str, Any]], partitions: int = 2) -> Any:
    data = [tuple(row.get(name) for name in inputs.COLUMNS) for row in rows]
    return spark.createDataFrame(spark.sparkContext.parallelize(data, partitions), SCHEMA)


def test_a_dataframe_screens_as_screen_file_row_by_row(
    spark: Any, seeded: Seeded, rows_1000: list[dict[str, Any]], tmp_path: Path
) -> None:
    rows = list(rows_1000)
    rows.insert(
        len(rows) - 2, {"name": "Row Without An Id In The Last Partition", "schema": "Person"}
    )  # numbered by position across partitions
    expected_path = tmp_path / "local.jsonl"
    batch.screen_file(seeded.screener, inputs.write_jsonl(tmp_path / "rows.jsonl", rows), expected_path)
    expected = expected_path.read_text(encoding="utf-8").splitlines()

    results = screen(frame(spark, rows, partitions=3), json_lines=True, screener=seeded.screener).collect()

    assert [row["result"] for row in results] == expected  # byte for byte, in input order
    assert results[-3]["id"] == str(len(rows) - 2) == "999"
    errors = 0
    for row, line in zip(results, expected):
        parsed = json.loads(line)
        assert row["id"] == parsed["id"]
        assert [hit_dict(hit) for hit in row["hits"]] == parsed["hits"]  # the struct array holds the whole hit
        assert row["error"] == parsed.get("error")
        assert row["warnings"] == parsed.get("warnings")
        errors += row["error"] is not None
    assert errors == len([bad for bad in inputs.BAD_ROWS if bad["id"].startswith("bad-")])
    assert sum(bool(json.loads(line)["hits"]) for line in expected) > 500  # the listed names were found


def test_the_hit_struct_carries_every_field_of_the_contract(spark: Any, seeded: Seeded) -> None:
    hits = seeded.screener.screen(read_row({"name": "Mohammad Baqer Qalibaf", "schema": "Person"}, 1).query)
    assert hits
    hit = hits[0].to_dict()
    assert set(declared_order()) <= set(hit)  # every column is a field of the contract
    # A field the contract gains (e.g. owners, from the relations work) travels in `extra` until it gets a column.
    grown = hit | {"owners": [{"entity_id": "x", "share": 0.5}], "note": None}
    assert hit_dict(executor._hit_struct(grown)) == grown
    result_type = screen(frame(spark, [{"id": "1", "name": "x"}]), screener=seeded.screener).schema["hits"].dataType.elementType
    assert [field.name for field in result_type.fields] == [*declared_order(), EXTRA]


def declared_order() -> list[str]:
    return [name for name, _ in HIT_FIELDS]


def test_an_empty_dataframe_gives_an_empty_result(spark: Any, seeded: Seeded) -> None:
    results = screen(frame(spark, []), screener=seeded.screener)
    assert results.columns == ["id", "hits", "error", "warnings"]
    assert results.collect() == []


def test_a_row_without_a_name_is_a_row_error(spark: Any, seeded: Seeded) -> None:
    rows = [{"id": "a", "name": None}, {"id": "b", "name": "  "}, {"id": "c", "name": "Mohammad Baqer Qalibaf"}]
    results = {row["id"]: row for row in screen(frame(spark, rows), screener=seeded.screener).collect()}
    expected = read_row({"id": "a", "name": None}, 1).error
    assert expected and results["a"]["error"] == expected and results["b"]["error"] == expected
    assert results["a"]["hits"] == [] and results["c"]["error"] is None and results["c"]["hits"]


def test_columns_are_mapped_by_name(spark: Any, seeded: Seeded) -> None:
    df = spark.createDataFrame([("k-1", "Mohammad Baqer Qalibaf", "1961")], "customer_id string, FULL_NAME string, dob string")
    [row] = screen(df, name_col="full_name", id_col="customer_id", birth_date_col="dob", screener=seeded.screener).collect()
    assert row["id"] == "k-1" and row["hits"][0]["match"]
    with pytest.raises(InputError, match="no column 'name'"):
        screen(df, screener=seeded.screener)
    with pytest.raises(InputError, match="no column 'passport'"):
        screen(df, name_col="full_name", id_number_col="passport", screener=seeded.screener)
    with pytest.raises(InputError, match="limit"):
        screen(df, name_col="full_name", limit=0, screener=seeded.screener)


def test_the_index_is_opened_once_per_worker_not_per_partition(
    spark: Any, seeded: Seeded, rows_1000: list[dict[str, Any]]
) -> None:
    from pyspark.sql import functions as F

    screened = screen(frame(spark, rows_1000[:400], partitions=8), screener=seeded.screener)
    assert screened.agg(F.count(F.lit(1))).collect()[0][0] == 400
    reports = worker_states(spark, tasks=8)
    assert reports and max(report["opened"] for report in reports) == 1  # 8 partitions, one opening per worker
    assert any(report["held"] == 1 for report in reports)
    # the reach-through table came with the index: no worker built the relation graph from the entries
    assert all(report["reach_shipped"] == report["opened"] for report in reports)
    assert all(report["settling"] == report["held"] for report in reports)  # each worker settles its heap (interdict.heap)


NAMES = st.one_of(
    st.none(),
    st.sampled_from(
        ["", "  ", "Mohammad Baqer Qalibaf", "Ingrid Vellacott", "SABET, Javad", "Исламская Республика", "A" * 10_001]
    ),
    st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40),
)
ROWS = st.lists(
    st.fixed_dictionaries(
        {"id": st.one_of(st.none(), st.text(max_size=5, alphabet="ab1-")), "name": NAMES},
        optional={
            "schema": st.sampled_from(["Person", "Vessel", "Spaceship", ""]),
            "birth_date": st.sampled_from(["1961", "someday", ""]),
        },
    ),
    max_size=25,
)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(rows=ROWS, partitions=st.integers(1, 4))
def test_every_row_gets_screen_files_result_whatever_it_holds(
    spark: Any, seeded: Seeded, rows: list[dict[str, Any]], partitions: int
) -> None:
    expected = [
        batch.result_line(batch.screen_row(seeded.screener, read_row(row, line), None, 10, None))
        for line, row in enumerate(rows, start=1)
    ]
    found = [row["result"] for row in screen(frame(spark, rows, partitions), json_lines=True, screener=seeded.screener).collect()]
    assert found == expected
