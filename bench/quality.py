"""Matching quality of interdict and the anchors, side by side, on the same data.

    python bench/quality.py [--per-family 200] [--negatives 1000] [--anchor-sample 300]

Run it in `.venv-anchors` (bench/setup_anchors.sh) to include yente's logic-v2;
in the project venv the logic-v2 columns are skipped and say so.

1. Peer benchmark (bench/data/name_pairs_bench.csv, 826 labelled pairs):
   precision, recall and F1 per case group at each tool's default threshold,
   and each tool's best threshold.
2. Variants generated from the lists (bench/generate.py): recall at the default
   threshold per family — the source entity must be a match. Families:
   transliteration, reorder, drop_middle, honorific, typo, homoglyph, zero_width,
   script, org_generic (an organisation's generic word in another form, "Group",
   an acronym), added_part (a person's name with one more real name part),
   org_generic_typo (a slip in an organisation's generic word), fused_particle
   (a person's particle written fused to the next word: "Isabel DOSSANTOS"),
   org_letters (an organisation's letters written another way: "M&P" as "MP"),
   split_three (a long word of a person's name written as three: "Plat Ono Vich"),
   org_place (a place in brackets added to or dropped from an organisation's name:
   "Mahan Air (Hong Kong) Ltd", its local company) and passport_form (a person
   listed with a patronymic written without it, as a passport does, and with a slip
   in the surname: "Vladimir KRVACHENKO").
3. Negatives — the share of queries that raise any match: recombined (real first
   names and surnames not listed together), common (frequent names of many
   cultures), recombined_any (the same, kept unless they are a listed person's
   given name and surname: they may stand together in a longer listed name, as
   real customers' names do), recombined_cross (halves from different publishers' lists, in Latin,
   Cyrillic and Arabic script), cjk (recombined Han and Hangul names),
   org_generic_only (a word on no list with only sector and structural words),
   org_generic_typo_only (the same with a slip in a generic word) and
   org_letters_only (companies named by letters no list name writes: "K&V",
   "R & T Trading Company").
   --negatives sets the size of recombined, recombined_any and recombined_cross; cjk,
   org_generic_only and org_letters_only get up to half of it each.

Results print as tables and are written to bench/out/quality.json.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import sys
import time
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "src"))
os.environ.setdefault("INTERDICT_HOME", str(HERE / "out" / "home"))

from baselines import Exhaustive, pair_jaro_winkler, pair_token_sort  # noqa: E402
from generate import negatives, strip_original_scripts, variants  # noqa: E402

from interdict.match.query import Query  # noqa: E402
from interdict.model import to_ftm  # noqa: E402
from interdict.match.screener import DEFAULT_THRESHOLD  # noqa: E402
from interdict.match.index import build_index  # noqa: E402
from interdict.match.screener import Screener  # noqa: E402
from interdict.screening import open_screener  # noqa: E402

import anchors  # noqa: E402

ANCHOR_ERROR = anchors.unavailable()
HAVE_ANCHORS = ANCHOR_ERROR is None

YENTE_THRESHOLD = 0.70
RECALL_LIMIT = 50  # a person on five lists yields five hits; the source entry must be among the matches
# Conventional thresholds for the exhaustive baselines (their best-F1 thresholds on the
# peer benchmark are far lower and alert on everything; both are reported).
BASELINE_THRESHOLDS = {"token_sort_ratio": 0.85, "jaro_winkler": 0.90}


def prf(labels: list[bool], predictions: list[bool]) -> tuple[float, float, float]:
    tp = sum(1 for y, p in zip(labels, predictions) if y and p)
    fp = sum(1 for y, p in zip(labels, predictions) if not y and p)
    fn = sum(1 for y, p in zip(labels, predictions) if y and not p)
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def best_threshold(labels: list[bool], scores: list[float]) -> tuple[float, float]:
    best = (0.0, 0.5)
    for step in range(30, 100):
        threshold = step / 100
        f1 = prf(labels, [s >= threshold for s in scores])[2]
        if f1 > best[0]:
            best = (f1, threshold)
    return best[1], best[0]


def peer_benchmark(screener) -> dict:  # type: ignore[no-untyped-def]
    rows = list(csv.DictReader((HERE / "data" / "name_pairs_bench.csv").open(encoding="utf-8")))
    labels = [row["is_match"] == "true" for row in rows]
    tools: dict[str, list[float]] = {}
    timings: dict[str, float] = {}
    start = time.perf_counter()
    tools["interdict"] = [screener.compare(r["name1"], r["name2"], r["schema"])[0] for r in rows]
    timings["interdict"] = time.perf_counter() - start
    start = time.perf_counter()
    tools["token_sort_ratio"] = [pair_token_sort(r["name1"], r["name2"]) for r in rows]
    timings["token_sort_ratio"] = time.perf_counter() - start
    start = time.perf_counter()
    tools["jaro_winkler"] = [pair_jaro_winkler(r["name1"], r["name2"]) for r in rows]
    timings["jaro_winkler"] = time.perf_counter() - start
    if HAVE_ANCHORS:
        start = time.perf_counter()
        tools["yente_logic_v2"] = [anchors.logic_v2_score_pair(r["name1"], r["name2"], r["schema"]) for r in rows]
        timings["yente_logic_v2"] = time.perf_counter() - start
    defaults = {"interdict": DEFAULT_THRESHOLD, "yente_logic_v2": YENTE_THRESHOLD} | BASELINE_THRESHOLDS
    report: dict = {"pairs": len(rows), "tools": {}}
    groups = sorted({row["case_group"] for row in rows})
    for tool, scores in tools.items():
        threshold, best_f1 = best_threshold(labels, scores)
        default = defaults.get(tool, threshold)
        predictions = [s >= default for s in scores]
        p, r, f = prf(labels, predictions)
        per_group = {}
        for group in groups:
            idx = [i for i, row in enumerate(rows) if row["case_group"] == group]
            per_group[group] = dict(zip(("precision", "recall", "f1"), prf([labels[i] for i in idx], [predictions[i] for i in idx])))
            per_group[group]["n"] = len(idx)
        report["tools"][tool] = {
            "default_threshold": default,
            "precision": p,
            "recall": r,
            "f1": f,
            "best_threshold": threshold,
            "best_f1": best_f1,
            "per_group": per_group,
            "pairs_per_second": len(rows) / timings[tool],
        }
    return report


def generated(screener, per_family: int, negative_count: int, anchor_sample: int, baselines: bool = True, show_misses: bool = False) -> dict:  # type: ignore[no-untyped-def]
    index = screener.index
    entities = list(index.entities())
    ids = [entity.id for entity in entities]
    position = {entity_id: i for i, entity_id in enumerate(ids)}
    queries = variants(entities, per_family)
    negs = negatives(entities, negative_count)
    exhaustive = Exhaustive(index.name_text, [int(e) for e in index.name_entity])
    # The script family screens against the lists without their non-Latin names.
    latin_only = Screener(build_index(strip_original_scripts(entities)))
    latin_exhaustive = Exhaustive(latin_only.index.name_text, [int(e) for e in latin_only.index.name_entity])
    thresholds = dict(BASELINE_THRESHOLDS)

    results: dict = {"variants": defaultdict(lambda: defaultdict(list)), "negatives": defaultdict(lambda: defaultdict(list))}
    timing: dict[str, float] = defaultdict(float)

    def interdict_hits(query) -> list:  # type: ignore[no-untyped-def]
        start = time.perf_counter()
        engine = latin_only if query.family == "script" else screener
        hits = engine.screen(Query.build(query.name, schema=query.schema), limit=RECALL_LIMIT)
        timing["interdict"] += time.perf_counter() - start
        return hits

    for n, query in enumerate(queries + negs):
        is_variant = query.source_entity is not None
        bucket = results["variants" if is_variant else "negatives"][query.family]
        hits = interdict_hits(query)
        if is_variant:
            ok = any(hit.match and hit.entity.id == query.source_entity for hit in hits)
        else:
            ok = not any(hit.match for hit in hits)
        bucket["interdict"].append(ok if is_variant else not ok)
        if show_misses and not ok:
            shown = [(round(h.score, 2), h.entity.caption) for h in hits if h.match or h.entity.id == query.source_entity][:2]
            print(f"  miss [{query.family}] {query.name!r} (from {query.source_name!r}): {shown}")
        if not baselines:
            continue
        names = latin_exhaustive if query.family == "script" else exhaustive
        for tool, scorer in (("token_sort_ratio", names.token_sort), ("jaro_winkler", names.jaro_winkler)):
            start = time.perf_counter()
            scores = scorer(query.name)
            timing[tool] += time.perf_counter() - start
            if is_variant:
                source = position[query.source_entity]
                own = scores[names.owners == source]
                bucket[tool].append(bool(len(own)) and float(own.max()) >= thresholds[tool])
            else:
                bucket[tool].append(float(scores.max()) >= thresholds[tool])
        if HAVE_ANCHORS and baselines and n % max(1, (len(queries) + len(negs)) // max(1, anchor_sample)) == 0:
            start = time.perf_counter()
            candidates = names.best_by_entity(names.token_sort(query.name), top=50)
            ftm = [next(to_ftm(entities[owner])) for owner, _, _ in candidates]
            scores = anchors.logic_v2_rescore({"schema": query.schema or "LegalEntity", "properties": {"name": [query.name]}}, ftm)
            timing["yente_logic_v2"] += time.perf_counter() - start
            if is_variant:
                bucket["yente_logic_v2"].append(any(s >= YENTE_THRESHOLD and entities[c[0]].id == query.source_entity for c, s in zip(candidates, scores)))
            else:
                bucket["yente_logic_v2"].append(any(s >= YENTE_THRESHOLD for s in scores))
    summary: dict = {"thresholds": thresholds | {"interdict": DEFAULT_THRESHOLD, "yente_logic_v2": YENTE_THRESHOLD}}
    for kind in ("variants", "negatives"):
        summary[kind] = {}
        totals: dict[str, list[bool]] = defaultdict(list)
        for family, tools in results[kind].items():
            summary[kind][family] = {tool: {"rate": sum(v) / len(v), "n": len(v)} for tool, v in tools.items() if v}
            for tool, values in tools.items():
                totals[tool].extend(values)
        summary[kind]["ALL"] = {tool: {"rate": sum(v) / len(v), "n": len(v)} for tool, v in totals.items() if v}
    summary["seconds"] = dict(timing)
    return summary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--per-family", type=int, default=200, help="variant queries per family")
    parser.add_argument("--negatives", type=int, default=1000, help="recombined and recombined_cross negative queries each (cjk and org_generic_only: up to half as many)")
    parser.add_argument("--anchor-sample", type=int, default=300, help="queries also run through yente logic-v2 (slow)")
    parser.add_argument("--peer-only", action="store_true", help="only the peer benchmark")
    parser.add_argument("--no-baselines", action="store_true", help="skip the exhaustive baselines and anchors (fast iteration)")
    parser.add_argument("--show-misses", action="store_true", help="print each missed variant and alerting negative")
    args = parser.parse_args()
    out = HERE / "out"
    out.mkdir(exist_ok=True)
    screener = open_screener(progress=lambda m: print(m, file=sys.stderr))
    if not HAVE_ANCHORS:
        print(f"(yente logic-v2 not available here: {ANCHOR_ERROR}; run in .venv-anchors to include it)")
    peer = peer_benchmark(screener)
    (out / "peer.json").write_text(json.dumps(peer, indent=2))
    print(f"\nPeer benchmark ({peer['pairs']} pairs)")
    print(f"{'tool':18} {'thr':>5} {'P':>6} {'R':>6} {'F1':>6} | {'best thr':>8} {'best F1':>7} | per group F1")
    for tool, row in peer["tools"].items():
        groups = " ".join(f"{g}={v['f1']:.2f}" for g, v in row["per_group"].items())
        print(f"{tool:18} {row['default_threshold']:5.2f} {row['precision']:6.3f} {row['recall']:6.3f} {row['f1']:6.3f} | {row['best_threshold']:8.2f} {row['best_f1']:7.3f} | {groups}")
    if args.peer_only:
        return
    summary = generated(screener, args.per_family, args.negatives, args.anchor_sample, not args.no_baselines, args.show_misses)
    (out / "quality.json").write_text(json.dumps({"peer": peer, "generated": summary}, indent=2, default=dict))
    tools = ["interdict"] + ([] if args.no_baselines else ["token_sort_ratio", "jaro_winkler"] + (["yente_logic_v2"] if HAVE_ANCHORS else []))
    print(f"\nThresholds: {summary['thresholds']}")
    for kind, label in (("variants", "Variant recall (higher is better)"), ("negatives", "Negatives alerting (lower is better)")):
        print(f"\n{label}")
        print(f"{'family':16} " + " ".join(f"{tool:>17}" for tool in tools))
        for family, row in summary[kind].items():
            cells = []
            for tool in tools:
                cell = row.get(tool)
                cells.append(f"{cell['rate']:11.3f} n={cell['n']:<4}" if cell else f"{'-':>17}")
            print(f"{family:16} " + " ".join(cells))
    print("\nSeconds spent per tool:", {k: round(v, 1) for k, v in summary["seconds"].items()})


if __name__ == "__main__":
    main()
