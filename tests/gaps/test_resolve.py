"""The resolver on small synthetic lists, through a real (small) index and screener.

Each case is one rule of resolve.py: cross-references, identifiers, names with
birth dates, ambiguity (ties, contradicted keys, one entry joining two), in-list
duplicates, unreliable birth dates, determinism.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from interdict.gaps.programmes import listing_topics
from interdict.gaps.resolution import Resolution, resolution_to_json
from interdict.gaps.resolve import ResolveOptions, resolve
from interdict.match.screener import Screener
from interdict.model import Entity

from interdict.sources import parse_files

from ..conftest import Seeded
from .conftest import born, entity, ident, same_as

Make = Callable[[list[Entity]], Screener]

UN, GB, EU, US, CA, AU = "un_sc_sanctions", "gb_fcdo_sanctions", "eu_fsf", "us_ofac_sdn", "ca_dfatd_sema_sanctions", "au_dfat_sanctions"


def run(make: Make, items: list[Entity], **options: object) -> Resolution:
    return resolve(make(items), ResolveOptions(**options), cache=False)  # type: ignore[arg-type]


def together(resolution: Resolution, *ids: str) -> bool:
    clusters = resolution.cluster_of()
    return len({clusters[item].id for item in ids}) == 1


def link(resolution: Resolution, a: str, b: str):  # type: ignore[no-untyped-def]
    a, b = sorted((a, b))
    return next(item for item in resolution.links if (item.a, item.b) == (a, b))


def filler(copies: int = 1) -> list[Entity]:
    """Unrelated entries, so that the index has realistic rarity weights (common parts common)."""
    first = ["Ali", "Mohammad", "Hassan", "Ahmad", "Reza", "Trading", "Global"]
    second = ["Hassan", "Ali", "Ahmad", "Company", "Shipping", "Kazemi", "Rahimi"]
    words = ["Alpha", "Bravo", "Kilo", "Lima", "Oscar", "Tango", "Victor", "Yankee"]
    items = []
    for copy in range(copies):
        for index, (one, two, word) in enumerate((a, b, w) for a in first for b in second for w in words[:5]):
            schema = "Organization" if "Company" in (one, two) or "Trading" in (one, two) else "Person"
            items.append(entity(US, f"9{copy:02d}{index:03d}", schema, f"{one} {two} {word}{copy if copy else ''}"))
    return items


def test_un_reference_links_uk_entry_to_un_entry(small_screener: Make) -> None:
    un = entity(UN, "IRi.034", "Person", "M. JAVAD KARIMI SABET")
    gb = entity(GB, "INU0396", "Person", "M. Javad Karimi Sabet", relations=same_as("IRi.034"), extra={"unReference": ["IRi.034"]})
    result = run(small_screener, [un, gb, *filler()])
    found = link(result, un.id, gb.id)
    assert found.kind == "reference" and found.status == "confirmed" and found.tier == "certain"
    assert any("UN reference number IRi.034" in text for text in found.evidence)
    cluster = result.cluster_of()[un.id]
    assert cluster.members == sorted([un.id, gb.id]) and cluster.confidence == "certain"


def test_a_reference_the_names_contradict_is_ambiguous(small_screener: Make) -> None:
    """The UK list gives AZIM AGHAJANI the UN number of AHMAD VAHID DASTJERDI (a real typo in the list)."""
    un = entity(UN, "IRi.012", "Person", "AHMAD VAHID DASTJERDI")
    wrong = entity(GB, "INU0279", "Person", "AZIM AGHAJANI", extra={"unReference": ["IRi.012"]})
    result = run(small_screener, [un, wrong, *filler()])
    found = link(result, un.id, wrong.id)
    assert found.status == "ambiguous" and "contradicted by the names" in found.reason
    assert not together(result, un.id, wrong.id)


def test_imo_number_links_renamed_vessels(small_screener: Make) -> None:
    old = entity(GB, "RUS2000", "Vessel", "OCEAN PEARL", identifiers=ident("imo", "IMO 9187629"))
    new = entity(US, "47000", "Vessel", "SEA BREEZE", identifiers=ident("imo", "9187629"))
    result = run(small_screener, [old, new, *filler()])
    found = link(result, old.id, new.id)
    assert (found.kind, found.status, found.tier) == ("identifier", "confirmed", "certain")
    assert together(result, old.id, new.id)


def test_shared_passport_with_different_names_is_ambiguous(small_screener: Make) -> None:
    father = entity(US, "100", "Person", "Karim Zandvakili", identifiers=ident("passport", "P1234567"))
    son = entity(AU, "200", "Person", "Behrouz Tashakori", identifiers=ident("passport", "P1234567"))
    result = run(small_screener, [father, son, *filler()])
    found = link(result, father.id, son.id)
    assert found.status == "ambiguous" and "names differ" in found.reason


def test_passport_written_inside_a_sentence_still_links(small_screener: Make) -> None:
    un = entity(UN, "CFi.012", "Person", "ABDOULAYE HISSENE", identifiers=ident("passport", "CAR diplomatic passport no. D00000897"))
    gb = entity(GB, "CAF0013", "Person", "ABDOULAYE HISSENE", identifiers=ident("passport", "D00000897"))
    result = run(small_screener, [un, gb, *filler()])
    assert link(result, un.id, gb.id).kind == "identifier"
    assert together(result, un.id, gb.id)


def test_name_and_birth_date_make_a_strong_link(small_screener: Make) -> None:
    us = entity(US, "300", "Person", "QALIBAF, Mohammad Baqer", birth_dates=born("1961-08-23"))
    ca = entity(CA, "Iran-1", "Person", "Mohammad Bagher Ghalibaf", birth_dates=born("1961-08-23"))
    result = run(small_screener, [us, ca, *filler()])
    found = link(result, us.id, ca.id)
    assert (found.kind, found.status, found.tier) == ("name", "confirmed", "strong")
    assert any("birth date 1961-08-23" in text for text in found.evidence)


def test_conflicting_birth_dates_keep_namesakes_apart(small_screener: Make) -> None:
    us = entity(US, "301", "Person", "Farzad Kianoosh Behdarvand", birth_dates=born("1950-01-01"))
    au = entity(AU, "301", "Person", "Farzad Kianoosh Behdarvand", birth_dates=born("1985-06-30"))
    result = run(small_screener, [us, au, *filler()])
    found = link(result, us.id, au.id)
    assert found.status == "ambiguous" and "birth dates disagree" in found.reason
    assert not together(result, us.id, au.id)


def test_a_common_name_alone_is_not_enough(small_screener: Make) -> None:
    us = entity(US, "302", "Person", "Ali Hassan")
    eu = entity(EU, "EUF-1", "Person", "Ali HASSAN")
    result = run(small_screener, [us, eu, *filler()])
    found = link(result, us.id, eu.id)
    assert found.status == "ambiguous" and "common name" in found.reason


def test_entry_matching_two_entries_of_one_list_is_not_forced(small_screener: Make) -> None:
    first = entity(GB, "A1", "Person", "Tavakkol Mirzabeigi Farahani", birth_dates=born("1960"))
    second = entity(GB, "A2", "Person", "Tavakkol Mirzabeigi Farahani", birth_dates=born("1975"))
    eu = entity(EU, "EUF-2", "Person", "Tavakkol MIRZABEIGI FARAHANI")
    result = run(small_screener, [first, second, eu, *filler()])
    reasons = [link(result, eu.id, item.id).reason for item in (first, second)]
    assert all(reasons) and all(link(result, eu.id, item.id).status == "ambiguous" for item in (first, second)), reasons
    assert not together(result, eu.id, first.id) and not together(result, eu.id, second.id)


def test_one_entry_may_not_join_two_clusters_holding_one_list(small_screener: Make) -> None:
    """Two namesakes (different birth years) on the UN list, each the UK's by reference: name links across them are held back."""
    un_a = entity(UN, "QDi.001", "Person", "Rahimullah Zarabzadeh Kohistani", birth_dates=born("1950"))
    gb_a = entity(GB, "AQD1", "Person", "Rahimullah ZARABZADEH KOHISTANI", extra={"unReference": ["QDi.001"]})
    un_b = entity(UN, "QDi.002", "Person", "Rahimullah Zarabzadeh Kohistani", birth_dates=born("1970"))
    gb_b = entity(GB, "AQD2", "Person", "Rahimullah ZARABZADEH KOHISTANI", extra={"unReference": ["QDi.002"]})
    result = run(small_screener, [un_a, gb_a, un_b, gb_b, *filler()])
    assert together(result, un_a.id, gb_a.id) and together(result, un_b.id, gb_b.id)
    assert not together(result, un_a.id, un_b.id)
    held_back = [item for item in result.links if item.status == "ambiguous"]
    assert held_back and all(item.reason for item in held_back)


