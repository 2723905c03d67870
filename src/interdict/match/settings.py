"""Every number the matcher decides with, in one typed, documented object.

A screening decision must be explainable down to its constants, and a
compliance team tuning its alert rate must find them in one place, each with a
sentence on what moving it trades off. Nothing numeric that shapes a score
lives inside a function body: code reads `SETTINGS.<name>`, and tests and the
benchmarks read the same object.

    >>> from interdict.match.settings import SETTINGS
    >>> SETTINGS.threshold
    0.7

`describe()` lists every value with its help text (printed by the docs and
checked by a test, so a new value without a sentence fails the suite).
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any


def setting(default: Any, help: str) -> Any:
    """A settings field: its default and the sentence on what it trades off."""
    return field(default=default, metadata={"help": help})


@dataclass(frozen=True, slots=True)
class MatchSettings:
    # --- decisions ---------------------------------------------------------------
    threshold: float = setting(0.70, "Score at or above which a hit is a match. Lower catches more spellings and raises more false alerts.")
    cutoff: float = setting(0.50, "Scores above this are listed as near misses (match: false). Lower shows reviewers more candidates and more noise.")
    limit: int = setting(10, "Hits returned per query by default.")
    near_miss_names: int = setting(
        15,
        "Distinct list names (one name on five lists counts once) scored for near misses below the match range. "
        "More costs time on every query and surfaces weaker near misses.",
    )
    match_range_margin: float = setting(
        0.0,
        "Every list name whose retrieval estimate reaches the threshold less this is scored, however many there are, so a "
        "person on many lists cannot crowd out their own entries. Larger finds more matches that retrieval under-rates "
        "(typos, compounds) and costs time on common names: at 0.15 the 99th percentile query scores ~550 names, at 0 ~120.",
    )
    shared_word_check_names: int = setting(
        50,
        "When more list names than this are in a query name's match range, retrieval estimates them again, tighter: "
        "evidence one list word gave to two query words sharing a key (Ahmad / Hamidawi) is taken back (it pairs with "
        "one only), and a query word covers at most the heaviest word of a list name (a rare spelling of a common word, "
        "'Mochammad', weighs more than the Muhammad it found). Lower checks more queries (about 0.3 ms each), higher "
        "leaves more such names to be scored in full.",
    )
    max_scored_names: int = setting(
        3000,
        "Hard ceiling on list names scored for one query name, reached only by queries of very common words; a screen that "
        "reaches it says so in its output.",
    )
    weak_alias_factor: float = setting(0.92, "Multiplier for a match through a weak (low-quality) alias: lists flag these as likely to mislead.")

    # --- token similarity: is this the same name part? ------------------------------
    pair_min: float = setting(0.62, "Below this, two tokens are not the same name part. Lower pairs more slips and more different names.")
    initial: float = setting(0.5, "'A.' for 'Akhtar': an agreeing initial counts this much of the name itself.")
    initial_weight: float = setting(
        0.6,
        "Share of the given name's weight an agreeing initial stands for ('M. R. Obeid' / 'Maher Rebhi Obeid'): the name is "
        "abbreviated, not half missing, so the surname carries more of the match. Higher lets initials weigh like names.",
    )
    equivalent: float = setting(0.72, "The same given name in another language (Juan/John): evidence, not identity.")
    nisba_base_names: int = setting(
        20,
        "List names that must hold a word for it and the word with a nisba's -i added to be two names (Ahmad / Ahmadi): "
        "a given name many people bear. Lower, rare surnames spelt with and without a final i (Qadhaf / Qadhafi, "
        "1 name) part; higher, common pairs (Jafar / Jafari, 40) meet again.",
    )
    nisba_form_names: int = setting(
        10,
        "List names that must hold the word with the nisba's -i for the pair to be two names: a family name many bear "
        "(Ahmadi 49, Rahimi 11). Lower, a company's adjective (Novin / Novini, 2) parts from its word; higher, Rahimi "
        "meets Rahim again.",
    )
    known_names_penalty: float = setting(
        0.15, "Subtracted from a spelling slip between two spellings both found on the lists (Salem/Salek are two names, not one misspelt)."
    )
    translit_same_vowels: tuple[float, float, float] = setting(
        (0.95, 0.9, 0.85),
        "Same consonants and vowel classes (Hossein/Husain), for skeletons of 3+, 2 and 1 consonants: shorter skeletons collide more.",
    )
    translit_vowel_base: tuple[float, float] = setting(
        (0.45, 0.35),
        "Same consonants, vowels of another class (Hossein/Hasan), for skeletons of 4+ and 3 consonants; "
        "translit_vowel_gain times the vowel similarity is added.",
    )
    translit_vowel_gain: float = setting(0.45, "How much agreeing vowels add to a same-consonant pair whose vowel classes differ.")
    abjad_sims: tuple[float, float, float] = setting(
        (0.95, 0.88, 0.7),
        "Arabic/Hebrew script against a reading of it, for skeletons of 4+, 3 and fewer consonants (unwritten vowels make short names ambiguous).",
    )
    slip_one_edit: tuple[float, float] = setting((0.9, 0.8), "One keyboard slip, in words of 5+ letters and of 4 letters.")
    slip_two_edits: tuple[float, float, float] = setting(
        (0.8, 0.72, 0.5), "Two slips, in words of 9+, 6-8 and 4-5 letters (short words two letters apart are usually other names)."
    )
    slip_three_edits: float = setting(0.66, "Three slips, in words of 11+ letters only.")
    truncated: float = setting(
        0.85,
        "The query's last word cut short, the start of the list's word ('Qalib' for 'Qalibaf'): name lines of payments "
        "are cut at 35 characters. Higher lets any unknown word that starts a listed one count as that name.",
    )
    truncated_min_letters: int = setting(3, "Fewest letters a cut word keeps to count (fewer start too many names).")
    truncated_min_length: int = setting(
        30,
        "Characters a name must fill to be read as cut short (payment name lines hold 35). Lower reads short names' "
        "last words as cut, and a surname's stem is often another surname (Bondar / Bondarenko).",
    )
    reversed_word: float = setting(0.9, "A word written backwards (an evasion).")
    article_factor: float = setting(0.97, "An Arabic article written joined to the name ('Alshaer'/'Shaer') keeps this share of the pair.")
    prefixed: float = setting(0.8, "A fused 'abd'/'abu' prefix against the bare name ('Abdulabbas'/'Abbas').")
    compound_exact: float = setting(1.0, "Two words against the same letters written as one ('Nasrallah'/'Nasr Allah').")
    compound_slip: float = setting(0.92, "Two words against one word one slip away from their fusion.")
    compound_min: float = setting(0.85, "A fused pair must reach this similarity to count (else 'Ali Khamenei' could read as 'Lahaman').")
    compound_spelling: float = setting(0.7, "A fused pair must also agree this much in spelling, not only in consonants.")
    acronym: float = setting(
        0.9,
        "An organisation's acronym against the words it abbreviates ('PLA' / 'People's Liberation Army'): strong evidence, "
        "not identity, as many names share initials. Higher lets an acronym alone match more organisations.",
    )
    absorbed_prefix: float = setting(0.95, "A standing 'Abu' beside 'Tariq' against a fused 'Abutariq'.")

    romanisation: float = setting(
        0.95, "A Chinese or Korean syllable against one of its listed romanisations (Gim/Kim, Zhang/Chang): the same syllable."
    )
    syllables_partial_cap: float = setting(
        0.6,
        "Highest score when a syllable of a Chinese or Korean name is left unmatched: such names are two or three whole "
        "syllables and need all of them. Higher lets one differing syllable through (1.9% of non-listed CJK names alerted).",
    )

    # --- costs of aligning two names ------------------------------------------------
    subset_cost: float = setting(
        0.35, "Per unit of rarity weight of person-name parts only one name has, when the other is fully matched (an extra middle name)."
    )
    org_subset_cost: float = setting(
        0.6, "The same for organisation names: an extra word there usually names another company (a subsidiary, a branch)."
    )
    conflict_cost: float = setting(1.0, "Per unit weight of unmatched parts when both names keep parts the other lacks (Mojtaba vs Ali Khamenei).")
    unmatched_floor: float = setting(0.3, "Minimum cost weight of an unmatched part: even a common part that fails to align is evidence against.")
    initials_conflict: float = setting(
        0.3,
        "Least cost weight of each unmatched initial when both names keep one (William G. / William W. Frost): two "
        "different middle initials. Higher parts more people who share given name and surname.",
    )
    initials_only_cap: float = setting(0.5, "Names that agree only on initials are not a match.")
    swapped_filiation: float = setting(
        0.65,
        "Multiplier when given and father's names are swapped ('Salman bin Muhammad' is not 'Muhammad bin Salman'): below "
        "threshold / 1, so a swapped name is at most reviewed. Higher lets a father match his son's entry.",
    )
    single_part_cost: float = setting(0.6, "Subset cost when the match rests on a single part ('Walijan' inside a four-part name is thin evidence).")
    patronymic_conflict: float = setting(0.7, "Cost weight of an unmatched patronymic in a conflict: two different ones mean two different fathers.")
    patronymic_omitted: float = setting(
        0.3,
        "Cost weight of a person's patronymic that one name holds and the other lacks (text/data/patronymic_endings.txt): "
        "passports and payments leave it out. At the unmatched floor, a rare patronymic costs what a common one does "
        "('Armen Gasparyan' / 'Armen Sumbatovich GASPARYAN' 0.69 -> 0.79). Higher keeps such names near misses; lower lets "
        "the patronymic count for nothing.",
    )
    one_part_cap: float = setting(0.69, "A person matched on one name part alone stays a near miss.")
    bridged_subset_cap: float = setting(
        0.69,
        "Highest score of a person whose every agreeing part is only a spelling bridge (transliteration, typo) while the "
        "list name holds a part more: 'Liam Singh' / 'Lim Kow Seng', 'Mary Sato' / 'Mario FLORES SOTO'. Two bridged parts "
        "and a missing one is how unrelated names meet; a spelling of the whole name, or one part written alike, still matches. "
        "Higher alerts on more common names; lower is no different unless below the cutoff.",
    )
    last_part_conflict_cap: float = setting(
        0.69,
        "Highest score of two person names that each end in a part the other lacks ('... Taha al-Mosuli' / '... Taha "
        "al-Rawi'): two family names, a near miss however many given and father's names agree. Higher lets relatives "
        "who share a chain of given names alert.",
    )
    number_one_side_cap: float = setting(
        0.69,
        "Highest score of two organisation or vessel names one of which holds a number the other lacks (HYOK SIN / HYOK "
        "SIN 2, Bowne Global Solutions Denmark / Bowne Global Solutions II Denmark): another entity of the series, a near "
        "miss however many words agree. Higher lets a long name's numbered sibling alert.",
    )
    serial_largest: int = setting(
        99,
        "Largest number read as a serial of a series (Fund XIII, Snow Storm 2, Trust 2004-1's 1). A larger one designates: "
        "it is the name (Unit 61398 is not Unit 8200). Higher reads more designators as serials and alerts on them.",
    )
    number_series_cap: float = setting(
        0.8,
        "Highest score of two organisation or vessel names that agree on every distinctive word and differ only in a "
        "serial (Fund XII / Fund XIII, Snow Storm 1 / Snow Storm 2): the differing serials then cost like generic words. "
        "Members of one numbered series usually share a sponsor or owner, so they are reviewed; above threshold so they "
        "alert, below a clean match so they never look like one. Lower hides sister funds and ships.",
    )
    place_qualifier_cap: float = setting(
        0.8,
        "Highest score of two organisation names that differ only in a country one of them names in brackets (Deutsche "
        "Bank (Schweiz) AG / Deutsche Bank AG, X (Hong Kong) Ltd / X (Singapore) Ltd): the bracketed country is a generic "
        "word, so the group's name carries the pair. A group's local company is another legal person, often owned by "
        "the listed one (OFAC's 50% rule), so it is reviewed: above threshold so it alerts, below a clean match so it "
        "never looks like the listed company itself. Lower hides a listed group's local companies.",
    )
    place_other_cap: float = setting(
        0.69,
        "Highest score of two organisation names that name other countries in brackets (Bowne Global Solutions (France) "
        "/ ... (Germany)): sister companies of a group, neither owning the other, so a near miss shown for context. "
        "Higher alerts on every sister of a listed group's local company.",
    )

    # --- organisation names: generic words (text/data/org_words.tsv) ---------------------
    generic_weight: float = setting(
        0.1,
        "Highest rarity weight of a generic organisation word (Airlines, Industries, Group): low, so such words neither make "
        "nor veto a match. Higher lets a differing sector word push a distinctive match below the threshold.",
    )
    generic_same: float = setting(0.95, "Two forms of one generic word (Airlines/Air, Industries/Industrial): the same word, written otherwise.")
    sector_conflict: float = setting(
        0.2,
        "Cost weight of each unmatched sector word when both names keep a different one (X Travel / X Air): enough to send a "
        "one-word match to review, not to rule it out. Higher separates sister companies more and loses renamed ones.",
    )
    generic_only_cap: float = setting(
        0.45, "Organisation names agreeing only on generic words ('Airlines Group') stay below the cutoff: they share no name."
    )
    org_known_typo_cap: float = setting(
        0.6,
        "An organisation whose distinctive words meet only through a first-letter slip that makes another word (between two "
        "words the lists use, Tehran/Behran, or with a second slip, Lantern/Santers) is another organisation: capped to "
        "review. Higher lets more sister names match.",
    )
    generic_slip_min_letters: int = setting(
        7,
        "Letters of the shortest generic word a misspelt query word is read as (match/generic_slips.py). Shorter reads more "
        "typos as generic words, and more distinctive names as typos of one (a short word is a slip from many).",
    )
    generic_slip_two_from: int = setting(
        10,
        "Letters from which a generic word may take two slips rather than one, read so in a query and in a name of generic "
        "words only ('Interationzl'). Lower reads more different words as one.",
    )
    generic_slip_lists_own: int = setting(
        2,
        "List names at most that may hold a word which is itself a slip of a generic word, for it to count as the lists' own "
        "misspelling ('Corporaton') rather than a name a query's slip may stand for ('Shaheen', in five). Higher reads more "
        "query slips as generic; lower leaves more of them distinctive.",
    )

    # --- secondary evidence -----------------------------------------------------------
    birth_exact: float = setting(0.08, "Added when the full birth date agrees.")
    birth_year: float = setting(0.05, "Added when the birth year agrees (half of it within a year, two for 'circa' dates).")
    birth_conflict: float = setting(-0.22, "Added when every birth year disagrees: same name, another person.")
    nationality_match: float = setting(0.03, "Added when a nationality agrees.")
    nationality_conflict: float = setting(-0.08, "Added when the nationalities disagree (people hold several; a soft signal).")
    country_match: float = setting(0.02, "Added when a country of address or registration agrees.")
    identifier_score: float = setting(0.99, "Score of an entry found by an exact strong identifier with a compatible name: a match by itself.")
    identifier_name_min: float = setting(
        0.5,
        "An identifier decides only when the name scores at least this (or the query gives no name): two lists give one passport "
        "number to different people, and a typed number can be wrong.",
    )
    identifier_review_score: float = setting(
        0.6,
        "Score of an identifier hit that does not decide (no similar name, a contradicting birth date or issuing country): "
        "between cutoff and threshold, so it is listed for review and names the conflict.",
    )

    # --- retrieval ----------------------------------------------------------------------
    short_key_verified: int = setting(
        2,
        "Retrieval keys (consonant skeletons) this short or shorter lump unrelated names (Mary/Omar/Amir: 'mr'); their "
        "words are checked one by one with the scorer's similarity before they speak for a name. Longer costs first-sight "
        "time on more keys; shorter lets common short names bring hundreds of unrelated names to scoring.",
    )
    common_postings: int = setting(3000, "Evidence touching more list names than this is folded in last, only into names rarer evidence found.")
    prune: float = setting(1.0, "Names whose optimistic estimate is below this share of the cutoff are not scored.")
    estimate_query_share: float = setting(
        0.9, "In the retrieval estimate, the share of the denominator taken by the query's own weight (the rest by the evidence found)."
    )
    estimate_extra_cost: float = setting(
        0.35, "In the retrieval estimate, the cost per unit weight of list-name words the query does not hold (an optimistic subset cost)."
    )
    estimate_covered_slack: float = setting(
        0.3,
        "A list name whose parts the query holds all of, but for this much weight (a common part), is estimated as a subset "
        "match: 'A B' is proposed for 'A B C'. Higher proposes more names for long queries and costs scoring time.",
    )
    estimate_unknown_pair: float = setting(
        0.66,
        "In the retrieval estimate, the similarity a query word the lists never use, for which retrieval found nothing, may "
        "still reach with a list word the evidence did not find (slips beyond the typo search: 'Vavletninovich'). Higher "
        "scores more names for queries holding unknown words; 0 leaves such names to the other words alone.",
    )
    max_fuzzy_tokens: int = setting(
        150,
        "Typo neighbours kept per word, nearest first (every word under the word's neighbouring keys is measured). Finds "
        "96% of the list words one edit away and 50% of those two away, where 400 words cut key by key found 79% and "
        "31%; 400 here finds no more, and higher only gives retrieval more far words to weigh.",
    )
    fuzzy_edits: int = setting(3, "Vocabulary tokens further than this many edits from a query token cannot pair.")

    # --- rarity (index build) -----------------------------------------------------------
    rarity_floor: float = setting(0.08, "Weight of the most common token ('mohammad'): shared, it is almost no evidence.")
    number_weight: float = setting(0.6, "Weight of a number in a name (vessel and aircraft names, 'Hamas 2').")
    short_skeleton_text_factor: float = setting(
        0.85, "Skeletons of one or two consonants lump unrelated names; the spelling's own rarity, times this, is used when higher."
    )
    one_consonant_cap: float = setting(0.15, "Highest weight of a token with a one-consonant skeleton.")


SETTINGS = MatchSettings()


def describe(settings: MatchSettings = SETTINGS) -> list[tuple[str, Any, str]]:
    """(name, value, help) of every setting, in declaration order."""
    return [(item.name, getattr(settings, item.name), item.metadata.get("help", "")) for item in fields(settings)]
