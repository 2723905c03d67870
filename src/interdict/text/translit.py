"""Transliterate one word of any script to lower-case Latin.

Arabic script (Arabic, Persian, Urdu, Pashto) and Hebrew are abjads: short
vowels are not written, so "محمد" becomes "mhmd", not "mohammad". Such words
are flagged `abjad` and compared by consonant skeleton only. Letters that
different languages romanise differently (ض: Arabic "d", Persian "z") yield
alternative spellings, all of which the matcher tries.

Persian needs its own care: ZWNJ (the half-space inside "خامنه‌ای") marks a
morpheme boundary where a final ه is a silent vowel, and ی ک گ چ ژ پ are
Persian letters absent from Arabic tables.

Other scripts (CJK, kana, Hangul, Georgian, Armenian...) go through anyascii.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from itertools import groupby, product

from anyascii import anyascii

from . import tables
from .normalize import ZWNJ
from .scripts import is_han, script_of
from .skeleton import skeleton

MAX_VARIANTS = 4

_ARABIC_MARKS = {chr(code) for code in range(0x064B, 0x0660)} | {"\u0670", "\u0640", "\u06e1", "\u06ed"}
_ARABIC_DIGITS = {chr(0x0660 + i): str(i) for i in range(10)} | {chr(0x06F0 + i): str(i) for i in range(10)}
_WAW = "و"
_YEH = {"ی", "ي", "ى", "ې", "ۍ", "ئ"}
_HEH = {"ه", "ہ", "ھ"}


@dataclass(frozen=True)
class Word:
    latin: str  # lower-case ASCII letters/digits
    script: str
    abjad: bool = False
    variants: tuple[str, ...] = ()  # alternative romanisations (abjad words, Hangul)
    raw: str = ""  # abjad words with ayn and hamza kept as "'": سعید is s'id, not the title sid
    skeletons: tuple[str, ...] = ()  # abjad words: letter-by-letter skeletons of every reading
    han: str = ""  # a Han character's syllable: the character its variant class is read as (陳 → 陈); two names in Han compare these


def _arabic_morpheme(morpheme: str) -> list[tuple[str, ...]]:
    """Per-letter options for one ZWNJ-delimited piece of an Arabic-script word."""
    table = tables.arabic()
    initials = tables.arabic_initials()  # a foreign name's p and v, written ب and ف
    letters = [char for char in morpheme if char not in _ARABIC_MARKS]
    out: list[tuple[str, ...]] = []
    last = len(letters) - 1
    for index, char in enumerate(letters):
        if index == 0 and char == "ع":
            out.append(("a",))  # a word-initial ayn carries the vowel: علی Ali, عبد Abd
        elif index == 0 and char in initials:
            out.append((table[char][0], initials[char]))
        elif char in _ARABIC_DIGITS:
            out.append((_ARABIC_DIGITS[char],))
        elif char == _WAW:
            # Initial و is a consonant; inside a word it is a vowel in Arabic
            # (Mahmoud) and often a v in Persian (Mortazavi, Javad).
            out.append(("v", "w") if index == 0 else ("u", "v") if 0 < index < last else ("u",))
        elif char in _YEH:
            if index == 0:
                out.append(("y",))
            elif char == "ى" and index == last:
                out.append(("a",))
            else:
                out.append(("i",))
        elif char in _HEH:
            out.append(("e",) if index == last and index > 0 else ("h",))
        elif char in table:
            out.append(table[char])
        else:
            out.append((anyascii(char).lower(),))
    return out


# Prefixes written joined to the name they introduce: عبدالرحمن is عبد + ال + رحمن.
_ABD, _ABU, _ARTICLE = "عبد", "ابو", "ال"


def _arabic_parts(word: str) -> list[str]:
    """Split joined prefixes off an Arabic-script word: Abd, Abu, the article al-.

    Each part is then read on its own, so its first letter gets word-initial
    rules and its skeleton never fuses with the prefix's letters (the article's
    lam and the lam of لطيف stay two letters).
    """
    letters = "".join(char for char in word if char not in _ARABIC_MARKS)
    parts: list[str] = []
    for prefix, rest_at_least in ((_ABD, 2), (_ABU, 3)):
        if letters.startswith(prefix) and len(letters) - len(prefix) >= rest_at_least:
            parts.append(prefix)
            letters = letters[len(prefix) :]
            break
    if letters.startswith(_ARTICLE) and len(letters) - 2 >= 3:
        parts.append(_ARTICLE)
        letters = letters[2:]
    parts.append(letters)
    return parts


def _arabic(word: str) -> list[Word]:
    parts = _arabic_parts(word)
    words: list[Word] = []
    for position, part in enumerate(parts):
        options: list[tuple[str, ...]] = []
        for morpheme in part.split(ZWNJ):
            options.extend(_arabic_morpheme(morpheme))
        read = _abjad_word(options, "arabic")
        if position == len(parts) - 1 and position > 0 and parts[position - 1] == _ARTICLE and len(part) == 3:
            # A short word may begin with those letters instead (الهام, Elham): keep the whole reading too.
            whole: list[tuple[str, ...]] = []
            for morpheme in (_ARTICLE + part).split(ZWNJ):
                whole.extend(_arabic_morpheme(morpheme))
            extra = _abjad_word(whole, "arabic").skeletons
            read = Word(read.latin, read.script, True, read.variants, read.raw, tuple(dict.fromkeys(read.skeletons + extra)))
        words.append(read)
    return words


def _abjad_word(options: list[tuple[str, ...]], script: str) -> Word:
    """An abjad word from its per-letter options, with letter-by-letter skeletons.

    Each letter is one sound even when its romanisation has two letters (خ kh,
    ش sh): skeletons are built letter by letter so that adjacent letters such
    as ت ز in مرتضوی (Mortazavi) never fuse into the digraph "tz".
    """
    raw = "".join(choice[0] for choice in options)
    primary = raw.replace("'", "")
    skeletons: list[str] = []
    variants: list[str] = []
    for count, combo in enumerate(product(*options)):
        if count > MAX_VARIANTS:
            break
        spelled = "".join(combo).replace("'", "")
        if spelled != primary and spelled not in variants:
            variants.append(spelled)
        key = letter_skeleton(combo)
        if key not in skeletons:
            skeletons.append(key)
    # A compound written whole keeps its article: نورالدین is Nur-al-Din, and
    # Latin lists write it Nooruddin or Nureddin, without the l.
    articles = [i for i in range(2, len(options) - 2) if options[i] == ("a",) and options[i + 1] == ("l",)]
    if articles:
        bare = letter_skeleton(tuple(choice[0] for i, choice in enumerate(options) if i - 1 not in articles))
        if bare not in skeletons:
            skeletons.append(bare)
    return Word(latin=primary, script=script, abjad=True, variants=tuple(variants), raw=raw, skeletons=tuple(skeletons))


def letter_skeleton(letters: tuple[str, ...] | list[str]) -> str:
    """Skeleton of an abjad word from the romanisation of each of its letters."""
    out: list[str] = []
    previous = ""
    for index, letter in enumerate(letters):
        letter = letter.replace("'", "")
        if not letter:
            continue
        piece = skeleton(letter) if index == 0 else skeleton("a" + letter)
        if piece and piece != previous:
            out.append(piece)
        previous = piece  # a vowel letter between two r's keeps both: شهریاری shahriyari
    return "".join(out)


def _hebrew(word: str) -> Word:
    table = tables.hebrew()
    letters = [table.get(char, (anyascii(char).lower(),)) for char in word if not unicodedata.combining(char)]
    return _abjad_word(letters, "hebrew")


def _table_word(word: str, table: dict[str, str], script: str) -> Word:
    out = []
    for char in word.lower():
        if char in table:
            out.append(table[char])
        elif unicodedata.combining(char):
            continue
        else:
            out.append(anyascii(char).lower())
    return Word(latin=_ascii("".join(out)), script=script)


def _ascii(text: str) -> str:
    return "".join(char for char in anyascii(text).lower() if char.isalnum())


def dominant_script(word: str) -> str:
    counts: dict[str, int] = {}
    for char in word:
        script = script_of(char)
        if script != "common":
            counts[script] = counts.get(script, 0) + 1
    if not counts:
        return "common"
    return max(counts.items(), key=lambda item: item[1])[0]


def transliterate_word(word: str) -> list[Word]:
    """One word → one or more Latin words (CJK words split into syllable tokens)."""
    if word.isascii():
        return [Word(latin="".join(char for char in word.lower() if char.isalnum()), script="latin")]
    script = dominant_script(word)
    if script == "arabic":
        return _arabic(word)
    if script == "cyrillic":
        cyrillic = _table_word(word, tables.cyrillic(), "cyrillic")
        if "г" in word.lower():
            # Belarusian and Ukrainian г is h: Сяргей is Siarhei, not Siargei.
            return [Word(latin=cyrillic.latin, script="cyrillic", variants=(cyrillic.latin.replace("g", "h"),))]
        return [cyrillic]
    if script == "greek":
        decomposed = unicodedata.normalize("NFD", word)
        return [_table_word(decomposed, tables.greek(), "greek")]
    if script == "hebrew":
        return [_hebrew(word)]
    if script == "cjk":
        hangul = any(0xAC00 <= ord(char) <= 0xD7AF for char in word)
        han = not hangul and any(is_han(char) for char in word)
        system = "korean" if hangul else "chinese" if han else ""
        # Kana is read by sound and matched like Latin ("baraku" / "Barack"); Han and Hangul
        # syllables are whole units, matched through their romanisations only ("cjk").
        kind = "cjk" if system else "kana"
        if not han:
            return [Word(latin=part, script=kind, variants=romanisations(part, system)) for part in _syllables(anyascii(word))]
        # A Han character is one syllable, read alike by many characters (王 and 汪 are both "wang"): each keeps its
        # character (its variant class's, 陳 → 陈), so that two names written in Han compare characters, not readings.
        canonical = tables.han_canonical()
        words: list[Word] = []
        for in_han, run in groupby(word, key=is_han):
            if not in_han:
                # Kana between Han characters ("山田さくら"): read by sound, as kana written alone is.
                words.extend(Word(latin=spelled, script="kana") for spelled in [_ascii("".join(run))] if spelled)
                continue
            for char in run:
                folded = canonical.get(char, char)
                readings = _syllables(anyascii(char))
                # The class's own character may read otherwise (縝 chen, 缜 zhen): both readings are its spellings.
                other = [spelled for spelled in _syllables(anyascii(folded)) if spelled not in readings] if folded != char else []
                words.extend(
                    Word(latin=part, script=kind, variants=tuple(dict.fromkeys((*romanisations(part, system), *other))), han=folded) for part in readings
                )
        return words
    return [Word(latin=_ascii(word), script="latin" if script in ("latin", "common") else script)]


def _syllables(spelled: str) -> list[str]:
    """anyascii's spelling split at its capitals, lower-cased: it capitalises each syllable of Han and Hangul ("GimJeongEun")."""
    parts, current = [], ""
    for char in spelled:
        if char.isupper() and current:
            parts.append(current.lower())
            current = ""
        if char.isalnum():
            current += char
    if current:
        parts.append(current.lower())
    return parts


