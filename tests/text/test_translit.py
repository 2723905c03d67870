"""Transliteration of each script family to Latin, and the keys abjad words carry."""

from __future__ import annotations

import pytest

from interdict.text.translit import transliterate_word


def word(text: str):  # type: ignore[no-untyped-def]
    (result,) = transliterate_word(text)
    return result


def test_arabic_words_are_abjad_with_consonant_skeletons() -> None:
    muhammad = word("محمد")
    assert muhammad.abjad and muhammad.script == "arabic"
    assert muhammad.skeletons == ("mhmd",)


@pytest.mark.parametrize(
    ("persian", "skeleton"),
    [("پ", "p"), ("چچ", "C"), ("ژ", "j"), ("گ", "k"), ("ک", "k")],
)
def test_persian_letters(persian: str, skeleton: str) -> None:
    assert word("ا" + persian + "ا").skeletons[0] == skeleton


def test_a_first_b_or_f_may_write_a_foreign_p_or_v() -> None:
    # Arabic has neither letter: بوتين is Putin, فلاديمير Vladimir.
    assert set(word("بوتين").skeletons) >= {"btn", "ptn"}
    assert set(word("فلاديمير").skeletons) >= {"fldmr", "vldmr"}
    # Only first: inside a word ف stays f (معروف is Maaruf, never "Mayorov"), ب stays b.
    assert all(key.endswith("f") for key in word("معروف").skeletons)
    assert not any("p" in key for key in word("حبيب").skeletons)


def test_persian_zwnj_marks_a_silent_final_heh() -> None:
    # خامنه‌ای: the heh before the half-space is a vowel, so the skeleton is that of Khamenei.
    assert word("خامنه\u200cای").skeletons == ("hmn",)


def test_letters_with_several_romanisations_yield_every_reading() -> None:
    # ض is d in Arabic names and z in Persian ones (Ramadan / Ramazan).
    assert set(word("رمضان").skeletons) >= {"rmzn", "rmdn"}
    # ج is g in Egyptian names (Ragab), ش is ch in Maghreb French spelling.
    assert "rkb" in word("رجب").skeletons
    assert "C" in "".join(word("شاه").skeletons)


def test_persian_medial_waw_can_be_a_consonant() -> None:
    assert "mrtzv" in word("مرتضوی").skeletons  # Mortazavi


def test_adjacent_letters_never_fuse_into_a_digraph() -> None:
    # ت then ز in مرتضوی is t + z, not the Latin digraph "tz".
    assert all("T" not in key for key in word("مرتضوی").skeletons)


def test_ayn_is_kept_in_the_raw_reading() -> None:
    assert word("سعید").raw == "s'id"
    assert word("سید").raw == "sid"


@pytest.mark.parametrize(("cyrillic", "latin"), [("Сергей", "sergei"), ("Лавров", "lavrov"), ("Щукин", "shchukin"), ("Жуков", "zhukov")])
def test_cyrillic(cyrillic: str, latin: str) -> None:
    assert word(cyrillic).latin.replace("y", "i") == latin.replace("y", "i")


def test_greek_and_hebrew() -> None:
    assert word("Αθήνα").latin == "athina"
    levi = word("לוי")
    assert levi.abjad and "lv" in levi.skeletons


def test_hangul_gets_a_mccune_reischauer_reading() -> None:
    syllables = transliterate_word("전지부")
    assert [s.latin for s in syllables] == ["jeon", "ji", "bu"]
    assert "chon" in syllables[0].variants  # McCune-Reischauer, as North Korean names are listed
    assert {"jun", "chun", "jon"} <= set(syllables[0].variants)  # and the spellings passports use


def test_han_characters_split_into_syllables() -> None:
    assert [s.latin for s in transliterate_word("王毅")] == ["wang", "yi"]


def test_latin_is_lowercased_and_stripped_of_accents() -> None:
    assert word("Müller").latin == "muller"
    assert word("Erdoğan").latin == "erdogan"


def test_a_han_character_beyond_the_basic_block_is_a_syllable_with_its_character() -> None:
    """𠮷 (U+20BB7, extension B: the 吉 of many Japanese family names) is read as a Han syllable like 田 beside it."""
    words = transliterate_word("𠮷田")
    assert [(word.script, word.han) for word in words] == [("cjk", "𠮷"), ("cjk", "田")]
