"""Stored files (Scale `files/upload` and `files/import`), read back as task attachments."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import FileResponse, Response
from sqlalchemy.orm import Session

from quorum.http import stored_bytes
from quorum.http.deps import get_session, require
from quorum.http.safe_input import SafeRoute
from quorum.services.accounts import permissions
from quorum.services.accounts.users import Principal
from quorum.services.files import stored_files

router = APIRouter(tags=["files"], route_class=SafeRoute)


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
