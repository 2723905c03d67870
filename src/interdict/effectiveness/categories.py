"""The variation categories: one row per category (what it tests, which parties it applies to, its generator).

A supervisor's question is "does your screening catch the name when it is written
differently?"; each category is one way of writing it differently. A generator
takes one sampled list entry and returns a variant of one of its names, or a
sentence saying why the category cannot apply to that entry (counted as "not
applicable" in the report, never dropped). Adding a category is one enum value,
one function and one row of `CATEGORIES`.
"""

from __future__ import annotations

import itertools
import random
import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum

from ..model import Entity, NameKind, Schema
from ..text.normalize import fold_evasion
from ..text.scripts import script_of
from ..text.translit import transliterate_word
from . import variants as v


class Category(StrEnum):
    TRANSLITERATION = "transliteration"
    REORDER = "reorder"
    DROPPED_PART = "dropped_part"
    ADDED_PART = "added_part"
    INITIALS = "initials"
    TRUNCATION = "truncation"
    CONCAT_SPLIT = "concat_split"
    HONORIFIC = "honorific"
    DIACRITICS = "diacritics"
    TYPO_1 = "typo_1"
    TYPO_2 = "typo_2"
    HOMOGLYPH = "homoglyph"
    ZERO_WIDTH = "zero_width"
    SCRIPT_CHANGE = "script_change"
    NOISE_WORDS = "noise_words"
    ORG_GENERIC = "org_generic"


class Kind(StrEnum):
    """What a listed party is, for which categories apply (a LegalEntity row is read as an organisation)."""

    PERSON = "person"
    ORGANIZATION = "organization"
    VESSEL = "vessel"
    AIRPLANE = "airplane"


KIND_OF = {
    Schema.PERSON: Kind.PERSON,
    Schema.ORGANIZATION: Kind.ORGANIZATION,
    Schema.COMPANY: Kind.ORGANIZATION,
    Schema.LEGAL_ENTITY: Kind.ORGANIZATION,
    Schema.VESSEL: Kind.VESSEL,
    Schema.AIRPLANE: Kind.AIRPLANE,
}


@dataclass(frozen=True)
class Made:
    """A variant: the name to screen, the listed name it was made from, and how (rule, direction)."""

    name: str
    source: str
    detail: str = ""


@dataclass
class Context:
    """What generators need beyond the entry: surnames other listed people carry, by nationality."""

    surnames: list[tuple[str, str]]  # (surname, entity id), everyone
    surnames_by_country: dict[str, list[tuple[str, str]]]

    @classmethod
    def build(cls, population: Iterable[Entity]) -> Context:
        everyone: list[tuple[str, str]] = []
        by_country: dict[str, list[tuple[str, str]]] = defaultdict(list)
        for entity in population:
            if entity.schema != Schema.PERSON:
                continue
            pair = v.given_surname(entity)
            if not pair or len(pair[1]) < 4:
                continue
            everyone.append((pair[1], entity.id))
            for country in sorted(set(entity.nationalities + entity.citizenships)):
                by_country[country].append((pair[1], entity.id))
        return cls(everyone, dict(by_country))


Outcome = Made | str  # a variant, or why the category does not apply to the entry
Generator = Callable[[Entity, Context, random.Random], Outcome]


def kind_of(entity: Entity) -> Kind:
    return KIND_OF[entity.schema]


def _is_latin(text: str) -> bool:
    scripts = {script_of(char) for char in text if char.isalpha()}
    return scripts == {"latin"}


def latin_names(entity: Entity, min_words: int = 1) -> list[str]:
    """The entry's names in Latin letters a generator may start from: primary names first, then aliases."""
    names = [n for n in entity.names if n.kind in (NameKind.PRIMARY, NameKind.ALIAS) and _is_latin(n.full) and len(n.full.split()) >= min_words]
    primary = [n.full for n in names if n.kind == NameKind.PRIMARY]
    return primary or [n.full for n in names]


