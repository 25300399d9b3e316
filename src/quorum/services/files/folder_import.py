"""Importing a folder of files, an object-storage prefix or a zip of them: one task per file.

The source is a local directory, `s3://bucket/prefix` (read with the S3 settings and the
standard AWS credentials of whoever runs the import) or a zip archive (what the CLI uploads to a
server: the server never reads a folder or a bucket a requester names). Which file becomes
which params is the task type's word (`TaskType.files`): an image or audio file is copied into
Quorum's store as a stored file of the project, named in the params by its path
`/api/files/<id>`; a text file's text goes into the params itself.

All or nothing: every file is classified and every record validated before a byte is copied;
if a copy or the insert of the tasks then fails, the stored files of this import (rows and
bytes) are deleted again. A crash in between can leave stored files no task uses, as an upload
can, never a task without its file.
"""

from __future__ import annotations

import mimetypes
import shutil
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO, Protocol

from sqlalchemy import delete
from sqlalchemy.orm import Session

from quorum import tasktypes
from quorum.config import Settings
from quorum.db.models import FileProject, StoredFile
from quorum.services.errors import InvalidRequest, ServiceError
from quorum.services.files.storage import (
    COPY_BYTES,
    LocalStorage,
    Storage,
    TooLarge,
    storage_for,
    store_at,
)
from quorum.services.files.stored_files import key_of
from quorum.services.ids import new_id
from quorum.services.projects.catalog import current_params, get_project
from quorum.services.tasks import creation
from quorum.services.tasks.records import parse_records
from quorum.tasktypes.base import FieldError, FileKind

# Plain text only: HTML, XML or CSV files are data of another shape, not a text to label.
TEXT_TYPES = frozenset({"text/plain", "text/markdown"})
# What reading a file of the source may raise: a local or network error, a damaged, encrypted
# (RuntimeError) or oddly compressed (NotImplementedError) member of a zip.
UNREADABLE = (OSError, zipfile.BadZipFile, RuntimeError, NotImplementedError)
# Errors listed in full in one message; the rest are counted.
SHOWN_ERRORS = 5


class Source(Protocol):
    """Where the files come from: any `Storage`, or a zip archive."""

    def iter_keys(self, under: str = "") -> Iterator[str]: ...
    def open(self, key: str) -> IO[bytes]: ...


@dataclass(frozen=True, slots=True)
class SourceFile:
    """One file of the source that becomes one task."""

    key: str
    kind: FileKind
    mime_type: str


# A check of one file's bytes before anything is written (the media checks of `--dry-run`:
# corrupt or truncated images, EXIF rotation, unreadable audio and its duration, plug in
# here): it names the file's problems, and a file with any fails the import.
MediaCheck = Callable[[SourceFile, IO[bytes]], Iterable[str]]


class ZipSource:
    """The files of a zip archive (a folder the CLI packed and uploaded). Together they may
    hold no more than `limit` bytes, the bound of the upload that brought them: a small archive
    must not unpack into more than a body may carry (the CLI stores files uncompressed, so its
    archives are the size of their files anyway)."""

    def __init__(self, archive: IO[bytes], *, limit: int) -> None:
        try:
            self.zip = zipfile.ZipFile(archive)
        except zipfile.BadZipFile as exc:
            raise InvalidRequest(f"not a zip archive: {exc}") from None
        unpacked = sum(info.file_size for info in self.zip.infolist())
        if unpacked > limit:
            raise TooLarge(
                f"the archive's files hold {unpacked:,} bytes, more than the limit of "
                f"{limit:,} bytes (QUORUM_MAX_UPLOAD_BYTES)"
            )

    def iter_keys(self, under: str = "") -> Iterator[str]:
        for info in sorted(self.zip.infolist(), key=lambda i: i.filename):
            if not info.is_dir() and info.filename.startswith(under):
                yield info.filename

    def open(self, key: str) -> IO[bytes]:
        return self.zip.open(key)


def source_at(location: str, settings: Settings) -> Source:
    """The folder at a local path, or the objects under `s3://bucket/prefix`."""
    if location.startswith("s3://"):
        return store_at(location, settings)
    path = Path(location)
    if not path.is_dir():
        raise InvalidRequest(f"{location} is not a folder")
    return LocalStorage(path)


def kind_of(key: str) -> tuple[FileKind | None, str | None]:
    """What a file holds, judged by its name as browsers and `mimetypes` do: (kind, type)."""
    mime = mimetypes.guess_type(PurePosixPath(key).name)[0]
    if mime is None:
        return None, None
    if mime.startswith("image/") and mime != "image/svg+xml":
        return FileKind.image, mime
    if mime.startswith("audio/"):
        return FileKind.audio, mime
    return (FileKind.text if mime in TEXT_TYPES else None), mime


def plan(
    source: Source, task_type: str, *, name: str, checks: Sequence[MediaCheck] = ()
) -> list[SourceFile]:
    """The files of `source` that become tasks of `task_type`, in path order (hidden files
    such as `.DS_Store` are passed over); any other file fails the import, named."""
    takes = tasktypes.get(task_type).files
    if takes is None:
        raise InvalidRequest(f"{task_type} tasks are not made from files; import a task file")
    accepted = ", ".join(sorted(takes.kinds))
    files: list[SourceFile] = []
    problems: list[FieldError] = []
    for key in source.iter_keys():
        if _hidden(key):
            continue
        kind, mime = kind_of(key)
        if kind is None or mime is None or kind not in takes.kinds:
            what = f"a file of type {mime}" if mime else "a file of unknown type"
            problems.append(FieldError(key, f"{what}: {task_type} tasks take {accepted} files"))
            continue
        file = SourceFile(key, kind, mime)
        for check in checks:
            with source.open(key) as stream:
                problems.extend(FieldError(key, problem) for problem in check(file, stream))
        files.append(file)
    _refuse(name, problems)
    if not files:
        raise InvalidRequest(f"{name}: no files to import")
    return files


