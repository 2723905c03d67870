"""Load benchmark of the HTTP service: single-name POST /match/default from a separate process.

    python bench/load.py [--requests 5000] [--concurrency 10,50] [--workers 1] [--rate R] [--url URL --key KEY]

Starts `interdict serve` as a subprocess on 127.0.0.1 (unless --url names a
running service), creates a screener API key for it, waits for /readyz and for
the server to go idle (its workers warm relation caches after loading), then
drives it from this process with `--concurrency` keep-alive connections until
`--requests` requests have been answered (after a warm-up that is not counted),
once per concurrency level given (default 10 then 50, against the same server).
Without --rate each connection sends its next request as soon as the last one
is answered (closed loop: the throughput ceiling, latency includes queueing);
with --rate R requests start on a fixed schedule of R per second (open loop:
latency at that load).

Reports throughput, latency percentiles and errors (any non-200 answer or
connection failure), and, for a server it started, how the connections were
split over its workers (read from /proc), and writes them to bench/out/load.json. Target (issue 4):
0 errors and p99 <= 50 ms at 50 concurrent clients.

The client is a minimal HTTP/1.1 writer/reader on asyncio streams, so the
benchmark's own CPU use stays small next to the server's on this 2-core machine.
Query names come from bench/data/name_pairs_bench.csv (listed and unlisted names).
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import functools
import json
import os
import platform
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlparse

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))
os.environ.setdefault("INTERDICT_HOME", str(HERE / "out" / "home"))


def query_names() -> list[tuple[str, str]]:
    """(schema, name) pairs: both sides of the peer benchmark's pairs, deduplicated."""
    seen: dict[tuple[str, str], None] = {}
    with (HERE / "data" / "name_pairs_bench.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            schema = row["schema"] if row["schema"] in ("Person", "Organization", "Company", "LegalEntity", "Vessel") else "LegalEntity"
            for name in (row["name1"], row["name2"]):
                if name.strip():
                    seen[(schema, name.strip())] = None
    return list(seen)


def bodies(names: list[tuple[str, str]]) -> list[bytes]:
    return [json.dumps({"queries": {"q": {"schema": schema, "properties": {"name": [name]}}}}).encode() for schema, name in names]


class Connection:
    """One keep-alive HTTP/1.1 connection sending POST /match/default."""

    def __init__(self, host: str, port: int, key: str):
        self.host, self.port = host, port
        self.head = (
            f"POST /match/default HTTP/1.1\r\nHost: {host}:{port}\r\nAuthorization: Bearer {key}\r\n"
            "Content-Type: application/json\r\nContent-Length: "
        ).encode()
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def open(self) -> None:
        self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        sock = self.writer.get_extra_info("socket")
        if sock is not None:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    async def post(self, body: bytes) -> tuple[int, bytes]:
        if self.writer is None:
            await self.open()
        assert self.reader is not None and self.writer is not None
        self.writer.write(self.head + str(len(body)).encode() + b"\r\n\r\n" + body)
        status_line = await self.reader.readline()
        if not status_line:
            raise ConnectionError("server closed the connection")
        status = int(status_line.split()[1])
        length = 0
        while True:
            line = await self.reader.readline()
            if line in (b"\r\n", b"\n", b""):
                break
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value.strip())
        payload = await self.reader.readexactly(length)
        return status, payload

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            try:
                await self.writer.wait_closed()
            except OSError:
                pass