def test_same_subject_listed_twice_on_one_list(small_screener: Make) -> None:
    """The EU export repeats a person once per regime: both rows join the subject's cluster."""
    us = entity(US, "12057", "Person", "NAQDI, Mohammad Reza Khorsandi", birth_dates=born("1952"))
    eu_one = entity(EU, "EUF-a", "Person", "Mohammad Reza Khorsandi NAQDI")
    eu_two = entity(EU, "EUF-b", "Person", "Mohammad-Reza Khorsandi NAQDI")
    result = run(small_screener, [us, eu_one, eu_two, *filler()])
    assert together(result, us.id, eu_one.id, eu_two.id)
    twins = link(result, eu_one.id, eu_two.id)
    assert twins.status == "confirmed" and "listed twice" in twins.evidence[0]


def test_birth_dates_of_a_list_that_contradicts_all_others_are_not_used(small_screener: Make) -> None:
    """The bundled UK tables attach birth dates to the wrong people; the resolver notices such a list by itself."""
    syllables = ["zor", "bel", "qua", "sten", "hof", "mir", "dav", "lun", "tek", "sar", "vin", "dor", "pas", "gul", "rem"]
    items: list[Entity] = []
    for index in range(36):
        low, high = index % 15, index // 15
        name = " ".join(
            (syllables[(low + shift) % 15] + syllables[high + offset] + ending).capitalize()
            for shift, offset, ending in ((0, 0, "wan"), (4, 4, "dro"), (9, 8, "kis"))
        )
        items.append(entity(US, f"u{index}", "Person", name, birth_dates=born(f"{1940 + index}")))
        items.append(entity(AU, f"a{index}", "Person", name, birth_dates=born(f"{1940 + index}")))
        items.append(entity(GB, f"g{index}", "Person", name, birth_dates=born(f"{1990 - index}")))
    result = run(small_screener, items + filler(10))
    assert result.unreliable_birth_dates == [GB]
    assert result.notes and GB in result.notes[0]
    assert together(result, f"{US}-u5", f"{AU}-a5", f"{GB}-g5")


