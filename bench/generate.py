"""Queries generated from the lists themselves: variants that must match, and negatives that must not.

The generator's spelling rules are written independently of the matcher's
tables (different conventions, applied at random) so the benchmark does not
simply replay the matcher's own normalisation. Everything is seeded.

Variant families (each query remembers the entity it came from):
    transliteration  respell with another romanisation convention (q→gh, ou→u, e→a, i→ee, w→v, ...)
    reorder          "LAST, First" ↔ "First Last", or swap two parts
    drop_middle      drop a middle name of a 3+ part name
    honorific        prefix a title (Sayyid, Haji, Dr, Sheikh, Gen.)
    typo             one keyboard slip: insert, delete, substitute or swap letters
    homoglyph        replace Latin letters with Cyrillic/Greek look-alikes
    zero_width       hide zero-width or bidi characters inside the name
    script           the entry's own Arabic, Persian, Cyrillic or CJK name, screened against
                     an index holding only its Latin names
    org_generic      an organisation's generic, sector or structural word in another writer's
                     form (Airlines/Air/Airways/Aviation, Industries/Industrial/Industry,
                     Factories/Factory/Plant, Corporation/Company/Co., Group/Complex,
                     Headquarters/Base, Shipping/Lines/Navigation, Shahid/Shaheed), "Group"
                     added or dropped, "(University) of Technology", or an acronym in brackets
                     ("Iran Electronics Industries (IEI)"); rules taken in turn
    org_generic_typo an organisation's generic word of 7+ letters (Corporation, Company, Industries,
                     International, Shipping, ...) with one keyboard slip (two, half the time, in a
                     word of 10+), the other words as listed: "United Engine Corporatoin"
    added_part       a person's 2-3 part name with one more real part (a surname other listed
                     people carry, of the same nationality where possible) at the end or after
                     the first name, as a father's, family or tribal name
    fused_particle   a person's name particle (da, dos, de la, van der, ...) written fused to the
                     word after it: "Isabel DOSSANTOS", "Paolo DIMAURO", "Edwin Onno VANINGEN"
    org_letters      an organisation name holding letters joined by "&" or "and" ("M&P Trading",
                     "E and I Systems") with them written another way ("MP Trading", "M P Trading",
                     "E & I Systems"), or three or four letters written apart ("N P C
                     International") written together ("NPC International")
    split_three      a long word (nine letters or more) of a person's name written as three words:
                     "Nikolai Plat Ono Vich Patrushev"
    org_place        an organisation's local company: a place in brackets added after its words
                     (before a trailing legal form), "Mahan Air (Hong Kong) Ltd", or a listed
                     name's bracketed place dropped. The places are the generator's own, countries
                     as English and their own languages write them, two-letter codes, and some
                     regions and cities the matcher has no table of ("(Asia)", "(Dubai)")
    passport_form    a person listed with a patronymic ("Vladimir Kazimirovich KRAVCHENKO") as a passport
                     or payment writes them: given name and surname only, with one keyboard slip in the
                     surname ("Vladimir KRVACHENKO"). The patronymic endings are the generator's own

Negatives:
    recombined       a real first name with a real surname that no listed person carries together
    common           frequent names of many cultures, minus any that are listed as such
    recombined_any   a real first name with a real surname of another listed person, dropped only when
                     some listed person's name has them as its given name and surname (in any
                     spelling of one skeleton): the halves may still stand together in a longer
                     listed name ("Ali Salman" beside "Maalim Salman Ali"), as real customers'
                     names do, which `recombined` leaves out
    recombined_cross the same, but the two halves come from different publishers' lists (UN, EU,
                     UK, US, Canada, Australia) and a matching gender: half in Latin letters, a
                     quarter each in Cyrillic and in Arabic script (given name and surname of two
                     original-script names, checked against the entries' Latin spellings too)
    org_letters_only companies named by letters no list name writes ("K&V", "R & T Trading Company"):
                     two letters joined by "&" or "and", alone or with generic words
    cjk              Chinese and Korean names: the surname (first character or syllable) of one
                     listed person's Han or Hangul name with another's given name, minus listed names
    org_generic_only a word no list name holds (not even one letter off) with only generic words:
                     "<word> Trading Company", "<word> Shipping Lines", "<word> Airlines Group"
    org_generic_typo_only  the same with one generic word misspelt as in org_generic_typo ("<word>
                     Tradnig Company"): a slip in a generic word must not turn it into evidence

The word forms, titles, particles, letter tables and templates here are the
generator's own; no word list is read from the matcher's tables
(src/interdict/text/data). The matcher's `skeleton` key is used only to tell
whether a recombined name (or an organisation's distinctive word) is already
listed, as `recombined` always has. The older families draw from the same seeded
generator as before and the newer ones from their own, so adding a family leaves
the other families' queries unchanged.
"""

from __future__ import annotations

import itertools
import random
import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from interdict.effectiveness.variants import (  # the generators the product's effectiveness test shares
    HONORIFICS,
    NOT_NAMES,
    SMALL_WORDS,
)
from interdict.effectiveness.variants import (
    add_part as _add_part,
)
from interdict.effectiveness.variants import (
    drop_middle as _drop_middle,
)
from interdict.effectiveness.variants import (
    generic_edits as _generic_edits,
)
from interdict.effectiveness.variants import (
    given_surname as _given_surname,
)
from interdict.effectiveness.variants import (
    homoglyph as _homoglyph,
)
from interdict.effectiveness.variants import (
    latin_names as _latin_names,
)
from interdict.effectiveness.variants import (
    normal as _normal,
)
from interdict.effectiveness.variants import (
    primary_parts as _primary_parts,
)
from interdict.effectiveness.variants import (
    reorder as _reorder_source,
)
from interdict.effectiveness.variants import (
    respell as _respell,
)
from interdict.effectiveness.variants import (
    typo as _typo,
)
from interdict.effectiveness.variants import (
    zero_width as _zero_width,
)
from interdict.model import Entity
from interdict.text.skeleton import skeleton

