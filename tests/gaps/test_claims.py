"""The claim a gap report makes, "not listed by X", checked against X's lists by name, birth date and identifier."""

from __future__ import annotations

from interdict.gaps import GapReport
from interdict.gaps.claims import Found, cache_path, check_claims, row_candidates

from ..conftest import Seeded


def excluded(report: GapReport) -> list[str]:
    return [dataset for code in report.query.not_listed_by for dataset in report.datasets[code]]


def test_reported_gaps_have_no_eu_namesake_at_high_confidence(iran_people: GapReport, seeded: Seeded) -> None:
    check = check_claims(iran_people, seeded.screener, excluded(iran_people))  # type: ignore[arg-type]
    assert check.bands["high"]["rows"] > 0 and check.bands["high"]["with_candidate"] == 0, check.claims
    assert check.bands["medium"]["share"] <= 0.02, check.claims
    assert check.bands["low"]["rows"] == len(iran_people.to_check)
    for claim in check.claims:
        assert claim.candidates and all(item.entity_id.startswith("eu_fsf-") and item.how for item in claim.candidates)


def test_a_row_to_check_names_its_eu_namesake(iran_people: GapReport, seeded: Seeded) -> None:
    """Rows held back for an ambiguous EU match are the ones the hand check finds an EU entry for."""
    found = [row_candidates(row, seeded.screener, excluded(iran_people)) for row in iran_people.to_check]  # type: ignore[arg-type]
    assert any(Found.IDENTICAL_NAME.value in item.how for candidates in found for item in candidates)


def test_a_second_check_is_read_from_the_cache(iran_people: GapReport, seeded: Seeded) -> None:
    first = check_claims(iran_people, seeded.screener, excluded(iran_people))  # type: ignore[arg-type]
    assert cache_path(first.key).exists()
    assert check_claims(iran_people, seeded.screener, excluded(iran_people)) == first  # type: ignore[arg-type]
