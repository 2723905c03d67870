"""A SparkSession for the CLI and the benchmarks, and named errors when Spark cannot run here.

The library call (`interdict.spark.screen`) uses the caller's session; this
module is for `screen-file --engine spark`, which starts its own on the master
given (`local[2]` by default; a cluster's master URL works the same way).
"""

from __future__ import annotations

import os
import shutil
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import InterdictError

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

LOG_CONFIG = Path(__file__).with_name("data") / "log4j2.properties"
INSTALL_HINT = "pip install 'interdict[spark]'"
JAVA_HINT = "install a Java 17+ runtime (e.g. apt-get install openjdk-17-jre-headless) or set JAVA_HOME"


class SparkUnavailableError(InterdictError):
    """pyspark is not installed, Java is missing, or the Spark driver would not start (exit 2: fix the setup, then run again)."""

    exit_code = 2


def require_pyspark() -> None:
    try:
        import pyarrow  # type: ignore[import-untyped,unused-ignore]  # noqa: F401
        import pyspark  # noqa: F401
    except ImportError as exc:
        raise SparkUnavailableError(
            f"the Spark engine needs pyspark and pyarrow ({exc.name} is not installed): {INSTALL_HINT}"
        ) from None


def java_command() -> str | None:
    """The java Spark will start: $JAVA_HOME/bin/java, else the one on PATH."""
    home = os.environ.get("JAVA_HOME")
    if home:
        candidate = os.path.join(home, "bin", "java")
        return candidate if os.access(candidate, os.X_OK) else None
    return shutil.which("java")


def require_java() -> None:
    if java_command() is None:
        where = f"JAVA_HOME={os.environ['JAVA_HOME']} holds no bin/java" if os.environ.get("JAVA_HOME") else "no java on PATH"
        raise SparkUnavailableError(f"Spark needs Java ({where}): {JAVA_HINT}")


def running() -> bool:
    """Whether this process already runs a SparkSession (which `spark_session` then returns)."""
    from pyspark.sql import SparkSession

    return SparkSession.getActiveSession() is not None


def spark_session(master: str = "local[2]", app_name: str = "interdict") -> SparkSession:
    """A SparkSession on `master`, quiet (no UI, errors only in the log); named errors when it cannot start.

    On a local master the Python workers run this very interpreter, so they
    import the same interdict as the driver.
    """
    require_pyspark()
    require_java()
    from pyspark.sql import SparkSession

    builder = (
        SparkSession.builder.master(master)
        .appName(app_name)
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.python.worker.reuse", "true")
        .config("spark.sql.session.timeZone", "UTC")
        # Screening costs milliseconds a row, not microseconds a byte: split input files finely (a 1 MB file
        # still feeds every core; Spark's defaults would read anything under 4 MB a core as one partition).
        .config("spark.sql.files.maxPartitionBytes", str(8 * 2**20))
        .config("spark.sql.files.openCostInBytes", str(16 * 2**10))
        .config(
            "spark.driver.extraJavaOptions", f"-Dlog4j2.configurationFile={LOG_CONFIG} -Dlog4j.configurationFile={LOG_CONFIG}"
        )
    )
    if master.startswith("local"):
        # pyspark starts its workers with $PYSPARK_PYTHON (else `python3`): make it this interpreter.
        os.environ["PYSPARK_PYTHON"] = sys.executable
        os.environ["PYSPARK_DRIVER_PYTHON"] = sys.executable
    try:
        session = builder.getOrCreate()
    except Exception as exc:  # noqa: BLE001 - the JVM gateway failed to start: a setup problem, not a bug to show as a traceback
        raise SparkUnavailableError(
            f"the Spark driver did not start on master {master!r}: {str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__}. {JAVA_HINT}"
        ) from None
    session.sparkContext.setLogLevel("ERROR")
    return session


@contextmanager
def watch_tasks(spark: SparkSession, report: Callable[[int, int], None], every: float = 0.5) -> Iterator[None]:
    """Call report(completed, total) with the tasks of the running Spark stages while the block runs (a progress bar's feed).

    Spark counts work in tasks (partitions), not rows; a run has several short
    stages (counting, screening, reading back), so the total grows as they start.
    """
    tracker = spark.sparkContext.statusTracker()
    done = threading.Event()
    stages: dict[int, tuple[int, int]] = {}  # every stage seen: (tasks completed, tasks)

    def sample() -> None:
        try:
            for stage in (*tracker.getActiveStageIds(), *stages):
                info = tracker.getStageInfo(stage)
                if info is not None:
                    stages[stage] = (info.numCompletedTasks, info.numTasks)
        except Exception:  # noqa: BLE001 - the session is stopping; progress is best effort
            return
        report(sum(completed for completed, _ in stages.values()), sum(total for _, total in stages.values()))

    def poll() -> None:
        while not done.wait(every):
            sample()

    thread = threading.Thread(target=poll, name="interdict-spark-progress", daemon=True)
    thread.start()
    try:
        yield
    finally:
        done.set()
        thread.join()
        sample()  # the last stages finish between two samples
