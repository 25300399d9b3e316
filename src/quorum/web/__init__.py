"""The browser face of Quorum: server-rendered page shells and a no-build ES-module app."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

STATIC = Path(__file__).resolve().parent / "static"


def install(app: FastAPI) -> None:
    """Add the pages, their JSON routes and the static files to the application."""
    from quorum.web import admin_pages, api, pages, staff_api, staff_pages

    app.include_router(api.router)
    app.include_router(staff_api.router)
    app.include_router(pages.router)
    app.include_router(staff_pages.router)
    app.include_router(admin_pages.router)
    app.add_exception_handler(pages.PageDenied, pages.denied_response)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