def pack(source: Source, out: IO[bytes]) -> int:
    """Write the files of `source` (hidden ones passed over) into a zip archive at `out`, for a
    server to import; how many files it holds. Media are stored as they are (already
    compressed), one copy buffer at a time."""
    count = 0
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED, allowZip64=True) as archive:
        for key in source.iter_keys():
            if _hidden(key):
                continue
            with source.open(key) as stream, archive.open(key, "w", force_zip64=True) as member:
                shutil.copyfileobj(stream, member, COPY_BYTES)
            count += 1
    return count


def import_folder(
    session: Session,
    settings: Settings,
    source: Source,
    *,
    project: str,
    name: str,
    batch: str | None = None,
    created_by: int | None = None,
    checks: Sequence[MediaCheck] = (),
    progress: Callable[[int], None] | None = None,
) -> list[str]:
    """One task per file of `source` (called `name` in messages) in `project`; the new task
    ids, in path order. `progress(n)` hears how many files were read or copied."""
    proj = get_project(session, project)
    files = plan(source, proj.task_type, name=name, checks=checks)
    takes = tasktypes.get(proj.task_type).files
    assert takes is not None  # plan refused the type otherwise
    ids = {f.key: new_id() for f in files if f.kind is not FileKind.text}
    texts = _texts(source, files, name, settings.max_text_bytes)
    records = [
        {
            **takes.params(f.kind, texts[f.key] if f.key in texts else f"/api/files/{ids[f.key]}"),
            "metadata": {"source_file": f.key},
        }
        for f in files
    ]

    def where(index: int) -> str:
        return f"{name}, {files[index].key}"

    _, errors = parse_records(
        tasktypes.get(proj.task_type), current_params(session, proj.id).params, records
    )
    if errors:
        raise creation.RecordsInvalid(errors, where)
    project_id = proj.id
    session.commit()  # no transaction stays open while bytes are copied
    storage = storage_for(settings)
    copied: list[str] = []
    try:
        for done, file in enumerate(f for f in files if f.key in ids):
            row = _copy(source, storage, file, ids[file.key], name, settings.max_upload_bytes)
            row.uploaded_by = created_by
            session.add(row)
            copied.append(row.id)
            if progress is not None:
                progress(done + 1)
        session.flush()
        session.add_all(FileProject(file_id=file_id, project_id=project_id) for file_id in copied)
        session.commit()
        return creation.create_tasks(
            session, project, records, batch=batch, created_by=created_by, describe=where
        )
    except BaseException:
        session.rollback()
        _forget(session, storage, copied)
        raise


def _texts(source: Source, files: list[SourceFile], name: str, limit: int) -> dict[str, str]:
    """The text of every text file, each bounded by `limit` UTF-8 bytes."""
    texts: dict[str, str] = {}
    problems: list[FieldError] = []
    for file in files:
        if file.kind is not FileKind.text:
            continue
        try:
            with source.open(file.key) as stream:
                data = stream.read(limit + 1)
        except UNREADABLE as exc:
            problems.append(FieldError(file.key, f"cannot be read ({exc})"))
            continue
        if len(data) > limit:
            problems.append(FieldError(file.key, f"longer than {limit:,} bytes"))
            continue
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            problems.append(FieldError(file.key, f"not UTF-8 text (byte {exc.start})"))
            continue
        if not text.strip():
            problems.append(FieldError(file.key, "empty"))
            continue
        texts[file.key] = text
    _refuse(name, problems)
    return texts


def _copy(
    source: Source, storage: Storage, file: SourceFile, file_id: str, name: str, limit: int
) -> StoredFile:
    """Copy one media file into the store; its row (not yet added)."""
    try:
        with source.open(file.key) as stream:
            written = storage.write(key_of(file_id), stream, limit=limit)
    except ServiceError as exc:
        raise type(exc)(f"{name}, {file.key}: {exc.message}; nothing was imported") from None
    except UNREADABLE as exc:
        raise InvalidRequest(f"{name}, {file.key}: cannot be read ({exc})") from None
    return StoredFile(
        id=file_id,
        filename=PurePosixPath(file.key).name[:400],
        mime_type=file.mime_type,
        size=written.size,
        sha256=written.sha256,
    )


def _forget(session: Session, storage: Storage, file_ids: list[str]) -> None:
    """Delete the stored files of a failed import: their rows (if committed) and bytes."""
    if not file_ids:
        return
    session.execute(delete(FileProject).where(FileProject.file_id.in_(file_ids)))
    session.execute(delete(StoredFile).where(StoredFile.id.in_(file_ids)))
    session.commit()
    for file_id in file_ids:
        storage.delete(key_of(file_id))


def _hidden(key: str) -> bool:
    return any(part.startswith(".") for part in key.split("/"))


def _refuse(name: str, problems: list[FieldError]) -> None:
    if not problems:
        return
    shown = "; ".join(f"{p.loc}: {p.msg}" for p in problems[:SHOWN_ERRORS])
    more = f" (and {len(problems) - SHOWN_ERRORS} more)" if len(problems) > SHOWN_ERRORS else ""
    raise InvalidRequest(f"{name}: {shown}{more}; nothing was imported", errors=problems)
