"""Exports run as durable background jobs, for projects too large to stream in one request.

Starting one records what it carries (`Export`) and queues an `export.file` job in the same
transaction. The worker streams the export (quorum.services.exports.export) into the store as
`exports/<id>.<ext>`, recording how many tasks it has written; the store's write is whole or
absent, and the file is offered for download only once the export is marked finished, in the
transaction that checks the worker still holds the job. A worker that dies mid-way leaves no
file on offer: once its lease ends another worker takes the job and runs the export again from
the start (an export is a pure read, so the file it writes is the one the first would have).
Retention deletes finished exports and their files with their jobs.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.orm import Session

from quorum import jobs
from quorum.config import Settings
from quorum.db.engine import Database
from quorum.db.models import Export, Job, Project, utcnow
from quorum.formats.exporters import EXPORTERS
from quorum.services.errors import Conflict, NotFound
from quorum.services.exports.export import Selection, count, export_chunks, exporter_of
from quorum.services.files.storage import Storage, storage_for
from quorum.services.projects.catalog import get_project

KIND = "export.file"
MAX_LISTED = 100
# Progress (and the job's lease) is written at most this often while an export runs.
PROGRESS_EVERY_S = 0.5
# Exports deleted per transaction by retention.
PURGE_BATCH = 500

_COLUMNS = (Export, Project.name, Job.status, Job.last_error, Job.attempts)


def file_key(export_id: int, fmt: str) -> str:
    return f"exports/{export_id}.{EXPORTERS[fmt].extension}"


def _state(row: Any) -> str:
    """queued, running, succeeded (the file is ready) or failed."""
    if row.Export.finished_at is not None:
        return jobs.SUCCEEDED
    if row.status in (jobs.QUEUED, jobs.RUNNING):
        return str(row.status)
    return jobs.FAILED


def _view(row: Any) -> dict:
    export: Export = row.Export
    state = _state(row)
    ready = state == jobs.SUCCEEDED
    return {
        "id": export.id,
        "project": row.name,
        "format": export.format,
        **export.selection,
        "state": state,
        "tasks_done": export.tasks_done,
        "tasks_total": export.tasks_total,
        "attempts": row.attempts or 0,
        "error": row.last_error if state == jobs.FAILED else None,
        "size": export.size,
        "sha256": export.sha256,
        "requested_by": export.requested_by,
        "created_at": export.created_at,
        "finished_at": export.finished_at,
        "filename": filename(row.name, export),
        "download_url": f"/api/projects/{quote(row.name)}/exports/{export.id}/file"
        if ready
        else None,
    }


def filename(project: str, export: Export) -> str:
    return f"{project}-export-{export.id}.{EXPORTERS[export.format].extension}"


def _rows(*where: Any) -> Any:
    return (
        select(*_COLUMNS)
        .join(Project, Project.id == Export.project_id)
        .outerjoin(Job, Job.id == Export.job_id)
        .where(*where)
    )


def start(
    session: Session, project: str, fmt: str, selection: Selection, requested_by: str | None
) -> dict:
    """Record an export of `project` and queue its job; its view. Commits."""
    proj = get_project(session, project)
    exporter_of(proj, fmt)  # refuse a format the type does not export as, before queueing
    export = Export(
        project_id=proj.id,
        format=fmt,
        selection=dataclasses.asdict(selection),
        requested_by=requested_by,
        tasks_done=0,
    )
    session.add(export)
    session.flush()
    export.job_id = jobs.enqueue(session, KIND, {"export_id": export.id, "project_id": proj.id})
    session.commit()
    return get(session, project, export.id)


def get(session: Session, project: str, export_id: int) -> dict:
    """One export of `project`: its state, progress and, once ready, where to download it."""
    proj = get_project(session, project)
    row = session.execute(_rows(Export.id == export_id, Export.project_id == proj.id))
    found = row.first()
    if found is None:
        raise NotFound(f"project {project!r} has no export {export_id}")
    return _view(found)


def list_exports(session: Session, project: str) -> list[dict]:
    """The project's exports, newest first (at most MAX_LISTED)."""
    proj = get_project(session, project)
    query = _rows(Export.project_id == proj.id).order_by(Export.id.desc())
    return [_view(r) for r in session.execute(query.limit(MAX_LISTED))]


@dataclass(frozen=True, slots=True)
class ReadyFile:
    storage: Storage
    key: str
    filename: str
    media_type: str
    size: int


