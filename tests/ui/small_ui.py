"""A second, small UI server for the tests that change its lists (a hostile list of one's own, an admin update).

The session's `ui_server` serves every bundled list from a screener built once;
loading a list into it would need a new index of every list (a minute) and
would change what the other pages' tests see. This one holds the bundled UN
list and a hostile FtM list of one's own (loaded with `load_ftm_list`, what
`interdict load --ftm` runs), so its index builds in seconds, and its
`mirror` setting points at a loopback HTTP server (tests/test_update.py's), so
an admin's update never reaches the internet.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from interdict.api import ServiceSettings, create_app
from interdict.relations import load_ftm_list
from interdict.screening import load_or_build_index, make_screener
from interdict.store import SnapshotStore, open_store
from interdict.store.users import UserStore
from tests.api.conftest import RunningServer, run_server
from tests.conftest import copy_sqlite
from tests.test_update import Mirror, MirrorHandler, MirrorServer

from .conftest import PASSWORD, USERS, log_in

HOSTILE_LIST = "hostile_list"
SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(2)>"
PROGRAMME = "<img src=x onerror=alert(3)> programme"
HOLDING = "<b>Holding</b> <img src=x onerror=alert(4)> Ltd"

HOSTILE_LINES = [
    {"id": "h-1", "schema": "Person", "properties": {"name": [SCRIPT], "alias": [IMG], "birthDate": ["1970-01-01"], "notes": [f"remark {SCRIPT}"]}},
    {"id": "h-2", "schema": "Company", "properties": {"name": [HOLDING], "jurisdiction": ["gb"]}},
    {"id": "h-s1", "schema": "Sanction", "properties": {"entity": ["h-1"], "program": [PROGRAMME], "startDate": ["2025-01-01"]}},
    {"id": "h-s2", "schema": "Sanction", "properties": {"entity": ["h-2"], "program": [PROGRAMME], "startDate": ["2025-01-02"]}},
    {"id": "h-o1", "schema": "Ownership", "properties": {"owner": ["h-1"], "asset": ["h-2"], "percentage": ["60"]}},
]


@dataclass
class SmallUi:
    url: str
    server: RunningServer
    store: SnapshotStore
    mirror: Mirror

    @property
    def state(self):  # type: ignore[no-untyped-def]
        return self.server.app.state.service


@pytest.fixture(scope="module")
def small_ui(un_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[SmallUi]:
    folder = tmp_path_factory.mktemp("small-ui")
    copy_sqlite(un_template, folder / "store.db")
    url = f"sqlite:///{folder / 'store.db'}"
    store = open_store(url)
    hostile = folder / "hostile.ftm.json"
    hostile.write_text("".join(json.dumps(line) + "\n" for line in HOSTILE_LINES), encoding="utf-8")
    report = load_ftm_list(store, hostile, HOSTILE_LIST)
    assert report.nodes == 2 and not report.errors, report.errors
    users = UserStore(store.engine)
    for name, role in USERS.items():
        users.add(name, role)
        users.set_password(name, PASSWORD)
    httpd = MirrorServer(("127.0.0.1", 0), MirrorHandler)
    httpd.root = (folder / "mirror").resolve()
    httpd.root.mkdir()
    httpd.overrides = {}
    httpd.requests = []
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    mirror = Mirror(httpd, f"http://127.0.0.1:{httpd.server_address[1]}")
    screener = make_screener(load_or_build_index(store))
    settings = ServiceSettings(db=url, key_cache_seconds=0.0, watch_seconds=0.0, mirror=mirror.url)
    server = run_server(create_app(settings, store=store, screener=screener))
    yield SmallUi(server.url, server, store, mirror)
    server.stop()
    httpd.shutdown()
    httpd.server_close()
    store.engine.dispose()


def login(browser, url: str, name: str, password: str = PASSWORD):  # type: ignore[no-untyped-def]
    """A logged-in page on another server than `ui_server` (the contract's page_as, for small_ui)."""
    return log_in(browser, url, name, password)
