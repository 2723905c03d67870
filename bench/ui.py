"""Render time of the web UI's pages: a real `interdict serve`, a logged-in session, N GETs per page.

    python bench/ui.py [--requests 50] [--home DIR] [--url URL --user NAME --password PW]

Starts `interdict serve` on a free loopback port (unless --url names a running
service) over the store in INTERDICT_HOME (default bench/out/home; the bundled
lists are loaded on first start), adds a user `bench-ui` (admin) with a
password, logs in like a browser (the session cookie), and GETs every page
`--requests` times after two warm-up requests, one after another. Reports p50
and p95 of the full request time seen by the client, and each page's ratio to
two baselines measured the same way, side by side, against the same server:
`/healthz` (the HTTP stack alone) and `/ui/login` (a template render without
store work). The target (issue 15) is <= 200 ms per page on the bundled lists:
measured and reported here, never asserted in tests.

Pages are listed in PAGES; other modules' pages are added from
`bench/ui_pages_*.py` files (each defining a PAGES list of (label, path)). A
page that answers 404 (not on this branch) is reported as missing. Results go to
bench/out/ui.json.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import platform
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import httpx

HERE = Path(__file__).resolve().parent
os.environ.setdefault("INTERDICT_HOME", str(HERE / "out" / "home"))
PASSWORD = "bench ui password 2026"
USER = "bench-ui"

BASELINES = [("baseline: /healthz", "/healthz"), ("baseline: /ui/login (no session)", "/ui/login")]
PAGES = [
    ("screen: empty form", "/ui/screen"),
    ("screen: listed name (Qalibaf, 1961)", "/ui/screen?name=" + quote("Mohammad Baqer Qalibaf") + "&birth_date=1961&schema=Person"),
    ("screen: common name (Ali Hassan)", "/ui/screen?name=" + quote("Ali Hassan")),
    ("screen: ownership hit", "/ui/screen?name=" + quote("Military Housing Establishment")),
    ("screen: unlisted company", "/ui/screen?name=" + quote("Van der Berg Tuinmeubelen BV")),
    ("files: upload form", "/ui/files"),
    ("documents: upload form", "/ui/documents"),
    ("alerts (U2)", "/ui/alerts"),
    ("watch (U2)", "/ui/watch"),
    ("gaps (U3)", "/ui/gaps"),
    ("lists (U3)", "/ui/lists"),
]


def more_pages() -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    for path in sorted(HERE.glob("ui_pages_*.py")):
        spec = importlib.util.spec_from_file_location(path.stem, path)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        found += [tuple(page) for page in getattr(module, "PAGES", [])]  # type: ignore[misc]
    return found


def interdict(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", "from interdict.cli import main; main()", *args], input=stdin, text=True, capture_output=True, env=os.environ.copy())


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server() -> tuple[subprocess.Popen[bytes], str]:
    interdict("users", "add", USER, "--role", "admin")  # fails harmlessly when it exists
    done = interdict("users", "passwd", USER, "--password-stdin", stdin=PASSWORD + "\n")
    if done.returncode != 0:
        sys.exit(f"setting the bench user's password failed: {done.stderr}")
    port = free_port()
    process = subprocess.Popen([sys.executable, "-c", "from interdict.cli import main; main()", "serve", "--port", str(port), "--no-access-log", "--log-level", "warning"], env=os.environ.copy())
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 900
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit("interdict serve exited")
        try:
            if httpx.get(f"{url}/readyz", timeout=5).status_code == 200:
                return process, url
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    process.terminate()
    sys.exit("the server was not ready within 15 minutes")


def measure(client: httpx.Client, path: str, requests: int) -> dict[str, object]:
    for _ in range(2):
        warm = client.get(path)
    if warm.status_code == 404:
        return {"path": path, "status": 404}
    times = []
    for _ in range(requests):
        started = time.perf_counter()
        answer = client.get(path)
        times.append((time.perf_counter() - started) * 1000)
        if answer.status_code >= 400:
            return {"path": path, "status": answer.status_code}
    times.sort()
    return {
        "path": path,
        "status": answer.status_code,
        "p50_ms": round(statistics.median(times), 2),
        "p95_ms": round(times[min(len(times) - 1, int(len(times) * 0.95))], 2),
        "max_ms": round(times[-1], 2),
        "bytes": len(answer.content),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--url")
    parser.add_argument("--user", default=USER)
    parser.add_argument("--password", default=PASSWORD)
    args = parser.parse_args()
    process = None
    url = args.url
    if url is None:
        process, url = start_server()
    try:
        with httpx.Client(base_url=url, timeout=60) as anonymous:
            baselines = {label: measure(anonymous, path, args.requests) for label, path in BASELINES}
        with httpx.Client(base_url=url, timeout=60) as client:
            login = client.post("/ui/login", data={"username": args.user, "password": args.password, "next": "/ui/screen"})
            if login.status_code != 303:
                sys.exit(f"login failed: {login.status_code}")
            pages = {label: measure(client, path, args.requests) for label, path in PAGES + more_pages()}
    finally:
        if process is not None:
            process.terminate()
            process.wait(timeout=30)
    base = baselines["baseline: /ui/login (no session)"].get("p50_ms") or 1.0
    health = baselines["baseline: /healthz"].get("p50_ms") or 1.0
    print(f"{'page':45} {'p50 ms':>8} {'p95 ms':>8} {'×healthz':>9} {'×login':>7}  ≤200 ms (p95)")
    for label, row in {**baselines, **pages}.items():
        if "p50_ms" not in row:
            print(f"{label:45} {'missing' if row['status'] == 404 else 'HTTP ' + str(row['status']):>8}")
            continue
        ok = "yes" if float(row["p95_ms"]) <= 200 else "NO"  # type: ignore[arg-type]
        print(f"{label:45} {row['p50_ms']:>8} {row['p95_ms']:>8} {float(row['p50_ms']) / float(health):>9.1f} {float(row['p50_ms']) / float(base):>7.1f}  {ok}")  # type: ignore[arg-type]
    out = HERE / "out"
    out.mkdir(exist_ok=True)
    report = {"requests": args.requests, "machine": platform.platform(), "cpus": os.cpu_count(), "baselines": baselines, "pages": pages}
    (out / "ui.json").write_text(json.dumps(report, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
