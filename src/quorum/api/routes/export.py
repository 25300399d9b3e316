"""Streaming export of a project's tasks."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import StreamingResponse

from quorum.db.engine import Database
from quorum.formats.exporters import EXPORTERS
from quorum.http.deps import manager
from quorum.http.wire import JSONRoute
from quorum.services.accounts.users import Principal
from quorum.services.exports import export

router = APIRouter(tags=["export"], route_class=JSONRoute)


_EXPORT: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "the project's tasks in the format asked for, streamed",
        "content": {e.media_type: {"schema": {"type": "string"}} for e in EXPORTERS.values()},
    }
}


@router.get(
    "/api/projects/{project}/export",
    operation_id="exportProject",
    response_class=StreamingResponse,
    responses=_EXPORT,
)
def export_project(
    project: str,
    request: Request,
    format: str = "jsonl",
    status: str | None = None,
    min_confidence: float | None = Query(
        None, ge=0, le=1, description="only tasks whose label is at least this confident"
    ),
    below: bool = Query(False, description="the other tasks: below min_confidence or unlabelled"),
    _: Principal = Depends(manager),
) -> StreamingResponse:
    db: Database = request.app.state.db
    session = db.session()
    try:
        selection = export.Selection(status, min_confidence, below)
        chunks, exporter = export.export_chunks(session, project, format, selection)
    except Exception:
        session.close()
        raise

    def body() -> Iterator[bytes]:
        try:
            yield from chunks
        finally:
            session.close()

    filename = f"{project}.{exporter.extension}".replace('"', "")
    return StreamingResponse(
        body(),
        media_type=exporter.media_type,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
