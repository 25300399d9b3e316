"""Export of a project's tasks: streamed in the request, or run as a job into a stored file."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import FileResponse, Response, StreamingResponse
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session

from quorum.db.engine import Database
from quorum.formats.exporters import EXPORTERS
from quorum.http import schemas, stored_bytes
from quorum.http.deps import get_session, manager
from quorum.http.safe_input import DbInt
from quorum.http.wire import JSONRoute
from quorum.services.accounts.users import Principal
from quorum.services.exports import export, export_jobs

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


class ExportJobIn(BaseModel):
    """What an export job carries: the same choices as the streamed export's query."""

    model_config = ConfigDict(extra="forbid")
    format: str = "jsonl"
    status: str | None = Field(None, description="only tasks with this status")
    min_confidence: float | None = Field(
        None, ge=0, le=1, description="only tasks whose label is at least this confident"
    )
    below: bool = Field(False, description="the other tasks: below min_confidence or unlabelled")


_EXPORT_JOB: dict[int | str, dict[str, Any]] = {
    404: {"description": "no such project or export"},
}


@router.post(
    "/api/projects/{project}/exports",
    operation_id="startExportJob",
    response_model=schemas.ExportJob,
    responses={**_EXPORT_JOB, 400: {"description": "a format the project does not export as"}},
)
def start_export_job(
    project: str,
    body: ExportJobIn,
    principal: Principal = Depends(manager),
    session: Session = Depends(get_session),
) -> dict:
    """Start an export as a background job; poll its state, then download its file."""
    selection = export.Selection(body.status, body.min_confidence, body.below)
    return export_jobs.start(session, project, body.format, selection, principal.name)


@router.get(
    "/api/projects/{project}/exports",
    operation_id="listExportJobs",
    response_model=list[schemas.ExportJob],
    responses=_EXPORT_JOB,
)
def list_export_jobs(
    project: str, _: Principal = Depends(manager), session: Session = Depends(get_session)
) -> list[dict]:
    """The project's export jobs, newest first."""
    return export_jobs.list_exports(session, project)


@router.get(
    "/api/projects/{project}/exports/{export_id}",
    operation_id="getExportJob",
    response_model=schemas.ExportJob,
    responses=_EXPORT_JOB,
)
def get_export_job(
    project: str,
    export_id: DbInt,
    _: Principal = Depends(manager),
    session: Session = Depends(get_session),
) -> dict:
    """An export job's state and progress (tasks written of the total)."""
    return export_jobs.get(session, project, export_id)


@router.get(
    "/api/projects/{project}/exports/{export_id}/file",
    operation_id="downloadExportJob",
    response_class=FileResponse,
    responses={
        200: {
            "description": "the export's file",
            "content": {e.media_type: {"schema": {"type": "string"}} for e in EXPORTERS.values()},
        },
        409: {"description": "the export is not finished (or failed)"},
        **_EXPORT_JOB,
    },
)
def download_export_job(
    project: str,
    export_id: DbInt,
    request: Request,
    _: Principal = Depends(manager),
    session: Session = Depends(get_session),
) -> Response:
    """The file of a finished export job."""
    ready = export_jobs.ready_file(session, request.app.state.settings, project, export_id)
    return stored_bytes.send(
        ready.storage,
        ready.key,
        filename=ready.filename,
        media_type=ready.media_type,
        size=ready.size,
        inline=False,
    )
