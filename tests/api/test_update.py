"""A list update while the service answers a stream of requests: atomic swap, zero failed requests.

The service runs on a UN-only store (its index builds in a second or two) and
updates from a mirror on loopback that serves the bundled UN file, so the
update is real end to end: download, parse, new snapshot, new index, swap.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Self

import httpx
import pytest

from interdict import bundle
from interdict.api import ServiceSettings, create_app
from interdict.store import open_store
from interdict.store.keys import KeyStore

MATCH = {"queries": {"q": {"schema": "Person", "properties": {"name": ["Ghasem Soleimani"]}}}}


@dataclass
class Mirror:
    url: str
    delay: list[float] = field(default_factory=lambda: [0.0])
    hits: list[str] = field(default_factory=list)


@pytest.fixture
def mirror() -> Iterator[Mirror]:
    """Serves {mirror}/un_sc_sanctions/consolidated.xml: the bundled official UN file, republished a week later
    (identical content would only be confirmed, not swapped in)."""
    un_xml = bundle.read_files("un_sc_sanctions")["main"].replace(b'dateGenerated="2026-02-27', b'dateGenerated="2026-03-06', 1)
    files = {"/un_sc_sanctions/consolidated.xml": un_xml}
    state = Mirror(url="")

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            state.hits.append(self.path)
            time.sleep(state.delay[0])
            data = files.get(self.path)
            if data is None:
                self.send_error(404)
                return
            self.send_response(200)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state
    server.shutdown()
    server.server_close()


@pytest.fixture
def private_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Index caches of these small stores go to their own home, away from the session's full index."""
    home = tmp_path / "home"
    monkeypatch.setenv("INTERDICT_HOME", str(home))
    return home


def wait_ready(client: httpx.Client, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while client.get("/readyz").status_code != 200:
        assert time.monotonic() < deadline, "the index did not load"
        time.sleep(0.05)


class Stream:
    """Client threads sending /match requests back to back until stopped; every outcome is kept."""

    def __init__(self, url: str, key: str, clients: int = 4):
        self.url = url
        self.key = key
        self.stop = threading.Event()
        self.outcomes: list[tuple[float, float, int | str, str | None]] = []  # (start, end, status or error, snapshot version seen)
        self.lock = threading.Lock()
        self.threads = [threading.Thread(target=self.run, daemon=True) for _ in range(clients)]

    def run(self) -> None:
        with httpx.Client(base_url=self.url, headers={"X-API-Key": self.key}, timeout=30) as client:
            while not self.stop.is_set():
                start = time.monotonic()
                try:
                    response = client.post("/match/un_sc_sanctions", json=MATCH)
                    status: int | str = response.status_code
                    results = response.json()["responses"]["q"]["results"] if status == 200 else []
                    if status == 200 and not results:
                        status = "no results"
                except (httpx.HTTPError, ValueError, KeyError) as exc:
                    status = f"{exc.__class__.__name__}: {exc}"
                with self.lock:
                    self.outcomes.append((start, time.monotonic(), status, None))

    def __enter__(self) -> Self:
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=30)

    def failures(self) -> list:
        return [outcome for outcome in self.outcomes if outcome[2] != 200]


def un_version(client: httpx.Client) -> tuple[str, str]:
    catalog = client.get("/catalog").json()
    entry = next(item for item in catalog["datasets"] if item["name"] == "un_sc_sanctions")
    return entry["version"], entry["index_version"]


def test_update_during_a_request_stream_fails_no_request(un_db: str, mirror: Mirror, private_home: Path, start_server) -> None:  # type: ignore[no-untyped-def]
    keys = KeyStore(open_store(un_db).engine)
    admin = keys.create("admin", "test admin")[1]
    screener = keys.create("screener", "test stream")[1]
    settings = ServiceSettings(db=un_db, mirror=mirror.url, key_cache_seconds=0, watch_seconds=0)
    server = start_server(create_app(settings))
    with server.client(admin) as client:
        wait_ready(client)
        before = un_version(client)
        with Stream(server.url, screener) as stream:
            time.sleep(0.5)
            started = time.monotonic()
            response = client.post("/updatez", params={"dataset": "un_sc_sanctions", "sync": "true"})
            finished = time.monotonic()
            time.sleep(0.5)
        after = un_version(client)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["status"] == "ok" and body["running"] is False
    (result,) = body["results"]
    assert str(result.pop("snapshot_id")) == after[0]  # the new snapshot (the UI's lists page diffs it with the one before)
    assert result == {"dataset": "un_sc_sanctions", "ok": True, "entries": 1003, "previous_entries": 1003, "error": None, "unchanged": False}
    assert mirror.hits == ["/SHA256SUMS", "/un_sc_sanctions/consolidated.xml"]  # the mirror publishes no checksums (404)
    assert after[0] != before[0] and after[1] != before[1], "a new snapshot and a new index serve after the update"
    during = [outcome for outcome in stream.outcomes if outcome[0] >= started and outcome[1] <= finished]
    assert len(during) >= 10, "requests were answered while the update ran"
    assert len(stream.outcomes) > 50
    assert stream.failures() == []


def test_background_update_and_409_while_running(un_db: str, mirror: Mirror, private_home: Path, start_server) -> None:  # type: ignore[no-untyped-def]
    admin = KeyStore(open_store(un_db).engine).create("admin", "test admin")[1]
    settings = ServiceSettings(db=un_db, mirror=mirror.url, key_cache_seconds=0, watch_seconds=0)
    server = start_server(create_app(settings))
    mirror.delay[0] = 1.0  # keep the first update busy downloading
    with server.client(admin) as client:
        wait_ready(client)
        before = un_version(client)
        started = client.post("/updatez", params={"dataset": "un_sc_sanctions"})
        assert started.status_code == 200 and started.json()["running"] is True
        busy = client.post("/updatez", params={"dataset": "un_sc_sanctions"})
        assert busy.status_code == 409 and "already running" in busy.json()["detail"]
        deadline = time.monotonic() + 60
        while (status := client.get("/updatez").json())["running"]:
            assert time.monotonic() < deadline
            time.sleep(0.1)
        assert status["status"] == "ok" and status["results"][0]["ok"] is True
        assert un_version(client) != before


def test_update_by_another_process_is_picked_up(un_db: str, mirror: Mirror, private_home: Path, start_server) -> None:  # type: ignore[no-untyped-def]
    """The watcher swaps in lists updated outside the service (`interdict update`, another worker)."""
    from interdict import update as updating

    settings = ServiceSettings(db=un_db, auth=False, watch_seconds=0.2)
    server = start_server(create_app(settings))
    with server.client() as client:
        wait_ready(client)
        before = un_version(client)
        store = open_store(un_db)
        [result] = updating.update(store, ["un_sc_sanctions"], mirror=mirror.url)
        assert result.ok
        deadline = time.monotonic() + 60
        while un_version(client) == before:
            assert time.monotonic() < deadline, "the service did not pick up the new snapshot"
            time.sleep(0.1)
        assert client.post("/match/default", json=MATCH).json()["responses"]["q"]["results"]
