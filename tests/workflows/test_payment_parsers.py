"""Payment parsers without the lists: what is extracted, and errors that name the element or line."""

from __future__ import annotations

import pytest

from interdict.errors import InputError
from interdict.workflows import parse_payment
from interdict.workflows.document import Country, FreeText, Identifier, Location, Party
from interdict.workflows.identifiers import clean_bic, iban_country

from .conftest import sample


def items(document, kind):
    return [item for item in document.items if isinstance(item, kind)]


def test_pacs008_v08_items():
    document = parse_payment(sample("pacs008_v08_hit.xml"))
    parties = {p.field: p for p in items(document, Party)}
    assert parties["CdtTrfTxInf/Cdtr/Nm"].name == "Khatam ol-Anbiya Construction Headquarters"
    assert parties["CdtTrfTxInf/Cdtr/Nm"].countries == ("ir",)
    assert parties["CdtTrfTxInf/CdtrAgt/FinInstnId/Nm"].schema == "Organization"
    bics = {i.field: i.value for i in items(document, Identifier)}
    assert bics["CdtTrfTxInf/CdtrAgt/FinInstnId/BICFI"] == "BKBPIRTHXXX"
    assert [t.text for t in items(document, FreeText)] == ["INV 2025-118 TURBINE SPARES ON BEHALF OF MAHAN AIR"]
    assert any(c.source == "IBAN" and c.value == "DE89370400440532013000" for c in items(document, Country))
    assert any(loc.text.endswith("Tehran") for loc in items(document, Location))


def test_pacs008_v02_private_id_gives_a_person_with_birth_date():
    parties = {p.field: p for p in items(parse_payment(sample("pacs008_v02_hit.xml")), Party)}
    debtor = parties["CdtTrfTxInf/Dbtr/Nm"]
    assert (debtor.schema, debtor.birth_date) == ("Person", "1951-12-15")


def test_namespace_version_read_loosely():
    data = sample("pacs008_v08_hit.xml").replace(b"pacs.008.001.08", b"pacs.008.001.12")
    assert parse_payment(data).format == "pacs.008.001.12"
    data = sample("pacs008_v08_hit.xml").replace(b"urn:iso:std:iso:20022:tech:xsd:pacs.008.001.08", b"urn:example:nonstandard")
    assert parse_payment(data).format == "pacs.008"


def test_pain001_paths_index_repeated_transactions():
    document = parse_payment(sample("pain001_v09_hit.xml"))
    fields = {p.field for p in items(document, Party)}
    assert {
        "GrpHdr/InitgPty/Nm",
        "PmtInf/Dbtr/Nm",
        "PmtInf/CdtTrfTxInf[1]/Cdtr/Nm",
        "PmtInf/CdtTrfTxInf[2]/UltmtCdtr/Nm",
    } <= fields


def test_mt202cov_sequences():
    document = parse_payment(sample("mt202cov_hit.fin"))
    assert document.format == "MT202COV"
    labels = {p.field for p in items(document, Party)}
    assert labels == {":50K: (sequence B)", ":59: (sequence B)"}
    assert {i.field for i in items(document, Identifier)} >= {
        "block 1 (sender)",
        "block 2 (receiver)",
        ":58A:",
        ":57A: (sequence B)",
    }


def test_mt103_without_headers():
    document = parse_payment(sample("mt103_clean.fin"))
    assert (document.format, document.reference) == ("MT103", "NWBK20250603-441")
    assert [p.name for p in items(document, Party)] == ["ALDERLEY GARDEN FURNITURE LTD", "VAN DER BERG TUINMEUBELEN BV"]


def test_mt103_structured_party():
    party = next(p for p in items(parse_payment(sample("mt103_50f_hit.fin")), Party) if p.field == ":50F:")
    assert (party.schema, party.birth_date, party.documents, party.countries) == ("Person", "1946-10-14", ("D00002264",), ("cf",))


EMPTY_NAME = sample("pacs008_v08_hit.xml").replace(b"<Nm>Khatam ol-Anbiya Construction Headquarters</Nm>", b"<Nm>  </Nm>")
BAD_BIC = sample("pacs008_v08_hit.xml").replace(b"<BICFI>BKBPIRTHXXX</BICFI>", b"<BICFI>BKB-1</BICFI>")
NO_TX = b'<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pacs.008.001.08"><FIToFICstmrCdtTrf><GrpHdr><MsgId>X</MsgId></GrpHdr></FIToFICstmrCdtTrf></Document>'
MT_NO_NAME = b":20:REF1\n:23B:CRED\n:32A:250101EUR1,00\n:50K:ACME LTD\n:59:/12345678\n:71A:SHA\n-"
MT_BAD_F = b":20:REF1\n:32A:250101EUR1,00\n:50F:/12345\nJOHN DOE\n:59:ACME\n-"
MT_BAD_BIC = b":20:REF1\n:32A:250101EUR1,00\n:50K:ACME\n:57A:NOTABIC!\n:59:ACME\n-"
MT_NOT_CLOSED = b"{1:F01COBADEFFAXXX0000000000}{2:I103DEUTDEFFXXXXN}{4:\n:20:REF\n:59:ACME\n"
MT_OTHER = b"{1:F01COBADEFFAXXX0000000000}{2:I940DEUTDEFFXXXXN}{4:\n:20:REF\n-}"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (EMPTY_NAME, "pacs.008: element CdtTrfTxInf/Cdtr/Nm is empty"),
        (BAD_BIC, "element CdtTrfTxInf/CdtrAgt/FinInstnId/BICFI 'BKB-1' is not a BIC"),
        (NO_TX, "no CdtTrfTxInf"),
        (MT_NO_NAME, r"MT103 line 5: tag :59: has no name line"),
        (MT_BAD_F, r"MT103 line 4: tag :50F: line 'JOHN DOE' must start with 1/ to 8/"),
        (MT_BAD_BIC, r"MT103 line 4: tag :57A: 'NOTABIC!' is not a BIC"),
        (MT_NOT_CLOSED, "not closed"),
        (MT_OTHER, "MT940 is not a payment message"),
        (b":21:X\n:59:ACME\n-", "field :20:"),
    ],
)
def test_errors_name_the_place(data, message):
    with pytest.raises(InputError, match=message):
        parse_payment(data)


def test_bic_and_iban_helpers():
    assert clean_bic("bkbp ir th xxx") == "BKBPIRTHXXX"
    assert clean_bic("BKBPIRT") is None
    assert iban_country("DE89 3704 0044 0532 0130 00") == "de"
    assert iban_country("DE89370400440532013001") is None  # check digits fail
