"""From a name as written to the tokens the matcher compares.

    "Hajji Sayyid ʿAbd al-Raḥmān AL-TIKRITI"
      → honorifics hajji, sayyid (removed, kept for the explanation)
      → particle al (ignored when scoring)
      → compound abd + rahman → "abdrahman"
      → tokens: abdrahman [bdrhmn], tikriti [tkrt]

Everything that is not a name is removed but recorded, so the explanation can
say "ignored title 'Sayyid'" instead of silently dropping it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from typing import Any
from dataclasses import dataclass, field, replace
from functools import lru_cache

from rapidfuzz.distance import OSA

from ..countries import country_named, to_code
from ..model import CRAFT_SCHEMAS, Schema
from ..model import ORG_SCHEMAS as ORG_SCHEMAS  # re-exported only for workflows/freetext.py until it imports from model
from . import tables
from .normalize import fold_evasion
from .numbers import read_numbers
from .skeleton import european_keys, final_h_key, skeleton, split_digraph_key, th_as_s_key, vowel_skeleton
from .translit import chinese_readings, transliterate_word

_APOSTROPHES = re.compile(r"[\'\u2019\u2018\u02bc\u02bb\u02bf\u02be`\u00b4\u02b9\u02ca]")
_ASCII_SPLIT = re.compile(r"[^A-Za-z0-9]+")
_DOTTED_ACRONYM = re.compile(r"\b((?:[A-Za-z]\.){2,}[A-Za-z]?)")
# Letters joined by "&" or "and" ("AT&T", "R&D", "M & P", "E and I"): one designation, not separate words.
# A letter group is one letter, or two written in capitals (AT, PA): "Co" and "St" are words.
_LETTERS = r"(?:[A-Za-z]|[A-Z]{2})"
_AMPERSAND_LETTERS = re.compile(rf"(?<![A-Za-z0-9])({_LETTERS}(?:\s*&\s*{_LETTERS})+)(?![A-Za-z0-9])")
_ROMAN_NUMERAL = re.compile(r"[IVXivx]+")
# With "and", one side is a single letter ("AT and T"), so two words of two letters ("Go and Do") stay words.
_AND_LETTERS = re.compile(
    r"(?<![A-Za-z0-9])([A-Za-z](?:\s+(?i:and)\s+[A-Za-z])+|[A-Za-z]\s+(?i:and)\s+[A-Z]{2}|[A-Z]{2}\s+(?i:and)\s+[A-Za-z])(?![A-Za-z0-9])"
)
_AND = re.compile(r"\sand\s", re.IGNORECASE)
_ROMAN_DIGITS = {"i": "1", "v": "5", "x": "10"}
# "son/daughter of": the name before it is the person's own, the one after it the father's.
# bn, abn, bnt are the readings of بن, ابن, بنت written in Arabic script.
_FILIATION = frozenset({"bin", "ibn", "ben", "bint", "binti", "ould", "bn", "abn", "bnt"})
# The Arabic article written as the sun letter it assimilates to: an article only before a word of that letter
# (an-Nasr, ad-Din, ar-Rahman, as-Sayed, ash-Shami, at-Tamimi, az-Zawahiri). Before another, "An" is a name: the
# Korean surname of "An Myong Hun", which was read as "Myong Hun" and matched "RI, Myong Hun".
_SUN_ARTICLES = frozenset({"an", "ad", "ar", "as", "ash", "at", "az"})


def _article_of(article: str, word: str) -> bool:
    """`article` is the Arabic article of `word`: al or el, or the sun letter `word` begins with ("as" of Sayed)."""
    return article in ("al", "el") or (article in _SUN_ARTICLES and word.startswith(article[1:]))


def _not_an_article(token: Token, kept: list[Token], position: int) -> bool:
    return token.text in _SUN_ARTICLES and position + 1 < len(kept) and not _article_of(token.text, kept[position + 1].text)


# Particles that stay particles at the end of a person's name: connectors, articles and function words nobody is named.
_NEVER_LAST_WORDS = _FILIATION | frozenset({"al", "el", "ul", "ol", "the", "of", "and", "for", "und", "et", "y"})


HAN_KEY = "%"  # "%陈": the Han character a syllable was written in, as its variant class is read (two names in Han compare these)


@dataclass(frozen=True, slots=True)
class Token:
    text: str  # lower-case Latin
    skel: str  # consonant skeleton of text
    keys: tuple[str, ...]  # skeleton keys of every romanisation (abjad words have several)
    abjad: bool = False
    original: str = ""
    initial: bool = False  # a single letter: "A. Kabir"
    number: bool = False  # digits only: vessel and aircraft names, "Hamas 2"
    script: str = "latin"  # the script the word was written in
    vskel: str = ""  # skeleton keeping vowel classes (empty for abjad words, which write no vowels)
    sig: str = ""  # everything the scorer reads of the token in one string (names._sig): a cheap, cached hash for memo tables
    generic: str = ""  # "kind:class" of a generic organisation word ("sector:air"), see data/org_words.tsv
    hyphen: int = 0  # 1 for the parts of a hyphenated surname ("Pridmore-Smith"), else 0
    particles: str = ""  # particles written right before the word, joined ("vander" of "van der Bilt"): see fused_particles.txt
    letters: bool = False  # letters joined by "&" or "and" ("AT&T", "M & P"): read letter by letter, never as a spoken word

    @property
    def generic_kind(self) -> str:
        """"form" or "sector" for a generic organisation word, `PLACE` for a bracketed place, "" for a distinctive one."""
        return self.generic.partition(":")[0]


@dataclass(frozen=True)
class AnalyzedName:
    original: str
    tokens: tuple[Token, ...]
    removed: tuple[tuple[str, str], ...] = ()  # (word, why): honorific, particle, legal form, suffix
    evasion: tuple[str, ...] = ()
    scripts: frozenset[str] = field(default_factory=frozenset)
    inverted: bool = False  # written with a comma, as "LAST, First" is
    surname_first: bool = False  # written "SURNAME, Given": name words on both sides of the comma (`_surname_first`)
    filiation: bool = False  # carries bin/ibn/ben: the order of the parts means something

    @property
    def text(self) -> str:
        return " ".join(token.text for token in self.tokens)


def _sig(text: str, script: str, keys: tuple[str, ...], generic: str = "", particles: str = "", letters: bool = False) -> str:
    """Everything the scorer reads of a token, in one string: the memo tables (similarities, evidence) key on it."""
    return "\x1f".join((text, script, generic, "&" + particles, "!" if letters else "", *keys))


# Words made into tokens, kept: a batch's names repeat their given names and surnames, and a query name is read once
# per schema reading. A token holds some hundred bytes of strings; this many stay within a few megabytes.
TOKENS_KEPT = 10_000


@lru_cache(maxsize=TOKENS_KEPT)
def _make_token(
    text: str,
    original: str,
    abjad: bool = False,
    variants: tuple[str, ...] = (),
    extra_keys: tuple[str, ...] = (),
    script: str = "latin",
    skeletons: tuple[str, ...] = (),
) -> Token:
    skel = skeletons[0] if skeletons else skeleton(text)
    keys = [skel]
    computed = list(skeletons[1:]) if skeletons else [skeleton(variant) for variant in variants]
    if not skeletons and not abjad:
        for alternative in (final_h_key(text), split_digraph_key(text), th_as_s_key(text), *european_keys(text, original)):
            if alternative:
                computed.append(alternative)
    for key in computed + list(extra_keys):
        if key not in keys:
            keys.append(key)
    equivalent = tables.name_equivalents().get(text) if script == "latin" else None
    if equivalent:
        keys.append(equivalent)  # "=john": Juan, Jean, Ivan... share it
    return Token(
        text=text,
        skel=skel,
        keys=tuple(keys),
        abjad=abjad,
        original=original,
        initial=len(text) == 1 and text.isalpha() and script != "cjk",  # 이 "i" and 오 "o" are syllables, not initials
        number=text.isdigit(),
        script=script,
        vskel="" if abjad else vowel_skeleton(text),
        sig=_sig(text, script, tuple(keys)),
    )


def _changed(token: Token, **changes: Any) -> Token:
    """The token with `changes`, its memo key (`sig`) rebuilt from everything the scorer reads."""
    new = replace(token, **changes)
    return replace(new, sig=_sig(new.text, new.script, new.keys, new.generic, new.particles, new.letters))


def with_particles(token: Token, particles: str) -> Token:
    """The word with the particles written before it ("van der Bilt"), which another name may fuse to it ("Vanderbilt")."""
    return _changed(token, particles=particles)


def as_letters(token: Token) -> Token:
    """The word as letters joined by "&" or "and" ("AT&T"): only the same letters agree with it."""
    return _changed(token, letters=True)


PATRONYMIC_STEM_MIN = 3  # letters before a patronymic ending (patronymic_endings.txt): "Ilyich" is one, "-ovna" alone no word


@lru_cache(maxsize=None)
def _patronymic_pattern() -> re.Pattern[str]:
    endings, words = tables.patronymic_endings()
    after_stem = "|".join(re.escape(ending) for ending in (*endings, *words))
    whole = "|".join(re.escape(word) for word in words)
    return re.compile(f".{{{PATRONYMIC_STEM_MIN},}}(?:{after_stem})" + (f"|{whole}" if words else ""))


@lru_cache(maxsize=100_000)
def is_patronymic(text: str) -> bool:
    """The word reads as a patronymic by its ending (patronymic_endings.txt): Sumbatovich, Mikhailovna, Leanidauna,
    oglu. A word only: whether it is its name's patronymic is `sole_patronymic`'s question. Memoised: the scorer asks
    it of every word left over in a conflict, and it is the one definition every rule on patronymics reads."""
    return _patronymic_pattern().fullmatch(text) is not None


def _surname_first(text: str) -> bool:
    """The name is written "SURNAME, Given …": a comma with name words on both sides. A comma before nothing, or before
    a suffix only ("Ivan Petrovich IVANOV, Jr.", name_suffixes.txt; a title), ends a name written in the natural order,
    whose patronymic stands in the middle as usual: taken for surname-first, its patronymic read as a given name and
    lost its excuse."""
    head, comma, tail = text.partition(",")
    return bool(comma) and _holds_name_word(head) and _holds_name_word(tail)


def _holds_name_word(part: str) -> bool:
    """Some word of `part` is neither a suffix (name_suffixes.txt: Ph.D. read as phd), a title, nor a number (3rd)."""
    titles = tables.honorifics()
    return any(
        not is_name_suffix(word) and word not in titles and not any(char.isdigit() for char in word) for word in _WORDS.findall(part.lower().replace(".", ""))
    )


def is_name_suffix(word: str) -> bool:
    """The word, as written (any case, dots ignored: Ph.D., мл.), is a suffix closing a person's name (name_suffixes.txt)."""
    return word.lower().replace(".", "") in tables.name_suffixes()


