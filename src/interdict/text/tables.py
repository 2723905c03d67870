"""The word and character tables behind text processing, loaded once from data files.

Honorifics, particles, legal forms and transliteration tables are data
(`text/data/*`), so a compliance team can extend them without touching code.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

from .scripts import script_of


def _lines(name: str) -> list[str]:
    text = resources.files("interdict.text").joinpath("data").joinpath(name).read_text(encoding="utf-8")
    return [line.rstrip("\n") for line in text.splitlines() if line.strip() and not line.startswith("#")]


def _words(name: str) -> frozenset[str]:
    return frozenset(line.strip().lower().replace(".", "") for line in _lines(name))


@lru_cache(maxsize=None)
def surname_suffixes() -> frozenset[str]:
    """Endings that make another surname of a word (surname_suffixes.txt): Goncharov is not Gonchar misspelt."""
    return _words("surname_suffixes.txt")


@lru_cache(maxsize=None)
def patronymic_endings() -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(endings, words) of patronymics (patronymic_endings.txt): -ovich, -ovna, -auna after a stem; Ilyich, oglu whole
    (or ending a longer word)."""
    entries = {line.strip().lower() for line in _lines("patronymic_endings.txt")}
    return tuple(sorted(entry[1:] for entry in entries if entry.startswith("-"))), tuple(sorted(entry for entry in entries if not entry.startswith("-")))


@lru_cache(maxsize=None)
def honorifics() -> frozenset[str]:
    return _words("honorifics.txt")


@lru_cache(maxsize=None)
def name_suffixes() -> frozenset[str]:
    return _words("name_suffixes.txt")


@lru_cache(maxsize=None)
def abjad_honorifics() -> frozenset[str]:
    return _words("honorifics_abjad.txt")


@lru_cache(maxsize=None)
def regions() -> frozenset[str]:
    """Regions written in brackets after a group's name (data/regions.txt), lower case: "middle east"."""
    return frozenset(" ".join(line.lower().split()) for line in _lines("regions.txt"))


@lru_cache(maxsize=None)
def bracket_codes() -> frozenset[str]:
    """Country codes read as a place in an organisation's brackets (data/bracket_codes.txt), as written: "UK"."""
    return frozenset(line.strip() for line in _lines("bracket_codes.txt"))


@lru_cache(maxsize=None)
def particles() -> frozenset[str]:
    return _words("particles.txt")


@lru_cache(maxsize=None)
def fused_particles() -> frozenset[str]:
    """Particles names also write fused to the next word (data/fused_particles.txt): Vanderbilt, Dasilva."""
    return _words("fused_particles.txt") & particles()


@lru_cache(maxsize=None)
def han_canonical() -> dict[str, str]:
    """Han character → the one its variant class is read as (data/han_variants.tsv, from Unihan): 陳 → 陈, 峰 → 峯."""
    return dict(line.split("\t")[:2] for line in _lines("han_variants.tsv"))


@lru_cache(maxsize=None)
def legal_forms() -> tuple[tuple[str, ...], ...]:
    """Legal forms as token tuples, longest first so "co ltd" wins over "co"."""
    forms = {tuple(line.split()) for line in _lines("legal_forms.txt")}
    return tuple(sorted(forms, key=len, reverse=True))


@lru_cache(maxsize=None)
def legal_form_set() -> tuple[frozenset[tuple[str, ...]], int]:
    """Legal forms as a set of token tuples, with the longest form's length."""
    forms = legal_forms()
    return frozenset(forms), max(len(form) for form in forms)


def _org_forms() -> list[tuple[str, str, str]]:
    """(form as written, kind, class) of every form in data/org_words.tsv."""
    found: list[tuple[str, str, str]] = []
    for line in _lines("org_words.tsv"):
        kind, word_class, forms = line.split("\t")[:3]
        found.extend((form, kind, word_class) for form in forms.split())
    return found


@lru_cache(maxsize=None)
def org_words() -> dict[str, tuple[str, str]]:
    """Generic organisation word → (kind, class): "airlines" → ("sector", "air"). See data/org_words.tsv."""
    table: dict[str, tuple[str, str]] = {}
    for form, kind, word_class in _org_forms():
        if not form.endswith("."):
            table.setdefault(form, (kind, word_class))
    return table


@lru_cache(maxsize=None)
def dotted_org_words() -> dict[str, tuple[str, str]]:
    """Abbreviations that are a generic organisation word only when written with their dot, without it: "eng" →
    ("sector", "engineering"). "Eng." is Engineering; a bare "Eng" may be a Chinese name word. See data/org_words.tsv."""
    table: dict[str, tuple[str, str]] = {}
    for form, kind, word_class in _org_forms():
        if form.endswith("."):
            table.setdefault(form.rstrip("."), (kind, word_class))
    return table


