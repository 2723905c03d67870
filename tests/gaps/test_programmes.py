"""The programme vocabulary (data/programmes.toml): valid, complete for the real lists, never guessing."""

from __future__ import annotations

import pytest

from interdict.errors import InputError, SourceError
from interdict.gaps.programmes import NOT_STATED, UNMAPPED, listing_topics, parse_vocabulary, programme_key, vocabulary
from interdict.gaps.scope import jurisdiction_of
from interdict.model import Entity


def test_the_bundled_table_loads() -> None:
    vocab = vocabulary()
    assert {"iran", "russia", "belarus", "dprk", "syria", "terrorism", "human-rights", "cyber", "narcotics", "proliferation"} <= set(vocab.topics)
    assert vocab.topics_of("us", "IRGC") == ("iran",)
    assert vocab.topics_of("gb", "INU") == ("iran",)
    assert vocab.topics_of("ca", "Iran") == ("iran",)
    assert vocab.topics_of("au", "Autonomous (Iran)") == ("iran",)
    assert vocab.topics_of("us", "no such programme") is None


def test_every_programme_of_the_loaded_lists_is_mapped(entities: dict[str, Entity]) -> None:
    unmapped = sorted(
        {(entity.dataset, programme) for entity in entities.values() for programme in listing_topics(jurisdiction_of(entity.dataset), entity.programs).unmapped}
    )
    assert unmapped == []


def test_lists_without_programmes_are_reported_as_such(entities: dict[str, Entity]) -> None:
    eu = [entity for entity in entities.values() if entity.dataset == "eu_fsf"]
    assert eu and not any(entity.programs for entity in eu)  # the bundled flat EU export
    assert listing_topics("eu", []).topics == (NOT_STATED,)


def test_unknown_programmes_are_flagged_not_guessed() -> None:
    mapped = listing_topics("us", ["IRGC", "SOME-NEW-EO"])
    assert mapped.topics == ("iran", UNMAPPED) and mapped.unmapped == ("SOME-NEW-EO",)
    assert listing_topics("un", ["UN List"]).topics == (NOT_STATED,)  # a marker, not a programme


def test_keys_fold_case_dashes_and_spaces() -> None:
    assert programme_key("Autonomous (Thematic – Corruption)") == programme_key("autonomous  (thematic - CORRUPTION)")
    assert vocabulary().topics_of("au", "Autonomous (Thematic – Corruption)") == ("corruption",)


def test_topic_choice_is_validated() -> None:
    assert vocabulary().check_topic("Human_Rights") == "human-rights"
    with pytest.raises(InputError, match="use one of the shared topics: afghanistan"):
        vocabulary().check_topic("persia")


@pytest.mark.parametrize(
    ("text", "complaint"),
    [
        ("[vocabulary]\niran = 'Iran'\n[programmes.us]\nIRAN = ['persia']\n", "undeclared topics"),
        ("[vocabulary]\niran = 'Iran'\n[programmes.xx]\nIRAN = ['iran']\n", "names no jurisdiction"),
        ("[vocabulary]\niran = 'Iran'\n[programmes.us]\nIRAN = ['iran']\n'iran ' = ['iran']\n", "maps 'iran ' twice"),
        ("[vocabulary]\nunmapped = 'x'\n", "reserved"),
        ("[vocabulary]\nIran = 'Iran'\n", "lower-case id"),
        ("[programmes.us]\n", "a \\[vocabulary\\] table"),
        ("vocabulary = [", "not valid TOML"),
        ("[vocabulary]\niran = 'Iran'\n[programmes.us]\nIRAN = 'iran'\n", "must map to a list"),
    ],
)
def test_a_broken_table_is_refused_with_the_reason(text: str, complaint: str) -> None:
    with pytest.raises(SourceError, match=complaint):
        parse_vocabulary(text)
