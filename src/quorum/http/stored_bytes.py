"""Sending stored bytes to a caller, whatever the store: a redirect to a short-lived signed URL
where the store signs them, the local file (sendfile) where it has one, else a stream."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import IO

from fastapi.responses import FileResponse, RedirectResponse, Response, StreamingResponse

from quorum.services.files.storage import COPY_BYTES, Storage

# How long a signed URL handed to a browser stays good: long enough to load an image or audio.
SIGNED_URL_SECONDS = 300


def send(
    storage: Storage,
    key: str,
    *,
    filename: str,
    media_type: str,
    size: int,
    inline: bool,
    headers: Mapping[str, str] | None = None,
) -> Response:
    """The response that hands over the object `key`: shown in the browser when `inline`,
    else saved as `filename`."""
    headers = dict(headers or {})
    signed = storage.signed_url(
        key, filename=filename, mime_type=media_type, expires_s=SIGNED_URL_SECONDS
    )
    if signed is not None:
        return RedirectResponse(signed, status_code=307, headers={"Cache-Control": "no-store"})
    disposition = "inline" if inline else "attachment"
    path = storage.local_path(key)
    if path is not None:
        return FileResponse(
            path,
            media_type=media_type,
            filename=filename,
            content_disposition_type=disposition,
            headers=headers,
        )
    safe_name = filename.replace('"', "")
    return StreamingResponse(
        _chunks(storage.open(key)),
        media_type=media_type,
        headers={
            **headers,
            "Content-Length": str(size),
            "Content-Disposition": f'{disposition}; filename="{safe_name}"',
        },
    )


def _chunks(stream: IO[bytes]) -> Iterator[bytes]:
    with stream:
        while chunk := stream.read(COPY_BYTES):
            yield chunk
