"""Several documents at once: every file gets its verdict or its error, in order; exit codes by precedence."""

from __future__ import annotations

import json
import random
import time

from interdict.errors import InputError
from interdict.workflows import parse_payment, screen_payment
from interdict.workflows.checks import DocumentTimeout, screen_parsed
from interdict.workflows.limits import DocumentLimits

from .conftest import SAMPLES, entities, sample


def truncated(tmp_path, name: str = "truncated.xml"):  # type: ignore[no-untyped-def]
    path = tmp_path / name
    path.write_bytes(sample("pacs008_v08_hit.xml")[:1500])
    return path


def test_one_bad_payment_does_not_sink_the_others(cli, seeded, tmp_path):
    bad = truncated(tmp_path)
    result = cli("screen-payment", SAMPLES / "pacs008_v10_clean.xml", bad, SAMPLES / "mt103_clean.fin", "--json")
    assert result.code == 1, result.stderr
    answers = json.loads(result.stdout)
    assert [a["document"] for a in answers] == ["pacs008_v10_clean.xml", "truncated.xml", "mt103_clean.fin"]
    assert [a.get("verdict") for a in answers] == ["clear", None, "clear"]
    assert set(answers[1]) == {"document", "error"}
    assert "truncated.xml: The payment message is not well-formed XML at line 50, column 30" in answers[1]["error"]
    assert "2 of 3 documents screened, 1 failed" in result.flat_err


def test_the_table_shows_each_answer_in_order(cli, seeded, tmp_path):
    bad = truncated(tmp_path)
    result = cli("screen-payment", SAMPLES / "mt103_clean.fin", bad)
    assert result.code == 1
    out = result.flat_out
    assert out.index("CLEAR mt103_clean.fin") < out.index("ERROR truncated.xml")


def test_a_hit_takes_precedence_over_a_failure(cli, seeded, tmp_path):
    bad = truncated(tmp_path)
    result = cli("screen-payment", bad, SAMPLES / "pacs008_v08_hit.xml", "--json", "--fail-on-match")
    assert result.code == 10
    answers = json.loads(result.stdout)
    assert "error" in answers[0] and answers[1]["verdict"] == "hit"
    assert cli("screen-payment", bad, SAMPLES / "pacs008_v08_hit.xml").code == 1  # without --fail-on-match


def test_every_file_failing_exits_2_before_the_index_loads(cli, tmp_path):
    bad = truncated(tmp_path)
    result = cli("screen-payment", bad, tmp_path / "missing.fin", "--json")
    assert result.code == 2
    answers = json.loads(result.stdout)
    assert [a["document"] for a in answers] == ["truncated.xml", "missing.fin"]
    assert "Cannot read" in answers[1]["error"] and "No such file" in answers[1]["error"]
    assert "building" not in result.stderr and "Traceback" not in result.stderr


def test_manifests_and_shipments_take_several_files(cli, seeded, tmp_path):
    result = cli("screen-manifest", SAMPLES / "paxlst_clean.edi", SAMPLES / "shipment_hit.json", "--json")
    assert result.code == 1
    answers = json.loads(result.stdout)
    assert answers[0]["verdict"] == "clear"
    assert "looks like a JSON object (a shipment record), not a manifest document" in answers[1]["error"]
    assert "interdict screen-shipment" in answers[1]["error"]
    result = cli("screen-shipment", SAMPLES / "shipment_clean.json", SAMPLES / "shipment_crimea.csv", "--json")
    assert result.code == 0
    assert [a["verdict"] for a in json.loads(result.stdout)] == ["clear", "hit"]
    single = cli("screen-shipment", SAMPLES / "shipment_clean.json", "--json")  # one file: one object, as before
    assert json.loads(single.stdout)["verdict"] == "clear"


def test_doc_limits_from_the_command_line(cli, seeded, tmp_path):
    result = cli("screen-manifest", SAMPLES / "paxlst_hit.edi", "--doc-limit", "max_travellers=2", "--json")
    assert result.code == 2
    error = json.loads(result.stdout)["error"]
    assert "more than 2 travellers; the limit is 2 (max_travellers)" in error
    assert "--doc-limit max_travellers=N" in error and "INTERDICT_DOC_MAX_TRAVELLERS" in error
    result = cli("screen-manifest", SAMPLES / "paxlst_hit.edi", "--doc-limit", "max_sheep=2")
    assert result.code == 2 and "--doc-limit 'max_sheep=2': expected NAME=VALUE" in result.flat_err


def test_a_timeout_is_an_error_for_that_document_only(cli, seeded, tmp_path):
    slow = tmp_path / "slow.fin"
    names = [
        f"ZARKOV PETRUSHENKO {chr(65 + i % 26)}{chr(65 + i // 26 % 26)}{chr(65 + i // 676)} TRADING HOUSE" for i in range(1500)
    ]
    slow.write_text(":20:R\n" + "".join(f":50K:{name}\n" for name in names) + ":59:ACME\n-")
    result = cli("screen-payment", slow, SAMPLES / "mt103_clean.fin", "--timeout", "0.2", "--json")
    assert result.code == 1
    answers = json.loads(result.stdout)
    assert "past its deadline" in answers[0]["error"] and answers[1]["verdict"] == "clear"


