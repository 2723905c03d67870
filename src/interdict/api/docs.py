"""The API documentation pages, served with no network: /docs (Swagger UI), /redoc → /docs.

FastAPI's own /docs page loads Swagger UI from a CDN, so offline (air-gapped
sites, this project's default) it was a blank page. Here its JavaScript, CSS
and icon come from the `swagger-ui-bundle-v2` package (the official
swagger-ui-dist files in a wheel, kept current by the connexion maintainers)
and are served from /docs/assets/. Swagger UI's validator badge, which calls
validator.swagger.io, is turned off.

/redoc redirects to /docs: one documentation UI to ship and keep current.
ReDoc exists only on npm (no maintained wheel but one that bundles it without
its licence), and yente clients do not depend on it.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from fastapi import APIRouter, HTTPException, Request
from fastapi.openapi.docs import get_swagger_ui_html, get_swagger_ui_oauth2_redirect_html
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse
from swagger_ui_bundle import swagger_ui_path  # type: ignore[import-untyped]  # ships no py.typed

DOCS_URL = "/docs"
ASSETS_URL = "/docs/assets"
OAUTH2_REDIRECT_URL = "/docs/oauth2-redirect"
# The files the page loads (the package also holds source maps and other bundles nobody needs here).
ASSETS = {
    "swagger-ui-bundle.js": "text/javascript; charset=utf-8",
    "swagger-ui.css": "text/css; charset=utf-8",
    "favicon-32x32.png": "image/png",
}

router = APIRouter(include_in_schema=False)


@cache
def assets_dir() -> Path:
    """Where the installed swagger-ui-bundle-v2 keeps Swagger UI's distributed files."""
    return Path(str(swagger_ui_path))


@router.get(DOCS_URL)
async def swagger_ui(request: Request) -> HTMLResponse:
    root = request.scope.get("root_path", "").rstrip("/")
    return get_swagger_ui_html(
        openapi_url=f"{root}{request.app.openapi_url}",
        title=f"{request.app.title} - API documentation",
        swagger_js_url=f"{root}{ASSETS_URL}/swagger-ui-bundle.js",
        swagger_css_url=f"{root}{ASSETS_URL}/swagger-ui.css",
        swagger_favicon_url=f"{root}{ASSETS_URL}/favicon-32x32.png",
        oauth2_redirect_url=f"{root}{OAUTH2_REDIRECT_URL}",
        swagger_ui_parameters={"validatorUrl": None},
    )


@router.get(f"{ASSETS_URL}/{{name}}")
async def swagger_ui_asset(name: str) -> FileResponse:
    media_type = ASSETS.get(name)
    if media_type is None:
        raise HTTPException(status_code=404, detail="Not Found")
    return FileResponse(assets_dir() / name, media_type=media_type, headers={"Cache-Control": "public, max-age=86400"})


@router.get(OAUTH2_REDIRECT_URL)
async def swagger_ui_oauth2_redirect() -> HTMLResponse:
    return get_swagger_ui_oauth2_redirect_html()


@router.get("/redoc")
async def redoc(request: Request) -> RedirectResponse:
    root = request.scope.get("root_path", "").rstrip("/")
    return RedirectResponse(f"{root}{DOCS_URL}", status_code=307)
