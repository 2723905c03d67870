"""The HTTP endpoints in the real service app on a real uvicorn server: the library's verdicts, keys, clear errors."""

from __future__ import annotations

import httpx
import pytest

from interdict.workflows import screen_manifest, screen_payment, screen_shipment

from .conftest import sample


@pytest.fixture(scope="module")
def client(workflow_server):
    with httpx.Client(
        base_url=workflow_server.url, headers={"Authorization": f"Bearer {workflow_server.key}"}, timeout=60
    ) as http:
        yield http


def test_payment_endpoint_returns_the_library_verdict(client, screener):
    data = sample("pacs008_v08_hit.xml")
    response = client.post("/screen/payment", content=data, headers={"content-type": "application/xml"})
    assert response.status_code == 200, response.text
    assert response.json() == screen_payment(data, screener).to_dict()


def test_manifest_endpoint(client, screener):
    data = sample("paxlst_hit.edi")
    response = client.post("/screen/manifest", content=data, params={"document": "ET0862.edi"})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body == screen_manifest(data, screener, document="ET0862.edi").to_dict()
    assert body["document"] == "ET0862.edi" and body["verdict"] == "hit"


def test_shipment_endpoint_json_and_filters(client, screener):
    data = sample("shipment_crimea.csv")
    response = client.post("/screen/shipment", content=data, params=[("jurisdiction", "eu"), ("dataset", "un_sc_sanctions")])
    assert response.status_code == 200, response.text
    assert response.json() == screen_shipment(data, screener, jurisdictions=["eu"], datasets=["un_sc_sanctions"]).to_dict()
    assert response.json()["verdict"] == "review"
    clean = client.post("/screen/shipment", content=sample("shipment_clean.json"), headers={"content-type": "application/json"})
    assert clean.json()["verdict"] == "clear"


def test_malformed_documents_are_400_with_the_place(client):
    bad = sample("paxlst_hit.edi").replace(b"NAD+FL+++DERIPASKA:MARIA'", b"NAD+FL+++:MARIA'")
    response = client.post("/screen/manifest", content=bad)
    assert response.status_code == 400
    assert response.json()["detail"].startswith("PAXLST segment 22 (NAD, line 23): missing party name")
    response = client.post("/screen/payment", content=b"")
    assert response.status_code == 400 and "empty" in response.json()["detail"]
    response = client.post("/screen/shipment", content=b'{"shipper": "A"}', params={"dataset": "nope"})
    assert response.status_code == 400 and "Unknown dataset 'nope'" in response.json()["detail"]


def test_a_key_is_required(workflow_server):
    for path in ("/screen/payment", "/screen/manifest", "/screen/shipment"):
        response = httpx.post(workflow_server.url + path, content=b"x", timeout=30)
        assert response.status_code == 401


def test_oversized_documents_are_refused(client):
    response = client.post("/screen/payment", content=b"<" + b"x" * 5_000_001)
    assert response.status_code == 413
