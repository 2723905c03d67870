"""Each variation category makes what it says, over real list names (Hypothesis draws the entries)."""

from __future__ import annotations

import random
import re
import unicodedata

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from interdict.effectiveness.categories import CATEGORIES, SPECS, Category, Context, Made, folds_to_same, make
from interdict.effectiveness.variants import HONORIFICS, edit_distance, has_diacritics
from interdict.model import Entity
from interdict.text.scripts import script_of

PROPERTY = settings(max_examples=50, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))


@pytest.fixture(scope="module")
def context(listed: list[Entity]) -> Context:
    return Context.build(listed)


def made(category: Category, entity: Entity, context: Context, seed: int) -> Made | None:
    outcome = make(SPECS[category], entity, context, random.Random(seed))
    if isinstance(outcome, str):
        assert outcome.strip(), f"{category}: a not-applicable outcome must say why"
        return None
    assert outcome.name.strip() and outcome.name != outcome.source
    return outcome


@pytest.fixture(scope="module")
def people(listed: list[Entity]) -> list[Entity]:
    return [e for e in listed if e.schema == "Person"]


@pytest.fixture(scope="module")
def marked(listed: list[Entity]) -> list[Entity]:
    """Entries with a Latin name carrying diacritics."""
    return [e for e in listed if any(has_diacritics(n.full) and latin(n.full) for n in e.names)]


@pytest.fixture(scope="module")
def scripted(people: list[Entity]) -> list[Entity]:
    """People the lists also name in another script."""
    return [e for e in people if any(not latin(n.full) for n in e.names)]


def words(text: str) -> list[str]:
    return text.replace(",", " ").split()


def latin(text: str) -> bool:
    return all(script_of(c) == "latin" for c in text if c.isalpha())


@given(data=st.data(), seed=st.integers(0, 10_000))
@PROPERTY
def test_every_category_gives_a_variant_or_says_why(listed: list[Entity], context: Context, data: st.DataObject, seed: int) -> None:
    entity = data.draw(st.sampled_from(listed))
    for spec in CATEGORIES:
        made(spec.category, entity, context, seed)  # asserts the outcome itself


@given(data=st.data(), seed=st.integers(0, 10_000))
@PROPERTY
def test_typos_are_one_or_two_edits_away(listed: list[Entity], context: Context, data: st.DataObject, seed: int) -> None:
    entity = data.draw(st.sampled_from(listed))
    for category, edits in ((Category.TYPO_1, 1), (Category.TYPO_2, 2)):
        variant = made(category, entity, context, seed)
        if variant:
            assert edit_distance(variant.name.casefold(), variant.source.casefold()) == edits


@given(data=st.data(), seed=st.integers(0, 10_000))
@PROPERTY
def test_evasion_folds_back_to_the_listed_name(listed: list[Entity], context: Context, data: st.DataObject, seed: int) -> None:
    entity = data.draw(st.sampled_from(listed))
    for category in (Category.HOMOGLYPH, Category.ZERO_WIDTH):
        variant = made(category, entity, context, seed)
        if variant:
            assert variant.name != variant.source
            assert folds_to_same(variant.name, variant.source), (category, variant)


@given(data=st.data(), seed=st.integers(0, 10_000))
@PROPERTY
def test_name_part_categories(people: list[Entity], context: Context, data: st.DataObject, seed: int) -> None:
    entity = data.draw(st.sampled_from(people))
    if variant := made(Category.REORDER, entity, context, seed):
        assert sorted(words(variant.name)) == sorted(words(variant.source)) and words(variant.name) != words(variant.source)
    if variant := made(Category.DROPPED_PART, entity, context, seed):
        assert len(words(variant.name)) == len(words(variant.source)) - 1 and set(words(variant.name)) <= set(words(variant.source))
    if variant := made(Category.ADDED_PART, entity, context, seed):
        assert len(words(variant.name)) == len(words(variant.source)) + 1 and set(words(variant.source)) <= set(words(variant.name))
    if variant := made(Category.INITIALS, entity, context, seed):
        initials = [w for w in words(variant.name) if re.fullmatch(r"\w\.", w)]
        assert initials, variant
        surname = variant.source.partition(",")[0] if "," in variant.source else words(variant.source)[-1]
        assert surname.strip() in variant.name
    if variant := made(Category.HONORIFIC, entity, context, seed):
        title, _, rest = variant.name.partition(" ")
        assert title in HONORIFICS and rest == variant.source.replace(",", "")


@given(data=st.data(), seed=st.integers(0, 10_000))
@PROPERTY
def test_shape_categories(listed: list[Entity], context: Context, data: st.DataObject, seed: int) -> None:
    entity = data.draw(st.sampled_from(listed))
    if variant := made(Category.TRUNCATION, entity, context, seed):
        source = " ".join(variant.source.split())
        assert source.startswith(variant.name) and len(variant.name) < len(source)
    if variant := made(Category.CONCAT_SPLIT, entity, context, seed):
        assert variant.name.replace(" ", "").casefold() == variant.source.replace(" ", "").casefold()
        assert abs(len(variant.name.split(" ")) - len(variant.source.split(" "))) == 1
    if variant := made(Category.NOISE_WORDS, entity, context, seed):
        assert variant.source.replace(",", "") in variant.name or variant.source in variant.name
        assert len(words(variant.name)) > len(words(variant.source))
    if variant := made(Category.TRANSLITERATION, entity, context, seed):
        assert len(words(variant.name)) == len(words(variant.source)) and variant.name.casefold() != variant.source.casefold()


@given(data=st.data(), seed=st.integers(0, 10_000))
@PROPERTY
def test_diacritics_variants_have_none_left(marked: list[Entity], context: Context, data: st.DataObject, seed: int) -> None:
    entity = data.draw(st.sampled_from(marked))
    variant = made(Category.DIACRITICS, entity, context, seed)
    assert variant is not None, "an entry with a marked Latin name always gets a variant"
    assert has_diacritics(variant.source) and not has_diacritics(variant.name)
    assert not any(unicodedata.combining(c) for c in unicodedata.normalize("NFD", variant.name))


@given(data=st.data(), seed=st.integers(0, 10_000))
@PROPERTY
def test_script_change_changes_the_script(scripted: list[Entity], context: Context, data: st.DataObject, seed: int) -> None:
    entity = data.draw(st.sampled_from(scripted))
    variant = made(Category.SCRIPT_CHANGE, entity, context, seed)
    if variant:
        assert latin(variant.name) != latin(variant.source), variant
        assert "→" in variant.detail


def test_not_applicable_is_said_not_dropped(listed: list[Entity], context: Context) -> None:
    aircraft = next(e for e in listed if e.schema == "Airplane")
    outcome = make(SPECS[Category.HONORIFIC], aircraft, context, random.Random(1))
    assert outcome == "not a test for airplane names"
    plain = next(e for e in listed if e.schema == "Person" and all(n.full.isascii() for n in e.names))
    assert make(SPECS[Category.DIACRITICS], plain, context, random.Random(1)) == "none of its names carries diacritics"


def test_every_category_has_a_line_on_what_it_tests() -> None:
    assert {spec.category for spec in CATEGORIES} == set(Category)
    for spec in CATEGORIES:
        assert spec.tests.strip() and spec.label.strip() and spec.kinds
