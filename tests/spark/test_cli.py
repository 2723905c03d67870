"""`interdict screen-file --engine spark` through the real entry point (in this process, on the tests' Spark session)."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from ..conftest import CliResult, Seeded
from . import inputs

Cli = Callable[..., CliResult]


def test_screen_file_on_spark(cli: Cli, spark: Any, seeded: Seeded, tmp_path: Path) -> None:
    rows = [
        {"id": "1", "name": "Mohammad Baqer Qalibaf", "schema": "Person"},
        {"id": "2", "name": ""},
        {"id": "3", "name": "Ingrid Vellacott"},
    ]
    source = inputs.write_jsonl(tmp_path / "rows.jsonl", rows)
    result = cli("screen-file", source, "--engine", "spark", "--master", "local[2]", "--out", tmp_path / "out.jsonl")
    assert result.code == 1, result.stderr  # a row had an error; the others were screened
    assert "3 rows read, 3 results written, 1 with a match, 1 errors" in result.stderr
    lines = "".join(part.read_text() for part in sorted((tmp_path / "out.jsonl").glob("part-*"))).splitlines()
    assert len(lines) == 3 and '"error"' in lines[1]
    assert spark.range(1).count() == 1  # the CLI left the session it did not start running


def test_without_java_the_engine_says_what_to_install(
    cli: Cli, seeded: Seeded, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = inputs.write_jsonl(tmp_path / "rows.jsonl", [{"id": "1", "name": "x"}])
    monkeypatch.setenv("JAVA_HOME", str(tmp_path))
    result = cli("screen-file", source, "--engine", "spark", "--out", tmp_path / "out.jsonl")
    assert result.code == 2
    assert "Java" in result.stderr and "openjdk-17-jre-headless" in result.stderr and "Traceback" not in result.stderr


def test_without_pyspark_the_engine_says_what_to_install(
    cli: Cli, seeded: Seeded, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = inputs.write_jsonl(tmp_path / "rows.jsonl", [{"id": "1", "name": "x"}])
    monkeypatch.setitem(sys.modules, "pyspark", None)  # as if not installed
    result = cli("screen-file", source, "--engine", "spark", "--out", tmp_path / "out.jsonl")
    assert result.code == 2
    assert "interdict[spark]" in result.stderr and "Traceback" not in result.stderr
