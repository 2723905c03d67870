"""Token similarity and name alignment, without an index (fixed weights)."""

from __future__ import annotations

from typing import Any

import pytest

from interdict.match.scorer import score_names, token_sim
from interdict.text.names import analyze_name


def tok(text: str, schema: str = "Person"):  # type: ignore[no-untyped-def]
    (token,) = analyze_name(text, schema).tokens
    return token


def score(a: str, b: str, weights: dict[str, float] | None = None, **options: Any) -> float:
    left, right = analyze_name(a, "Person"), analyze_name(b, "Person")
    weights = weights or {}
    qw = [weights.get(t.text, 0.5) for t in left.tokens]
    cw = [weights.get(t.text, 0.5) for t in right.tokens]
    return score_names(left.tokens, right.tokens, qw, cw, person=True, **options).score


@pytest.mark.parametrize(
    ("a", "b", "how"),
    [
        ("Ghalibaf", "Qalibaf", "transliteration"),
        ("Hossein", "Husain", "transliteration"),
        ("Soleimani", "Soleymani", "transliteration"),
        ("Ghalibaf", "Ghalibav", "typo"),
        ("Bubnov", "Bunbov", "typo"),
        ("Juan", "John", "equivalent"),
        ("Alshaer", "Shaer", "article"),
    ],
)
def test_same_name_parts_pair(a: str, b: str, how: str) -> None:
    sim, found = token_sim(tok(a), tok(b))
    assert sim >= 0.7 and found == how, (sim, found)


@pytest.mark.parametrize(("a", "b"), [("Hossein", "Hasan"), ("Muller", "Miller"), ("Khamenei", "Hemin"), ("Rezaei", "Raza"), ("Mercaz", "Merkel")])
def test_different_name_parts_stay_apart(a: str, b: str) -> None:
    # Both are names the lists know: a one-letter difference is then not read as a typo.
    assert token_sim(tok(a), tok(b), known=lambda text: True)[0] < 0.8


def test_known_names_one_letter_apart_count_less_than_a_typo() -> None:
    unknown = token_sim(tok("Salem"), tok("Salek"))[0]
    known = token_sim(tok("Salem"), tok("Salek"), known=lambda text: True)[0]
    assert known < unknown


def test_arabic_script_against_latin() -> None:
    assert token_sim(tok("قالیباف"), tok("Ghalibaf"))[0] >= 0.9
    assert token_sim(tok("مفلح"), tok("Moslehi"))[0] == 0.0


def test_cjk_characters_only_match_exactly() -> None:
    left, right = analyze_name("习近朋", "Person").tokens, analyze_name("习近平", "Person").tokens
    assert token_sim(left[-1], right[-1])[0] == 0.0


def test_order_does_not_matter() -> None:
    assert score("Ali Khamenei", "KHAMENEI, Ali") == pytest.approx(1.0)


def test_an_extra_middle_name_costs_little() -> None:
    assert score("Mohammad Ghalibaf", "Mohammad Bagher Ghalibaf") > 0.75


def test_conflicting_given_names_are_different_people() -> None:
    # Family members share a surname: Mojtaba is not Ali.
    weights = {"khamenei": 0.8, "mojtaba": 0.6, "ali": 0.2}
    assert score("Mojtaba Khamenei", "Ali Khamenei", weights) < 0.6


def test_rare_unmatched_parts_on_both_sides_sink_the_score() -> None:
    weights = {"ali": 0.15, "rezaei": 0.6, "hosseini": 0.4, "khamenei": 0.8}
    assert score("Ali Rezaei", "Sayyid Ali Hosseini Khamenei", weights) < 0.3


def test_patronymic_conflict_weighs_like_a_rare_name() -> None:
    weights = {"sergey": 0.3, "lavrov": 0.7, "ivanovich": 0.2, "viktorovich": 0.2}
    assert score("Sergey Ivanovich Lavrov", "Sergey Viktorovich Lavrov", weights) < 0.7


def test_a_patronymic_left_out_costs_what_a_common_part_costs() -> None:
    # Passports and payments leave the patronymic out: a rare one no longer sinks the name without it.
    weights = {"armen": 0.3, "gasparyan": 0.7, "sumbatovich": 0.8, "vladimirovich": 0.2, "sargis": 0.8}
    rare = score("Armen Gasparyan", "Armen Sumbatovich Gasparyan", weights)
    assert rare >= 0.75
    assert rare == pytest.approx(score("Armen Gasparyan", "Armen Vladimirovich Gasparyan", weights))
    assert rare == pytest.approx(score("Armen Sumbatovich Gasparyan", "Armen Gasparyan", weights))  # either side
    # A rare middle name that is no patronymic still costs its weight.
    assert score("Armen Gasparyan", "Armen Sargis Gasparyan", weights) < rare - 0.05


