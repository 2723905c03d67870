"""Payment messages end to end against the bundled lists: exact verdicts, flagged fields and entries."""

from __future__ import annotations

import pytest

from interdict.errors import InputError
from interdict.workflows import parse_payment, screen_payment

from .conftest import entities, fields, sample


def test_pacs008_v08_listed_bank_bic_party_and_remittance(screener):
    verdict = screen_payment(sample("pacs008_v08_hit.xml"), screener, document="pacs008_v08_hit.xml")
    assert (verdict.verdict, verdict.format, verdict.reference) == ("hit", "pacs.008.001.08", "COBA20250314-00187")
    # BKBPIRTHXXX (11 characters) is the listed Pasargad Bank BKBPIRTH (8).
    assert "us_ofac_sdn-13133" in entities(verdict, "listed BIC", "CdtTrfTxInf/CdtrAgt/FinInstnId/BICFI", "hit")
    # "Khatam ol-Anbiya" is the UN-listed IRGC construction arm, spelled differently.
    assert "un_sc_sanctions-IRe.036" in entities(verdict, "listed party", "CdtTrfTxInf/Cdtr/Nm", "hit")
    # The listed airline hides in the remittance text.
    assert "us_ofac_sdn-12927" in entities(verdict, "listed party in free text", "CdtTrfTxInf/RmtInf/Ustrd", "hit")
    # Iran: comprehensive US embargo, by address country, town and the BIC's country.
    assert "embargo:ir" in entities(verdict, "embargoed destination", "CdtTrfTxInf/Cdtr/PstlAdr/Ctry", "hit")
    assert "embargo:ir" in entities(verdict, "embargoed destination", "CdtTrfTxInf/Cdtr/PstlAdr", "hit")
    assert "embargo:ir" in entities(verdict, "embargoed country", "CdtTrfTxInf/CdtrAgt/FinInstnId/BICFI")
    # The German debtor and its bank are clean.
    assert not {f for f in fields(verdict) if "Dbtr" in f or "InstgAgt" in f}


def test_every_finding_names_field_entry_and_rule(screener):
    data = screen_payment(sample("pacs008_v08_hit.xml"), screener).to_dict()
    assert data["findings"]
    for finding in data["findings"]:
        assert (
            finding["field"]
            and finding["value"]
            and finding["rule"]
            and finding["entity_id"]
            and finding["dataset"]
            and finding["caption"]
        )
        assert finding["severity"] in ("hit", "review") and finding["explanation"]
    embargo = next(f for f in data["findings"] if f["entity_id"] == "embargo:ir")
    assert any(m["jurisdiction"] == "us" and "31 CFR Part 560" in m["legal_basis"] for m in embargo["measures"])
    assert "Council Regulation (EU) No 267/2012" in embargo["explanation"]
    screened = {item["field"] for item in data["screened"]}
    assert {
        "CdtTrfTxInf/Dbtr/Nm",
        "CdtTrfTxInf/Cdtr/Nm",
        "CdtTrfTxInf/RmtInf/Ustrd",
        "CdtTrfTxInf/DbtrAgt/FinInstnId/BICFI",
    } <= screened


def test_pacs008_v02_legacy_elements_person_and_bank(screener):
    verdict = screen_payment(sample("pacs008_v02_hit.xml"), screener)
    assert (verdict.verdict, verdict.format) == ("hit", "pacs.008.001.02")
    assert {"us_ofac_sdn-16669", "eu_fsf-EUF-cffd337615"} <= entities(verdict, "listed party", "CdtTrfTxInf/Dbtr/Nm", "hit")
    assert "us_ofac_sdn-16681" in entities(
        verdict, "listed BIC", "CdtTrfTxInf/DbtrAgt/FinInstnId/BIC", "hit"
    )  # Bank Rossiya ROSYRU2P
    assert "us_ofac_sdn-16681" in entities(verdict, "listed BIC", "GrpHdr/InstgAgt/FinInstnId/BIC")
    # Russia is sectoral everywhere: a review, never a hit by itself.
    assert "embargo:ru" in entities(verdict, "restricted origin", severity="review")
    assert not entities(verdict, "listed party", "CdtTrfTxInf/Cdtr/Nm")


def test_pacs008_v10_in_envelope_is_clear(screener):
    verdict = screen_payment(sample("pacs008_v10_clean.xml"), screener)
    assert (verdict.verdict, verdict.format, verdict.findings) == ("clear", "pacs.008.001.10", [])
    assert len(verdict.screened) >= 10


def test_pain001_v09_second_transaction_to_north_korea(screener):
    verdict = screen_payment(sample("pain001_v09_hit.xml"), screener)
    assert (verdict.verdict, verdict.format) == ("hit", "pain.001.001.09")
    tx2 = "PmtInf/CdtTrfTxInf[2]"
    assert "us_ofac_sdn-12312" in entities(verdict, "listed BIC", f"{tx2}/CdtrAgt/FinInstnId/BICFI", "hit")  # KDBKKPPY
    assert "un_sc_sanctions-KPe.002" in entities(verdict, "listed party", f"{tx2}/Cdtr/Nm", "hit")  # Korea Ryonbong
    assert "us_ofac_sdn-16085" in entities(verdict, "listed party", f"{tx2}/UltmtCdtr/Nm", "hit")  # Daedong Credit Bank
    assert "embargo:kp" in entities(verdict, "embargoed destination", f"{tx2}/Cdtr/PstlAdr/Ctry", "hit")
    assert not any(field.startswith("PmtInf/CdtTrfTxInf[1]") for field in fields(verdict))
    assert not fields(verdict, "listed party in free text")  # "MACHINE TOOLS" is not "RUSATOM MACHINE TOOLS JSC"


