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
