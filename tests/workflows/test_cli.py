"""The CLI commands: same verdicts as the library, readable tables, exit codes."""

from __future__ import annotations

import json

from .conftest import SAMPLES


def test_screen_payment_json_and_fail_on_match(cli, seeded):
    result = cli("screen-payment", SAMPLES / "pacs008_v08_hit.xml", SAMPLES / "mt103_clean.fin", "--json", "--fail-on-match")
    assert result.code == 10, result.stderr
    verdicts = json.loads(result.stdout)
    assert [(v["document"], v["verdict"]) for v in verdicts] == [("pacs008_v08_hit.xml", "hit"), ("mt103_clean.fin", "clear")]


def test_screen_payment_clean_exits_zero(cli, seeded):
    result = cli("screen-payment", SAMPLES / "mt103_clean.fin", "--fail-on-match")
    assert result.code == 0
    assert "CLEAR" in result.stdout and "mt103_clean.fin" in result.stdout


def test_screen_payment_table(cli, seeded):
    result = cli("screen-payment", SAMPLES / "mt202cov_hit.fin")
    assert result.code == 0
    out = result.flat_out
    assert "HIT" in out and ":57A: (sequence B)" in out and "COMMERCIAL BANK OF SYRIA" in out and "listed BIC" in out


def test_screen_manifest_json(cli, seeded):
    result = cli("screen-manifest", SAMPLES / "paxlst_hit.edi", "--json")
    assert result.code == 0
    verdict = json.loads(result.stdout)
    assert verdict["verdict"] == "hit" and verdict["format"] == "PAXLST"
    assert {f["rule"] for f in verdict["findings"]} == {"listed party", "possible relative"}


def test_screen_shipment_jurisdiction(cli, seeded):
    result = cli("screen-shipment", SAMPLES / "shipment_crimea.csv", "-j", "eu", "--json", "--fail-on-match")
    assert result.code == 0  # for the EU, Crimea is sectoral: a review, not a hit
    assert json.loads(result.stdout)["verdict"] == "review"


def test_malformed_document_fails_before_the_index_loads(cli, tmp_path):
    bad = tmp_path / "bad.fin"
    bad.write_text(":20:REF1\n:32A:250101EUR1,00\n:50K:ACME\n:59:/1234\n-")
    result = cli("screen-payment", bad)
    assert result.code == 2
    assert "bad.fin: MT103 line 4: tag :59: has no name line" in result.flat_err
    assert "building" not in result.stderr and "Traceback" not in result.stderr


def test_usage_errors(cli, tmp_path):
    assert cli("screen-manifest", tmp_path / "missing.edi").code == 2
    result = cli("screen-shipment", SAMPLES / "shipment_clean.json", "-j", "fr")
    assert result.code == 2 and "Unknown jurisdiction 'fr'" in result.flat_err
