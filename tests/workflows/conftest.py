"""Fixtures of the workflow tests: sample documents, helpers over verdicts, a real HTTP server."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

SAMPLES = Path(__file__).parent.parent / "fixtures" / "workflows"


def sample(name: str) -> bytes:
    return (SAMPLES / name).read_bytes()


def entities(verdict: Any, rule: str | None = None, field: str | None = None, severity: str | None = None) -> set[str]:
    """Entity ids of the verdict's findings, optionally only those of one rule / field / severity."""
    data = verdict if isinstance(verdict, dict) else verdict.to_dict()
    return {
        finding["entity_id"]
        for finding in data["findings"]
        if (rule is None or finding["rule"] == rule)
        and (field is None or finding["field"] == field)
        and (severity is None or finding["severity"] == severity)
    }


def fields(verdict: Any, rule: str | None = None) -> set[str]:
    data = verdict if isinstance(verdict, dict) else verdict.to_dict()
    return {finding["field"] for finding in data["findings"] if rule is None or finding["rule"] == rule}


@pytest.fixture(scope="session")
def screener(seeded: Any) -> Any:
    return seeded.screener


@dataclass
class WorkflowServer:
    url: str
    key: str  # a screener-role API key


@contextmanager
def running(app: Any) -> Iterator[str]:
    """`app` on a real uvicorn server on 127.0.0.1 (a free port) while the block runs; yields its base URL."""
    import uvicorn

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False, timeout_graceful_shutdown=5))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=15)


def service_app(seeded: Any, **settings: Any) -> tuple[Any, str]:
    """The real service app (API keys on) over the session's index, and a screener-role key."""
    from interdict.api import ServiceSettings, create_app
    from interdict.store.keys import KeyStore

    keys = KeyStore(seeded.store.engine)
    secret = keys.create("screener", "workflow tests")[1]
    options = {"key_cache_seconds": 0.0, "watch_seconds": 0.0, **settings}
    return create_app(ServiceSettings(**options), store=seeded.store, screener=seeded.screener, keys=keys), secret


@pytest.fixture(scope="session")
def workflow_server(seeded: Any) -> Iterator[WorkflowServer]:
    """The real service app (API keys on) on a real uvicorn server on 127.0.0.1, serving the session's index."""
    app, secret = service_app(seeded)
    with running(app) as url:
        yield WorkflowServer(url, secret)