_WORDS = re.compile(r"[^\W_]+")


def sole_patronymic(tokens: tuple[Token, ...], position: int, surname_first: bool = False) -> bool:
    """The word at `position` is its name's patronymic: it stands between two other words, reads as one, and no other
    word of the name does. Surnames end alike: a word opening or closing the name is taken for one (Juan Carlos
    ABRAMOVICH), and in "Roman Arkadyevich ABRAMOVICH" neither word is taken for the patronymic.

    `surname_first`: the name was written "SURNAME, Given Patronymic" (`AnalyzedName.surname_first`), so its words stand in
    the natural order's from the second on, the surname first: the patronymic is the last word (OFAC and the UK
    write "GASPARYAN, Armen Sumbatovich"). A surname that reads as a patronymic still bars it, as in the natural
    order ("ABRAMOVICH, Roman Arkadyevich")."""
    natural = (position - 1 if position else len(tokens) - 1) if surname_first else position
    return (
        0 < natural < len(tokens) - 1
        and is_patronymic(tokens[position].text)
        and not any(is_patronymic(token.text) for at, token in enumerate(tokens) if at != position)
    )


def fused_key(token: Token) -> str:
    """The key of the word written fused with its particles ("vanderbilt"): where the fused spelling is posted."""
    return skeleton(token.particles + token.text)