async def drive(
    url: str, key: str, payloads: list[bytes], total: int, concurrency: int, rate: float | None, warmup: int, spread: Callable[[], list[int]] | None = None
) -> dict:
    parsed = urlparse(url)
    host, port = parsed.hostname or "127.0.0.1", parsed.port or 80
    latencies: list[float] = []
    errors: dict[str, int] = {}
    counter = iter(range(warmup + total))
    begin: list[float] = []

    async def worker(conn: Connection) -> None:
        for i in counter:
            if i >= warmup and not begin:
                begin.append(time.perf_counter())
            if rate and i >= warmup:
                scheduled = begin[0] + (i - warmup) / rate
                delay = scheduled - time.perf_counter()
                if delay > 0:
                    await asyncio.sleep(delay)
                start = scheduled  # latency from the intended start: a late send counts as waiting
            else:
                start = time.perf_counter()
            try:
                status, payload = await conn.post(payloads[i % len(payloads)])
                ok = status == 200 and payload.startswith(b'{"responses"')
                reason = None if ok else f"HTTP {status}"
            except (OSError, ConnectionError, asyncio.IncompleteReadError, ValueError) as exc:
                reason = exc.__class__.__name__
                await conn.close()
                conn.writer = None
            elapsed = time.perf_counter() - start
            if i >= warmup:
                latencies.append(elapsed)
                if reason:
                    errors[reason] = errors.get(reason, 0) + 1

    connections = [Connection(host, port, key) for _ in range(concurrency)]
    for conn in connections:
        await conn.open()
    for conn in connections:  # one request each, so every connection has been accepted by a worker
        await conn.post(payloads[0])
    held = spread() if spread else None
    await asyncio.gather(*(worker(conn) for conn in connections))
    measured_wall = time.perf_counter() - begin[0]
    for conn in connections:
        await conn.close()
    latencies_ms = sorted(value * 1000 for value in latencies)

    def pct(p: float) -> float:
        return round(latencies_ms[min(len(latencies_ms) - 1, int(p / 100 * len(latencies_ms)))], 2)

    return {
        "connections_per_worker": held,
        "requests": len(latencies_ms),
        "errors": sum(errors.values()),
        "error_kinds": errors,
        "concurrency": concurrency,
        "rate": rate,
        "seconds": round(measured_wall, 2),
        "throughput_rps": round(len(latencies_ms) / measured_wall, 1),
        "latency_ms": {
            "mean": round(statistics.mean(latencies_ms), 2),
            "p50": pct(50),
            "p90": pct(90),
            "p99": pct(99),
            "max": round(latencies_ms[-1], 2),
        },
    }


def cpu_seconds(root: int) -> float:
    """User + system CPU time of a process and its descendants (uvicorn workers), from /proc."""
    ticks = os.sysconf("SC_CLK_TCK")
    children: dict[int, list[int]] = {}
    times: dict[int, float] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        pid = int(entry.name)
        children.setdefault(int(fields[1]), []).append(pid)
        times[pid] = (int(fields[11]) + int(fields[12])) / ticks
    total, todo = 0.0, [root]
    while todo:
        pid = todo.pop()
        total += times.get(pid, 0.0)
        todo.extend(children.get(pid, []))
    return total