MAX_ROMANISATIONS = 48  # a syllable has a handful of real spellings; the cap bounds rule combinations


@lru_cache(maxsize=20_000)
def romanisations(syllable: str, system: str) -> tuple[str, ...]:
    """Other spellings of one Chinese or Korean syllable (anyascii writes pinyin and Revised Romanisation).

    Every combination of the system's rules (data/romanisation.tsv), then the
    spellings listed for the syllable and for each rewritten form: 전 jeon →
    jon, chon, jun, chun; 김 gim → kim; 张 zhang → chang, cheung.
    """
    if not system:
        return ()
    rules, spellings = tables.romanisation()
    forms = {syllable}
    # An initial is rewritten once, from the syllable as written (zh → ch, never zh → ch → tsh).
    initials = [(source, targets) for where, source, targets in rules.get(system, ()) if where == "initial" and syllable.startswith(source)]
    longest = max((len(source) for source, _ in initials), default=0)
    for source, targets in initials:
        if len(source) == longest:  # zh is one initial, not z + h
            forms.update(target + syllable[len(source) :] for target in targets)
    for where, source, targets in rules.get(system, ()):
        grown = set(forms)
        for form in forms:
            for target in targets:
                if where == "initial":
                    continue
                if where == "final" and form.endswith(source):
                    grown.add(form[: -len(source)] + target)
                elif where == "any" and source in form:
                    grown.add(form.replace(source, target))
        forms = grown if len(grown) <= MAX_ROMANISATIONS else forms
    listed = spellings.get(system, {})
    for form in list(forms):
        forms.update(listed.get(form, ()))
    forms.discard(syllable)
    return tuple(sorted(forms))