_ALTERNATIVES = re.compile(r"\s+/\s+|\s*;\s*")
ACRONYM_NAME_MIN = 3  # letters a bracketed acronym needs to be indexed as a name of its own: two spell too much


def alternatives(full: str, schema: Schema | str | None) -> list[str]:
    """The names a list writes in one field, apart from the whole: "Belteleradio Company / National State TV and
    Radio Company of the Republic of Belarus" names the company both ways, and "Belteleradio Company" alone must
    find it. Only a slash with spaces around it separates names ("IMPORT/EXPORT", "GU/GRU", "Myanmar/ Birma" are
    one name), or a semicolon ("COMPAGNIE AERIENNE DES GRANDS LACS (CAGL) ; GREAT LAKES BUSINESS COMPANY (GLBC)"),
    and only for organisations, vessels and aircraft: a person's "John / Johnny SMITH" would make a
    lone given name a name of the entry."""
    if schema == Schema.PERSON or ("/" not in full and ";" not in full):
        return []
    parts = [part.strip() for part in _ALTERNATIVES.split(full)]
    parts = [part for part in parts if part]
    return parts if len(parts) > 1 else []


def bracketed_acronyms(full: str, schema: Schema | str | None) -> list[str]:
    """The acronyms a field gives in brackets after the words they abbreviate, each a name of the entry: "AQAP" of
    "AL-QAIDA IN THE ARABIAN PENINSULA (AQAP)" must find it alone. The analyser drops such an acronym from the name it
    follows (`_drop_acronyms`), so nobody who wrote it alone found the entry. `acronym_name` reads one.

    Organisations, vessels and aircraft; `ACRONYM_NAME_MIN` letters or more, two capitals at least, no word of the
    name ("IRAN AIR (IRAN)"), no country and no legal form ("(JSC)")."""
    if schema == Schema.PERSON or "(" not in full:
        return []
    found: list[str] = []
    for part in [full, *alternatives(full, schema)]:
        removed: list[tuple[str, str]] = []
        rest = _drop_acronyms(part, removed)
        words = {word.lower() for word in _ASCII_SPLIT.split(rest) if word}
        found += [word for word, why in removed if why == "acronym" and _acronym_name(word, words)]
    return list(dict.fromkeys(found))


def acronym_name(acronym: str, schema: Schema | None) -> AnalyzedName:
    """An acronym `bracketed_acronyms` found, read as letters: only the same letters agree with it ("MERI" is no
    spelling of Mary, "AQAP" no slip of anything)."""
    analyzed = analyze_name(acronym, schema)
    return replace(analyzed, tokens=tuple(as_letters(token) if token.script == "latin" and not token.number else token for token in analyzed.tokens))


def _acronym_name(acronym: str, words: set[str]) -> bool:
    """A bracketed acronym worth a name of its own: `ACRONYM_NAME_MIN` letters, two capitals at least ("AQAP", "JuA";
    "(Iran)" after "Iran Air" is a word), no word of the name itself ("IRAN AIR (IRAN)") and no country."""
    letters = re.sub(r"[^A-Za-z0-9]", "", acronym)
    return (
        len(letters) >= ACRONYM_NAME_MIN
        and sum(1 for char in letters if char.isupper()) >= 2
        and letters.lower() not in words
        and country_named(acronym) is None
        and (letters.lower(),) not in tables.legal_form_set()[0]
    )


def han_key(token: Token) -> str:
    """The "%" key of a syllable written in a Han character ("%陈"), or "" for any other word."""
    if token.script != "cjk":
        return ""
    return next((key for key in token.keys if key[:1] == HAN_KEY), "")


def written_in_han(tokens: Iterable[Token]) -> bool:
    """The name was written in Han characters (its syllables carry them): compared by character, not by reading."""
    return any(han_key(token) for token in tokens)


# The matcher builds tokens for fused and split words the same way the analyser does.
make_token = _make_token


def as_generic(token: Token, kind: str, word_class: str) -> Token:
    """The token marked as a generic organisation word: one shared key ("+air") for every form of its class."""
    key = "+" + word_class
    keys = token.keys if key in token.keys else (*token.keys, key)
    return _changed(token, keys=keys, generic=f"{kind}:{word_class}")


def _mark_generic(
    tokens: list[Token], schema: Schema | None, stripped_form: bool, places: dict[str, str], dotted: frozenset[str]
) -> list[Token]:
    """Mark the generic words of an organisation's name (data/org_words.tsv), and the words of a country named in
    brackets (`places`, from `_bracketed_places`).

    Organisations always; a name of unknown type only when it reads as an
    organisation (it held a legal form or a sector word), so "Shahid Khan" keeps
    his given name while "Mahan Airlines" is read as a company. `dotted`: the
    abbreviations the name writes with their dot ("Eng."), generic words only so.
    """
    words = tables.org_words()
    if dotted:
        abbreviated = tables.dotted_org_words()
        words = {**words, **{word: abbreviated[word] for word in dotted}}
    if schema is None:
        if not stripped_form and not any(words.get(token.text, ("",))[0] == "sector" for token in tokens if token.script == "latin"):
            return tokens
    elif schema not in ORG_SCHEMAS:
        return tokens
    if places:
        tokens = _mark_places(tokens, places)
    if not any(token.text in words for token in tokens):
        return tokens
    return [
        as_generic(token, *words[token.text]) if token.text in words and token.script == "latin" and not token.letters and not token.generic else token
        for token in tokens
    ]


@lru_cache(maxsize=1)
def _dotted_pattern() -> re.Pattern[str]:
    forms = sorted(tables.dotted_org_words(), key=len, reverse=True)
    return re.compile(r"(?<![^\W_])(" + "|".join(map(re.escape, forms)) + r")\.", re.IGNORECASE)


def _dotted_generic(text: str) -> frozenset[str]:
    """The abbreviations of generic words that `text` writes with their dot, lower case: "Eng." → {"eng"}."""
    return frozenset(match.group(1).lower() for match in _dotted_pattern().finditer(text))


