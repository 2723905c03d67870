"""Batch screening and pairwise scoring of files: the JSONL contract (docs/architecture.md).

Library calls use the session's screener over every bundled list; the CLI runs
check exit codes and messages.
"""

from __future__ import annotations

import csv
import datetime
import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from interdict import batch, screening
from interdict.errors import InputError

from .conftest import CliResult, Seeded

HIT_KEYS = {"entity_id", "dataset", "source_id", "caption", "schema", "score", "match", "matched_name", "explanation"}
COLUMNS = ["id", "name", "schema", "birth_date", "nationality", "country", "id_number"]
ROWS = [
    {"id": "row-1", "name": "QASEMI, Rostam", "schema": "Person"},
    {"id": "row-2", "name": "M. JAVAD KARIMI SABET", "schema": "Person", "birth_date": "1973-07-25", "nationality": "Iran"},
    {"id": "row-3", "name": "Zorbelina Quastenhoff"},
    {"id": "row-4", "name": "MODERN INDUSTRIES TECHNIQUE COMPANY", "schema": "Organization", "country": "Iran"},
    {"id": "row-5", "name": "Mohammad Baqer Qalibaf", "schema": "Person", "birth_date": "1961"},
    {"id": "row-6", "name": "Islamic Revolutionary Guard Corps", "schema": "Organization"},
]

Cli = Callable[..., CliResult]


def write_csv(path: Path, rows: list[dict[str, str]], columns: list[str] = COLUMNS, delimiter: str = ",") -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, delimiter=delimiter)
        writer.writeheader()
        for row in rows:
            writer.writerow({key: row.get(key, "") for key in columns})
    return path


def write_jsonl(path: Path, rows: list[dict[str, object]]) -> Path:
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    return path


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def check_contract(
    lines: list[dict], ids: list[str], threshold: float = 0.70, limit: int = 10, datasets: set[str] | None = None
) -> None:
    """Every line of a results file against the batch screening contract (docs/architecture.md)."""
    assert [line["id"] for line in lines] == ids
    for line in lines:
        assert set(line) in ({"id", "hits"}, {"id", "hits", "warnings"}), line
        hits = line["hits"]
        if "warnings" in line:  # an incomplete screen says why, e.g. matches the limit left out
            assert line["warnings"] and all(isinstance(text, str) for text in line["warnings"])
            if any("more match" in text for text in line["warnings"]):
                assert len(hits) == limit and all(hit["match"] for hit in hits)
        assert len(hits) <= limit
        assert [hit["score"] for hit in hits] == sorted((hit["score"] for hit in hits), reverse=True)
        for hit in hits:
            assert HIT_KEYS <= set(hit) <= HIT_KEYS | {"kind", "relation"}  # optional: hits reaching through relations
            assert 0.0 <= hit["score"] <= 1.0
            assert hit["match"] == (hit["score"] >= threshold), hit
            assert hit["entity_id"].startswith(hit["dataset"] + "-")
            assert isinstance(hit["caption"], str) and hit["caption"]
            assert isinstance(hit["explanation"], str) and hit["explanation"]
            if datasets is not None:
                assert hit["dataset"] in datasets


@pytest.fixture
def rows_csv(tmp_path: Path) -> Path:
    return write_csv(tmp_path / "parties.csv", ROWS)


# --- the contract ---------------------------------------------------------------------


def test_screen_file_csv(seeded: Seeded, rows_csv: Path, tmp_path: Path) -> None:
    out = tmp_path / "results.jsonl"
    done: list[int] = []
    summary = batch.screen_file(seeded.screener, rows_csv, out, progress=done.append)
    lines = read_jsonl(out)
    check_contract(lines, [row["id"] for row in ROWS])
    by_id = {line["id"]: line["hits"] for line in lines}
    assert any(hit["match"] and hit["caption"].lower() == "rostam qasemi" for hit in by_id["row-1"])
    assert any(hit["match"] and hit["source_id"] == "IRi.034" for hit in by_id["row-2"])
    assert not any(hit["match"] for hit in by_id["row-3"])
    assert any(hit["match"] and hit["source_id"] == "IRe.044" for hit in by_id["row-4"])
    # Each row's hits are what screening the same party alone gives.
    alone = screening.screen(
        "M. JAVAD KARIMI SABET", schema="Person", birth_date="1973-07-25", nationality="Iran", screener=seeded.screener
    )
    assert by_id["row-2"] == [hit.to_dict() for hit in alone]
    assert (summary.rows, summary.errors) == (6, 0)
    assert summary.matched_rows == sum(1 for hits in by_id.values() if any(hit["match"] for hit in hits))
    assert done and done[-1] == 6
    assert not out.with_name(out.name + ".partial").exists()


