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
from interdict.gaps import GapReport, gaps, resolve_lists, write_report
from interdict.gaps.export import CSV_COLUMNS, render_csv, render_json
from interdict.gaps.html import render_html
from interdict.gaps.report import GapQuery, build_rows
from interdict.gaps.resolution import Resolution
from interdict.gaps.resolve import ResolveOptions
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


def test_doubtful_absences_are_listed_apart_naming_the_entry_they_doubt(iran_people: GapReport) -> None:
    assert iran_people.query.min_confidence == "medium" and all(row.confidence != "low" for row in iran_people.rows)
    low = iran_people.to_check
    assert low and all(row.confidence == "low" for row in low)
    for row in low:
        assert row.doubts and row.doubts[0]["kind"] == "ambiguous link" and "eu" in row.doubts[0]["other_listed_by"]
        assert row.doubts[0]["other"] in row.confidence_reason and row.may_be


def test_doubts_never_link_an_entry_to_itself(iran_people: GapReport) -> None:
    for row in iran_people.rows + iran_people.to_check:
        members = {listing.entity_id for listing in row.listings}
        for doubt in row.doubts:
            assert doubt["a"] in members and doubt["other"] not in members and doubt["a"] != doubt["other"]
    assert not re.search(r"\(([^()]+)\) ↔ [^<]*\(\1\)", render_html(iran_people))


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
    gb_not_un, _, _ = build_rows(iran_resolution, entities, GapQuery(["gb"], ["un"], "iran", "Person"), loaded)
    assert not any(SABET_UK in {listing.entity_id for listing in row.listings} for row in gb_not_un)
    everyone, _, _ = build_rows(iran_resolution, entities, GapQuery(["us", "gb", "ca"], ["eu"], "iran", "Person", require_all=True), loaded)
    assert everyone and all({"us", "gb", "ca"} <= set(row.listed_by) for row in everyone)
    solid, apart, skipped = build_rows(iran_resolution, entities, GapQuery(["us", "gb", "ca"], ["eu"], "iran", "Person", min_confidence="high"), loaded)
    assert solid and all(row.confidence == "high" for row in solid) and skipped["below_confidence"] == len(apart) > 0
    every, none, _ = build_rows(iran_resolution, entities, GapQuery(["us", "gb", "ca"], ["eu"], "iran", "Person", min_confidence="low"), loaded)
    assert not none and len(every) == len(solid) + len(apart)


def test_reports_are_deterministic(iran_people: GapReport, seeded: Seeded, tmp_path: Path) -> None:
    again = gaps(["us", "gb", "ca"], ["eu"], programme="iran", schema="Person", focus=True, screener=seeded.screener)  # type: ignore[arg-type]
    for suffix in ("csv", "json", "html"):
        first, second = tmp_path / f"one.{suffix}", tmp_path / f"two.{suffix}"
        write_report(iran_people, first)
        write_report(again, second)
        assert first.read_bytes() == second.read_bytes(), suffix


def test_csv_has_one_row_per_subject(iran_people: GapReport) -> None:
    rows = list(csv.DictReader(io.StringIO(render_csv(iran_people))))
    assert len(rows) == len(iran_people.rows) + len(iran_people.to_check) and list(rows[0]) == list(CSV_COLUMNS)
    assert sum(row["section"] == "to check" for row in rows) == len(iran_people.to_check)
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


EMADI = "gb_fcdo_sanctions-IRN0033"  # Hamid Reza Emadi: the EU export holds "Hamid Reza EMADI"
REZAEI = "us_ofac_sdn-39076"  # REZAEI, Qasem: the EU export holds him under "رضایی قاسم", alias "Qasem REZAEI"
SOLEYMANI_UN = "un_sc_sanctions-IRi.040"  # GHASEM SOLEYMANI, a mine director: not Qasem Soleimani (IRi.039)
FADAVI = "us_ofac_sdn-13153"  # FADAVI, Ali: the EU export lists him twice (Latin and Persian rows)