COMMON_FIRST = ["John", "Mary", "James", "Maria", "David", "Anna", "Michael", "Elena", "Robert", "Olga", "Jose", "Fatima",
                "Ahmed", "Li", "Wei", "Juan", "Ana", "Peter", "Hans", "Ivan", "Sarah", "Mohammed", "Ali", "Hassan",
                "Chen", "Kumar", "Priya", "Carlos", "Luis", "Sofia", "Emma", "Noah", "Liam", "Olivia", "Aisha", "Omar"]
COMMON_LAST = ["Smith", "Johnson", "Garcia", "Martinez", "Brown", "Muller", "Schmidt", "Rossi", "Kowalski", "Novak",
               "Ivanov", "Petrova", "Wang", "Zhang", "Nguyen", "Kim", "Singh", "Patel", "Silva", "Santos", "Lopez",
               "Hernandez", "Jones", "Williams", "Dubois", "Martin", "Bernard", "Jensen", "Nielsen", "Andersson",
               "Yilmaz", "Kaya", "Tanaka", "Suzuki", "Sato", "Cohen", "Levi", "Khan", "Rahman", "Hossain"]


@dataclass(frozen=True)
class GeneratedQuery:
    family: str
    name: str
    schema: str | None
    source_entity: str | None  # the entity the variant was made from (None for negatives)
    source_name: str | None



def variants(entities: list[Entity], per_family: int, seed: int = 7) -> list[GeneratedQuery]:
    """Up to `per_family` variant queries per family, from people and organisations."""
    rng = random.Random(seed)
    people = [e for e in entities if e.schema == "Person" and _latin_names(e)]
    orgs = [e for e in entities if e.schema in ("Organization", "Company") and _latin_names(e)]
    rng.shuffle(people)
    rng.shuffle(orgs)
    out: list[GeneratedQuery] = []

    def take(family: str, pool: list[Entity], make, limit: int = per_family) -> None:  # type: ignore[no-untyped-def]
        made = 0
        for entity in pool:
            if made >= limit:
                break
            source = rng.choice(_latin_names(entity))
            name = make(entity, source)
            if name and name.strip() and name != source:
                out.append(GeneratedQuery(family, name, entity.schema, entity.id, source))
                made += 1

    mixed = people + orgs
    rng.shuffle(mixed)
    take("transliteration", people, lambda e, s: _respell(s, rng))
    take("reorder", people, lambda e, s: _reorder_source(s, rng))
    take("drop_middle", people, lambda e, s: _drop_middle(s))
    take("honorific", people, lambda e, s: f"{rng.choice(HONORIFICS)} {s.replace(',', '')}")
    take("typo", mixed, lambda e, s: _typo(s, rng))
    take("homoglyph", mixed, lambda e, s: _homoglyph(s, rng))
    take("zero_width", mixed, lambda e, s: _zero_width(s, rng))
    # Script changes come from the lists themselves: an entry's name as published in
    # Arabic, Persian, Cyrillic, Chinese or Korean script is the query, and it must
    # find the entry through its Latin names (quality.py strips the originals from
    # the index it screens these against).
    # People only: an organisation's name in another script is usually a translation
    # ("Агентство социального проектирования" / "Social Design Agency"), not a transliteration.
    scripted = [e for e in people if any(n.kind == "original_script" and not n.full.isascii() for n in e.names)]
    rng.shuffle(scripted)
    made = 0
    for entity in scripted:
        if made >= per_family:
            break
        originals = [n.full for n in entity.names if n.kind == "original_script" and not n.full.isascii()]
        name = rng.choice(originals)
        out.append(GeneratedQuery("script", name, entity.schema, entity.id, _latin_names(entity)[0]))
        made += 1
    # Later families draw from their own generators, so adding one leaves the queries of
    # the families above (and the figures measured on them) as they were.
    listed = {_normal(n.full) for e in entities for n in e.names}
    out += _org_generic(orgs, per_family, random.Random(seed * 1000 + 1), listed)
    out += _added_part(people, per_family, random.Random(seed * 1000 + 2))
    out += _org_generic_typo(orgs, per_family, random.Random(seed * 1000 + 3), listed)
    out += _fused_particle(people, per_family, random.Random(seed * 1000 + 4))
    out += _org_letters(orgs, per_family, random.Random(seed * 1000 + 5))
    out += _split_three(people, per_family, random.Random(seed * 1000 + 6))
    out += _org_place(orgs, per_family, random.Random(seed * 1000 + 7))
    out += _passport_form(people, per_family, random.Random(seed * 1000 + 8))
    return out


# The generator's own patronymic endings (Russian, Ukrainian, Belarusian sons and daughters), not the matcher's table.
_PATRONYMIC_WORD = re.compile(r"[A-Za-z]{3,}(?:ovich|evich|ovych|evych|avich|ovitch|evitch|ovna|evna|ivna|auna)", re.IGNORECASE)


def _passport_form(people: list[Entity], per_family: int, rng: random.Random) -> list[GeneratedQuery]:
    """A person listed as given name, patronymic and surname, written without the patronymic and with one keyboard slip
    in the surname: "Vladimir Kazimirovich KRAVCHENKO" as "Vladimir KRVACHENKO"."""

    def make(entity: Entity) -> GeneratedQuery | None:
        sources = []
        for name in _latin_names(entity):
            words = name.replace(",", " ").split()
            if len(words) != 3 or sum(bool(_PATRONYMIC_WORD.fullmatch(word)) for word in words) != 1:
                continue
            given, patronymic, surname = (words[1], words[2], words[0]) if "," in name else words
            if _PATRONYMIC_WORD.fullmatch(patronymic) and len(surname) >= 5 and surname.isalpha():
                sources.append((name, given, surname))
        if not sources:
            return None
        source, given, surname = rng.choice(sources)
        slipped = _typo(surname, rng)
        if slipped.lower() == surname.lower():
            return None
        return GeneratedQuery("passport_form", f"{given} {slipped}", entity.schema, entity.id, source)

    return _one_per_entity(people, per_family, rng, make)


