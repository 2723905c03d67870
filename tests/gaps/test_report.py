"""Gap reports on the real lists: known cases, formats, determinism, the empty case.

All tests share one focused resolution (Iran-programme people listed by the
US, UK or Canada and what they reach); other queries over the same people are
built from it with `build_rows`, which is what `gaps()` does after resolving.
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest

from interdict.errors import InputError
from interdict.gaps import GapReport, gaps, write_report
from interdict.gaps.export import CSV_COLUMNS, render_csv, render_json
from interdict.gaps.html import render_html
from interdict.gaps.report import GapQuery, build_rows
from interdict.gaps.resolution import Resolution
from interdict.model import Entity

from ..conftest import Seeded

SABET_UN, SABET_UK = "un_sc_sanctions-IRi.034", "gb_fcdo_sanctions-INU0396"  # M. Javad Karimi Sabet, UN Iran list
FORUZANDEH = "us_ofac_sdn-10659"  # FORUZANDEH, Ahmed: OFAC IRGC programme, not on the EU export
SOLEIMANI = "us_ofac_sdn-10481"  # SOLEIMANI, Qasem: OFAC IRGC; UK, Canada and UN list him, the bundled EU export does not


def row_with(report: GapReport, entity_id: str):  # type: ignore[no-untyped-def]
    return next((row for row in report.rows if any(listing.entity_id == entity_id for listing in row.listings)), None)


def eu_names(entities: dict[str, Entity]) -> list[str]:
    return [name.full.lower() for entity in entities.values() if entity.dataset == "eu_fsf" for name in entity.names]


def test_un_listed_iranian_is_on_the_uk_and_un_lists(iran_resolution: Resolution, iran_people: GapReport) -> None:
    cluster = iran_resolution.cluster_of()[SABET_UN]
    assert SABET_UK in cluster.members
    link = next(item for item in iran_resolution.links if {item.a, item.b} == {SABET_UN, SABET_UK})
    assert (link.kind, link.status, link.tier) == ("reference", "confirmed", "certain")
    assert any("UN reference number IRi.034" in text for text in link.evidence)
    row = row_with(iran_people, SABET_UK)
    assert row is not None and {"gb", "un"} <= set(row.listed_by) and "eu" in row.not_listed_by


def test_ofac_irgc_individual_absent_from_the_eu_export(iran_people: GapReport, entities: dict[str, Entity]) -> None:
    assert "IRGC" in entities[FORUZANDEH].programs
    row = row_with(iran_people, FORUZANDEH)
    assert row is not None
    assert row.listed_by == ["us"] and "eu" in row.not_listed_by and "iran" in row.topics
    assert row.confidence == "high" and not row.doubts
    assert not [name for name in eu_names(entities) if "forouzand" in name or "foruzand" in name]  # the data agrees


def test_irgc_commander_listed_by_four_jurisdictions_but_not_the_eu(iran_people: GapReport, entities: dict[str, Entity]) -> None:
    row = row_with(iran_people, SOLEIMANI)
    assert row is not None and {"us", "gb", "ca", "un"} <= set(row.listed_by) and "eu" in row.not_listed_by
    assert not [name for name in eu_names(entities) if re.search(r"s[ou]l[ae]?[iy]m[ae]ni", name) and re.search(r"q[a]s+[ei]m|gh?as+[ei]m", name)]


def test_a_subject_the_eu_lists_is_not_a_gap(iran_resolution: Resolution, iran_people: GapReport) -> None:
    """NAQDI, Mohammad Reza: OFAC IRGC, and twice on the EU export (two regimes) -- linked, so no row."""
    naqdi = "us_ofac_sdn-12057"
    members = iran_resolution.cluster_of()[naqdi].members
    assert any(member.startswith("eu_fsf-") for member in members)
    assert row_with(iran_people, naqdi) is None


def test_doubtful_absences_name_the_entry_they_doubt(iran_people: GapReport) -> None:
    low = [row for row in iran_people.rows if row.confidence == "low"]
    assert low
    for row in low:
        assert row.doubts and row.doubts[0]["kind"] == "ambiguous link" and "eu" in row.doubts[0]["other_listed_by"]
        assert row.doubts[0]["other"] in row.confidence_reason


def test_rows_explain_their_links(iran_people: GapReport) -> None:
    for row in iran_people.rows:
        if len(row.listings) > 1:
            assert row.evidence and all(item["evidence"] for item in row.evidence)
        assert row.schema == "Person" and "iran" in row.topics


def test_notes_say_the_eu_export_has_no_programmes(iran_people: GapReport) -> None:
    assert any("eu_fsf" in note and "no programme" in note for note in iran_people.notes)
    assert any("gb_fcdo_sanctions" in note and "Birth dates" in note for note in iran_people.notes)


def test_other_queries_over_the_same_resolution(iran_resolution: Resolution, entities: dict[str, Entity], seeded: Seeded) -> None:
    loaded = sorted({entity.dataset for entity in entities.values()})
    gb_not_un, _ = build_rows(iran_resolution, entities, GapQuery(["gb"], ["un"], "iran", "Person"), loaded)
    assert not any(SABET_UK in {listing.entity_id for listing in row.listings} for row in gb_not_un)
    everyone, _ = build_rows(iran_resolution, entities, GapQuery(["us", "gb", "ca"], ["eu"], "iran", "Person", require_all=True), loaded)
    assert everyone and all({"us", "gb", "ca"} <= set(row.listed_by) for row in everyone)
    solid, skipped = build_rows(iran_resolution, entities, GapQuery(["us", "gb", "ca"], ["eu"], "iran", "Person", min_confidence="high"), loaded)
    assert solid and all(row.confidence == "high" for row in solid) and skipped["below_confidence"] > 0


def test_reports_are_deterministic(iran_people: GapReport, seeded: Seeded, tmp_path: Path) -> None:
    again = gaps(["us", "gb", "ca"], ["eu"], programme="iran", schema="Person", focus=True, screener=seeded.screener)  # type: ignore[arg-type]
    for suffix in ("csv", "json", "html"):
        first, second = tmp_path / f"one.{suffix}", tmp_path / f"two.{suffix}"
        write_report(iran_people, first)
        write_report(again, second)
        assert first.read_bytes() == second.read_bytes(), suffix


def test_csv_has_one_row_per_subject(iran_people: GapReport) -> None:
    rows = list(csv.DictReader(io.StringIO(render_csv(iran_people))))
    assert len(rows) == len(iran_people.rows) and list(rows[0]) == list(CSV_COLUMNS)
    assert all(row["not_listed_by"] and "eu" in row["not_listed_by"].split(",") for row in rows)


def test_json_summary_counts_match_the_rows(iran_people: GapReport) -> None:
    data = json.loads(render_json(iran_people))
    assert data["count"] == len(data["rows"]) == len(iran_people.rows)
    counts = data["summary"]["counts"]
    assert counts["total"]["all"] == len(iran_people.rows)
    for jurisdiction in ("us", "gb", "ca"):
        assert counts[jurisdiction]["all"] == sum(1 for row in iran_people.rows if jurisdiction in row.listed_by)


def test_html_is_self_contained_and_every_number_links_to_its_rows(iran_people: GapReport) -> None:
    page = render_html(iran_people)
    ids = set(re.findall(r'\bid="([^"]+)"', page))
    targets = re.findall(r'href="#([^"]+)"', page)
    assert targets and all(target in ids for target in targets)
    assert not re.search(r'(src|href)="(https?:)?//', page)  # nothing from the network
    assert "<script" not in page and "<svg" in page
    matrix = page[page.index('<table class="matrix">') : page.index("</table>")]
    for anchor, count in re.findall(r'<a href="#(cell-[^"]+)">(\d+)</a>', matrix):
        section = page[page.index(f'id="{anchor}"') :]
        section = section[: section.index("</section>")]
        assert section.count("<li>") == int(count)


def test_an_empty_result_is_an_empty_report(no_un_vessels: GapReport, tmp_path: Path) -> None:
    """The UN lists no vessels, so "UN-listed vessels the UK does not list" is empty -- not an error."""
    report = no_un_vessels
    assert report.rows == [] and any("empty" in note for note in report.notes)
    write_report(report, tmp_path / "empty.csv")
    assert (tmp_path / "empty.csv").read_text(encoding="utf-8") == ",".join(CSV_COLUMNS) + "\n"
    write_report(report, tmp_path / "empty.json")
    assert json.loads((tmp_path / "empty.json").read_text(encoding="utf-8"))["rows"] == []
    write_report(report, tmp_path / "empty.html")
    assert "the report is empty" in (tmp_path / "empty.html").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("args", "complaint"),
    [
        ({"listed_by": "us", "not_listed_by": "us"}, "cannot be both"),
        ({"listed_by": "us,xx", "not_listed_by": "eu"}, "unknown jurisdiction 'xx'"),
        ({"listed_by": "", "not_listed_by": "eu"}, "at least one jurisdiction"),
        ({"listed_by": "us", "not_listed_by": "eu", "programme": "persia"}, "Unknown programme"),
        ({"listed_by": "us", "not_listed_by": "eu", "schema": "Planet"}, "Unknown schema"),
        ({"listed_by": "us", "not_listed_by": "eu", "out": "report.pdf"}, "end the file name in .csv, .xlsx, .json or .html"),
        ({"listed_by": "us", "not_listed_by": "eu", "min_confidence": "certain"}, "use low, medium or high"),
    ],
)
def test_bad_queries_are_refused_before_any_work(args: dict, complaint: str) -> None:
    with pytest.raises(InputError, match=complaint):
        gaps(**args)
