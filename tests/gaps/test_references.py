"""Explicit cross-references and identifier keys (data/references.toml), on real entries."""

from __future__ import annotations

import pytest

from interdict.errors import SourceError
from interdict.gaps.references import identifier_values, parse_references, reference_key, references
from interdict.model import Entity


def test_uk_entries_carry_un_reference_numbers(entities: dict[str, Entity]) -> None:
    sabet = entities["gb_fcdo_sanctions-INU0396"]
    assert ("un_reference", "IRI.034", "IRi.034") in references().explicit_keys(sabet)
    un = entities["un_sc_sanctions-IRi.034"]
    assert references().explicit_keys(un) == [("un_reference", "IRI.034", "IRi.034")]


def test_csl_repeats_ofac_entity_numbers_only_for_ofac_rows(entities: dict[str, Entity]) -> None:
    csl = [entity for entity in entities.values() if entity.dataset == "us_trade_csl"]
    sdn_row = next(entity for entity in csl if entity.extra.get("sourceList") == ["SDN"] and f"us_ofac_sdn-{entity.source_id}" in entities)
    assert references().explicit_keys(sdn_row) == [("ofac_ent_num", sdn_row.source_id.upper(), sdn_row.source_id)]
    entity_list_row = next(entity for entity in csl if entity.extra.get("sourceList") == ["EL"])
    assert references().explicit_keys(entity_list_row) == []


def test_identifier_values_find_the_number_in_a_sentence() -> None:
    assert identifier_values("CAR diplomatic passport no. D00000897", 5) == ["CARDIPLOMATICPASSPORTNOD00000897", "D00000897"]
    assert identifier_values("IMO 9187629", 5) == ["9187629"]
    assert identifier_values("A 123456", 5) == ["123456", "A123456"]
    assert identifier_values("1234", 5) == []


def test_reference_keys_ignore_case_and_spaces() -> None:
    assert reference_key("IRi.034") == reference_key(" iri.034")


@pytest.mark.parametrize(
    ("text", "complaint"),
    [
        ("[[scheme]]\nid = 'x'\n", "needs an id and a label"),
        ("[[scheme]]\nid = 'x'\nlabel = 'X'\nown_ids = ['nope']\n", "unknown datasets"),
        ("[[scheme]]\nid = 'x'\nlabel = 'X'\ncolour = 'red'\n", "unknown fields"),
        ("[identifiers]\nshoe_size = 'decisive'\n", "not an identifier type"),
        ("[identifiers]\npassport = 'maybe'\n", "use one of decisive, corroborated"),
        ("[identifiers]\nmin_length = 0\n", "positive integer"),
    ],
)
def test_a_broken_table_is_refused_with_the_reason(text: str, complaint: str) -> None:
    with pytest.raises(SourceError, match=complaint):
        parse_references(text)
