"""Country names, adjectives and codes to ISO codes: what the lists write, and what is no country."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from interdict.countries import country_named, to_code


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Iran (Islamic Republic of)", "ir"),
        ("Belarus / Bélarus", "by"),
        ("Korea, North", "kp"),
        ("Schweiz", "ch"),  # a country's name for itself, as companies write it in brackets
        ("Deutschland", "de"),
        ("UK", "gb"),
    ],
)
def test_what_the_lists_write_finds_its_country(text: str, code: str) -> None:
    assert to_code(text) == code


@pytest.mark.parametrize("text", ["Czechoslovakia (former)", "Unknown (stateless)", "(unknown)", "Netherlands Antilles (former)", "()", " / "])
def test_a_text_naming_no_known_country_has_no_code(text: str) -> None:
    """An empty part of the text (after a closing bracket, around a slash) is no country's name."""
    assert to_code(text) is None


@given(st.text(alphabet=st.sampled_from(list("()/ ;,.-'\u2019\t")), max_size=30))
def test_punctuation_alone_is_never_a_country(text: str) -> None:
    assert to_code(text) is None
    assert country_named(text) is None


@pytest.mark.parametrize(("text", "code"), [("Switzerland", "ch"), ("HONG KONG", "hk"), ("Union of the Comoros", "km"), ("Suisse", "ch")])
def test_country_named_reads_names(text: str, code: str) -> None:
    assert country_named(text) == code


@pytest.mark.parametrize("text", ["AG", "SA", "UAE", "USA", "GTI", "Pvt", "Suzhou", "the American"])
def test_country_named_reads_no_codes_and_no_parts(text: str) -> None:
    """Stricter than to_code: what a company writes in brackets may be a legal form or an acronym spelling a code."""
    assert country_named(text) is None
