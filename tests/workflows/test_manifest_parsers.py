"""PAXLST and CSV/APIS parsing without the lists, the century rule, and errors naming the segment or line."""

from __future__ import annotations

from datetime import date

import pytest

from interdict.errors import InputError
from interdict.workflows import parse_manifest
from interdict.workflows.document import Country, Identifier, Party
from interdict.workflows.edifact import parse_interchange
from interdict.workflows.travel_dates import expand_two_digit, parse_flexible

from .conftest import sample

REF = date(2025, 3, 14)


@pytest.mark.parametrize(
    ("yy", "mm", "dd", "birth", "expected"),
    [
        (46, 10, 14, True, date(1946, 10, 14)),
        (24, 1, 1, True, date(2024, 1, 1)),
        (25, 3, 14, True, date(2025, 3, 14)),  # born on the day of the flight
        (25, 6, 1, True, date(1925, 6, 1)),  # not yet happened in 2025: a 99-year-old
        (0, 2, 29, True, date(2000, 2, 29)),
        (27, 3, 1, False, date(2027, 3, 1)),  # passport expiry: nearest to the message date
        (99, 12, 31, False, date(1999, 12, 31)),
        (74, 1, 1, False, date(2074, 1, 1)),
        (76, 1, 1, False, date(1976, 1, 1)),
    ],
)
def test_century_rule(yy, mm, dd, birth, expected):
    assert expand_two_digit(yy, mm, dd, REF, birth) == expected


def test_flexible_dates():
    assert parse_flexible("12MAR1965", REF, True, "x") == date(1965, 3, 12)
    assert parse_flexible("12-MAR-65", REF, True, "x") == date(1965, 3, 12)
    assert parse_flexible("650312", REF, True, "x") == date(1965, 3, 12)
    assert parse_flexible("31/12/1980", REF, True, "x") == date(1980, 12, 31)
    with pytest.raises(InputError, match="ambiguous"):
        parse_flexible("03/04/1965", REF, True, "APIS CSV line 3, birth date")
    with pytest.raises(InputError, match="APIS CSV line 3, birth date: '1965-02-30' is not a date"):
        parse_flexible("1965-02-30", REF, True, "APIS CSV line 3, birth date")


def test_paxlst_travellers_and_flight():
    document = parse_manifest(sample("paxlst_hit.edi"))
    assert (document.format, document.reference) == ("PAXLST", "ET0862 2025-03-14")
    travellers = [item for item in document.items if isinstance(item, Party)]
    assert [t.field for t in travellers] == [f"NAD+FL passenger {n}" for n in range(1, 5)]
    first = travellers[0]
    assert (first.name, first.family_name, first.birth_date) == (
        "FRANCOIS YANGOUVONDA BOZIZE",
        "YANGOUVONDA BOZIZE",
        "1946-10-14",
    )
    assert (first.nationalities, first.countries, first.documents) == (("cf",), ("cf",), ("D00002264",))
    assert travellers[3].name == "SEAN O'BRIEN"  # release character
    assert {(c.field, c.value, c.source) for c in document.items if isinstance(c, Country)} == {
        ("LOC+125 departure airport", "ADD", "airport"),
        ("LOC+87 arrival airport", "BGF", "airport"),
    }
    assert [i.value for i in document.items if isinstance(i, Identifier)] == ["ET0862"]


def test_paxlst_four_digit_birth_years():
    travellers = [item for item in parse_manifest(sample("paxlst_clean.edi")).items if isinstance(item, Party)]
    assert [t.birth_date for t in travellers] == ["1982-05-17", "1999-02-28", "2003-07-19"]


def _edit(old: bytes, new: bytes) -> bytes:
    data = sample("paxlst_hit.edi")
    assert old in data
    return data.replace(old, new, 1)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (_edit(b"NAD+FL+++DERIPASKA:MARIA'", b"NAD+FL+++:MARIA'"), r"PAXLST segment 22 \(NAD, line 23\): missing party name"),
        (_edit(b"DTM+329:950612'", b"DTM+329:951332'"), r"segment 24 \(DTM, line 25\): '951332' is not a date"),
        (_edit(b"NAT+2+RUS'", b"NAT+2+XYZ'"), r"segment 27 \(NAT, line 28\): nationality 'XYZ'"),
        (_edit(b"CNT+42:4'", b"CNT+42:5'"), r"segment 46 \(CNT, line 47\): declares 5 passenger record\(s\), the message has 4"),
        (_edit(b"UNT+46+ET0862A'", b"UNT+40+ET0862A'"), r"segment 47 \(UNT, line 48\): declares 40 segments, the message has 46"),
        (_edit(b"PAXLST:D:05B", b"CUSCAR:D:05B"), "message type is CUSCAR, not PAXLST"),
        (_edit(b"UNZ+1+000000451'", b"UNZ+1+000000451"), "not ended by the segment terminator"),
        (_edit(b"BGM+745'", b"bgm+745'"), r"segment 3 \(line 4\): 'bgm' is not a segment tag"),
        (b"UNA:+.? '", "no segments found"),
    ],
)
def test_paxlst_errors_name_the_segment(data, message):
    with pytest.raises(InputError, match=message):
        parse_manifest(data)


def test_edifact_custom_separators():
    segments = parse_interchange("UNA|*,/ !UNH*1*PAXLST|D!NAD*FL***O/!NEIL|JOHN!")
    assert [s.tag for s in segments] == ["UNH", "NAD"]
    assert segments[1].get(3, 0) == "O!NEIL" and segments[1].get(3, 1) == "JOHN"


def test_apis_csv_private_jet():
    document = parse_manifest(sample("apis_private_jet.csv"))
    assert (document.format, document.reference) == ("APIS CSV", "LXMOW01 2025-06-02")
    ids = {(i.field, i.value) for i in document.items if isinstance(i, Identifier)}
    assert ("tail_number", "LX MOW") in ids
    travellers = [p for p in document.items if isinstance(p, Party) and p.schema == "Person"]
    assert [t.field for t in travellers] == ["line 2 crew 1", "line 3 crew 2", "line 4 passenger 1"]
    assert travellers[2].nationalities == ("gb",) and travellers[2].birth_date == "1990-02-07"


def test_apis_csv_header_aliases_and_date_forms():
    travellers = [p for p in parse_manifest(sample("apis_clean.csv")).items if isinstance(p, Party)]
    assert [(t.name, t.birth_date) for t in travellers] == [
        ("JAMES ROBERT WALKER", "1975-06-30"),
        ("KEN NAKAMURA", "1981-03-11"),
        ("ELIN BERGSTROM", "1968-09-04"),
        ("OSKAR BERGSTROM", "2002-12-01"),
    ]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"flight,seat\nLH1,12A\n", "no family-name column"),
        (b"last_name,first_name\n", "no travellers"),
        (
            b"last_name,first_name,dob\nDOE,JANE,1980-01-01\n,JOHN,1981-01-01\n",
            "APIS CSV line 3: the traveller has no family name",
        ),
        (b"last_name,dob\nDOE,03/04/1965\n", "APIS CSV line 2, birth date: '03/04/1965' is ambiguous"),
        (b"last_name,nationality\nDOE,Atlantis\n", "APIS CSV line 2: nationality 'Atlantis'"),
    ],
)
def test_apis_csv_errors_name_the_line(data, message):
    with pytest.raises(InputError, match=message):
        parse_manifest(data)