def test_limit_threshold_and_datasets(seeded: Seeded, rows_csv: Path, tmp_path: Path) -> None:
    out = tmp_path / "results.jsonl"
    wanted = {"un_sc_sanctions", "gb_fcdo_sanctions"}
    batch.screen_file(seeded.screener, rows_csv, out, datasets=sorted(wanted), limit=2, threshold=0.9)
    lines = read_jsonl(out)
    check_contract(lines, [row["id"] for row in ROWS], threshold=0.9, limit=2, datasets=wanted)
    assert any(line["hits"] for line in lines)
    assert any(hit["dataset"] == "gb_fcdo_sanctions" for line in lines for hit in line["hits"])
    # A higher threshold only changes the match flags, never the scores.
    default = tmp_path / "default.jsonl"
    batch.screen_file(seeded.screener, rows_csv, default, datasets=sorted(wanted), limit=2)
    strict_scores = [[hit["score"] for hit in line["hits"]] for line in lines]
    assert strict_scores == [[hit["score"] for hit in line["hits"]] for line in read_jsonl(default)]


def test_csv_xlsx_and_jsonl_give_the_same_results(seeded: Seeded, rows_csv: Path, tmp_path: Path) -> None:
    xlsx = tmp_path / "parties.xlsx"
    workbook = Workbook()
    sheet = workbook.active
    sheet.append([column.upper() if column == "name" else column for column in COLUMNS])  # headers are case-insensitive
    for row in ROWS:
        values: list[object] = [row.get(column) or None for column in COLUMNS]
        if row["id"] == "row-2":
            values[COLUMNS.index("birth_date")] = datetime.datetime(1973, 7, 25)  # a real date cell, as Excel users enter it
        sheet.append(values)
    workbook.save(xlsx)
    jsonl = write_jsonl(tmp_path / "parties.jsonl", [{**row, "extra": {"ignored": True}} for row in ROWS])

    outputs = {}
    for source in (rows_csv, xlsx, jsonl):
        out = tmp_path / f"{source.suffix[1:]}.results.jsonl"
        batch.screen_file(seeded.screener, source, out)
        outputs[source.suffix] = out.read_text(encoding="utf-8")
    assert outputs[".xlsx"] == outputs[".csv"]
    assert outputs[".jsonl"] == outputs[".csv"]


def test_ids_default_to_line_numbers_and_dialects_are_sniffed(seeded: Seeded, tmp_path: Path) -> None:
    rows = [{"name": "QASEMI, Rostam", "country": "IR"}, {"name": "Zorbelina Quastenhoff", "country": ""}]
    source = write_csv(tmp_path / "semicolons.csv", rows, columns=["name", "country"], delimiter=";")
    out = tmp_path / "out.jsonl"
    batch.screen_file(seeded.screener, source, out)
    lines = read_jsonl(out)
    check_contract(lines, ["2", "3"])
    assert any(hit["match"] for hit in lines[0]["hits"])
    plain = tmp_path / "names.txt"
    plain.write_text("name\nRostam Qasemi\nZorbelina Quastenhoff\n")  # one column, no delimiter at all
    batch.screen_file(seeded.screener, plain, out)
    check_contract(read_jsonl(out), ["2", "3"])


def test_two_workers_give_identical_output(seeded: Seeded, tmp_path: Path) -> None:
    rows = [{**ROWS[n % len(ROWS)], "id": f"r{n}"} for n in range(batch.CHUNK + 8)]  # more than one chunk: the pool is used
    source = write_csv(tmp_path / "many.csv", rows)
    one, two = tmp_path / "one.jsonl", tmp_path / "two.jsonl"
    batch.screen_file(seeded.screener, source, one, workers=1)
    summary = batch.screen_file(seeded.screener, source, two, workers=2)
    assert summary.rows == len(rows)
    assert two.read_bytes() == one.read_bytes()
    check_contract(read_jsonl(two), [row["id"] for row in rows])


