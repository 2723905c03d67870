"""Fixtures of the workflow tests: sample documents, helpers over verdicts, a real HTTP server."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
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


@pytest.fixture(scope="session")
def workflow_server(seeded: Any) -> Iterator[str]:
    """A real uvicorn server on 127.0.0.1 serving the workflow router with the session's screener."""
    import uvicorn
    from fastapi import FastAPI

    from interdict.api.workflow_routes import router

    app = FastAPI()
    app.include_router(router)
    app.state.screener = seeded.screener
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)
