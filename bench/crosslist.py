"""Real spelling variants: how one publisher's names find the same subjects on another publisher's list.

    python bench/crosslist.py [--sample 0] [--show-misses 20]

The UK list gives the UN reference number of every UN-listed subject it carries, and
writes their names its own way (transliteration, order, aliases it adds or drops).
Each UK name of such a subject is screened against the UN list alone; it is found
when the subject's UN entry is a match. Nobody wrote these pairs for the matcher,
and no rule was tuned to them: they are the closest a public bench gets to the
held-back "UK spellings of UN-listed subjects".

- recall (all names): every UK name of every cross-referenced subject;
- recall (variants): only UK names written differently from every UN name of the
  subject (case, accents, spaces and punctuation aside) — the real test;
- alert rate on other subjects: UK names of subjects the UK does not cross-reference
  to the UN, screened against the UN list. Some are unreferenced duplicates of UN
  entries (a true match), so this is an upper bound on false alerts; the alerting
  pairs are printed for a person to judge.

The exhaustive baselines (token-sort ratio, Jaro-Winkler of sorted tokens, at the
thresholds bench/quality.py uses) are run on the same names against the same UN
names, in the same process. Results go to bench/out/crosslist.json.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import sys
import time
import unicodedata
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "src"))
os.environ.setdefault("INTERDICT_HOME", str(HERE / "out" / "home"))

from baselines import Exhaustive  # noqa: E402

from interdict.match.query import Query  # noqa: E402
from interdict.screening import open_screener  # noqa: E402

UN = "un_sc_sanctions"
UK = "gb_fcdo_sanctions"
BASELINES = {"token_sort_ratio": 0.85, "jaro_winkler": 0.90}  # as bench/quality.py


def plain(text: str) -> str:
    """A name without case, accents, punctuation or spacing: "the same string" for this bench."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(char for char in text if not unicodedata.combining(char)).casefold()
    return re.sub(r"[\W_]+", "", text)


def reference(value: str) -> str:
    return re.sub(r"\s+", "", value).upper()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sample", type=int, default=0, help="screen only this many UK subjects of each kind (0: all)")
    parser.add_argument("--show-misses", type=int, default=20, help="print this many missed variants and alerting other subjects")
    args = parser.parse_args()

    screener = open_screener(progress=lambda message: print(message, file=sys.stderr))
    entities = list(screener.index.entities())
    un_by_ref = {reference(entity.source_id): entity for entity in entities if entity.dataset == UN}
    linked: list[tuple[object, object]] = []
    others = []
    for entity in entities:
        if entity.dataset != UK:
            continue
        refs = [reference(value) for value in entity.extra.get("unReference", ())]
        target = next((un_by_ref[ref] for ref in refs if ref in un_by_ref), None)
        if target is not None:
            linked.append((entity, target))
        elif not refs:
            others.append(entity)
    rng = random.Random(7)
    if args.sample:
        linked = rng.sample(linked, min(args.sample, len(linked)))
        others = rng.sample(others, min(args.sample, len(others)))

    un_entities = [entity for entity in entities if entity.dataset == UN]
    un_names = [name.full for entity in un_entities for name in entity.names]
    un_owner = [i for i, entity in enumerate(un_entities) for _ in entity.names]
    un_position = {entity.id: i for i, entity in enumerate(un_entities)}
    exhaustive = Exhaustive(un_names, un_owner)

    def baseline_hits(name: str) -> dict[str, set[int]]:
        return exhaustive.owners_at(name, BASELINES)

    tools = ("interdict", *BASELINES)
    counts = {group: {tool: [0, 0] for tool in tools} for group in ("all", "variants")}
    misses: list[tuple[str, str, float]] = []
    start = time.perf_counter()
    screened = 0
    for uk, un in linked:
        written = {plain(name.full) for name in un.names}  # type: ignore[attr-defined]
        for name in uk.names:  # type: ignore[attr-defined]
            query = Query.build(name.full, schema=uk.schema)  # type: ignore[attr-defined]
            hits = screener.screen(query, datasets=[UN], limit=50)
            screened += 1
            found = {"interdict": any(hit.match and hit.entity.id == un.id for hit in hits)}  # type: ignore[attr-defined]
            for tool, owners in baseline_hits(name.full).items():
                found[tool] = un_position[un.id] in owners  # type: ignore[attr-defined]
            groups = ["all"] if plain(name.full) in written else ["all", "variants"]
            for group in groups:
                for tool in tools:
                    counts[group][tool][0] += found[tool]
                    counts[group][tool][1] += 1
            if "variants" in groups and not found["interdict"]:
                best = next((hit.score for hit in hits if hit.entity.id == un.id), 0.0)  # type: ignore[attr-defined]
                misses.append((name.full, un.caption, best))  # type: ignore[attr-defined]
    alerts = {tool: [0, 0] for tool in tools}
    alerting: list[tuple[str, str, float]] = []
    for entity in others:
        for name in entity.names:
            hits = screener.screen(Query.build(name.full, schema=entity.schema), datasets=[UN], limit=5)
            screened += 1
            matched = [hit for hit in hits if hit.match]
            alerts["interdict"][0] += bool(matched)
            alerts["interdict"][1] += 1
            if matched:
                alerting.append((name.full, matched[0].entity.caption, matched[0].score))
            for tool, owners in baseline_hits(name.full).items():
                alerts[tool][0] += bool(owners)
                alerts[tool][1] += 1
    elapsed = time.perf_counter() - start

    def rate(pair: list[int]) -> float:
        return pair[0] / pair[1] if pair[1] else 0.0

    report = {
        "subjects_linked": len(linked),
        "other_subjects": len(others),
        "names_screened": screened,
        "seconds": elapsed,
        "recall_all": {tool: rate(counts["all"][tool]) for tool in tools},
        "recall_variants": {tool: rate(counts["variants"][tool]) for tool in tools},
        "variant_names": counts["variants"]["interdict"][1],
        "all_names": counts["all"]["interdict"][1],
        "alert_rate_other_subjects": {tool: rate(alerts[tool]) for tool in tools},
        "other_names": alerts["interdict"][1],
    }
    out = HERE / "out"
    out.mkdir(exist_ok=True)
    (out / "crosslist.json").write_text(json.dumps(report, indent=2))
    print(f"UK subjects cross-referenced to the UN list: {len(linked):,} ({report['all_names']:,} names, {report['variant_names']:,} written differently)")
    print(f"UK subjects not cross-referenced: {len(others):,} ({report['other_names']:,} names); {screened:,} screens in {elapsed:.0f} s\n")
    print(f"{'tool':18} {'recall (all)':>13} {'recall (variants)':>18} {'alerts on others':>17}")
    for tool in tools:
        print(
            f"{tool:18} {report['recall_all'][tool]:13.3f} {report['recall_variants'][tool]:18.3f} "
            f"{report['alert_rate_other_subjects'][tool]:16.1%}"
        )
    if args.show_misses:
        print("\nmissed variants (UK name → UN caption, interdict's score on the UN entry):")
        for name, caption, score in sorted(misses, key=lambda item: -item[2])[: args.show_misses]:
            print(f"  {score:.2f}  {name!r} → {caption!r}")
        print("\nalerting names of subjects the UK does not cross-reference (some are unreferenced duplicates):")
        for name, caption, score in sorted(alerting, key=lambda item: -item[2])[: args.show_misses]:
            print(f"  {score:.2f}  {name!r} → {caption!r}")


if __name__ == "__main__":
    main()