PLACE = "place"  # the generic kind of a country named in brackets: "place:ch"
# Anything but brackets and digits, up to the closing bracket (ASCII or full-width): the country table decides.
_BRACKETED_PLACE = re.compile(r"[(\uff08]([^()\uff08\uff09\d]{2,40})[)\uff09]")
_PLACE_SPLIT = re.compile(r"[\s.\-\u2010\u2011]+")


def _bracketed_places(text: str) -> dict[str, str]:
    """The words of a country or region (data/regions.txt) named in brackets in an organisation's name, each with
    the country's code or the region: "Deutsche Bank (Schweiz) AG" → {"schweiz": "ch"}, "X Trading (Hong Kong) Ltd"
    → {"hong": "hk", "kong": "hk"}, "Y (Middle East) FZE" → {"middle": "middle-east", "east": "middle-east"}.

    Words are keyed as tokens keep them (`Token.original`, lower case): apostrophes dropped ("d'Ivoire" → "divoire").
    Such a bracket says which local company of a group this is, not whose: see `_mark_places`.
    """
    if "(" not in text and "\uff08" not in text:
        return {}
    found: dict[str, str] = {}
    for match in _BRACKETED_PLACE.finditer(text):
        written = match.group(1).strip()
        code = to_code(written) if written in tables.bracket_codes() else country_named(written)
        words = [word for word in _PLACE_SPLIT.split(_APOSTROPHES.sub("", written).lower()) if word]
        if not code and " ".join(words) in tables.regions():
            code = "-".join(words)
        if code:
            found.update((word, code) for word in words)
    return found


def _place_positions(tokens: list[Token], places: dict[str, str]) -> dict[int, str]:
    """Where the bracketed place words stand among the tokens, with their place: the last token written as each word
    (a company named after its country, "Iran Air (Iran)", keeps the name's own word)."""
    left = dict(places)
    found: dict[int, str] = {}
    for position in range(len(tokens) - 1, -1, -1):
        code = left.pop(tokens[position].original.lower(), None)
        if code:
            found[position] = code
    return found


def _set_aside_places(tokens: list[Token], places: dict[str, str]) -> tuple[list[Token], list[Token]]:
    """The tokens without the bracketed place words `_mark_places` marks, and those words."""
    positions = _place_positions(tokens, places) if places else {}
    if not positions or len(positions) == len(tokens):
        return tokens, []
    return [token for k, token in enumerate(tokens) if k not in positions], [tokens[k] for k in sorted(positions)]


def _mark_places(tokens: list[Token], places: dict[str, str]) -> list[Token]:
    """The bracketed place words (`_place_positions`), marked generic of kind `PLACE` and class the place.

    A group's local companies carry its name and their country in brackets ("Deutsche Bank (Schweiz) AG",
    "Huawei Device (Shenzhen)"'s peers "... (Hong Kong) Limited"). Left over on one side, the country was read
    as a distinctive word the other name lacks, and the group's own name scored 0.66: a miss. As a generic word
    it weighs little and never conflicts; the scorer caps a pair that differs in it (`place_qualifier_cap`), so
    the other company of the group is reviewed, never taken for this one.
    """
    marked = list(tokens)
    if all(token.original.lower() in places for token in tokens):
        return marked  # "(Switzerland)" alone, or "Switzerland (Switzerland)": the place is the name
    for position, code in _place_positions(marked, places).items():
        token = marked[position]
        if token.script != "cjk" and not (token.initial or token.number or token.generic):
            marked[position] = as_generic(token, PLACE, code)
    return marked


_BRACKETED = re.compile(r"\(\s*([A-Za-z][A-Za-z0-9.&\- ]{0,15}?)\s*\)")


def _drop_acronyms(text: str, removed: list[tuple[str, str]]) -> str:
    """Remove a bracketed acronym of the words before it: "Iran Electronics Industries (IEI)".

    Lists add the acronym to some spellings and not others; it is a second name
    of the organisation (screened as such when listed alone), not a word of this one.
    """
    if "(" not in text:
        return text
    out = text
    forms = tables.legal_form_set()[0]
    for match in reversed(list(_BRACKETED.finditer(text))):
        written = match.group(1).split()
        while len(written) > 1 and (written[-1].lower().replace(".", ""),) in forms:
            written.pop()  # "(BK CO.)": the acronym with its legal form
        acronym = " ".join(written)
        letters = re.sub(r"[^a-z0-9]", "", acronym.lower())
        before = _ASCII_SPLIT.split(text[: match.start()].lower())
        initials = [word[0] for word in before if word]
        words = [word for word in before if word]
        if len(letters) >= 2 and " " not in acronym and (_is_subsequence(letters, initials) or _abbreviates(letters, words)):
            removed.append((acronym, "acronym"))
            out = out[: match.start()] + " " + out[match.end() :]
    return out


_EZAFE = re.compile(r"(?<=[^\W\d_])-(ye|e)(?=[\s,;)]|$)", re.IGNORECASE)


def _drop_ezafe(text: str, removed: list[tuple[str, str]]) -> str:
    """The Persian ezafe written as a hyphenated ending: "Gharargah-e Sazandegi-ye Khatam", "Malek-e Ashtar".

    It links a word to the next ("of", "the"), and romanisations write it, join it
    ("Gharargahe") or leave it out: it is no part of the name. Only the hyphenated
    form is read so (a joined final e is often the word's own letter).
    """
    found = _EZAFE.findall(text)
    if not found:
        return text
    removed.extend((f"-{ending}", "ezafe") for ending in found)
    return _EZAFE.sub("", text)


