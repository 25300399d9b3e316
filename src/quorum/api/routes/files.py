"""Stored files (Scale `files/upload` and `files/import`), read back as task attachments; a
zip of media or text files imported as one task per file."""

from __future__ import annotations

from typing import IO

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import FileResponse, Response
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from quorum.http import schemas, stored_bytes
from quorum.http.deps import get_session, manager, require, spooled_body
from quorum.http.safe_input import SafeRoute
from quorum.services.accounts import permissions
from quorum.services.accounts.users import Principal
from quorum.services.files import folder_import, stored_files
from quorum.services.labeling import test_mode

router = APIRouter(tags=["files"], route_class=SafeRoute)

# Documented as bytes (any Content-Type is read): OpenAPI tools serialize octet-stream bodies.
_ZIP_BODY = {
    "requestBody": {
        "required": True,
        "description": "a zip archive",
        "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}},
    }
}


@router.get(
    "/api/files/{file_id}",
    operation_id="getFile",
    response_class=FileResponse,
    responses={
        200: {
            "description": "the file's bytes, as the type it was stored with",
            "content": {"*/*": {"schema": {"type": "string", "format": "binary"}}},
        }
    },
)
def get_file(
    file_id: str,
    request: Request,
    principal: Principal = Depends(
        require(permissions.is_signed_in, then=permissions.can_read_file)
    ),
    session: Session = Depends(get_session),
) -> Response:
    """The file's bytes: for its uploader, managers, and members of a project using it. From a
    store that signs URLs, a redirect to a short-lived one; otherwise the bytes, streamed."""
    stored = stored_files.open_for(session, request.app.state.settings, principal, file_id)
    row = stored.row
    # The type is the uploader's word: an HTML or SVG file must not run scripts in Quorum's
    # origin, where annotators' sessions live.
    headers = {
        "X-Content-Type-Options": "nosniff",
        "Content-Security-Policy": "default-src 'none'; sandbox",
    }
    return stored_bytes.send(
        stored.storage,
        stored.key,
        filename=row.filename,
        media_type=row.mime_type,
        size=row.size,
        inline=True,
        headers=headers,
    )


@router.post(
    "/api/projects/{project}/tasks/import-folder",
    operation_id="importFolder",
    response_model=schemas.TasksCreated,
    responses={413: {"description": "the archive, or a file in it, is larger than the limit"}},
    openapi_extra=_ZIP_BODY,
)
async def import_folder(
    project: str,
    request: Request,
    filename: str | None = Query(None, description="the archive's name, for messages"),
    batch: str | None = None,
    principal: Principal = Depends(manager),
    session: Session = Depends(get_session),
) -> dict:
    """A zip of image, audio or text files: one task per file, media kept as stored files of
    the project (`quorum import FOLDER --url …` packs a folder or an S3 prefix and sends it
    here). The server reads only the archive it is sent, never a folder or a bucket named by
    the caller, which its own disk or credentials could reach. All or none are created."""
    settings = request.app.state.settings

    def create(body: IO[bytes]) -> list[str]:
        return folder_import.import_folder(
            session,
            settings,
            folder_import.ZipSource(body, limit=settings.max_upload_bytes),
            project=project,
            name=filename or "archive",
            batch=batch,
            created_by=principal.user_id,
        )

    async with spooled_body(request) as body:
        ids = await run_in_threadpool(create, body)
    if principal.is_test_key:
        await run_in_threadpool(test_mode.complete_by_machine, session, ids)
    return {"created": len(ids), "task_ids": ids}