KILLER_SCRIPT = """
import json, os, sys
from interdict import batch
from interdict.screening import open_screener

parent, killers = os.getpid(), set(sys.argv[3].split("|"))
screen_row = batch.screen_row

def screen_or_die(screener, row, *args):
    # the kernel's OOM killer, or a crash in a C library, on these rows: only ever in a forked worker
    if os.getpid() != parent and row.id in killers:
        os.kill(os.getpid(), 9)
    return screen_row(screener, row, *args)

batch.screen_row = screen_or_die
summary = batch.screen_file(open_screener(), sys.argv[1], sys.argv[2], workers=int(sys.argv[4]))
print(json.dumps([summary.rows, summary.written, summary.errors]))
"""


def test_a_row_that_kills_its_worker_costs_only_itself(seeded: Seeded, tmp_path: Path) -> None:
    """Nothing lost: a worker ended mid-chunk (the OOM killer) leaves one named error on each row that ends a worker
    by itself; every other row, of its chunk too, gets the answer one process gives it, in order. In a fresh
    interpreter (one thread, so it forks), over the session's lists."""
    rows = [{**ROWS[n % len(ROWS)], "id": f"r{n}"} for n in range(2 * batch.CHUNK + 40)]
    # the first row; two neighbours in the second chunk, which runs beside the first; the last row
    killers = {"r0", f"r{batch.CHUNK + 9}", f"r{batch.CHUNK + 10}", rows[-1]["id"]}
    for row in rows:
        if row["id"] in killers:
            row["name"] += f" {row['id']}"  # a query of its own: a repeated one is answered from the file's memo
    source = write_csv(tmp_path / "rows.csv", rows)
    outputs = {}
    for workers in (1, 2):
        out = tmp_path / f"out{workers}.jsonl"
        done = subprocess.run(
            [sys.executable, "-c", KILLER_SCRIPT, str(source), str(out), "|".join(sorted(killers)), str(workers)],
            capture_output=True, text=True, timeout=300, check=True,
        )
        outputs[workers] = (json.loads(done.stdout), read_jsonl(out))
    (rows_1, written_1, errors_1), serial = outputs[1]
    (rows_2, written_2, errors_2), forked = outputs[2]
    lost = [row["id"] in killers for row in rows]
    assert rows_1 == written_1 == rows_2 == written_2 == len(rows)
    assert errors_1 == 0 and errors_2 == sum(lost)
    for row, was_lost, alone, line in zip(rows, lost, serial, forked, strict=True):
        if was_lost:
            assert line == {"id": row["id"], "hits": [], "error": batch.LOST_ROW}
        else:
            assert line == alone


# --- rows and files that cannot be screened ---------------------------------------------


def test_bad_rows_get_an_error_line(seeded: Seeded, tmp_path: Path) -> None:
    rows = [
        {"id": "ok", "name": "QASEMI, Rostam"},
        {"id": "bad-date", "name": "QASEMI, Rostam", "birth_date": "sometime in the sixties"},
        {"id": "bad-schema", "name": "QASEMI, Rostam", "schema": "Spaceship"},
        {"id": "no-name", "name": ""},
        {"id": "huge", "name": "A" * 20_000},
    ]
    out = tmp_path / "out.jsonl"
    summary = batch.screen_file(seeded.screener, write_csv(tmp_path / "rows.csv", rows), out)
    lines = read_jsonl(out)
    assert [line["id"] for line in lines] == [row["id"] for row in rows]
    assert "error" not in lines[0] and lines[0]["hits"]
    for line, message in zip(lines[1:], ["Cannot read birth date", "Unknown schema", "A name (or an identifier", "20,000 characters long"]):
        assert set(line) == {"id", "hits", "error"} and line["hits"] == []
        assert message in line["error"]
    assert summary.errors == 4


