"""Spark screening against single-process screen-file, side by side in one run.

    python bench/spark.py [--rows 10000]

Screens the same JSONL input (generated variants of listed names and negatives,
bench/generate.py, mixed) four ways, against all bundled lists:
- `screen-file --workers 1` and `--workers 2` (batch.screen_file, in this process,
  each with a freshly opened screener: no caches from an earlier run);
- the Spark engine (`screen-file --engine spark`, interdict.spark.screen_path) on
  `local[1]` and `local[2]`, each on a fresh session (the JVM start is timed
  apart): the first job starts the Python workers and opens the shipped index,
  as a real run does. Then a second input of the same kind on the same session
  ("warm": workers reused, index open, the index not shipped again);
and prints names/s, Spark's as ratios of screen-file's, whether the outputs are
identical, and the memory of each Spark Python worker (the per-executor cost:
RSS and peak RSS), the driver's and the JVM's.

Needs the `spark` extra and Java 17+. Results go to bench/out/spark.json.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "src"))
os.environ.setdefault("INTERDICT_HOME", str(HERE / "out" / "home"))

from generate import negatives, variants

from interdict import batch
from interdict.screening import index_file, open_screener
from interdict.spark import screen_path, spark_session, worker_states


def status_kib(pid: int, key: str) -> int:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as handle:
            for line in handle:
                if line.startswith(key + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def java_children() -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                comm = (entry / "comm").read_text().strip()
            except OSError:
                continue
            if int(fields[1]) == os.getpid() and comm == "java":
                found.append(int(entry.name))
    return found


def build_inputs(screener: object, rows: int, paths: list[Path]) -> int:
    """Disjoint inputs of `rows` queries each (variants and negatives, shuffled)."""
    entities = list(screener.entities())  # type: ignore[attr-defined]
    wanted = rows * len(paths)
    queries = variants(entities, per_family=max(1, wanted // 20)) + negatives(entities, wanted // 2)
    rng = random.Random(16)
    rng.shuffle(queries)
    chosen = (queries * (wanted // max(1, len(queries)) + 1))[:wanted]
    for number, path in enumerate(paths):
        with path.open("w", encoding="utf-8") as handle:
            for i, query in enumerate(chosen[number * rows : (number + 1) * rows]):
                handle.write(json.dumps({"id": f"q{i}", "name": query.name, "schema": query.schema}, ensure_ascii=False) + "\n")
    return rows


def part_text(folder: Path) -> str:
    return "".join(part.read_text(encoding="utf-8") for part in sorted(folder.glob("part-*")))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=10_000)
    args = parser.parse_args()
    load_before = os.getloadavg()
    screener = open_screener()
    work = Path(tempfile.mkdtemp(prefix="interdict-bench-spark-"))
    source, second = work / "rows.jsonl", work / "more.jsonl"
    rows = build_inputs(screener, args.rows, [source, second])
    index_bytes = index_file(screener).stat().st_size
    print(
        f"{rows:,} rows; index file {index_bytes / 2**20:.1f} MiB; load average before {load_before[0]:.2f} {load_before[1]:.2f} {load_before[2]:.2f}"
    )

    results: dict[str, object] = {"rows": rows, "index_bytes": index_bytes, "load_before": load_before}
    rates: dict[str, float] = {}
    local_out: dict[int, str] = {}
    for workers in (1, 2):
        out = work / f"local-{workers}.jsonl"
        fresh = open_screener()
        started = time.perf_counter()
        batch.screen_file(fresh, source, out, workers=workers)
        seconds = time.perf_counter() - started
        rates[f"screen-file --workers {workers}"] = rows / seconds
        local_out[workers] = out.read_text(encoding="utf-8")
        print(f"screen-file --workers {workers}: {seconds:6.1f} s  {rows / seconds:8.0f} names/s")

    identical = True
    workers_memory: dict[str, list[dict[str, int]]] = {}
    for cores in (1, 2):
        master = f"local[{cores}]"
        started = time.perf_counter()
        spark = spark_session(master, app_name="interdict-bench")
        start_seconds = time.perf_counter() - started
        for run, path in (("first", source), ("warm", second)):
            out = work / f"spark-{cores}-{run}.jsonl"
            started = time.perf_counter()
            screen_path(spark, str(path), str(out), screener=screener)
            seconds = time.perf_counter() - started
            rates[f"spark {master} {run}"] = rows / seconds
            if run == "first":
                identical &= part_text(out) == local_out[1]
            print(f"spark {master} {run}: {seconds:6.1f} s  {rows / seconds:8.0f} names/s  (session start {start_seconds:.1f} s)")
        reports = worker_states(spark, tasks=4 * cores)
        by_pid = {report["pid"]: report for report in reports if report["held"]}
        workers_memory[master] = list(by_pid.values())
        jvm = java_children()
        for pid, report in sorted(by_pid.items()):
            print(
                f"  python worker {pid}: rss {report['rss'] / 2**20:.0f} MiB, peak {report['peak_rss'] / 2**20:.0f} MiB, index opened {report['opened']}x"
            )
        for pid in jvm:
            print(f"  JVM {pid}: rss {status_kib(pid, 'VmRSS') / 1024:.0f} MiB, peak {status_kib(pid, 'VmHWM') / 1024:.0f} MiB")
        spark.stop()
    print(f"driver (this process): peak {status_kib(os.getpid(), 'VmHWM') / 1024:.0f} MiB")

    print("\nnames/s as a ratio of screen-file with as many processes:")
    for cores in (1, 2):
        base = rates[f"screen-file --workers {cores}"]
        print(
            f"  local[{cores}] first run / --workers {cores}: {rates[f'spark local[{cores}] first'] / base:.2f} (warm {rates[f'spark local[{cores}] warm'] / base:.2f})"
        )
    print(
        f"  local[2] / local[1], first run: {rates['spark local[2] first'] / rates['spark local[1] first']:.2f}, warm: {rates['spark local[2] warm'] / rates['spark local[1] warm']:.2f}"
    )
    print(f"Spark output identical to screen-file: {identical}")
    load_after = os.getloadavg()
    print(f"load average after {load_after[0]:.2f} {load_after[1]:.2f} {load_after[2]:.2f} (2 cores)")
    results |= {"rates": rates, "identical": identical, "workers": workers_memory, "load_after": load_after}
    out_dir = HERE / "out"
    out_dir.mkdir(exist_ok=True)
    (out_dir / "spark.json").write_text(json.dumps(results, indent=2))
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
