"""Reading the user's relation data: every bad row gets its own named error, and nothing else is lost."""

from __future__ import annotations

import csv
import io

from hypothesis import given, settings
from hypothesis import strategies as st

from interdict.relations import build_graph, parse_ftm_lines, parse_ownership_csv

from .conftest import FIXTURES
from .helpers import DATA

KNOWN = {"us_ofac_sdn-16669", "us_ofac_sdn-16666"}


def test_bad_rows_each_get_a_named_error_and_the_good_rows_load():
    parsed = parse_ownership_csv((DATA / "bad_rows.csv").read_bytes(), "relations", KNOWN.__contains__)
    messages = {error.line: error.message for error in parsed.errors}
    assert messages == {
        3: "owner is empty",
        4: "share 'abc' is not a number; write a percentage such as 25 or 12.5, or leave it empty if unknown",
        5: "share '140' is outside 0-100 (percent)",
        6: "as_of 'someday' is not a date; use YYYY, YYYY-MM or YYYY-MM-DD",
        7: "owner and asset are the same",
        8: "owner 'us_ofac_sdn-999999999' looks like a list entry's id but no loaded list holds it; check the id (`interdict show`) or write a name",
    }
    graph = build_graph(parsed.result.entities)
    owners = sorted((graph.caption(edge.source), edge.share, edge.as_of) for edge in graph.edges())
    assert owners == [("Good Owner", 40.0, "2023-05-01"), ("Second Owner", 15.0, None)]


def test_list_entry_ids_become_the_entries_and_names_become_nodes():
    parsed = parse_ownership_csv((FIXTURES / "holdings.csv").read_bytes(), "relations", KNOWN.__contains__)
    assert not parsed.errors and parsed.relations == 6
    proxies = [entity for entity in parsed.result.entities if entity.extra.get("proxyFor")]
    assert proxies == []  # list entries are owners only here: the relations hang on the user's companies
    nodes = {entity.caption for entity in parsed.result.entities}
    assert nodes == {"Nordvik Logistics AS", "Nordvik Shipping AS", "Fjord Pension Fund", "Havbris Consulting AS", "Opaque Trust Company"}


def test_a_header_without_owner_or_asset_is_refused_clearly():
    import pytest

    from interdict.errors import InputError

    with pytest.raises(InputError, match="the header lacks owner, asset"):
        parse_ownership_csv(b"name,share\nA,5\n", "relations", KNOWN.__contains__)


def test_ftm_parties_and_relations_with_bad_lines_named():
    parsed = parse_ftm_lines((FIXTURES / "family.ftm.json").read_bytes(), "family", KNOWN.__contains__)
    assert [(error.line, error.id) for error in parsed.errors] == [(7, "bad-1"), (8, None)]
    assert "neither an entity of this file nor a loaded list entry" in parsed.errors[0].message
    assert parsed.result.warnings == ["1 Address entity ignored (not a party or a relation)"]
    graph = build_graph(parsed.result.entities)
    kinds = sorted((edge.kind.value, graph.caption(edge.source), edge.target, edge.label) for edge in graph.edges())
    assert kinds == [
        ("control", "us_ofac_sdn-16669", "family-c-dacha", "general director"),
        ("family", "Lidia Valentinovna Rotenberg", "us_ofac_sdn-16669", "spouse"),
        ("ownership", "Lidia Valentinovna Rotenberg", "family-c-dacha", "owner"),
    ]


def test_a_delta_line_is_named_not_applied():
    parsed = parse_ftm_lines(b'{"op": "ADD", "entity": {"id": "x", "schema": "Person", "properties": {"name": ["X"]}}}\n', "mine", KNOWN.__contains__)
    assert "delta" in parsed.errors[0].message and not parsed.result.entities


good_row = st.tuples(st.sampled_from(["Alpha AS", "Beta Ltd", "Gamma LLC", "us_ofac_sdn-16669"]), st.sampled_from(["Delta SA", "Epsilon BV"]), st.sampled_from(["", "5", "50", "100", "12.5%"]))
bad_row = st.tuples(st.sampled_from(["", "Zeta", "us_ofac_sdn-1"]), st.sampled_from(["", "Zeta", "Eta"]), st.sampled_from(["x", "-3", "101", "", "7"])).filter(
    lambda row: not row[0] or not row[1] or row[0] == row[1] or row[0] == "us_ofac_sdn-1" or row[2] in ("x", "-3", "101")
)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.booleans(), good_row, bad_row), min_size=1, max_size=25))
def test_nothing_is_lost_every_row_loads_or_has_an_error(rows):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["owner", "asset", "share_pct", "as_of", "source"])
    expected_good = set()
    for good, ok, bad in rows:
        row = ok if good else bad
        writer.writerow([*row, "", "test"])
        if good:
            expected_good.add((row[0], row[1]))
    parsed = parse_ownership_csv(buffer.getvalue().encode(), "relations", KNOWN.__contains__)
    assert len(parsed.errors) == sum(1 for good, _, _ in rows if not good)
    graph = build_graph(parsed.result.entities)
    loaded = {(graph.caption(edge.source) if not edge.source.startswith("us_") else edge.source, graph.caption(edge.target)) for edge in graph.edges()}
    assert loaded == expected_good


def test_a_huge_field_is_that_rows_error_and_the_rows_after_it_load():
    # A 1 MB field used to end the file ("field larger than field limit"): every row after it was lost.
    text = (
        "owner,asset,share_pct,as_of,source\n"
        "O'Brien Holdings,Delta SA,55,,x\n"
        f"{'A' * 1_000_000},Big Co,10,,x\n"
        "us_ofac_sdn-16666,Epsilon BV,60,,x\n"
    )
    parsed = parse_ownership_csv(text.encode(), "relations", KNOWN.__contains__)
    assert parsed.rows == 3 and [error.line for error in parsed.errors] == [3]
    assert "1,000,000 characters" in parsed.errors[0].message
    graph = build_graph(parsed.result.entities)
    assets = sorted(graph.caption(edge.target) for edge in graph.edges())
    assert assets == ["Delta SA", "Epsilon BV"]