def test_unreadable_inputs_raise_input_error(seeded: Seeded, tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    out.write_text("previous results\n")
    cases = {
        "missing.csv": (None, "no such file"),
        "empty.csv": (b"", "is empty"),
        "blank.csv": (b"  \n\n", "is empty"),
        "binary.csv": (bytes(range(256)) * 8, "looks binary"),
        "noname.csv": (b"id,full_name\n1,Ali\n", "missing required column(s) name (found: id, full_name)"),
        "fake.xlsx": (b"id,name\n1,Ali\n", "not a readable .xlsx workbook"),
    }
    for name, (content, message) in cases.items():
        path = tmp_path / name
        if content is not None:
            path.write_bytes(content)
        with pytest.raises(InputError) as error:
            batch.screen_file(seeded.screener, path, out)
        assert message in str(error.value), name
        assert name in str(error.value), name
    with pytest.raises(InputError, match="is a directory"):
        batch.screen_file(seeded.screener, tmp_path, out)
    assert out.read_text() == "previous results\n"  # a refused input leaves earlier results alone


def test_rows_that_cannot_be_read_are_row_errors_and_the_file_goes_on(seeded: Seeded, tmp_path: Path) -> None:
    """A bad item never sinks its batch: each gets its error line, in place, and the good rows their results."""
    cases = {
        "ragged.csv": (b"id,name\n1,Ali Khamenei,extra\n2,Ali Khamenei\n", ["more fields (3) than the header has columns (2)", None]),
        "broken.jsonl": (b'{"name": "Ali Khamenei"}\nnot json\n{"name": "Ali Khamenei"}\n', [None, "line 2 is not valid JSON", None]),
        "nonames.jsonl": (b'{"id": "1"}\n{"id": "2", "name": "Ali Khamenei"}\n', ["A name (or an identifier", None]),
        "list.jsonl": (b'["Ali"]\n{"name": "Ali Khamenei"}\n', ["must be a JSON object", None]),
        "deep.jsonl": (b"[" * 3000 + b"]" * 3000 + b'\n{"name": "Ali Khamenei"}\n', ["nests too deeply", None]),
        "surrogate.jsonl": (b'{"id": "s\\ud800", "name": "Ali\\ud800 Khamenei"}\n{"name": "Ali Khamenei"}\n', ["lone surrogate", None]),
        "long.csv": (b"id,name\n1," + b"A" * 200_000 + b"\n2,Ali Khamenei\n", ["200,000 characters long", None]),
    }
    for name, (content, errors) in cases.items():
        source = tmp_path / name
        source.write_bytes(content)
        out = tmp_path / f"{name}.out.jsonl"
        summary = batch.screen_file(seeded.screener, source, out)
        lines = read_jsonl(out)
        assert summary.rows == summary.written == len(lines) == len(errors), name
        for line, error in zip(lines, errors):
            if error is None:
                assert "error" not in line and line["hits"], (name, line)
            else:
                assert error in line["error"] and line["hits"] == [], (name, line)
    assert read_jsonl(tmp_path / "surrogate.jsonl.out.jsonl")[0]["id"] == "s\ufffd"  # echoed printable


def test_apostrophes_never_become_quotes(seeded: Seeded, tmp_path: Path) -> None:
    """OFAC writes 'ABDALLAH: a sniffer that took the apostrophe for the quote character lost 132 of 1,500 rows."""
    names = [f"'ABDALLAH {n}" if n % 3 == 0 else f"Person {n}, O'Neil" for n in range(300)]
    source = write_csv(tmp_path / "apostrophes.csv", [{"id": str(n), "name": name} for n, name in enumerate(names)], columns=["id", "name"])
    out = tmp_path / "out.jsonl"
    summary = batch.screen_file(seeded.screener, source, out)
    assert summary.rows == summary.written == 300 and summary.errors == 0
    assert [line["id"] for line in read_jsonl(out)] == [str(n) for n in range(300)]


def test_unwritable_output(seeded: Seeded, rows_csv: Path, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="Cannot write"):
        batch.screen_file(seeded.screener, rows_csv, tmp_path / "no-such-dir" / "out.jsonl")


# --- the CLI ------------------------------------------------------------------------


def test_cli_screen_file(cli: Cli, seeded: Seeded, rows_csv: Path, tmp_path: Path) -> None:
    out = tmp_path / "results.jsonl"
    result = cli(
        "screen-file",
        rows_csv,
        "--out",
        out,
        "-d",
        "un_sc_sanctions",
        "--dataset",
        "au_dfat_sanctions",
        "--limit",
        "3",
        "--threshold",
        "0.8",
    )
    assert result.code == 0, result.stderr
    check_contract(
        read_jsonl(out), [row["id"] for row in ROWS], threshold=0.8, limit=3, datasets={"un_sc_sanctions", "au_dfat_sanctions"}
    )
    assert "6 rows read, 6 results written" in result.flat_err and "0 errors" in result.flat_err


def test_cli_screen_file_row_errors_exit_1(cli: Cli, seeded: Seeded, tmp_path: Path) -> None:
    source = write_csv(
        tmp_path / "rows.csv",
        [{"id": "a", "name": "QASEMI, Rostam"}, {"id": "b", "name": "QASEMI, Rostam", "birth_date": "31/31/31"}],
    )
    out = tmp_path / "out.jsonl"
    result = cli("screen-file", source, "--out", out)
    assert result.code == 1
    lines = read_jsonl(out)
    assert [line["id"] for line in lines] == ["a", "b"]
    assert "error" not in lines[0] and "Cannot read birth date '31/31/31'" in lines[1]["error"]
    assert "1 errors" in result.flat_err


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("noname.csv", b"id,nom\n1,Ali\n", "missing required column(s) name"),
        ("empty.csv", b"", "is empty"),
        ("binary.csv", b"PK\x03\x04\x00\x00\x00" + bytes(range(256)), "looks binary"),
        ("missing.csv", None, "no such file"),
    ],
)
def test_cli_screen_file_bad_input_exits_2(cli: Cli, tmp_path: Path, name: str, content: bytes | None, message: str) -> None:
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    out = tmp_path / "out.jsonl"
    fresh = tmp_path / "fresh.db"
    result = cli("screen-file", path, "--out", out, "--db", f"sqlite:///{fresh}")
    assert result.code == 2
    assert message in result.flat_err and "Traceback" not in result.stderr
    assert not out.exists()
    assert not fresh.exists()  # refused before loading any list or building the index (a minute on first use)


