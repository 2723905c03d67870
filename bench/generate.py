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

Negatives:
    recombined       a real first name with a real surname that no listed person carries together
    common           frequent names of many cultures, minus any that are listed as such
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

from interdict.model import Entity
from interdict.text.skeleton import skeleton

HONORIFICS = ["Sayyid", "Seyed", "Haji", "Hajji", "Dr.", "Sheikh", "Gen.", "Ayatollah", "Mullah", "Hojatoleslam"]

# (pattern, replacement) respellings seen across romanisation systems.
RESPELL = [
    ("q", "gh"), ("gh", "q"), ("ou", "u"), ("u", "ou"), ("oo", "u"), ("e", "a"), ("a", "e"),
    ("i", "ee"), ("ee", "i"), ("y", "i"), ("i", "y"), ("w", "v"), ("v", "w"), ("j", "dj"),
    ("kh", "h"), ("kh", "x"), ("ph", "f"), ("f", "ph"), ("ss", "s"), ("s", "ss"), ("mm", "m"),
    ("dd", "d"), ("ll", "l"), ("ei", "ey"), ("ey", "ei"), ("ai", "ay"), ("ay", "ai"),
    ("ks", "x"), ("x", "ks"), ("iy", "y"), ("ii", "y"), ("yi", "i"), ("zh", "j"), ("ts", "tz"),
    ("o", "u"), ("u", "o"), ("ch", "tch"), ("sh", "ch"), ("c", "k"), ("k", "c"), ("dh", "z"), ("th", "s"),
]

CYRILLIC_LOOKALIKE = {"a": "а", "e": "е", "o": "о", "p": "р", "c": "с", "x": "х", "y": "у", "i": "і",
                      "A": "А", "E": "Е", "O": "О", "P": "Р", "C": "С", "X": "Х", "H": "Н", "K": "К", "M": "М", "T": "Т", "B": "В"}
GREEK_LOOKALIKE = {"o": "ο", "v": "ν", "A": "Α", "B": "Β", "E": "Ε", "H": "Η", "I": "Ι", "K": "Κ", "M": "Μ", "N": "Ν", "O": "Ο", "T": "Τ", "Z": "Ζ"}
INVISIBLE = ["\u200b", "\u200c", "\u200d", "\u2060", "\u202e", "\ufeff", "\u00ad"]

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


def _primary_parts(entity: Entity) -> tuple[str, str, str] | None:
    """(first, middle, last) of an entity's primary name, when the list gives or implies them."""
    for name in entity.names:
        if name.kind != "primary":
            continue
        if name.first and name.last:
            return name.first, name.middle or "", name.last
        if "," in name.full:
            last, _, first = name.full.partition(",")
            if first.strip() and last.strip():
                return first.strip(), "", last.strip()
    return None


def _latin_names(entity: Entity) -> list[str]:
    return [n.full for n in entity.names if n.kind in ("primary", "alias") and n.full.isascii() and len(n.full.split()) >= 2]


def _respell(name: str, rng: random.Random) -> str | None:
    lowered = name.lower()
    options = [(a, b) for a, b in RESPELL if a in lowered]
    if not options:
        return None
    rng.shuffle(options)
    result = lowered
    for a, b in options[: rng.choice((1, 2))]:
        spots = [m.start() for m in re.finditer(re.escape(a), result)]
        if not spots:
            continue
        spot = rng.choice(spots)
        result = result[:spot] + b + result[spot + len(a):]
    return result.title() if result != lowered else None


def _typo(name: str, rng: random.Random) -> str | None:
    words = name.split()
    index = max(range(len(words)), key=lambda i: len(words[i]))
    word = words[index]
    if len(word) < 5:
        return None
    pos = rng.randrange(1, len(word) - 1)
    kind = rng.choice(("insert", "delete", "substitute", "swap"))
    letters = "abcdefghijklmnopqrstuvwxyz"
    if kind == "insert":
        word = word[:pos] + rng.choice(letters) + word[pos:]
    elif kind == "delete":
        word = word[:pos] + word[pos + 1:]
    elif kind == "substitute":
        word = word[:pos] + rng.choice(letters) + word[pos + 1:]
    else:
        word = word[:pos - 1] + word[pos] + word[pos - 1] + word[pos + 1:]
    words[index] = word
    return " ".join(words)


def _homoglyph(name: str, rng: random.Random) -> str | None:
    table = CYRILLIC_LOOKALIKE if rng.random() < 0.7 else GREEK_LOOKALIKE
    spots = [i for i, char in enumerate(name) if char in table]
    if not spots:
        return None
    chars = list(name)
    for spot in rng.sample(spots, min(len(spots), rng.choice((1, 2, 3)))):
        chars[spot] = table[chars[spot]]
    return "".join(chars)


def _zero_width(name: str, rng: random.Random) -> str:
    chars = list(name)
    for _ in range(rng.choice((1, 2))):
        chars.insert(rng.randrange(1, len(chars)), rng.choice(INVISIBLE))
    return "".join(chars)


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
    take("reorder", people, lambda e, s: _reorder(e, s, rng))
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
    return out


def strip_original_scripts(entities: list[Entity]) -> list[Entity]:
    """The same entities without their non-Latin names, for the script-change family."""
    import msgspec

    stripped = []
    for entity in entities:
        names = [n for n in entity.names if not (n.kind == "original_script" or not n.full.isascii() and n.kind != "primary")]
        stripped.append(msgspec.structs.replace(entity, names=names or entity.names))
    return stripped


def _reorder(entity: Entity, source: str, rng: random.Random) -> str | None:
    if "," in source:
        last, _, first = source.partition(",")
        return f"{first.strip()} {last.strip()}"
    words = source.split()
    if len(words) < 2:
        return None
    i, j = rng.sample(range(len(words)), 2)
    words[i], words[j] = words[j], words[i]
    return " ".join(words)


def _drop_middle(source: str) -> str | None:
    """Drop a middle name: "LAST, First Middle" → "LAST, First"; "First Middle Last" → "First Last"."""
    if "," in source:
        last, _, given = source.partition(",")
        names = given.split()
        if len(names) < 2:
            return None
        return f"{last.strip()}, {' '.join(names[:-1])}"
    words = source.split()
    if len(words) < 3:
        return None
    return " ".join(words[:1] + words[2:])


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
    return out
