"""Ongoing monitoring at scale: a daily list delta screened against a large watch register.

The target (issue 14): a 1,000,000-party register, a delta of ≤ 200 changed
entries screened in ≤ 60 s on 2 cores. What is timed, separately:

- registering the parties (`register.add`, batches of 1,000 with one audit record each);
- indexing the register (`RegisterIndex.open`: built once per register state and cached;
  then loading the cached index, what a daily run pays);
- the delta itself (`cases.catch_up`: diff the two snapshots, look every changed entry's names
  and identifiers up in the register index, score each candidate party against the entry
  exactly as a screen would, write the alerts with their audit records);
- the baseline it replaces: screening every party again (`screener.screening` per party),
  measured on a sample in the same process and extrapolated to the register.

Parties are synthetic but hard: person names combine given names and surnames taken from the
lists themselves (so many parties share parts with listed people), companies combine listed
organisation words. Half of the changed entries gain an alias that is some party's exact name
(so alerts are raised and written), half change elsewhere (a remark), a few are removed.

    python bench/monitor.py                       # 1,000,000 parties, 200 changed entries
    python bench/monitor.py --parties 100000      # a quicker run
    python bench/monitor.py --home DIR --reuse --workers 1   # another day's delta on the register in DIR
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import tempfile
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--parties", type=int, default=1_000_000)
    parser.add_argument("--changed", type=int, default=200)
    parser.add_argument("--dataset", default="us_ofac_sdn")
    parser.add_argument("--home", type=Path, default=None, help="INTERDICT_HOME to use (default: a new temporary folder)")
    parser.add_argument("--reuse", action="store_true", help="keep the register already in --home (only the day's delta and the baseline are run)")
    parser.add_argument("--workers", type=int, default=2, help="processes for the delta (the target is 2 cores)")
    parser.add_argument("--sample", type=int, default=2000, help="parties screened one by one for the full re-screen baseline")
    args = parser.parse_args()
    home = args.home or Path(tempfile.mkdtemp(prefix="interdict-bench-monitor-"))
    os.environ["INTERDICT_HOME"] = str(home)
    os.environ.pop("INTERDICT_DB", None)

    from interdict import lists, screening
    from interdict.batch import Record
    from interdict.cases import RegisterIndex, catch_up, open_cases, register
    from interdict.model import Name, NameKind, Schema
    from interdict.rows import read_row
    from interdict.sources.base import ParseResult

    print(f"home {home}; {os.cpu_count()} cores")
    store = lists.load_lists()
    cases = open_cases(engine=store.engine)
    screener = screening.open_screener()
    catch_up(cases, store, screener)  # an empty register: records the lists as seen

    rng = random.Random(14)
    given: set[str] = set()
    family: set[str] = set()
    org_words: set[str] = set()
    for entity in store.active_entities():
        for name in entity.names[:3]:
            words = name.full.split()
            if entity.schema == Schema.PERSON and 2 <= len(words) <= 4 and all(w.isalpha() for w in words):
                given.add(words[0].title())
                family.add(words[-1].title())
            elif entity.schema != Schema.PERSON:
                org_words.update(w.title() for w in words if w.isalpha() and len(w) > 3)
    given_l, family_l, org_l = sorted(given), sorted(family), sorted(org_words)
    forms = ["LLC", "Ltd", "GmbH", "Trading Co", "SA", "Holdings"]

    def party(i: int) -> dict[str, object]:
        """Party i, the same every time it is asked for."""
        pick = random.Random(i)
        if i % 5:
            return {"id": f"p{i:07d}", "name": f"{pick.choice(given_l)} {pick.choice(family_l)}", "schema": "Person", "birth_date": str(pick.randint(1940, 2005))}
        return {"id": f"p{i:07d}", "name": f"{pick.choice(org_l)} {pick.choice(org_l)} {pick.choice(forms)}", "schema": "Company", "country": pick.choice(["de", "fr", "ae", "cn", "ru", "us"])}

    if not args.reuse:
        started = time.perf_counter()
        report = register.add(cases, (Record(i, party(i)) for i in range(1, args.parties + 1)))
        print(f"registered {len(report.added):,} parties in {time.perf_counter() - started:.1f} s ({len(report.errors)} rows refused)")
        started = time.perf_counter()
        RegisterIndex.open(cases)
        print(f"register index built and cached in {time.perf_counter() - started:.1f} s")

    # The day's list change.
    before = store.active_snapshot(args.dataset)
    assert before is not None
    entities = list(store.iter_entities([before.id]))
    rng = random.Random(before.id)  # another day (a --reuse run), other entries change
    rng.shuffle(entities)
    changed, removed = entities[: args.changed - 5], {entity.id for entity in entities[args.changed - 5 : args.changed]}
    some_parties = [party(rng.randint(1, args.parties)) for _ in changed]
    for n, entity in enumerate(changed):
        if n % 2 == 0:
            entity.names.append(Name(full=str(some_parties[n]["name"]), kind=NameKind.ALIAS))
        else:
            entity.remarks.append("amended by the publisher")
    result = ParseResult(entities=[e for e in entities if e.id not in removed], published=before.published)
    new = store.add_snapshot(args.dataset, before.parser, result, [], origin="bench: the day's delta", force=True)
    fresh = screening.open_screener()  # what the update's index rebuild gives every screen anyway
    print(f"new {args.dataset} snapshot {new.id}: {len(changed)} changed, {len(removed)} removed (index rebuilt, not counted)")

    started = time.perf_counter()
    index = RegisterIndex.open(cases)
    load = time.perf_counter() - started
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    delta = catch_up(cases, store, fresh, index=index, workers=args.workers)
    elapsed = time.perf_counter() - started
    summary = delta.lists[args.dataset]
    print(
        f"DELTA: {summary['changed']} changed entries vs {args.parties:,} parties: {delta.candidates:,} candidate pairs scored, "
        f"{len(delta.alerts)} alerts, {len(delta.delisted)} delisted in {elapsed:.2f} s with {args.workers} worker(s) "
        f"(+ {load:.2f} s loading the cached register index)"
    )

    sample = [party(i) for i in range(1, args.sample + 1)]
    started = time.perf_counter()
    for item in sample:
        query = read_row(item, 0).query
        assert query is not None
        fresh.screening(query)
    per_party = (time.perf_counter() - started) / len(sample)
    full = per_party * args.parties
    print(f"BASELINE full re-screen: {per_party * 1000:.2f} ms per party → {full:,.0f} s for {args.parties:,} parties (one core)")
    print(f"RATIO full re-screen / delta: {full / (elapsed + load):,.0f}x; target ≤ 60 s: {'met' if elapsed + load <= 60 else 'MISSED'}")
    print(f"peak RSS {max(rss_before, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss) / 1024:,.0f} MB")


if __name__ == "__main__":
    main()
