"""Scale v1 files: upload (multipart) and import (from a URL); both answer `attachment_url`,
which tasks use as an attachment and which is served at `/api/files/{id}`."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Body, Depends, Request
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from quorum.api.scale import schemas
from quorum.http.deps import bounded, get_session, manager
from quorum.http.wire import JSONRoute
from quorum.services.accounts.users import Principal
from quorum.services.errors import InvalidRequest
from quorum.services.files import stored_files

router = APIRouter(prefix="/v1", tags=["scale v1"], route_class=JSONRoute)

_MULTIPART = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "properties": {
                        "file": {"type": "string", "format": "binary"},
                        "project_name": {"type": "string"},
                    },
                    "required": ["file"],
                }
            }
        },
    }
}


def _project_name(value: Any) -> str | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise InvalidRequest("project_name must be a string")
    return value


@router.post(
    "/files/upload",
    operation_id="scaleUploadFile",
    response_model=schemas.StoredFile,
    responses={404: {"description": "no project named project_name"}},
    openapi_extra=_MULTIPART,
)
async def upload(
    request: Request,
    principal: Principal = Depends(manager),
    session: Session = Depends(get_session),
) -> dict:
    """The multipart body is parsed as it arrives, within the upload bound: the file part is
    spooled to a temporary file (memory bounded by a small buffer), then copied into storage."""
    # A malformed body raises Starlette's HTTPException(400), which the app answers as usual.
    async with bounded(request).form() as form:
        part = form.get("file")
        if not isinstance(part, UploadFile):
            raise InvalidRequest("file is required: a multipart part named `file`")
        mime = part.content_type if part.content_type != "application/octet-stream" else None
        row = await run_in_threadpool(
            stored_files.store,
            session,
            request.app.state.settings,
            principal,
            part.file,
            filename=part.filename or "file",
            mime_type=mime,
            project_name=_project_name(form.get("project_name")),
        )
    return await run_in_threadpool(stored_files.file_view, session, row, str(request.base_url))


@router.post(
    "/files/import",
    operation_id="scaleImportFile",
    response_model=schemas.StoredFile,
    responses={
        404: {"description": "no project named project_name"},
        413: {"description": "the file at file_url is larger than the upload limit"},
    },
)
def import_file(
    request: Request,
    body: dict[str, Any] = Body(description='{"file_url": URL, "project_name"?: str}'),
    principal: Principal = Depends(manager),
    session: Session = Depends(get_session),
) -> dict:
    """Fetches the URL now; public addresses only, unless the operator allows private ones."""
    row = stored_files.import_url(
        session,
        request.app.state.settings,
        principal,
        body.get("file_url"),
        project_name=_project_name(body.get("project_name")),
    )
    return stored_files.file_view(session, row, str(request.base_url))
