"""A misspelt generic word of a query is read as the generic word (match/generic_slips.py), pinned both ways.

Real list entries: JOINT STOCK COMPANY UNITED ENGINE CORPORATION (a slip in "Corporation" vetoed it at
0.58), KOREAN TANGUN TRADING CORPORATION (the lists themselves once write "Corporaton"), Shaheen Air and
Elektrosila (list names a slip away from a generic word, which must stay names).
"""

from __future__ import annotations

from typing import Any

import pytest

from interdict.match.generic_slips import generic_slip
from interdict.match.query import Query
from interdict.match.screener import Screener
from interdict.model import Schema
from interdict.text.names import analyze_name


@pytest.fixture(scope="module")
def screener(seeded: Any) -> Screener:
    return seeded.screener


def _matched(screener: Screener, name: str, schema: str = "Organization") -> set[str]:
    return {hit.entity.caption.upper() for hit in screener.screen(Query.build(name, schema=schema), limit=50) if hit.match}


def _token(text: str) -> Any:
    return analyze_name(text, Schema.PERSON).tokens[0]  # read as written: no generic marking


@pytest.mark.parametrize(
    ("word", "generic"),
    [("compnay", "company"), ("corojation", "corporation"), ("cvororation", "corporation"), ("internatonal", "international"), ("industires", "industries")],
)
def test_a_slip_or_two_in_a_long_generic_word_is_that_word(word: str, generic: str) -> None:
    found = generic_slip(_token(word))
    assert found is not None and found[0] == generic


@pytest.mark.parametrize("word", ["bompany", "compass", "compa", "comapfny", "airlines2"])
def test_no_slip_at_the_first_letter_none_too_many_for_the_length_and_no_short_words(word: str) -> None:
    assert generic_slip(_token(word)) is None


def test_a_misspelt_corporate_noun_no_longer_vetoes_the_organisation(screener: Screener) -> None:
    assert any("UNITED ENGINE CORPORATION" in caption for caption in _matched(screener, "United Engine Cvororation"))
    assert screener.compare("HARA COMAPNY", "HARA COMPANY", Schema.ORGANIZATION)[0] >= screener.threshold
    assert screener.compare("Corojation Moscow Institute of Heat Technology JSC", "Corporation Moscow Institute of Heat Technology JSC", Schema.ORGANIZATION)[0] >= screener.threshold
    # The lists' own misspelling ("Corporaton", in one name) is no name a slip could stand for.
    assert screener.compare("KOREAN TANGUN TRADING CORPORkATOIN", "KOREAN TANGUN TRADING CORPORATION", Schema.ORGANIZATION)[0] >= screener.threshold


def test_generic_words_alone_still_find_nothing_misspelt_or_not(screener: Screener) -> None:
    assert _matched(screener, "Internatonal Trading Cvororation") == set()
    assert screener.compare("Atlas Cvororation", "United Engine Corporation", Schema.ORGANIZATION)[0] < screener.cutoff


def test_a_slip_that_may_stand_for_a_listed_name_stays_that_name(screener: Screener) -> None:
    """Shaheen (five list names) is a slip from Shaheed, a generic word; "Shaheem" may be either, so it stays a name."""
    read = screener.read_query("Shaheem Air", Schema.ORGANIZATION)
    assert [token.generic for token in read.tokens] == ["", "sector:air"]
    assert screener.compare("Shaheem Air", "Shaheen Air", Schema.ORGANIZATION)[0] >= screener.threshold
    assert not screener.read_query("Elektrosiia", Schema.ORGANIZATION).tokens[0].generic  # Elektrosila, not Elektronika


def test_only_queries_and_only_organisations_are_read_so(screener: Screener) -> None:
    assert not analyze_name("United Engine Cvororation", Schema.ORGANIZATION).tokens[-1].generic  # the lists' reading
    assert not screener.read_query("Ali Cvororation", Schema.PERSON).tokens[-1].generic
    assert screener.read_query("United Engine Cvororation", Schema.ORGANIZATION).tokens[-1].generic == "form:company"


def test_a_name_of_generic_words_only_keeps_its_words_but_not_a_misspelling_of_them(screener: Screener) -> None:
    """Such a name is identified by its words as written (Worldwide is not Universal, Industrial is not
    Industries, both words the lists use); two slips in a long word the lists never use are a misspelling."""
    assert screener.compare("CARGO FREIGHT INTERATIONzL", "CARGO FREIGHT INTERNATIONAL", Schema.ORGANIZATION)[0] >= screener.threshold
    assert screener.compare("PEvROCHEMIAL COMMERCIAL COMPANY", "PETROCHEMICAL COMMERCIAL COMPANY", Schema.ORGANIZATION)[0] >= screener.threshold
    assert screener.compare("Worldwide Shipping", "Universal Shipping", Schema.ORGANIZATION)[0] < screener.threshold
    assert screener.compare("Electronic Industries Company", "Electronic Industrial Company", Schema.ORGANIZATION)[0] < screener.threshold


def test_a_distinctive_word_fused_with_a_generic_one_is_distinctive(screener: Screener) -> None:
    """'Mahroustrading' pairs with Mahrous + Trading as one fused link; the link touched a generic word, so the whole
    pair was read as 'only generic words agree' and capped (0.45). A fused link rests on generic words only when all
    the words it stands for are generic."""
    assert screener.compare("Mahroustrading FZE", "Mahrous Trading FZE", Schema.ORGANIZATION)[0] >= screener.threshold
    assert screener.compare("MERAJAIR", "MERAJ AIR", Schema.ORGANIZATION)[0] >= screener.threshold
    assert screener.compare("Airlinesgroup", "Mahan Airlines Group", Schema.ORGANIZATION)[0] < screener.cutoff
