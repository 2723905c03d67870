"""Time and memory of the relation graph: one million ownership edges loaded and propagated.

    python bench/relations.py                      # 1,000,000 edges, 400,000 companies, 2,000 designated owners
    python bench/relations.py --edges 200000       # smaller
    python bench/relations.py --baseline           # also the naive repeat-until-stable fixed point, side by side

An ownership CSV (`owner, asset, share_pct, as_of, source`, the file
`interdict relations load` takes) is generated with a fixed seed: companies
own later companies (a few edges point back, making cycles), shares are drawn
from typical holdings with 5% unknown, and the first companies' owners are the
designated persons. Measured in this process, one step after another:

- parse: the CSV read into the snapshot's entities (relations/load.py);
- store (with --store): those entities written as a snapshot of a fresh SQLite store, as
  `interdict relations load` does (one transaction, with the coverage guard's bookkeeping);
- graph: the entities read into the relation graph (relations/graph.py);
- propagate: the fixed point under the us (aggregating), eu and gb
  (non-aggregating: one walk per designated person) rules;
- baseline (with --baseline): the same us result by the obvious method
  (recompute every company's blocked share until nothing changes), to show
  the ratio and check the two agree.

Peak resident memory is the process's VmHWM after each step. Nothing is
asserted: these are figures (bench/out/relations.json).
"""

from __future__ import annotations

import argparse
import io
import json
import random
import time
from pathlib import Path

from interdict.relations import build_graph, default_rules, parse_ownership_csv, propagate
from interdict.relations.graph import Graph, paused_gc

SHARES = [None, 5.0, 10.0, 15.0, 20.0, 25.0, 30.0, 33.3, 40.0, 49.0, 50.0, 51.0, 60.0, 75.0, 100.0]
WEIGHTS = [5, 10, 10, 8, 10, 12, 8, 5, 6, 3, 6, 5, 5, 4, 3]


def peak_rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def generate(edges: int, companies: int, designated: int, seed: int) -> bytes:
    rng = random.Random(seed)
    out = io.StringIO()
    out.write("owner,asset,share_pct,as_of,source\n")
    shares = rng.choices(SHARES, WEIGHTS, k=edges)
    for index in range(edges):
        if index < designated * 2:
            owner = f"Designated Person {index % designated}"
            asset = rng.randrange(companies // 20)
        else:
            asset = rng.randrange(1, companies)
            back = rng.random() < 0.01
            owner_index = rng.randrange(asset, companies) if back else rng.randrange(max(0, asset - 5000), asset)
            owner = f"Company {owner_index}"
            if owner_index == asset:
                owner = f"Designated Person {rng.randrange(designated)}" if rng.random() < 0.002 else f"Company {(asset + 1) % companies}"
        share = shares[index]
        out.write(f"{owner},Company {asset},{'' if share is None else share},,bench\n")
    return out.getvalue().encode()


def naive_us(graph: Graph, roots: set[str]) -> set[str]:
    """OFAC's rule the obvious way: recompute every blocked share until nothing changes."""
    owners: dict[str, list[tuple[str, float]]] = {}
    for edge in graph.edges():
        if edge.share is not None and edge.kind.value == "ownership":
            owners.setdefault(edge.target, []).append((edge.source, edge.share))
    blocked = set(roots)
    while True:
        grown = {asset for asset, held in owners.items() if asset not in blocked and round(sum(s for o, s in held if o in blocked), 6) >= 50}
        if not grown:
            return blocked - roots
        blocked |= grown


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--edges", type=int, default=1_000_000)
    parser.add_argument("--companies", type=int, default=400_000)
    parser.add_argument("--designated", type=int, default=2_000)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--baseline", action="store_true", help="also run the naive fixed point (slow) and compare")
    parser.add_argument("--store", action="store_true", help="also store the parsed file as a snapshot in a temporary SQLite store")
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "out" / "relations.json")
    args = parser.parse_args()
    figures: dict[str, object] = {"edges": args.edges, "companies": args.companies, "designated": args.designated}

    def step(name: str, started: float) -> None:
        figures[f"{name}_s"] = round(time.perf_counter() - started, 2)
        figures[f"{name}_peak_rss_mb"] = round(peak_rss_mb())
        print(f"{name:>10}: {figures[f'{name}_s']:>7.2f} s   peak RSS {figures[f'{name}_peak_rss_mb']:>6,} MB", flush=True)

    started = time.perf_counter()
    data = generate(args.edges, args.companies, args.designated, args.seed)
    step("generate", started)
    started = time.perf_counter()
    with paused_gc():  # as `interdict relations load` reads a file (load.parse_relation_file)
        parsed = parse_ownership_csv(data, "relations", lambda _id: False)
    del data
    step("parse", started)
    figures["row_errors"] = len(parsed.errors)
    if args.store:
        import tempfile

        from interdict.lists import provenance
        from interdict.relations.load import PARSER
        from interdict.store import open_store

        with tempfile.TemporaryDirectory() as folder:
            started = time.perf_counter()
            store = open_store(f"sqlite:///{folder}/bench.db")
            store.add_snapshot("relations", PARSER, parsed.result, [provenance("relations", "bench.csv", "bench", b"")], origin="bench")
            store.engine.dispose()
            step("store", started)
    started = time.perf_counter()
    graph = build_graph(parsed.result.entities)
    del parsed
    step("graph", started)
    figures["graph_edges"] = graph.edge_count
    roots = {node.id for node in graph.nodes.values() if node.caption.startswith("Designated Person ")}
    rules = default_rules()
    results = {}
    for code in ("us", "eu", "gb"):
        started = time.perf_counter()
        results[code] = propagate(graph, rules[code], roots)
        step(f"propagate_{code}", started)
        figures[f"blocked_{code}"] = len(results[code].blocked())
        figures[f"review_{code}"] = len(results[code].findings) - len(results[code].blocked())
    if args.baseline:
        started = time.perf_counter()
        naive = naive_us(graph, roots)
        step("baseline_us", started)
        figures["baseline_agrees"] = naive == results["us"].blocked()
        figures["speedup_vs_baseline"] = round(float(figures["baseline_us_s"]) / max(float(figures["propagate_us_s"]), 1e-6), 1)  # type: ignore[arg-type]
    print(json.dumps(figures, indent=1))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(figures, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
