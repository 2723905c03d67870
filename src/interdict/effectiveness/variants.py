"""Reusable name rewrites: the variant generators the effectiveness test and the quality benchmark share.

Moved here from bench/generate.py so the product feature (`interdict effectiveness`)
and the benchmark draw variants by the same rules; bench/generate.py imports them.
The spelling rules, titles, look-alike letters and generic organisation words here
are the generator's own, written independently of the matcher's tables in
text/data, so a test does not simply replay the matcher's own normalisation.
Each function takes the random generator it draws from, so a seed reproduces it;
changing how a function draws changes the benchmark's queries too.
"""

from __future__ import annotations

import random
import re
import unicodedata
from collections import defaultdict

from ..model import Entity

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


def primary_parts(entity: Entity) -> tuple[str, str, str] | None:
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


def latin_names(entity: Entity) -> list[str]:
    return [n.full for n in entity.names if n.kind in ("primary", "alias") and n.full.isascii() and len(n.full.split()) >= 2]


def respell(name: str, rng: random.Random) -> str | None:
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


def typo(name: str, rng: random.Random) -> str | None:
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


def homoglyph(name: str, rng: random.Random) -> str | None:
    table = CYRILLIC_LOOKALIKE if rng.random() < 0.7 else GREEK_LOOKALIKE
    spots = [i for i, char in enumerate(name) if char in table]
    if not spots:
        return None
    chars = list(name)
    for spot in rng.sample(spots, min(len(spots), rng.choice((1, 2, 3)))):
        chars[spot] = table[chars[spot]]
    return "".join(chars)


def zero_width(name: str, rng: random.Random) -> str:
    chars = list(name)
    for _ in range(rng.choice((1, 2))):
        chars.insert(rng.randrange(1, len(chars)), rng.choice(INVISIBLE))
    return "".join(chars)



# ---------------------------------------------------------------------------
# Organisation names: the generic, sector and structural words writers spell differently.

# Each value: forms different writers use for the same word of an organisation's name.
# Written for the benchmark (not taken from the matcher's tables); a form ending in "."
# also matches without the dot ("Co" / "Co.").
GENERIC_FORMS: dict[str, list[str]] = {
    "airline": ["Airlines", "Airways", "Air", "Aviation"],
    "industry": ["Industries", "Industrial", "Industry", "Ind."],
    "factory": ["Factories", "Factory", "Plant"],
    "company": ["Corporation", "Company", "Co.", "Corp."],
    "structure": ["Group", "Complex"],
    "headquarters": ["Headquarters", "Base"],
    "shipping": ["Shipping Lines", "Shipping", "Lines", "Navigation"],
    "martyr": ["Shahid", "Shaheed"],
}
# Groups whose words are only swapped where they end the name's own words (a legal form
# or a bracket may follow): "Mahan Air" → "Mahan Airlines", never "Air Force" → "Airlines Force".
TAIL_ONLY = {"airline", "shipping", "structure"}
# "Complex" stands for "Group" only in an industrial name ("Shahid Hemmat Industrial Group/Complex").
INDUSTRIAL_CONTEXT = re.compile(r"(?i)\b(industr\w*|factor\w*|plant|steel|petrochemical\w*|production|research|manufactur\w*|engineering|mining|chemical\w*|metallurg\w*)\b")
# Words of legal forms and their lead-ins, for finding where a name's own words end.
LEGAL_WORDS = {
    "co", "corp", "company", "corporation", "ltd", "limited", "llc", "llp", "lp", "inc", "plc", "jsc", "pjsc",
    "ojsc", "cjsc", "oao", "ooo", "zao", "ao", "pao", "gmbh", "ag", "kg", "sa", "sarl", "srl", "spa", "bv",
    "nv", "oy", "ab", "as", "fze", "fzc", "fzco", "fz", "pte", "pvt", "private", "sdn", "bhd", "joint", "stock",
    "joint-stock", "open", "closed", "public", "liability", "tov", "too", "dmcc", "&",
}
SMALL_WORDS = {"of", "and", "the", "for", "&", "de", "del", "la", "le", "des", "du", "named", "after", "in", "on"}


