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
    script           write a Russian name in Cyrillic or a Persian/Arabic name in Arabic script

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

# Latin → Cyrillic as a Russian speaker would type it (longest first).
TO_CYRILLIC = [
    ("shch", "щ"), ("sch", "щ"), ("kh", "х"), ("zh", "ж"), ("ch", "ч"), ("sh", "ш"), ("ts", "ц"), ("yu", "ю"),
    ("ya", "я"), ("yo", "ё"), ("ye", "е"), ("iy", "ий"), ("yy", "ый"), ("ei", "ей"), ("ey", "ей"), ("ay", "ай"), ("oy", "ой"),
    ("a", "а"), ("b", "б"), ("v", "в"), ("g", "г"), ("d", "д"), ("e", "е"), ("z", "з"), ("i", "и"), ("y", "ы"),
    ("k", "к"), ("l", "л"), ("m", "м"), ("n", "н"), ("o", "о"), ("p", "п"), ("r", "р"), ("s", "с"), ("t", "т"),
    ("u", "у"), ("f", "ф"), ("h", "х"), ("c", "к"), ("w", "в"), ("j", "дж"), ("q", "к"), ("x", "кс"),
]
# Latin → Arabic script as Persian writes names: long vowels written, short ones dropped.
TO_ARABIC = [
    ("kh", "خ"), ("gh", "ق"), ("sh", "ش"), ("ch", "چ"), ("zh", "ژ"), ("th", "ث"), ("dh", "ذ"), ("ph", "ف"),
    ("ou", "و"), ("oo", "و"), ("ee", "ی"), ("ei", "ی"), ("ey", "ی"), ("ai", "ای"), ("ay", "ای"),
    ("b", "ب"), ("p", "پ"), ("t", "ت"), ("j", "ج"), ("h", "ح"), ("d", "د"), ("r", "ر"), ("z", "ز"), ("s", "س"),
    ("f", "ف"), ("q", "ق"), ("k", "ک"), ("g", "گ"), ("l", "ل"), ("m", "م"), ("n", "ن"), ("v", "و"), ("w", "و"),
    ("y", "ی"), ("u", "و"), ("i", "ی"), ("c", "ک"), ("x", "کس"),
]
RUSSIAN_HINTS = re.compile(r"(ovich|evich|ovna|evna|ov|ev|in|sky|skiy|enko|yuk|uk)$", re.IGNORECASE)

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


def _to_script(name: str, table: list[tuple[str, str]], drop_short_vowels: bool) -> str:
    words = []
    for word in re.findall(r"[A-Za-z]+", name.lower()):
        out, i = [], 0
        while i < len(word):
            if drop_short_vowels and word[i] in "aeo" and 0 < i and not word[i:i + 2] in ("ei", "ey", "ai", "ay", "ou", "oo", "ee"):
                i += 1
                continue
            for latin, native in table:
                if word.startswith(latin, i):
                    out.append(native)
                    i += len(latin)
                    break
            else:
                i += 1
        if drop_short_vowels and word[0] in "aeio":
            out.insert(0, "ا") if out and out[0] not in ("ا", "ی", "و") else None
        words.append("".join(out))
    return " ".join(word for word in words if word)


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
    russian = [e for e in people if any(RUSSIAN_HINTS.search(w) for n in _latin_names(e) for w in n.replace(",", " ").split())]
    persian = [e for e in people if set(e.nationalities) & {"ir", "iq", "af", "sy", "lb", "ye", "sa", "ps"}]
    take("script", russian, lambda e, s: _to_script(s.replace(",", " "), TO_CYRILLIC, False), per_family // 2)
    take("script", persian, lambda e, s: _to_script(s.replace(",", " "), TO_ARABIC, True), per_family - per_family // 2)
    return out


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
    words = source.replace(",", " ").split()
    if len(words) < 3:
        return None
    return " ".join([words[0]] + words[2:]) if "," in source else " ".join(words[:1] + words[2:])


def negatives(entities: list[Entity], count: int, seed: int = 11) -> list[GeneratedQuery]:
    """Recombined first/last names that no listed person carries together, plus common names."""
    rng = random.Random(seed)
    firsts: list[str] = []
    lasts: list[str] = []
    together: set[tuple[str, str]] = set()
    listed_pairs: set[frozenset[str]] = set()
    for entity in entities:
        if entity.schema != "Person":
            continue
        parts = _primary_parts(entity)
        if parts:
            first = parts[0].split()[0]
            last = parts[2].split()[-1]
            if first.isascii() and last.isascii() and len(first) > 2 and len(last) > 2:
                firsts.append(first.title())
                lasts.append(last.title())
        for name in entity.names:
            keys = {skeleton(w.lower()) for w in re.findall(r"[A-Za-z]+", name.full)}
            for a in keys:
                for b in keys:
                    if a != b:
                        together.add((a, b))
            listed_pairs.add(frozenset(w.lower() for w in re.findall(r"[A-Za-z]+", name.full)))
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
