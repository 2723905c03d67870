"""The API documentation works offline: /docs and every asset it loads come from the service itself."""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlparse

from .conftest import Api


def test_docs_page_and_its_assets_are_served_locally(api: Api) -> None:
    with api.client(role=None) as client:  # no key: the docs are open
        page = client.get("/docs")
        assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
        html = page.text
        assets = re.findall(r'(?:src|href)="([^"]+)"', html) + re.findall(r"url: '([^']+)'", html)
        assert len(assets) >= 4, assets  # script, stylesheet, icon, the OpenAPI spec
        assert "validator.swagger.io" not in html and '"validatorUrl": null' in html  # no badge fetched from the internet
        for asset in assets:
            assert not urlparse(asset).netloc and not asset.startswith("//"), f"{asset} is loaded from another host"
            answer = client.get(urljoin(f"{api.url}/docs", asset))
            assert answer.status_code == 200 and answer.content, asset
        kinds = {asset.rsplit(".", 1)[-1]: client.get(asset).headers["content-type"] for asset in assets if "." in asset.rsplit("/", 1)[-1]}
        assert kinds["js"].startswith("text/javascript") and kinds["css"].startswith("text/css") and kinds["png"] == "image/png"
        assert b"SwaggerUIBundle" in client.get(next(asset for asset in assets if asset.endswith(".js"))).content
        assert client.get("/docs/oauth2-redirect").status_code == 200


def test_only_the_pages_assets_are_served(api: Api) -> None:
    with api.client(role=None) as client:
        for name in ("index.html", "swagger-ui-bundle.js.map", "..%2F..%2F__init__.py", "../settings.py"):
            assert client.get(f"/docs/assets/{name}").status_code == 404, name


def test_redoc_redirects_to_docs(api: Api) -> None:
    with api.client(role=None) as client:
        answer = client.get("/redoc")
        assert answer.status_code == 307 and answer.headers["location"] == "/docs"
        assert client.get("/redoc", follow_redirects=True).url.path == "/docs"