def _form_pattern(form: str) -> str:
    body = r"\s+".join(re.escape(word.rstrip(".")) for word in form.split())
    return r"(?<![\w-])" + body + (r"\.?" if form.endswith(".") else "") + r"(?![\w-])"


_GENERIC_PATTERNS = {
    group: re.compile("|".join(_form_pattern(f) for f in sorted(forms, key=len, reverse=True)), re.IGNORECASE)
    for group, forms in GENERIC_FORMS.items()
}


def normal(text: str) -> str:
    return " ".join(re.findall(r"[^\W_]+", text.lower()))


def case_like(form: str, sample: str) -> str:
    letters = [c for c in sample if c.isalpha()]
    if len(letters) > 1 and all(c.isupper() for c in letters):
        return form.upper()
    if letters and all(c.islower() for c in letters):
        return form.lower()
    return form


def core_span(name: str) -> tuple[int, int]:
    """Where the name's own words are: without leading and trailing legal-form words and brackets."""
    words = list(re.finditer(r"[^\s,]+", name))

    def outer(word: str) -> bool:
        return word.lower().replace(".", "") in LEGAL_WORDS or word.startswith("(") or word.endswith(")")

    start, end = 0, len(words)
    while start < end and outer(words[start].group(0)):
        start += 1
    while end > start and outer(words[end - 1].group(0)):
        end -= 1
    if start >= end:
        return 0, 0
    return words[start].start(), words[end - 1].end()


def generic_edits(name: str) -> dict[str, list[str]]:
    """Rewrites of `name` by rule: a generic word in another form, "Group" added or
    dropped, "of Technology", an acronym. Empty when the name holds no generic word."""
    rules: dict[str, list[str]] = defaultdict(list)
    core_start, core_end = core_span(name)
    if core_end <= core_start:
        return {}
    core = name[core_start:core_end]
    own_words = [w for w in re.findall(r"[A-Za-z][\w'.-]*", core) if w.lower() not in SMALL_WORDS]
    for group, pattern in _GENERIC_PATTERNS.items():
        for match in pattern.finditer(name):
            found = match.group(0)
            if group in TAIL_ONLY and match.end() != core_end:
                continue
            if group == "company":
                before = name[: match.start()].split()
                after = name[match.end():].split()
                if before and before[-1].lower().strip(",") in ("stock", "joint-stock", "liability", "partnership"):
                    continue  # part of a legal form ("Joint Stock Company")
                if after and after[0].lower().strip(",.") == "kg":
                    continue  # "GmbH & Co. KG"
            if group == "structure" and not INDUSTRIAL_CONTEXT.search(name):
                continue
            if group in ("structure", "headquarters") and len(own_words) < 2:
                continue  # "THE BASE" is a name, not a structural word
            if found.islower() and not name.islower():
                continue  # a lower-case word in a capitalised name is prose or another language ("operationelle base")
            key = normal(found)
            rules[group] += [name[: match.start()] + case_like(f, found) + name[match.end():] for f in GENERIC_FORMS[group] if normal(f) != key]
    university = re.search(r"(?i)\buniversity\b", core)
    if not rules and not university:
        return {}
    # "Group" dropped where it ends the name's own words, or added there.
    group_word = re.search(r"(?i)(?<![\w-])group$", core)
    if group_word and len(own_words) >= 3:
        rules["group_drop"].append(re.sub(r"\s+", " ", name[: core_start + group_word.start()] + name[core_end:]).strip())
    elif not re.search(r"(?i)\b(group|complex)\b", core):
        rules["group_add"].append(name[:core_end] + " " + case_like("Group", core) + name[core_end:])
    # University (of Technology).
    if re.search(r"(?i)\buniversity of technology\b", name):
        rules["university"].append(re.sub(r"(?i)(university) of technology", r"\1", name))
    elif re.search(r"(?i)\bindustrial university\b", name):
        rules["university"].append(re.sub(r"(?i)industrial (university)", lambda m: m.group(1) + case_like(" of Technology", m.group(1)), name))
    elif re.search(r"(?i)\buniversity$", core):
        rules["university"].append(name[:core_end] + case_like(" of Technology", core) + name[core_end:])
    # An acronym in brackets: "Iran Electronics Industries (IEI)" — the initials of the
    # name's own words and of a following Company/Corporation.
    initials = [w[0] for w in re.findall(r"[A-Za-z][\w'-]*", name[core_start:])
                if w.lower() not in SMALL_WORDS and (w.lower() not in LEGAL_WORDS or w.lower() in ("company", "corporation"))]
    if "(" not in name and 3 <= len(initials) <= 6:
        rules["acronym"].append(f"{name} ({''.join(initials).upper()})")
    return dict(rules)



