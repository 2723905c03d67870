"""Score one query name against one list name, token by token.

The score is a rarity-weighted share of aligned evidence:

    score = Σ pairs w·sim / (Σ pairs w + cost of the parts left over)

Each token is used once (best-first alignment, order-free, so "LAST, First" and
"First Last" align). Weights come from the index: a shared "Mohammad" adds
little, a shared "Ghalibaf" a lot. Parts left over cost according to what they
mean: when one name holds all of the other (a list name with an extra middle
name) the extras cost little; when both names keep parts the other lacks
("Mojtaba Khamenei" / "Ali Khamenei"), the names conflict and the cost is full.
Fused and split compounds ("Nasrallah" / "Nasr Allah") align as one unit.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum, StrEnum

from rapidfuzz.distance import OSA, Levenshtein

from ..text.names import PLACE, Token, han_key, is_patronymic, make_token, sole_patronymic
from ..text.numbers import roman_letter
from ..text.skeleton import european_reading, skeleton, vowel_skeleton, without_initial_y, without_vowel_y
from ..text.tables import initial_letters, surname_suffixes
from ..text.translit import chinese_readings
from .acronyms import ACRONYM_DISTINCTIVE, ORG_ACRONYM_MIN, initials, letter_runs, may_abbreviate, may_give_initial
from .settings import SETTINGS as S

# Tuning values live in match/settings.py; this alias is read in the hot loops.
PAIR_MIN = S.pair_min


class How(StrEnum):
    """How two name parts relate; the explanation names it."""

    EXACT = "exact"
    TRANSLITERATION = "transliteration"
    SCRIPT = "script"  # original script (Arabic, Hebrew) against a reading of it
    TYPO = "typo"
    REVERSED = "reversed"
    INITIAL = "initial"
    EQUIVALENT = "equivalent"  # the same given name in another language
    COMPOUND = "compound"  # two words against one, or a fused prefix
    ARTICLE = "article"  # an Arabic article written joined to the name
    GENERIC = "generic word"  # two forms of one generic organisation word (Airlines/Air)
    TRUNCATED = "cut short"  # the query's last word is the start of the list's word (a full name line of a payment)
    ACRONYM = "acronym"  # one word made of the initials of the other name's words (PLA / People's Liberation Army)
    NONE = ""  # not the same name part


# A How as a small number, for similarities stored in the index file (the order is part of INDEX_VERSION).
HOWS: tuple[How, ...] = tuple(How)
HOW_CODES: dict[How, int] = {how: code for code, how in enumerate(HOWS)}


@dataclass(frozen=True)
class Pair:
    query: tuple[Token, ...]
    candidate: tuple[Token, ...]
    sim: float
    how: How
    weight: float


@dataclass(frozen=True)
class NameScore:
    score: float
    pairs: tuple[Pair, ...]
    unmatched_query: tuple[tuple[Token, float], ...]
    unmatched_candidate: tuple[tuple[Token, float], ...]
    notes: tuple[str, ...] = ()


def token_sim(q: Token, c: Token, known: Callable[[str], int] | None = None) -> tuple[float, How]:
    """Similarity of two name tokens in [0, 1] and how they relate.

    `known(text)` says how many list names use a spelling (0: none; `Index.word_count`). Two known
    names one letter apart (Salem/Salek) are more likely two names than one
    misspelt, so such slips count for less than a slip into an unknown word.
    """
    if q.script == "cjk" and c.script == "cjk":
        # Two syllables written in Han characters are the same character (or variants of it: 陳/陈, 縝/缜, which
        # anyascii reads chen/zhen) or two names, however alike they read (王 and 汪 are both "wang").
        same = _same_character(q, c)
        if same is not None:
            return (1.0, How.EXACT) if same else (0.0, How.NONE)
    if q.text == c.text:
        return 1.0, How.EXACT
    if (q.particles or c.particles) and _fused_with_particles(q, c):
        return S.compound_exact, How.COMPOUND  # "Vanderbilt" / "van der Bilt", "Dasilva" / "da Silva"
    if q.generic and c.generic:
        return (S.generic_same, How.GENERIC) if q.generic == c.generic else (0.0, How.NONE)
    if q.initial or c.initial:
        # An initial agrees with the words it opens: one letter, or a compound's prefix and letter ("abdr").
        agree = c.text.startswith(q.text) if q.initial else q.text.startswith(c.text)
        if q.initial and c.initial:
            agree = q.text.startswith(c.text) or c.text.startswith(q.text)
        return (S.initial, How.INITIAL) if agree else (0.0, How.NONE)
    if q.number or c.number:
        return 0.0, How.NONE
    if q.script == "cjk" and c.script == "cjk":
        return 0.0, How.NONE  # one character is one name: 近平 and 近朋 are different people
    if q.script == "cjk" or c.script == "cjk":
        return _syllable_sim(q, c)  # "Ng" is a reading of 吴: syllables first
    if _either_one_syllable(q, c) and not (q.abjad or c.abjad):
        # A syllable of a name read as romanised Chinese, written in Latin letters, is as whole a unit as one written
        # in Han: against another word that reads as syllables, it is the same syllable or another one ("Jian" /
        # "Juan", "Jun" / "Juan", "Xiu" / "Xia" are other names, not slips of one). A word that is no syllable at
        # all ("Lyn", "Hseeang") may still be a slip or a looser spelling of one, as below.
        left, right = _syllables(q), _syllables(c)
        if left and right:
            return (S.romanisation, How.TRANSLITERATION) if not set(left).isdisjoint(right) else (0.0, How.NONE)
    if _letters(q) or _letters(c):
        # "HW", "GD", "U&V": letters, not a spoken word. Only the same letters agree (above): a skeleton of one
        # or two consonants bridged "HW" to "HUA", "U&V" to "OV" and "G&D" to القاعدة.
        return 0.0, How.NONE
    if q.abjad or c.abjad:
        return _abjad_sim(q, c)
    if known is not None and (_vowel_moved(q.vskel, c.vskel) or _nisba(q.text, c.text, known)) and known(q.text) and known(c.text):
        return 0.0, How.NONE  # Ahmad / Hamad, Islam / Salem (two patterns of a root), Ahmad / Ahmadi (a nisba)
    if q.skel == c.skel and _diminutive(q.text, c.text):
        return 0.0, How.NONE  # Hasan / Hussein: a name and its diminutive, two names
    shared = None
    if q.skel == c.skel or not set(q.keys).isdisjoint(c.keys):
        shared = _shared_skeleton_sim(q, c)
        if shared is None or shared[0] < 0.9:
            european = _european_sim(q, c)
            if european is not None and (shared is None or european[0] > shared[0]):
                shared = european
        if shared is not None and shared[0] >= 0.9:
            return shared
        if _same_reading(q, c):
            return S.romanisation, How.TRANSLITERATION  # Hsi / Xi, Tse / Ze: one Chinese syllable, two systems
    slip = _slip(q, c, known)
    if shared is not None and shared[0] >= slip[0]:
        return shared
    return slip


_SPOKEN = frozenset("aeiouy")


def _letters(token: Token) -> bool:
    """Letters joined by "&" or "and" ("U&V"), or a Latin word of two letters without a vowel ("HW", "GD"): read
    letter by letter. (Three without a vowel, "MHM", still take a slip: "MjHM" is a typo of it.)"""
    if token.letters:
        return True
    text = token.text
    return len(text) == 2 and token.script == "latin" and not token.abjad and text.isalpha() and _SPOKEN.isdisjoint(text)


def _nisba(left: str, right: str, known: Callable[[str], int]) -> bool:
    """One word ends in the -i of a nisba where the other, a name many listed people bear, ends in the consonant
    before it, and the nisba is a family name many bear too: Ahmad / Ahmadi, Jafar / Jafari, Mohammad / Mohammadi,
    Hossein / Hosseini.

    The nisba is a family name made from a given name (Persian ی, Arabic ي), written in every transliteration; the
    two are two names (the scorer also asks that both be in use), which a slip or a shared skeleton bridged:
    "Mohammad al-Ahmad" met MOHAMMAD AHMADI at 0.86. A rare word with and without a final i is one name spelt two
    ways (Koumtamadj / Koumtamadji, Qadhaf / Qadhafi), and so is an adjective of a company's name (Rahkar Novin /
    Novini): `nisba_base_names` and `nisba_form_names` tell them apart."""
    for long, short in ((left, right), (right, left)):
        if (
            len(long) >= 5
            and long[-1] == "i"
            and long[-2] not in _SPOKEN
            and short[-1:] == long[-2]
            and len(short) >= 4
            and known(short) >= S.nisba_base_names
            and known(long) >= S.nisba_form_names
        ):
            return True
    return False


def _vowel_runs(text: str) -> list[str]:
    """The runs of vowel letters of a Latin word, in order; a y after a vowel and before a consonant or the end is one
    ("Husayn": u, ay)."""
    runs: list[str] = []
    run = ""
    for at, char in enumerate(text):
        if char in "aeiou" or (char == "y" and run and (at + 1 == len(text) or text[at + 1] not in "aeiou")):
            run += char
        elif run:
            runs.append(run)
            run = ""
    if run:
        runs.append(run)
    return runs


_DIMINUTIVE_FIRST = ("u", "o", "ou", "oo")  # the u of a diminutive's first syllable, as Latin writes it


def _diphthong(run: str) -> bool:
    return len(run) == 2 and run[0] in "aeo" and run[1] in "iy"


def _diminutive(left: str, right: str) -> bool:
    """One word is the Arabic diminutive (fu'ayl: u in the first syllable, ay in the next) of a name written with the
    same consonants and a plain a: Hasan / Hussein, Hossein, Husayn; Salman / Sulayman, Soleimani; Abid / Obaid;
    Amer / Omair; Sahel / Suhail.

    The diminutive is another name, not a spelling (Hasan and Husayn were brothers), yet the two share every
    consonant, so the skeleton bridged them: "Ahmed Hussein" met AHMAD HASAN at 0.78. Transliterations of one name
    keep the diphthong or lack it on both sides (Hussein / Husain / Husayn, Michail / Michel: no u-first word), and
    the French -aire of an adjective is not this pattern (Militaire / Military: the same first vowel). The scorer
    applies this to words with the same consonant skeleton, whether the lists use them or not: a slip cannot turn
    one into the other (the first vowel and the diphthong both differ), so "Hossain", on no list, is no Hasan."""
    left_runs, right_runs = _vowel_runs(left), _vowel_runs(right)
    for small, base in ((left_runs, right_runs), (right_runs, left_runs)):
        if _diminutive_shape(small) and base and base[0] in ("a", "e", "aa") and not any(_diphthong(run) for run in base):
            return True
    return False


def _diminutive_shape(runs: list[str]) -> bool:
    """A word's vowel runs (`_vowel_runs`) read as a diminutive's: u first, a diphthong after it (Hussein, Husayn)."""
    return len(runs) >= 2 and runs[0] in _DIMINUTIVE_FIRST and any(_diphthong(run) for run in runs[1:])


def _vowel_moved(left: str, right: str) -> bool:
    """One word opens with a vowel and two consonants, the other with the first of them and a vowel (vowel
    skeletons, `Token.vskel`): Ahmad / Hamad, Islam / Salem, Ashraf / Sharaf, Akram / Karam, Ehsan / Hasan.

    In Arabic and Persian names such pairs are two patterns of one root (af'al and fa'al), so two names, though
    they share every consonant and a slip of the first two letters turns one into the other. A transliteration
    that drops the opening vowel keeps the consonants together: Ibrahim / Brahim, Ismail / Smail, Idris / Driss
    are one name. The scorer applies this only to two words the lists use as names: an unknown spelling may
    still be the other word mistyped ("Cahekzai" for Achekzai)."""
    for first, second in ((left, right), (right, left)):
        if (
            len(first) >= 4
            and len(second) >= 3
            and first[0] in _VOWEL_CLASSES
            and first[1] not in _VOWEL_CLASSES
            and first[2] not in _VOWEL_CLASSES
            and second[0] == first[1]
            and second[1] in _VOWEL_CLASSES
        ):
            return True
    return False


def _fused_with_particles(q: Token, c: Token) -> bool:
    """One Latin word is the other written fused with the particles that stand before it in its name."""
    if q.script != "latin" or c.script != "latin":
        return False  # a syllable is a whole unit ("Le Ng" is not "Leng")
    return (bool(q.particles) and c.text == q.particles + q.text) or (bool(c.particles) and q.text == c.particles + c.text)


def _same_character(q: Token, c: Token) -> bool | None:
    """Whether two syllables were written in one Han character (variants are one); None unless both were written in Han."""
    left = han_key(q)
    right = han_key(c) if left else ""
    return left == right if left and right else None


def _slip_sim(edits: int, longest: int) -> float:
    """What `edits` keyboard slips (1-3) leave of the similarity of words of `longest` letters."""
    if edits == 1:
        return S.slip_one_edit[0] if longest >= 5 else S.slip_one_edit[1]
    if edits == 2:
        two = S.slip_two_edits
        return two[0] if longest >= 9 else two[1] if longest >= 6 else two[2]
    return S.slip_three_edits if longest >= 11 else 0.0


def may_pair(q: Token, c: Token, edits: int) -> bool:
    """False only where `token_sim(q, c)` is surely below PAIR_MIN, given their OSA edit distance (capped at 3).

    A cheap test for retrieval's typo neighbours, most of which are too many
    slips apart for their length and related no other way; it follows the
    paths of `token_sim` and `_slip` and must change with them (a property test
    holds it to token_sim on real and mutated list words).
    """
    if edits == 0 or (edits <= 3 and _slip_sim(edits, max(len(q.text), len(c.text))) >= PAIR_MIN):
        return True  # the same word, or a slip of this size can still pair
    if (q.initial or c.initial) and S.initial >= PAIR_MIN:
        return True
    if c.text.startswith(q.text):
        return True  # a word cut short (retrieval offers it; scoring decides by position)
    if q.generic or c.generic or q.abjad or c.abjad or q.script == "cjk" or c.script == "cjk":
        return True  # generic word classes, scripts without vowels, syllables: related other ways
    if q.text[:2] in _PREFIX_HEADS or c.text[:2] in _PREFIX_HEADS:
        return True  # a fused prefix or a joined article
    if _either_one_syllable(q, c):
        return True  # a Chinese syllable pairs by its readings, however its spellings differ
    if edits <= 2 and _th_as_s(q.text, c.text):
        return True  # th read as s (Othman / Osman)
    if not set(q.keys).isdisjoint(c.keys):
        return True  # shared consonants, a shared equivalence ("=john") or spelling
    return len(q.text) == len(c.text) and q.text[::-1] == c.text


def _slip(q: Token, c: Token, known: Callable[[str], int] | None) -> tuple[float, How]:
    """Similarity of tokens whose consonants differ (or whose vowels disagree): slips and variants."""
    if _equivalent(q, c):
        return S.equivalent, How.EQUIVALENT  # Juan/John, Ted/Theodore
    if _th_as_s(q.text, c.text):
        return S.translit_same_vowels[0], How.TRANSLITERATION  # ث: Othman/Osman, Uthman/Usman, Hadith/Hadis
    longest = max(len(q.text), len(c.text))
    if longest <= 3:
        return 0.0, How.NONE  # short parts (tail-number groups, "Li", "Ng") are equal or not
    if q.text[:2] in _PREFIX_HEADS or c.text[:2] in _PREFIX_HEADS:
        prefixed = _prefixed(q.text, c.text)
        if prefixed:
            return prefixed, How.COMPOUND
        article = _without_article(q, c, known)
        if article:
            return article
    # Different consonants: only a slip of the keyboard keeps two names the same.
    edits = OSA.distance(q.text, c.text, score_cutoff=3)
    if 2 <= edits <= 3 and _derived_name(q.text, c.text):
        return 0.0, How.NONE  # Goncharov / Gonchar, Ivanov / Ivan: a surname made of the other word, another name
    if edits <= 3:
        sim = _slip_sim(edits, longest)
        if edits >= 2 and sim and _first_letters_apart(q.text, c.text):
            sim = 0.0  # two slips, one of them the first letter: another name (Lavrov / Navros)
        if sim and known is not None and known(q.text) and known(c.text):
            if edits == 1 and _added_in_front(q.text, c.text):
                return 0.0, How.NONE  # Kumar / Umar, Rasem / Asem: two names the lists use, not a slip
            sim -= S.known_names_penalty
        if sim:
            return sim, How.TYPO
    if len(q.text) == len(c.text) and q.text[::-1] == c.text:
        return S.reversed_word, How.REVERSED
    return 0.0, How.NONE


def _added_in_front(left: str, right: str) -> bool:
    """One word is the other with a consonant added in front (Kumar / Umar, Rasem / Asem, Galina / Alina): a slip
    rarely types a word's first letter, and when both words are names the lists use, they are two names. Not h or y,
    which transliterations drop (Hassan / Assan, Yelena / Elena, Yusuf / Usuf); w is a consonant they keep (Arabic و:
    Wali / Ali, Wasim / Asim are two names). A first letter changed is left to the slip's other rules: the peer's pairs
    read Harry / Larry as one name mistyped."""
    short, long = (left, right) if len(left) < len(right) else (right, left)
    return len(long) == len(short) + 1 and long[1:] == short and long[0].isalpha() and long[0] not in _SOFT_FRONT


_SOFT_FRONT = frozenset("aeiouyh")


def _derived_name(left: str, right: str) -> bool:
    """One word is the other with a surname's ending added (text/data/surname_suffixes.txt): Goncharov / Gonchar,
    Bessarabov / Bessarab, Petrovic / Petrov. A surname built on a name (a father's, a trade, a place) is another
    name than that word: the slip search, which would bridge the ending as two or three typed letters, must not."""
    short, long = (left, right) if len(left) < len(right) else (right, left)
    return len(short) >= 3 and long.startswith(short) and long[len(short) :] in surname_suffixes()


def _th_as_s(left: str, right: str) -> bool:
    """The words differ only where one writes "th" and the other "s": Arabic ث, read th in Arabic and s in Persian,
    Turkish and Urdu (Othman / Osman, Thabit / Sabit, Haitham / Haisam). Both spellings are on the lists, so the slip
    search would count them as two names."""
    if ("th" in left) == ("th" in right) or min(len(left), len(right)) < 4:
        return False
    return left.replace("th", "s") == right.replace("th", "s")


def _first_letters_apart(left: str, right: str) -> bool:
    """The words start with sounds no spelling of one name interchanges (text/data/initial_letters.txt).

    The first *sound*, not letter: a leading digraph is read as the sound it writes
    (Tsvetkov / Cvetkov, Theodosiya / Feodosiya, Yekaterina / Katerina, Uladzimir /
    Vladimir), a word that is the other with letters added in front
    (Yekaterina / Katerina) shares its start, and so do words whose first two
    letters are swapped (a keyboard slip that keeps both).
    """
    if left[0] == right[0] or left.endswith(right) or right.endswith(left):
        return False
    if len(left) > 1 and len(right) > 1 and left[0] == right[1] and left[1] == right[0]:
        return False  # the first two letters swapped ("Cahekzai" / "Achekzai"): a slip that keeps both
    table = initial_letters()
    return not any(b == a or b in table.get(a, ()) for a in _first_sounds(left) for b in _first_sounds(right))


# Leading letter groups and the first sounds they write, longest first (transliterations of Ц, Ч, Θ/ث, Е/Ю/Я, Ў, Х...).
_LEADING_SOUNDS = (
    ("tsch", "c"), ("tch", "c"), ("dzh", "j"), ("ts", "cs"), ("tz", "cs"), ("th", "tsf"), ("ch", "ck"), ("kh", "hk"),
    ("gh", "gh"), ("ph", "f"), ("sh", "s"), ("zh", "zj"), ("dj", "j"), ("ye", "e"), ("yu", "u"), ("ya", "a"), ("yo", "o"),
)


def _first_sounds(word: str) -> str:
    for head, sounds in _LEADING_SOUNDS:
        if word.startswith(head):
            return sounds + word[0]
    if word[0] == "u" and len(word) > 1 and word[1] not in "aeiouy":
        return "uv"  # Belarusian Ў: Uladzimir / Vladimir
    return word[0]


def _shared_skeleton_sim(q: Token, c: Token) -> tuple[float, How] | None:
    """Same consonants in order: a transliteration variant if the vowels agree in family.

    Vowel classes (a/e, o/u, i/y) separate what transliteration merges from
    what it does not: Hossein/Husain agree, Hossein/Hasan and Muller/Miller do not.
    """
    return _vowels_sim(q.text != c.text, len(q.skel), q.vskel, c.vskel)


def _european_sim(q: Token, c: Token) -> tuple[float, How] | None:
    """`_shared_skeleton_sim` of the two words as English-style romanisation writes them, where one of them reads as a
    European transliteration of Cyrillic (Arkadij / Arkady, Sjojgu / Shoigu: text/skeleton.py `european_reading`)."""
    left, right = european_reading(q.text, q.original), european_reading(c.text, c.original)
    if left is None and right is None:
        return None
    left, right = without_vowel_y(left or q.text), without_vowel_y(right or c.text)  # Kesajev / KESAEV: -jev- after a vowel
    key = skeleton(left)
    if key != skeleton(right):
        left, right = without_initial_y(left), without_initial_y(right)  # Jelena / Elena: a word-initial Е read as e
        key = skeleton(left)
        if key != skeleton(right):
            return None
    return _vowels_sim(left != right, len(key), vowel_skeleton(left), vowel_skeleton(right))


def _vowels_sim(differ: bool, size: int, left: str, right: str) -> tuple[float, How] | None:
    """What the vowels (vowel skeletons `left`, `right`) leave of two spellings of `size` shared consonants."""
    if differ and _VOWEL_CLASSES.isdisjoint(left) and _VOWEL_CLASSES.isdisjoint(right):
        return None  # no vowels on either side ("TMK" / "T.M.G."): letters read one by one, not sounds to transliterate
    if left and left == right:
        same = S.translit_same_vowels
        return (same[0] if size >= 3 else same[1] if size == 2 else same[2]), How.TRANSLITERATION
    if _vowel_slots_differ(left, right):
        return None  # Mohammad / Mahmud: one root, two names (see _vowel_slots_differ)
    vowels = Levenshtein.normalized_similarity(left, right)
    if size >= 4:
        return S.translit_vowel_base[0] + S.translit_vowel_gain * vowels, How.TRANSLITERATION
    if size == 3:
        return S.translit_vowel_base[1] + S.translit_vowel_gain * vowels, How.TRANSLITERATION
    return None


_VOWEL_CLASSES = frozenset("aoi")


def _vowel_slots(vskel: str) -> tuple[list[bool], int]:
    """For each gap between consecutive consonants, whether a vowel is written there; and the vowel count."""
    slots: list[bool] = []
    vowels = 0
    seen_consonant = False
    vowel_since = False
    for char in vskel:
        if char in _VOWEL_CLASSES:
            vowels += 1
            vowel_since = True
            continue
        if seen_consonant:
            slots.append(vowel_since)
        seen_consonant = True
        vowel_since = False
    return slots, vowels


def _vowel_slots_differ(left: str, right: str) -> bool:
    """Same consonants, but a vowel written between two of them in one name and not the other, before the last syllable.

    Transliteration changes vowels, not where they fall: Mohammad/Muhammed/Mohamad
    all write m-V-h-V-m-V-d, while Mahmud writes m-V-h-m-V-d, a different name of the
    same root. The first and last gaps are exempt, where transliteration adds or
    drops a vowel (Dmitriy / Dimitri, Aleksandr / Alexander), and so are words
    written with fewer than two vowels (abbreviations such as "Mhd").
    """
    left_slots, left_vowels = _vowel_slots(left)
    right_slots, right_vowels = _vowel_slots(right)
    if left_vowels < 2 or right_vowels < 2 or len(left_slots) != len(right_slots) or len(left_slots) < 3:
        return False
    return left_slots[1:-1] != right_slots[1:-1]


_LONG_VOWEL_ENDINGS = ("\u06cc", "\u064a", "\u0648", "\u0627", "\u0649")  # ی ي و ا ى
_VOWELISH = frozenset("aeiouyhw")


# Arabic and Hebrew letters that carry a word-initial vowel (alif and its forms, alef):
# such a word is read with a vowel first ("امان" Aman, never "Manal").
_VOWEL_CARRIERS = frozenset("\u0627\u0623\u0625\u0622\u05d0")
# Letters a Latin spelling may drop or write as a vowel at the start (ayn, hamza, h, y, w...):
# after any other letter the reading starts with a consonant ("بخت" Bakht, never "Abu Khattab").
_SOFT_INITIALS = frozenset("\u0639\u0621\u0626\u0624\u06cc\u064a\u0648\u0647\u062d\u0649\u05e2\u05d5\u05d9\u05d4")
_LATIN_VOWELS = frozenset("aeiou")


def _ends_apart(abjad: Token, latin: Token) -> bool:
    """The Arabic-script word's written vowels at its edges disagree with the Latin reading.

    Long vowels and initial vowels are written: "خامنه‌ای" ends in a vowel
    (Khamenei, never "Hemin"), "امان" starts with one (Aman, never "Manal"), and
    "بخت" starts with a consonant (Bakht, never "Abu Khattab").
    """
    original = abjad.original.strip("\u200c ")
    if not original or not latin.text:
        return False
    if original.endswith(_LONG_VOWEL_ENDINGS) and latin.text[-1] not in _VOWELISH:
        return True
    if original.startswith("\u0627\u0644"):
        return False  # the article al- (الـ): lists write it joined (Elsseid), apart or not at all
    first = original[0]
    if first in _VOWEL_CARRIERS:
        return latin.text[0] not in _LATIN_VOWELS
    if first not in _SOFT_INITIALS and "\u0600" <= first <= "\u06ff" or "\u05d0" <= first <= "\u05ea" and first not in _SOFT_INITIALS:
        return latin.text[0] in _LATIN_VOWELS
    return False


def _long_vowels_apart(abjad: Token, latin: Token) -> bool:
    """A long vowel written inside the Arabic-script word is not read where the Latin word puts its vowels.

    Arabic script leaves short vowels unwritten but writes long ones: محمود writes a و between its last two
    consonants (Mahmud, Mahmoud), محمد does not (Muhammad). Read against "Mohammed", whose vowel there is an "e",
    محمود is another name, as Mahmud is in Latin letters (issue 11). A written و must be read o or u; a written ي
    i, y or e (Persian and Pashto read it e as often as i: خيل is "Khel"), never o, u or nothing (نجيب is not
    "Ncube"). The letters for "a" are not checked: they also write ع, which Latin drops. Both words are compared
    in vowel classes (`vowel_skeleton`), and only where they have as many consonants, so every gap is the same gap.
    """
    written = _gaps(vowel_skeleton(abjad.text))
    read = _gaps(latin.vskel)
    if written is None or read is None or len(written[0]) != len(read[0]):
        return False  # the words share a consonant key (the caller's test); the same count aligns their gaps
    for wanted, found in zip(written[1], read[1]):
        if ("o" in wanted and "o" not in found) or ("i" in wanted and "i" not in found and "a" not in found):
            return True
    return False


def _diminutive_unwritten(abjad: Token, latin: Token) -> bool:
    """A Latin diminutive (u, then ay: Hossain, Husayn; see `_diminutive`) against an Arabic-script word that writes
    no ي where the Latin reads the ay: الحسن is Hasan, not Hossain, as Hasan is not Hussein in Latin letters.
    حسين, which writes it, is still Hussein."""
    if not _diminutive_shape(_vowel_runs(latin.text)):
        return False
    written = _gaps(vowel_skeleton(abjad.text))
    read = _gaps(latin.vskel)
    if written is None or read is None or len(written[0]) != len(read[0]):
        return False
    return any("i" in found and "i" not in wanted for wanted, found in zip(written[1], read[1]))


def _written_vowels_differ(left: Token, right: Token) -> bool:
    """Two Arabic-script words of the same consonants, one writing a long vowel (و, ي) between two of them where the
    other writes none or the other one: محمود (Mahmud) and محمد (Muhammad) are two names, as against Latin letters
    (`_long_vowels_apart`). The letters for "a" are not compared: spellings drop and add alif (اسحاق / اسحق)."""
    first, second = _gaps(vowel_skeleton(left.text)), _gaps(vowel_skeleton(right.text))
    if first is None or second is None or len(first[0]) != len(second[0]):
        return False
    return any(("o" in one) != ("o" in other) or ("i" in one) != ("i" in other) for one, other in zip(first[1], second[1]))


def _gaps(vskel: str) -> tuple[str, list[str]] | None:
    """(consonants, the vowel classes between each two consecutive ones) of a vowel skeleton; None without two consonants."""
    consonants = ""
    gaps: list[str] = []
    run = ""
    for char in vskel:
        if char in _VOWEL_CLASSES:
            run += char
            continue
        if consonants:
            gaps.append(run)
        consonants += char
        run = ""
    return (consonants, gaps) if len(consonants) >= 2 else None


def _syllable_sim(q: Token, c: Token) -> tuple[float, How]:
    """A Chinese or Korean syllable against a Latin word: one of its romanisations, or a different syllable.

    Syllables are whole units (text/data/romanisation.tsv): never bridged by a
    slip or a shared skeleton (yan/yuan, gao/kawa, xiu/xia are other names).
    """
    syllable, other = (q, c) if q.script == "cjk" else (c, q)
    if "~" + other.text in syllable.keys:
        return S.romanisation, How.TRANSLITERATION
    return 0.0, How.NONE


def _abjad_sim(q: Token, c: Token) -> tuple[float, How]:
    """Arabic or Hebrew script against anything: short vowels are unwritten, only consonants speak."""
    if not set(q.keys).isdisjoint(c.keys):
        if (q.abjad and not c.abjad and (_ends_apart(q, c) or _long_vowels_apart(q, c) or _diminutive_unwritten(q, c))) or (
            c.abjad and not q.abjad and (_ends_apart(c, q) or _long_vowels_apart(c, q) or _diminutive_unwritten(c, q))
        ):
            return 0.0, How.NONE
        if q.abjad and c.abjad and _written_vowels_differ(q, c):
            return 0.0, How.NONE
        size = max(len(q.skel), len(c.skel))
        sims = S.abjad_sims
        return (sims[0] if size >= 4 else sims[1] if size == 3 else sims[2]), How.SCRIPT
    return 0.0, How.NONE  # without vowels a consonant off is another name (Moslehi is not Mufleh)


def _readings(token: Token) -> list[str]:
    """The pinyin readings of a word of a name read as romanised Chinese (text/names.py `_read_as_chinese`)."""
    return [key[1:] for key in token.keys if key[:1] == "^"]


def _same_reading(q: Token, c: Token) -> bool:
    left = _readings(q)
    return bool(left) and not set(left).isdisjoint(_readings(c))


def _one_syllable(token: Token) -> bool:
    """A word of a name read as romanised Chinese that reads as one syllable ("Jian", not "Jinping" or "Anna").

    Words of two syllables keep their slips: a name of Latin letters that happens to split into syllables ("Anna Li")
    is read as Chinese too, and its longer words are as often ordinary names with ordinary typos."""
    return token.keys[-1][:1] == "^" and any("." not in key for key in token.keys if key[:1] == "^")


def _either_one_syllable(q: Token, c: Token) -> bool:
    """Either word is one syllable (`_one_syllable`). Most words carry no reading at all: that is asked first, here,
    before the fuller test (it was the hottest line of a first-sight query)."""
    return (q.keys[-1][:1] == "^" or c.keys[-1][:1] == "^") and (_one_syllable(q) or _one_syllable(c))


def _syllables(token: Token) -> tuple[str, ...] | list[str]:
    """The word's pinyin readings: its own where its name is read as Chinese, else those it would have alone."""
    return _readings(token) or chinese_readings(token.text)


def _lone_syllable(token: Token) -> bool:
    """The word reads as one Chinese syllable, in its name's reading or alone ("li", "wang"; not "anna", "a.n.na")."""
    return token.script == "latin" and any("." not in reading for reading in _syllables(token))


def _chinese_reading(tokens: tuple[Token, ...]) -> bool:
    """The name is read as romanised Chinese: every word of it carries pinyin readings (its last keys)."""
    return tokens[0].keys[-1][:1] == "^"


def _readings_fuse(first: Token, second: Token, single: Token) -> bool:
    """Two romanised Chinese words against one: "Chin-ping" / "Jinping", "Tse-tung" / "Zedong", by reading only."""
    if single.keys[-1][:1] != "^" or first.keys[-1][:1] != "^" or second.keys[-1][:1] != "^":
        return False
    joined = {f"{a}.{b}" for a in _readings(first) for b in _readings(second)}
    return not joined.isdisjoint(_readings(single))


def _equivalent(q: Token, c: Token) -> bool:
    if "\x1f=" not in q.sig or "\x1f=" not in c.sig:
        return False  # most tokens have no equivalence key ("=john"); the sig holds every key
    left = {key for key in q.keys if key.startswith("=")}
    return bool(left) and not left.isdisjoint(c.keys)


_ARTICLES = ("al", "el", "ul", "ol")


def _without_article(q: Token, c: Token, known: Callable[[str], int] | None) -> tuple[float, How] | None:
    """"Alshaer" / "Al-Shaer" / "Shaer": the Arabic article written joined to the name."""
    for left, right in ((q, c), (c, q)):
        if len(left.text) >= len(right.text) + 2 and left.text[:2] in _ARTICLES and len(left.text) >= 6:
            rest = make_token(left.text[2:], left.original, script=left.script)
            sim, _ = token_sim(rest, right, known)
            if sim >= PAIR_MIN:
                return sim * S.article_factor, How.ARTICLE
    return None


_FUSED_PREFIXES = ("abd", "abu")
_PREFIX_HEADS = frozenset({"ab", "al", "el", "ul", "ol"})  # where a fused prefix or an article can start


def _prefixed(a: str, b: str) -> float:
    """"Abdul Abbas" (fused "abdabbas") against plain "Abbas": the same name part, prefixed."""
    for prefix in _FUSED_PREFIXES:
        if a.startswith(prefix) and a[len(prefix):] == b or b.startswith(prefix) and b[len(prefix):] == a:
            return S.prefixed
    return 0.0


SimCache = dict[tuple[str, int], tuple[float, How]]

# One tuple per distinct (similarity, how) value, shared by every memo entry holding it. A tuple holding an enum
# member stays tracked by the cyclic garbage collector, and the similarity memo grows to hundreds of thousands of
# entries: each full collection walked all of them (a 0.3-1 s pause, every time the heap grew by a quarter).
_SIM_VALUES: dict[tuple[float, How], tuple[float, How]] = {}
_SIM_VALUES_MAX = 200_000  # distinct values kept; past it a value is memoised unshared (correct, only tracked)


def remembered_sim(cache: SimCache, key: tuple[str, int], q: Token, c: Token, known: Callable[[str], int] | None) -> tuple[float, How]:
    """`token_sim(q, c)` memoised in `cache` under `key` (the caller looked it up and missed), as a shared value."""
    return remember_sim(cache, key, token_sim(q, c, known))


def remember_sim(cache: SimCache, key: tuple[str, int], found: tuple[float, How]) -> tuple[float, How]:
    """Memoise a similarity found elsewhere (`token_sim`, or stored with the index) as a shared value."""
    shared = _SIM_VALUES.get(found)
    if shared is None:
        shared = found
        if len(_SIM_VALUES) < _SIM_VALUES_MAX:
            _SIM_VALUES[found] = found
    cache[key] = shared
    return shared


Link = tuple[tuple[int, ...], tuple[int, ...], float, How, float]  # query indices, candidate indices, sim, how, weight
Alignment = tuple[float, list[Link], set[int], set[int], list[str]]  # score, links, query and candidate indices used, notes


def score_names(
    query: tuple[Token, ...],
    candidate: tuple[Token, ...],
    qw: list[float],
    cw: list[float],
    cache: SimCache | None = None,
    ordered: bool = False,
    person: bool = False,
    known: Callable[[str], int] | None = None,
    surname_first: tuple[bool, bool] = (False, False),
) -> NameScore:
    """Align two token sequences and score them (weights given per token), with the evidence.

    `cache` memoises token similarities across candidates and queries.
    `ordered` says both names carry filiation (bin/ibn) in natural order, so
    the first parts must align with each other.
    `surname_first`: whether the query and the candidate were written "SURNAME, Given" (`AnalyzedName.surname_first`).
    """
    return name_score(query, candidate, qw, cw, align(query, candidate, qw, cw, cache, ordered, person, known, surname_first))


def name_score(query: tuple[Token, ...], candidate: tuple[Token, ...], qw: list[float], cw: list[float], aligned: Alignment) -> NameScore:
    """The evidence of an alignment `align` made of these two token sequences with these weights."""
    score, links, used_q, used_c, notes = aligned
    pairs = tuple(
        Pair(tuple(query[i] for i in qi), tuple(candidate[j] for j in cj), sim, how, weight) for qi, cj, sim, how, weight in links
    )
    unmatched_q = tuple((query[i], qw[i]) for i in range(len(query)) if i not in used_q)
    unmatched_c = tuple((candidate[j], cw[j]) for j in range(len(candidate)) if j not in used_c)
    return NameScore(score, pairs, unmatched_q, unmatched_c, tuple(notes))


def align(
    query: tuple[Token, ...],
    candidate: tuple[Token, ...],
    qw: list[float],
    cw: list[float],
    cache: SimCache | None = None,
    ordered: bool = False,
    person: bool = False,
    known: Callable[[str], int] | None = None,
    surname_first: tuple[bool, bool] = (False, False),
) -> Alignment:
    """The scorer's raw alignment, its score first (the arguments as `score_names` takes them).

    What ranking needs; screening keeps it for the names it returns, whose evidence `name_score` then builds
    without aligning them again."""
    used_q: set[int] = set()
    used_c: set[int] = set()
    links: list[Link] = []
    if not query or not candidate:
        return 0.0, links, used_q, used_c, []
    # Fused vs split compounds first, where the fused form reads exactly alike
    # ("RamiMakhlouf" / "Rami Makhlouf"), before a partial pair claims the tokens.
    if len(query) != len(candidate) and _may_fuse(query, candidate):
        links.extend(_compound_links(query, candidate, qw, cw, used_q, used_c, strict=True))
        if max(len(query), len(candidate)) >= 3:
            links.extend(_triple_links(query, candidate, qw, cw, used_q, used_c))
    if not person and (any(token.initial for token in query) or any(token.initial for token in candidate)):
        links.extend(_letter_run_links(query, candidate, qw, cw, used_q, used_c))
    options: list[tuple[float, float, int, int, How]] = []
    for i, q in enumerate(query):
        if i in used_q:
            continue
        for j, c in enumerate(candidate):
            if j in used_c:
                continue
            if cache is None:
                sim, how = token_sim(q, c, known)
            else:
                key = (q.sig, id(c))
                found = cache.get(key)
                if found is None:
                    found = remembered_sim(cache, key, q, c, known)
                sim, how = found
            if sim >= PAIR_MIN or how == How.INITIAL:
                options.append((-sim, -(qw[i] + cw[j]), i, j, how))
    if options:
        options.sort()
        for negative_sim, _, i, j, how in options:
            if i in used_q or j in used_c:
                continue
            used_q.add(i)
            used_c.add(j)
            weight = max(qw[i], cw[j]) * S.initial_weight if how == How.INITIAL else (qw[i] + cw[j]) / 2
            links.append(((i,), (j,), -negative_sim, how, weight))
    last = len(query) - 1
    if last not in used_q and len(used_c) < len(candidate) and len(query[last].text) >= S.truncated_min_letters:
        links.extend(_truncated_link(query, candidate, qw, cw, used_q, used_c, known))
    if len(used_q) < len(query) and len(used_c) < len(candidate):
        links.extend(_compound_links(query, candidate, qw, cw, used_q, used_c, strict=False))
    if len(used_q) < len(query) and len(used_c) < len(candidate) and abs(len(query) - len(candidate)) >= 1:
        anchored = any(not _generic_link(query, candidate, link) for link in links)
        links.extend(_acronym_links(query, candidate, qw, cw, used_q, used_c, person, anchored))
    if any(how == How.COMPOUND for _, _, _, how, _ in links):
        links = _absorb_prefixes(query, candidate, links, used_q, used_c)
        links = _drop_other_compounds(query, candidate, links, used_q, used_c)
    unmatched_q = [i for i in range(len(query)) if i not in used_q]
    unmatched_c = [j for j in range(len(candidate)) if j not in used_c]
    matched = 0.0
    linked = 0.0
    for _, _, sim, _, weight in links:
        matched += weight * sim
        linked += weight
    real_q = [i for i in unmatched_q if not query[i].initial]
    real_c = [j for j in unmatched_c if not candidate[j].initial]
    # An initial left over beside an unmatched name on the other side disagrees with it
    # ("V. Putin" / "Igor Putin"): agreeing initials would have been linked above.
    # Generic organisation words never make two names conflict ("X Group" / "X Airlines").
    conflict = bool(unmatched_q) and bool(unmatched_c)
    if conflict and not person:
        conflict = any(not query[i].generic for i in unmatched_q) and any(not candidate[j].generic for j in unmatched_c)
    numbered_one = False  # "Bowne Global Solutions II" / "Bowne Global Solutions": a numbered entity of a series is another one
    if not conflict and not person and links and _number_left(query, candidate, unmatched_q, unmatched_c):
        conflict = numbered_one = True
    serials = _serials_only(query, candidate, links, unmatched_q, unmatched_c) if conflict and not person else None
    series = serials is Serials.OTHER
    same_serial = serials is Serials.SAME  # "Fund X" / "Fund 10", "HYOK SIN 02" / "HYOK SIN 2": one number
    if serials is not None:
        conflict = False
    for qi, cj, _, how, _ in links:
        # "Ahmed Johnson" / "Edward A. Johnson": the initial stands for a middle name while the
        # given names, Ahmed and Edward, disagree.
        if how == How.INITIAL and ((query[qi[0]].initial and real_q) or (candidate[cj[0]].initial and real_c)):
            conflict = True
    if person and (unmatched_c or unmatched_q) and (_half_matched(candidate, used_c, unmatched_c, known) or _half_matched(query, used_q, unmatched_q, known)):
        # "Smith" is not "Pridmore-Smith": half of a hyphenated name left over is a different name.
        conflict = True
    missing = 0.0  # distinctive parts left over
    sectors = 0.0  # sector words left on both sides: counted whole
    generic = 0.0  # other generic words left over: counted like an extra part, at their small weight
    if real_q or real_c:
        patronymic_q = conflict and any(is_patronymic(candidate[j].text) for j in real_c)
        patronymic_c = conflict and any(is_patronymic(query[i].text) for i in real_q)
        # Different sector words left on both sides (X Travel / X Air): a soft sign of two companies.
        sector_q = not person and any(query[i].generic.startswith("sector") for i in real_q)
        sector_c = not person and any(candidate[j].generic.startswith("sector") for j in real_c)
        for tokens, weights, left, other_sector, patronymic, written_surname_first in (
            (query, qw, real_q, sector_c, patronymic_q, surname_first[0]),
            (candidate, cw, real_c, sector_q, patronymic_c, surname_first[1]),
        ):
            places: set[str] = set()
            for k in left:
                token = tokens[k]
                if same_serial and _numeral(token):
                    continue  # the same number written another way: agreed, at no cost
                if token.generic_kind == PLACE:
                    if token.generic in places:
                        continue  # "(Middle East)": one place, counted once
                    places.add(token.generic)
                if series and _numeral(token):
                    generic += min(weights[k], S.generic_weight)  # the series' serial: it tells members apart, not sponsors
                elif not token.generic:
                    cost = max(weights[k], _floor(token, patronymic))
                    if (
                        person
                        and not conflict
                        and cost > S.patronymic_omitted
                        and sole_patronymic(tokens, k, written_surname_first)
                        and not _slip_between_known(query, candidate, links, known)
                    ):
                        # "Armen Gasparyan" / "Armen Sumbatovich GASPARYAN": the patronymic is left out of most
                        # Latin-script records, so its absence says little, whatever the father's name.
                        cost = S.patronymic_omitted
                    missing += cost
                elif other_sector and token.generic.startswith("sector"):
                    sectors += max(weights[k], S.sector_conflict)
                else:
                    generic += weights[k]
    initials = 0.0
    if series:
        generic += sum(min(weights[k], S.generic_weight) for tokens, weights, left in ((query, qw, unmatched_q), (candidate, cw, unmatched_c)) for k in left if tokens[k].initial)
    elif not same_serial and (len(real_q) < len(unmatched_q) or len(real_c) < len(unmatched_c)):
        initials = _initials_cost(query, candidate, qw, cw, unmatched_q, unmatched_c)
    # One name holding all of the other is weaker evidence when it rests on a single part.
    subset = S.subset_cost if person else S.org_subset_cost
    factor = S.conflict_cost if conflict else subset if len(links) >= 2 else max(subset, S.single_part_cost)
    total = linked + factor * missing + S.org_subset_cost * generic + sectors + (S.conflict_cost if conflict else S.subset_cost) * initials
    score = matched / total if total > 0 else 0.0
    notes: list[str] = []
    if conflict:
        notes.append("both names have parts the other lacks")
    if not person and links:
        distinctive = [link for link in links if not _generic_link(query, candidate, link)]
        # A list name of generic words only ("Universal Shipping and Transportation") is matched on
        # them; a name with a distinctive word must agree on one.
        if not distinctive and not all(token.generic for token in candidate):
            score = min(score, S.generic_only_cap)
            notes.append("only generic words agree")
        elif not distinctive and any(_other_form(query, candidate, link, known) for link in links) and score > S.org_known_typo_cap:
            # A name of generic words only is identified by its words as written: "Worldwide Shipping"
            # is not "Universal Shipping", though the lists treat the two words as one class elsewhere.
            # One spelling of one word is still that word (Defense/Defence, Organization/Organisation).
            score = S.org_known_typo_cap
            notes.append("a name of generic words only, written with other words")
        elif distinctive and known is not None and all(_other_word(query[qi[0]], candidate[cj[0]], how, known) for qi, cj, _, how, _ in distinctive) and score > S.org_known_typo_cap:
            score = S.org_known_typo_cap
            notes.append("the distinctive words are other words, not a slip of one")
    # Letters written apart that spell the other name's word ("A B C" / "ABC", How.COMPOUND) are that word, not initials.
    if (
        links
        and (links[0][3] == How.INITIAL or (links[0][3] != How.COMPOUND and query[links[0][0][0]].initial))
        and all(how == How.INITIAL or (how != How.COMPOUND and all(query[i].initial for i in qi)) for qi, _, _, how, _ in links)
    ):
        score = min(score, S.initials_only_cap)
        notes.append("only initials agree")
    if score > S.syllables_partial_cap and (
        (unmatched_q or unmatched_c)
        and (any(token.script == "cjk" for token in query) or any(token.script == "cjk" for token in candidate))
        # In Latin letters too ("Chen Zhang" / "Chang Chin Sung"), a syllable of the list name must not be left over,
        # whether or not the query reads as Chinese ("Wei Khan" / "WEI Ta Han"); a query holding the whole list name
        # and more ("Lin Zuoyou Hailun" / "Lin Zuoyou") is an added name part.
        or (unmatched_c and _chinese_reading(candidate))
    ):
        score = S.syllables_partial_cap  # a Chinese or Korean name of two or three syllables needs every one
        notes.append("a part of the Chinese or Korean name is not matched")
    if series:
        score = min(score, S.number_series_cap)
        notes.append("another number of the same series")
    if same_serial:
        notes.append("the same number written another way")
    if not person and (unmatched_q or unmatched_c) and (_holds_place(query) or _holds_place(candidate)):
        place_q, place_c = _places_apart(query, candidate, unmatched_q, unmatched_c)
        if place_q and place_c and score > S.place_other_cap:
            score = S.place_other_cap  # "X (France)" / "X (Germany)": two local companies of the group, neither owns the other
            notes.append("the names give other countries in brackets: sister companies of the group")
        elif (place_q or place_c) and score > S.place_qualifier_cap:
            score = S.place_qualifier_cap  # "Deutsche Bank (Schweiz) AG" / "Deutsche Bank AG": the group's local company
            notes.append("a country in brackets only one name holds: another company of the group")
    if numbered_one and score > S.number_one_side_cap:
        score = S.number_one_side_cap
        notes.append("a number only one name holds: another of its series")
    if person and conflict and score > S.last_part_conflict_cap and _last_parts_differ(query, candidate, unmatched_q, unmatched_c):
        score = S.last_part_conflict_cap
        notes.append("the last name parts differ")
    if person and score > S.bridged_subset_cap and any(not is_patronymic(candidate[j].text) for j in real_c) and _only_bridged(links):
        # A father's name the query leaves out is no part more: "Sergejs Lavrovs" is Sergey Viktorovich LAVROV.
        score = S.bridged_subset_cap
        notes.append("every part agrees only through a spelling, and the list name has a part more")
    if person and score > S.one_part_cap and sum(len(qi) for qi, _, _, _, _ in links) == 1 and sum(1 for t in query if not t.initial) >= 2:
        score = S.one_part_cap
        notes.append("only one name part agrees")
    if ordered and _swapped(links):
        score *= S.swapped_filiation
        notes.append("given name and father's name are swapped")
    return score, links, used_q, used_c, notes


_BRIDGES = frozenset({How.TRANSLITERATION, How.TYPO})  # a spelling that makes two written words one name


def _only_bridged(links: list[Link]) -> bool:
    """Every part linked, initials aside, agrees through a spelling bridge and none is written alike (or is the same name
    in another language, the same letters fused, or a script's reading)."""
    bridged = False
    for _, _, _, how, _ in links:
        if how == How.INITIAL:
            continue
        if how not in _BRIDGES:
            return False
        bridged = True
    return bridged


def _number_left(query: tuple[Token, ...], candidate: tuple[Token, ...], unmatched_q: list[int], unmatched_c: list[int]) -> bool:
    """A number only one organisation name holds: funds, trusts and vessels of one name are told apart by it."""
    return any(query[i].number for i in unmatched_q) or any(candidate[j].number for j in unmatched_c)


class Serials(Enum):
    """What two names' left-over serials say, when serials are all they disagree on."""

    SAME = "same"  # one number written two ways: "Fund X" / "Fund 10", "HYOK SIN 02" / "HYOK SIN 2"
    OTHER = "other"  # two members of one series: "Fund XII" / "Fund XIII"


def _serials_only(
    query: tuple[Token, ...], candidate: tuple[Token, ...], links: list[Link], unmatched_q: list[int], unmatched_c: list[int]
) -> Serials | None:
    """Both names numbered, agreeing on every distinctive word: the same number written two ways, or two of one
    series; None when anything else is left over."""
    left_q = [query[i] for i in unmatched_q if not query[i].generic]
    left_c = [candidate[j] for j in unmatched_c if not candidate[j].generic]
    if not (
        left_q and left_c
        and all(_numeral(token) for token in left_q + left_c)
        and any(not token.initial for token in left_q + left_c)
        and any(not query[qi[0]].generic and not query[qi[0]].number for qi, _, _, _, _ in links)
    ):
        return None
    return Serials.SAME if sorted(map(_serial_value, left_q)) == sorted(map(_serial_value, left_c)) else Serials.OTHER


def _serial_value(token: Token) -> int:
    return (roman_letter(token.text) or 0) if token.initial else int(token.text)


def _numeral(token: Token) -> bool:
    """A serial: a small number, or a letter that is a Roman numeral ("Fund X" beside "Fund XI": read alone, X is an
    initial). A large number is a designator, the name itself (Unit 61398 is not Unit 8200)."""
    if token.initial:
        return roman_letter(token.text) is not None
    return token.number and token.text.isascii() and token.text.isdigit() and int(token.text) <= S.serial_largest


def _last_parts_differ(query: tuple[Token, ...], candidate: tuple[Token, ...], unmatched_q: list[int], unmatched_c: list[int]) -> bool:
    """Each name ends in a part the other lacks: a family, tribal or place name ("... Taha al-Mosuli" / "... Taha
    al-Rawi"). However many given and father's names agree before it, two families are two people."""
    last_q, last_c = len(query) - 1, len(candidate) - 1
    return (
        last_q in unmatched_q and last_c in unmatched_c
        and not query[last_q].initial and not candidate[last_c].initial
        and len(query) >= 2 and len(candidate) >= 2
    )


def _initials_cost(
    query: tuple[Token, ...], candidate: tuple[Token, ...], qw: list[float], cw: list[float], unmatched_q: list[int], unmatched_c: list[int]
) -> float:
    """Cost weight of initials left unmatched: their own small weight, unless both names keep one.

    "William G. Frost" / "William W. Frost": two different middle initials name two
    people (George H. W. Bush is not George W. Bush), so each then costs at least
    `initials_conflict`; a middle initial only one name gives is an extra part.
    """
    left = [qw[i] for i in unmatched_q if query[i].initial]
    right = [cw[j] for j in unmatched_c if candidate[j].initial]
    if left and right:
        return sum(max(weight, S.initials_conflict) for weight in left + right)
    return sum(left) + sum(right)


def _other_word(q: Token, c: Token, how: How, known: Callable[[str], int]) -> bool:
    """An organisation's distinctive word met only by a slip that makes it another word.

    A word's first letter is the one people rarely mistype: words apart at the
    first letter are two names when both are words the lists use (Tehran / Behran)
    or when a second slip is needed too (Lantern / Santers). Slips after the first
    letter (China / Chima, Trafalgura / Trafigura) are still read as typos.
    """
    if how != How.TYPO or q.text[:1] == c.text[:1]:
        return False
    return bool(known(q.text) and known(c.text)) or OSA.distance(q.text, c.text, score_cutoff=2) >= 2


def _half_matched(tokens: tuple[Token, ...], used: set[int], unmatched: list[int], known: Callable[[str], int] | None) -> bool:
    """Part of a hyphenated surname is matched and another part, a name the lists use, is not.

    Short parts ("al-", "-un", "-ud") are articles and syllables more often than names: they do not count.
    """
    for j in unmatched:
        group = tokens[j].hyphen
        if group and len(tokens[j].text) >= 4 and (known is None or known(tokens[j].text)) and any(tokens[k].hyphen == group for k in used):
            return True
    return False


def _truncated_link(
    query: tuple[Token, ...],
    candidate: tuple[Token, ...],
    qw: list[float],
    cw: list[float],
    used_q: set[int],
    used_c: set[int],
    known: Callable[[str], int] | None,
) -> list[Link]:
    """The query's last word cut short: "MOHAMMAD BAQER QALIB" at the end of a 35-character name line.

    Only a name long enough to have met a field's end (`truncated_min_length`
    letters written) is read as cut: a short name's last word is whole, and a stem
    is often a surname of its own (Bondar / Bondarenko, Nowak / Nowakowski). Only
    the last word can be cut, only to a start of at least `truncated_min_letters`,
    and never when the cut word is itself a name the
    lists use ("Rich" is a name, not "Richardson" cut short).
    """
    last = len(query) - 1
    cut = query[last]
    if cut.script != "latin" or cut.abjad or cut.initial or cut.number or (known is not None and known(cut.text)):
        return []
    if sum(len(token.original or token.text) for token in query) + last < S.truncated_min_length:
        return []
    for j, whole in enumerate(candidate):
        if j in used_c or whole.script != "latin" or len(whole.text) <= len(cut.text):
            continue
        if whole.text.startswith(cut.text):
            used_q.add(last)
            used_c.add(j)
            return [((last,), (j,), S.truncated, How.TRUNCATED, (qw[last] + cw[j]) / 2)]
    return []


def _other_form(query: tuple[Token, ...], candidate: tuple[Token, ...], link: Link, known: Callable[[str], int] | None = None) -> bool:
    """A link between two generic words of one class that are other words, not one word spelt two ways.

    One slip apart, they are one word (Defense / Defence). Two slips apart in a word of ten letters or
    more, they are one word misspelt when the query's word is none the lists use ("Interationzl" for
    International, read as generic by match/generic_slips.py); two words the lists use are two words
    (Industrial / Industries).
    """
    qi, cj, _, how, _ = link
    if how != How.GENERIC:
        return False
    left, right = query[qi[0]].text, candidate[cj[0]].text
    edits = OSA.distance(left, right, score_cutoff=3)
    if edits <= 1:
        return False
    misspelt = edits <= generic_slips_allowed(min(len(left), len(right))) and left[0] == right[0] and known is not None and not known(left)
    return not misspelt


def _holds_place(tokens: tuple[Token, ...]) -> bool:
    """A name gives a bracketed place (asked of every alignment that leaves a word over: the cheap test first)."""
    return any(token.generic_kind == PLACE for token in tokens)


def _places_apart(query: tuple[Token, ...], candidate: tuple[Token, ...], unmatched_q: list[int], unmatched_c: list[int]) -> tuple[bool, bool]:
    """Whether each name gives a bracketed place the other does not: both for two countries ("(Guinea)" /
    "(Guinea-Bissau)", whose shared word links across them), one for a place only one name gives, its words left over.

    A place both give, in any of its spellings ("(United Kingdom)" / "(UK)"), is no difference."""
    places_q = {token.generic for token in query if token.generic_kind == PLACE}
    places_c = {token.generic for token in candidate if token.generic_kind == PLACE}
    if not places_q and not places_c:
        return False, False
    other_q, other_c = places_q - places_c, places_c - places_q
    if other_q and other_c:
        return True, True
    return (
        any(query[i].generic in other_q for i in unmatched_q),
        any(candidate[j].generic in other_c for j in unmatched_c),
    )


def generic_slips_allowed(letters: int) -> int:
    """Slips a generic word of `letters` letters may take and stay that word: one, two from `generic_slip_two_from`."""
    return 2 if letters >= S.generic_slip_two_from else 1


def _generic_link(query: tuple[Token, ...], candidate: tuple[Token, ...], link: Link) -> bool:
    """A link that rests on generic words only. A fused word holding a distinctive word and a generic one
    ("Mahroustrading" for Mahrous Trading) rests on the distinctive one: it is a distinctive link."""
    qi, cj, _, _, _ = link
    # A fused word is never marked generic itself: what it stands for on the other side decides.
    return all(query[i].generic for i in qi) or all(candidate[j].generic for j in cj)


def _slip_between_known(query: tuple[Token, ...], candidate: tuple[Token, ...], links: list[Link], known: Callable[[str], int] | None) -> bool:
    """Some one-to-one link is a slip (How.TYPO) between two words the lists use (`Index.word_count`): Shevchenko /
    Savchenko, Melnikov / Melikov. Such a name gets no excuse for a patronymic it lacks (`patronymic_omitted`): the
    match is doubtful already, and the patronymic's weight was what kept it a near miss."""
    if known is None:
        return False
    return any(
        how == How.TYPO and len(qi) == 1 and len(cj) == 1 and bool(known(query[qi[0]].text)) and bool(known(candidate[cj[0]].text))
        for qi, cj, _, how, _ in links
    )


def _floor(token: Token, patronymic_conflict: bool) -> float:
    """Minimum cost weight of an unmatched token.

    Patronymics are common words ("Viktorovich"), but two different ones mean
    two different fathers: in a conflict they weigh like a rare name. A bare
    compound prefix ("Abu" left over from "Turab Abu") costs only its weight.
    """
    if patronymic_conflict and is_patronymic(token.text):
        return S.patronymic_conflict
    if token.text in _FUSED_PREFIXES or token.text == "abdul":
        return 0.0
    return S.unmatched_floor


def _swapped(links: list[Link]) -> bool:
    """The first part of each name is aligned with a later part of the other."""
    for qi, cj, _, _, _ in links:
        if 0 in qi and 0 not in cj:
            return any(0 in other_c and 0 not in other_q for other_q, other_c, _, _, _ in links)
    return False


def _may_fuse(query: tuple[Token, ...], candidate: tuple[Token, ...]) -> bool:
    """Cheap test: does some token begin with a token of the other name (a fused pair)?"""
    for one, many in ((query, candidate), (candidate, query)):
        longs = [token.text[:3] for token in one if len(token.text) >= 5]
        if longs and not {token.text[:3] for token in many if len(token.text) >= 3}.isdisjoint(longs):
            return True
    return False


def _concat(tokens: tuple[Token, ...]) -> Token:
    return make_token(
        "".join(t.text for t in tokens),
        " ".join(t.original for t in tokens),
        abjad=any(t.abjad for t in tokens),
        script=tokens[0].script,
    )


def _absorb_prefixes(
    query: tuple[Token, ...], candidate: tuple[Token, ...], links: list[Link], used_q: set[int], used_c: set[int]
) -> list[Link]:
    """A standing "Abu" beside "Tariq", against a fused "Abutariq": the prefix is part of the pair."""
    out: list[Link] = []
    for link in links:
        qi, cj, sim, how, weight = link
        if how == How.COMPOUND and len(qi) == 1 and len(cj) == 1:
            fused_q = query[qi[0]].text.startswith(_FUSED_PREFIXES) and len(query[qi[0]].text) > len(candidate[cj[0]].text)
            indices: tuple[int, ...]
            side, used, indices = (candidate, used_c, cj) if fused_q else (query, used_q, qi)
            fused = query[qi[0]] if fused_q else candidate[cj[0]]
            for k, token in enumerate(side):
                if k not in used and token.text in _FUSED_PREFIXES and fused.text.startswith(token.text):
                    used.add(k)
                    indices = tuple(sorted(indices + (k,)))
                    qi, cj = (qi, indices) if fused_q else (indices, cj)
                    sim = max(sim, S.absorbed_prefix)
                    break
        out.append((qi, cj, sim, how, weight))
    return out


def _drop_other_compounds(
    query: tuple[Token, ...], candidate: tuple[Token, ...], links: list[Link], used_q: set[int], used_c: set[int]
) -> list[Link]:
    """"Abdul Mohammad" against "Shah Mohammad": two compound names sharing their second part are two names.

    A fused "Abd"/"Abu" name pairs with its bare second part ("Abdulabbas" / "Abbas")
    when the bare name stands alone; when a word of its own, left unmatched, stands
    before it (Wali, Shah, Dost, Gul Mohammad), that word is the other compound's
    first part, and the two are different names.
    """
    out: list[Link] = []
    for link in links:
        qi, cj, _, how, _ = link
        if how == How.COMPOUND and len(qi) == 1 and len(cj) == 1:
            q, c = query[qi[0]], candidate[cj[0]]
            if len(q.text) > len(c.text) and q.text.startswith(_FUSED_PREFIXES):
                bare, index, used = candidate, cj[0], used_c
            elif len(c.text) > len(q.text) and c.text.startswith(_FUSED_PREFIXES):
                bare, index, used = query, qi[0], used_q
            else:
                out.append(link)
                continue
            before = index - 1
            # A word before it that holds the prefix itself ("Abdul Haqqani Manan" / "Abdul Manan") took the
            # prefix from this name: a name inserted between, not another compound.
            if before >= 0 and before not in used and not bare[before].initial and not bare[before].text.startswith(_FUSED_PREFIXES):
                used_q.discard(qi[0])
                used_c.discard(cj[0])
                continue
        out.append(link)
    return out


_JOINED: dict[tuple[str, str], Token] = {}


def _joined(first: Token, second: Token) -> Token:
    """Two tokens read as one word, memoised (conflicting names try this often)."""
    key = (first.sig, second.sig)
    token = _JOINED.get(key)
    if token is None:
        if len(_JOINED) > 100_000:
            _JOINED.clear()
        token = _JOINED[key] = _concat((first, second))
    return token


_JOINED_SIMS: dict[tuple[str, str], float] = {}


def _joined_sim(joined: Token, single: Token) -> float:
    key = (joined.sig, single.sig)
    sim = _JOINED_SIMS.get(key)
    if sim is None:
        if len(_JOINED_SIMS) > 200_000:
            _JOINED_SIMS.clear()
        sim = _JOINED_SIMS[key] = token_sim(joined, single, None)[0]
    return sim


def _spellings(token: Token) -> list[str]:
    return [key[1:] for key in token.keys if key[:1] == "~"] or [token.text]


def _syllables_fuse(first: Token, second: Token, single: Token) -> bool:
    """Two syllables against one word (or one syllable against two words), through their spellings only."""
    if single.script == "cjk":
        return first.text + second.text in _spellings(single)
    text = single.text
    seconds = _spellings(second)
    return any(text.startswith(a) and text[len(a) :] in seconds for a in _spellings(first))


_VOWELS = frozenset("aeiouy")


def _acronym_links(
    query: tuple[Token, ...],
    candidate: tuple[Token, ...],
    qw: list[float],
    cw: list[float],
    used_q: set[int],
    used_c: set[int],
    person: bool,
    anchored: bool = False,
) -> list[Link]:
    """One word spelled by the initials of consecutive words of the other name, both left unaligned.

    "PLA" / "People's Liberation Army", "U.S." / "United States": an organisation's
    acronym is another way of writing its name (particles such as "of" are skipped,
    as acronyms skip them), so it must account for every distinctive word the other
    name does not share otherwise. A person's initialism stands for given names only when
    it cannot be read as a name itself, having no vowel ("JC" / "Jean-Claude"), and
    counts as initials do: a surname must agree too. An organisation's acronym of two letters counts only
    beside a distinctive word the names already share (`anchored`): alone, it spells hundreds of names.
    """
    found: list[Link] = []
    for side_one, side_many, w_one, w_many, used_one, used_many, one_is_query in (
        (query, candidate, qw, cw, used_q, used_c, True),
        (candidate, query, cw, qw, used_c, used_q, False),
    ):
        for i, token in enumerate(side_one):
            size = len(token.text)
            if i in used_one or size > len(side_many) or not may_abbreviate(token):
                continue
            if person and (size > 3 or not _VOWELS.isdisjoint(token.text)):
                continue
            if not person and size < ORG_ACRONYM_MIN and not anchored:
                continue  # two letters alone spell hundreds of names; beside an agreeing word ("U.S. Department of State") they may
            for start in range(len(side_many) - size + 1):
                run = range(start, start + size)
                if any(j in used_many or not may_give_initial(side_many[j]) for j in run):
                    continue
                if initials([side_many[j] for j in run]) != token.text:
                    continue
                if sum(1 for j in run if not side_many[j].generic) < ACRONYM_DISTINCTIVE:
                    continue  # "MA" is no acronym of Mahan Air: a generic word is no part of a name to abbreviate
                if any(j not in used_many and not side_many[j].generic for j in range(len(side_many)) if j not in run):
                    break  # initials of part of a name ("IRG" in Islamic Revolutionary Guard Corps) are no acronym of it
                used_one.add(i)
                used_many.update(run)
                many = tuple(run)
                if person:
                    sim, how, weight = S.initial, How.INITIAL, sum(w_many[j] for j in run)
                else:
                    sim, how, weight = S.acronym, How.ACRONYM, (w_one[i] + sum(w_many[j] for j in run)) / 2
                found.append(((i,), many, sim, how, weight) if one_is_query else (many, (i,), sim, how, weight))
                break
    return found


def _letter_run_links(
    query: tuple[Token, ...], candidate: tuple[Token, ...], qw: list[float], cw: list[float], used_q: set[int], used_c: set[int]
) -> list[Link]:
    """"M P Trading" / "MP Trading": an organisation's letters written apart are the word they spell written together.

    Only a run of letters (acronyms.letter_runs), against one word of exactly those letters: the letters of a run
    are one designation ("A B C Company"), and a word merely starting with the first letter stays an initial's
    match ("M. Trading" / "MP Trading" is not this).
    """
    return _runs_as_one_word(query, candidate, qw, cw, used_q, used_c, lambda tokens: [tuple(range(start, end)) for start, end in letter_runs(tokens)])


def _triple_links(
    query: tuple[Token, ...], candidate: tuple[Token, ...], qw: list[float], cw: list[float], used_q: set[int], used_c: set[int]
) -> list[Link]:
    """Three adjacent words against one word of exactly their letters: "Plat Ono Vich" / "Platonovich".

    Only as written: a word cut in three keeps every letter, and three short words
    that merely resemble a long one are no evidence of it.
    """

    def triples(tokens: tuple[Token, ...]) -> list[tuple[int, ...]]:
        return [(i, i + 1, i + 2) for i in range(len(tokens) - 2) if not any(token.initial or token.number for token in tokens[i : i + 3])]

    return _runs_as_one_word(query, candidate, qw, cw, used_q, used_c, triples)


def _runs_as_one_word(
    query: tuple[Token, ...],
    candidate: tuple[Token, ...],
    qw: list[float],
    cw: list[float],
    used_q: set[int],
    used_c: set[int],
    runs_of: Callable[[tuple[Token, ...]], list[tuple[int, ...]]],
) -> list[Link]:
    """Link each run of adjacent tokens (from `runs_of`, on either side) to a word of the other side written with
    exactly the run's letters, as a compound; a token is linked once."""
    found: list[Link] = []
    for side_many, side_one, w_many, w_one, used_many, used_one, many_is_query in (
        (query, candidate, qw, cw, used_q, used_c, True),
        (candidate, query, cw, qw, used_c, used_q, False),
    ):
        for run in runs_of(side_many):
            if any(k in used_many for k in run):
                continue
            letters = "".join(side_many[k].text for k in run)
            for j, single in enumerate(side_one):
                if j not in used_one and not single.initial and single.text == letters:
                    used_many.update(run)
                    used_one.add(j)
                    weight = (max(w_many[k] for k in run) + w_one[j]) / 2
                    found.append((run, (j,), S.compound_exact, How.COMPOUND, weight) if many_is_query else ((j,), run, S.compound_exact, How.COMPOUND, weight))
                    break
    return found


def _compound_links(
    query: tuple[Token, ...],
    candidate: tuple[Token, ...],
    qw: list[float],
    cw: list[float],
    used_q: set[int],
    used_c: set[int],
    strict: bool,
) -> list[Link]:
    """Two adjacent tokens on one side against one token on the other."""
    found: list[Link] = []
    for side_many, side_one, w_many, w_one, used_many, used_one, many_is_query in (
        (query, candidate, qw, cw, used_q, used_c, True),
        (candidate, query, cw, qw, used_c, used_q, False),
    ):
        for i in range(len(side_many) - 1):
            if i in used_many or i + 1 in used_many:
                continue
            first, second = side_many[i], side_many[i + 1]
            if first.initial or first.number or second.initial or second.number:
                continue
            joined_text = first.text + second.text
            for j, single in enumerate(side_one):
                if j in used_one or abs(len(single.text) - len(joined_text)) > 3:
                    continue
                syllables = first.script == "cjk" or second.script == "cjk" or single.script == "cjk"
                if syllables:
                    # Syllables fuse only as written: "jeong" + "eun" is "jongun" only through their spellings.
                    if not _syllables_fuse(first, second, single):
                        continue
                    sim = S.compound_exact if single.text == joined_text else S.romanisation
                elif _readings_fuse(first, second, single):
                    sim = S.compound_exact if single.text == joined_text else S.romanisation
                    syllables = True  # fused by reading: no slip
                elif strict:
                    if single.text != joined_text and OSA.distance(single.text, joined_text) > 1:
                        continue
                    sim = S.compound_exact if single.text == joined_text else S.compound_slip
                else:
                    if single.skel[:1] != (first.skel or second.skel)[:1]:
                        continue  # a fused pair starts where its first word starts
                    joined = _joined(first, second)
                    sim = _joined_sim(joined, single)
                    # A fused pair must also read alike, not only share consonants
                    # ("Ali Khamenei" is not "Lahaman").
                    spelling = Levenshtein.normalized_similarity(joined_text, single.text)
                    if sim < S.compound_min or not (joined.abjad or single.abjad or spelling >= S.compound_spelling):
                        continue
                if not syllables and single.text != joined_text and _lone_syllable(first) and _lone_syllable(second):
                    continue  # two Chinese syllables fuse as written or by reading, never by a slip ("Li Wang" is no "Liang")
                used_many.update((i, i + 1))
                used_one.add(j)
                weight = (max(w_many[i], w_many[i + 1]) + w_one[j]) / 2
                found.append(((i, i + 1), (j,), sim, How.COMPOUND, weight) if many_is_query else ((j,), (i, i + 1), sim, How.COMPOUND, weight))
                break
    return found
