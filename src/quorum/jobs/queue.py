"""The job table as a queue: enqueue in the caller's transaction, claim with a lease, finish.

A job row is its whole state, so jobs survive restarts and any number of workers on any number
of machines share them. Status goes `queued` -> `running` -> `succeeded` | `failed` (or back to
`queued` for a retry); finished jobs are deleted once old (`purge_finished`). `run_at` is when
the row next needs a worker: for a queued job when it is due, for a running one when its lease
ends and another worker may take it over. `attempts` counts claims and doubles as a fencing
token: a worker whose lease was taken over can no longer finish, fail or touch the job.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import (
    ColumnElement,
    CursorResult,
    Delete,
    Update,
    and_,
    delete,
    exists,
    insert,
    select,
    text,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from quorum.db.models import Base, Job, utcnow

QUEUED, RUNNING, SUCCEEDED, FAILED = "queued", "running", "succeeded", "failed"
FINISHED = (SUCCEEDED, FAILED)
MAX_ERROR_CHARS = 2000

_jobs = Base.metadata.tables[Job.__tablename__]


class LeaseLost(Exception):
    """The job's lease ran out and another worker claimed it (or it is no longer running)."""


@dataclass(frozen=True, slots=True)
class Claim:
    """A job this worker holds until `lease_until`; `attempts` includes this claim."""

    id: int
    kind: str
    payload: dict[str, Any]
    attempts: int
    created_at: dt.datetime
    lease_until: dt.datetime


def _naive_utc(value: dt.datetime) -> dt.datetime:
    """Stored datetimes are naive UTC: convert an aware one, take a naive one as UTC."""
    if value.tzinfo is None:
        return value
    return value.astimezone(dt.UTC).replace(tzinfo=None)


def _new_job(kind: str, payload: dict[str, Any], run_at: dt.datetime | None) -> dict[str, Any]:
    now = utcnow()
    return {
        "kind": kind, "payload": payload, "status": QUEUED,
        "run_at": now if run_at is None else _naive_utc(run_at),
        "attempts": 0, "created_at": now, "updated_at": now,
    }  # fmt: skip


def enqueue(
    session: Session,
    kind: str,
    payload: dict[str, Any],
    *,
    run_at: dt.datetime | None = None,
    task_id: str | None = None,
) -> int:
    """Add a job and return its id; `task_id` names the task it is about, if any. The caller
    commits: the job exists if and only if the change that asked for it commits (the outbox
    pattern)."""
    row = {**_new_job(kind, payload, run_at), "task_id": task_id}
    return session.execute(insert(_jobs).values(row).returning(_jobs.c.id)).scalar_one()


def enqueue_once(
    session: Session,
    kind: str,
    payload: dict[str, Any],
    *,
    key: str,
    run_at: dt.datetime | None = None,
) -> int | None:
    """Add a job unless a queued one has the same `key`: its id, or None when one was there.

    The unique index over queued keys decides, so concurrent callers on any number of
    processes leave exactly one queued job (the caller commits).
    """
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    statement = (
        dialect.insert(_jobs)
        .values({**_new_job(kind, payload, run_at), "unique_key": key})
        .on_conflict_do_nothing(
            index_elements=[_jobs.c.unique_key], index_where=text(f"status = '{QUEUED}'")
        )
        .returning(_jobs.c.id)
    )
    return session.execute(statement).scalar()


def _due(kinds: Collection[str], now: dt.datetime) -> ColumnElement[bool]:
    return and_(
        _jobs.c.status.in_((QUEUED, RUNNING)),
        _jobs.c.run_at <= now,
        _jobs.c.kind.in_(list(kinds)),
    )


def has_due(session: Session, kinds: Collection[str], *, now: dt.datetime | None = None) -> bool:
    """Whether a job of these kinds is due: a plain read, so idle workers take no write lock."""
    return bool(session.scalar(select(exists().where(_due(kinds, now or utcnow())))))