def reorder(source: str, rng: random.Random) -> str | None:
    if "," in source:
        last, _, first = source.partition(",")
        return f"{first.strip()} {last.strip()}"
    words = source.split()
    if len(words) < 2:
        return None
    i, j = rng.sample(range(len(words)), 2)
    words[i], words[j] = words[j], words[i]
    return " ".join(words)


def drop_middle(source: str) -> str | None:
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



# Titles and particles that are no name of their own (the generator's own list).
NOT_NAMES = {w.lower().strip(".") for w in HONORIFICS} | {
    "sayed", "sayyed", "seyyed", "syed", "hajj", "hadji", "al", "el", "ul", "abu", "abou", "abd", "abdul", "abdel",
    "bin", "ben", "ibn", "bint", "ould", "van", "von", "der", "den", "de", "da", "di", "du", "dos", "das", "del", "la",
    "le", "mr", "mrs", "ms", "mulla", "maulvi", "mawlawi", "maulana", "qari", "hafiz", "shaykh", "shaikh", "imam", "general",
    "colonel", "major", "captain", "brigadier", "commander", "alias", "aka", "fnu", "lnu", "nfn", "nmn", "unknown",
}


def given_surname(entity: Entity) -> tuple[str, str] | None:
    """A person's first given name and last surname word in Latin letters, titles dropped."""
    parts = primary_parts(entity)
    if parts:
        given, surname = parts[0], parts[2]
    else:
        names = [n.full for n in entity.names if n.kind == "primary" and n.full.isascii()] or latin_names(entity)
        if not names:
            return None
        full = names[0]
        if "," in full:
            surname, _, given = full.partition(",")
        else:
            words = full.split()
            if len(words) < 2:
                return None
            capitals = [i for i, w in enumerate(words) if i > 0 and w.isupper() and len(w) > 1]
            # "Oleg Aleksandrovich ALEKSEEV": the capitalised word is the surname.
            given, surname = (words[0], words[capitals[-1]]) if capitals and not words[0].isupper() else (words[0], words[-1])
    first = [w for w in re.findall(r"[A-Za-z]+", given) if w.lower() not in NOT_NAMES]
    last = [w for w in re.findall(r"[A-Za-z]+", surname) if w.lower() not in NOT_NAMES]
    if not first or not last or len(first[0]) < 3 or len(last[-1]) < 3:
        return None
    return first[0].title(), last[-1].title()



def add_part(source: str, word: str, at_end: bool) -> str:
    """`source` with one more name part: "A B" → "A B C" (at the end) or "A C B" (after the first name);
    "LAST, Given" → "LAST, Given C" or "LAST C, Given"."""
    word = word.upper() if source.isupper() else word
    if "," in source:
        last, _, given = source.partition(",")
        return f"{last.strip()}, {given.strip()} {word}" if at_end else f"{last.strip()} {word}, {given.strip()}"
    words = source.split()
    return " ".join(words + [word] if at_end else words[:1] + [word] + words[1:])


# ---------------------------------------------------------------------------
# Rewrites the effectiveness test adds (the benchmark does not draw them).


def _initial(word: str) -> str:
    """"Mohammad" → "M."; "'Ubaydah" → "U." (the first letter, not the ayn's apostrophe); particles and
    titles ("bin", "Abdul", "al") stay as written, as people write them."""
    if word.lower().strip(".,") in NOT_NAMES | SMALL_WORDS:
        return word
    letter = next((c for c in word if c.isalpha()), None)
    return f"{letter}." if letter else word