def test_a_patronymic_left_out_costs_as_little_when_the_list_writes_the_surname_first() -> None:
    # "GASPARYAN, Armen Sumbatovich" (OFAC, the UK) is the natural-order name with the surname moved to the front.
    weights = {"armen": 0.3, "gasparyan": 0.7, "sumbatovich": 0.8, "juan": 0.3, "carlos": 0.3, "abramovich": 0.8, "abramov": 0.8}
    natural = score("Armen Gasparyan", "Armen Sumbatovich Gasparyan", weights)
    assert score("Armen Gasparyan", "GASPARYAN, Armen Sumbatovich", weights, surname_first=(False, True)) == pytest.approx(natural)
    assert score("GASPARYAN, Armen Sumbatovich", "Armen Gasparyan", weights, surname_first=(True, False)) == pytest.approx(natural)
    # Without the flag the last word is taken for a surname that ends alike, and costs its weight.
    assert score("Armen Gasparyan", "GASPARYAN, Armen Sumbatovich", weights) < natural - 0.05
    # The surname written first is never excused, though it ends like a patronymic.
    assert score("Juan Carlos", "ABRAMOVICH, Juan Carlos", weights, surname_first=(False, True)) == pytest.approx(
        score("Juan Carlos", "ABRAMOV, Juan Carlos", weights, surname_first=(False, True))
    )


def test_a_name_with_two_patronymic_endings_has_no_known_patronymic() -> None:
    # Surnames end alike (Abramovich): with two such words neither is taken for the patronymic, and either left
    # over costs its weight.
    weights = {"roman": 0.3, "arkadyevich": 0.8, "abramovich": 0.7, "sumbatovich": 0.8}
    two = score("Roman Abramovich", "Roman Arkadyevich Abramovich", weights)
    one = score("Roman Abramov", "Roman Arkadyevich Abramov", {**weights, "abramov": 0.7})
    assert two < one - 0.05


def test_a_surname_ending_like_a_patronymic_still_costs_its_weight() -> None:
    weights = {"juan": 0.3, "carlos": 0.3, "abramovich": 0.8, "abramov": 0.8}
    assert score("Juan Carlos", "Juan Carlos Abramovich", weights) == pytest.approx(score("Juan Carlos", "Juan Carlos Abramov", weights))


def test_two_different_patronymics_still_conflict() -> None:
    weights = {"armen": 0.3, "gasparyan": 0.7, "sumbatovich": 0.8, "vladimirovich": 0.2, "viktorvich": 0.2}
    assert score("Armen Vladimirovich Gasparyan", "Armen Sumbatovich Gasparyan", weights) < 0.7
    # One of them misspelt, as the lists write some (Viktorvich, Grigorvich): still two fathers, each weighing like a
    # rare name however common (patronymic_conflict), not the common part's floor (0.62).
    assert score("Armen Viktorvich Gasparyan", "Armen Vladimirovich Gasparyan", weights) < 0.5


def test_initials_alone_are_not_a_match() -> None:
    assert score("N. N.", "Nursultan Nazarbayev") <= 0.5


def test_an_agreeing_initial_counts_half_and_a_disagreeing_one_conflicts() -> None:
    agreeing = score("V. Putin", "Vladimir Putin")
    assert 0.7 <= agreeing < score("Vladimir Putin", "Vladimir Putin")
    assert score("V. Putin", "Igor Putin") < 0.7 < agreeing
    # An initial standing for a middle name does not excuse different given names.
    assert score("Ahmed Johnson", "Edward A. Johnson") < 0.7 <= score("Edward Johnson", "Edward A. Johnson")
    assert score("William G. Frost", "William W. Frost") < score("William Frost", "William W. Frost")


def test_one_name_part_alone_stays_below_the_threshold() -> None:
    assert score("Vladimir Makhluf", "Makhluf", {"makhluf": 0.9, "vladimir": 0.2}) < 0.7


def test_swapped_given_and_father_names() -> None:
    straight = score("Salman bin Muhammad al-Rawi", "Salman bin Muhammad al-Rawi", ordered=True)
    swapped = score("Salman bin Muhammad al-Rawi", "Muhammad bin Salman al-Rawi", ordered=True)
    assert swapped < straight and swapped < 0.8


def test_fused_and_split_names_align() -> None:
    assert score("RamiMakhlouf", "Rami Makhlouf") > 0.9
    assert score("محمدباقر قالیباف", "محمد باقر قالیباف") > 0.9


def test_scores_are_symmetric_enough_and_bounded() -> None:
    for a, b in [("Ali Khamenei", "Khamenei Ali Hosseini"), ("Ghalibaf", "Mohammad Qalibaf")]:
        forward, backward = score(a, b), score(b, a)
        assert 0.0 <= forward <= 1.0 and 0.0 <= backward <= 1.0
        assert abs(forward - backward) < 0.05