def test_cli_screen_file_unknown_dataset(cli: Cli, rows_csv: Path, tmp_path: Path) -> None:
    result = cli("screen-file", rows_csv, "--out", tmp_path / "out.jsonl", "-d", "no_such_list")
    assert result.code == 2 and "Unknown dataset 'no_such_list'" in result.flat_err


def test_cli_compare_file(cli: Cli, seeded: Seeded, tmp_path: Path) -> None:
    pairs = [
        {"name1": "Mohammad Javad Karimi Sabet", "name2": "Mohammed Javad Karimi Sabet", "schema": "Person"},
        {"name1": "Rostam Qasemi", "name2": "Zorbelina Quastenhoff", "schema": ""},
        {"name1": "MODERN INDUSTRIES TECHNIQUE COMPANY", "name2": "Modern Industries Technique Co", "schema": "Organization"},
        {"name1": "Ali", "name2": "Ali", "schema": "Spaceship"},
    ]
    source = write_csv(tmp_path / "pairs.csv", pairs, columns=["name1", "name2", "schema"])
    out = tmp_path / "scores.jsonl"
    result = cli("compare-file", source, "--out", out)
    assert result.code == 1  # the Spaceship row
    lines = read_jsonl(out)
    assert [line["i"] for line in lines] == [0, 1, 2, 3]
    for line, pair in zip(lines[:3], pairs):
        assert set(line) == {"i", "score", "match"}
        assert 0.0 <= line["score"] <= 1.0 and line["match"] == (line["score"] >= 0.70)
        expected, _ = screening.compare(pair["name1"], pair["name2"], pair["schema"] or None, screener=seeded.screener)
        assert line["score"] == round(expected, 4)
    assert lines[0]["match"] and not lines[1]["match"]
    assert set(lines[3]) == {"i", "score", "match", "error"} and "Unknown schema" in lines[3]["error"]
    assert "4 pairs scored" in result.flat_err and "1 errors" in result.flat_err


def test_cli_compare_file_missing_column(cli: Cli, tmp_path: Path) -> None:
    source = tmp_path / "pairs.csv"
    source.write_text("name1,other\nAli,Ali\n")
    fresh = tmp_path / "fresh.db"
    result = cli("compare-file", source, "--out", tmp_path / "scores.jsonl", "--db", f"sqlite:///{fresh}")
    assert result.code == 2 and "missing required column(s) name2" in result.flat_err
    assert not fresh.exists()


def test_files_that_would_be_misread_get_clear_row_errors_or_are_decoded(seeded: Seeded, tmp_path: Path) -> None:
    """An unbalanced quote swallows the rows after it; a JSON list is not a name; Excel writes UTF-16."""
    quote = tmp_path / "quote.csv"
    quote.write_text('id,name\n1,"QASEMI, Rostam\n2,Someone Else\n', encoding="utf-8")
    nested = tmp_path / "nested.jsonl"
    nested.write_text('{"id": "1", "name": ["QASEMI", "Rostam"]}\n', encoding="utf-8")
    for source, message in ((quote, "spans several lines"), (nested, "must be a single value")):
        out = tmp_path / f"{source.stem}.results.jsonl"
        summary = batch.screen_file(seeded.screener, source, out)
        line = read_jsonl(out)[0]
        assert summary.errors == 1 and line["hits"] == [] and message in line["error"]
    wide = tmp_path / "utf16.csv"
    wide.write_bytes("id,name\n1,QASEMI, Rostam\n".replace("QASEMI, Rostam", '"QASEMI, Rostam"').encode("utf-16"))
    batch.screen_file(seeded.screener, wide, tmp_path / "wide.jsonl")
    assert any(hit["entity_id"] == "us_ofac_sdn-11786" for hit in read_jsonl(tmp_path / "wide.jsonl")[0]["hits"])