MAX_SYLLABLES = 2  # syllables of one word of a Chinese name: "Jinping", "Zedong"; "Jafari" (three) is read as Latin
MAX_READINGS = 16  # readings of one Latin word as Chinese syllables; a word with more is too ambiguous to read so
_LONGEST_SPELLING = 7  # "chuang", "hsiung": no spelling of one syllable is longer
_VOWELS = frozenset("aeiouy")


@lru_cache(maxsize=1)
def _syllable_spellings() -> dict[str, frozenset[str]]:
    """Every Latin spelling of a Mandarin syllable → the pinyin syllables it can write ("chin" → jin, qin)."""
    spelled: dict[str, set[str]] = {}
    for syllable in tables.pinyin_syllables():
        if _VOWELS.isdisjoint(syllable):
            continue  # "m", "ng": interjections and Cantonese readings, no syllable of a Mandarin name
        for form in (syllable, *romanisations(syllable, "chinese")):
            # A spelling writes a vowel ("ng" for wu is Cantonese) and more than one letter unless it is the
            # pinyin itself ("i" for yi would split every word with an i).
            if len(form) <= _LONGEST_SPELLING and not _VOWELS.isdisjoint(form) and (len(form) > 1 or form == syllable):
                spelled.setdefault(form, set()).add(syllable)
    return {form: frozenset(syllables) for form, syllables in spelled.items()}


