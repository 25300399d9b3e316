"""The API explorers, Swagger UI at /docs and ReDoc at /redoc, served with their scripts and
styles from Quorum itself: FastAPI's own pages load them from a CDN, which leaves them blank
on a server without internet access. The files are the copies the `fastapi-offline` package
ships; nothing is downloaded at run time."""

from __future__ import annotations

from importlib.resources import files

from fastapi import APIRouter, Depends, FastAPI
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

from quorum.http.deps import public
from quorum.http.safe_input import SafeRoute

ASSETS = "/docs/assets"
# ReDoc's sidebar shows a logo from cdn.redoc.ly: images come only from here (and data: URLs).
# Its styles are inline and its search runs in a worker made from a blob: URL.
REDOC_CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
    "worker-src 'self' blob:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'"
)
# The explorers are public, as the OpenAPI document they read is.
router = APIRouter(include_in_schema=False, route_class=SafeRoute, dependencies=[Depends(public)])


@router.get("/docs")
def swagger_ui() -> HTMLResponse:
    return get_swagger_ui_html(
        openapi_url="/openapi.json",
        title="Quorum API",
        swagger_js_url=f"{ASSETS}/swagger-ui-bundle.js",
        swagger_css_url=f"{ASSETS}/swagger-ui.css",
        swagger_favicon_url=f"{ASSETS}/favicon.png",
        # Swagger UI would otherwise send the document's URL to validator.swagger.io.
        swagger_ui_parameters={"validatorUrl": None},
    )


@router.get("/redoc")
def redoc() -> HTMLResponse:
    page = get_redoc_html(
        openapi_url="/openapi.json",
        title="Quorum API",
        redoc_js_url=f"{ASSETS}/redoc.standalone.js",
        redoc_favicon_url=f"{ASSETS}/favicon.png",
        with_google_fonts=False,
    )
    page.headers["Content-Security-Policy"] = REDOC_CSP
    return page


def install(app: FastAPI) -> None:
    """Serve the explorers and their assets (the app is made with docs_url=redoc_url=None)."""
    app.include_router(router)
    assets = StaticFiles(directory=str(files("fastapi_offline") / "static"))
    app.mount(ASSETS, assets, name="docs-assets")
