"""Speed of interdict and the anchors, side by side, on the same queries.

    python bench/speed.py [--queries 2000] [--batch 20000] [--baseline-queries 200]

Measures, against all bundled lists:
- index build time (from the store) and index load time (from the cache);
- resident memory of a process that loads the index and screens (child process), after 200 queries and after
  every distinct name of the run (memo tables and decoded rows grow as a long-running process meets names);
- single-query latency p50 / p99 (one process, warm), and again once every
  word of the queries has been seen (`interdict_seen_words`), and over a long run of
  every distinct name of the run in a fresh process (`interdict_long_run`);
- batch throughput with 1 and 2 worker processes (`screen-file` code path) on distinct names,
  on a customer-like file (unlisted people's real names recombined, none of the generated hard spellings),
  and on a file that repeats each name four times (a repeated query is screened once);
- a 500-name file end to end: a fresh `interdict screen-file` process, start included;
- the same single-query latency for the exhaustive baselines (rapidfuzz
  token_sort_ratio and Jaro-Winkler over all names) and, in .venv-anchors,
  yente logic-v2 re-scoring the 50 best token-sort candidates;
and prints interdict's speed as a ratio of each baseline's.

Queries are the generated variants and negatives of bench/generate.py, mixed.
Results go to bench/out/speed.json.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "src"))
os.environ.setdefault("INTERDICT_HOME", str(HERE / "out" / "home"))

from baselines import Exhaustive  # noqa: E402
from generate import negatives, variants  # noqa: E402

from interdict import batch  # noqa: E402
from interdict.heap import Settler, settle  # noqa: E402
from interdict.lists import load_lists  # noqa: E402
from interdict.match.index import load_index  # noqa: E402
from interdict.match.query import Query  # noqa: E402
from interdict.model import to_ftm  # noqa: E402
from interdict.screening import build_lists_index, cache_path, index_key, open_screener  # noqa: E402

import anchors  # noqa: E402

HAVE_ANCHORS = anchors.unavailable() is None
# bench/generate.py's negative families made of people's real names (organisations' families left out)
CUSTOMER_FAMILIES = ("recombined", "common", "recombined_any", "recombined_cross", "cjk")

MEMORY_PROBE = """
import json, os, sys, time
os.environ["INTERDICT_HOME"] = sys.argv[1]
t = time.perf_counter()
from interdict.heap import Settler
from interdict.screening import open_screener
from interdict.match.query import Query
from interdict.model import Schema
screener = open_screener()
screener.settler = Settler()  # as the command line and the service run it
loaded = time.perf_counter() - t
def resident():
    return next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmRSS")) / 1024
after = {}
times = []
rows = json.load(open(sys.argv[2]))
for done, (name, schema) in enumerate(rows, 1):
    query = Query.build(name, schema=Schema(schema) if schema else None)
    start = time.perf_counter()
    screener.screen(query)
    times.append(time.perf_counter() - start)
    if done in (200, len(rows)):
        after[done] = resident()