def test_mt103_receiver_bic_beneficiary_and_reporting(screener):
    verdict = screen_payment(sample("mt103_hit.fin"), screener)
    assert (verdict.verdict, verdict.format, verdict.reference) == ("hit", "MT103", "HPT250425-0019")
    assert "us_ofac_sdn-17018" in entities(verdict, "listed BIC", "block 2 (receiver)", "hit")  # SABRRUMM, Sberbank
    assert "us_ofac_sdn-17018" in entities(verdict, "listed BIC", ":57A:", "hit")
    assert "us_ofac_sdn-16666" in entities(verdict, "listed party", ":59:", "hit")  # Timchenko
    assert "embargo:ru" in entities(verdict, "restricted destination", ":77B:", "review")
    assert not entities(verdict, field=":50K:")


def test_mt103_structured_50f_passport_and_birth_date(screener):
    verdict = screen_payment(sample("mt103_50f_hit.fin"), screener)
    assert verdict.verdict == "hit"
    hits = [f for f in verdict.findings if f.entity_id == "un_sc_sanctions-CFi.001"]
    assert hits and hits[0].field == ":50F:" and hits[0].rule == "listed party"
    assert "passport D00002264" in hits[0].explanation and "1946-10-14" in hits[0].explanation


def test_mt103_to_an_airline_written_with_another_generic_word_is_a_hit(screener):
    """MAHAN AIRLINES in :59: is MAHAN AIR on the lists: the generic word's form does not part them."""
    message = sample("mt103_clean.fin").replace(b"VAN DER BERG TUINMEUBELEN BV", b"MAHAN AIRLINES")
    verdict = screen_payment(message, screener)
    assert verdict.verdict == "hit"
    flagged = [f for f in verdict.findings if f.field == ":59:" and f.rule == "listed party"]
    assert flagged and any("MAHAN" in (f.explanation or "").upper() for f in flagged)


def test_mt103_clean(screener):
    verdict = screen_payment(sample("mt103_clean.fin"), screener)
    assert (verdict.verdict, verdict.findings) == ("clear", [])


def test_mt202cov_underlying_customer_sequence_b(screener):
    verdict = screen_payment(sample("mt202cov_hit.fin"), screener)
    assert (verdict.verdict, verdict.format) == ("hit", "MT202COV")
    assert "us_ofac_sdn-12847" in entities(verdict, "listed BIC", ":57A: (sequence B)", "hit")  # Commercial Bank of Syria
    assert "us_ofac_sdn-15036" in entities(verdict, "listed vessel (IMO)", ":70: (sequence B)", "hit")  # ARTAVIL
    # Syria: the US programme ended on 30 June 2025; EU and UK measures are sectoral.
    syria = [f for f in verdict.findings if f.entity_id == "embargo:sy"]
    assert syria and all(f.severity == "review" for f in syria)
    assert all(m["jurisdiction"] != "us" for f in syria for m in f.extra["measures"])
    # Sequence A is clean: its agents are ordinary banks.
    assert not [f for f in verdict.findings if "sequence B" not in f.field]


def test_jurisdictions_narrow_the_embargo_rules(screener):
    eu = screen_payment(sample("pacs008_v08_hit.xml"), screener, jurisdictions=["eu"])
    iran = [f for f in eu.findings if f.entity_id == "embargo:ir"]
    assert iran and all(f.severity == "review" and f.rule.startswith("restricted") for f in iran)
    with pytest.raises(InputError, match="Unknown jurisdiction 'xx'"):
        screen_payment(sample("pacs008_v08_hit.xml"), screener, jurisdictions=["xx"])


def test_datasets_narrow_the_lists(screener):
    verdict = screen_payment(sample("pacs008_v08_hit.xml"), screener, datasets=["un_sc_sanctions"])
    listed = {f.dataset for f in verdict.findings if f.dataset != "embargoes"}
    assert listed == {"un_sc_sanctions"}


def test_bic_branch_and_head_office_equivalence(screener):
    from interdict.workflows.identifiers import match_bic

    by = {m.listed: m.severity for m in match_bic(screener, "BKBPIRTH123")}
    assert by == {"BKBPIRTH": "hit"}
    assert [m.severity for m in match_bic(screener, "BKBPIRTHXXX")] == ["hit", "hit"]
    assert match_bic(screener, "COBADEFFXXX") == []


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "payment message is empty"),
        (b"hello", "Not a payment message"),
        (b"<Document><Other/></Document>", "holds no FIToFICstmrCdtTrf"),
        (b"<Document", "not well-formed"),
        (b'<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><Document/>', "declares a DTD"),
    ],
)
def test_payment_format_errors(data, message):
    with pytest.raises(InputError, match=message):
        parse_payment(data)