# Places companies write in brackets after a group's name, the generator's own list: countries in English and as
# they name themselves, codes, and regions and cities (which no country table holds: they measure what is left).
_PLACES = [
    "Hong Kong", "HONG KONG", "Singapore", "Switzerland", "Schweiz", "Suisse", "Deutschland", "Germany", "Cyprus",
    "Malaysia", "China", "Thailand", "Vietnam", "Pakistan", "Kenya", "Austria", "Netherlands", "Nederland", "Italia",
    "Turkey", "India", "Russia", "Ukraine", "UK", "US", "Asia", "Europe", "Middle East", "Dubai", "Shenzhen",
]
_TRAILING_FORM = re.compile(r"(?:,?\s+(?:Ltd\.?|Limited|LLC|L\.L\.C\.|Inc\.?|Co\.,? Ltd\.?|Company Limited|GmbH|AG|S\.A\.|SA|PJSC|JSC|LLP|FZE|FZCO|Pte\.? Ltd\.?|Pvt\.? Ltd\.?))+\.?\s*$", re.IGNORECASE)
_BRACKETED_PLACE = re.compile(r"\s*\((" + "|".join(re.escape(place) for place in _PLACES) + r")\)", re.IGNORECASE)


def _org_place(orgs: list[Entity], per_family: int, rng: random.Random) -> list[GeneratedQuery]:
    """An organisation's name with a place in brackets added before its legal form ("Mahan Air (Hong Kong) Ltd"), or a
    listed name's bracketed place dropped: the group's local company, which must be reviewed."""

    def make(entity: Entity) -> GeneratedQuery | None:
        sources = [name for name in _latin_names(entity) if len(re.findall(r"[A-Za-z]{3,}", name)) >= 2]
        if not sources:
            return None
        source = rng.choice(sources)
        found = _BRACKETED_PLACE.search(source)
        if found:
            name = source[: found.start()] + source[found.end() :]
        else:
            if "(" in source:
                return None
            form = _TRAILING_FORM.search(source)
            cut = form.start() if form else len(source.rstrip())
            name = f"{source[:cut].rstrip(' ,')} ({rng.choice(_PLACES)}){source[cut:]}"
        return GeneratedQuery("org_place", name, entity.schema, entity.id, source)

    return _one_per_entity(orgs, per_family, rng, make)


def _split_three(people: list[Entity], per_family: int, rng: random.Random) -> list[GeneratedQuery]:
    """A long word of a person's name (nine letters or more) written as three words: "Nikolai Plat Ono Vich Patrushev"."""

    def make(entity: Entity) -> GeneratedQuery | None:
        sources = [name for name in _latin_names(entity) if re.search(r"\b[A-Za-z]{9,}\b", name) and len(name.split()) >= 2]
        if not sources:
            return None
        source = rng.choice(sources)
        found = rng.choice(list(re.finditer(r"\b[A-Za-z]{9,}\b", source)))
        word = found.group(0)
        first = rng.randint(3, len(word) - 6)
        second = rng.randint(first + 3, len(word) - 3)
        split = f"{word[:first]} {word[first:second]} {word[second:]}"
        return GeneratedQuery("split_three", source[: found.start()] + split + source[found.end() :], entity.schema, entity.id, source)

    return _one_per_entity(people, per_family, rng, make)


# Letters of an organisation's name joined by "&" or "and" (one or two capitals a group), or three or four
# single capitals written apart ("N P C"; two apart are as often a legal form, "S A", or a person's initials).
_JOINED_LETTERS = re.compile(r"(?<![A-Za-z0-9.])([A-Z]{1,2}(?:\s*&\s*[A-Z]{1,2})+|[A-Z](?:\s+(?:and|AND)\s+[A-Z])+)(?![A-Za-z0-9.])")
_SPACED_LETTERS = re.compile(r"(?<![A-Za-z0-9.])([A-Z](?: [A-Z]){2,3})(?![A-Za-z0-9.])")


def _org_letters(orgs: list[Entity], per_family: int, rng: random.Random) -> list[GeneratedQuery]:
    """Letters of an organisation's name written another way: "M&P" as "MP", "M P", "M and P" or "M & P";
    letters written apart ("N P C") written together."""

    def make(entity: Entity) -> GeneratedQuery | None:
        sources = [name for name in _latin_names(entity) if _JOINED_LETTERS.search(name) or _SPACED_LETTERS.search(name)]
        if not sources:
            return None
        source = rng.choice(sources)
        found = rng.choice(list(_JOINED_LETTERS.finditer(source)) + list(_SPACED_LETTERS.finditer(source)))
        groups = re.split(r"\s*&\s*|\s+(?:and|AND)\s+|\s", found.group(1))
        if _SPACED_LETTERS.fullmatch(found.group(1)):
            written = "".join(groups)
        else:
            forms = ["".join(groups), " ".join(groups), " & ".join(groups), "&".join(groups)]
            if all(len(group) == 1 for group in groups):
                forms.append(" and ".join(groups))
            written = rng.choice([form for form in forms if form != found.group(1)])
        return GeneratedQuery("org_letters", source[: found.start()] + written + source[found.end() :], entity.schema, entity.id, source)

    return _one_per_entity(orgs, per_family, rng, make)


def _one_per_entity(entities: list[Entity], per_family: int, rng: random.Random, make: Callable[[Entity], GeneratedQuery | None]) -> list[GeneratedQuery]:
    """Up to `per_family` queries, one from each entity `make` can rewrite, in an order shuffled by `rng`."""
    pool = list(entities)
    rng.shuffle(pool)
    out: list[GeneratedQuery] = []
    for entity in pool:
        if len(out) >= per_family:
            break
        made = make(entity)
        if made is not None:
            out.append(made)
    return out


# The generator's own name particles (not the matcher's table), longest first: written fused to the
# word after them by other writers ("DOS SANTOS" / "Dossantos", "van der Berg" / "Vanderberg").
PARTICLES = ("van der", "van den", "von der", "de la", "de los", "dos", "das", "del", "van", "von", "de", "da", "di", "du")
_PARTICLE = re.compile(r"\b(" + "|".join(p.replace(" ", r"\s+") for p in PARTICLES) + r")\s+([A-Za-z]{3,})\b", re.IGNORECASE)


