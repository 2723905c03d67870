"""Consonant skeletons: one key for the spellings transliteration systems disagree on.

Persian and Arabic names reach Latin through many systems (q/gh, kh/h, ou/u/o,
e/a/i/ee/y, w/v, j/dj/zh); Cyrillic ones through others (ks/x, iy/y, zh/j).
Dropping vowels, merging the consonant families in `data/skeleton.tsv` and
collapsing doubled letters gives a key those spellings share — and one that an
Arabic-script original (which writes no short vowels) shares too.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from . import tables

_VOWELS = frozenset("aeiou")


@lru_cache(maxsize=1)
def _rules() -> tuple[re.Pattern[str], dict[str, str]]:
    rules = dict(tables.skeleton_rules())
    pattern = re.compile("|".join(re.escape(key) for key in sorted(rules, key=len, reverse=True)))
    return pattern, rules


def _rewrite(text: str) -> str:
    """Apply the rewrites in one left-to-right pass, longest pattern first.

    One pass, so a rewrite never creates a new digraph: "abdkhaliq" becomes
    "abdhaliq" through kh → h, and that "dh" must not then turn into z.
    """
    pattern, rules = _rules()
    return pattern.sub(lambda match: rules[match.group(0)], text)


def skeleton_once(token: str) -> str:
    """`skeleton` without its memo: for strings met once (a word with one letter deleted, the typo search's probes),
    which would otherwise push real words out of it (they held a fifth of a long-running process's memory)."""
    return skeleton.__wrapped__(token)


@lru_cache(maxsize=200_000)
def skeleton(token: str) -> str:
    """Skeleton key of a lower-case Latin token ("ghalibaf" → "klbf")."""
    if not token:
        return ""
    if token.isdigit():
        return token
    text = token
    # A final h after a vowel is silent in Persian/Arabic romanisation (Fatemeh, Abdollah);
    # `final_h_key` gives the reading that keeps it (Saleh for صالح).
    if _silent_final_h(text):
        text = text[:-1]
    if text[0] == "x":
        text = "h" + text[1:]  # Xalil, Xasan: a word-initial x is kh (Uzbek, Azeri); Maxim's is ks
    text = _rewrite(text)
    out: list[str] = []
    previous = ""
    for index, char in enumerate(text):
        doubled = char == previous
        previous = char
        if doubled or char in _VOWELS or char == "|":
            continue  # only letters written twice in a row merge: Mohammad, not Mamluk
        if char in "yw":
            if index == 0:
                out.append("v" if char == "w" else "y")
            continue
        out.append(char)
    return "".join(out)


def _silent_final_h(text: str) -> bool:
    return len(text) > 2 and text.endswith("h") and text[-2] in _VOWELS


_SPLITTABLE = (("sh", "s|h"), ("kh", "k|h"), ("th", "t|h"), ("dh", "d|h"))


def split_digraph_key(token: str) -> str | None:
    """The skeleton that reads sh, kh, th, dh as two letters, if it differs.

    "Ishakzai" is written اسحاقزی: its "sh" is س then ح, not ش.
    """
    if not any(pair in token for pair, _ in _SPLITTABLE):
        return None
    text = token
    for pair, split in _SPLITTABLE:
        text = text.replace(pair, split)
    key = skeleton(text)
    return key if key != skeleton(token) else None


def th_as_s_key(token: str) -> str | None:
    """The skeleton that reads th as s, if it differs: Arabic ث is th in Arabic and s in Persian, Turkish and Urdu
    (Othman / Osman, Uthman / Usman, Haitham / Haisam), and the lists write both."""
    if "th" not in token:
        return None
    key = skeleton(token.replace("th", "s"))
    return key if key != skeleton(token) else None


def final_h_key(token: str) -> str | None:
    """The skeleton that keeps a final h after a vowel (Saleh ~ صالح), if it differs."""
    if not _silent_final_h(token) or token.isdigit():
        return None
    return skeleton(token[:-1]) + "h"


# Central and Northern European transliterations of Cyrillic (German, Scandinavian, Dutch, Polish, Czech, and the
# EU's own aliases) write й, я, ю, ё with j and ш, ч, ж, х as sj, tj, zj, ch: Sergej / Sergei, Jurij / Yury,
# Aljona / Alyona, Sjojgu / Shoigu, Setjin / Sechin, Chodorkovskij / Khodorkovsky. English-style romanisation
# writes j for dzh (Jafar, Majid, Faraj), so a word is read the European way only when it shows a sign no
# English-style spelling has: -ij, -ej, -oj, -uj or -yj after a consonant at its end, a Swedish digraph (sj, tj,
# zj), j after a consonant before a vowel (Natalja, Ljudmila, Vasiljev), the endings -jev- after a vowel (Kesajev,
# Sergejevna: Е after a vowel) and -laj after a vowel (Nikolaj, Mikalaj: -лай), or a word opening with jev (Jevgenij,
# Jevmenov: Ев-, which English-style spellings write Yev or Ev). Left out, because Arabic and Persian
# names have them: other final -aj (Faraj, Siraj, Hajjaj, Hallaj), a diphthong before the j (Freij is not Free), j before i
# (Qatarji is not Qatari), rja (Sirjan, an Iranian city, is not Syrian), nj (Ganjeh, Sanjar, Zanjan) and a j
# before the last vowel (Hajij).
_EUROPEAN_SIGN = re.compile(r"[^aeiouyj][eiouy]j$|sj|tj|zj|[lvbpts]j[aeou]|rj[eou]|[aeiou]jev|^jev|[aeiou]laj$")
# A dj stays dj (дж: Djabrailov, Djeparov; đ: Djordjević, Radjenović, words written with đ or ć), except dje inside a
# word read for its Scandinavian or German signs, where it is дье (Gennadjevitj / Gennadyevich, Arkadjevitj /
# Arkadyevich: the patronymics of Gennady and Arkady, also Arkadjevič); `european_reading`.
_EUROPEAN_READS = {"sjtsj": "shch", "tsch": "ch", "tsj": "ch", "sch": "sh", "ch": "kh", "sj": "sh", "zj": "zh", "tj": "ch", "dje": "dye", "dj": "dj", "j": "y", "w": "v"}
# The letter groups read, longest first (so sjtsj is read whole, not as sj and tsj).
_EUROPEAN_LETTERS = re.compile("|".join(sorted(_EUROPEAN_READS, key=len, reverse=True)))
EUROPEAN_MIN_LETTERS = 5  # shorter words (Raj, Taj, Tej) carry too little to tell the two conventions apart


# Czech, Slovak, Lithuanian and Latvian transliterations (and the EU's aliases in those languages) write ч, ш, ж
# as č, š, ž (Tarasevič, Muraškin, Žukov), which lose their meaning when the accents are folded away (Tarasevic).
# A caron (ď, ť, ň, ľ, ě, ů too) or the Czech and Slovak feminine -ová is itself the sign of such a spelling, in
# which ch is х (Barchatnová / Barkhatnova, Chudaverďan / Khudaverdyan). Upper-case letters hold the digraph's
# place while the rest of the word is read, so the ch of č is not taken for the ch of х. (Turkish and Romanian
# ş, ș and ç are not read so.)
_CARONS = {"č": "C", "ć": "C", "š": "S", "ž": "Z", "ř": "R"}
_CENTRAL_SIGNS = frozenset("čćšžřďťňľěů")
_CARON_READS = {"C": "ch", "S": "sh", "Z": "zh", "R": "rzh"}
_NOT_LETTER = re.compile(r"[^a-zCSZR]")
# Slovak and Czech feminine surnames add -ová to the man's (Mordašov → Mordašovová, Ignatov → Ignatovová) where the
# Russian feminine adds -a (Mordashova): a Russian surname ending (-ov, -ev, -av, -in, -yn) before the -ová says so.
# Without one, -ová is the Russian feminine's own ending with an accent (Barchatnová is Barkhatnova).
_SLOVAK_FEMININE = re.compile(r"(?:ov|ev|av|in|yn)ova$")


def _folded(text: str) -> str:
    return "".join(char for char in unicodedata.normalize("NFKD", text) if not unicodedata.combining(char))


def _caron_marked(token: str, original: str) -> str | None:
    """The token with the original word's carons kept as upper-case marks, if the original writes one and folds to
    the token (a token cut from a longer word, or changed by the tokenizer, is left alone)."""
    lowered = original.lower()
    if _CENTRAL_SIGNS.isdisjoint(lowered) and not lowered.endswith("ová"):
        return None
    if _NOT_LETTER.sub("", _folded(lowered)) != token:
        return None
    marked = _NOT_LETTER.sub("", _folded("".join(_CARONS.get(char, char) for char in lowered)))
    if lowered.endswith("ová") and _SLOVAK_FEMININE.search(marked):
        marked = marked[:-3] + "a"  # Mordašovová is Mordashova: Slovak adds -ová to the man's surname
    return marked


def _read_group(found: re.Match[str], keep_dje: bool) -> str:
    """A letter group of a European spelling as English-style romanisation writes it (`_EUROPEAN_READS`). A word's
    opening dje is дже (Djeparov), and `keep_dje` (a word written with đ or ć: Djordjević, Radjenović) keeps every
    dje: read as dj."""
    group = found.group(0)
    if group == "dje" and (keep_dje or found.start() == 0):
        return "dje"
    return _EUROPEAN_READS[group]


_SOUTH_SLAVIC = re.compile("[đćĐĆ]")


@lru_cache(maxsize=50_000)
def european_reading(token: str, original: str = "") -> str | None:
    """The word as an English-style romanisation writes it, if it reads as a European transliteration of Cyrillic
    ("sjojgu" → "shoygu", "arkadij" → "arkadiy", "michajlovitj" → "mikhaylovich", Tarasevič → "tarasevich"); None if
    it does not. `original`: the word as written, accents and all."""
    marked = _caron_marked(token, original) if original else None
    # đ and ć are Serbo-Croatian (Djordjević: dje is đe); č alone is Czech, Slovak or Lithuanian (Arkadjevič: дье).
    keep_dje = marked is not None and _SOUTH_SLAVIC.search(original) is not None
    if marked is None:
        if len(token) < EUROPEAN_MIN_LETTERS or not _EUROPEAN_SIGN.search(token):
            return None
        marked = token
    read = _EUROPEAN_LETTERS.sub(lambda found: _read_group(found, keep_dje), marked)
    for mark, letters in _CARON_READS.items():
        read = read.replace(mark, letters)
    return read if read != token else None


def european_keys(token: str, original: str = "") -> tuple[str, ...]:
    """The skeletons of the word's European reading (`european_reading`) that differ from its own: with a word-initial
    ye, also without its y (Russian Е opening a word is Je, Ye or E: Jelena / Yelena / Elena, Jevgenij / Evgeny)."""
    read = european_reading(token, original)
    if read is None:
        return ()
    own = skeleton(token)
    keys = (skeleton(read), skeleton(without_initial_y(read)))
    return tuple(key for key in dict.fromkeys(keys) if key != own)


def without_initial_y(text: str) -> str:
    """The word without the y of a word-initial ye (Yevgeny → evgeny): how English-style spellings of Е also write it."""
    return text[1:] if text.startswith("ye") else text


_VOWEL_YEV = re.compile(r"(?<=[aeiou])yev")


def without_vowel_y(text: str) -> str:
    """The word without the y of a ye after a vowel in the surname and patronymic ending -yev- (Kesayev → kesaev,
    Sergeyevna → sergeevna): Russian Е after a vowel, which English-style spellings write ye or e (KESAEV, Kesayev) and
    European ones je (Kesajev)."""
    return _VOWEL_YEV.sub("ev", text) if "yev" in text else text


@lru_cache(maxsize=200_000)
def vowel_skeleton(token: str) -> str:
    """Skeleton that keeps vowels as three classes: a (a, e), o (o, u), i (i, y, and runs holding them).

    Consonant families merge as in `skeleton`, vowels only within their
    transliteration family: Hossein/Husain/Hussein share "hosin", Hasan stays
    "hasan"; Mohammad/Muhammed share "mohamad", Mahmoud stays "mahmod";
    Muller and Miller stay apart.
    """
    if not token or token.isdigit():
        return token
    text = token
    if _silent_final_h(text):
        text = text[:-1]
    if text[0] == "x":
        text = "h" + text[1:]
    text = _rewrite(text)
    out: list[str] = []
    run = ""
    for index, char in enumerate(text):
        vowel = char in _VOWELS or (char in "yw" and index > 0)
        if vowel:
            run += char
            continue
        if run:
            out.append(_vowel_class(run))
            run = ""
        char = "v" if char == "w" else char
        if out and out[-1] == char:
            continue
        out.append(char)
    if run:
        out.append(_vowel_class(run))
    return "".join(out)


def _vowel_class(run: str) -> str:
    if "i" in run or "y" in run or "ee" in run:
        return "i"
    if "o" in run or "u" in run or "w" in run:
        return "o"
    return "a"
