"""Batch screening on Apache Spark: the same results as `screen-file`, row by row, on a cluster.

    >>> from interdict.spark import screen
    >>> results = screen(spark.read.parquet("customers.parquet"), name_col="full_name", id_col="customer_id")
    >>> results.write.parquet("screened.parquet")

The driver opens the index once (from the cache when current) and ships the
file to the executors; each executor's Python worker opens it once and keeps
it (`executor.py`); every row goes through `rows.read_row` and
`batch.screen_row`, the functions `screen-file` uses. Needs the `spark` extra
(`pip install 'interdict[spark]'`: pyspark, pyarrow, pandas) and Java 17+;
interdict must be installed on the executors too, at the driver's version.

The CLI is `interdict screen-file INPUT --engine spark [--master local[2]] --out OUT` (`paths.py`).
"""

from __future__ import annotations

from .executor import EXTRA, HIT_FIELDS, hit_dict, worker_state
from .frame import screen, worker_states
from .paths import screen_path
from .session import SparkUnavailableError, require_java, require_pyspark, spark_session

__all__ = [
    "EXTRA",
    "HIT_FIELDS",
    "SparkUnavailableError",
    "hit_dict",
    "require_java",
    "require_pyspark",
    "screen",
    "screen_path",
    "spark_session",
    "worker_state",
    "worker_states",
]