def _abbreviates(letters: str, words: list[str]) -> bool:
    """The acronym takes a word's first letter and maybe more of its letters, word after word (any may be skipped).

    "(DICO)" after "Doostan International Company" (CO from Company), "(BAL)" after
    "Butembo Airlines" (AL from Airlines). Every chunk starts at a word's first
    letter, so a bracketed place or word ("(Paris)") is not read as an acronym.
    """
    if len(letters) > 8 or len(words) > 12:
        return False

    @lru_cache(maxsize=None)
    def fits(start: int, word_at: int) -> bool:
        if start == len(letters):
            return True
        for k in range(word_at, len(words)):
            word = words[k]
            if word[0] != letters[start]:
                continue
            ends = [start + 1]
            at, position = start + 1, 1
            while at < len(letters):
                found = word.find(letters[at], position)
                if found < 0:
                    break
                position, at = found + 1, at + 1
                ends.append(at)
            if any(fits(end, k + 1) for end in reversed(ends)):
                return True
        return False

    return fits(0, 0)


def _is_subsequence(letters: str, initials: list[str]) -> bool:
    """The acronym's letters are initials of the words before it, in order (small words may be skipped).

    One letter of an acronym of three or more may stand for a word written
    otherwise here: "(SHIG)" after "Shahid Hemmat Industrial Complex".
    """
    position = 0
    misses = 0
    for letter in letters:
        found = position
        while found < len(initials) and initials[found] != letter:
            found += 1
        if found == len(initials):
            misses += 1
            position += 1
            continue
        position = found + 1
    return misses == 0 or (misses == 1 and len(letters) >= 3 and len(initials) >= len(letters))


def _split_words(text: str) -> list[str]:
    """Split on punctuation, symbols and spaces, keeping letters, marks and digits together.

    Combining marks stay inside their word: Khmer, Bengali and Devanagari vowel
    signs are marks, and splitting on them breaks every word into letters.
    """
    if text.isascii():
        return [word for word in _ASCII_SPLIT.split(text) if word]
    words: list[str] = []
    current: list[str] = []
    for char in text:
        category = unicodedata.category(char)
        if category[0] in "LMN" or char == "\u200c":
            current.append(char)
        elif current:
            words.append("".join(current))
            current = []
    if current:
        words.append("".join(current))
    return [word.strip("\u200c") for word in words if word.strip("\u200c")]


def _raw_words(text: str, digits_as_letters: bool, join_acronyms: bool, joined: set[str]) -> tuple[list[str], list[str], list[int]]:
    """Words, evasion folded, and for each word the number of the hyphenated word it belongs to (0: none).
    Words made of letters joined by "&" or "and" are added to `joined` (lower-case)."""
    folded = fold_evasion(text, digits_as_letters=digits_as_letters)
    cleaned = _APOSTROPHES.sub("", folded.text)
    if join_acronyms and "." in cleaned:
        # "A.B.C." and "L.L.C." are one word, not three initials; written so, it is letters (as "A&B" is).
        cleaned = _DOTTED_ACRONYM.sub(lambda match: _dotted_letters(match.group(1), joined), cleaned)
    if join_acronyms and ("&" in cleaned or _AND.search(cleaned)):
        cleaned = _join_letters(cleaned, joined)
    words = _split_words(cleaned)
    return words, folded.evasion, _hyphenated_surname(cleaned, words)


def _join_letters(text: str, joined: set[str]) -> str:
    """ "AT&T" is "ATT", "M & P Trading" is "MP Trading": letters joined by "&" or "and" are one word.

    Read apart, "AT" would be dropped as the Arabic article and "M&P" would be two initials,
    which "MP Trading" does not meet. A group that is a legal-form or generic word stays a word
    ("AG & CO. KG"), and letters that would join into a Roman numeral stay letters ("I&I").
    """
    text = _AMPERSAND_LETTERS.sub(lambda match: _joined_letters(match.group(1), r"\s*&\s*", joined), text)
    return _AND_LETTERS.sub(lambda match: _joined_letters(match.group(1), r"\s+(?i:and)\s+", joined), text)


def _joined_letters(run: str, connector: str, joined: set[str]) -> str:
    groups = re.split(connector, run)
    words = _one_word_forms()
    letters = "".join(groups)
    if any(len(group) > 1 and group.lower() in words for group in groups) or _ROMAN_NUMERAL.fullmatch(letters):
        return run  # "I&I" is two letters, not the numeral II
    joined.add(letters.lower())
    return letters


def _dotted_letters(run: str, joined: set[str]) -> str:
    """ "N.A.B.C." is the letters NABC, read letter by letter, which no slip bridges to "A.B.C."; a legal-form or
    generic word written with dots, or a word of one ("L.L.C.", "S.A.", "C.O.", the "o.o." of "Sp. z o.o."), and a
    Roman numeral ("I.I.") stay words."""
    letters = run.replace(".", "")
    if letters.lower() not in _legal_form_words() and not _ROMAN_NUMERAL.fullmatch(letters):
        joined.add(letters.lower())
    return letters


@lru_cache(maxsize=1)
def _legal_form_words() -> frozenset[str]:
    return frozenset(word for form in tables.legal_forms() for word in form) | frozenset(tables.org_words())


@lru_cache(maxsize=1)
def _one_word_forms() -> frozenset[str]:
    return frozenset(form[0] for form in tables.legal_forms() if len(form) == 1) | frozenset(tables.org_words())


_HYPHENS = frozenset({"-", "\u2010", "\u2011"})


def _hyphenated_surname(text: str, words: list[str]) -> list[int]:
    """Mark (1) the words of a hyphenated surname: the name's last word, or its first when written "LAST, First".

    "Pridmore-Smith" is one surname, and "Smith" alone is not it; a hyphenated
    given name ("Ilie-Gabriel") is left alone, where an extra given name is usual.
    """
    groups = _hyphen_groups(text, words)
    if not any(groups):
        return groups
    surname = groups[0] if "," in text else groups[-1]
    return [1 if group and group == surname else 0 for group in groups]


def _hyphen_groups(text: str, words: list[str]) -> list[int]:
    """Number the runs of words joined by a bare hyphen ("Pridmore-Smith", "Jong-un")."""
    groups = [0] * len(words)
    end = 0
    group = 0
    for i, word in enumerate(words):
        start = text.find(word, end)
        if start < 0:
            return [0] * len(words)
        if i and text[end:start] in _HYPHENS:
            if not groups[i - 1]:
                group += 1
                groups[i - 1] = group
            groups[i] = groups[i - 1]
        end = start + len(word)
    return groups