def _fused_particle(people: list[Entity], per_family: int, rng: random.Random) -> list[GeneratedQuery]:
    """A person's particle written fused to the word after it: "Isabel DOSSANTOS", "Paolo DIMAURO"."""

    def make(entity: Entity) -> GeneratedQuery | None:
        sources = [name for name in _latin_names(entity) if _PARTICLE.search(name)]
        if not sources:
            return None
        source = rng.choice(sources)
        found = rng.choice(list(_PARTICLE.finditer(source)))
        fused = re.sub(r"\s+", "", found.group(1)) + found.group(2)
        return GeneratedQuery("fused_particle", source[: found.start()] + fused + source[found.end() :], entity.schema, entity.id, source)

    return _one_per_entity(people, per_family, rng, make)


# The generator's own generic words of seven letters or more (not the matcher's table): the words a
# payment clerk misspells in a company name. Shorter ones ("Group", "Lines") are left out: a slip
# in a short word makes another word as often as a misspelling.
GENERIC_LONG = frozenset({
    "corporation", "company", "industries", "industrial", "industry", "factories", "factory", "headquarters",
    "shipping", "navigation", "aviation", "airlines", "airways", "limited", "international", "trading",
    "engineering", "technology", "technologies", "investment", "petrochemical", "construction", "electronics",
    "organization", "institute", "development", "foundation", "commercial", "manufacturing", "logistics",
})


def _slip_generic(name: str, rng: random.Random) -> str | None:
    """The name with one of its long generic words misspelt by one keyboard slip (never its first letter)."""
    words = name.split(" ")
    spots = [i for i, word in enumerate(words) if word.lower().strip(".,()") in GENERIC_LONG]
    if not spots:
        return None
    i = rng.choice(spots)
    core = words[i].strip(".,()")
    slipped = _typo(core, rng)
    if slipped and len(core) >= 10 and rng.random() < 0.5:
        slipped = _typo(slipped, rng)  # a long word often takes two slips ("Corpoartoin")
    if not slipped or slipped.lower() in GENERIC_LONG:
        return None
    words[i] = words[i].replace(core, slipped)
    return " ".join(words)


def _org_generic_typo(entities: list[Entity], per_family: int, rng: random.Random, listed: set[str]) -> list[GeneratedQuery]:
    out: list[GeneratedQuery] = []
    for entity in entities:
        if len(out) >= per_family:
            break
        names = [name for name in _latin_names(entity) if any(w.lower().strip(".,()") in GENERIC_LONG for w in name.split())]
        if not names:
            continue
        source = rng.choice(names)
        made = _slip_generic(source, rng)
        if made and _normal(made) not in listed:
            out.append(GeneratedQuery("org_generic_typo", made, entity.schema, entity.id, source))
    return out


# ---------------------------------------------------------------------------

def _org_generic(entities: list[Entity], per_family: int, rng: random.Random, listed: set[str]) -> list[GeneratedQuery]:
    """Organisation names with one generic word changed, rules taken in turn so each is exercised."""
    buckets: dict[str, list[GeneratedQuery]] = defaultdict(list)
    for entity in entities:
        names = _latin_names(entity)
        rng.shuffle(names)
        for source in names:
            edits = _generic_edits(source)
            if not edits:
                continue
            for rule in sorted(edits):
                options = edits[rule]
                rng.shuffle(options)
                for option in options:
                    words = [w.lower().strip(".,") for w in option.split()]
                    if any(a == b for a, b in itertools.pairwise(words)):
                        continue  # "Factories Plant" → "Plant Plant"
                    if option != source and _normal(option) not in listed:
                        buckets[rule].append(GeneratedQuery("org_generic", option, entity.schema, entity.id, source))
                        break
            break  # one name per entity
    out: list[GeneratedQuery] = []
    used: set[str | None] = set()  # source entities and query names already taken
    rules = sorted(buckets)
    position = dict.fromkeys(rules, 0)
    while len(out) < per_family and rules:
        for rule in list(rules):
            bucket = buckets[rule]
            while position[rule] < len(bucket) and used & {bucket[position[rule]].source_entity, bucket[position[rule]].name}:
                position[rule] += 1
            if position[rule] >= len(bucket):
                rules.remove(rule)
                continue
            query = bucket[position[rule]]
            used |= {query.source_entity, query.name}
            out.append(query)
            if len(out) >= per_family:
                break
    return out


def strip_original_scripts(entities: list[Entity]) -> list[Entity]:
    """The same entities without their non-Latin names, for the script-change family."""
    import msgspec

    stripped = []
    for entity in entities:
        names = [n for n in entity.names if not (n.kind == "original_script" or not n.full.isascii() and n.kind != "primary")]
        stripped.append(msgspec.structs.replace(entity, names=names or entity.names))
    return stripped



# ---------------------------------------------------------------------------
# People: name parts, for the added-part variants and the harder negatives.

# Arabic-script titles and particles, and words that only end a compound ("Abd Allah", "Nur al-Din").
ARABIC_NOT_NAMES = {
    "بن", "ابن", "بنت", "ولد", "ال", "أبو", "ابو", "أبي", "عبد", "آل", "حاجی", "حاجي", "الحاج", "حاج", "ملا", "مولوی", "مولوي",
    "مولانا", "سيد", "سید", "السيد", "شيخ", "شیخ", "الشيخ", "قاری", "قاري", "حافظ", "دكتور", "الدكتور", "د", "الإبن", "الابن",
}
ARABIC_COMPOUND_ENDS = {"الله", "اللہ", "الدين", "الدین", "الرحمن", "الرحمان", "الرحيم", "الحق", "النبي"}
# Russian, Ukrainian, Belarusian, Turkic patronymics.
PATRONYMIC = re.compile(r"(вич|віч|вна|ўна|ична|ьич|оглы|оглу|кызы|қызы|улы)$")
FEMININE_SURNAME = re.compile(r"(ова|ева|ёва|ина|ына|ая|ска|цка)$")
# A plain Cyrillic → Latin letter table, only for telling whether a recombined
# original-script name is listed in Latin letters.
CYRILLIC_LATIN = dict(zip("абвгдеёжзийклмнопрстуфхцчшщъыьэюяіїєґў", [
    "a", "b", "v", "g", "d", "e", "e", "zh", "z", "i", "y", "k", "l", "m", "n", "o", "p", "r", "s", "t", "u", "f", "kh",
    "ts", "ch", "sh", "shch", "", "y", "", "e", "yu", "ya", "i", "yi", "ye", "g", "u"]))