def original_names(entity: Entity) -> list[str]:
    """Names the list gives in a script other than Latin (Arabic, Persian, Cyrillic, Chinese, Korean...)."""
    return [n.full for n in entity.names if any(c.isalpha() for c in n.full) and not any(script_of(c) == "latin" for c in n.full if c.isalpha())]


NO_LATIN = "the lists give this entry no name in Latin letters"


def _from_names(names: list[str], rng: random.Random, rewrite: Callable[[str], str | None], none: str, detail: str = "") -> Outcome:
    """The rewrite of one of `names` (tried in a seeded order until one can be rewritten), or `none`."""
    if not names:
        return NO_LATIN
    order = list(names)
    rng.shuffle(order)
    for source in order:
        made = rewrite(source)
        if made and made.strip() and made != source:
            return Made(made, source, detail)
    return none


def _transliteration(entity: Entity, context: Context, rng: random.Random) -> Outcome:
    return _from_names(latin_names(entity), rng, lambda s: v.respell(s, rng), "no respelling rule applies to its names")


def _reorder(entity: Entity, context: Context, rng: random.Random) -> Outcome:
    return _from_names(latin_names(entity, 2), rng, lambda s: v.reorder(s, rng), "it has no name of two or more parts")


def _dropped_part(entity: Entity, context: Context, rng: random.Random) -> Outcome:
    return _from_names(latin_names(entity, 2), rng, v.drop_middle, "it has no name with a middle name to drop")


def _added_part(entity: Entity, context: Context, rng: random.Random) -> Outcome:
    names = [n for n in latin_names(entity, 2) if not any(w.lower() in v.NOT_NAMES | v.SMALL_WORDS for w in re.findall(r"[A-Za-z]+", n))]
    if not names:
        return "it has no plain name of two or more parts"
    own = {w.lower() for n in entity.names for w in re.findall(r"[A-Za-z]+", n.full)}
    pool = [part for country in sorted(set(entity.nationalities + entity.citizenships)) for part in context.surnames_by_country.get(country, ())]
    if len(pool) < 20:
        pool = context.surnames
    candidates = [word for word, owner in pool if owner != entity.id and word.lower() not in own]
    if not candidates:
        return "no other listed person's surname to add"
    source = rng.choice(names)
    word = rng.choice(candidates)
    return Made(v.add_part(source, word, at_end=rng.random() < 0.5), source, f"added {word!r}")


def _initials(entity: Entity, context: Context, rng: random.Random) -> Outcome:
    return _from_names(latin_names(entity, 2), rng, lambda s: v.initials(s, rng), "it has no name with a given name to cut to an initial")


def _truncation(entity: Entity, context: Context, rng: random.Random) -> Outcome:
    return _from_names(latin_names(entity), rng, lambda s: v.truncate(s, rng), "its names are too short to cut (under 12 characters)")


def _concat_split(entity: Entity, context: Context, rng: random.Random) -> Outcome:
    return _from_names(latin_names(entity), rng, lambda s: v.concat_split(s, rng), "no two parts to join and no part of 8+ letters to split")


def _honorific(entity: Entity, context: Context, rng: random.Random) -> Outcome:
    return _from_names(latin_names(entity), rng, lambda s: f"{rng.choice(v.HONORIFICS)} {s.replace(',', '')}", "no name to put a title before")


def _diacritics(entity: Entity, context: Context, rng: random.Random) -> Outcome:
    names = [n.full for n in entity.names if _is_latin(n.full) and v.has_diacritics(n.full)]
    if not names:
        return "none of its names carries diacritics"
    return _from_names(names, rng, v.strip_diacritics, "none of its names carries diacritics")