def eu_members(resolution: Resolution, entity_id: str) -> list[str]:
    return [member for member in resolution.cluster_of()[entity_id].members if member.startswith("eu_fsf-")]


@pytest.mark.parametrize("entity_id", [EMADI, REZAEI])
def test_identical_eu_names_are_not_gaps_from_the_eu(entity_id: str, iran_resolution: Resolution, iran_people: GapReport) -> None:
    assert eu_members(iran_resolution, entity_id)
    assert row_with(iran_people, entity_id) is None
    assert not any(entity_id in {listing.entity_id for listing in row.listings} for row in iran_people.to_check)


def test_soleimani_and_soleymani_stay_apart(iran_resolution: Resolution, iran_people: GapReport) -> None:
    clusters = iran_resolution.cluster_of()
    assert clusters[SOLEIMANI].id != clusters[SOLEYMANI_UN].id
    assert "un_sc_sanctions-IRi.039" in clusters[SOLEIMANI].members
    row = row_with(iran_people, SOLEIMANI)
    assert row is not None and SOLEYMANI_UN not in {listing.entity_id for listing in row.listings}


def test_a_subject_the_eu_lists_twice_is_not_ambiguous(iran_resolution: Resolution, entities: dict[str, Entity]) -> None:
    twice = [entity.id for entity in entities.values() if entity.dataset == "eu_fsf" and "Ali FADAVI" in [name.full for name in entity.names]]
    assert len(twice) == 2
    assert set(twice) <= set(iran_resolution.cluster_of()[FADAVI].members)
    assert not [link for link in iran_resolution.links if link.status == "ambiguous" and {link.a, link.b} & {FADAVI, *twice} and "same list" in link.reason]


def test_rows_of_one_name_say_why_they_are_different_subjects(iran_people: GapReport) -> None:
    rows = iran_people.rows + iran_people.to_check
    ids = {row.cluster_id for row in rows}
    assert len(ids) == len(rows)  # no subject twice
    for row in rows:
        for namesake in row.namesakes:
            assert namesake["cluster_id"] in ids and namesake["cluster_id"] != row.cluster_id and namesake["why"]


def test_the_header_dates_every_list_and_says_what_the_eu_side_rests_on(iran_people: GapReport) -> None:
    assert set(iran_people.lists) == {dataset for ids in iran_people.datasets.values() for dataset in ids}
    eu = iran_people.lists["eu_fsf"]
    assert eu["date"] == "2025-05" and eu["date_source"] == "filename" and not eu["holds"]["programmes"]
    assert any("eu side of every claim rests on eu_fsf as of 2025-05" in note for note in iran_people.notes)
    assert all("eu_fsf's side rests on names only" in " ".join(row.caveats) for row in iran_people.rows)
    page = render_html(iran_people)
    assert "2025-05" in page and "Snapshots:" not in page and 'id="to-check"' in page


def test_one_bank_on_four_lists_is_one_row(seeded: Seeded, entities: dict[str, Entity]) -> None:
    """Gazprombank: "Gazprombank" (UK, Canada, Australia) and "GAZPROMBANK JOINT STOCK COMPANY" (OFAC): one subject, one row."""
    holders = sorted({holder.facts.id for holder in seeded.screener.names_written_as(("gazprombank",))})  # type: ignore[attr-defined]
    assert {entities[item].dataset for item in holders} >= {"gb_fcdo_sanctions", "ca_dfatd_sema_sanctions", "au_dfat_sanctions", "us_ofac_cons"}
    resolution = resolve_lists(seeded.store, ResolveOptions(focus=holders), screener=seeded.screener)  # type: ignore[arg-type]
    assert len({resolution.cluster_of()[item].id for item in holders}) == 1
    loaded = sorted({entity.dataset for entity in entities.values()})
    rows, to_check, _ = build_rows(resolution, entities, GapQuery(["gb", "au", "ca", "us"], ["un"], None, "Organization", min_confidence="low"), loaded)
    assert len([row for row in rows if set(holders) & {listing.entity_id for listing in row.listings}]) == 1
