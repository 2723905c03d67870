"""The gap report's section on derived blocks: blocked through ownership in one jurisdiction, not in another."""

from __future__ import annotations

import csv
import io
import json

from interdict.gaps import GapReport
from interdict.gaps.derived import SECTION, derived_section
from interdict.gaps.export import render_csv, render_json
from interdict.gaps.html import render_html
from interdict.gaps.report import GapQuery
from interdict.gaps.resolve import ResolveOptions, resolve
from interdict.model import Schema
from interdict.relations import parse_ownership_csv
from interdict.relations.context import relations_from_entities

from .conftest import born, entity, ident
from .test_resolve import CA, EU, US, filler

HOLDINGS = """owner,asset,share_pct,as_of,source
us_ofac_sdn-1,<b>Alpha</b> Shipping AS,30,2025-06-30,register
us_ofac_sdn-2,<b>Alpha</b> Shipping AS,25,2025-06-30,register
us_ofac_sdn-1,ca_dfatd_sema_sanctions-7,60,2025-06-30,register
Pension Fund,Beta Consulting AS,100,2025-06-30,nobody designated
"""


def _report(small_screener, query: GapQuery) -> GapReport:  # type: ignore[no-untyped-def]
    listed = [
        entity(US, "1", Schema.PERSON, "Arkady Testovich Romanenko", birth_dates=born("1951-12-15")),
        entity(US, "2", Schema.PERSON, "Gennady Petrovich Timchuk", birth_dates=born("1952-11-09")),
        entity(CA, "7", Schema.VESSEL, "OMEGA STAR", identifiers=ident("imo", "9123456")),  # blocked in the us through ownership...
        entity(EU, "9", Schema.VESSEL, "OMEGA STAR", identifiers=ident("imo", "9123456")),  # ...and listed by the eu under its own entry
        *filler(),
    ]
    for item in listed:
        item.schema = Schema(item.schema)  # the synthetic helpers write plain strings; the graph reads the enum
    known = {item.id for item in listed}
    nodes = parse_ownership_csv(HOLDINGS.encode(), "relations", known.__contains__).result.entities
    everything = listed + nodes
    screener = small_screener(everything)
    resolution = resolve(screener, ResolveOptions(), cache=False)
    section = derived_section(relations_from_entities(everything), query, resolution, {item.id: item for item in listed})
    return GapReport(query=query, rows=[], notes=[], datasets={"us": [US], "eu": [EU]}, resolution={}, derived=section)


def test_derived_blocks_are_counted_with_their_path_and_escaped_everywhere(small_screener) -> None:  # type: ignore[no-untyped-def]
    report = _report(small_screener, GapQuery(listed_by=["us"], not_listed_by=["eu"]))
    section = report.derived
    assert section is not None and section["blocked_in"] == ["us"] and section["not_in"] == ["eu"]
    assert [row["caption"] for row in section["rows"]] == ["<b>Alpha</b> Shipping AS"]  # 30 + 25 >= 50 under OFAC's rule
    assert section["counts"] == {"us": 1}
    row = section["rows"][0]
    assert row["status"]["us"] == "blocked" and row["status"]["eu"] == "not blocked"
    assert "30% ← designated Arkady Testovich Romanenko" in row["paths"]["us"] and "25% ← designated Gennady Petrovich Timchuk" in row["paths"]["us"]
    # the vessel blocked through ownership in the us is listed by the eu: not a gap, and the note says so
    assert any("1 more parties blocked through ownership are listed by eu" in note for note in section["notes"])

    data = json.loads(render_json(report))
    assert data["derived_blocks"]["counts"] == {"us": 1}
    lines = list(csv.DictReader(io.StringIO(render_csv(report))))
    assert [(line["section"], line["name"], line["listed_by"], line["not_listed_by"]) for line in lines] == [
        (SECTION, "<b>Alpha</b> Shipping AS", "us", "eu")
    ]
    assert "designated Arkady" in lines[0]["evidence"]
    page = render_html(report)
    assert "&lt;b&gt;Alpha&lt;/b&gt; Shipping AS" in page and "<b>Alpha</b>" not in page
    assert 'id="derived"' in page and "1 in us" in page


def test_no_section_without_an_ownership_rule_on_both_sides_and_none_counted_under_a_programme(small_screener) -> None:  # type: ignore[no-untyped-def]
    assert _report(small_screener, GapQuery(listed_by=["us"], not_listed_by=["un"])).derived is None
    under = _report(small_screener, GapQuery(listed_by=["us"], not_listed_by=["eu"], programme="russia")).derived
    assert under is not None and under["rows"] == [] and "not counted under --programme russia" in under["notes"][0]
    people = _report(small_screener, GapQuery(listed_by=["us"], not_listed_by=["eu"], schema=Schema.PERSON)).derived
    assert people is not None and people["rows"] == []  # the company is not a Person


def test_the_real_report_carries_the_section_and_says_why_nothing_is_counted_under_a_programme(iran_people: GapReport) -> None:
    section = iran_people.derived  # the bundled lists state ownership ("owned or controlled by" remarks, UK parent companies)
    assert section is not None and section["blocked_in"] == ["us", "gb", "ca"] and section["not_in"] == ["eu"] and section["rows"] == []
    assert any("not counted under --programme iran" in note for note in iran_people.notes)