def _strip_legal_forms(tokens: list[Token], removed: list[tuple[str, str]], strict: bool) -> list[Token]:
    """Remove legal forms at either end of an organisation name ("OOO X", "X Co., Ltd.")."""
    forms, longest = tables.legal_form_set()
    if tuple(token.text for token in tokens) in forms:
        return tokens  # a name that is a legal form and nothing else ("javna delniška družba"): its words are all it has
    changed = True
    while changed and len(tokens) > 1:
        changed = False
        texts = tuple(token.text for token in tokens)
        for size in range(min(longest, len(tokens) - 1), 0, -1):
            if strict and size == 1:
                suffix_ok = texts[-1:] in forms and len(texts[-1]) >= 3
                prefix_ok = texts[:1] in forms and len(texts[0]) >= 3
            else:
                suffix_ok = texts[-size:] in forms
                prefix_ok = texts[:size] in forms
            if not suffix_ok and len(tokens) > size:
                suffix_ok = _near_form(texts[-size:], forms)
            if not suffix_ok and not prefix_ok and len(tokens) > size:
                prefix_ok = _near_form(texts[:size], forms)
            # Letters joined by "&" are a designation, whatever they spell ("A&G" is not the legal form AG).
            suffix_ok = suffix_ok and not any(token.letters for token in tokens[-size:])
            prefix_ok = prefix_ok and not any(token.letters for token in tokens[:size])
            if suffix_ok:
                removed.append((" ".join(token.original for token in tokens[-size:]), "legal form"))
                tokens = tokens[:-size]
                changed = True
                break
            if prefix_ok:
                removed.append((" ".join(token.original for token in tokens[:size]), "legal form"))
                tokens = tokens[size:]
                changed = True
                break
    return tokens


@lru_cache(maxsize=8)
def _forms_by_size(forms: frozenset[tuple[str, ...]]) -> dict[tuple[int, int], list[tuple[str, ...]]]:
    """Legal forms grouped by (words, letters): a slip changes the letter count by one at most per word."""
    grouped: dict[tuple[int, int], list[tuple[str, ...]]] = {}
    for form in forms:
        grouped.setdefault((len(form), sum(len(word) for word in form)), []).append(form)
    return grouped


@lru_cache(maxsize=1)
def _fusable_forms() -> tuple[str, ...]:
    """Legal forms that a name can be written fused with ("MajoryLLP", "HARACOMPANY", "CJSCInteravtomatika"), longest first.

    Only forms no ordinary word ends or begins with: those written without a vowel (LLC, Ltd, JSC,
    GmbH), the free-zone ones (FZE, FZCO), and words of seven letters or more (Company, Limited).
    Short ones with a vowel are left whole: Faisal is not Fai + SAL, Rostov not Ros + TOV, Kansas
    not Kan + SAS.
    """
    forms, _ = tables.legal_form_set()
    singles = {form[0] for form in forms if len(form) == 1 and form[0].isalpha() and form[0].isascii()}
    fusable = [
        form for form in singles if len(form) >= 7 or (len(form) >= 3 and (form.startswith("fz") or not set(form) & set("aeiou")))
    ]
    return tuple(sorted(fusable, key=lambda form: (-len(form), form)))


FUSED_REST = 3  # letters the rest of a word keeps for a fused legal form to be split off


def _split_fused_forms(tokens: list[Token], strict: bool) -> list[Token]:
    """An organisation name's word with a legal form fused on ("GROUPFZE", "CJSCinteravtomatika") as two words,
    so the form is stripped like any other and the name's own word is left.

    Only where the form, split off, would be stripped (at either end of the name, or beside other legal-form
    words): a slip that happens to start a word inside the name with "Ltd" ("LtDAD'AWATI") is no legal form.
    """
    out = list(tokens)
    position = 0
    while position < len(out):
        token = out[position]
        text = token.text
        parts: tuple[str, str] | None = None
        form_at = 0  # which of the two parts is the legal form
        if token.script == "latin" and not token.abjad and text.isalpha() and len(text) >= FUSED_REST + 3:
            for form in _fusable_forms():
                if len(text) - len(form) < FUSED_REST:
                    continue
                if text.endswith(form):
                    parts, form_at = (text[: -len(form)], form), 1
                    break
                if text.startswith(form):
                    parts = (form, text[len(form) :])
                    break
        if parts is not None:
            split = [_make_token(part, part, script=token.script) for part in parts]
            trial = out[:position] + split + out[position + 1 :]
            if not any(kept is split[form_at] for kept in _strip_legal_forms(trial, [], strict)):
                out = trial
                position += 1
        position += 1
    return out