hwm = next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM"))
print(json.dumps({"after": after, "peak_mb": hwm / 1024, "loaded": loaded, "times": times[200:]}))  # VmHWM: this process's peak
"""


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))]


def latency(run, items: list) -> list[float]:  # type: ignore[no-untyped-def]
    times = []
    for item in items:
        start = time.perf_counter()
        run(item)
        times.append(time.perf_counter() - start)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--queries", type=int, default=2000, help="single queries timed for interdict")
    parser.add_argument("--batch", type=int, default=20000, help="rows in the batch throughput file")
    parser.add_argument("--baseline-queries", type=int, default=200, help="queries timed for each baseline (they are slow)")
    args = parser.parse_args()
    out = HERE / "out"
    out.mkdir(exist_ok=True)
    report: dict = {}

    screener = open_screener(progress=lambda m: print(m, file=sys.stderr))
    store = load_lists()
    entities = list(screener.index.entities())
    start = time.perf_counter()
    built = build_lists_index(store.active_entities())
    report["index_build_seconds"] = time.perf_counter() - start
    del built
    path = cache_path(index_key(store))
    start = time.perf_counter()
    assert load_index(path) is not None
    report["index_load_seconds"] = time.perf_counter() - start
    report["entities"] = screener.index.size
    report["names"] = screener.index.total_names

    rng = random.Random(3)
    pool = variants(entities, 200) + negatives(entities, 1500)
    rng.shuffle(pool)
    queries = [Query.build(q.name, schema=q.schema) for q in pool]
    while len(queries) < args.queries:
        queries = queries + queries
    queries = queries[: args.queries]
    # As the command line and the service run it (interdict.heap): the screener settles its heap as it screens, and
    # what this process made so far (every entry decoded above, to generate queries) is settled first, as a
    # service settles what it loaded; otherwise the collector's full passes over this harness's own million
    # objects would be timed as screening.
    screener.settler = Settler()
    settle()
    for query in queries[:100]:
        screener.screen(query)  # warm
    times = latency(lambda q: screener.screen(q), queries)
    report["interdict"] = {"p50_ms": percentile(times, 0.5) * 1000, "p99_ms": percentile(times, 0.99) * 1000, "mean_ms": sum(times) / len(times) * 1000, "max_ms": max(times) * 1000, "n": len(times)}
    # The same queries again: every word has been seen, as in a long-running
    # service whose traffic repeats given names and surnames.
    times = latency(lambda q: screener.screen(q), queries)
    report["interdict_seen_words"] = {"p50_ms": percentile(times, 0.5) * 1000, "p99_ms": percentile(times, 0.99) * 1000, "mean_ms": sum(times) / len(times) * 1000, "max_ms": max(times) * 1000, "n": len(times)}

    # Batch throughput through the screen-file code path with 1 and 2 worker processes, on distinct
    # names (screen_file screens a repeated query once, so a file of repeats would flatter it).
    distinct: dict[tuple[str, str | None], object] = {}
    timed = {(q.name, q.schema) for q in pool}  # the single queries above were screened in this process already
    for q in variants(entities, 1000) + negatives(entities, 5000):
        if (q.name, q.schema) not in timed:
            distinct.setdefault((q.name, q.schema), q)
    every = list(distinct)
    rng.shuffle(every)
    # Each run gets names the process has not seen: forked workers inherit the parent's memo tables, so a second
    # run over the same names would measure those tables rather than screening.
    size = min(args.batch, len(every) // 3)
    files = {1: every[:size], 2: every[size : 2 * size]}
    unique = every[2 * size : 3 * size]
    report["batch_rows"] = size

    def write_rows(path: Path, rows: list[tuple[str, str | None]]) -> None:
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(["id", "name", "schema"])
            for i, (name, schema) in enumerate(rows):
                writer.writerow([i, name, schema or ""])

    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "batch.csv"
        for workers in (1, 2):
            write_rows(source, files[workers])
            start = time.perf_counter()
            batch.screen_file(screener, source, Path(folder) / f"out{workers}.jsonl", workers=workers)
            elapsed = time.perf_counter() - start
            report[f"batch_{workers}_workers_names_per_second"] = size / elapsed
        # A bank's customer file: almost every customer is nobody on the lists. Real first names and surnames of people
        # recombined (the negative families of people, another seed, every name unseen by this process), without the
        # generated spellings of listed names the mixed file above holds (typos, split words, scripts: the hard cases).
        seen = set(distinct) | timed
        customers = list(
            dict.fromkeys(
                (q.name, q.schema)
                for q in negatives(entities, 5000, seed=29)
                if q.family in CUSTOMER_FAMILIES and (q.name, q.schema) not in seen
            )
        )[:size]
        rng.shuffle(customers)
        write_rows(source, customers)
        start = time.perf_counter()
        batch.screen_file(screener, source, Path(folder) / "customers.jsonl", workers=2)
        report["customer_batch_rows"] = len(customers)
        report["customer_batch_2_workers_names_per_second"] = len(customers) / (time.perf_counter() - start)
        # A customer file repeats names: the same rows, each distinct name four times, shuffled.
        repeated = unique[: len(unique) // 4] * 4
        rng.shuffle(repeated)
        write_rows(source, repeated)
        start = time.perf_counter()
        batch.screen_file(screener, source, Path(folder) / "repeats.jsonl", workers=2)
        report["batch_2_workers_each_name_4_times_names_per_second"] = len(repeated) / (time.perf_counter() - start)

    # A 500-name file end to end, as a user runs it: a fresh `interdict screen-file` process
    # (start, index load, screening with the default workers, results written).
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "file500.csv"
        with source.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(["id", "name", "schema"])
            for i in range(500):
                q = pool[(i * 7) % len(pool)]
                writer.writerow([i, q.name, q.schema or ""])
        script = Path(sys.executable).parent / "interdict"  # the console script beside this interpreter
        command = [str(script), "screen-file", str(source), "--out", str(Path(folder) / "out.jsonl")]
        env = {**os.environ, "PYTHONPATH": str(HERE.parent / "src")}
        for label, extra in (("file500_default_workers_seconds", []), ("file500_1_worker_seconds", ["--workers", "1"])):
            runs = []
            for _ in range(3):
                start = time.perf_counter()
                subprocess.run(command + extra, check=True, capture_output=True, env=env)
                runs.append(time.perf_counter() - start)
            report[label] = min(runs)

    # Memory: a fresh process that loads the cached index and screens.
    # Resident memory after 200 queries, and after every distinct name of this run (a long-running process fills its
    # memo tables and decodes list rows as it meets them: the figure that matters for a service or a long batch).
    probe_rows = Path(tempfile.mkdtemp()) / "names.json"
    probe_rows.write_text(json.dumps([[q.names[0], q.schema or ""] for q in queries[:200]] + [[name, schema or ""] for name, schema in every]))
    probe = subprocess.run(
        [sys.executable, "-c", MEMORY_PROBE, os.environ["INTERDICT_HOME"], str(probe_rows)],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PYTHONPATH": str(HERE.parent / "src")},
    )
    measured = json.loads(probe.stdout)
    shutil.rmtree(probe_rows.parent, ignore_errors=True)
    report["resident_mb"] = measured["after"]["200"]
    report["resident_long_run_mb"] = measured["after"][str(len(every) + 200)]
    report["resident_long_run_queries"] = len(every) + 200
    # The same long run's latency: a process that has met thousands of names (its memo tables full, the collector's
    # full passes over them included), first sight of each name.
    times = measured["times"]
    report["interdict_long_run"] = {"p50_ms": percentile(times, 0.5) * 1000, "p99_ms": percentile(times, 0.99) * 1000, "mean_ms": sum(times) / len(times) * 1000, "max_ms": max(times) * 1000, "n": len(times)}
    report["cold_start_seconds"] = measured["loaded"]

    # Baselines on a sample of the same queries.
    sample = queries[: args.baseline_queries]
    exhaustive = Exhaustive(screener.index.name_text, [int(e) for e in screener.index.name_entity])
    for tool, run in (("token_sort_ratio", exhaustive.token_sort), ("jaro_winkler", exhaustive.jaro_winkler)):
        times = latency(lambda q: run(q.names[0]), sample)
        report[tool] = {"p50_ms": percentile(times, 0.5) * 1000, "p99_ms": percentile(times, 0.99) * 1000, "mean_ms": sum(times) / len(times) * 1000, "max_ms": max(times) * 1000, "n": len(times)}
    # The baselines' batch throughput: a block of queries against every name in one call,
    # on 2 threads (rapidfuzz's C++ cdist), the fastest way they can screen a file.
    block = [q.names[0] for q in queries[: args.baseline_queries]]
    for tool, run_batch in (("token_sort_ratio", exhaustive.token_sort_batch), ("jaro_winkler", exhaustive.jaro_winkler_batch)):
        start = time.perf_counter()
        run_batch(block, 2)
        report[f"{tool}_batch_2_threads_names_per_second"] = len(block) / (time.perf_counter() - start)
    if HAVE_ANCHORS:
        def logic_v2(query: Query) -> None:
            candidates = exhaustive.best_by_entity(exhaustive.token_sort(query.names[0]), top=50)
            ftm = [next(to_ftm(entities[owner])) for owner, _, _ in candidates]
            anchors.logic_v2_rescore({"schema": query.schema or "LegalEntity", "properties": {"name": query.names}}, ftm)

        times = latency(logic_v2, sample[: max(20, len(sample) // 4)])
        report["yente_logic_v2_top50"] = {"p50_ms": percentile(times, 0.5) * 1000, "p99_ms": percentile(times, 0.99) * 1000, "mean_ms": sum(times) / len(times) * 1000, "max_ms": max(times) * 1000, "n": len(times)}

    (out / "speed.json").write_text(json.dumps(report, indent=2))
    mine = report["interdict"]
    print(f"\nAll bundled lists: {report['entities']:,} entities, {report['names']:,} names")
    print(
        f"index build {report['index_build_seconds']:.1f} s · index load {report['index_load_seconds']:.2f} s · cold start {report['cold_start_seconds']:.2f} s · "
        f"resident {report['resident_mb']:.0f} MB after 200 queries, {report['resident_long_run_mb']:.0f} MB after {report['resident_long_run_queries']:,} distinct ones"
    )
    print(
        f"batch of {report['batch_rows']:,} distinct names: {report['batch_1_workers_names_per_second']:,.0f} names/s (1 process), "
        f"{report['batch_2_workers_names_per_second']:,.0f} names/s (2 processes); each name 4 times: "
        f"{report['batch_2_workers_each_name_4_times_names_per_second']:,.0f} rows/s (2 processes)"
    )
    print(
        f"a 500-name file end to end (fresh screen-file process, best of 3): {report['file500_default_workers_seconds']:.2f} s "
        f"with the default workers ({os.cpu_count()} cores), {report['file500_1_worker_seconds']:.2f} s with one"
    )
    print(
        f"a customer-like file of {report['customer_batch_rows']:,} distinct unlisted people's names: "
        f"{report['customer_batch_2_workers_names_per_second']:,.0f} names/s (2 processes)"
    )
    for tool in ("token_sort_ratio", "jaro_winkler"):
        rate = report[f"{tool}_batch_2_threads_names_per_second"]
        print(
            f"  {tool} exhaustive batch (cdist, 2 threads): {rate:,.0f} names/s; interdict ×{report['batch_2_workers_names_per_second'] / rate:.1f} "
            f"(customer-like file ×{report['customer_batch_2_workers_names_per_second'] / rate:.1f})"
        )
    print(f"\n{'tool':24} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8} {'mean ms':>8} {'n':>6}  interdict is ×faster (mean)")
    for tool in ("interdict", "interdict_seen_words", "interdict_long_run", "token_sort_ratio", "jaro_winkler", "yente_logic_v2_top50"):
        row = report.get(tool)
        if row:
            ratio = row["mean_ms"] / mine["mean_ms"]
            print(f"{tool:24} {row['p50_ms']:8.2f} {row['p99_ms']:8.2f} {row['max_ms']:8.1f} {row['mean_ms']:8.2f} {row['n']:6}  {ratio:6.1f}")


if __name__ == "__main__":
    main()