def test_legal_bases_are_listed_once_per_document(cli, seeded):
    result = cli("screen-payment", SAMPLES / "pacs008_v08_hit.xml")
    out = result.stdout
    assert out.count("31 CFR Part 560") == 1 and out.count("Council Regulation (EU) No 267/2012") == 1
    assert (
        "Legal basis, Iran: us comprehensive: Iranian Transactions and Sanctions Regulations, 31 CFR Part 560" in result.flat_out
    )
    assert "(legal basis below)" in out
    data = json.loads(cli("screen-payment", SAMPLES / "pacs008_v08_hit.xml", "--json").stdout)[0]
    country = [f for f in data["findings"] if f["entity_id"] == "embargo:ir"]
    assert len(country) > 1 and all("31 CFR Part 560" in f["explanation"] for f in country)  # the JSON stays complete


# --- the library: deadlines, deduplication, the free-text cap ---------------------------------


def test_a_past_deadline_stops_the_work(screener):
    try:
        screen_payment(sample("pacs008_v08_hit.xml"), screener, deadline=time.monotonic() - 1)
    except DocumentTimeout as exc:
        assert isinstance(exc, TimeoutError) and "deadline passed before the work could start" in str(exc)
    else:
        raise AssertionError("a past deadline must stop the screening")
    parsed = parse_payment(sample("pacs008_v08_hit.xml"))
    try:
        screen_parsed(parsed, screener, deadline=time.monotonic() - 1)
    except DocumentTimeout as exc:
        assert "with 0 of" in str(exc) and "fields checked; no verdict" in str(exc)
    else:
        raise AssertionError("a past deadline must stop the screening")


def test_repeated_parties_are_reported_in_every_field(screener):
    text = sample("pacs008_v08_hit.xml").decode()
    start, end = text.index("<CdtTrfTxInf>"), text.index("</CdtTrfTxInf>") + len("</CdtTrfTxInf>")
    verdict = screen_payment((text[:start] + text[start:end] * 3 + text[end:]).encode(), screener)
    single = screen_payment(sample("pacs008_v08_hit.xml"), screener)
    for number in (1, 2, 3):
        field = f"CdtTrfTxInf[{number}]/Cdtr/Nm"
        assert entities(verdict, "listed party", field) == entities(single, "listed party", "CdtTrfTxInf/Cdtr/Nm")
    assert len(verdict.findings) == 3 * len(single.findings)


def test_free_text_past_the_cap_is_reported_not_dropped(screener):
    filler = " ".join(["SPARE PARTS"] * 400)
    text = f"ON BEHALF OF MAHAN AIR {filler} AND KALA NAFT"
    data = f":20:R\n:59:ACME\n:70:{text}\n-".encode()
    verdict = screen_payment(data, screener, limits=DocumentLimits(max_free_text_chars=2000))
    cap = [f for f in verdict.findings if f.rule == "free text not fully screened"]
    assert len(cap) == 1 and cap[0].severity == "review" and cap[0].dataset == "limits"
    assert f"the text is {len(text):,} characters; the first 1,99" in cap[0].explanation
    assert "INTERDICT_DOC_MAX_FREE_TEXT_CHARS" in cap[0].explanation
    assert "us_ofac_sdn-12927" in entities(verdict, "listed party in free text")  # Mahan Air, within the cap
    uncapped = screen_payment(data, screener)
    assert not [f for f in uncapped.findings if f.rule == "free text not fully screened"]


def test_worker_processes_give_the_same_verdict(cli, screener, tmp_path):
    """--workers screens a large document's distinct parties and texts in forked processes: same findings, same order."""
    rng = random.Random(4)
    words = [w for name in rng.sample(screener.index.name_text, 3000) for w in name.split() if w.isalpha() and len(w) > 3]
    names = [" ".join(rng.sample(words, 2)) for _ in range(240)] + ["Mahan Air", "Bank Pasargad", "DERIPASKA Oleg"]
    text = ":20:R\n" + "".join(f":50K:{name}\n:70:ON BEHALF OF {name.upper()}\n" for name in names) + ":59:ACME\n-"
    one = screen_payment(text, screener).to_dict()
    two = screen_payment(text, screener, workers=2).to_dict()
    assert one == two and one["verdict"] == "hit"
    path = tmp_path / "many.fin"
    path.write_text(text)
    # The CLI opens the store's current lists (other tests may have updated them): compare it with itself.
    single = cli("screen-payment", path, "--json")
    result = cli("screen-payment", path, "--workers", "2", "--json")
    assert result.code == single.code == 0 and json.loads(result.stdout) == json.loads(single.stdout)


def test_distinct_parties_over_the_limit_are_refused_before_screening(screener):
    limits = DocumentLimits(max_parties=2)
    data = sample("pacs008_v08_hit.xml")
    for workers in (1, 2):
        try:
            screen_payment(data, screener, limits=limits, workers=workers)
        except InputError as exc:
            assert "names 3 distinct parties; the limit is 2 (max_parties)" in str(exc)
        else:
            raise AssertionError("3 distinct parties must be refused with max_parties=2")
    assert screen_payment(data, screener, limits=DocumentLimits(max_parties=3)).verdict == "hit"