def _script(text: str) -> str | None:
    """The script most of the letters of `text` are written in (LATIN, CYRILLIC, ARABIC, CJK, HANGUL, ...)."""
    counts: dict[str, int] = defaultdict(int)
    for char in text:
        if char.isalpha():
            counts[unicodedata.name(char, "?").split()[0]] += 1
    return max(sorted(counts), key=lambda script: counts[script]) if counts else None


def _publisher(dataset: str) -> str:
    """Who publishes a list: OFAC's lists and the trade.gov CSL (which repeats them) are one source."""
    return dataset.split("_")[0]



def _added_part(people: list[Entity], per_family: int, rng: random.Random) -> list[GeneratedQuery]:
    """A listed "A B" queried as "A B C" or "A C B": C a surname other listed people carry
    (preferably people of the same nationality), as a father's, family or tribal name."""
    everyone: list[tuple[str, str]] = []
    by_country: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for entity in people:
        pair = _given_surname(entity)
        if not pair or len(pair[1]) < 4:
            continue
        everyone.append((pair[1], entity.id))
        for country in sorted(set(entity.nationalities + entity.citizenships)):
            by_country[country].append((pair[1], entity.id))
    out: list[GeneratedQuery] = []
    for entity in people:
        if len(out) >= per_family:
            break
        names = [n for n in _latin_names(entity) if 2 <= len(n.replace(",", " ").split()) <= 3
                 and not any(w.lower() in NOT_NAMES | SMALL_WORDS for w in re.findall(r"[A-Za-z]+", n))]
        if not names:
            continue
        source = rng.choice(names)
        own = {skeleton(w.lower()) for n in entity.names for w in re.findall(r"[A-Za-z]+", n.full)}
        pool = [part for country in sorted(set(entity.nationalities + entity.citizenships)) for part in by_country[country]]
        if len(pool) < 20:
            pool = everyone
        for _ in range(20):
            word, owner = rng.choice(pool)
            if owner != entity.id and skeleton(word.lower()) not in own:
                break
        else:
            continue
        name = _add_part(source, word, at_end=rng.random() < 0.5)
        out.append(GeneratedQuery("added_part", name, entity.schema, entity.id, source))
    return out


def _word_key(word: str) -> str:
    """A lookup key for an original-script word: lower case; for Arabic script also without
    vowel marks, with one alef, one yeh, one kaf, and without the article ("الأحمد" = "احمد")."""
    word = word.lower()
    if _script(word) != "ARABIC":
        return word
    word = re.sub(r"[\u064b-\u065f\u0670\u0640]", "", word)
    word = word.translate(str.maketrans("أإآٱىیکةۀ", "اااايي" + "كهه"))
    return word[2:] if word.startswith("ال") and len(word) > 4 else word


def _latin_spellings(entities: list[Entity]) -> dict[str, set[str]]:
    """How the lists spell original-script words in Latin letters: an entry's Arabic-script,
    Cyrillic or Hangul name read position by position against its Latin names of as many
    words (or syllables). A misaligned pair only adds spellings, so the checks it serves
    only become stricter."""
    spellings: dict[str, set[str]] = defaultdict(set)
    for entity in entities:
        latin = [[w for w in re.split(r"[\s,]+", n.full.strip()) if w] for n in entity.names if n.full.isascii()]
        syllables_latin = [[w for w in re.split(r"[\s,-]+", n.full.strip()) if w] for n in entity.names if n.full.isascii()]
        for name in entity.names:
            if name.full.isascii():
                continue
            script = _script(name.full)
            if script == "HANGUL":
                syllables = re.findall(r"[\uac00-\ud7a3]", name.full)
                pairs = [zip(syllables, tokens) for tokens in syllables_latin if len(tokens) == len(syllables)]
            elif script in ("ARABIC", "CYRILLIC"):
                words = name.full.split()
                pairs = [zip(words, tokens) for tokens in latin if len(tokens) == len(words)]
            else:
                continue
            for pair in pairs:
                for word, token in pair:
                    for piece in re.findall(r"[A-Za-z]+", token):
                        if piece.lower() not in NOT_NAMES:
                            spellings[_word_key(word)].add(piece.lower())
    return spellings


def _original_parts(full: str, script: str) -> tuple[str, str] | None:
    """(given name, surname) of an Arabic-script or Cyrillic name; None when unclear."""
    if script == "CYRILLIC":
        words = re.findall(r"[^\W\d_]+(?:[-'][^\W\d_]+)*", full)
        if len(words) < 2:
            return None
        if len(words) >= 3 and PATRONYMIC.search(words[-1].lower()):
            given, surname = words[1], words[0]  # "Гладких Борис Михайлович"
        elif words[0].isupper() and not words[1].isupper():
            given, surname = words[1], words[0]
        else:
            given, surname = words[0], words[-1]
        if PATRONYMIC.search(given.lower()) or PATRONYMIC.search(surname.lower()) or len(given) < 3 or len(surname) < 3:
            return None
        if not all(re.fullmatch(r"[\u0400-\u04ff'-]+", word) for word in (given, surname)):
            return None  # "Мария Mutebutsi": one script per name
        return given.title(), surname.title()
    words = full.split()
    skip = 0
    while skip < len(words) - 2 and words[skip] in ARABIC_NOT_NAMES - {"عبد", "ابو", "أبو", "أبي"}:
        skip += 1  # a leading title: "سيد احمد ..."
    if len(words) - skip < 2:
        return None
    given, surname = words[skip], words[-1]
    if given in ARABIC_NOT_NAMES or surname in ARABIC_NOT_NAMES | ARABIC_COMPOUND_ENDS or words[-2] in ARABIC_NOT_NAMES:
        return None
    if len(given) < 2 or len(surname) < 2:
        return None
    if not all(re.fullmatch(r"[\u0600-\u06ff\u0750-\u077f]+", word) for word in (given, surname)):
        return None
    return given, surname


