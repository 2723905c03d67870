"""Real transliterations: Canada's and the EU's Latin spellings of Russian, Belarusian and Ukrainian subjects.

    python bench/cyrillic.py [--show-misses 20]

Canada and the EU both write many of the people and bodies they list for Russia, Belarus
and Ukraine in Cyrillic as well as in Latin letters, and each transliterates its own way
(Canada "Sergey Vladimirovich KARCHEVSKY", the EU "Siarhej Uladzimiravič KARČEVSKI"; Canada
"Hanna Borisovna LEUSIK", the EU "Anna Borisovna LEUSIK"; the EU adds Swedish-style aliases such as
"Sergej Kuzjugetovitj SJOJGU"). Two entries writing the same name in Cyrillic (case, ё/е, Latin
look-alike letters and word order aside) are taken to be one subject: the link never looks at
a Latin name, so nothing the matcher does decides it. Both directions are run:

- Canada's Latin names screened against the EU list alone (the EU gives each subject many
  spellings, so this is the easier direction);
- the EU's Latin names screened against Canada's list alone (Canada writes one English-style
  spelling, so every Swedish, German or Polish alias of the EU must be read through it).

A name is found when the subject's entry on the other list is a match. No rule was tuned to
these pairs (the bench was written after the rules).

- recall (all names): every Latin name of two words or more of every linked entry;
- recall (variants): only the names written differently from every Latin name the other list
  gives the subject (case, accents, spaces and punctuation aside) — the real test;
- alert rate on other subjects: Latin names of entries with a Cyrillic name the other list
  does not write (and no Latin name it writes alike). The other list names many of them all
  the same, under another Cyrillic spelling (Ukrainian against Russian forms, a patronymic left
  out), so this is a loose upper bound on false alerts, not a false-alert rate: the alerting
  pairs are printed for a person to judge.

Canada also lists a given name or a patronymic alone as an alias ("Nikolai", "Vasilievich");
a one-word name is no name of a person, so those are counted and left out.

The exhaustive baselines (token-sort ratio, Jaro-Winkler of sorted tokens, at the
thresholds bench/quality.py uses) are run on the same names against every name of the other
list, in the same process. Results go to bench/out/cyrillic.json.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import time
import unicodedata
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "src"))
os.environ.setdefault("INTERDICT_HOME", str(HERE / "out" / "home"))

from baselines import Exhaustive  # noqa: E402
from crosslist import BASELINES, plain  # noqa: E402

from interdict.match.query import Query  # noqa: E402
from interdict.screening import open_screener  # noqa: E402

EU = "eu_fsf"
CA = "ca_dfatd_sema_sanctions"
CYRILLIC = re.compile("[\u0400-\u04ff]")


# Latin letters the lists type inside Cyrillic words ("Cергей" with a Latin C, "Aнатолий" with a Latin A).
LOOKALIKES = str.maketrans("aceopxykmhtbi", "асеорхукмнтві")


def cyrillic_key(text: str) -> str:
    """A Cyrillic name as the link compares it: case, ё/е, Latin look-alike letters, punctuation and word order aside."""
    text = unicodedata.normalize("NFKC", text).casefold().replace("ё", "е").translate(LOOKALIKES)
    return " ".join(sorted(re.sub(r"[\W_]+", " ", text).split()))


def words(text: str) -> int:
    return len(re.sub(r"[\W_]+", " ", text).split())


def evaluate(screener: object, entities: list, source: str, target: str) -> tuple[dict, list, list]:
    """Screen the Latin names of `source`'s entries against `target` alone: the report, the missed variants and the
    alerting names of entries `target` does not write in Cyrillic."""
    targets = [entity for entity in entities if entity.dataset == target]
    by_cyrillic: dict[tuple[object, str], set[str]] = defaultdict(set)
    for entity in targets:
        for name in entity.names:
            if CYRILLIC.search(name.full):
                by_cyrillic[(entity.schema, cyrillic_key(name.full))].add(entity.id)
    by_id = {entity.id: entity for entity in targets}
    written_anywhere = {plain(name.full) for entity in targets for name in entity.names}
    linked: list[tuple[object, object]] = []
    others = []
    ambiguous = 0
    for entity in entities:
        if entity.dataset != source:
            continue
        keys = [(entity.schema, cyrillic_key(name.full)) for name in entity.names if CYRILLIC.search(name.full)]
        if not keys:
            continue
        found = set().union(*(by_cyrillic.get(key, set()) for key in keys))
        if len(found) == 1:
            linked.append((entity, by_id[found.pop()]))
        elif found:
            ambiguous += 1  # one Cyrillic name on two entries: no single answer to check
        elif not any(plain(name.full) in written_anywhere for name in entity.names):
            others.append(entity)  # an entry with a Latin name the other list writes alike is most likely the same subject

    names = [name.full for entity in targets for name in entity.names]
    owner = [i for i, entity in enumerate(targets) for _ in entity.names]
    position = {entity.id: i for i, entity in enumerate(targets)}
    exhaustive = Exhaustive(names, owner)

    def baseline_hits(name: str) -> dict[str, set[int]]:
        return exhaustive.owners_at(name, BASELINES)

    def latin_names(entity: object) -> list[str]:
        return [name.full for name in entity.names if not CYRILLIC.search(name.full)]  # type: ignore[attr-defined]

    tools = ("interdict", *BASELINES)
    counts = {group: {tool: [0, 0] for tool in tools} for group in ("all", "variants")}
    misses: list[tuple[str, str, float]] = []
    one_word = 0
    start = time.perf_counter()
    screened = 0
    for query_entry, listed in linked:
        written = {plain(name) for name in latin_names(listed)}
        for name in latin_names(query_entry):
            if words(name) < 2:
                one_word += 1
                continue
            hits = screener.screen(Query.build(name, schema=query_entry.schema), datasets=[target], limit=50)  # type: ignore[attr-defined]
            screened += 1
            found = {"interdict": any(hit.match and hit.entity.id == listed.id for hit in hits)}  # type: ignore[attr-defined]
            for tool, owners in baseline_hits(name).items():
                found[tool] = position[listed.id] in owners  # type: ignore[attr-defined]
            groups = ["all"] if plain(name) in written else ["all", "variants"]
            for group in groups:
                for tool in tools:
                    counts[group][tool][0] += found[tool]
                    counts[group][tool][1] += 1
            if "variants" in groups and not found["interdict"]:
                best = next((hit.score for hit in hits if hit.entity.id == listed.id), 0.0)  # type: ignore[attr-defined]
                misses.append((name, listed.caption, best))  # type: ignore[attr-defined]
    alerts = {tool: [0, 0] for tool in tools}
    alerting: list[tuple[str, str, float]] = []
    for entity in others:
        for name in latin_names(entity):
            if words(name) < 2:
                one_word += 1
                continue
            hits = screener.screen(Query.build(name, schema=entity.schema), datasets=[target], limit=5)  # type: ignore[attr-defined]
            screened += 1
            matched = [hit for hit in hits if hit.match]
            alerts["interdict"][0] += bool(matched)
            alerts["interdict"][1] += 1
            if matched:
                alerting.append((name, matched[0].entity.caption, matched[0].score))
            for tool, owners in baseline_hits(name).items():
                alerts[tool][0] += bool(owners)
                alerts[tool][1] += 1

    def rate(pair: list[int]) -> float:
        return pair[0] / pair[1] if pair[1] else 0.0

    report = {
        "subjects_linked": len(linked),
        "subjects_ambiguous": ambiguous,
        "other_subjects": len(others),
        "one_word_names_left_out": one_word,
        "names_screened": screened,
        "seconds": time.perf_counter() - start,
        "recall_all": {tool: rate(counts["all"][tool]) for tool in tools},
        "recall_variants": {tool: rate(counts["variants"][tool]) for tool in tools},
        "variant_names": counts["variants"]["interdict"][1],
        "all_names": counts["all"]["interdict"][1],
        "alert_rate_other_subjects": {tool: rate(alerts[tool]) for tool in tools},
        "other_names": alerts["interdict"][1],
    }
    return report, misses, alerting


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--show-misses", type=int, default=20, help="print this many missed variants and alerting other subjects")
    args = parser.parse_args()

    screener = open_screener(progress=lambda message: print(message, file=sys.stderr))
    entities = [entity for entity in screener.index.entities() if entity.dataset in (EU, CA)]
    reports = {}
    for source, target, label in ((CA, EU, "Canada's names against the EU list"), (EU, CA, "the EU's names against Canada's list")):
        report, misses, alerting = evaluate(screener, entities, source, target)
        reports[f"{source}_against_{target}"] = report
        print(f"\n== {label} ==")
        print(
            f"entries linked to one entry of the other list by a Cyrillic name: {report['subjects_linked']:,} "
            f"({report['all_names']:,} Latin names, {report['variant_names']:,} written differently); "
            f"{report['subjects_ambiguous']} ambiguous"
        )
        print(f"entries with a Cyrillic name the other list does not write: {report['other_subjects']:,} ({report['other_names']:,} Latin names)")
        print(f"{report['one_word_names_left_out']:,} one-word names left out; {report['names_screened']:,} screens in {report['seconds']:.0f} s\n")
        print(f"{'tool':18} {'recall (all)':>13} {'recall (variants)':>18} {'alerts on others':>17}")
        for tool in report["recall_all"]:
            print(
                f"{tool:18} {report['recall_all'][tool]:13.3f} {report['recall_variants'][tool]:18.3f} "
                f"{report['alert_rate_other_subjects'][tool]:16.1%}"
            )
        if args.show_misses:
            print("\nmissed variants (name → caption on the other list, interdict's score on that entry):")
            for name, caption, score in sorted(misses, key=lambda item: -item[2])[: args.show_misses]:
                print(f"  {score:.2f}  {name!r} → {caption!r}")
            print("\nalerting names of entries whose Cyrillic names the other list does not write (many are the same subject):")
            for name, caption, score in sorted(alerting, key=lambda item: -item[2])[: args.show_misses]:
                print(f"  {score:.2f}  {name!r} → {caption!r}")
    out = HERE / "out"
    out.mkdir(exist_ok=True)
    (out / "cyrillic.json").write_text(json.dumps(reports, indent=2))


if __name__ == "__main__":
    main()
