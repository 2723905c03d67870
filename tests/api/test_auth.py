"""API keys and roles: required everywhere but health, hashed at rest, revocable; --no-auth."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time

import httpx
from sqlalchemy import select

from interdict.api import ServiceSettings, create_app
from interdict.store.keys import api_keys

from .conftest import Api

OPEN_PATHS = {"/healthz", "/readyz", "/openapi.json", "/docs", "/docs/oauth2-redirect"}  # and /docs/assets/*, /redoc (not in the spec)
MATCH = {"queries": {"q": {"schema": "Person", "properties": {"name": ["Ali Khamenei"]}}}}


def test_every_endpoint_but_health_needs_a_key(api: Api) -> None:
    """Walks every operation of the OpenAPI spec (workflow routes included)."""
    paths = api.server.app.openapi()["paths"]
    assert {"/match/{dataset}", "/screen", "/screen/batch", "/updatez", "/healthz"} <= set(paths)
    with api.client(role=None) as client:
        for template, operations in paths.items():
            path = re.sub(r"\{[^}]+\}", "default", template)
            for method in operations:
                response = client.request(method.upper(), path)
                if template in OPEN_PATHS:
                    assert response.status_code == 200, (method, path)
                    continue
                assert response.status_code == 401, (method, path, response.status_code)
                assert response.headers["www-authenticate"] == "Bearer"
                assert "Missing API key" in response.json()["detail"]


def test_bearer_and_x_api_key_headers(api: Api) -> None:
    secret = api.keys["screener"]
    with httpx.Client(base_url=api.url) as client:
        assert client.post("/match/default", json=MATCH, headers={"Authorization": f"Bearer {secret}"}).status_code == 200
        assert client.post("/match/default", json=MATCH, headers={"X-API-Key": secret}).status_code == 200
        wrong = client.post("/match/default", json=MATCH, headers={"X-API-Key": secret[:-2] + "xx"})
        basic = client.post("/match/default", json=MATCH, headers={"Authorization": f"Basic {secret}"})
    assert wrong.status_code == 401 and wrong.json() == {"detail": "Invalid or revoked API key; ask an administrator for a new one (`interdict keys create`)."}
    assert basic.status_code == 401


def test_roles(api: Api) -> None:
    for role in ("screener", "analyst"):
        with api.client(role) as client:
            assert client.post("/match/default", json=MATCH).status_code == 200
            denied = client.get("/updatez")
            assert denied.status_code == 403 and "admin role" in denied.json()["detail"] and role in denied.json()["detail"]
            assert client.post("/updatez", params={"dataset": "un_sc_sanctions"}).status_code == 403
    with api.client("admin") as client:
        assert client.get("/updatez").json()["running"] is False
        assert client.post("/match/default", json=MATCH).status_code == 200
        unknown = client.post("/updatez", params={"dataset": "no_such_list"})
    assert unknown.status_code == 400 and "no_such_list" in unknown.json()["detail"]


def test_keys_are_stored_hashed(api: Api) -> None:
    with api.key_store.engine.connect() as conn:
        rows = conn.execute(select(api_keys)).all()
    stored = " ".join(str(value) for row in rows for value in row)
    for secret in api.keys.values():
        assert secret not in stored
        assert secret[:8] in stored  # the short prefix that tells keys apart


def test_keys_cli_create_list_revoke(api: Api, cli) -> None:  # type: ignore[no-untyped-def]
    """Keys made by the CLI (in the same database) work against the running server, until revoked."""
    created = cli("keys", "create", "--role", "screener", "--label", "cli test")
    assert created.code == 0
    secret = created.stdout.strip()
    assert secret.startswith("idk_") and "not shown again" in created.flat_err
    key_id = int(re.search(r"key (\d+)", created.stderr).group(1))
    with api.server.client(secret) as client:
        assert client.post("/match/default", json=MATCH).status_code == 200
    deadline = time.monotonic() + 10  # last-used times are written in batches (every 0.2 s here)
    while True:
        listed = cli("keys", "list", "--json")
        assert listed.code == 0 and secret not in listed.stdout
        entry = next(item for item in json.loads(listed.stdout) if item["id"] == key_id)
        if entry["last_used"] or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    assert entry["role"] == "screener" and entry["label"] == "cli test" and entry["active"] and entry["last_used"]
    assert cli("keys", "list").code == 0
    revoked = cli("keys", "revoke", str(key_id))
    assert revoked.code == 0 and "revoked" in revoked.stdout
    with api.server.client(secret) as client:
        assert client.post("/match/default", json=MATCH).status_code == 401
    assert cli("keys", "revoke", "999999").code == 6
    bad_role = cli("keys", "create", "--role", "superuser")
    assert bad_role.code == 2 and "screener, analyst, supervisor, admin" in bad_role.flat_err


def test_no_auth_app(seeded, start_server) -> None:  # type: ignore[no-untyped-def]
    app = create_app(ServiceSettings(auth=False, watch_seconds=0), store=seeded.store, screener=seeded.screener)
    server = start_server(app)
    with server.client() as client:
        assert client.post("/match/default", json=MATCH).status_code == 200
        assert client.get("/updatez").status_code == 200  # anonymous acts as admin


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_serve_command_no_auth_warns_and_becomes_ready(un_db: str, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """`interdict serve` as users run it: a subprocess on loopback, index loaded in the background.

    On the UN-only store, with its own data home, so its index cache stays apart from the session's.
    """
    port = _free_port()
    command = [sys.executable, "-c", "from interdict.cli import main; main()", "serve", "--no-auth", "--port", str(port), "--no-access-log", "--db", un_db]
    env = dict(os.environ, INTERDICT_HOME=str(tmp_path / "home"))
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        statuses = []
        deadline = time.monotonic() + 120
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=10) as client:
            while time.monotonic() < deadline:
                try:
                    ready = client.get("/readyz")
                except httpx.TransportError:
                    time.sleep(0.05)
                    continue
                statuses.append(ready.status_code)
                if ready.status_code == 200:
                    break
                assert ready.status_code == 503 and ready.json() == {"detail": "Index not ready."}
                assert client.get("/healthz").json() == {"status": "ok"}
                time.sleep(0.05)
            assert statuses and statuses[-1] == 200, statuses
            assert client.post("/match/default", json=MATCH).status_code == 200
    finally:
        process.terminate()
        _, stderr = process.communicate(timeout=30)
    assert "--no-auth" in stderr and "no API keys are checked" in " ".join(stderr.split())
