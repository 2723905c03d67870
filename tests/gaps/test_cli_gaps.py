"""`interdict gaps` and `interdict gaps-evaluate` through the real entry point (in-process).

The runs reuse the resolutions the session fixtures cached, so each takes seconds.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from pathlib import Path

import pytest

from interdict.gaps import Evaluation, GapReport

from ..conftest import CliResult

Cli = Callable[..., CliResult]
IRAN_PEOPLE_ARGS = ["gaps", "--listed-by", "us,gb,ca", "--not-listed-by", "eu", "--programme", "iran", "--schema", "Person", "--focus", "--workers", "1"]


@pytest.mark.parametrize(
    ("args", "complaint"),
    [
        (["--listed-by", "us", "--not-listed-by", "eu", "--out", "x.txt"], "end the file name in .csv, .xlsx, .json or .html"),
        (["--listed-by", "us,mars", "--not-listed-by", "eu", "--out", "x.csv"], "unknown jurisdiction 'mars'"),
        (["--listed-by", "us", "--not-listed-by", "us", "--out", "x.csv"], "cannot be both"),
        (["--listed-by", "us", "--not-listed-by", "eu", "--programme", "persia", "--out", "x.csv"], "Unknown programme 'persia'"),
    ],
)
def test_bad_queries_exit_2_with_a_message(cli: Cli, args: list[str], complaint: str) -> None:
    result = cli("gaps", *args)
    assert result.code == 2, result.stderr
    assert complaint in result.flat_err and "Traceback" not in result.stderr


def test_missing_options_are_usage_errors(cli: Cli) -> None:
    result = cli("gaps", "--listed-by", "us")
    assert result.code == 2 and "Traceback" not in result.stderr


def test_gaps_writes_the_report_its_extension_names(cli: Cli, iran_people: GapReport, tmp_path: Path) -> None:
    out = tmp_path / "iran.csv"
    result = cli(*IRAN_PEOPLE_ARGS, "--out", out)
    assert result.code == 0, result.stderr
    assert f"{len(iran_people.rows):,} subjects listed by us or gb or ca but not by eu" in result.flat_out
    assert "no programme or regime information" in result.flat_err  # the EU export's caveat, on stderr
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert len(rows) == len(iran_people.rows) + len(iran_people.to_check)
    html = tmp_path / "iran.html"
    assert cli(*IRAN_PEOPLE_ARGS, "--out", html).code == 0
    assert html.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_an_empty_report_exits_0(cli: Cli, no_un_vessels: GapReport, tmp_path: Path) -> None:
    out = tmp_path / "none.json"
    result = cli("gaps", "-l", "un", "-n", "gb", "-p", "iran", "-s", "Vessel", "--focus", "--workers", "1", "-o", out)
    assert result.code == 0, result.stderr
    assert result.flat_out.startswith("0 subjects")
    assert json.loads(out.read_text(encoding="utf-8"))["rows"] == []


def test_gaps_evaluate_prints_precision_and_recall(cli: Cli, un_uk_evaluation: Evaluation, tmp_path: Path) -> None:
    out = tmp_path / "evaluation.json"
    args = ["gaps-evaluate", "-d", "un_sc_sanctions", "-d", "gb_fcdo_sanctions", "--focus-dataset", "un_sc_sanctions", "--workers", "1", "-n", ""]
    result = cli(*args, "--out", out)
    assert result.code == 0, result.stderr
    assert "precision" in result.stdout and "UN no." in result.stdout
    data = json.loads(out.read_text(encoding="utf-8"))
    first = data["scores"][0]
    assert first["truth"] == "un_reference" and first["precision"] >= 0.95
    assert first["true_pairs"] == un_uk_evaluation.to_dict()["scores"][0]["true_pairs"]  # the library call's ground truth


def test_gaps_evaluate_checks_the_reports_claims(cli: Cli, iran_people: GapReport, un_uk_evaluation: Evaluation, tmp_path: Path) -> None:
    out = tmp_path / "claims.json"
    result = cli("gaps-evaluate", "--focus-dataset", "un_sc_sanctions", "--workers", "1", "-l", "us,gb,ca", "-n", "eu", "-p", "iran", "-s", "Person", "--focus", "--out", out)
    assert result.code == 0, result.stderr
    assert "Claims checked by hand" in result.stdout
    claims = json.loads(out.read_text(encoding="utf-8"))["claims"]
    assert claims["bands"]["high"]["rows"] > 0 and claims["bands"]["high"]["with_candidate"] == 0
    assert claims["bands"]["low"]["rows"] == len(iran_people.to_check)
