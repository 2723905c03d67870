"""A real uvicorn server on 127.0.0.1 for the HTTP tests.

`api` serves the session's seeded index (all bundled lists) with API keys on,
in a thread of the test process so it shares the index already in memory.
`start_server` runs any other app the same way (no-auth, small stores, tight
limits). Servers run with the connection limits `interdict serve` uses
(api/server.py: `uvicorn_options`). Requests go over real loopback sockets
with httpx.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import uvicorn
from fastapi import FastAPI

from interdict.api import ServiceSettings, create_app
from interdict.api.server import uvicorn_options
from interdict.store.keys import KeyStore

DATA = Path(__file__).parent / "data"
YENTE_OPENAPI = DATA / "yente-openapi-5.5.0.json"  # copied from shared/reference
YENTE_EXAMPLE = DATA / "yente-example.json"  # the real request/response pair of shared/reference/yente-api.md


@dataclass
class RunningServer:
    app: FastAPI
    url: str
    server: uvicorn.Server
    thread: threading.Thread

    def client(self, key: str | None = None, **kwargs: object) -> httpx.Client:
        headers = {"Authorization": f"Bearer {key}"} if key else {}
        return httpx.Client(base_url=self.url, headers=headers, timeout=60.0, **kwargs)  # type: ignore[arg-type]

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=15)


def run_server(app: FastAPI, lifespan: str = "on") -> RunningServer:
    """Serve `app` with uvicorn on a free loopback port, in a thread; returns once it accepts connections."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    service = getattr(app.state, "service", None)
    options = uvicorn_options(service.settings if service is not None else ServiceSettings())
    options["timeout_graceful_shutdown"] = 5
    config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan=lifespan, **options)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, name=f"uvicorn-{port}", daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.02)
    return RunningServer(app=app, url=f"http://127.0.0.1:{port}", server=server, thread=thread)


@pytest.fixture
def start_server() -> Iterator[Callable[..., RunningServer]]:
    """Start extra servers for one test; all are stopped at its end."""
    running: list[RunningServer] = []

    def start(app: FastAPI, lifespan: str = "on") -> RunningServer:
        server = run_server(app, lifespan=lifespan)
        running.append(server)
        return server

    yield start
    for server in running:
        server.stop()


@dataclass
class Api:
    """The main test service: the seeded index, keys on, one key per role."""

    server: RunningServer
    keys: dict[str, str]  # role → secret
    key_store: KeyStore

    @property
    def url(self) -> str:
        return self.server.url

    def client(self, role: str | None = "screener") -> httpx.Client:
        return self.server.client(self.keys[role] if role else None)


TEST_SETTINGS = ServiceSettings(key_cache_seconds=0.0, watch_seconds=0.0)
KEY_USAGE_SECONDS = 0.2  # last-used times are written this often in tests


@pytest.fixture(scope="package")  # its server thread ends with tests/api: later tests fork from one thread (cores.can_fork)
def api(seeded) -> Iterator[Api]:  # type: ignore[no-untyped-def]
    key_store = KeyStore(seeded.store.engine, usage_flush_seconds=KEY_USAGE_SECONDS)
    keys = {role: key_store.create(role, f"tests ({role})")[1] for role in ("screener", "analyst", "admin")}
    app = create_app(TEST_SETTINGS, store=seeded.store, screener=seeded.screener, keys=key_store)
    server = run_server(app)
    yield Api(server=server, keys=keys, key_store=key_store)
    server.stop()


@pytest.fixture(scope="session")
def yente_spec() -> dict:
    return json.loads(YENTE_OPENAPI.read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def yente_example() -> dict:
    return json.loads(YENTE_EXAMPLE.read_text(encoding="utf-8"))


def schema_errors(instance: object, spec: dict, name: str) -> list[str]:
    """Errors of `instance` against components/schemas/<name> of an OpenAPI 3.1 spec."""
    import jsonschema_rs

    schema = {"$ref": f"#/components/schemas/{name}", "components": spec["components"]}
    validator = jsonschema_rs.Draft202012Validator(schema)
    return [f"{'/'.join(str(p) for p in error.instance_path)}: {error.message}" for error in validator.iter_errors(instance)]