def _recombined_any(entities: list[Entity], firsts: list[str], lasts: list[str], count: int, rng: random.Random) -> list[GeneratedQuery]:
    """A listed person's first name with another's surname, drawn as often as the lists use them.

    Dropped only when a listed person's (or untyped entry's) name has the two as its given name and surname (its
    first and last words in either order, or "SURNAME, Given ..."), compared by skeleton so that "Dmitry Popov" is
    dropped beside "POPOV, Dimitri": that is the listed person's own name, and alerting on it is right. Unlike
    `recombined`, the two may otherwise stand together in a longer listed name: a bank's customers are not chosen to
    avoid the lists' words, and on held-back real names the matcher alerted 3-4 times as often as on `recombined`."""
    own: set[tuple[str, str]] = set()
    for entity in entities:
        if entity.schema not in ("Person", "LegalEntity"):  # untyped entries hold people too
            continue
        for name in entity.names:
            head, comma, rest = name.full.partition(",")
            if comma:
                surnames, givens = re.findall(r"[A-Za-z]+", head), re.findall(r"[A-Za-z]+", rest)
                if surnames and givens:
                    own.add((skeleton(givens[0].lower()), skeleton(surnames[-1].lower())))
                continue
            words = re.findall(r"[A-Za-z]+", name.full)
            if len(words) >= 2:
                # Either order: "Ivan PETROV" and "PETROV Ivan" (surname first, without a comma) both name him.
                own.add((skeleton(words[0].lower()), skeleton(words[-1].lower())))
                own.add((skeleton(words[-1].lower()), skeleton(words[0].lower())))
    out: list[GeneratedQuery] = []
    made: set[str] = set()
    attempts = 0
    while len(out) < count and attempts < count * 50:
        attempts += 1
        first, last = rng.choice(firsts), rng.choice(lasts)
        if first.lower() == last.lower() or (skeleton(first.lower()), skeleton(last.lower())) in own:
            continue
        _add_person_once(out, made, "recombined_any", f"{first} {last}")
    return out


def _add_person_once(out: list[GeneratedQuery], made: set[str], family: str, query: str) -> None:
    """A person query of `family`, unless the family already holds it."""
    if query not in made:
        made.add(query)
        out.append(GeneratedQuery(family, query, "Person", None, None))