# --- rows in = rows out, for any file -----------------------------------------------------

_NAMES = st.one_of(
    st.sampled_from(["QASEMI, Rostam", "'ABDALLAH", "O'Neil, \"Bob\"", "Mahan Air", "a;b|c\td", "x" * 10_500, "", " ", "Ali\r\nKhamenei"]),
    st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=30),
)


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
@given(
    names=st.lists(_NAMES, min_size=1, max_size=8),
    extension=st.sampled_from([".csv", ".jsonl", ".xlsx"]),
    delimiter=st.sampled_from([",", ";", "\t"]),
)
def test_every_row_of_any_file_gets_one_result_line(seeded: Seeded, tmp_path_factory: pytest.TempPathFactory, names: list[str], extension: str, delimiter: str) -> None:
    folder = tmp_path_factory.mktemp("rows")
    rows = [{"id": f"r{i}", "name": name} for i, name in enumerate(names)]
    source = folder / f"rows{extension}"
    if extension == ".csv":
        write_csv(source, rows, columns=["id", "name"], delimiter=delimiter)
    elif extension == ".jsonl":
        source.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    else:
        workbook = Workbook()
        sheet = workbook.active
        sheet.append(["id", "name"])
        for row in rows:
            sheet.append([row["id"], "".join(ch for ch in row["name"] if ch >= " " or ch in "\t\n\r")])  # cells cannot hold control characters
        workbook.save(source)
    out = folder / "out.jsonl"
    summary = batch.screen_file(seeded.screener, source, out)
    lines = read_jsonl(out)
    assert summary.rows == summary.written == len(lines) == len(rows)
    assert [line["id"] for line in lines] == [row["id"] for row in rows]
    assert summary.errors == sum(1 for line in lines if "error" in line)


def test_a_file_of_1500_real_list_names_gives_1500_answers(seeded: Seeded, tmp_path: Path) -> None:
    """The issue's case: real names (apostrophes, commas, quotes, scripts) from every list, CSV, two workers."""
    screener = seeded.screener
    step = screener.size // 1500
    names = [screener.entity_at(position).names[0].full for position in range(0, step * 1500, step)]
    assert any(name.startswith("'") or "'" in name for name in names)
    source = write_csv(tmp_path / "real.csv", [{"id": f"n{i}", "name": name} for i, name in enumerate(names)], columns=["id", "name"])
    out = tmp_path / "real.jsonl"
    summary = batch.screen_file(screener, source, out, workers=2)
    lines = read_jsonl(out)
    assert summary.rows == summary.written == len(lines) == 1500
    assert [line["id"] for line in lines] == [f"n{i}" for i in range(1500)]
    assert summary.errors == 0


@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
@given(picks=st.lists(st.tuples(st.integers(0, len(ROWS) - 1), st.sampled_from(["", "1961", "1973-07-25", "1990"])), min_size=1, max_size=30))
def test_a_repeated_query_gets_the_answer_it_gets_alone(seeded: Seeded, tmp_path_factory: pytest.TempPathFactory, picks: list[tuple[int, str]]) -> None:
    """Rows asking the same thing share one screening (a file's repeats are screened once); each answer, under its
    own id, is the answer that row gets screened alone, and a different birth date is a different question."""
    folder = tmp_path_factory.mktemp("repeats")
    rows = [{**ROWS[index], "id": f"r{n}", "birth_date": date} for n, (index, date) in enumerate(picks)]
    out = folder / "out.jsonl"
    batch.screen_file(seeded.screener, write_csv(folder / "in.csv", rows), out)
    together = read_jsonl(out)
    assert [line["id"] for line in together] == [row["id"] for row in rows]
    for row, line in zip(rows, together):
        alone = folder / "alone.jsonl"
        batch.screen_file(seeded.screener, write_csv(folder / "one.csv", [row]), alone)
        assert read_jsonl(alone) == [line]


