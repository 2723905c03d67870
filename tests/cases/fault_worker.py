"""A process the fault tests kill with SIGKILL mid-work: it prints `ack ...` after each commit it made.

Usage: python fault_worker.py SCENARIO DB_URL   (SCENARIO: decide, screen, update)
"""

from __future__ import annotations

import sys

from interdict import bundle
from interdict.cases import catch_up, open_cases, screen_unscreened
from interdict.match.index import build_index
from interdict.match.screener import Screener
from interdict.model import Name, NameKind
from interdict.sources import parse_files
from interdict.store import SnapshotStore


def main(scenario: str, url: str) -> None:
    cases = open_cases(url)
    snapshots = SnapshotStore(cases.engine)
    if scenario == "decide":
        for alert in sorted(cases.alerts(status="open"), key=lambda a: a.id):
            decision = cases.propose(alert.id, "ann", "false_positive", f"worker decides {alert.id}")
            cases.approve(decision.id, "sue", "checked")
            print(f"ack {decision.id} {alert.id}", flush=True)
    elif scenario == "screen":
        screener = Screener(build_index(snapshots.active_entities(), build_key="worker"))
        print("ready", flush=True)
        screen_unscreened(cases, screener, progress=lambda done: print(f"ack {done}", flush=True))
    elif scenario == "update":
        result = parse_files("un_sc_sanctions", bundle.read_files("un_sc_sanctions"))
        result.entities = [entity for entity in result.entities if entity.id != "un_sc_sanctions-IRi.034"]
        for entity in result.entities[:300]:
            entity.names.append(Name(full=f"{entity.caption} Junior", kind=NameKind.ALIAS))
        print("ready", flush=True)
        snapshot = snapshots.add_snapshot("un_sc_sanctions", "un_xml", result, [], origin="fault test", force=True)
        print(f"ack snapshot {snapshot.id}", flush=True)
        screener = Screener(build_index(snapshots.active_entities(), build_key=f"worker-{snapshot.id}"))
        report = catch_up(cases, snapshots, screener)
        print(f"ack caught-up {len(report.delisted)}", flush=True)
    else:
        raise SystemExit(f"unknown scenario {scenario}")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