def _recombined_cross(entities: list[Entity], count: int, rng: random.Random, together: set[tuple[str, str]]) -> list[GeneratedQuery]:
    """First names and surnames of people on different publishers' lists, recombined: half
    in Latin letters, a quarter each in Cyrillic and Arabic script (one script per name).

    An original-script pair is dropped when any listed name holds both words, in that
    script or in any Latin spelling the lists give them (skeleton pairs, as for `recombined`)."""
    spellings = _latin_spellings(entities)
    pools: dict[str, list[tuple[str, str, str, str | None]]] = defaultdict(list)
    raw_together: set[tuple[str, str]] = set()
    for entity in entities:
        for name in entity.names:
            if not name.full.isascii():
                keys = {_word_key(w) for w in re.findall(r"[^\W\d_]+", name.full)}
                raw_together.update((a, b) for a in keys for b in keys if a != b)
        if entity.schema != "Person":
            continue
        pair = _given_surname(entity)
        if pair:
            pools["LATIN"].append((pair[0], pair[1], _publisher(entity.dataset), entity.gender))
        seen: set[tuple[str, str]] = set()
        for name in entity.names:
            script = _script(name.full)
            if name.full.isascii() or script not in ("CYRILLIC", "ARABIC"):
                continue
            parts = _original_parts(name.full, script)
            if not parts or parts in seen:
                continue
            seen.add(parts)
            gender = entity.gender
            if script == "CYRILLIC" and not gender:
                patronymic = next((w for w in name.full.lower().split() if PATRONYMIC.search(w)), "")
                if patronymic:
                    gender = "female" if patronymic.endswith(("вна", "ўна", "ична", "кызы", "қызы")) else "male"
                else:
                    gender = "female" if FEMININE_SURNAME.search(parts[1].lower()) else None
            pools[script].append((parts[0], parts[1], _publisher(entity.dataset), gender))

    def latin(word: str) -> set[str]:
        found = set(spellings.get(_word_key(word), ()))
        if word.isascii():
            found.add(word.lower())
        elif _script(word) == "CYRILLIC":
            found.add("".join(CYRILLIC_LATIN.get(c, c) for c in word.lower()))
        return {skeleton(w) for w in found}

    wanted = {"CYRILLIC": count // 4, "ARABIC": count // 4}
    out: list[GeneratedQuery] = []
    made: set[str] = set()
    for script in ("CYRILLIC", "ARABIC", "LATIN"):  # Latin last: it makes up any shortfall
        pool = pools[script]
        goal = count if script == "LATIN" else len(out) + wanted[script]
        attempts = 0
        while pool and len(out) < goal and attempts < count * 50:
            attempts += 1
            a, b = rng.choice(pool), rng.choice(pool)
            if a[2] == b[2] or (a[3] and b[3] and a[3] != b[3]):
                continue  # the same publisher, or a man's first name with a woman's surname
            given, surname = a[0], b[1]
            if _word_key(given) == _word_key(surname) or (_word_key(given), _word_key(surname)) in raw_together:
                continue
            firsts, lasts = latin(given), latin(surname)
            if not firsts or not lasts or any((f, s) in together for f in firsts for s in lasts):
                continue  # listed together in Latin letters, or no telling
            _add_person_once(out, made, "recombined_cross", f"{given} {surname}")
    return out


def _cjk(entities: list[Entity], count: int, rng: random.Random) -> list[GeneratedQuery]:
    """Chinese and Korean names no list carries: the surname (first character or syllable)
    of one listed person's Han or Hangul name with the given name of another.

    A Hangul combination is also dropped when a listed Latin name spells it ("KIM, Chol"
    for 김철), by the spellings the lists give each syllable."""
    han = re.compile(r"[\u4e00-\u9fff]{2,4}")
    hangul = re.compile(r"[\uac00-\ud7a3]{2,4}")
    spellings = _latin_spellings(entities)
    listed: set[str] = set()
    latin_names: set[frozenset[str]] = set()
    parts: dict[str, tuple[set[str], set[str]]] = {"han": (set(), set()), "hangul": (set(), set())}
    for entity in entities:
        for name in entity.names:
            if name.full.isascii():
                if entity.schema in ("Person", "LegalEntity"):
                    latin_names.add(frozenset(skeleton(w) for w in re.findall(r"[a-z]+", name.full.lower())))
                continue
            listed.add(re.sub(r"[\s·・]", "", name.full))
            listed.update(han.findall(name.full) + hangul.findall(name.full))
            if entity.schema != "Person":
                continue
            compact = re.sub(r"\s", "", name.full)
            for script, pattern in (("han", han), ("hangul", hangul)):
                # A whole name of 2-4 characters, alone or in brackets ("Jin Tiesan (金铁三)").
                runs = [compact] if pattern.fullmatch(compact) else [r for r in pattern.findall(name.full) if f"({r})" in name.full or f"（{r}）" in name.full]
                for run in runs:
                    parts[script][0].add(run[0])
                    parts[script][1].add(run[1:])

    def spelled_in_latin(name: str) -> bool:
        options = [sorted(spellings.get(syllable, ())) for syllable in name]
        if not all(options):
            return False
        surnames, given = options[0], options[1:]
        for first in surnames:
            for rest in itertools.product(*given):
                if frozenset(skeleton(w) for w in (first, *rest)) in latin_names or frozenset((skeleton(first), skeleton("".join(rest)))) in latin_names:
                    return True
        return False

    combos: dict[str, list[str]] = {}
    for script, (surnames, given_names) in parts.items():
        combos[script] = [s + g for s in sorted(surnames) for g in sorted(given_names) if s + g not in listed]
        if script == "hangul":
            combos[script] = [name for name in combos[script] if not spelled_in_latin(name)]
        rng.shuffle(combos[script])
    # Han names are scarce on the lists: all of them, then Hangul up to the count.
    chosen = combos["han"][:count] + combos["hangul"][: max(0, count - len(combos["han"]))]
    return [GeneratedQuery("cjk", name, "Person", None, None) for name in chosen]


# Words for organisations no list names (checked against every listed name's words
# before use): common nouns and places.
PLAIN_WORDS = [
    "Maple", "Willow", "Heron", "Juniper", "Lantern", "Meadow", "Pebble", "Thistle", "Bramble", "Harbourview",
    "Kestrel", "Marigold", "Saffronhill", "Cobblestone", "Driftwood", "Foxglove", "Hazelnut", "Lighthouse", "Orchard",
    "Primrose", "Quartzite", "Riverbend", "Sandpiper", "Tidewater", "Upland", "Wildflower", "Yarrow", "Acorn", "Beacon",
    "Candlewood", "Daffodil", "Evergreen", "Fernhill", "Granite", "Hollyhock", "Ironbark", "Jasmine", "Kingfisher",
    "Larkspur", "Moorland", "Nettle", "Oakridge", "Pinecone", "Quail", "Rosemary", "Snowdrop", "Thornbury", "Umber",
    "Violet", "Woodpecker", "Bluebell", "Clover", "Dandelion", "Elderberry", "Fieldfare", "Gooseberry", "Heather",
    "Ivy", "Lavender", "Mistletoe", "Nightingale", "Otter", "Puffin", "Raven", "Sparrow", "Teasel", "Walnut", "Badger",
    "Chestnut", "Dormouse", "Falcon", "Gannet", "Hedgehog", "Lapwing", "Magpie", "Osprey", "Partridge", "Robin",
    "Starling", "Swallow", "Wren", "Buttercup", "Cowslip", "Honeysuckle", "Sorrel", "Teacup", "Umbrella", "Velvet",
    "Windmill", "Bookshelf", "Carousel", "Doorstep", "Fountain", "Gingerbread", "Hammock", "Kettle", "Lollipop",
    "Marble", "Notebook", "Paperclip", "Quilt", "Ribbon", "Saddle", "Teapot", "Wagon", "Zipper", "Blossom", "Canopy",
    "Harvest", "Horizon", "Lagoon", "Meridian", "Summit", "Tundra", "Glacier", "Prairie", "Savanna", "Canyon",
    "Tampere", "Bergen", "Aarhus", "Uppsala", "Ghent", "Leuven", "Utrecht", "Groningen", "Salzburg", "Innsbruck",
    "Ljubljana", "Tartu", "Coimbra", "Porto", "Seville", "Bilbao", "Bologna", "Verona", "Lyon", "Nantes", "Grenoble",
    "Strasbourg", "Freiburg", "Heidelberg", "Leipzig", "Dresden", "Bremen", "Basel", "Lausanne", "Geneva", "Cork",
    "Galway", "Leeds", "Bristol", "Norwich", "Exeter", "Aberdeen", "Inverness", "Cardiff", "Swansea", "Halifax",
    "Winnipeg", "Calgary", "Saskatoon", "Tucson", "Boise", "Spokane", "Omaha", "Wichita", "Tulsa", "Fresno",
    "Adelaide", "Hobart", "Darwin", "Cairns", "Wellington", "Dunedin", "Nelson", "Tauranga", "Valparaiso", "Mendoza",
    "Cuenca", "Arequipa", "Cusco", "Curitiba", "Recife", "Oaxaca", "Puebla", "Kyoto", "Sapporo", "Nagoya", "Fukuoka",
]
# Sector and structural words around the distinctive one: what listed organisations share.
GENERIC_TEMPLATES = [
    "{} Airlines Group", "{} Trading Company", "{} Shipping Lines", "{} Shipping Co. Ltd.", "{} Industries",
    "{} Industrial Group", "{} Aviation", "{} Airways", "{} Technology Co., Ltd.", "{} Construction Headquarters",
    "{} Steel Complex", "{} Engineering Company", "{} Electronics Industries", "{} International Trading LLC",
    "{} Petrochemical Company", "{} Investment Group", "{} Machinery Plant", "{} University of Technology",
    "{} Holding Company", "{} Navigation Limited", "{} General Trading FZE", "{} Import Export Corporation",
    "{} Mining Industries Group", "{} Logistics LLC", "{} Oil and Gas Company", "{} Research and Production Complex",
]


def _org_generic_only(entities: list[Entity], count: int, rng: random.Random) -> list[GeneratedQuery]:
    """Organisations that share only sector and structural words with listed ones: a word no
    list name holds (not even one letter off) with "Trading Company", "Shipping Lines", ..."""
    listed_words: set[str] = set()
    for entity in entities:
        for name in entity.names:
            listed_words.update(re.findall(r"[^\W\d_]+", name.full.lower()))
    near = {w[:i] + w[i + 1:] for w in listed_words if w.isascii() and len(w) > 3 for i in range(len(w))}
    skeletons = {skeleton(w) for w in listed_words if w.isascii() and w.isalpha()}

    def unlisted(word: str) -> bool:
        word = word.lower()
        deletions = {word[:i] + word[i + 1:] for i in range(len(word))}
        # Not listed, not one letter inserted, deleted or replaced, not the same consonant skeleton.
        return word not in listed_words and word not in near and not (deletions & listed_words) and not (deletions & near) and skeleton(word) not in skeletons

    words = [w for w in PLAIN_WORDS if unlisted(w)]
    combos = [template.format(word) for word in words for template in GENERIC_TEMPLATES]
    rng.shuffle(combos)
    return [GeneratedQuery("org_generic_only", name, "Company", None, None) for name in combos[:count]]


def _org_letters_only(entities: list[Entity], count: int, rng: random.Random) -> list[GeneratedQuery]:
    """Companies named by letters ("K&V", "R & T Trading Company", "D and M Logistics LLC") that no list name
    writes: two letters joined by "&" or "and", alone (three in ten) or with generic words.
    The letters of a listed name are left out however it writes them (K&V, K V, KV, K and V)."""
    listed: set[str] = set()
    for entity in entities:
        for name in entity.names:
            words = re.findall(r"[A-Za-z]+", re.sub(r"\s*&\s*|\s+(?:and|AND)\s+", "&", name.full).replace("&", ""))
            listed.update(word.lower() for word in words if len(word) <= 3)
            letters = "".join(word for word in re.findall(r"\b[A-Za-z]\b", name.full))
            listed.update(letters.lower()[i : i + 2] for i in range(len(letters)))
    out: list[GeneratedQuery] = []
    seen: set[str] = set()
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    attempts = 0
    while len(out) < count and attempts < count * 50:
        attempts += 1
        letters = [rng.choice(alphabet), rng.choice(alphabet)]
        if "".join(letters).lower() in listed:
            continue
        joined = rng.choice(["&", " & ", " and "]).join(letters)
        name = joined if rng.random() < 0.3 else rng.choice(GENERIC_TEMPLATES).format(joined)
        if name not in seen:
            seen.add(name)
            out.append(GeneratedQuery("org_letters_only", name, "Company", None, None))
    return out


def negatives(entities: list[Entity], count: int, seed: int = 11) -> list[GeneratedQuery]:
    """Recombined first/last names that no listed person carries together, plus common names."""
    rng = random.Random(seed)
    firsts: list[str] = []
    lasts: list[str] = []
    together: set[tuple[str, str]] = set()
    listed_pairs: set[frozenset[str]] = set()
    titles = {word.lower().strip(".") for word in HONORIFICS} | {"sayed", "sayyed", "seyyed", "syed", "hajj", "al", "el", "abu", "abd", "abdul", "bin", "ibn"}
    for entity in entities:
        for name in entity.names:
            listed_pairs.add(frozenset(w.lower() for w in re.findall(r"[A-Za-z]+", name.full)))
        if entity.schema not in ("Person", "LegalEntity"):
            continue
        parts = _primary_parts(entity) if entity.schema == "Person" else None
        if parts:
            first = re.findall(r"[A-Za-z]+", parts[0])
            last = re.findall(r"[A-Za-z]+", parts[2])
            if first and last and first[0].lower() not in titles and last[-1].lower() not in titles:
                if len(first[0]) > 2 and len(last[-1]) > 2:
                    firsts.append(first[0].title())
                    lasts.append(last[-1].title())
        for name in entity.names:
            keys = {skeleton(w.lower()) for w in re.findall(r"[A-Za-z]+", name.full)}
            for a in keys:
                for b in keys:
                    if a != b:
                        together.add((a, b))
    out: list[GeneratedQuery] = []
    attempts = 0
    while len(out) < count and attempts < count * 50:
        attempts += 1
        first, last = rng.choice(firsts), rng.choice(lasts)
        if (skeleton(first.lower()), skeleton(last.lower())) in together:
            continue
        out.append(GeneratedQuery("recombined", f"{first} {last}", "Person", None, None))
    for first in COMMON_FIRST:
        for last in COMMON_LAST:
            if frozenset((first.lower(), last.lower())) in listed_pairs:
                continue
            out.append(GeneratedQuery("common", f"{first} {last}", "Person", None, None))
    # The harder families draw from their own generators (the ones above stay as they were).
    out += _recombined_any(entities, firsts, lasts, count, random.Random(seed * 1000 + 6))
    out += _recombined_cross(entities, count, random.Random(seed * 1000 + 1), together)
    out += _cjk(entities, count // 2, random.Random(seed * 1000 + 2))
    out += _org_generic_only(entities, count // 2, random.Random(seed * 1000 + 3))
    rng_typo = random.Random(seed * 1000 + 4)
    for query in _org_generic_only(entities, count // 2, random.Random(seed * 1000 + 3)):
        slipped = _slip_generic(query.name, rng_typo)
        if slipped:
            out.append(GeneratedQuery("org_generic_typo_only", slipped, query.schema, None, None))
    out += _org_letters_only(entities, count // 2, random.Random(seed * 1000 + 5))
    return out