def initials(source: str, rng: random.Random) -> str | None:
    """Given names cut to initials, the surname kept: "Mohammad Baqer QALIBAF" → "M. B. QALIBAF" or
    "Mohammad B. QALIBAF"; "QALIBAF, Mohammad Baqer" → "QALIBAF, M. B."; None when only particles precede the surname."""
    if "," in source:
        last, _, given = source.partition(",")
        names = given.split()
        if not last.strip() or not names:
            return None
        made = f"{last.strip()}, {' '.join(_initial(n) for n in names)}"
    else:
        words = source.split()
        if len(words) < 2:
            return None
        firsts = words[:-1]
        if len(firsts) >= 2 and rng.random() < 0.5:
            made = " ".join([firsts[0]] + [_initial(w) for w in firsts[1:]] + [words[-1]])  # middle names only
        else:
            made = " ".join([_initial(w) for w in firsts] + [words[-1]])
    return made if re.search(r"(?<!\S)[^\W\d_]\.(?!\S)", made) else None


FIELD_WIDTH = 35  # characters of one name line in a SWIFT MT message (field 50/59), where long names are cut


def truncate(source: str, rng: random.Random) -> str | None:
    """A name cut short: at 35 characters when longer (a payment message's name line), else by its last
    one to three letters (a form's box too small)."""
    source = " ".join(source.split())
    if len(source) > FIELD_WIDTH:
        cut = source[:FIELD_WIDTH].rstrip(" ,")
    elif len(source) >= 12:
        cut = source[: len(source) - rng.choice((1, 2, 3))].rstrip(" ,")
    else:
        return None
    return cut if cut and cut != source else None


def concat_split(source: str, rng: random.Random) -> str | None:
    """Two parts written as one ("Abdul Rahman" → "Abdulrahman") or one long part split ("Abdulrahman" → "Abdul Rahman")."""
    words = source.split(" ")
    options: list[str] = []
    for i in range(len(words) - 1):
        a, b = words[i], words[i + 1]
        if a and b and a[-1].isalpha() and b[0].isalpha():
            options.append(" ".join(words[:i] + [a + (b.lower() if not b.isupper() else b)] + words[i + 2 :]))
    for i, word in enumerate(words):
        if len(word) >= 8 and word.isalpha():
            cut = len(word) // 2 + rng.choice((-1, 0, 1))
            right = word[cut:].upper() if word.isupper() else word[cut:].capitalize()
            options.append(" ".join(words[:i] + [word[:cut], right] + words[i + 1 :]))
    return rng.choice(options) if options else None


# Latin letters that do not decompose into a base letter and a mark.
_PLAIN = str.maketrans({"ø": "o", "Ø": "O", "ß": "ss", "ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "ı": "i", "æ": "ae", "Æ": "AE",
                        "œ": "oe", "Œ": "OE", "þ": "th", "Þ": "TH", "ð": "d", "Ð": "D", "ħ": "h", "Ħ": "H", "ŧ": "t", "ſ": "s"})


def has_diacritics(text: str) -> bool:
    """Latin letters with marks (é, ş, ğ, ā) or letters a plain keyboard lacks (ø, ß, ł, ı)."""
    return any(char.isalpha() and not char.isascii() and _latin(char) and (char.translate(_PLAIN) != char or len(unicodedata.normalize("NFD", char)) > 1) for char in text)


def _latin(char: str) -> bool:
    return unicodedata.name(char, "").startswith("LATIN")


def strip_diacritics(source: str) -> str | None:
    """Marks removed and special letters written plainly: "Şəfiqə Bağırova" → "Safiqa Bagirova"; None without diacritics."""
    if not has_diacritics(source):
        return None
    decomposed = unicodedata.normalize("NFD", source.translate(_PLAIN))
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    plain = unicodedata.normalize("NFC", plain).replace("ə", "a").replace("Ə", "A")
    return plain


PERSON_NOISE = ["Mr", "Mr.", "Mrs", "Ms", "Miss", "MR"]
ORG_NOISE_SUFFIX = ["Ltd", "Ltd.", "Limited", "LLC", "Inc.", "Trading", "Trading LLC", "Co. Ltd", "Holding", "International"]
VESSEL_NOISE = ["MV", "M/V", "MT", "M/T", "SS"]


