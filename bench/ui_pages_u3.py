"""Render times of the entity, gap and list pages (issue 15, pages 5-7) on every bundled list.

    INTERDICT_HOME=/tmp/somewhere python bench/ui_pages_u3.py [--repeat 20]

Serves the UI from a real uvicorn server on 127.0.0.1 over the default store
(every bundled list; seeded on first use), logs in as a bench user (made in
that store if missing) and times each page over loopback with httpx, the way a
browser asks for it: the server's whole answer, template rendering included.
Long computations are timed apart, once, because a page never waits for them
(they run behind a progress page, once per list generation):

- the focused gap report of tests/gaps (Iran, people, us,gb,ca not eu), then
  its matrix page and one cell page with the report cached;
- the cross-list resolution around one entry (the entity page's button).

Nothing is asserted; figures go to stdout and bench/out/ui_pages_u3.json.
"""

from __future__ import annotations

import argparse
import json
import socket
import statistics
import threading
import time
from pathlib import Path

import httpx
import uvicorn

from interdict import lists, screening
from interdict.api import ServiceSettings, create_app
from interdict.store.users import UserStore

USER, PASSWORD = "bench-u3", "bench password for pages 5-7"
GAPS = "listed_by=us%2Cgb%2Cca&not_listed_by=eu&programme=iran&schema=Person&focus=1&min_confidence=medium"
PAGES = {
    "entity (UN, owner above, 3 holdings)": "/ui/entities/un_sc_sanctions-IRe.024",
    "entity (OFAC, 5 links)": "/ui/entities/us_ofac_sdn-15431",
    "entity unknown (404)": "/ui/entities/no-such-entry",
    "gaps form": "/ui/gaps",
    "lists": "/ui/lists",
    "lists: what changed (OFAC SDN)": "/ui/lists/us_ofac_sdn/changes",
}


def serve(app: object) -> tuple[str, uvicorn.Server]:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False))  # type: ignore[arg-type]
    threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True).start()
    while not server.started:
        time.sleep(0.05)
    return f"http://127.0.0.1:{sock.getsockname()[1]}", server


def timed(client: httpx.Client, url: str, repeat: int) -> dict[str, float]:
    first = time.perf_counter()
    client.get(url)
    cold = time.perf_counter() - first
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        answer = client.get(url)
        times.append(time.perf_counter() - start)
    return {"status": answer.status_code, "first_ms": cold * 1000, "median_ms": statistics.median(times) * 1000, "max_ms": max(times) * 1000}


def wait_done(client: httpx.Client, url: str, marker: str) -> float:
    start = time.perf_counter()
    while marker not in client.get(url).text:
        time.sleep(0.5)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    store = lists.load_lists()
    screener = screening.open_screener()
    users = UserStore(store.engine)
    if USER not in {user.name for user in users.all()}:
        users.add(USER, "admin")
    users.set_password(USER, PASSWORD)
    url, server = serve(create_app(ServiceSettings(watch_seconds=0.0), store=store, screener=screener))
    results: dict[str, dict[str, float]] = {}
    with httpx.Client(base_url=url, timeout=600) as client:
        client.post("/ui/login", data={"username": USER, "password": PASSWORD, "next": "/ui/lists"})
        for name, path in PAGES.items():
            results[name] = timed(client, path, args.repeat)
        results["gap report computed (focused, Iran people)"] = {"seconds": wait_done(client, f"/ui/gaps?{GAPS}&run=1", "gaps-matrix")}
        results["gaps matrix (report cached)"] = timed(client, f"/ui/gaps?{GAPS}&run=1", args.repeat)
        results["gaps cell gb/iran (report cached)"] = timed(client, f"/ui/gaps/cell?{GAPS}&row=gb&column=iran", args.repeat)
        results["gaps download csv (report cached)"] = timed(client, f"/ui/gaps/download?{GAPS}&format=csv", 3)
        results["entity cluster resolved around one entry"] = {
            "seconds": wait_done(client, "/ui/entities/us_ofac_sdn-15431?resolve=1", "entity-cluster")
        }
        results["entity with its cluster (cached)"] = timed(client, "/ui/entities/us_ofac_sdn-15431", args.repeat)
    server.should_exit = True
    for name, figures in results.items():
        print(f"{name:48s} " + "  ".join(f"{key} {value:,.1f}" for key, value in figures.items()))
    out = Path(__file__).parent / "out"
    out.mkdir(exist_ok=True)
    (out / "ui_pages_u3.json").write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
