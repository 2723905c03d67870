"""Names hidden in free text: found when whole, not invented from common words."""

from __future__ import annotations

import pytest

from interdict.workflows.freetext import find_names, windows


@pytest.mark.parametrize(
    ("text", "entity", "contained"),
    [
        ("/INV/2291 PAYMENT FOR SPARE PARTS ON BEHALF OF MAHAN AIR", "us_ofac_sdn-12927", False),
        ("PAYMENT FOR CRUDE OIL CARGO VIA PASARGAD BANK TEHRAN", "us_ofac_sdn-13133", False),
        ("Family support for Arkadi Rotenberg, thank you", "eu_fsf-EUF-cffd337615", False),
        ("Refund of overpaid invoice to Golden Dragon Trading Ltd Hong Kong", "us_ofac_sdn-40974", True),
    ],
)
def test_listed_names_in_text(screener, text, entity, contained):
    found = {item.hit.entity.id: item for item in find_names(screener, text)}
    assert entity in found
    assert found[entity].contained is contained  # "Golden" may make it another company: a review


@pytest.mark.parametrize(
    ("text", "entity", "contained"),
    [
        ("For Islamic Revolutionary Guard Corps", "us_ofac_sdn-10391", False),
        ("Donation Hossein Salami", "ca_dfatd_sema_sanctions-Iran-1-Part-2-43", False),
        ("Fee for M/T GRACE 1", "us_ofac_sdn-27304", False),  # a vessel, named after its prefix
        ("Consulting fee for Rosneft project", "us_ofac_cons-17022", True),  # one word, common on the lists: a review
    ],
)
def test_listed_names_written_out_in_full_are_found(screener, text, entity, contained):
    found = {item.hit.entity.id: item for item in find_names(screener, text)}
    assert entity in found, sorted(found)
    assert found[entity].contained is contained
    assert found[entity].hit.score == 1.0


def test_every_list_carrying_the_name_is_found(screener):
    """A phrase finds each list's entry, not just the first few the matcher ranks."""
    found = {item.hit.entity.dataset for item in find_names(screener, "Donation Hossein Salami")}
    assert {"us_ofac_sdn", "eu_fsf", "ca_dfatd_sema_sanctions", "au_dfat_sanctions"} <= found


@pytest.mark.parametrize("text", ["Shipment of amber and forest products", "Grace period for payment 1", "MT103 for Hossein"])
def test_vessel_names_need_a_vessel_prefix_and_names_need_all_parts(screener, text):
    assert [item.hit.entity.id for item in find_names(screener, text) if item.hit.entity.schema in ("Vessel", "Airplane")] == []


@pytest.mark.parametrize(
    "text",
    [
        "INVOICE 88213 DATED 12.03.2025 STEEL PIPES AND FITTINGS",
        "Salary March 2025 Hans Mueller",
        "ADVANCE PAYMENT MACHINE TOOLS CONTRACT 2025/07",
        "Tuition fee Spring semester University of Toronto student 10023",
        "Commission for sale of property in Limassol Cyprus",
        "DONATION ST MARY CHURCH ROOF FUND",
    ],
)
def test_ordinary_texts_are_clear(screener, text):
    assert find_names(screener, text) == []


def test_texts_without_rare_list_words_cost_nothing(screener):
    assert windows(screener, "RENT APARTMENT 4B KOENIGSTRASSE 12 STUTTGART Q1") == []