def noise_words(source: str, kind: str, rng: random.Random) -> str | None:
    """Words a form or a payment adds around a name: a courtesy title for people, a legal form or
    "Trading" after an organisation, "MV"/"MT" before a vessel."""
    if kind == "person":
        return f"{rng.choice(PERSON_NOISE)} {source.replace(',', '')}"
    if kind == "organization":
        return f"{source} {rng.choice(ORG_NOISE_SUFFIX)}"
    if kind == "vessel":
        return f"{rng.choice(VESSEL_NOISE)} {source}"
    return None


# The generator's own letter tables for writing a Latin name in another script (not the
# matcher's transliteration tables, which read the other way).
LATIN_CYRILLIC = [("shch", "щ"), ("sch", "щ"), ("kh", "х"), ("zh", "ж"), ("ch", "ч"), ("sh", "ш"), ("ts", "ц"), ("yu", "ю"),
                  ("ya", "я"), ("yo", "ё"), ("iy", "ий"), ("a", "а"), ("b", "б"), ("v", "в"), ("g", "г"), ("d", "д"), ("e", "е"),
                  ("z", "з"), ("i", "и"), ("y", "й"), ("k", "к"), ("l", "л"), ("m", "м"), ("n", "н"), ("o", "о"), ("p", "п"),
                  ("r", "р"), ("s", "с"), ("t", "т"), ("u", "у"), ("f", "ф"), ("h", "х"), ("c", "к"), ("w", "в"), ("x", "кс"),
                  ("j", "дж"), ("q", "к")]
# Arabic script: consonants; long vowels and a word's first vowel written, short vowels not (as Arabic writes names).
LATIN_ARABIC = [("kh", "خ"), ("gh", "غ"), ("sh", "ش"), ("ch", "چ"), ("zh", "ژ"), ("th", "ث"), ("dh", "ذ"), ("ou", "و"), ("oo", "و"),
                ("ee", "ي"), ("ei", "ي"), ("ai", "ي"), ("aa", "ا"), ("b", "ب"), ("p", "پ"), ("t", "ت"), ("j", "ج"), ("h", "ه"),
                ("d", "د"), ("r", "ر"), ("z", "ز"), ("s", "س"), ("f", "ف"), ("q", "ق"), ("k", "ک"), ("g", "گ"), ("l", "ل"),
                ("m", "م"), ("n", "ن"), ("v", "و"), ("w", "و"), ("y", "ي"), ("x", "کس"), ("c", "ک")]


def _write_word(word: str, table: list[tuple[str, str]], vowels_written: bool) -> str:
    word = word.lower()
    out = []
    i = 0
    while i < len(word):
        for latin, letter in table:
            if word.startswith(latin, i):
                out.append(letter)
                i += len(latin)
                break
        else:
            char = word[i]
            if char in "aeiou" and not vowels_written:
                if i == 0:
                    out.append("ا")  # a word's first vowel is written with alef
                elif char in "iu" and i == len(word) - 1:
                    out.append("ي" if char == "i" else "و")
                elif char in "ae" and i == len(word) - 1:
                    out.append("ه" if char == "e" else "ا")
            i += 1
    return "".join(out)


def to_script(source: str, script: str) -> str | None:
    """A Latin name written in Cyrillic or Arabic letters, word by word; None for other scripts or no letters."""
    words = re.findall(r"[A-Za-z]+", source.replace(",", " "))
    if not words:
        return None
    if script == "cyrillic":
        written = [_write_word(w, LATIN_CYRILLIC, True).capitalize() for w in words]
    elif script == "arabic":
        written = [_write_word(w, LATIN_ARABIC, False) for w in words]
    else:
        return None
    written = [w for w in written if w]
    return " ".join(written) or None


def edit_distance(a: str, b: str) -> int:
    """Edits (insert, delete, substitute, swap two neighbours) between two strings (optimal string alignment)."""
    rows = [list(range(len(b) + 1))]
    for i in range(1, len(a) + 1):
        row = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = a[i - 1] != b[j - 1]
            row[j] = min(rows[-1][j] + 1, row[j - 1] + 1, rows[-1][j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                row[j] = min(row[j], rows[-2][j - 2] + 1)
        rows.append(row)
    return rows[-1][-1]
