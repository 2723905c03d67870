"""How many list names each query sends to full scoring: the work behind the latency tail, counted, not timed.

    python bench/scored.py [--compare OTHER_SRC]

Screens every distinct name of bench/data/name_pairs_bench.csv (the names bench/load.py
sends) and the generated queries of bench/speed.py, and prints, per set, the names
scored in total, at the median and 99th percentile query, at most, and how many queries
scored more than 500. Counts do not move with the machine's speed, so a change to
retrieval can be judged on this 2-core machine where timings drift by 20 %.

With --compare, the same is printed for another checkout's `src` (e.g. a `git worktree`
of an earlier commit) in a child process, side by side; the child keeps its own home
(bench/out/home-compare: the bundled lists are loaded there on first use).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
os.environ.setdefault("INTERDICT_HOME", str(HERE / "out" / "home"))


def counts(src: Path) -> dict[str, dict[str, int]]:
    sys.path.insert(0, str(src))
    sys.path.insert(0, str(HERE))
    from generate import negatives, variants

    from interdict.match.query import Query
    from interdict.screening import open_screener

    screener = open_screener()
    proposed = [0]
    if "scored" not in getattr(__import__("interdict.match.screener", fromlist=["Screening"]).Screening, "__dataclass_fields__", {}):
        # A checkout older than `Screening.scored`: count what its retrieval proposes instead (the same number).
        import interdict.match.screener as screener_module

        retrieve = screener_module.retrieve

        def counted(*args, **kwargs):  # type: ignore[no-untyped-def]
            found = retrieve(*args, **kwargs)
            proposed[0] = len(found.names)
            return found

        screener_module.retrieve = counted

    def scored_by(query: Query) -> int:
        proposed[0] = 0
        return int(getattr(screener.screening(query), "scored", proposed[0]) or proposed[0])
    names: dict[str, None] = {}
    with (HERE / "data" / "name_pairs_bench.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            names.update(dict.fromkeys((row["name1"], row["name2"])))
    entities = list(screener.index.entities())
    pool = variants(entities, 200) + negatives(entities, 1500)
    random.Random(3).shuffle(pool)
    sets = {
        "load bench names (bench/load.py)": [Query.build(name) for name in names],
        "generated queries (bench/speed.py)": [Query.build(q.name, schema=q.schema) for q in pool],
    }
    report = {}
    for label, queries in sets.items():
        scored = sorted(scored_by(query) for query in queries)
        report[label] = {
            "queries": len(scored),
            "total": sum(scored),
            "p50": scored[len(scored) // 2],
            "p99": scored[min(len(scored) - 1, int(len(scored) * 0.99))],
            "max": scored[-1],
            "over_500": sum(1 for value in scored if value > 500),
        }
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--compare", type=Path, default=None, help="another checkout's src folder, counted the same way")
    parser.add_argument("--json", action="store_true", help=argparse.SUPPRESS)  # the child's output format
    args = parser.parse_args()
    mine = counts(Path(os.environ.get("INTERDICT_SCORED_SRC", HERE.parent / "src")))
    if args.json:
        print(json.dumps(mine))
        return
    columns = {"this checkout": mine}
    if args.compare is not None:
        child = subprocess.run(
            [sys.executable, __file__, "--json"],
            capture_output=True,
            text=True,
            check=True,
            # Its own home: another checkout's code builds another index, and a home keeps one.
            env={**os.environ, "INTERDICT_SCORED_SRC": str(args.compare), "INTERDICT_HOME": str(HERE / "out" / "home-compare")},
        )
        columns = {str(args.compare): json.loads(child.stdout.strip().splitlines()[-1]), **columns}
    for label in mine:
        print(f"\n{label}: {mine[label]['queries']:,} queries")
        print(f"{'':28s} {'total':>9s} {'p50':>6s} {'p99':>6s} {'max':>6s} {'>500':>6s}")
        for name, report in columns.items():
            row = report[label]
            print(f"{name[-28:]:28s} {row['total']:9,d} {row['p50']:6d} {row['p99']:6d} {row['max']:6d} {row['over_500']:6d}")


if __name__ == "__main__":
    main()
