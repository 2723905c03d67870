"""First-sight latency of two versions of interdict, paired in one process, where this machine's drift cannot skew it.

    python bench/revisions.py OTHER_SRC [--queries 2000] [--reps 3] [--seed 3] [--show-differences N]

OTHER_SRC is another checkout's `src` (e.g. `git worktree add /tmp/before <commit>`, then
`/tmp/before/src`). Timings on this shared 2-core machine drift by up to 30 % within minutes, so two
`bench/speed.py` runs cannot tell a 10 % change from noise. Here both versions screen in the same
process, taking turns query by query (the order alternating), so a slow minute slows both alike:
- the other version is loaded as a renamed copy (`interdict_other`, under bench/out/revisions/);
- each version keeps its own home (bench/out/revisions/home-this, home-other: a copy of the lists
  database of INTERDICT_HOME), so neither removes the other's index cache;
- each round first empties every memo of both (similarities, typo neighbourhoods, evidence, analysed
  names and words), so every query is met for the first time, as in `bench/speed.py`'s first-sight
  measure; what an index stores when it is built stays, as it does for a user;
- each query keeps its best time of `--reps` rounds.

Prints p50 and mean per version, the ratio, and how many queries returned the same hits (entry ids and
scores) in both: a speed change that claims to change no result should show all of them.
"""

from __future__ import annotations

import argparse
import importlib
import os
import random
import re
import shutil
import sys
import time
from pathlib import Path
from types import ModuleType
from typing import Any

HERE = Path(__file__).resolve().parent
OUT = HERE / "out" / "revisions"
SOURCE_HOME = Path(os.environ.get("INTERDICT_HOME", str(HERE / "out" / "home")))


def renamed_copy(src: Path) -> Path:
    """`src/interdict` copied as the package `interdict_other`, its absolute self-references renamed."""
    target = OUT / "other"
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(src / "interdict", target / "interdict_other")
    for path in (target / "interdict_other").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        text = re.sub(r"^(\s*)(from|import) interdict\b", r"\1\2 interdict_other", text, flags=re.MULTILINE)
        text = re.sub(r"(['\"])interdict(['\".])", r"\1interdict_other\2", text)
        path.write_text(text, encoding="utf-8")
    return target


def home(name: str) -> Path:
    """A home of its own holding a copy of the lists database (made once; an index is built there on first use)."""
    folder = OUT / f"home-{name}"
    if not (folder / "interdict.db").exists():
        folder.mkdir(parents=True, exist_ok=True)
        shutil.copy2(SOURCE_HOME / "interdict.db", folder / "interdict.db")
    return folder


class Side:
    """One version: its screener, query builder and memo tables."""

    def __init__(self, package: str, folder: Path):
        os.environ["INTERDICT_HOME"] = str(folder)
        started = time.perf_counter()
        self.screener: Any = importlib.import_module(f"{package}.screening").open_screener()
        print(f"{package}: index ready in {time.perf_counter() - started:.1f} s", file=sys.stderr)
        self.query: Any = importlib.import_module(f"{package}.match.query").Query
        self.names: ModuleType = importlib.import_module(f"{package}.text.names")
        self.skeleton: ModuleType = importlib.import_module(f"{package}.text.skeleton")
        # What a screen reads from the home on first use (the relations' reach-through table), read now, while
        # INTERDICT_HOME is this version's.
        getattr(self.screener, "warm", lambda: None)()
        self.screener.screen(self.query.build("Ali Khamenei"))

    def forget(self) -> None:
        """Empty every memo a query fills, whichever of them this version has."""
        index = self.screener.index
        for table in ("evidence_cache", "split_cache", "fuzzy_cache"):
            getattr(index, table, {}).clear()
        self.screener._sims.clear()
        for module, name in ((self.names, "_analyze_name"), (self.names, "_make_token"), (self.skeleton, "skeleton"), (self.skeleton, "vowel_skeleton")):
            clear = getattr(getattr(module, name, None), "cache_clear", None)
            if clear is not None:
                clear()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("other", type=Path, help="the other checkout's src folder")
    parser.add_argument("--queries", type=int, default=2000, help="distinct generated queries (default 2000)")
    parser.add_argument("--reps", type=int, default=3, help="rounds; each query keeps its best time (default 3)")
    parser.add_argument("--seed", type=int, default=3, help="seed of the generated queries (bench/speed.py's is 3)")
    parser.add_argument("--show-differences", type=int, default=0, metavar="N", help="print N queries whose hits differ, with each side's best hits")
    args = parser.parse_args()
    if not (args.other / "interdict").is_dir():
        raise SystemExit(f"{args.other} holds no interdict package: give the other checkout's src folder")
    if not (SOURCE_HOME / "interdict.db").exists():
        raise SystemExit(f"no lists database in {SOURCE_HOME}: run bench/speed.py (or any screen) once first")

    sys.path.insert(0, str(HERE.parent / "src"))
    sys.path.insert(0, str(renamed_copy(args.other)))
    sys.path.insert(0, str(HERE))
    from generate import negatives, variants

    sides = {"this": Side("interdict", home("this")), "other": Side("interdict_other", home("other"))}
    entities = list(sides["this"].screener.index.entities())
    rng = random.Random(args.seed)
    pool = variants(entities, 200) + negatives(entities, 1500)
    rng.shuffle(pool)
    pool = list({(q.name, q.schema): q for q in pool}.values())[: args.queries]
    queries = {name: [side.query.build(q.name, schema=q.schema) for q in pool] for name, side in sides.items()}

    best = {name: [float("inf")] * len(pool) for name in sides}
    same = 0
    differing: list[tuple[str, list, list]] = []
    for round_ in range(args.reps):
        for side in sides.values():
            side.forget()
        for k in range(len(pool)):
            order = list(sides) if (k + round_) % 2 == 0 else list(reversed(sides))
            hits = {}
            for name in order:
                started = time.perf_counter()
                found = sides[name].screener.screen(queries[name][k])
                best[name][k] = min(best[name][k], time.perf_counter() - started)
                hits[name] = [(hit.entity.id, hit.score) for hit in found]
            same += round_ == 0 and hits["this"] == hits["other"]
            if round_ == 0 and hits["this"] != hits["other"]:
                differing.append((pool[k].name, hits["this"][:3], hits["other"][:3]))
    summary = {}
    for name in sides:
        times = sorted(best[name])
        summary[name] = (times[len(times) // 2] * 1000, sum(times) / len(times) * 1000)
        print(f"{name:6s} first sight, best of {args.reps}: p50 {summary[name][0]:.3f} ms  mean {summary[name][1]:.3f} ms")
    print(f"this ÷ other: p50 ×{summary['this'][0] / summary['other'][0]:.3f}, mean ×{summary['this'][1] / summary['other'][1]:.3f}")
    print(f"same hits: {same} of {len(pool)} queries")
    for name, mine, theirs in differing[: args.show_differences]:
        print(f"  {name!r}\n    this:  {[(entity, round(score, 3)) for entity, score in mine]}\n    other: {[(entity, round(score, 3)) for entity, score in theirs]}")


if __name__ == "__main__":
    main()