@lru_cache(maxsize=100_000)
def _near_form(texts: tuple[str, ...], forms: frozenset[tuple[str, ...]]) -> bool:
    """A multi-word legal form with one slip in one longer word ("Public Joiut-Stock Company")."""
    grouped = _forms_by_size(forms)
    letters = sum(len(word) for word in texts)
    slack = max(1, len(texts) // 2)
    candidates = [form for delta in range(-slack, slack + 1) for form in grouped.get((len(texts), letters + delta), ())]
    for form in candidates:
        differing = [(a, b) for a, b in zip(texts, form) if a != b]
        shortest = 5 if len(form) > 1 else 6  # one slip in "limited" or in "joint stock company"
        if (
            differing
            and len(differing) <= max(1, len(form) // 2)
            and all(min(len(a), len(b)) >= shortest and OSA.distance(a, b) == 1 for a, b in differing)
        ):
            return True
    return False


def _merge_compounds(tokens: list[Token]) -> list[Token]:
    """Fuse "Abdul Rahman" / "Abd al-Rahman" / "Abdulrahman" into one token."""
    compounds = tables.compounds()
    particles = tables.particles()
    out: list[Token] = []
    index = 0
    while index < len(tokens):
        token = tokens[index]
        canonical = compounds.get(token.text)
        if canonical:
            follow = index + 1
            while follow < len(tokens) - 1 and tokens[follow].text in particles:
                follow += 1
            if follow < len(tokens) and tokens[follow].text not in particles:
                nxt = tokens[follow]
                # The keys are the prefix's then the name's: fusing the letters first
                # would invent digraphs ("abd" + "halim" is not "a-b-dh-alim").
                prefix_key = skeleton(canonical)
                joined_keys = tuple(dict.fromkeys(prefix_key + key for key in nxt.keys if not key.startswith("=")))
                fused = _make_token(
                    canonical + nxt.text,
                    f"{token.original} {nxt.original}",
                    abjad=token.abjad or nxt.abjad,
                    script=nxt.script,
                    skeletons=joined_keys,
                )
                # "Abdul R.": the compound name cut to its prefix and an initial is an initial of
                # the compound ("abdr" stands for Abd al-Rahman, Abdul Reza), not a name of its own.
                out.append(replace(fused, initial=True) if nxt.initial else fused)
                index = follow + 1
                continue
        elif token.text.startswith(_PREFIX_STARTS) and not token.abjad:
            for prefix, canonical in tables.compound_prefixes():
                if token.text.startswith(prefix) and len(token.text) - len(prefix) >= 3 and len(prefix) >= 3:
                    rest = token.text[len(prefix) :]
                    if rest.startswith("al") and len(rest) > 5:
                        rest = rest[2:]
                    if canonical + rest != token.text:
                        prefix_key = skeleton(canonical)
                        rest_keys = [skeleton(rest), final_h_key(rest), split_digraph_key(rest)]
                        skeletons = tuple(dict.fromkeys(prefix_key + key for key in rest_keys if key))
                        out.append(_make_token(canonical + rest, token.original, script=token.script, skeletons=skeletons))
                        break
            else:
                out.append(token)
            index += 1
            continue
        out.append(token)
        index += 1
    return out


_PREFIX_STARTS = ("ab",)  # every fused prefix in compounds.txt starts so; a cheap pre-check


def reading(schema: Schema | None) -> Schema | None:
    """The schema whose rules a name of `schema` is read by: schemas read alike share one.

    Companies are read as organisations and aircraft as vessels (the rules below
    tell only people, organisations, craft and the unknown apart). LegalEntity,
    FtM's parent of people and organisations, is what lists use for rows of unknown
    type, so such a name is read as one of unknown type (titles and legal forms
    stripped cautiously), the reading `compare` gives two names without a schema.
    A screen reads its query once per reading, not once per schema it meets.
    """
    if schema == Schema.LEGAL_ENTITY:
        return None
    if schema in ORG_SCHEMAS:
        return Schema.ORGANIZATION
    if schema in CRAFT_SCHEMAS:
        return Schema.VESSEL
    return schema


def analyze_name(text: str, schema: Schema | None = None) -> AnalyzedName:
    """Tokens of a name, with what was removed and any evasion that was folded.

    `schema` (None: unknown) decides which rules apply: legal forms are stripped
    from organisations, titles from people, numerals read in craft names.
    """
    return _analyze_name(text, reading(schema))


# Analysed names kept: list names shown in hits and the gap report's repeated reads of one name come back soon; a
# batch's distinct customer names never do, and at 100,000 their analyses alone held 140 MB of a long-running process.
ANALYSES_KEPT = 30_000


@lru_cache(maxsize=ANALYSES_KEPT)
def _analyze_name(text: str, schema: Schema | None) -> AnalyzedName:
    """analyze_name under one reading; the cache is keyed on the reading (a Schema
    member hashes and compares like its plain string, so "Person" and Schema.PERSON
    share one entry)."""
    original = text
    digits_as_letters = schema not in CRAFT_SCHEMAS
    person = schema == Schema.PERSON
    removed: list[tuple[str, str]] = []
    places: dict[str, str] = {}
    if schema is None or schema in ORG_SCHEMAS:
        text = _drop_acronyms(text, removed)
        places = _bracketed_places(text)
    if not person and "-" in text:
        text = _drop_ezafe(text, removed)
    joined: set[str] = set()
    words, evasion, hyphens = _raw_words(text, digits_as_letters, join_acronyms=not person, joined=joined)
    honorifics = tables.honorifics()
    abjad_honorifics = tables.abjad_honorifics()
    particles = tables.particles()
    abbreviations = tables.abbreviations()
    tokens: list[Token] = []
    scripts: set[str] = set()
    raw_texts: dict[int, str] = {}
    for word, hyphen in zip(words, hyphens):
        for part in transliterate_word(word):
            scripts.add(part.script)
            latin = part.latin
            if not latin:
                continue
            latin = abbreviations.get(latin, latin)
            # A Chinese or Korean syllable carries its spellings as "~" keys: it matches those and nothing else.
            spelled = tuple("~" + text for text in (latin, *part.variants)) if part.script == "cjk" else ()
            if part.han:
                spelled += (HAN_KEY + part.han,)
            token = _make_token(
                latin, word, abjad=part.abjad, variants=part.variants, script=part.script, skeletons=part.skeletons, extra_keys=spelled
            )
            if part.abjad and part.raw != latin:
                token = replace(token, original=word)
                raw_texts[id(token)] = part.raw
            if hyphen:
                token = replace(token, hyphen=hyphen)
            if joined and latin in joined:
                token = as_letters(token)
            tokens.append(token)
    if not person:
        tokens = _read_numbers(tokens)
        if schema in CRAFT_SCHEMAS and len(tokens) >= 2 and tokens[-1].text in _ROMAN_DIGITS:
            # "HAPPINESS I" is the first ship of the name: a lone final I, V or X is a numeral.
            last = tokens[-1]
            tokens[-1] = _make_token(_ROMAN_DIGITS[last.text], last.original, script=last.script)
    kept: list[Token] = []
    for position, token in enumerate(tokens):
        title = raw_texts.get(id(token), token.text) in abjad_honorifics if token.abjad else token.text in honorifics and token.script != "cjk"
        if title and position and _article_of(tokens[position - 1].text, token.text):
            title = False  # al-Sayyed, el-Cheikh, as-Sayed: with the article it is a family name
        if (person or schema is None) and title and len(tokens) > 1:
            removed.append((token.original, "title"))
            continue
        kept.append(token)
    if person:
        # "Nikolai KLEYN, Jr.": a generational suffix or a degree closing a person's name is no part of it. Left in, it
        # was a query word the list name lacks, charged in the retrieval estimate, which then missed Nikolaj KLEJN (0.71).
        # The word as written, as the table writes it (мл. is "ml" once transliterated).
        while len(kept) > 2 and (is_name_suffix(kept[-1].text) or is_name_suffix(kept[-1].original)):
            removed.append((kept[-1].original, "suffix"))
            kept.pop()
    if schema in ORG_SCHEMAS or schema is None:
        forms_before = len(removed)
        # A bracketed place leaves the legal form at the end of the name for stripping ("IKS Joint Stock Company
        # (Schweiz)", "KGI International Company (Middle East) Ltd"): its words are set aside and put back last.
        # Organisations only: a name of unknown type may be a person's ("Chen Pao (Taiwan)"), whose words stay put.
        kept, aside = _set_aside_places(kept, places) if schema in ORG_SCHEMAS else (kept, [])
        kept = _split_fused_forms(kept, strict=schema is None)
        kept = _strip_legal_forms(kept, removed, strict=schema is None) + aside
        dotted = _dotted_generic(original) if "." in original else frozenset()
        kept = _mark_generic(kept, schema, stripped_form=len(removed) > forms_before, places=places, dotted=dotted)
    kept = _merge_compounds(kept)
    final: list[Token] = []
    filiation = False
    # A particle introduces the word after it; a person's name ending in one has nothing for it to introduce, and the
    # word is a name: the Korean surname An ("Jong Hyok An", "An Myong Hun" inverted), the Vietnamese An, Van, Le
    # ("Nguyen Van An" was read as "Nguyen" alone). Not a filiation connector ("Salman Mohammed bin", jumbled) or an
    # article no one is named (a line cut short after "Al").
    person_like = person or schema is None
    fusable = tables.fused_particles()
    standing = ""  # the fusable particles just passed ("van der" → "vander")
    final_position = len(kept) - 1
    for position, token in enumerate(kept):
        if (
            token.text in particles
            and len(kept) > 1
            and not (token.text == "ben" and position == 0)
            and token.script != "cjk"
            and not (person_like and (position == final_position and token.text not in _NEVER_LAST_WORDS or _not_an_article(token, kept, position)))
        ):
            # A connector orders the name only between two name parts: "bin Laden" opens with the father's
            # name, and a jumbled "Salman Mohammed bin" ends with a connector that introduces no one.
            filiation |= token.text in _FILIATION and bool(final) and position < final_position
            removed.append((token.original, "particle"))
            standing = standing + token.text if token.text in fusable else ""
            continue
        if standing and token.script == "latin" and not (token.initial or token.number or token.generic):
            token = with_particles(token, standing)
        standing = ""
        final.append(token)
    if not final:
        final = kept or tokens
        removed = [item for item in removed if item[1] != "particle"]
    final = _read_as_chinese(final)
    return AnalyzedName(
        original=original,
        tokens=tuple(final),
        removed=tuple(removed),
        evasion=tuple(evasion),
        scripts=frozenset(scripts),
        inverted="," in text,
        surname_first=_surname_first(text),
        filiation=filiation,
    )


def _read_numbers(tokens: list[Token]) -> list[Token]:
    if not any(token.text.isalnum() for token in tokens):
        return tokens
    rewritten = read_numbers([token.text for token in tokens])
    if all(text == token.text for (text, _), token in zip(rewritten, tokens)) and len(rewritten) == len(tokens):
        return tokens
    out: list[Token] = []
    index = 0
    for text, covered in rewritten:
        source = tokens[index : index + covered]
        index += covered
        if covered == 1 and text == source[0].text:
            out.append(source[0])
        else:
            out.append(_make_token(text, " ".join(t.original for t in source), script=source[0].script))
    return out


_CHINESE_SPELLING = re.compile(r"^(?:x|q|zh|hs|ts|tz)|(?:ih|ien|ueh)$")


def _read_as_chinese(tokens: list[Token]) -> list[Token]:
    """Give each word its pinyin readings ("^jin.ping") when the whole name reads as romanised Chinese.

    "Hsi Chin-ping" (Wade-Giles) and "Xi Jinping" (pinyin) share no letters the
    matcher could bridge, but every word of both splits into Chinese syllables
    whose readings agree. Only a name shaped like a Chinese one, all of whose
    words so split, is read this way: "Vladimir Putin" and "Mani Jafari" never
    are, and "Anna Li" gains keys it can only share with another spelling of the
    same syllables.
    """
    if not 2 <= len(tokens) <= 3 or any(token.script != "latin" or token.initial or token.number or token.generic for token in tokens):
        return tokens
    readings: list[tuple[str, ...]] = []
    for token in tokens:
        read = chinese_readings(token.text)
        if not read:
            return tokens
        readings.append(read)
    # A Chinese name has two or three words of one or two syllables, its surname one syllable:
    # "Ali Reza" (a.li re.za) has no one-syllable word and is read as Latin only.
    if not any("." not in reading for read in readings for reading in read):
        return tokens
    # And something only a Chinese romanisation writes: three syllables written apart ("Chang Ko-ping"), a word
    # of two syllables ("Jinping", "Zedong") or a pinyin or Wade-Giles spelling ("Xi", "Hsi", "Tse", "Chien",
    # "Shih"). Without it "Dan Lee" would read as "Tan Li" (Wade-Giles t is pinyin d): two people would meet.
    if (
        len(tokens) < 3
        and not any(all("." in reading for reading in read) for read in readings)
        and not any(_CHINESE_SPELLING.search(token.text) for token in tokens)
    ):
        return tokens
    out: list[Token] = []
    for token, read in zip(tokens, readings):
        keys = tuple(dict.fromkeys((*token.keys, *("^" + reading for reading in read))))
        out.append(_changed(token, keys=keys))
    return out