@lru_cache(maxsize=None)
def romanisation() -> tuple[dict[str, list[tuple[str, str, tuple[str, ...]]]], dict[str, dict[str, tuple[str, ...]]]]:
    """(rules, spellings) per system ("korean", "chinese"); see data/romanisation.tsv.

    rules: system → [(where, from, (to, ...))]; spellings: system → syllable → (spelling, ...).
    """
    rules: dict[str, list[tuple[str, str, tuple[str, ...]]]] = {}
    spellings: dict[str, dict[str, tuple[str, ...]]] = {}
    for line in _lines("romanisation.tsv"):
        parts = line.split("\t")
        if parts[0] == "rule":
            _, system, where, source, targets = parts[:5]
            rules.setdefault(system, []).append((where, source, tuple(targets.split())))
        elif parts[0] == "spelling":
            _, system, syllable, forms = parts[:4]
            known = spellings.setdefault(system, {})
            known[syllable] = tuple(dict.fromkeys(known.get(syllable, ()) + tuple(forms.split())))
    return rules, spellings


@lru_cache(maxsize=None)
def initial_letters() -> dict[str, frozenset[str]]:
    """Letter → the word-initial letters spellings of one name swap it with (data/initial_letters.txt)."""
    table: dict[str, set[str]] = {}
    for line in _lines("initial_letters.txt"):
        letters = line.split()
        for letter in letters:
            table.setdefault(letter, {letter}).update(letters)
    return {letter: frozenset(others) for letter, others in table.items()}


@lru_cache(maxsize=None)
def pinyin_syllables() -> frozenset[str]:
    """Mandarin syllables as pinyin writes them (data/pinyin.txt)."""
    return _words("pinyin.txt")


@lru_cache(maxsize=None)
def compound_prefixes() -> tuple[tuple[str, str], ...]:
    """(prefix, canonical) longest first, for prefixes fused into one word ("Abdulrahman")."""
    return tuple(sorted(compounds().items(), key=lambda item: len(item[0]), reverse=True))


@lru_cache(maxsize=None)
def compounds() -> dict[str, str]:
    """Prefix spelling → canonical prefix for names that fuse with the next word."""
    table = {}
    for line in _lines("compounds.txt"):
        prefix, canonical = line.split()
        table[prefix] = canonical
    return table


@lru_cache(maxsize=None)
def abbreviations() -> dict[str, str]:
    table = {}
    for line in _lines("abbreviations.txt"):
        short, full = line.split()
        table[short.replace(".", "")] = full
    return table


def _char_table(name: str) -> dict[str, tuple[str, ...]]:
    table: dict[str, tuple[str, ...]] = {}
    for line in _lines(name):
        parts = line.split("\t")
        char = parts[0]
        values = tuple(parts[1:]) if len(parts) > 1 else ("",)
        table[char] = values
    return table


@lru_cache(maxsize=None)
def homoglyphs() -> dict[str, str]:
    return {char: values[0] for char, values in _char_table("homoglyphs.tsv").items()}


@lru_cache(maxsize=None)
def homoglyphs_into(script: str) -> dict[str, str]:
    """Latin letter → its look-alike in `script` ("cyrillic" or "greek"), for folding the other way."""
    table: dict[str, str] = {}
    for char, latin in homoglyphs().items():
        if script_of(char) == script and latin not in table:
            table[latin] = char
    return table


@lru_cache(maxsize=None)
def leet() -> dict[str, str]:
    return {char: values[0] for char, values in _char_table("leet.tsv").items()}


@lru_cache(maxsize=None)
def arabic() -> dict[str, tuple[str, ...]]:
    return _char_table("arabic.tsv")


@lru_cache(maxsize=None)
def arabic_initials() -> dict[str, str]:
    """Arabic-script letters with another reading as a word's first letter only (arabic_initials.tsv)."""
    return {char: values[0] for char, values in _char_table("arabic_initials.tsv").items()}


@lru_cache(maxsize=None)
def cyrillic() -> dict[str, str]:
    return {char: values[0] for char, values in _char_table("cyrillic.tsv").items()}


@lru_cache(maxsize=None)
def greek() -> dict[str, str]:
    return {char: values[0] for char, values in _char_table("greek.tsv").items()}


@lru_cache(maxsize=None)
def hebrew() -> dict[str, tuple[str, ...]]:
    return _char_table("hebrew.tsv")


@lru_cache(maxsize=None)
def skeleton_rules() -> tuple[tuple[str, str], ...]:
    rules = []
    for line in _lines("skeleton.tsv"):
        pattern, _, replacement = line.partition("\t")
        rules.append((pattern, replacement))
    return tuple(rules)


@lru_cache(maxsize=None)
def name_equivalents() -> dict[str, str]:
    """Given name → the key of its group of cross-language equivalents ("=john")."""
    table: dict[str, str] = {}
    for line in _lines("name_equivalents.txt"):
        names = line.split()
        for name in names:
            table.setdefault(name, "=" + names[0])
    return table
