"""The command line through its real entry point, over the session's store of all bundled lists.

Most runs are in-process (`cli` fixture) so they share the session's index
cache; two run the installed console script in a subprocess.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from interdict import bundle
from interdict.cli import app
from interdict.store import open_store

from .conftest import BUNDLED_COUNTS, CliResult, Seeded

HIT_KEYS = {"entity_id", "dataset", "source_id", "caption", "schema", "score", "match", "matched_name", "explanation"}
COMMANDS = {"datasets", "screen", "screen-file", "compare", "compare-file", "show", "update", "load", "export"}
SABET = "un_sc_sanctions-IRi.034"  # M. JAVAD KARIMI SABET, born 1973-07-25
MADE_UP = "Zorbelina Quastenhoff"

Cli = Callable[..., CliResult]


def command_names() -> list[str]:
    return [command.name or command.callback.__name__.replace("_", "-") for command in app.registered_commands]


def test_the_command_set() -> None:
    # The foundation commands; other areas (service, workflows, gaps) register more.
    assert COMMANDS <= set(command_names())


def test_each_command_is_registered_by_the_module_main_imports_for_it() -> None:
    """`main` imports only the module of the command it runs (cli.COMMAND_MODULES): the table must name every
    command and group, each with the module that registers it, or that command would not exist."""
    from interdict import cli as cli_module

    registered: dict[str, str] = {}
    for command in app.registered_commands:
        name = command.name or command.callback.__name__.replace("_", "-")
        registered[name] = command.callback.__module__.rpartition(".")[2]
    for group in app.registered_groups:
        registered[group.name] = group.typer_instance.registered_commands[0].callback.__module__.rpartition(".")[2]
    assert registered == cli_module.COMMAND_MODULES


def test_a_command_runs_from_a_fresh_process_that_imports_only_its_module(tmp_path: Path) -> None:
    env = {**os.environ, "INTERDICT_HOME": str(tmp_path)}
    code = "import sys; from interdict.cli import main; sys.argv = ['interdict', 'screen-file', '--help']; main()"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "Usage: interdict screen-file" in " ".join(done.stdout.split())
    probe = "import sys; import interdict.cli as c; c.load_commands(['interdict', 'compare']); print(sorted(m for m in sys.modules if m.startswith('interdict.cli.')))"
    modules = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=env, timeout=120).stdout
    assert "interdict.cli.screen" in modules and "interdict.cli.gaps" not in modules and "interdict.cli.cases" not in modules


@pytest.mark.parametrize("command", ["", *sorted(command_names())])
def test_help(cli: Cli, command: str) -> None:
    result = cli(*([command] if command else []), "--help")
    assert result.code == 0, result.stderr
    assert "Usage" in result.stdout
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    "args",
    [["screen"], ["no-such-command"], ["screen", "x", "--limit", "0"], ["screen", "x", "--threshold", "2"], ["show"], ["serve", "--log-level", "loud"]],
    ids=["missing-argument", "unknown-command", "limit-0", "threshold-2", "show-no-id", "serve-log-level"],
)
def test_usage_errors_exit_2_without_traceback(cli: Cli, args: list[str]) -> None:
    result = cli(*args)
    assert result.code == 2
    assert "Error" in result.stderr and "Traceback" not in result.stderr


# --- datasets ---------------------------------------------------------------------


def test_datasets_json(cli: Cli, seeded: Seeded) -> None:
    result = cli("datasets", "--json")
    assert result.code == 0, result.stderr
    rows = json.loads(result.stdout)
    assert {row["id"]: row["entries"] for row in rows} == BUNDLED_COUNTS
    for row in rows:
        assert {
            "title",
            "publisher",
            "jurisdiction",
            "counts",
            "published",
            "loaded_at",
            "origin",
            "sha256",
            "files",
            "official_urls",
            "warnings",
        } <= set(row)
        assert sum(row["counts"].values()) == row["entries"]
        assert row["origin"].startswith("bundled:")
        manifest = {item.role: item.sha256 for item in bundle.manifest()[row["id"]].files}
        assert {item["role"]: item["sha256"] for item in row["files"]} == manifest
        assert row["official_urls"] and all(url.startswith("https://") for url in row["official_urls"].values())
    un = next(row for row in rows if row["id"] == "un_sc_sanctions")
    assert un["published"] == "2026-02-27" and un["jurisdiction"] == "un"


def test_datasets_table(cli: Cli, seeded: Seeded) -> None:
    result = cli("datasets")
    assert result.code == 0, result.stderr
    for dataset in BUNDLED_COUNTS:
        assert dataset in result.stdout
    assert "14,965" in result.stdout and "1,003" in result.stdout


# --- screen -----------------------------------------------------------------------


def test_screen_json_and_fail_on_match(cli: Cli, seeded: Seeded) -> None:
    result = cli("screen", "QASEMI, Rostam", "--json", "--fail-on-match")
    assert result.code == 10, result.stderr
    payload = json.loads(result.stdout)
    assert set(payload) == {"query", "hits", "matches", "warnings", "missing_lists"} and payload["query"] == "QASEMI, Rostam"
    assert payload["missing_lists"] == []
    hits = payload["hits"]
    assert 1 <= len(hits) <= 10
    for hit in hits:
        assert HIT_KEYS <= set(hit) <= HIT_KEYS | {"kind", "relation"}  # optional: hits reaching through relations
        assert 0.0 <= hit["score"] <= 1.0
        assert hit["match"] == (hit["score"] >= 0.70)
        assert hit["entity_id"].startswith(hit["dataset"] + "-")
    assert [hit["score"] for hit in hits] == sorted((hit["score"] for hit in hits), reverse=True)
    matched = {hit["dataset"] for hit in hits if hit["match"] and "qasemi" in hit["caption"].lower()}
    assert {"gb_fcdo_sanctions", "ca_dfatd_sema_sanctions", "au_dfat_sanctions"} <= matched


def test_screen_made_up_name_with_fail_on_match_exits_0(cli: Cli, seeded: Seeded) -> None:
    result = cli("screen", MADE_UP, "--fail-on-match")
    assert result.code == 0, result.stderr
    assert "MATCH" not in result.stdout
    assert MADE_UP in result.stdout  # "No hits for ..." or the near-miss table title


def test_screen_with_secondary_data_and_dataset(cli: Cli, seeded: Seeded) -> None:
    base = [
        "screen",
        "M. JAVAD KARIMI SABET",
        "--schema",
        "Person",
        "--nationality",
        "Iran",
        "-d",
        "un_sc_sanctions",
        "--json",
        "--limit",
        "5",
    ]
    right = json.loads(cli(*base, "--birth-date", "1973-07-25").stdout)["hits"]
    wrong = json.loads(cli(*base, "--birth-date", "1950").stdout)["hits"]
    for hits in (right, wrong):
        assert hits and len(hits) <= 5
        assert {hit["dataset"] for hit in hits} == {"un_sc_sanctions"}
        assert {hit["schema"] for hit in hits} == {"Person"}
    assert right[0]["entity_id"] == SABET and right[0]["match"]
    assert "1973" in right[0]["explanation"]
    wrong_sabet = next(hit for hit in wrong if hit["entity_id"] == SABET)
    assert wrong_sabet["score"] < right[0]["score"]  # a contradicting birth date counts against


@pytest.mark.parametrize(
    "args, message",
    [
        (["-d", "no_such_list"], "Unknown dataset 'no_such_list'. Known datasets: us_ofac_sdn"),
        (["--schema", "Spaceship"], "Unknown schema 'Spaceship'"),
        (["--birth-date", "the seventies"], "Cannot read birth date 'the seventies'"),
        (["--nationality", "Atlantis"], "Unknown nationality 'Atlantis'"),
        (["--birth-date", "1961-13-45"], "Cannot read birth date '1961-13-45'"),
    ],
    ids=["dataset", "schema", "birth-date", "nationality", "impossible-date"],
)
def test_screen_bad_input_exits_2_with_a_message(cli: Cli, args: list[str], message: str, tmp_path: Path) -> None:
    fresh = tmp_path / "fresh.db"
    result = cli("screen", "Some Name", *args, "--db", f"sqlite:///{fresh}")
    assert result.code == 2
    assert message in result.flat_err
    assert "Traceback" not in result.stderr
    assert result.stdout == ""
    assert not fresh.exists()  # refused before loading any list or building the index (a minute on first use)


def test_screen_text_output_survives_markup_in_names(cli: Cli, seeded: Seeded) -> None:
    name = "Rostam Qasemi [/x]"  # a closing tag with no opening one crashed rich's markup parser
    result = cli("screen", name)
    assert result.code == 0, result.stderr
    assert name in result.stdout
    assert "Rostam QASEMI" in result.stdout and "MATCH" in result.stdout  # the hits table was printed
    bad = cli("screen", "x", "--schema", "[/oops]")
    assert bad.code == 2 and "Unknown schema '[/oops]'" in bad.flat_err


# --- show -------------------------------------------------------------------------


def test_show_text(cli: Cli, seeded: Seeded) -> None:
    result = cli("show", SABET)
    assert result.code == 0, result.stderr
    assert "M. JAVAD KARIMI SABET" in result.stdout and "IRi.034" in result.stdout
    assert "1973-07-25" in result.stdout
    assert "[Old Reference # I.03.I.8]" in result.flat_out  # list text shown literally, not as markup


def test_show_json(cli: Cli, seeded: Seeded) -> None:
    result = cli("show", SABET, "--json")
    assert result.code == 0, result.stderr
    data = json.loads(result.stdout)
    assert (data["id"], data["dataset"], data["source_id"], data["schema"]) == (SABET, "un_sc_sanctions", "IRi.034", "Person")
    assert data["names"][0] == {"full": "M. JAVAD KARIMI SABET", "first": "M. JAVAD", "last": "KARIMI SABET"}
    assert data["birth_dates"] == [{"start": "1973-07-25"}]


def test_show_ftm_prints_json_lines(cli: Cli, seeded: Seeded) -> None:
    result = cli("show", SABET, "--ftm")
    assert result.code == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    assert [item["schema"] for item in lines] == ["Person", "Sanction"]
    person, sanction = lines
    assert person["id"] == SABET and person["datasets"] == ["un_sc_sanctions"]
    assert person["properties"]["name"] == ["M. JAVAD KARIMI SABET"]
    assert person["properties"]["birthDate"] == ["1973-07-25"]
    assert sanction["properties"]["entity"] == [SABET]
    assert sanction["properties"]["authorityId"] == ["IRi.034"]


def test_show_unknown_id_exits_6(cli: Cli, seeded: Seeded) -> None:
    result = cli("show", "un_sc_sanctions-XXi.999")
    assert result.code == 6
    assert "No entity 'un_sc_sanctions-XXi.999'" in result.flat_err and "interdict screen" in result.flat_err
    assert "Traceback" not in result.stderr


# --- compare ----------------------------------------------------------------------


def test_compare_json(cli: Cli, seeded: Seeded) -> None:
    result = cli("compare", "Mohammad Javad Karimi Sabet", "Mohammed Javad Karimi Sabet", "--schema", "Person", "--json")
    assert result.code == 0, result.stderr
    data = json.loads(result.stdout)
    assert set(data) == {"score", "match", "explanation"}
    assert 0.0 <= data["score"] <= 1.0
    assert data["match"] is True and data["score"] >= 0.70
    assert "sabet" in data["explanation"].lower()


def test_compare_text_and_threshold(cli: Cli, seeded: Seeded) -> None:
    result = cli("compare", "Rostam Qasemi", MADE_UP, "--threshold", "0.95")
    assert result.code == 0, result.stderr
    assert "no match" in result.stdout


def test_compare_bad_schema_exits_2(cli: Cli, tmp_path: Path) -> None:
    fresh = tmp_path / "fresh.db"
    result = cli("compare", "a", "b", "--schema", "Spaceship", "--db", f"sqlite:///{fresh}")
    assert result.code == 2 and "Unknown schema 'Spaceship'" in result.flat_err
    assert not fresh.exists()


@pytest.mark.parametrize("names", [("", "Ali"), ("Ali", "   ")])
def test_compare_needs_two_names(cli: Cli, tmp_path: Path, names: tuple[str, str]) -> None:
    fresh = tmp_path / "fresh.db"
    result = cli("compare", *names, "--db", f"sqlite:///{fresh}")
    assert result.code == 2 and "Both names are required" in result.flat_err
    assert not fresh.exists()


def test_screen_file_refuses_an_unwritable_output_before_screening(cli: Cli, tmp_path: Path) -> None:
    fresh = tmp_path / "fresh.db"
    source = tmp_path / "parties.csv"
    source.write_text("id,name\n1,Ali Khamenei\n", encoding="utf-8")
    for out, message in ((source, "would overwrite the input"), (tmp_path, "is a directory"), (tmp_path / "no" / "x.jsonl", "does not exist")):
        result = cli("screen-file", str(source), "--out", str(out), "--db", f"sqlite:///{fresh}")
        assert result.code == 2 and message in result.flat_err, out
        assert "Traceback" not in result.stderr
    assert source.read_text(encoding="utf-8") == "id,name\n1,Ali Khamenei\n"
    assert not fresh.exists()


# --- export -----------------------------------------------------------------------


def test_export_writes_ftm_json_lines(cli: Cli, seeded: Seeded, tmp_path: Path) -> None:
    out = tmp_path / "export.ftm.json"
    result = cli("export", "--out", out, "-d", "un_sc_sanctions", "-d", "us_ofac_cons")
    assert result.code == 0, result.stderr
    assert "1,445 entities written" in result.flat_err
    items = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    # relations are exported as interval entities ("rel-...") and the bare names they point at ("name-...")
    main = [item for item in items if item["schema"] not in ("Sanction", "CryptoWallet") and not item["id"].startswith(("rel-", "name-"))]
    assert len(main) == 1003 + 442 == len({item["id"] for item in main})
    assert {item["datasets"][0] for item in main} == {"un_sc_sanctions", "us_ofac_cons"}
    ids = {item["id"] for item in main}
    sanctions = [item for item in items if item["schema"] == "Sanction"]
    assert len(sanctions) == len(main)
    assert all(item["properties"]["entity"][0] in ids for item in sanctions)
    for item in main:
        assert set(item) >= {"id", "schema", "properties", "datasets"}
        assert item["properties"]["topics"] == ["sanction"]
        assert all(isinstance(values, list) for values in item["properties"].values())
    sabet = next(item for item in main if item["id"] == SABET)
    assert sabet["properties"]["name"] == ["M. JAVAD KARIMI SABET"]


def test_export_unknown_dataset(cli: Cli, tmp_path: Path) -> None:
    out = tmp_path / "nothing.json"
    result = cli("export", "--out", out, "-d", "no_such_list")
    assert result.code == 2 and "Unknown dataset" in result.flat_err
    assert not out.exists()


# --- load -------------------------------------------------------------------------


def test_load(cli: Cli, un_db: str, tmp_path: Path) -> None:
    good = tmp_path / "consolidated.xml"
    good.write_bytes(bundle.read_files("un_sc_sanctions")["main"])
    result = cli("load", "un_sc_sanctions", good, "--db", un_db)
    assert result.code == 0, result.stderr
    # The bundled file again: the same content, confirmed rather than stored twice.
    assert f"un_sc_sanctions: unchanged, 1,003 entries (confirmed from {good.resolve()}; not stored again)" in result.flat_out
    assert "warning:" in result.stderr and "identity documents" in result.flat_err  # the parser's warnings are shown
    store = open_store(un_db)
    assert len(store.history("un_sc_sanctions")) == 1
    assert store.active_snapshot("un_sc_sanctions").confirmed.origin == str(good.resolve())
    store.engine.dispose()

    good.write_bytes(bundle.read_files("un_sc_sanctions")["main"].replace(b"2026-02-27", b"2026-03-06", 1))
    result = cli("load", "un_sc_sanctions", good, "--db", un_db)
    assert result.code == 0 and f"un_sc_sanctions: 1,003 entries loaded from {good.resolve()}" in result.flat_out
    store = open_store(un_db)
    assert len(store.history("un_sc_sanctions")) == 2
    assert store.active_snapshot("un_sc_sanctions").origin == str(good.resolve())
    store.engine.dispose()


def test_load_errors(cli: Cli, un_db: str, tmp_path: Path) -> None:
    html = tmp_path / "error.xml"
    html.write_bytes(b"<html><body>Access denied</body></html>")
    parse_failure = cli("load", "un_sc_sanctions", html, "--db", un_db)
    assert parse_failure.code == 3 and "HTML page" in parse_failure.flat_err

    missing = cli("load", "un_sc_sanctions", tmp_path / "missing.xml", "--db", un_db)
    assert missing.code == 2 and "missing.xml" in missing.flat_err

    unknown = cli("load", "no_such_list", html, "--db", un_db)
    assert unknown.code == 2 and "Unknown dataset 'no_such_list'" in unknown.flat_err

    for result in (parse_failure, missing, unknown):
        assert "Traceback" not in result.stderr
    store = open_store(un_db)
    assert len(store.history("un_sc_sanctions")) == 1
    store.engine.dispose()


def test_load_shrink_needs_force(cli: Cli, un_db: str, tmp_path: Path) -> None:
    import re

    small = tmp_path / "consolidated.xml"
    small.write_bytes(
        re.sub(rb"<INDIVIDUAL>.*?</INDIVIDUAL>", b"", bundle.read_files("un_sc_sanctions")["main"], flags=re.DOTALL)
    )
    refused = cli("load", "un_sc_sanctions", small, "--db", un_db)
    assert refused.code == 4 and "273 entries" in refused.flat_err and "--force" in refused.flat_err
    forced = cli("load", "un_sc_sanctions", small, "--db", un_db, "--force")
    assert forced.code == 0 and "273 entries loaded" in forced.flat_out


def test_store_errors_exit_5(cli: Cli, tmp_path: Path) -> None:
    bad = tmp_path / "not-a-db.sqlite"
    bad.write_text("hello" * 200)
    result = cli("datasets", "--db", f"sqlite:///{bad}")
    assert result.code == 5
    assert "not a database" in result.flat_err and "Traceback" not in result.stderr


# --- the installed console script -------------------------------------------------------


def run_script(*args: str) -> subprocess.CompletedProcess[str]:
    script = Path(sys.executable).with_name("interdict")
    return subprocess.run([str(script), *args], capture_output=True, text=True, timeout=120, env=os.environ.copy(), check=False)


def test_console_script_exit_codes(seeded: Seeded) -> None:
    matched = run_script("screen", "QASEMI, Rostam", "--fail-on-match")
    assert matched.returncode == 10, matched.stderr
    assert "Rostam" in matched.stdout
    unknown = run_script("screen", "QASEMI, Rostam", "-d", "no_such_list")
    assert unknown.returncode == 2
    assert "Unknown dataset" in unknown.stderr and "Traceback" not in unknown.stderr


def test_a_progress_bar_runs_no_thread_so_the_work_under_it_may_fork() -> None:
    """screen-file's workers fork only in a process of one thread (cores.can_fork): rich's bar would start a refresh
    thread and leave the batch on one core. The bar is drawn by the updates. In a fresh interpreter."""
    script = (
        "from interdict.cli.common import progress_bar\n"
        "from interdict.cores import can_fork\n"
        "with progress_bar() as bar:\n"
        "    task = bar.add_task('screening', total=512)\n"
        "    bar.update(task, completed=256)\n"
        "    print(can_fork())\n"
        "    bar.update(task, completed=512)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=True)
    assert done.stdout.split() == ["True"]
    assert "512/512" in done.stderr  # the finished bar is drawn
