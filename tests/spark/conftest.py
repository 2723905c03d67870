"""One SparkSession on local[2] for every Spark test (one JVM start), and the 1,000-row input built from the real lists."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ..conftest import Seeded
from . import inputs


@pytest.fixture(scope="session")
def spark(seeded: Seeded) -> Iterator[Any]:
    from interdict.spark import spark_session

    session = spark_session("local[2]", app_name="interdict-tests")
    yield session
    session.stop()


@pytest.fixture(scope="session")
def rows_1000(seeded: Seeded) -> list[dict[str, Any]]:
    rows = inputs.build_rows(seeded.screener, 1_000)
    assert len(rows) == 1_000
    return rows


@pytest.fixture(scope="session")
def spark_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("spark")
