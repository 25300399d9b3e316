"""Files sent by requesters (Scale's `files/upload` and `files/import`), used as attachments.

Bytes live in the store (`storage`) under `files/<id>`; the `files` table says who uploaded
them and which projects use them. A file is served back at `/api/files/<id>` to its uploader,
to managers, and to members of a project that uses it: one named at upload, or one whose tasks
carry its URL. An import fetches a URL under the rule callbacks follow (public addresses only,
unless QUORUM_CALLBACK_ALLOW_PRIVATE=1), without following redirects, bounded like an upload.
"""

from __future__ import annotations

import mimetypes
import re
from dataclasses import dataclass
from pathlib import Path
from tempfile import SpooledTemporaryFile
from typing import IO, Any
from urllib.parse import unquote, urlsplit

import orjson
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from quorum.config import Settings
from quorum.db.models import FileProject, Project, ProjectMember, StoredFile
from quorum.services.accounts import permissions
from quorum.services.accounts.users import Principal
from quorum.services.callbacks.urls import UnsafeCallbackUrl, resolve, url_problem
from quorum.services.errors import InvalidRequest, NotFound
from quorum.services.files.storage import COPY_BYTES, Storage, TooLarge, storage_for
from quorum.services.ids import new_id
from quorum.services.projects.catalog import get_project

# The path of a served file; a task param holding it links the file to the task's project.
FILE_PATH = re.compile(r"/api/files/([0-9a-f]{24})\b")


@dataclass(frozen=True, slots=True)
class Stored:
    """A file ready to be read back: its row, and the store and key of its bytes."""

    row: StoredFile
    storage: Storage
    key: str


def key_of(file_id: str) -> str:
    return f"files/{file_id}"


def file_view(session: Session, row: StoredFile, base_url: str) -> dict:
    projects = session.scalars(
        select(Project.name)
        .join(FileProject, FileProject.project_id == Project.id)
        .where(FileProject.file_id == row.id)
        .order_by(Project.name)
    ).all()
    return {
        "id": row.id,
        "attachment_url": f"{base_url.rstrip('/')}/api/files/{row.id}",
        "filename": row.filename,
        "mime_type": row.mime_type,
        "size": row.size,
        "project_names": list(projects),
        "created_at": row.created_at,
        "updated_at": row.created_at,
    }


def store(
    session: Session,
    settings: Settings,
    principal: Principal,
    source: IO[bytes],
    *,
    filename: str,
    mime_type: str | None = None,
    project_name: str | None = None,
    source_url: str | None = None,
) -> StoredFile:
    """Copy the bytes from `source` into storage, then write the row (a crash between leaves
    an orphan file, never a row without bytes). Memory stays bounded by one copy buffer."""
    project = get_project(session, project_name) if project_name else None
    filename = Path(filename or "file").name[:400] or "file"
    mime = mime_type or mimetypes.guess_type(filename)[0] or "application/octet-stream"
    file_id = new_id()
    written = storage_for(settings).write(key_of(file_id), source, limit=settings.max_upload_bytes)
    row = StoredFile(
        id=file_id,
        uploaded_by=principal.user_id,
        filename=filename,
        mime_type=mime[:200],
        size=written.size,
        sha256=written.sha256,
        source_url=source_url,
    )
    session.add(row)
    session.flush()
    if project is not None:
        session.add(FileProject(file_id=row.id, project_id=project.id))
    session.commit()
    return row


def fetch(url: Any, settings: Settings, into: IO[bytes]) -> tuple[str, str | None]:
    """Download `url` for an import into `into`: (file name, content type)."""
    problem = url_problem(url)
    if problem is not None:
        raise InvalidRequest(f"file_url {problem}")
    import httpx  # here, not at import: the server's start time is budgeted

    try:
        target = resolve(url, allow_private=settings.callback_allow_private)
    except UnsafeCallbackUrl as exc:
        raise InvalidRequest(f"file_url refused: {exc}") from None
    except OSError as exc:
        raise InvalidRequest(f"file_url: cannot resolve the host ({exc})") from None
    size = 0
    try:
        with (
            httpx.Client(timeout=settings.callback_timeout_s, trust_env=False) as client,
            client.stream(
                "GET",
                target.url,
                headers={"Host": target.host_header},
                extensions=target.extensions,
            ) as response,
        ):
            if response.status_code != 200:
                raise InvalidRequest(f"file_url answered HTTP {response.status_code}")
            for chunk in response.iter_bytes(COPY_BYTES):
                size += len(chunk)
                if size > settings.max_upload_bytes:
                    raise TooLarge(
                        f"file at file_url is larger than {settings.max_upload_bytes} bytes"
                    )
                into.write(chunk)
            content_type = response.headers.get("content-type")
    except httpx.HTTPError as exc:
        raise InvalidRequest(f"file_url could not be fetched: {type(exc).__name__}") from None
    into.seek(0)
    name = unquote(urlsplit(url).path.rsplit("/", 1)[-1]) or "file"
    mime = content_type.split(";")[0].strip() if content_type else None
    return name, mime


def import_url(
    session: Session,
    settings: Settings,
    principal: Principal,
    url: Any,
    *,
    project_name: str | None = None,
) -> StoredFile:
    """Fetch `url` and store it; a bad project name fails before the download, and no
    transaction is open while it runs."""
    if project_name is not None:
        get_project(session, project_name)
    session.commit()
    with SpooledTemporaryFile(max_size=COPY_BYTES) as download:
        name, mime = fetch(url, settings, download)
        return store(
            session,
            settings,
            principal,
            download,
            filename=name,
            mime_type=mime,
            project_name=project_name,
            source_url=url,
        )


def link_to_project(session: Session, project_id: int, values: Any) -> None:
    """Link every stored file whose URL appears in `values` (task params) to the project, so
    its members may read it (caller commits)."""
    ids = set(FILE_PATH.findall(orjson.dumps(values).decode()))
    if not ids:
        return
    known = set(session.scalars(select(StoredFile.id).where(StoredFile.id.in_(ids))))
    linked = set(
        session.scalars(
            select(FileProject.file_id).where(
                FileProject.project_id == project_id, FileProject.file_id.in_(known)
            )
        )
    )
    fresh = sorted(known - linked)
    if fresh:
        session.execute(
            insert(FileProject), [{"file_id": f, "project_id": project_id} for f in fresh]
        )


def open_for(session: Session, settings: Settings, principal: Principal, file_id: str) -> Stored:
    """The file if the caller may read it; a file they may not read looks missing."""
    row = session.get(StoredFile, file_id)
    if row is None or not _may_read(session, principal, row):
        raise NotFound(f"no file with id {file_id!r}")
    storage = storage_for(settings)
    if not storage.exists(key_of(row.id)):
        raise NotFound(f"the bytes of file {file_id!r} are missing from the store")
    return Stored(row, storage, key_of(row.id))


def _may_read(session: Session, principal: Principal, row: StoredFile) -> bool:
    shares_project = session.scalar(
        select(ProjectMember.project_id)
        .join(FileProject, FileProject.project_id == ProjectMember.project_id)
        .where(FileProject.file_id == row.id, ProjectMember.user_id == principal.user_id)
        .limit(1)
    )
    return permissions.can_read_file(principal, row.uploaded_by, shares_project is not None)
