"""The whole test end to end over the real bundled lists: determinism, thresholds, suppression,
comparison, the report files, and clear errors for bad configuration."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from interdict.effectiveness import Config, effectiveness, load_config
from interdict.effectiveness.config import GoodGuyList
from interdict.effectiveness.html import render
from interdict.effectiveness.report import build, compare
from interdict.effectiveness.run import Probe, screen_probes
from interdict.errors import InputError, UnknownDatasetError
from interdict.model import Schema

from ..conftest import CliResult, Seeded

SCOPE = ("un_sc_sanctions", "au_dfat_sanctions")
VOLATILE = {"generated_at", "seconds"}

Cli = Callable[..., CliResult]


def run(tmp_path: Path, name: str, **overrides: Any) -> dict[str, Any]:
    workers = overrides.pop("workers", 1)
    compare_with = overrides.pop("compare_with", None)
    config = Config(**({"datasets": SCOPE, "sample": 6, "seed": 5} | overrides))
    out = tmp_path / f"{name}.json"
    result = effectiveness([out], config, workers=workers, compare_with=compare_with)
    assert json.loads(out.read_text(encoding="utf-8")) == result.report
    return result.report


class Elements(HTMLParser):
    """The tags of a page, and any that would load something."""

    def __init__(self) -> None:
        super().__init__()
        self.external: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "link", "img", "iframe", "object", "embed") or any(name in ("src", "href") and value and not value.startswith("#") for name, value in attrs):
            self.external.append(tag)

    @classmethod
    def of(cls, page: str) -> Elements:
        parser = cls()
        parser.feed(page)
        return parser


def stable(report: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in report.items() if key not in VOLATILE}


@pytest.fixture(scope="module")
def baseline(seeded: Seeded, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    return run(tmp_path_factory.mktemp("effectiveness"), "baseline")


def test_the_report_is_deterministic_for_a_seed(baseline: dict[str, Any], tmp_path: Path) -> None:
    again = run(tmp_path, "again", workers=2)  # worker processes do not change a result
    assert stable(again) == stable(baseline)


def test_the_report_covers_every_category_list_and_schema(baseline: dict[str, Any]) -> None:
    summary = baseline["summary"]
    assert summary["variants"] > 100 and summary["controls"] > 300 and summary["errors"] == 0
    categories = {c["category"]: c for c in baseline["categories"]}
    assert len(categories) == 16
    sampled = sum(sum(lst["sampled"].values()) for lst in baseline["lists"])
    for row in categories.values():
        assert row["variants"] + row["not_applicable"] == sampled  # every sampled entry is counted in every category
    assert {row["dataset"] for row in baseline["by_list"]} == set(SCOPE)
    assert {"Person", "Organization"} <= {row["schema"] for row in baseline["by_schema"]}
    assert all(lst["sha256"] and lst["snapshot_id"] for lst in baseline["lists"])
    operating = [p for p in baseline["sweep"] if p["operating_point"]]
    assert len(operating) == 1 and operating[0]["hit_rate"] == summary["hit_rate"] and operating[0]["false_alert_rate"] == summary["false_alert_rate"]
    rates = [p["hit_rate"] for p in baseline["sweep"]]
    assert rates == sorted(rates, reverse=True)  # a higher threshold never catches more


@pytest.fixture(scope="module")
def weakened(seeded: Seeded, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    return run(tmp_path_factory.mktemp("effectiveness"), "weak", threshold=0.95)


def test_a_raised_threshold_shows_lower_hit_rates(baseline: dict[str, Any], weakened: dict[str, Any]) -> None:
    assert weakened["summary"]["hit_rate"] < baseline["summary"]["hit_rate"]
    assert weakened["summary"]["false_alert_rate"] <= baseline["summary"]["false_alert_rate"]
    before = {c["category"]: c["hit_rate"] for c in baseline["categories"] if c["variants"]}
    after = {c["category"]: c["hit_rate"] for c in weakened["categories"] if c["variants"]}
    assert all(after[name] <= before[name] for name in before)
    assert any(after[name] < before[name] for name in before)


def test_the_good_guy_list_in_force_suppresses(seeded: Seeded, tmp_path: Path) -> None:
    config = Config(datasets=("un_sc_sanctions",), sample=4, seed=5, schemas=frozenset({Schema.ORGANIZATION, Schema.COMPANY}))
    effectiveness([tmp_path / "open.csv"], config, workers=1)
    rows = list(csv.DictReader((tmp_path / "open.csv").open(encoding="utf-8")))
    caught = {r["entity_id"] for r in rows if r["kind"] == "variant" and r["flagged"] == "true"}
    assert caught
    suppress = GoodGuyList(entries=frozenset(caught))
    report = effectiveness([tmp_path / "closed.json"], replace(config, suppress=suppress), workers=1).report
    assert report["summary"]["caught"] == 0  # a suppressed entry is not an alert, so its variants count as missed
    assert sum(c["suppressed"] for c in report["categories"]) >= len(caught)
    assert report["configuration"]["suppressions"]["entries"] == sorted(caught)


def test_compare_shows_what_changed(baseline: dict[str, Any], weakened: dict[str, Any]) -> None:
    same = compare(baseline, baseline)
    assert same["same_inputs"] and not same["settings"] and not same["lists"]
    assert all(row["change"] in (0, None) for row in same["categories"])
    changed = compare(baseline, weakened)
    assert not changed["same_inputs"]
    assert {"setting": "threshold", "old": 0.7, "new": 0.95} in changed["settings"]
    assert changed["hit_rate"]["change"] < 0
    assert "Changes since the last review" in render(weakened | {"changes": changed})


def test_the_html_is_offline_and_escapes_hostile_names(baseline: dict[str, Any]) -> None:
    hostile = '<script>alert("x")</script><img src=https://evil.example/x.png>'
    report = json.loads(json.dumps(baseline))
    report["weakest"] = [{"category": "typo_1", "label": hostile, "hit_rate": 0.5, "missed": [
        {"variant": hostile, "source_name": hostile, "entity_id": hostile, "dataset": "x", "schema": "Person", "detail": hostile,
         "source_score": None, "best_match": hostile, "best_score": 0.4, "suppressed": False, "error": None}]}]
    report["false_alerts"]["examples"] = [{"control": hostile, "culture": hostile, "schema": "Person", "matched": hostile, "score": 0.9}]
    page = render(report)
    assert "<script" not in page and "<img" not in page
    assert "&lt;script&gt;" in page
    assert "<svg" in page and "in force: 0.70" in page
    # Nothing fetched from the network: no script, stylesheet link, image or external reference.
    assert not Elements.of(page).external


# --- configuration and the command line ---------------------------------------------


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("threshold = 2", "threshold must be a number above 0"),
        ("thresold = 0.7", "unknown setting(s) thresold"),
        ("threshold = ", "not valid TOML"),
        ('datasets = ["no_such_list"]', "Unknown dataset 'no_such_list'"),
        ('schemas = ["Spaceship"]', "unknown schema 'Spaceship'"),
        ("[suppress]\npairs = [{ name = 'x' }]", "suppress.pairs item 1"),
        ("sample = 0", "sample must be a whole number"),
    ],
)
def test_bad_config_is_a_clear_error(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises((InputError, UnknownDatasetError), match=None) as info:
        load_config(path)
    assert message in str(info.value)
    assert info.value.exit_code == 2


def test_a_config_file_sets_the_configuration_in_force(tmp_path: Path) -> None:
    path = tmp_path / "screening.toml"
    path.write_text(
        'threshold = 0.8\nsweep = [0.9, 0.6]\ndatasets = ["un_sc_sanctions"]\nschemas = ["Person"]\nsample = 7\nseed = 3\n'
        '[suppress]\nentries = ["un_sc_sanctions-IRi.034"]\npairs = [{ name = "Sergei  IVANOV", entry = "eu_fsf-1" }]\n',
        encoding="utf-8",
    )
    config = load_config(path).with_overrides(sample=9)
    assert (config.threshold, config.sweep, config.datasets, config.sample, config.seed) == (0.8, (0.6, 0.9), ("un_sc_sanctions",), 9, 3)
    assert config.suppress.suppressed("anyone", "un_sc_sanctions-IRi.034")
    assert config.suppress.suppressed("sergei ivanov", "eu_fsf-1") and not config.suppress.suppressed("sergei ivanov", "eu_fsf-2")


@pytest.mark.parametrize(
    "args",
    [
        ["--dataset", "no_such_list", "--out", "{tmp}/r.json"],
        ["--config", "{tmp}/missing.toml", "--out", "{tmp}/r.json"],
        ["--compare", "{tmp}/not-a-report.json", "--out", "{tmp}/r.json"],
        ["--out", "{tmp}/r.txt"],
        ["--threshold", "1.5", "--out", "{tmp}/r.json"],
    ],
    ids=["unknown-dataset", "missing-config", "compare-not-a-report", "out-suffix", "threshold"],
)
def test_cli_errors_exit_2_without_traceback(cli: Cli, tmp_path: Path, args: list[str]) -> None:
    (tmp_path / "not-a-report.json").write_text('{"hello": 1}', encoding="utf-8")
    result = cli("effectiveness", *[a.replace("{tmp}", str(tmp_path)) for a in args])
    assert result.code == 2, result.stderr
    assert "error" in result.stderr.lower() and "Traceback" not in result.stderr
    assert not (tmp_path / "r.json").exists()


def test_cli_writes_the_report(cli: Cli, baseline: dict[str, Any], tmp_path: Path) -> None:
    old = tmp_path / "last-review.json"
    old.write_text(json.dumps(baseline), encoding="utf-8")
    outputs = [tmp_path / "r.html", tmp_path / "r.json", tmp_path / "r.csv"]
    args = ["-d", "un_sc_sanctions", "--schema", "Organization", "--sample", "3", "--seed", "2", "--compare", old]
    result = cli("effectiveness", *args, *[item for path in outputs for item in ("--out", path)])
    assert result.code == 0, result.stderr
    assert "variants caught" in result.flat_out and "controls alerted" in result.flat_out
    page = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "<svg" in page and "Changes since the last review" in page
    report = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert report["configuration"]["seed"] == 2 and report["changes"]["previous_input_sha256"] == baseline["input_sha256"]
    # The CSV: a row per name screened and per entry a category could not apply to.
    rows = list(csv.DictReader((tmp_path / "r.csv").open(encoding="utf-8")))
    summary = report["summary"]
    assert sum(r["kind"] == "variant" for r in rows) == summary["variants"]
    assert sum(r["kind"] == "control" for r in rows) == summary["controls"]
    assert sum(r["kind"] == "not_applicable" for r in rows) == summary["not_applicable"]
    assert all(r["reason_or_error"] for r in rows if r["kind"] == "not_applicable")


def test_a_name_that_cannot_be_screened_is_its_own_error(seeded: Seeded) -> None:
    probes = [
        Probe("control", "Mohammad Rezaei", "Person", culture="persian"),
        Probe("control", "bad \ud800 name", "Person", culture="hostile"),  # a lone surrogate: no query can be built
        Probe("control", "Sergei Ivanov", "Person", culture="russian"),
    ]
    outcomes = screen_probes(seeded.screener, Config(), ("un_sc_sanctions",), GoodGuyList(), probes)  # type: ignore[arg-type]
    assert [o.error is None for o in outcomes] == [True, False, True]
    assert "surrogate" in (outcomes[1].error or "")
    figures = build(probes, outcomes, [], 0.7, (0.5, 0.9), [])
    assert figures["summary"]["errors"] == 1 and figures["summary"]["controls"] == 2


def test_a_good_guy_pair_suppresses_that_name_and_entry_only() -> None:
    # as the case store gives them (`--good-guys`): the name decided on, matched as the configuration's pairs are
    goods = GoodGuyList.from_pairs([("Javad  KARIMI Sabet", "un_sc_sanctions-IRi.034")], "case store")
    assert goods.suppressed("javad karimi sabet", "un_sc_sanctions-IRi.034")
    assert not goods.suppressed("Javad Karimi Sabet", "un_sc_sanctions-IRi.035")
    assert not goods.suppressed("Mohammad Karimi", "un_sc_sanctions-IRi.034")
    assert goods.describe()["source"] == "case store"


class _Kept:
    """An object alive across a run: whether the collector still walks it says whether the run settled the heap."""


@pytest.mark.parametrize("own_heap", [False, True])
def test_only_a_run_that_owns_its_process_settles_the_heap(seeded: Seeded, tmp_path: Path, own_heap: bool) -> None:
    import gc

    kept = [_Kept() for _ in range(100)]
    config = Config(datasets=("un_sc_sanctions",), sample=2, seed=5)
    report = effectiveness([tmp_path / "run.json"], config, workers=1, own_heap=own_heap).report
    walked = {id(item) for item in gc.get_objects()}
    still_walked = sum(1 for item in kept if id(item) in walked)
    # The command line's run settles (interdict.heap): what was alive leaves the collector's view. A library call
    # into someone else's process leaves their heap alone. The answers are the same either way.
    assert still_walked == (0 if own_heap else len(kept))
    assert report["summary"]["variants"] > 0
