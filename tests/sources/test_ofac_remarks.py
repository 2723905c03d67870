"""OFAC remarks: real remarks fields from the bundled SDN.CSV, read piece by piece."""

from __future__ import annotations

import pytest

from interdict.model import Entity, Identifier, PartialDate
from interdict.sources.ofac_remarks import (
    LABELS,
    address_country,
    apply_remarks,
    classify,
    identifier_type,
    parse_remarks,
    split_document,
    split_person_name,
    tail_number_of,
)
from tests.sources.ofac_data import sdn_rows


def remarks_of(ent_num: str) -> str:
    return sdn_rows()[ent_num][11]


def test_irgc_person_birth_date_passport_and_links() -> None:
    # 11786 QASEMI, Rostam: an IRGC individual
    remarks = parse_remarks(remarks_of("11786"))
    assert remarks.birth_dates == [PartialDate(start="1964-05-22")]
    assert remarks.birth_places == ["Lamerd, Iran"]
    assert remarks.nationalities == ["ir"]
    assert remarks.citizenships == ["ir"]
    assert remarks.gender == "male"
    assert Identifier(type="passport", value="A2463775", country="ir", note="Passport") in remarks.identifiers
    assert Identifier(type="national_id", value="6579726970", country="ir", note="National ID No.") in remarks.identifiers
    assert remarks.linked_to == ["SOLEIMANI, Qasem", "ISLAMIC REVOLUTIONARY GUARD CORPS (IRGC)-QODS FORCE"]
    assert remarks.sanctions_info == ["Additional Sanctions Information - Subject to Secondary Sanctions"]
    assert remarks.other == []


def test_document_issue_date_kept_in_note() -> None:
    # 10481 SOLEIMANI, Qasem: "Diplomatic Passport 008827 (Iran) issued 1999."
    remarks = parse_remarks(remarks_of("10481"))
    assert remarks.identifiers == [
        Identifier(type="passport", value="008827", country="ir", note="Diplomatic Passport; issued 1999")
    ]


def test_vessel_imo_and_former_names() -> None:
    # 4243 EBANO: "Vessel Registration Identification IMO 7406784; f.k.a. 'ANA I'; f.k.a. 'SAND SWAN'."
    remarks = parse_remarks(remarks_of("4243"))
    assert [(ident.type, ident.value) for ident in remarks.identifiers] == [("imo", "7406784")]
    assert remarks.names == [("ANA I", "former"), ("SAND SWAN", "former")]


def test_vessel_flags_mmsi_and_imo() -> None:
    # 15036 ARTAVIL: four former flags, one of them "None Identified"
    remarks = parse_remarks(remarks_of("15036"))
    assert remarks.extra["pastFlags"] == ["mt", "tv", "tz"]
    assert ("mmsi", "572469210") in [(ident.type, ident.value) for ident in remarks.identifiers]
    assert ("imo", "9187629") in [(ident.type, ident.value) for ident in remarks.identifiers]
    assert remarks.names == [("ALPHA", "former")]


def test_aircraft_facts() -> None:
    # 15431 EP-GOM
    remarks = parse_remarks(remarks_of("15431"))
    assert remarks.extra == {"buildDate": ["1992"], "model": ["IL76-TD"], "operator": ["YAS AIR"]}
    assert ("msn", "1023409321") in [(ident.type, ident.value) for ident in remarks.identifiers]
    assert remarks.linked_to == ["POUYA AIR"]


def test_several_birth_dates_wallets_and_weak_aliases() -> None:
    # 29584 POTEKHIN, Danil
    remarks = parse_remarks(remarks_of("29584"))
    assert [date.start for date in remarks.birth_dates] == ["1995-09-14", "1990-09-14", "1990-08-08"]
    wallets = [(ident.value, ident.note) for ident in remarks.identifiers if ident.type == "crypto_wallet"]
    assert wallets == [
        ("1Q9UAQbcDezmyouFrzt94t4dSMxgsUfW1X", "XBT"),
        ("1Kys8fqDen8NGFUJ6AFcXfFW5qquuTH4eh", "XBT"),
        ("0x7F367cC41522cE07553e823bf3be79A889DEbe1B", "ETH"),
    ]
    assert remarks.names == [("cronuswar", "weak"), ("SERGEY, Kireev Valerievich", "weak")]
    assert ("email", "potekhinl4@bk.ru") in [(ident.type, ident.value) for ident in remarks.identifiers]


def test_birth_date_range_and_circa() -> None:
    # 15496 NISHIGUCHI, Shigeo: "DOB 1929 to 1930"
    assert parse_remarks(remarks_of("15496")).birth_dates == [PartialDate(start="1929", end="1930")]
    circa = next(row for row in sdn_rows().values() if row[11].startswith("DOB circa 1951;"))
    assert parse_remarks(circa[11]).birth_dates[0] == PartialDate(start="1951", circa=True)


