"""Slow-header (slowloris) connections against `interdict serve`: are they closed, and does the service keep answering?

    python bench/slow_headers.py [--connections 3000] [--header-timeout 10] [--url URL]

Starts `interdict serve` as a subprocess on 127.0.0.1 (unless --url names a
running service), then opens `--connections` connections from this process:
half send nothing, half send a request line and then one header byte a second,
never finishing the head. Meanwhile GET /healthz is asked every 100 ms on a
separate connection. Reports how many slow connections the server closed and
when (it should close all of them about `--header-timeout` seconds after they
opened), what it answered them, and /healthz latency and statuses during the
attack; writes bench/out/slow_headers.json. Loopback only; bounded in count and time.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import resource
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))
sys.path.insert(0, str(HERE))
os.environ.setdefault("INTERDICT_HOME", str(HERE / "out" / "home"))

from load import start_server, wait_ready  # noqa: E402  (same directory)

PARTIAL_HEAD = b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: "


async def slow_connection(host: str, port: int, trickle: bool, limit: float) -> tuple[float | None, str]:
    """(seconds until the server closed the connection or None if it never did, what it answered)."""
    try:
        reader, writer = await asyncio.open_connection(host, port)
    except OSError as exc:
        return None, f"connect failed: {exc.__class__.__name__}"
    start = time.monotonic()
    answer = b""
    try:
        if trickle:
            writer.write(PARTIAL_HEAD)
        while time.monotonic() - start < limit:
            try:
                chunk = await asyncio.wait_for(reader.read(4096), timeout=1.0)
            except TimeoutError:
                if trickle:
                    writer.write(b"x")
                continue
            if not chunk:
                return time.monotonic() - start, answer.split(b"\r\n", 1)[0].decode() or "closed silently"
            answer += chunk
        return None, "still open"
    except OSError:
        return time.monotonic() - start, "reset"
    finally:
        writer.close()


async def attack(url: str, connections: int, limit: float) -> dict:
    import httpx

    parsed = urlparse(url)
    host, port = parsed.hostname or "127.0.0.1", parsed.port or 80
    tasks = []
    for i in range(connections):
        tasks.append(asyncio.create_task(slow_connection(host, port, trickle=i % 2 == 1, limit=limit)))
        if i % 200 == 199:
            await asyncio.sleep(0)  # let the connects go out
    health: list[float] = []
    statuses: dict[int, int] = {}
    async with httpx.AsyncClient(base_url=url, timeout=30) as client:
        while not all(task.done() for task in tasks):
            start = time.monotonic()
            try:
                status = (await client.get("/healthz")).status_code
            except httpx.HTTPError:
                status = 0
            health.append(time.monotonic() - start)
            statuses[status] = statuses.get(status, 0) + 1
            await asyncio.sleep(0.1)
    results = [task.result() for task in tasks]
    closed = sorted(seconds for seconds, _ in results if seconds is not None)
    answers: dict[str, int] = {}
    for _, answer in results:
        answers[answer] = answers.get(answer, 0) + 1
    health_ms = sorted(value * 1000 for value in health)

    def pct(values: list[float], p: float) -> float:
        return round(values[min(len(values) - 1, int(p / 100 * len(values)))], 2) if values else float("nan")

    return {
        "connections": connections,
        "closed_by_server": len(closed),
        "closed_after_seconds": {"min": pct(closed, 0), "p50": pct(closed, 50), "max": round(closed[-1], 2) if closed else None},
        "answers": answers,
        "healthz": {"probes": len(health_ms), "statuses": statuses, "p50_ms": pct(health_ms, 50), "p99_ms": pct(health_ms, 99), "max_ms": pct(health_ms, 100)},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--connections", type=int, default=3000, help="slow connections (default 3000)")
    parser.add_argument("--header-timeout", type=float, default=10.0, help="INTERDICT_SERVE_HEADER_TIMEOUT for the started server (default 10)")
    parser.add_argument("--limit", type=float, default=60.0, help="give up on a connection after this many seconds (default 60)")
    parser.add_argument("--db", default=None, help="database URL for the server (default: INTERDICT_HOME's)")
    parser.add_argument("--url", default=None, help="attack a running service instead of starting one")
    parser.add_argument("--out", default=str(HERE / "out" / "slow_headers.json"))
    args = parser.parse_args()

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, max(soft, args.connections + 1000)), hard))
    process = None
    if args.url:
        url = args.url.rstrip("/")
    else:
        os.environ["INTERDICT_SERVE_HEADER_TIMEOUT"] = str(args.header_timeout)
        process, url, _ = start_server(1, args.db, None)
        wait_ready(url, process)
    try:
        report = asyncio.run(attack(url, args.connections, args.limit))
    finally:
        if process is not None:
            process.terminate()
            process.wait(timeout=30)
    report |= {"header_timeout": args.header_timeout if process else None, "cpus": os.cpu_count(), "python": platform.python_version()}
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    closed, health = report["closed_after_seconds"], report["healthz"]
    print(
        f"{report['closed_by_server']}/{args.connections} slow connections closed by the server after {closed['min']}-{closed['max']} s "
        f"(p50 {closed['p50']} s); answers {report['answers']}; /healthz during the attack: {health['statuses']}, "
        f"p50 {health['p50_ms']} ms, max {health['max_ms']} ms → {args.out}"
    )


if __name__ == "__main__":
    main()