def test_a_shared_answer_is_keyed_by_everything_it_depends_on(seeded: Seeded) -> None:
    """The file's settings are part of what was asked: two files screened at once with other lists, limits or
    thresholds (the web UI runs jobs in threads) never share an answer."""
    row = batch.as_row(batch.Record(2, {"id": "a", "name": "Mohammad Baqer Qalibaf", "schema": "Person"}))
    other_id = batch.as_row(batch.Record(3, {"id": "b", "name": "Mohammad Baqer Qalibaf", "schema": "Person"}))
    screener = seeded.screener
    job = batch.FileJob(screener, None, 10, None)  # type: ignore[arg-type]
    asked = batch._asked(job, row)
    assert asked == batch._asked(job, other_id)  # the id is not part of the question
    assert asked != batch._asked(batch.FileJob(screener, None, 1, None), row)  # type: ignore[arg-type]
    assert asked != batch._asked(batch.FileJob(screener, ["un_sc_sanctions"], 10, None), row)  # type: ignore[arg-type]
    assert asked != batch._asked(batch.FileJob(screener, None, 10, 0.9), row)  # type: ignore[arg-type]


# --- files whose lines disagree on their encoding ------------------------------------------------------


def test_one_windows_1252_line_does_not_garble_the_utf8_names_of_the_file(seeded: Seeded, tmp_path: Path) -> None:
    """A UTF-8 file with one line pasted from an old system: read as Windows-1252 whole, its Persian name became
    mojibake and matched nothing, silently. Each line is now read in its own encoding and the odd one says so."""
    lines = [
        "id,name".encode(),
        "fa,علی خامنه‌ای".encode(),
        "utf8,José María SISON".encode(),
        "legacy,José María SISON".encode("cp1252"),
        "ascii,QASEMI Rostam".encode(),
    ]
    source = tmp_path / "mixed.csv"
    source.write_bytes(b"\r\n".join(lines) + b"\r\n")
    out = tmp_path / "mixed.jsonl"
    summary = batch.screen_file(seeded.screener, source, out)
    results = {line["id"]: line for line in read_jsonl(out)}
    assert summary.rows == summary.written == 4 and summary.errors == 0
    assert "us_ofac_sdn-26945" in {hit["entity_id"] for hit in results["fa"]["hits"]}  # KHAMENEI, Ali Husseini
    assert results["legacy"]["hits"] == results["utf8"]["hits"] != []  # read as written, answered alike
    assert results["legacy"]["warnings"][0].startswith("line 4 is not UTF-8 like the rest of the file: it was read as Windows-1252")
    assert [key for key, line in results.items() if "warnings" in line] == ["legacy"]  # a shared answer does not share the doubt
    assert summary.warnings == 1

    jsonl = tmp_path / "mixed.jsonl.in.jsonl"
    jsonl.write_bytes(
        b"\n".join([json.dumps({"id": "fa", "name": "علی خامنه‌ای"}, ensure_ascii=False).encode(), '{"id": "legacy", "name": "José María SISON"}'.encode("cp1252")])
    )
    batch.screen_file(seeded.screener, jsonl, tmp_path / "jsonl.out.jsonl")
    answers = read_jsonl(tmp_path / "jsonl.out.jsonl")
    assert "us_ofac_sdn-26945" in {hit["entity_id"] for hit in answers[0]["hits"]} and "warnings" not in answers[0]
    assert answers[1]["hits"] and "line 2 is not UTF-8" in answers[1]["warnings"][0]


def test_a_file_read_in_a_legacy_encoding_names_its_rows_beyond_ascii(seeded: Seeded, tmp_path: Path) -> None:
    """A UTF-8 file damaged in one byte is no UTF-8 at all, so it is read as Windows-1252 throughout: its Cyrillic
    name came out as mojibake and was screened clear with no word of doubt. Each row beyond ASCII now says the file
    was guessed, an ASCII row (read alike in any encoding) does not, and the legacy name still matches."""
    lines = [
        b"id,name",
        b"ascii,QASEMI Rostam",
        "legacy,José María SISON".encode("cp1252"),
        "damaged,Рустам Касеми".encode() + b"\xff",
    ]
    source = tmp_path / "legacy.csv"
    source.write_bytes(b"\n".join(lines) + b"\n")
    out = tmp_path / "legacy.jsonl"
    summary = batch.screen_file(seeded.screener, source, out)
    results = {line["id"]: line for line in read_jsonl(out)}
    assert summary.rows == summary.written == 3 and summary.errors == 0 and summary.warnings == 2
    assert "warnings" not in results["ascii"] and results["ascii"]["hits"]
    # The Cyrillic's UTF-8 bytes hold 0x81, which Windows-1252 leaves undefined: the whole file is read as Latin-1.
    assert results["legacy"]["hits"] and results["legacy"]["warnings"][0].startswith("line 3 is not UTF-8: the file was read as Latin-1")
    assert results["damaged"]["warnings"][0].startswith("line 4 is not UTF-8: the file was read as Latin-1")


