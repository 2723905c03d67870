"""Render times of the alert, case and watch pages (issue 15: ≤ 200 ms on the bundled lists), and the history read.

What is timed, through the real app (FastAPI + the UI's session and templates, in process), each page the
median of `--repeat` requests by a logged-in analyst:

- the alert queue (unfiltered, and filtered by list + minimum score + unassigned), one alert (party, entry from
  the index in force, evidence, decisions, history), a case with its alerts' histories, the watch register's
  first page, one party;

over every bundled list, a register of `--parties` parties (names taken from the lists, so many alert) and an
audit log padded to `--records` records (a valid hash chain, written in bulk), as a team's store is after a while.

Side by side, the baseline the index of migration 0005 replaces: the same history read (`audit.about`) with the
index, and with SQLite told not to use it (`NOT INDEXED`, a full scan of the log); the ratio is printed.

    python bench/ui_pages_u2.py                     # 2,000 parties, 1,000,000 audit records
    python bench/ui_pages_u2.py --records 100000    # quicker
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import statistics
import tempfile
import time
from pathlib import Path

# For bench/ui.py (U1's, which reads PAGES from every bench/ui_pages_*.py): pages that need no particular data.
PAGES = [
    ("alerts (U2): filtered, by score", "/ui/alerts?status=open&min_score=0.9&assignee=-&sort=score"),
    ("cases (U2)", "/ui/cases"),
    ("watch (U2): removed parties", "/ui/watch?removed=1"),
]

# This script's own run, over a seeded register: {alert}, {case}, {party}, {dataset} are filled in from the store.
SEEDED_PAGES = [
    ("alert queue", "/ui/alerts"),
    ("alert queue, filtered", "/ui/alerts?status=open&list={dataset}&min_score=0.9&assignee=-"),
    ("one alert", "/ui/alerts/{alert}"),
    ("a case", "/ui/cases/{case}"),
    ("watch register", "/ui/watch"),
    ("one party", "/ui/watch/{party}"),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--parties", type=int, default=2000)
    parser.add_argument("--records", type=int, default=1_000_000, help="audit records in the log (padded in bulk)")
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--home", type=Path, default=None)
    args = parser.parse_args()
    home = args.home or Path(tempfile.mkdtemp(prefix="interdict-bench-ui2-"))
    os.environ["INTERDICT_HOME"] = str(home)
    os.environ.pop("INTERDICT_DB", None)

    from fastapi.testclient import TestClient
    from sqlalchemy import func, insert, select, text, update

    from interdict import lists, screening
    from interdict.api import create_app
    from interdict.api.settings import ServiceSettings
    from interdict.batch import Record
    from interdict.cases import open_cases, register, screen_unscreened
    from interdict.store import audit
    from interdict.store.schema import audit_head, audit_log
    from interdict.store.users import UserStore

    started = time.perf_counter()
    store = lists.load_lists()
    screener = screening.open_screener()
    print(f"lists and index ready in {time.perf_counter() - started:.0f} s ({screener.size:,} entries)")
    cases = open_cases(engine=store.engine)
    people = UserStore(store.engine)
    if not any(user.name == "bench" for user in people.all()):
        people.add("bench", "analyst")
        people.set_password("bench", "correct horse battery staple")

    # A register whose names come from the lists (half exact, half a listed surname with another given name).
    rng = random.Random(15)
    names = [entity.caption for entity in screener.entities() if entity.schema.value == "Person"]
    rows = []
    for number in range(args.parties):
        name = rng.choice(names)
        if number % 2:
            name = f"{rng.choice(['Maria', 'John', 'Ahmed', 'Li', 'Olga'])} {name.split()[-1]}"
        rows.append(Record(number + 1, {"id": f"cust-{number:07d}", "name": name, "schema": "Person"}))
    started = time.perf_counter()
    register.add(cases, rows)
    report = screen_unscreened(cases, screener)
    print(f"register: {args.parties:,} parties screened in {time.perf_counter() - started:.0f} s, {len(report.alerts):,} alerts")
    if not report.alerts:
        raise SystemExit("no alert was raised: nothing to show")
    alert_ids = sorted(report.alerts)
    case = cases.open_case("bench case", alert_ids[:20], "bench")
    for alert_id in alert_ids[:20]:
        cases.comment("bench", "looked at it", alert_id=alert_id)

    # Pad the audit log to --records with a valid chain (what years of screenings leave behind).
    with store.engine.begin() as conn:
        seq, prev = audit.head(conn)
        have = seq
    if have < args.records:
        started = time.perf_counter()
        batch: list[dict[str, object]] = []
        with store.engine.begin() as conn:
            for seq in range(have + 1, args.records + 1):
                at = f"2026-01-01T00:00:{seq % 60:02d}.000000+00:00"
                data = audit.canonical({"party": f"wire-{seq}", "hits": []})
                subject = f"party wire-{seq}"
                digest = audit.record_hash(seq, at, "bench", "screening", subject, data, prev)
                batch.append(
                    {
                        "seq": seq,
                        "at": at,
                        "actor": "bench",
                        "action": "screening",
                        "subject": subject,
                        "data": data,
                        "prev_hash": prev,
                        "hash": digest,
                    }
                )
                prev = digest
                if len(batch) == 50_000:
                    conn.execute(insert(audit_log), batch)
                    batch = []
            if batch:
                conn.execute(insert(audit_log), batch)
            conn.execute(update(audit_head).where(audit_head.c.id == 1).values(seq=args.records, hash=prev))
        print(f"audit log padded to {args.records:,} records in {time.perf_counter() - started:.0f} s")
        # New records (the alerts above are older) go after the padding: raise a few more alerts now.
        register.add(cases, [Record(1, {"id": "late-1", "name": names[0], "schema": "Person"})])
        screen_unscreened(cases, screener)
    with store.engine.connect() as conn:
        total = conn.execute(select(func.count()).select_from(audit_log)).scalar_one()
    alert = alert_ids[0]
    party = cases.alert(alert).party_id
    dataset = cases.alert(alert).dataset

    app = create_app(ServiceSettings(key_cache_seconds=0.0, watch_seconds=0.0), store=store, screener=screener)
    with TestClient(app, base_url="http://127.0.0.1") as client:
        answer = client.post(
            "/ui/login",
            data={"username": "bench", "password": "correct horse battery staple", "next": "/ui/alerts"},
            headers={"origin": "http://127.0.0.1"},
        )
        assert answer.status_code in (200, 303), answer.text[:300]
        print(f"\npage render times, median of {args.repeat} (target ≤ 200 ms), audit log {total:,} records:")
        for label, template in SEEDED_PAGES:
            path = template.format(alert=alert, case=case.id, party=party, dataset=dataset)
            times = []
            for _ in range(args.repeat):
                started = time.perf_counter()
                page = client.get(path)
                times.append(time.perf_counter() - started)
                assert page.status_code == 200, (path, page.status_code, page.text[:300])
            rows_shown = len(re.findall(r"<tr>", page.text))
            print(
                f"  {label:24} {statistics.median(times) * 1000:7.1f} ms  (max {max(times) * 1000:.1f} ms, "
                f"{len(page.text) / 1024:.0f} KiB, {rows_shown} table rows)  {path}"
            )

    subjects = [f"case {case.id}", *(f"alert {a}" for a in alert_ids[:20])]
    with store.engine.connect() as conn:
        timings = {}
        for label, run in (
            ("indexed (audit_by_subject)", lambda: audit.about(conn, subjects)),
            (
                "full scan (NOT INDEXED)",
                lambda: conn.execute(
                    text(
                        "SELECT seq FROM audit_log NOT INDEXED WHERE subject IN "
                        f"({', '.join(f':s{i}' for i in range(len(subjects)))}) ORDER BY seq"
                    ),
                    {f"s{i}": subject for i, subject in enumerate(subjects)},
                ).all(),
            ),
        ):
            times = []
            for _ in range(5):
                started = time.perf_counter()
                found = run()
                times.append(time.perf_counter() - started)
            timings[label] = statistics.median(times)
            print(f"  history of a case (21 subjects), {label:28} {timings[label] * 1000:8.1f} ms ({len(found)} records)")
        ratio = timings["full scan (NOT INDEXED)"] / timings["indexed (audit_by_subject)"]
        print(f"  the index reads a case's history {ratio:,.0f}× faster than a scan of {total:,} records")
    print(json.dumps({"home": str(home)}))


if __name__ == "__main__":
    main()
