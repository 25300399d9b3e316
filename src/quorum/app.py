"""The ASGI application, composed: both faces (API and web), error mapping, the database handle
and the background job worker beside it. The one module above both faces."""

from __future__ import annotations

import asyncio
import logging
import os
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from quorum import __version__, web
from quorum.api import docs, openapi, scale
from quorum.api.routes import batches, export, files, jobs, projects, review, tasks, users, work
from quorum.api.scale.routing import RawScalePaths
from quorum.config import Settings, get_settings
from quorum.db.engine import Database
from quorum.http.deps import public
from quorum.http.safe_input import BadInput, SafeRoute
from quorum.http.schemas import Health
from quorum.http.wire import JSON, error_body
from quorum.jobs.child import ChildWorker
from quorum.services.errors import ServiceError

log = logging.getLogger("quorum.api")
DEMO_MEDIA = Path(__file__).resolve().parent / "demo" / "media"


# `quorum worker`, run by this interpreter, stopping when the server that started it is gone.
WORKER_COMMAND = (sys.executable, "-m", "quorum.cli.main", "worker", "--with-parent")


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Run a job worker beside the app while it serves, unless QUORUM_RUN_WORKER=0: a child
    process on the same settings and database, so its CPU-heavy jobs never hold this process's
    GIL while requests wait (quorum.jobs.child)."""
    worker = None
    if app.state.settings.run_worker:
        env = {
            **os.environ,
            **app.state.settings.as_env(),
            "QUORUM_DATABASE_URL": app.state.db.url,
        }
        worker = ChildWorker(WORKER_COMMAND, env)
    yield
    if worker is not None:
        await asyncio.to_thread(worker.stop)


def create_app(settings: Settings | None = None, db: Database | None = None) -> FastAPI:
    settings = settings or get_settings()
    app = FastAPI(
        title="Quorum",
        version=__version__,
        description="Native API of Quorum, a self-hostable data-labeling platform.",
        default_response_class=JSON,
        lifespan=_lifespan,
        docs_url=None,  # quorum.api.docs serves both explorers without a CDN
        redoc_url=None,
    )
    app.router.route_class = SafeRoute
    app.state.settings = settings
    app.state.db = db or Database(settings.resolved_database_url)

    @app.exception_handler(ServiceError)
    async def _service_error(_: Request, exc: ServiceError) -> JSON:
        return JSON(error_body(exc.message, exc.errors), status_code=exc.status)

    @app.exception_handler(RequestValidationError)
    async def _validation_error(_: Request, exc: RequestValidationError) -> JSON:
        problems = [f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()]
        return JSON({"error": "; ".join(problems)}, status_code=400)

    @app.exception_handler(BadInput)
    async def _bad_input(_: Request, exc: BadInput) -> JSON:
        return JSON(error_body(exc.detail, [exc]), status_code=400)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(_: Request, exc: StarletteHTTPException) -> JSON:
        return JSON({"error": str(exc.detail)}, status_code=exc.status_code)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSON:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        # The server drops the connection once an exception escaped the app; say so, or a
        # keep-alive client sends its next request into a reset.
        return JSON(
            {"error": "internal server error; the server log has the details"},
            status_code=500,
            headers={"Connection": "close"},
        )

    @app.get(
        "/healthz",
        tags=["health"],
        operation_id="health",
        response_model=Health,
        dependencies=[Depends(public)],
    )
    def healthz() -> dict:
        return {"status": "ok", "version": __version__}

    # The annotator loop first: routes are matched in order, and its two are the busiest.
    for module in (work, users, projects, batches, tasks, export, review, files, jobs, scale):
        app.include_router(module.router)
    app.add_middleware(RawScalePaths)
    web.install(app)
    # Demo sample media (public sample data), served locally: nothing comes from the internet.
    app.mount("/demo-media", StaticFiles(directory=DEMO_MEDIA), name="demo-media")
    openapi.install(app)
    docs.install(app)
    return app