def ready_file(session: Session, settings: Settings, project: str, export_id: int) -> ReadyFile:
    """The finished file of an export; Conflict while it is not ready (or if it failed)."""
    view = get(session, project, export_id)
    if view["state"] == jobs.FAILED:
        raise Conflict(f"export {export_id} failed: {view['error'] or 'its job is gone'}")
    if view["state"] != jobs.SUCCEEDED:
        done = f"{view['tasks_done']} of {view['tasks_total'] or '?'} tasks"
        raise Conflict(f"export {export_id} is {view['state']} ({done}); its file is not ready")
    fmt = view["format"]
    return ReadyFile(
        storage_for(settings),
        file_key(export_id, fmt),
        view["filename"],
        EXPORTERS[fmt].media_type,
        view["size"],
    )


class _ChunkReader(io.RawIOBase):
    """An iterator of byte chunks read as a binary file (what the store's write takes)."""

    def __init__(self, chunks: Iterator[bytes]) -> None:
        self._chunks = chunks
        self._left = memoryview(b"")

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        while not self._left:
            chunk = next(self._chunks, None)
            if chunk is None:
                return 0
            self._left = memoryview(chunk)
        n = min(len(buffer), len(self._left))
        buffer[:n] = self._left[:n]
        self._left = self._left[n:]
        return n


def _record(
    ctx: jobs.JobContext, export_id: int, done: int, total: int, **done_values: Any
) -> None:
    """Store how far the export is and renew the job's lease, in one transaction that fails
    (LeaseLost) if another worker has taken the job over."""
    with ctx.db.begin() as session:
        message = f"{done} of {total} tasks"
        fraction = 1.0 if done_values else min(done / total, 1.0) if total else 0.0
        jobs.report_progress(session, ctx.job, fraction, message, lease_seconds=ctx.lease_seconds)
        session.execute(
            update(Export)
            .where(Export.id == export_id)
            .values(tasks_done=done, tasks_total=total, **done_values)
        )


class _Progress:
    """Hears the running count of tasks written; records it every PROGRESS_EVERY_S."""

    def __init__(self, ctx: jobs.JobContext, export_id: int, total: int) -> None:
        self.ctx, self.export_id, self.total = ctx, export_id, total
        self.done = 0
        self._last = time.monotonic()

    def __call__(self, done: int) -> None:
        self.done = done
        if time.monotonic() - self._last >= PROGRESS_EVERY_S:
            _record(self.ctx, self.export_id, done, self.total)
            self._last = time.monotonic()


def _run(ctx: jobs.JobContext, storage: Storage) -> None:
    export_id = ctx.job.payload["export_id"]
    with ctx.db.session() as session:
        found = session.execute(
            select(Export, Project.name).join(Project).where(Export.id == export_id)
        ).first()
        if found is None:  # deleted meanwhile
            return
        export, project = found.Export, found.name
        selection = Selection(**export.selection)
        progress = _Progress(ctx, export_id, count(session, project, selection))
        _record(ctx, export_id, 0, progress.total)
        chunks, _ = export_chunks(session, project, export.format, selection, progress=progress)
        key = file_key(export_id, export.format)
        written = storage.write(key, io.BufferedReader(_ChunkReader(chunks)))
    done = progress.done
    _record(
        ctx, export_id, done, done, size=written.size, sha256=written.sha256, finished_at=utcnow()
    )


def handler(settings: Settings) -> jobs.Handler:
    """The worker's handler for `export.file` jobs."""
    storage = storage_for(settings)
    return lambda ctx: _run(ctx, storage)


def purge(db: Database, storage: Storage, before: dt.datetime) -> int:
    """Delete the exports that ended (finished, or their job failed) before `before`, files
    first, then their records; how many. Runs with job retention, before the jobs go."""
    ended = func.coalesce(Export.finished_at, Job.finished_at, Export.created_at)
    old = (
        select(Export.id, Export.format)
        .outerjoin(Job, Job.id == Export.job_id)
        .where(or_(Job.id.is_(None), Job.status.in_(jobs.FINISHED)), ended < before)
        .order_by(Export.id)
        .limit(PURGE_BATCH)
    )
    total = 0
    while True:
        with db.session() as session:
            rows = session.execute(old).all()
        for row in rows:
            storage.delete(file_key(row.id, row.format))
        with db.begin() as session:
            session.execute(delete(Export).where(Export.id.in_([r.id for r in rows])))
        total += len(rows)
        if len(rows) < PURGE_BATCH:
            return total
