"""Embargo rules: the bundled data validates, bad data is refused with the entry named, lookups work."""

from __future__ import annotations

from datetime import date

import pytest

from interdict.errors import InputError
from interdict.workflows.embargoes import default_rules, load_embargo_rules, parse_rules

GOOD = """
[[region]]
id = "xx"
name = "Example"
countries = ["ir"]
[[region.measure]]
jurisdiction = "us"
scope = "comprehensive"
legal_basis = "31 CFR Part 560"
"""


def test_bundled_rules_cover_the_programmes():
    rules = default_rules()
    ids = {region.id for region in rules.regions}
    assert {"ir", "kp", "sy", "cu", "ua-crimea", "ua-dnr-lnr"} <= ids
    for region in rules.regions:
        for measure in region.measures:
            assert measure.jurisdiction in ("us", "eu", "gb", "ca", "au", "un") and measure.legal_basis
    iran = rules.by_code("ir")[0]
    bases = {m.jurisdiction: m.legal_basis for m in iran.measures}
    assert "31 CFR Part 560 (ITSR)" in bases["us"] and "No 267/2012" in bases["eu"]


@pytest.mark.parametrize(
    ("text", "address"),
    [
        ("ul. Lenina 5, Sevastopol", "ua-crimea"),
        ("Port of Feodosiya", "ua-crimea"),
        ("TEHRAN, IRAN", "ir"),
        ("Santiago de Cuba", "cu"),
        ("D.P.R.K.", "kp"),
        ("Pyongyang", "kp"),
        ("Mariupol, Donetsk oblast", "ua-dnr-lnr"),
    ],
)
def test_places_in_text(text, address):
    assert address in [region.id for region, _ in default_rules().scan(text)]


@pytest.mark.parametrize("text", ["Santiago, Chile", "Iranian Street Food Ltd, London", "Korea, Republic of", "Hamburg"])
def test_places_not_in_text(text):
    assert default_rules().scan(text) == []


def test_codes_locodes_airports():
    rules = default_rules()
    assert [r.id for r in rules.by_locode("UASVP")] == ["ua-crimea"]
    assert [r.id for r in rules.by_locode("IR BND")] == ["ir"]
    assert rules.by_locode("UAODS") == []  # Odesa
    assert [r.id for r in rules.by_airport("fnj")] == ["kp"]
    assert [r.id for r in rules.by_code("UA-43")] == ["ua-crimea"]


def test_measures_in_force_by_date_and_jurisdiction():
    rules = default_rules()
    syria = rules.by_code("sy")[0]
    assert "us" in {m.jurisdiction for m in rules.measures(syria, day=date(2025, 6, 1))}
    assert "us" not in {m.jurisdiction for m in rules.measures(syria, day=date(2025, 7, 2))}
    assert {m.jurisdiction for m in rules.measures(rules.by_code("ir")[0], ["eu"])} == {"eu"}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (('jurisdiction = "us"', 'jurisdiction = "fr"'), "region 'xx', measure 1: jurisdiction 'fr' is not one of"),
        (('scope = "comprehensive"', 'scope = "total"'), "scope 'total' is not one of"),
        (('legal_basis = "31 CFR Part 560"', 'legal_basis = ""'), "legal_basis is required"),
        (('countries = ["ir"]', 'countries = ["iran"]'), "country 'iran' is not an ISO 3166-1 alpha-2 code"),
        (('id = "xx"', 'id = "X X"'), "must be lower-case"),
        (('name = "Example"', 'name = "Example"\ncolour = "red"'), "unknown key"),
        (('scope = "comprehensive"', 'scope = "comprehensive"\nsince = "2025-13-01"'), "not an ISO date"),
    ],
)
def test_bad_rules_are_refused(change, message):
    with pytest.raises(InputError, match=message):
        parse_rules(GOOD.replace(*change), "rules.toml")


def test_duplicate_place_and_missing_measures(tmp_path):
    twice = GOOD + GOOD.replace('id = "xx"', 'id = "yy"').replace('countries = ["ir"]', 'places = ["Tehran"]')
    twice = twice.replace('countries = ["ir"]', 'countries = ["ir"]\nplaces = ["Tehran"]', 1)
    with pytest.raises(InputError, match="'Tehran' is also a name of region 'xx'"):
        parse_rules(twice)
    with pytest.raises(InputError, match=r"at least one \[\[region.measure\]\]"):
        parse_rules(GOOD.split("[[region.measure]]")[0])
    with pytest.raises(InputError, match="not valid TOML"):
        parse_rules("[[region")
    path = tmp_path / "mine.toml"
    path.write_text(GOOD)
    assert [r.id for r in load_embargo_rules(path).regions] == ["xx"]
    with pytest.raises(InputError, match="Cannot read embargo rules"):
        load_embargo_rules(tmp_path / "missing.toml")
