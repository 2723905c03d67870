"""The HTTP workflow endpoints under load and abuse, on a real server: bounded threads, work that stops, clean 400s.

A heavy document is a pacs.008 whose thousands of credit transfers pay
distinct creditors named with real list words (so no cache makes it cheap).
The service is started with a one-second request timeout (its own setting),
and the screening threads are watched through their CPU clocks.
"""

from __future__ import annotations

import random
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from .conftest import running, sample, service_app

TIMEOUT = 1.0


def heavy_payment(screener, transactions: int, seed: int) -> bytes:  # type: ignore[no-untyped-def]
    rng = random.Random(seed)
    words = [w for w in rng.sample(screener.index.name_text, 4000) for w in w.split() if w.isalpha() and len(w) > 3]
    parts = [
        '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pacs.008.001.08"><FIToFICstmrCdtTrf>',
        f"<GrpHdr><MsgId>HEAVY-{seed}</MsgId></GrpHdr>",
    ]
    for i in range(transactions):
        name = " ".join(rng.sample(words, 3))
        parts.append(f"<CdtTrfTxInf><PmtId><EndToEndId>E{i}</EndToEndId></PmtId><Cdtr><Nm>{name}</Nm></Cdtr></CdtTrfTxInf>")
    parts.append("</FIToFICstmrCdtTrf></Document>")
    return "".join(parts).encode()


def worker_cpu() -> dict[int, float]:
    """CPU seconds used so far by each of the process's screening (AnyIO worker) threads."""
    clocks = {}
    for thread in threading.enumerate():
        if thread.name == "AnyIO worker thread" and thread.ident is not None:
            try:
                clocks[thread.ident] = time.clock_gettime(time.pthread_getcpuclockid(thread.ident))
            except (OSError, ProcessLookupError):  # the thread ended between enumerate() and the read
                continue
    return clocks


def busy_workers(interval: float = 0.5) -> int:
    """How many screening threads used more than a fifth of a core over `interval`."""
    before = worker_cpu()
    time.sleep(interval)
    after = worker_cpu()
    return sum(1 for ident, spent in after.items() if spent - before.get(ident, spent) > interval / 5)


@pytest.fixture(scope="module")
def short_timeout_server(seeded):  # type: ignore[no-untyped-def]
    app, key = service_app(seeded, request_timeout=TIMEOUT, screen_threads=2)
    with running(app) as url:
        yield url, {"Authorization": f"Bearer {key}"}


def test_a_heavy_document_times_out_and_its_thread_stops(short_timeout_server, screener):
    url, auth = short_timeout_server
    data = heavy_payment(screener, 4000, seed=1)
    start = time.monotonic()
    response = httpx.post(url + "/screen/payment", content=data, headers=auth, timeout=120)
    answered = time.monotonic() - start
    assert response.status_code == 503, response.text
    assert "longer than 1 s" in response.json()["detail"]
    assert answered < TIMEOUT + 3
    # The work itself stopped at its deadline: within a second nothing screens on.
    time.sleep(1.0)
    assert busy_workers() == 0


def test_concurrent_heavy_documents_stay_on_the_screening_threads(short_timeout_server, screener):
    url, auth = short_timeout_server
    documents = [heavy_payment(screener, 3000, seed=10 + n) for n in range(6)]
    peaks: list[int] = []
    done = threading.Event()

    def watch() -> None:
        while not done.is_set():
            peaks.append(busy_workers(0.3))

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    with ThreadPoolExecutor(6) as pool:
        responses = list(
            pool.map(lambda body: httpx.post(url + "/screen/payment", content=body, headers=auth, timeout=120), documents)
        )
    done.set()
    watcher.join()
    assert [r.status_code for r in responses] == [503] * 6
    assert peaks and max(peaks) <= 2  # the service's two screening threads, never more
    time.sleep(1.0)
    assert busy_workers() == 0
    # The service still answers name queries at once.
    match = httpx.post(
        url + "/match/default",
        json={"queries": {"q": {"schema": "Person", "properties": {"name": ["Ali Hassan"]}}}},
        headers=auth,
        timeout=30,
    )
    assert match.status_code == 200


@pytest.mark.parametrize(
    ("path", "body", "detail"),
    [
        (
            "/screen/shipment",
            b'{"shipper": "A", "consignee": ' + b"[" * 3000 + b"]" * 3000 + b"}",
            "nested more than 20 levels deep",
        ),
        ("/screen/shipment", b'{"shipper": "\\ud800", "consignee": "B"}', "unpaired surrogate (\\ud800)"),
        (
            "/screen/shipment",
            b'{"shipper": "A", "consignee": {"name": "\\udfffX"}}',
            "consignee.name holds an unpaired surrogate",
        ),
        ("/screen/shipment", sample("paxlst_hit.edi"), "screen it with interdict screen-manifest (POST /screen/manifest)"),
        ("/screen/manifest", sample("pacs008_v08_hit.xml"), "screen it with interdict screen-payment (POST /screen/payment)"),
        (
            "/screen/payment",
            b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]><d>&x;</d>',
            "ISO 20022 messages never do",
        ),
        ("/screen/payment", "{1:F01COBADEFFAXXX0000000000}{4:\n:20:R\n:59:ACME\n:70:café\n-}".encode("utf-16"), "clear"),
    ],
)
def test_hostile_documents_are_400s(client, path, body, detail):
    response = client.post(path, content=body)
    if detail == "clear":
        assert response.status_code == 200 and response.json()["verdict"] == "clear", response.text
        return
    assert response.status_code == 400, response.text
    assert detail in response.json()["detail"]


def test_limits_are_server_settings_in_the_environment(client, monkeypatch):
    monkeypatch.setenv("INTERDICT_DOC_MAX_TRAVELLERS", "2")
    response = client.post("/screen/manifest", content=sample("paxlst_hit.edi"))
    assert response.status_code == 400
    assert "more than 2 travellers; the limit is 2 (max_travellers)" in response.json()["detail"]
    monkeypatch.setenv("INTERDICT_DOC_MAX_DOCUMENT_BYTES", "300")
    response = client.post("/screen/manifest", content=sample("paxlst_hit.edi"))
    assert response.status_code == 413 and "max_document_bytes" in response.json()["detail"]


@pytest.fixture(scope="module")
def client(workflow_server):  # type: ignore[no-untyped-def]
    with httpx.Client(
        base_url=workflow_server.url, headers={"Authorization": f"Bearer {workflow_server.key}"}, timeout=60
    ) as http:
        yield http