def _typo(edits: int) -> Generator:
    def generate(entity: Entity, context: Context, rng: random.Random) -> Outcome:
        def rewrite(source: str) -> str | None:
            for _ in range(8):  # a slip can undo itself (a letter replaced by itself): draw again
                made: str | None = source
                for _ in range(edits):
                    made = v.typo(made, rng) if made else None
                if made and v.edit_distance(made.casefold(), source.casefold()) == edits:
                    return made
            return None

        return _from_names(latin_names(entity), rng, rewrite, "its names have no word of 5+ letters to slip in")

    return generate


def _latin_majority(variant: str) -> bool:
    """Each word still mostly Latin: a word swapped mostly to Cyrillic reads as a Cyrillic word (script change), not evasion."""
    for word in variant.split():
        letters = [c for c in word if c.isalpha()]
        if letters and 2 * sum(script_of(c) == "latin" for c in letters) <= len(letters):
            return False
    return True


def _homoglyph(entity: Entity, context: Context, rng: random.Random) -> Outcome:
    def rewrite(source: str) -> str | None:
        for _ in range(8):  # short words: draw again until the look-alikes are a minority of each word
            made = v.homoglyph(source, rng)
            if made is None or _latin_majority(made):
                return made
        return None

    return _from_names(latin_names(entity), rng, rewrite, "its names have no letter with a look-alike, or words too short to hide one in")


def _zero_width(entity: Entity, context: Context, rng: random.Random) -> Outcome:
    return _from_names(latin_names(entity), rng, lambda s: v.zero_width(s, rng) if len(s) > 1 else None, "its names are one letter long")


def _romanise(name: str) -> str:
    """An original-script name in Latin letters by the project's own transliteration (one word per syllable for CJK)."""
    words = [w for part in name.split() for w in transliterate_word(part) if w.latin]
    return " ".join(w.latin.capitalize() for w in words)


def _script_change(entity: Entity, context: Context, rng: random.Random) -> Outcome:
    """Original → Latin (the project's transliteration) for Cyrillic, Greek and CJK names; Latin → the
    original script (the generator's own letters) for Arabic-script names and half the Cyrillic ones."""
    originals = original_names(entity)
    if not originals:
        return "the lists give this entry no name in another script"
    original = rng.choice(originals)
    script = max(("arabic", "cyrillic", "greek", "cjk", "hebrew"), key=lambda s: sum(script_of(c) == s for c in original))
    latin = latin_names(entity)
    if script in ("arabic", "cyrillic") and latin and (script == "arabic" or rng.random() < 0.5):
        source = rng.choice(latin)
        made = v.to_script(source, script)
        if made:
            return Made(made, source, f"Latin → {script}")
    if script == "arabic":
        return "its Latin names have no letters to write in Arabic script"
    made = _romanise(original)
    return Made(made, original, f"{script} → Latin") if made else f"its {script} name has no Latin reading"


def _noise_words(entity: Entity, context: Context, rng: random.Random) -> Outcome:
    kind = kind_of(entity)
    if kind == Kind.AIRPLANE:
        return "aircraft are screened by registration mark, which takes no courtesy or trading words"
    return _from_names(latin_names(entity), rng, lambda s: v.noise_words(s, kind, rng), "no name to add words to")


def _org_generic(entity: Entity, context: Context, rng: random.Random) -> Outcome:
    def rewrite(source: str) -> str | None:
        edits = v.generic_edits(source)
        rules = sorted(edits)
        rng.shuffle(rules)
        for rule in rules:
            options = list(edits[rule])
            rng.shuffle(options)
            for option in options:
                words = [w.lower().strip(".,") for w in option.split()]
                if not any(a == b for a, b in itertools.pairwise(words)):  # "Factories Plant" → "Plant Plant"
                    return option
        return None

    return _from_names(latin_names(entity), rng, rewrite, "its names hold no generic, sector or structural word")


@dataclass(frozen=True)
class CategorySpec:
    category: Category
    label: str
    tests: str  # one line: what a miss in this category means
    kinds: frozenset[Kind]  # the parties it applies to; others count as not applicable
    generate: Generator


