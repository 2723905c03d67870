"""The HTTP endpoints on a real uvicorn server: the library's verdicts, 422 for malformed documents."""

from __future__ import annotations

import httpx

from interdict.workflows import screen_manifest, screen_payment, screen_shipment

from .conftest import sample


def test_payment_endpoint_returns_the_library_verdict(workflow_server, screener):
    data = sample("pacs008_v08_hit.xml")
    response = httpx.post(f"{workflow_server}/screen/payment", content=data, headers={"content-type": "application/xml"}, timeout=60)
    assert response.status_code == 200, response.text
    assert response.json() == screen_payment(data, screener).to_dict()


def test_manifest_endpoint(workflow_server, screener):
    data = sample("paxlst_hit.edi")
    response = httpx.post(f"{workflow_server}/screen/manifest", content=data, params={"document": "ET0862.edi"}, timeout=60)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body == screen_manifest(data, screener, document="ET0862.edi").to_dict()
    assert body["document"] == "ET0862.edi" and body["verdict"] == "hit"


def test_shipment_endpoint_json_and_filters(workflow_server, screener):
    data = sample("shipment_crimea.csv")
    response = httpx.post(
        f"{workflow_server}/screen/shipment", content=data, params=[("jurisdiction", "eu"), ("dataset", "un_sc_sanctions")], timeout=60
    )
    assert response.status_code == 200, response.text
    assert response.json() == screen_shipment(data, screener, jurisdictions=["eu"], datasets=["un_sc_sanctions"]).to_dict()
    assert response.json()["verdict"] == "review"
    clean = httpx.post(f"{workflow_server}/screen/shipment", content=sample("shipment_clean.json"), headers={"content-type": "application/json"}, timeout=60)
    assert clean.json()["verdict"] == "clear"


def test_malformed_documents_are_422_with_the_place(workflow_server):
    bad = sample("paxlst_hit.edi").replace(b"NAD+FL+++DERIPASKA:MARIA'", b"NAD+FL+++:MARIA'")
    response = httpx.post(f"{workflow_server}/screen/manifest", content=bad, timeout=60)
    assert response.status_code == 422
    assert response.json()["detail"].startswith("PAXLST segment 22 (NAD, line 23): missing party name")
    response = httpx.post(f"{workflow_server}/screen/payment", content=b"", timeout=60)
    assert response.status_code == 422 and "empty" in response.json()["detail"]
    response = httpx.post(f"{workflow_server}/screen/shipment", content=b'{"shipper": "A"}', params={"dataset": "nope"}, timeout=60)
    assert response.status_code == 422 and "Unknown dataset 'nope'" in response.json()["detail"]


def test_oversized_documents_are_refused(workflow_server):
    response = httpx.post(f"{workflow_server}/screen/payment", content=b"<" + b"x" * 5_000_001, timeout=60)
    assert response.status_code == 413