def test_resolution_is_deterministic(small_screener: Make) -> None:
    items = [
        entity(UN, "IRi.034", "Person", "M. JAVAD KARIMI SABET", birth_dates=born("1973-07-25")),
        entity(GB, "INU0396", "Person", "M. Javad Karimi Sabet", extra={"unReference": ["IRi.034"]}),
        entity(US, "400", "Person", "KARIMI SABET, Mohammad Javad", birth_dates=born("1973-07-25")),
        entity(EU, "EUF-3", "Person", "Ali HASSAN"),
        *filler(),
    ]
    first = resolution_to_json(run(small_screener, items))
    second = resolution_to_json(run(small_screener, list(reversed(items))))
    assert first == second


def test_focus_screens_only_from_the_focus_and_what_it_reaches(small_screener: Make) -> None:
    us = entity(US, "500", "Person", "Dariush Kamranpour Yazdani", birth_dates=born("1966-02-02"))
    gb = entity(GB, "IRN1", "Person", "Dariush KAMRANPOUR YAZDANI")
    ca = entity(CA, "Iran-9", "Person", "Dariush Kamranpour Yazdani", birth_dates=born("1966-02-02"))
    result = run(small_screener, [us, gb, ca, *filler()], focus=[us.id], hops=2)
    assert result.stats["screened"] == 3
    assert together(result, us.id, gb.id, ca.id)


def test_a_near_spelling_loses_to_the_identical_name(small_screener: Make) -> None:
    """Two UN entries of alike names are two people; a third list's aliases spelling both never merge them."""
    qasem = entity(UN, "IRi.139", "Person", "QASEM SOLEIMANIYAN", birth_dates=born("1957-03-11"))
    ghasem = entity(UN, "IRi.140", "Person", "GHASEM SOLEYMANIYAN")
    us = entity(US, "10481", "Person", "SOLEIMANIYAN, Qasem", "SOLEYMANIYAN, Ghasem", birth_dates=born("1957-03-11"))
    result = run(small_screener, [qasem, ghasem, us, *filler()])
    assert together(result, us.id, qasem.id)
    assert not together(result, qasem.id, ghasem.id)


def test_one_list_naming_a_subject_twice_is_not_a_tie(small_screener: Make) -> None:
    """A flat export repeats a person (an original-script row carrying the Latin name as an alias): duplicates, not rivals."""
    us = entity(US, "13153", "Person", "FADAVIAN, Ali", birth_dates=born("1961-02"))
    latin = entity(EU, "EUF-l", "Person", "Ali FADAVIAN")
    script = entity(EU, "EUF-s", "Person", "علی فدویان", "Ali FADAVIAN", nationalities=["ir"])
    result = run(small_screener, [us, latin, script, *filler()])
    assert together(result, us.id, latin.id, script.id)
    assert not [item for item in result.links if item.status == "ambiguous" and us.id in (item.a, item.b)]