def claim(
    session: Session,
    worker: str,
    kinds: Collection[str],
    *,
    lease_seconds: float,
    now: dt.datetime | None = None,
) -> Claim | None:
    """Take the oldest due job of these kinds, or None; the caller commits.

    One statement on both databases. On PostgreSQL the inner SELECT locks its row with
    FOR UPDATE SKIP LOCKED, so concurrent workers take different jobs without waiting; on
    SQLite the session must be a write session (BEGIN IMMEDIATE), which serialises claimers.
    """
    now = now or utcnow()
    lease_until = now + dt.timedelta(seconds=lease_seconds)
    oldest_due = (
        select(_jobs.c.id)
        .where(_due(kinds, now))
        .order_by(_jobs.c.run_at, _jobs.c.id)
        .limit(1)
        .with_for_update(skip_locked=True)
        .scalar_subquery()
    )
    row = session.execute(
        update(_jobs)
        .where(_jobs.c.id == oldest_due)
        .values(
            status=RUNNING,
            attempts=_jobs.c.attempts + 1,
            locked_by=worker,
            run_at=lease_until,
            updated_at=now,
        )
        .returning(_jobs.c.id, _jobs.c.kind, _jobs.c.payload, _jobs.c.attempts, _jobs.c.created_at)
    ).first()
    if row is None:
        return None
    return Claim(row.id, row.kind, row.payload, row.attempts, row.created_at, lease_until)


def _changed(session: Session, statement: Update | Delete) -> int:
    """How many rows an UPDATE or DELETE without RETURNING changed. `Session.execute` is typed
    to return a plain Result; for such a statement it is a CursorResult, which counts them."""
    return cast(CursorResult[Any], session.execute(statement)).rowcount


def _update_held(session: Session, job: Claim, **values: Any) -> None:
    """Change a job this worker still holds; LeaseLost if it was taken over meanwhile."""
    changed = _changed(
        session,
        update(_jobs)
        .where(_jobs.c.id == job.id, _jobs.c.status == RUNNING, _jobs.c.attempts == job.attempts)
        .values(updated_at=utcnow(), **values),
    )
    if changed != 1:
        raise LeaseLost(f"job {job.id} was taken over by another worker")


def complete(session: Session, job: Claim) -> None:
    """Mark a held job succeeded (caller commits)."""
    _update_held(session, job, status=SUCCEEDED, finished_at=utcnow(), progress=1.0, locked_by=None)


def fail(session: Session, job: Claim, error: str, *, retry_at: dt.datetime | None = None) -> None:
    """Record a failed attempt: queued again at `retry_at`, or failed for good without one."""
    if retry_at is None:
        state: dict[str, Any] = {"status": FAILED, "finished_at": utcnow()}
    else:
        state = {"status": QUEUED, "run_at": _naive_utc(retry_at)}
    _update_held(session, job, last_error=error[:MAX_ERROR_CHARS], locked_by=None, **state)


def report_progress(
    session: Session,
    job: Claim,
    fraction: float,
    message: str | None = None,
    *,
    lease_seconds: float,
) -> dt.datetime:
    """Store how far a long job is and renew its lease; returns the new end of the lease."""
    if not 0.0 <= fraction <= 1.0:
        raise ValueError(f"progress must be between 0 and 1, not {fraction}")
    lease_until = utcnow() + dt.timedelta(seconds=lease_seconds)
    _update_held(session, job, progress=fraction, progress_message=message, run_at=lease_until)
    return lease_until


def purge_finished(session: Session, before: dt.datetime, *, limit: int) -> int:
    """Delete up to `limit` jobs that finished before `before`; how many (caller commits).

    Bounded, so a caller deleting many rows commits in steps and never holds SQLite's write
    lock for long.
    """
    oldest = (
        select(_jobs.c.id)
        .where(_jobs.c.status.in_(FINISHED), _jobs.c.finished_at < _naive_utc(before))
        .limit(limit)
    )
    return _changed(session, delete(_jobs).where(_jobs.c.id.in_(oldest)))


def requeue(session: Session, job_id: int, *, now: dt.datetime | None = None) -> bool:
    """Make a failed job due again now; False if it is not failed (caller commits).

    `attempts` stays: it is the fencing token. The key is dropped, so the job never collides
    with the queued successor of its periodic chain.
    """
    now = now or utcnow()
    changed = _changed(
        session,
        update(_jobs)
        .where(_jobs.c.id == job_id, _jobs.c.status == FAILED)
        .values(status=QUEUED, run_at=now, finished_at=None, unique_key=None, updated_at=now),
    )
    return changed == 1
