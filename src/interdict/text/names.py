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
from dataclasses import dataclass, field, replace
from functools import lru_cache

from rapidfuzz.distance import OSA

from ..model import CRAFT_SCHEMAS, Schema
from ..model import ORG_SCHEMAS as ORG_SCHEMAS  # re-exported only for workflows/freetext.py until it imports from model
from . import tables
from .normalize import fold_evasion
from .numbers import read_numbers
from .skeleton import final_h_key, skeleton, split_digraph_key, vowel_skeleton
from .translit import transliterate_word

_APOSTROPHES = re.compile(r"[\'\u2019\u2018\u02bc\u02bb\u02bf\u02be`\u00b4\u02b9\u02ca]")
_ASCII_SPLIT = re.compile(r"[^A-Za-z0-9]+")
_DOTTED_ACRONYM = re.compile(r"\b((?:[A-Za-z]\.){2,}[A-Za-z]?)")
_ROMAN_DIGITS = {"i": "1", "v": "5", "x": "10"}
_FILIATION = frozenset({"bin", "ibn", "ben", "bint", "binti", "ould"})


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
    sig: str = ""  # text and keys in one string: a cheap, cached hash for memo tables


@dataclass(frozen=True)
class AnalyzedName:
    original: str
    tokens: tuple[Token, ...]
    removed: tuple[tuple[str, str], ...] = ()  # (word, why): honorific, particle, legal form
    evasion: tuple[str, ...] = ()
    scripts: frozenset[str] = field(default_factory=frozenset)
    inverted: bool = False  # written "LAST, First"
    filiation: bool = False  # carries bin/ibn/ben: the order of the parts means something

    @property
    def text(self) -> str:
        return " ".join(token.text for token in self.tokens)


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
        for alternative in (final_h_key(text), split_digraph_key(text)):
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
        initial=len(text) == 1 and text.isalpha(),
        number=text.isdigit(),
        script=script,
        vskel="" if abjad else vowel_skeleton(text),
        sig="\x1f".join((text, script, *keys)),
    )


# The matcher builds tokens for fused and split words the same way the analyser does.
make_token = _make_token


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


def _raw_words(text: str, digits_as_letters: bool, join_acronyms: bool) -> tuple[list[str], list[str]]:
    folded = fold_evasion(text, digits_as_letters=digits_as_letters)
    cleaned = _APOSTROPHES.sub("", folded.text)
    if join_acronyms and "." in cleaned:
        # "A.B.C." and "L.L.C." are one word, not three initials.
        cleaned = _DOTTED_ACRONYM.sub(lambda match: match.group(1).replace(".", ""), cleaned)
    return _split_words(cleaned), folded.evasion


def _strip_legal_forms(tokens: list[Token], removed: list[tuple[str, str]], strict: bool) -> list[Token]:
    """Remove legal forms at either end of an organisation name ("OOO X", "X Co., Ltd.")."""
    forms, longest = tables.legal_form_set()
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
                out.append(
                    _make_token(
                        canonical + nxt.text,
                        f"{token.original} {nxt.original}",
                        abjad=token.abjad or nxt.abjad,
                        script=nxt.script,
                        skeletons=joined_keys,
                    )
                )
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


@lru_cache(maxsize=100_000)
def analyze_name(text: str, schema: Schema | None = None) -> AnalyzedName:
    """Tokens of a name, with what was removed and any evasion that was folded.

    `schema` (None: unknown) decides which rules apply: legal forms are stripped
    from organisations, titles from people, numerals read in craft names. The
    cache is keyed on it as given; a Schema member hashes and compares like its
    plain string, so "Person" and Schema.PERSON share one entry.
    """
    if schema == Schema.LEGAL_ENTITY:
        # FtM's parent of people and organisations: lists use it for rows of unknown type,
        # so such a name is read as one of unknown type (titles and legal forms stripped
        # cautiously), the same reading `compare` gives two names without a schema.
        schema = None
    digits_as_letters = schema not in CRAFT_SCHEMAS
    person = schema == Schema.PERSON
    words, evasion = _raw_words(text, digits_as_letters, join_acronyms=not person)
    honorifics = tables.honorifics()
    abjad_honorifics = tables.abjad_honorifics()
    particles = tables.particles()
    abbreviations = tables.abbreviations()
    removed: list[tuple[str, str]] = []
    tokens: list[Token] = []
    scripts: set[str] = set()
    raw_texts: dict[int, str] = {}
    for word in words:
        for part in transliterate_word(word):
            scripts.add(part.script)
            latin = part.latin
            if not latin:
                continue
            latin = abbreviations.get(latin, latin)
            token = _make_token(latin, word, abjad=part.abjad, variants=part.variants, script=part.script, skeletons=part.skeletons)
            if part.abjad and part.raw != latin:
                token = replace(token, original=word)
                raw_texts[id(token)] = part.raw
            tokens.append(token)
    if not person:
        tokens = _read_numbers(tokens)
        if schema in CRAFT_SCHEMAS and len(tokens) >= 2 and tokens[-1].text in _ROMAN_DIGITS:
            # "HAPPINESS I" is the first ship of the name: a lone final I, V or X is a numeral.
            last = tokens[-1]
            tokens[-1] = _make_token(_ROMAN_DIGITS[last.text], last.original, script=last.script)
    kept: list[Token] = []
    for position, token in enumerate(tokens):
        title = raw_texts.get(id(token), token.text) in abjad_honorifics if token.abjad else token.text in honorifics
        if title and position and tokens[position - 1].text in ("al", "el"):
            title = False  # al-Sayyed, el-Cheikh: with the article it is a family name
        if (person or schema is None) and title and len(tokens) > 1:
            removed.append((token.original, "title"))
            continue
        kept.append(token)
    if schema in ORG_SCHEMAS or schema is None:
        kept = _strip_legal_forms(kept, removed, strict=schema is None)
    kept = _merge_compounds(kept)
    final: list[Token] = []
    filiation = False
    for position, token in enumerate(kept):
        if token.text in particles and len(kept) > 1 and not (token.text == "ben" and position == 0):
            filiation |= token.text in _FILIATION
            removed.append((token.original, "particle"))
            continue
        final.append(token)
    if not final:
        final = kept or tokens
        removed = [item for item in removed if item[1] != "particle"]
    return AnalyzedName(
        original=text,
        tokens=tuple(final),
        removed=tuple(removed),
        evasion=tuple(evasion),
        scripts=frozenset(scripts),
        inverted="," in text,
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