def test_a_value_holding_the_replacement_character_is_screened_with_a_warning(seeded: Seeded, tmp_path: Path) -> None:
    """U+FFFD is what a decoder leaves for bytes it could not read (Spark reads files so): the name may not be the one
    written, and the result must say so rather than pass for a clean screen."""
    source = write_jsonl(tmp_path / "replaced.jsonl", [{"id": "r", "name": "QASEMI, Rost\ufffdm"}, {"id": "clean", "name": "QASEMI, Rostam"}])
    out = tmp_path / "replaced.out.jsonl"
    summary = batch.screen_file(seeded.screener, source, out)
    replaced, clean = read_jsonl(out)
    assert "'name' holds U+FFFD" in replaced["warnings"][0] and "warnings" not in clean
    assert summary.warnings == 1 and summary.errors == 0


def test_a_jsonl_line_is_split_only_where_a_line_ends(seeded: Seeded, tmp_path: Path) -> None:
    """JSON allows U+2028 and U+0085 raw inside a string; str.splitlines would cut such a row in two error rows."""
    source = tmp_path / "separators.jsonl"
    source.write_text(json.dumps({"id": "a", "name": "QASEMI\u2028Rostam\u0085"}, ensure_ascii=False) + "\r\n" + json.dumps({"id": "b", "name": "Mahan Air"}) + "\r", encoding="utf-8")
    out = tmp_path / "separators.out.jsonl"
    summary = batch.screen_file(seeded.screener, source, out)
    assert summary.rows == summary.written == 2 and [line["id"] for line in read_jsonl(out)] == ["a", "b"]


def test_compare_file_names_pairs_read_in_a_legacy_encoding(seeded: Seeded, tmp_path: Path) -> None:
    source = tmp_path / "pairs.csv"
    source.write_bytes("name1,name2\nعلی خامنه‌ای,Ali Khamenei\n".encode() + "José María,Jose Maria\n".encode("cp1252"))
    out = tmp_path / "scores.jsonl"
    summary = batch.compare_file(seeded.screener, source, out)
    first, second = read_jsonl(out)
    assert "warnings" not in first and "line 3 is not UTF-8" in second["warnings"][0] and second["match"]
    assert summary.warnings == 1


def test_compare_file_applies_the_row_rules_of_screening(seeded: Seeded, tmp_path: Path) -> None:
    """A pair's names follow the rules a screened row does (rows.py): an over-long name is a named error, not
    compared cut short; a name swallowing the next lines (an unbalanced quote) says so; U+FFFD is a warning."""
    source = tmp_path / "pairs.csv"
    long_name = "Ali Khamenei " + "x" * 20_000
    source.write_text(
        f'name1,name2,schema\nAli Khamenei,KHAMENEI Ali,Person\n{long_name},Ali Khamenei,Person\n"broken,x,Person\n'
        "Rostam Qasemi,Rostam Qasemi,Person\n",
        encoding="utf-8",
    )
    out = tmp_path / "scores.jsonl"
    summary = batch.compare_file(seeded.screener, source, out)
    lines = read_jsonl(out)
    assert [line["i"] for line in lines] == list(range(summary.rows)) and summary.rows == 3
    assert lines[0]["match"]
    assert lines[1]["error"] == "field 'name1' is 20,013 characters long; at most 10,000" and not lines[1]["match"]
    assert lines[2]["error"] == "name1 spans several lines (an unbalanced quote in the file?)"
    assert summary.errors == 2

    marked = tmp_path / "marked.csv"
    marked.write_text("name1,name2\nAli Kham\ufffdnei,Ali Khamenei\n", encoding="utf-8")
    batch.compare_file(seeded.screener, marked, out)
    (only,) = read_jsonl(out)
    assert "'name1' holds U+FFFD" in only["warnings"][0]
