"""screen-file's results as CSV: one row per result line, in order, nothing lost, nothing run as a formula."""

from __future__ import annotations

import csv
import io
import json

from hypothesis import given, settings
from hypothesis import strategies as st

from interdict.batch import RESULT_CSV_COLUMNS, results_csv

text = st.text(max_size=30)
hit = st.fixed_dictionaries({"entity_id": text, "caption": text, "dataset": text, "score": st.floats(0, 1), "match": st.booleans(), "matched_name": text})
result = st.one_of(
    st.fixed_dictionaries({"id": text, "hits": st.lists(hit, max_size=3)}),
    st.fixed_dictionaries({"id": text, "hits": st.just([]), "error": text.filter(bool)}),
)


@settings(max_examples=200, deadline=None)
@given(st.lists(result, max_size=20))
def test_every_result_line_becomes_one_row_in_order(results: list[dict]) -> None:
    out = io.StringIO()
    written = results_csv((json.dumps(item) for item in results), out)
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert written == len(rows) == len(results)
    for item, row in zip(results, rows):
        assert list(row) == list(RESULT_CSV_COLUMNS)
        expected_id = item["id"] if not item["id"][:1] in ("=", "+", "-", "@", "\t", "\r") else "'" + item["id"]
        assert row["id"].replace("\r\n", "\n").replace("\r", "\n") == expected_id.replace("\r\n", "\n").replace("\r", "\n")
        if "error" in item:
            assert row["verdict"] == "error" and row["error"]
        else:
            assert row["verdict"] == ("match" if any(h["match"] for h in item["hits"]) else "near miss" if item["hits"] else "clear")
            assert row["hits"] == str(len(item["hits"]))
        for value in row.values():
            assert value[:1] not in ("=", "+", "-", "@") or value[:1] == "-" and value[1:2].isdigit()
