"""Manifests end to end: designated travellers, possible relatives, listed aircraft; exact verdicts."""

from __future__ import annotations

from interdict.workflows import screen_manifest
from interdict.workflows.relatives import find_relatives, is_common, listed_family_name

from .conftest import entities, fields, sample


def test_paxlst_designated_traveller_and_possible_relative(screener):
    verdict = screen_manifest(sample("paxlst_hit.edi"), screener, document="paxlst_hit.edi")
    assert (verdict.verdict, verdict.format, verdict.reference) == ("hit", "PAXLST", "ET0862 2025-03-14")
    # Passenger 1: the UN-listed former president of the CAR, by name, birth date (two-digit year) and passport.
    assert {"un_sc_sanctions-CFi.001", "us_ofac_sdn-16723"} <= entities(verdict, "listed party", "NAD+FL passenger 1", "hit")
    un = next(f for f in verdict.findings if f.entity_id == "un_sc_sanctions-CFi.001")
    assert "passport D00002264 = list" in un.explanation and "1946-10-14" in un.explanation
    # Passenger 2: not listed, but a rare family name, same nationality and a plausible age gap.
    relatives = [f for f in verdict.findings if f.field == "NAD+FL passenger 2"]
    assert relatives and {f.rule for f in relatives} == {"possible relative"} and {f.severity for f in relatives} == {"review"}
    assert "us_ofac_sdn-24283" in {f.entity_id for f in relatives}  # DERIPASKA, Oleg Vladimirovich
    assert "DERIPASKA" in relatives[0].explanation and "27 years apart" in relatives[0].explanation
    # Passengers 3 and 4 and the flight are clean.
    assert fields(verdict) == {"NAD+FL passenger 1", "NAD+FL passenger 2"}


def test_paxlst_clean(screener):
    verdict = screen_manifest(sample("paxlst_clean.edi"), screener)
    assert (verdict.verdict, verdict.findings) == ("clear", [])
    assert len(verdict.screened) == 6  # 3 travellers, flight number, 2 airports


def test_private_jet_listed_tail_number(screener):
    verdict = screen_manifest(sample("apis_private_jet.csv"), screener)
    assert verdict.verdict == "hit"
    assert entities(verdict, "listed aircraft (tail number)", "tail_number", "hit") == {
        "us_ofac_sdn-35329",
        "us_trade_csl-35329",
    }  # LX-MOW
    assert fields(verdict) == {"tail_number"}  # crew and passenger are clean


def test_apis_csv_clean(screener):
    verdict = screen_manifest(sample("apis_clean.csv"), screener)
    assert (verdict.verdict, verdict.findings) == ("clear", [])


def test_listed_aircraft_in_paxlst_conveyance_reference(screener):
    data = sample("paxlst_clean.edi").replace(b"TDT+20+LH400+++LH'", b"TDT+20+EP-GOM'")
    verdict = screen_manifest(data, screener)
    assert verdict.verdict == "hit"
    assert "us_ofac_sdn-15431" in entities(verdict, "listed aircraft (tail number)", "TDT+20 conveyance reference")


def test_relative_rules(screener):
    # Same family name, nationality and a plausible age: a candidate.
    found = find_relatives(screener, "Deripaska", 1995, ["ru"])
    assert "us_ofac_sdn-24283" in {r.entity_id for r in found}
    # Wrong nationality, no birth year, or 60 years apart: no evidence.
    assert find_relatives(screener, "Deripaska", 1995, ["fr"]) == []
    assert find_relatives(screener, "Deripaska", None, ["ru"]) == []
    assert find_relatives(screener, "Deripaska", 2030, ["ru"]) == []
    # Common on the lists (Kim) or in the population (Smirnov): not evidence either.
    assert find_relatives(screener, "Kim", 1980, ["kp"]) == []
    assert is_common("smirnov", ["ru"]) and find_relatives(screener, "Smirnov", 1980, ["ru"]) == []


def test_listed_family_name_conventions():
    assert listed_family_name("ROTENBERG, Arkady Romanovich") == "ROTENBERG"
    assert listed_family_name("Arkady Romanovich ROTENBERG") == "ROTENBERG"
    assert listed_family_name("Mohammad Bagher Ghalibaf") == "Ghalibaf"