def connections_per_worker(root: int, port: int) -> list[int]:
    """How many of the established connections to `port` each process of the server holds, most first (Linux /proc).

    With several workers a client's keep-alive connections stay with the worker that accepted them: an uneven
    split makes the busier worker's clients wait longer, whatever the total throughput.
    """
    from interdict.api.workers import ESTABLISHED, sockets_by_process

    return sorted((len(held) for held in sockets_by_process(root, port, ESTABLISHED).values()), reverse=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(workers: int, db: str | None, threads: int | None) -> tuple[subprocess.Popen, str, str]:
    from interdict.store.keys import open_keys

    _, key = open_keys(db).create("screener", "bench/load.py")
    port = free_port()
    command = [sys.executable, "-c", "from interdict.cli import main; main()", "serve", "--port", str(port), "--workers", str(workers), "--no-access-log", "--log-level", "warning"]
    if db:
        command += ["--db", db]
    env = dict(os.environ)
    if threads:
        env["INTERDICT_SERVE_SCREEN_THREADS"] = str(threads)
    process = subprocess.Popen(command, env=env)
    return process, f"http://127.0.0.1:{port}", key


def wait_ready(url: str, process: subprocess.Popen | None, timeout: float = 900) -> float:
    import httpx

    start = time.monotonic()
    while time.monotonic() - start < timeout:
        if process is not None and process.poll() is not None:
            raise SystemExit(f"interdict serve exited with code {process.returncode}")
        try:
            if httpx.get(f"{url}/readyz", timeout=5).status_code == 200:
                return time.monotonic() - start
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise SystemExit("the service did not become ready")


def wait_idle(pid: int, quiet: float = 1.0, timeout: float = 120.0) -> float:
    """Seconds until the server's processes use under 5 % of a core for `quiet` seconds.

    After /readyz each worker still warms its relation caches in the background
    (`serve`'s INTERDICT_SERVE_WARM_CACHES); a run measured meanwhile would time
    that work, not steady-state screening.
    """
    start = time.monotonic()
    last = cpu_seconds(pid)
    while time.monotonic() - start < timeout:
        time.sleep(quiet)
        now = cpu_seconds(pid)
        if now - last < 0.05 * quiet:
            break
        last = now
    return time.monotonic() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=5000, help="measured requests (default 5000)")
    parser.add_argument("--warmup", type=int, default=300, help="requests sent first and not counted")
    parser.add_argument("--concurrency", default="10,50", help="concurrent keep-alive connections, one run per comma-separated level (default 10,50)")
    parser.add_argument("--rate", type=float, default=None, help="open loop: start R requests per second (default: closed loop)")
    parser.add_argument("--workers", type=int, default=1, help="`interdict serve --workers` (default 1)")
    parser.add_argument("--threads", type=int, default=None, help="screening threads per worker (INTERDICT_SERVE_SCREEN_THREADS)")
    parser.add_argument("--db", default=None, help="database URL for the server (default: INTERDICT_HOME's)")
    parser.add_argument("--url", default=None, help="benchmark a running service instead of starting one")
    parser.add_argument("--key", default=None, help="API key for --url")
    parser.add_argument("--out", default=str(HERE / "out" / "load.json"))
    args = parser.parse_args()

    payloads = bodies(query_names())
    process = None
    if args.url:
        url, key = args.url.rstrip("/"), args.key or ""
        ready = wait_ready(url, None)
    else:
        process, url, key = start_server(args.workers, args.db, args.threads)
        ready = wait_ready(url, process)
        print(f"interdict serve ready after {ready:.1f} s ({args.workers} worker(s)) at {url}", file=sys.stderr)
        settled = wait_idle(process.pid)
        print(f"background cache warming done after {settled:.1f} s more", file=sys.stderr)
    try:
        try:
            import uvloop

            uvloop.install()
        except ImportError:
            pass
        levels = [int(level) for level in str(args.concurrency).split(",") if level.strip()]
        reports = []
        for concurrency in levels:
            cpu_before = cpu_seconds(process.pid) if process else None
            spread = functools.partial(connections_per_worker, process.pid, urlparse(url).port or 80) if process and Path("/proc/net/tcp").exists() else None
            report = asyncio.run(drive(url, key, payloads, args.requests, concurrency, args.rate, args.warmup, spread))
            if process and cpu_before is not None:
                # Includes the warm-up requests: CPU time cannot be split by request.
                used = cpu_seconds(process.pid) - cpu_before
                report["server_cpu_ms_per_request"] = round(used / (args.requests + args.warmup) * 1000, 2)
            report |= {"concurrency": concurrency}
            reports.append(report)
    finally:
        if process is not None:
            process.terminate()
            process.wait(timeout=30)
    summary = {
        "endpoint": "POST /match/default (one name per request)",
        "workers": args.workers if process else None,
        "threads": args.threads,
        "distinct_names": len(payloads),
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "target": {"errors": 0, "p99_ms": 50, "concurrency": 50},
        "runs": reports,
    }
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    mode = f"open loop at {args.rate:g} req/s" if args.rate else "closed loop"
    for report in reports:
        lat = report["latency_ms"]
        print(
            f"{report['requests']:,} requests, {report['concurrency']} connections, {mode}: {report['throughput_rps']} req/s; "
            f"latency ms p50 {lat['p50']} p90 {lat['p90']} p99 {lat['p99']} max {lat['max']}; errors {report['errors']} {report['error_kinds'] or ''}"
            + (f"; server CPU per request {report['server_cpu_ms_per_request']} ms" if "server_cpu_ms_per_request" in report else "")
            + (f"; connections per worker {'/'.join(map(str, report['connections_per_worker']))}" if report.get("connections_per_worker") else "")
        )
        if report["concurrency"] >= 50:
            met = report["errors"] == 0 and lat["p99"] <= 50
            print(f"target (0 errors, p99 <= 50 ms at 50 clients): {'met' if met else 'NOT met'}")
    print(f"→ {args.out}")


if __name__ == "__main__":
    main()