PEOPLE = frozenset({Kind.PERSON})
ORGS = frozenset({Kind.ORGANIZATION})
NAMED = frozenset({Kind.PERSON, Kind.ORGANIZATION, Kind.VESSEL})
ALL = frozenset(Kind)

CATEGORIES: tuple[CategorySpec, ...] = (
    CategorySpec(Category.TRANSLITERATION, "Transliteration variants", "another romanisation convention (q/gh, ou/u, e/a, i/ee, w/v, kh/h…)", NAMED, _transliteration),
    CategorySpec(Category.REORDER, "Reordering", "name parts in another order (\"LAST, First\" → \"First Last\", two parts swapped)", PEOPLE, _reorder),
    CategorySpec(Category.DROPPED_PART, "Dropped middle name", "a middle name left out, as forms with two boxes do", PEOPLE, _dropped_part),
    CategorySpec(Category.ADDED_PART, "Added family name", "one more real name part (a father's, family or tribal name other listed people carry)", PEOPLE, _added_part),
    CategorySpec(Category.INITIALS, "Initials", "given names cut to initials, the surname kept", PEOPLE, _initials),
    CategorySpec(Category.TRUNCATION, "Truncation", "a name cut by a fixed-width field (35 characters in payment messages), or its last one to three letters lost", ALL, _truncation),
    CategorySpec(Category.CONCAT_SPLIT, "Concatenation / splitting", "two parts written as one (\"Abdulrahman\") or one split in two", ALL, _concat_split),
    CategorySpec(Category.HONORIFIC, "Titles and honorifics", "a religious, military or academic title before the name (Sayyid, Haji, Gen., Dr.)", PEOPLE, _honorific),
    CategorySpec(Category.DIACRITICS, "Diacritics removed", "accents and special letters written plainly (ş → s, ø → o, ß → ss)", NAMED, _diacritics),
    CategorySpec(Category.TYPO_1, "Typo (1 edit)", "one keyboard slip: a letter inserted, deleted, replaced or two swapped", ALL, _typo(1)),
    CategorySpec(Category.TYPO_2, "Typos (2 edits)", "two keyboard slips in the name's longest word", ALL, _typo(2)),
    CategorySpec(Category.HOMOGLYPH, "Homoglyph evasion", "Latin letters swapped for Cyrillic or Greek look-alikes", ALL, _homoglyph),
    CategorySpec(Category.ZERO_WIDTH, "Zero-width evasion", "invisible zero-width, bidi or soft-hyphen characters hidden in the name", ALL, _zero_width),
    CategorySpec(Category.SCRIPT_CHANGE, "Script change", "the name in its original script for a Latin listing, or romanised from the script the list gives", NAMED, _script_change),
    CategorySpec(Category.NOISE_WORDS, "Noise words", "words around the name: Mr/Mrs, Ltd/LLC/Trading, MV/MT", ALL, _noise_words),
    CategorySpec(Category.ORG_GENERIC, "Organisation generic words", "a generic, sector or structural word in another form (Airlines/Air, Industries/Industrial, Co./Corporation, Group)", ORGS, _org_generic),
)
SPECS = {spec.category: spec for spec in CATEGORIES}


def applies(spec: CategorySpec, entity: Entity) -> str | None:
    """None when the category applies to this kind of party, else why not."""
    kind = kind_of(entity)
    return None if kind in spec.kinds else f"not a test for {kind.value} names"


def make(spec: CategorySpec, entity: Entity, context: Context, rng: random.Random) -> Outcome:
    reason = applies(spec, entity)
    return reason if reason else spec.generate(entity, context, rng)


def folds_to_same(variant: str, source: str) -> bool:
    """The project's evasion folding reads the variant as the source (homoglyph and zero-width variants)."""
    return fold_evasion(variant).text == fold_evasion(source).text