@lru_cache(maxsize=50_000)
def chinese_readings(word: str) -> tuple[str, ...]:
    """The pinyin readings ("jin.ping") of a Latin word written wholly in Chinese syllables, else ().

    Wade-Giles, pinyin and the spellings of data/romanisation.tsv all lead to the
    same readings, so "chinping", "jinping" and "chin" + "ping" meet by reading:
    syllables, never letters, decide ("jin" is not "qing"). A word any syllable
    cannot spell ("vladimir") has no reading.
    """
    if not word.isalpha() or not word.isascii():
        return ()
    spellings = _syllable_spellings()
    # readings[k]: the readings of word[:k] (None: word[:k] does not split into syllables)
    readings: list[set[str] | None] = [None] * (len(word) + 1)
    readings[0] = {""}
    for end in range(1, len(word) + 1):
        found: set[str] = set()
        for start in range(max(0, end - _LONGEST_SPELLING), end):
            before = readings[start]
            syllables = spellings.get(word[start:end]) if before else None
            if before and syllables:
                found.update(f"{head}.{syllable}" if head else syllable for head in before for syllable in syllables)
        if len(found) > MAX_READINGS * 4:
            return ()
        readings[end] = found or None
        if not found and end >= _LONGEST_SPELLING and all(reading is None for reading in readings[end - _LONGEST_SPELLING + 1 : end]):
            return ()  # no syllable can span the gap: "vladimir" fails at its "dm"
    # A word of a Chinese name is one syllable (a surname) or two (a given name written joined).
    final = {reading for reading in readings[len(word)] or () if reading.count(".") < MAX_SYLLABLES}
    if not final or len(final) > MAX_READINGS:
        return ()
    return tuple(sorted(final))