def test_entries_of_one_list_with_alike_names_are_not_duplicates(small_screener: Make) -> None:
    first = entity(UN, "IRi.238", "Person", "HOSEIN SALIMIAN")
    second = entity(UN, "IRi.239", "Person", "HOSSEIN SALAMIAN")
    us = entity(US, "10584", "Person", "SALIMIAN, Hosein", "SALAMIAN, Hossein")
    result = run(small_screener, [first, second, us, *filler()])
    assert not together(result, first.id, second.id)


def test_an_identical_common_name_with_agreeing_nationality_links(small_screener: Make) -> None:
    us = entity(US, "303", "Person", "Ali Hassan", nationalities=["ir"])
    eu = entity(EU, "EUF-4", "Person", "Ali HASSAN", nationalities=["ir"])
    result = run(small_screener, [us, eu, *filler()])
    found = link(result, us.id, eu.id)
    assert (found.status, found.tier) == ("confirmed", "probable") and found.exact
    assert any("agreeing nationality" in text for text in found.evidence)


def test_identical_organisation_names_after_legal_forms_are_one_subject(small_screener: Make) -> None:
    gb = entity(GB, "RUS9072", "Organization", "Gazpromdevbank", programs=["RUS"])
    au = entity(AU, "9773", "Organization", "Gazpromdevbank", "Bank GPD", programs=["Autonomous (Russia)"])
    us = entity(US, "97016", "Organization", "GAZPROMDEVBANK JOINT STOCK COMPANY", countries=["ru"], programs=["RUSSIA-EO14024"])
    result = run(small_screener, [gb, au, us, *filler()])
    assert together(result, gb.id, au.id, us.id)


def test_every_exact_alias_is_a_candidate_however_crowded(small_screener: Make) -> None:
    """Many namesakes on many lists crowd a screen's places; the exact alias is still found."""
    crowd = [entity(ds, f"c{index}", "Person", f"Qasem Rezaeian{'i' * (index % 3)}") for index, ds in enumerate([US, GB, CA, AU, UN] * 5)]
    target = entity(EU, "EUF-9", "Person", "رضاییان قاسم", "Qasem REZAEIANZADEH")
    source = entity(GB, "IRN9128", "Person", "Qasem Rezaeianzadeh")
    result = run(small_screener, [target, source, *crowd, *filler()])
    assert any({item.a, item.b} == {target.id, source.id} for item in result.links)


FSF_SAMPLE = Path(__file__).parent / "data" / "fsf_sample_2018.xml"  # copied from shared/data/lists/eu: the official FSF XML, 2018 excerpt


def test_the_official_eu_file_gives_the_resolver_programmes_birth_dates_and_identifiers(small_screener: Make, seeded: Seeded) -> None:
    """`interdict load eu_fsf` with the official FSF XML: its facts reach the resolver (sample of the real file, 2018)."""
    eu = parse_files(EU, {"main": FSF_SAMPLE.read_bytes()}).entities
    mugabe = next(item for item in eu if item.caption == "Robert Gabriel Mugabe")
    assert mugabe.programs == ["ZWE"] and mugabe.birth_dates and mugabe.identifiers
    assert "zimbabwe" in listing_topics("eu", mugabe.programs).topics
    counterparts = [seeded.screener.entity(holder.facts.id) for name in ("robert gabriel mugabe", "islami buyukdogu akincilar cephesi") for holder in seeded.screener.names_written_as(tuple(name.split()))]
    assert {item.dataset for item in counterparts} >= {"ca_dfatd_sema_sanctions", "gb_fcdo_sanctions"}
    result = run(small_screener, [*eu, *counterparts, *filler()])
    for other in counterparts:
        if "mugabe" in other.caption.lower():
            found = link(result, mugabe.id, other.id)
            assert (found.status, found.tier) == ("confirmed", "strong"), found  # the birth date 1924-02-21 confirms the name
    front = next(item for item in eu if "IBDA-C" in [name.full for name in item.names])
    uk_front = next(item for item in counterparts if item.dataset == "gb_fcdo_sanctions")
    found = link(result, front.id, uk_front.id)
    assert found.status == "confirmed" and any("same programme" in text for text in found.evidence), found