def test_positions_and_listing_dates() -> None:
    # 20222 HABIB, Salah: "Passport 13AF69606 (France) expires 06 Feb 2023; Position: Owner; Alt. Position: ..."
    remarks = parse_remarks(remarks_of("20222"))
    assert remarks.positions == ["Owner", "General Manager", "Chief Executive Officer"]
    assert (
        Identifier(type="passport", value="13AF69606", country="fr", note="Passport; expires 06 Feb 2023") in remarks.identifiers
    )
    assert remarks.citizenships == ["fr", "sy"]
    # 17018 SBERBANK: directive listing dates are listing dates
    sber = parse_remarks(remarks_of("17018"))
    assert "2022-02-24" in sber.listed_on
    assert ("bic", "SABRRUMM") in [(ident.type, ident.value) for ident in sber.identifiers]


def test_split_validity_after_semicolon() -> None:
    remarks = parse_remarks("Passport K1234567 (Iran) issued 2010; expires 2020; Gender Female.")
    assert remarks.identifiers == [
        Identifier(type="passport", value="K1234567", country="ir", note="Passport; issued 2010; expires 2020")
    ]
    assert remarks.gender == "female"


def test_legal_entity_numbers_that_are_no_lei() -> None:
    remarks = parse_remarks("Legal Entity Number 253400V1H6ART1UQ0N98 (Russia); Legal Entity Number 851683897.")
    assert [(ident.type, ident.value) for ident in remarks.identifiers] == [
        ("lei", "253400V1H6ART1UQ0N98"),
        ("registration", "851683897"),
    ]


def test_split_document() -> None:
    assert split_document("HRA 738077 (Stuttgart) (Germany)") == ("HRA 738077 (Stuttgart)", "Germany", None, None)
    assert split_document("L 191609 issued 28 Feb 1996 expires 27 Feb 2001") == ("L 191609", None, "28 Feb 1996", "27 Feb 2001")
    assert split_document("(98)(21)(66153220)") == ("(98)(21)(66153220)", None, None, None)
    assert split_document("AIMM67125HCHRRG06 (Mexico) issued 1968") == ("AIMM67125HCHRRG06", "Mexico", "1968", None)


def test_label_table() -> None:
    assert classify("Passport") == ("id", "passport")
    assert classify("Aircraft Manufacturer\u2019s Serial Number (MSN)") == ("id", "msn")
    assert classify("Digital Currency Address - XBT") == ("crypto", "XBT")
    assert classify("Listing Date (EO 14024 Directive 2):") == ("listing", "")
    assert classify("Secondary sanctions risk:") == ("info", "")
    assert classify("No such label") is None
    assert identifier_type("SWIFT/BIC") == "bic"
    assert identifier_type("Legal Entity Number") == "lei"
    assert identifier_type("Digital Currency Address - ETH") == "crypto_wallet"
    assert identifier_type("Birthdate") is None
    assert all(label == label.lower() for label in LABELS)


def test_whole_sdn_remarks_are_explained() -> None:
    """Nearly every piece of every remarks field maps onto a label (the rest are free-text notes)."""
    pieces = unexplained = 0
    for row in sdn_rows().values():
        remarks = parse_remarks(row[11])
        titles = {part.strip() for part in row[4].split(";")}
        pieces += row[11].count("; ") + (row[11].strip() != "-0-")
        unexplained += sum(1 for piece in remarks.other if piece not in titles)
    assert pieces > 60_000
    assert unexplained / pieces < 0.01


def test_apply_remarks_resolves_links_and_tail_numbers() -> None:
    entity = Entity(id="us_ofac_sdn-15431", dataset="us_ofac_sdn", source_id="15431", schema="Airplane")
    entity.add_name("EP-GOM", "primary")
    apply_remarks(entity, parse_remarks(remarks_of("15431")), "us_ofac_sdn", {"POUYA AIR": ["13109"]})
    assert entity.relations[0].target_id == "us_ofac_sdn-13109"
    assert entity.identifier_values("tail_number") == ["EP-GOM"]
    assert entity.extra["model"] == ["IL76-TD"]


def test_small_helpers() -> None:
    assert tail_number_of("EP-GOM") == "EP-GOM"
    assert tail_number_of("N200VR") == "N200VR"
    assert tail_number_of("MSN 391") is None
    assert address_country("Region: West Bank") == ("ps", None, "West Bank")
    assert address_country("Iran") == ("ir", "Iran", None)
    assert split_person_name("HANIYA, Ismail Abdul Salah") == {"last": "HANIYA", "first": "Ismail Abdul Salah"}
    assert split_person_name("HAMAS") == {}


@pytest.mark.parametrize("text", [None, "", "-0- ", "   "])
def test_empty_remarks(text: str | None) -> None:
    remarks = parse_remarks(text)
    assert remarks.identifiers == [] and remarks.other == []
