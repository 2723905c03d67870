"""Does the event loop stay free? /healthz latency while heavy /match requests run.

    python bench/health_under_load.py [--heavy 8] [--names 50] [--words 60] [--workers 1] [--url URL --key KEY]

Starts `interdict serve` as a subprocess on 127.0.0.1 (unless --url names a
running service), waits for /readyz, then sends `--heavy` concurrent POST
/match/default requests, each one query with `--names` long names of common
list words (the most expensive single query the default limits allow: about a
second or more of matching each), and meanwhile asks GET /healthz every 50 ms
on its own connection. Heavy screening never runs on the event loop, so /healthz
should answer in milliseconds however busy the screening threads are. A query
of short names (`--names 1 --words 3`: under INTERDICT_SERVE_INLINE_NAME_CHARS)
is screened on the loop itself; with many of them in flight /healthz waits
behind those already received, a millisecond or so each.

Reports /healthz latency (p50, p99, max), the heavy requests' latency and
statuses, and writes them to bench/out/health_under_load.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import sys
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))
sys.path.insert(0, str(HERE))
os.environ.setdefault("INTERDICT_HOME", str(HERE / "out" / "home"))

from load import start_server, wait_ready  # noqa: E402  (same directory)

COMMON_WORDS = "Mohammad Ali Hassan Hussein Abdul Rahman Ahmed Khan Al Said Bin Ibrahim Omar Yusuf Mahmoud Abdullah Mustafa Salem".split()


def heavy_body(names: int, words: int, seed: int) -> dict:
    """One Person query with `names` names of `words` common words each (at most 500 characters a name)."""
    rng = random.Random(seed)
    values = [" ".join(rng.choice(COMMON_WORDS) for _ in range(words))[:500] for _ in range(names)]
    return {"queries": {"q": {"schema": "Person", "properties": {"name": values}}}}


def main() -> None:
    import httpx

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--heavy", type=int, default=8, help="concurrent heavy /match requests (default 8)")
    parser.add_argument("--names", type=int, default=50, help="names per heavy query (default 50, the service's cap)")
    parser.add_argument("--words", type=int, default=60, help="words per name (default 60; names are cut at 500 characters)")
    parser.add_argument("--workers", type=int, default=1, help="`interdict serve --workers` (default 1)")
    parser.add_argument("--db", default=None, help="database URL for the server (default: INTERDICT_HOME's)")
    parser.add_argument("--url", default=None, help="measure a running service instead of starting one")
    parser.add_argument("--key", default=None, help="API key for --url")
    parser.add_argument("--out", default=str(HERE / "out" / "health_under_load.json"))
    args = parser.parse_args()

    process = None
    if args.url:
        url, key = args.url.rstrip("/"), args.key or ""
        wait_ready(url, None)
    else:
        process, url, key = start_server(args.workers, args.db, None)
        ready = wait_ready(url, process)
        print(f"interdict serve ready after {ready:.1f} s at {url}", file=sys.stderr)
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    heavy: list[tuple[int, float]] = []
    health: list[float] = []
    try:
        with httpx.Client(base_url=url, timeout=120) as probe:
            probe.get("/healthz")  # connection open before the load starts

            def send(seed: int) -> None:
                start = time.perf_counter()
                with httpx.Client(base_url=url, headers=headers, timeout=300) as client:
                    status = client.post("/match/default", json=heavy_body(args.names, args.words, seed)).status_code
                heavy.append((status, time.perf_counter() - start))

            threads = [threading.Thread(target=send, args=(seed,)) for seed in range(args.heavy)]
            began = time.perf_counter()
            for thread in threads:
                thread.start()
            time.sleep(0.2)  # let the heavy requests reach the server first
            while any(thread.is_alive() for thread in threads):
                start = time.perf_counter()
                assert probe.get("/healthz").status_code == 200
                health.append(time.perf_counter() - start)
                time.sleep(0.05)
            for thread in threads:
                thread.join()
            wall = time.perf_counter() - began
    finally:
        if process is not None:
            process.terminate()
            process.wait(timeout=30)
    health_ms = sorted(value * 1000 for value in health)
    heavy_s = sorted(seconds for _, seconds in heavy)

    def pct(values: list[float], p: float) -> float:
        return round(values[min(len(values) - 1, int(p / 100 * len(values)))], 2)

    report = {
        "heavy_requests": args.heavy,
        "names_per_query": args.names,
        "words_per_name": args.words,
        "heavy_statuses": sorted({status for status, _ in heavy}),
        "heavy_seconds": {"min": round(heavy_s[0], 2), "max": round(heavy_s[-1], 2)},
        "wall_seconds": round(wall, 2),
        "healthz_probes": len(health_ms),
        "healthz_ms": {"p50": pct(health_ms, 50), "p99": pct(health_ms, 99), "max": round(health_ms[-1], 2), "mean": round(statistics.mean(health_ms), 2)},
        "workers": args.workers if process else None,
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
    }
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    lat = report["healthz_ms"]
    print(
        f"{args.heavy} heavy /match requests ({report['heavy_seconds']['min']}-{report['heavy_seconds']['max']} s each, statuses {report['heavy_statuses']}); "
        f"/healthz over {len(health_ms)} probes: p50 {lat['p50']} ms, p99 {lat['p99']} ms, max {lat['max']} ms → {args.out}"
    )


if __name__ == "__main__":
    main()
