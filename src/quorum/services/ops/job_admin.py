"""The job table for operators: list jobs (failing callbacks first of all) and retry one.

Views never carry a job's whole payload: a callback's shows its task or batch and URL, never
the callback key (which is not in the payload either, and must stay that way).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from quorum import jobs
from quorum.db.models import Job
from quorum.formats.safe_json import INT64_MAX
from quorum.services import cursors
from quorum.services.errors import Conflict, InvalidRequest, NotFound

STATUSES = (jobs.QUEUED, jobs.RUNNING, jobs.SUCCEEDED, jobs.FAILED)
MAX_PAGE = 1000
# Payload fields an operator may see: what a callback is about and where it goes.
VISIBLE = ("task_id", "batch_id", "event", "url", "project_id")
_COLUMNS = (
    Job.id,
    Job.kind,
    Job.status,
    Job.attempts,
    Job.run_at,
    Job.last_error,
    Job.progress_message,
    Job.created_at,
    Job.updated_at,
    Job.finished_at,
    Job.payload,
)


def _is_job_id(key: str) -> bool:
    return key.isascii() and key.isdigit() and len(key) <= 19 and int(key) <= INT64_MAX


def _view(row: Any) -> dict:
    view = {
        "id": row.id,
        "kind": row.kind,
        "status": row.status,
        "attempts": row.attempts,
        "run_at": row.run_at,
        "last_error": row.last_error,
        "progress_message": row.progress_message,
        "created_at": row.created_at,
        "updated_at": row.updated_at,
        "finished_at": row.finished_at,
    }
    view.update({k: row.payload[k] for k in VISIBLE if k in row.payload})
    return view


def list_jobs(
    session: Session,
    *,
    status: str | None = None,
    kind: str | None = None,
    limit: int = 100,
    cursor: str | None = None,
) -> dict:
    """A page of jobs, newest first, and the cursor of the next page (or None)."""
    if status is not None and status not in STATUSES:
        raise InvalidRequest(f"status must be one of {', '.join(STATUSES)}, not {status!r}")
    if not 1 <= limit <= MAX_PAGE:
        raise InvalidRequest(f"limit must be between 1 and {MAX_PAGE}")
    query = select(*_COLUMNS)
    if status is not None:
        query = query.where(Job.status == status)
    if kind is not None:
        query = query.where(Job.kind == kind)
    if cursor:
        query = query.where(Job.id < int(cursors.decode(cursor, _is_job_id)))
    rows = session.execute(query.order_by(Job.id.desc()).limit(limit + 1)).all()
    has_more = len(rows) > limit
    rows = rows[:limit]
    return {
        "docs": [_view(r) for r in rows],
        "limit": limit,
        "has_more": has_more,
        "next_cursor": cursors.encode(str(rows[-1].id)) if has_more else None,
    }


def retry_job(session: Session, job_id: int) -> dict:
    """Queue a failed job to run again now, keeping its attempts and last error; commits."""
    if not jobs.requeue(session, job_id):
        status = session.scalar(select(Job.status).where(Job.id == job_id))
        if status is None:
            raise NotFound(f"no job with id {job_id}")
        raise Conflict(f"job {job_id} is {status}; only failed jobs can be retried")
    session.commit()
    [row] = session.execute(select(*_COLUMNS).where(Job.id == job_id)).all()
    return _view(row)
