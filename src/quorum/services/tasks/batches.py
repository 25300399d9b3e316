"""Batches: `in_progress` -> `completed` once its last task is done (the task lifecycle checks:
quorum.services.tasks.lifecycle).

As on Scale, a batch serves its tasks from the start unless staging is asked for (Scale's
Rapid/Studio workflow: the project's `stage_batches` policy, or the batch's own flag); a staging
batch holds them until it is finalized.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from quorum.db.models import Batch, Project, ProjectAnnotator, Task, utcnow
from quorum.db.statuses import BatchStatus, TaskStatus
from quorum.services.callbacks.urls import check_callback_url
from quorum.services.errors import Conflict, InvalidRequest, NotFound
from quorum.services.names import check_name
from quorum.services.projects.catalog import get_project
from quorum.services.projects.policy import policy_of
from quorum.services.tasks import lifecycle
from quorum.services.tasks.records import check_metadata


def batch_view(batch: Batch, project_name: str) -> dict:
    return {
        "id": batch.id,
        "name": batch.name,
        "project": project_name,
        "status": batch.status,
        "callback_url": batch.callback_url,
        "metadata": batch.metadata_,
        "created_at": batch.created_at,
        "finalized_at": batch.finalized_at,
        "completed_at": batch.completed_at,
    }


def create_batch(
    session: Session,
    project: str,
    name: str,
    *,
    callback_url: str | None = None,
    metadata: dict[str, Any] | None = None,
    staging: bool | None = None,
) -> dict:
    """A new batch; `staging` None follows the project's `stage_batches` policy."""
    check_name(name, "batch")
    metadata = check_metadata({} if metadata is None else metadata)
    callback_url = check_callback_url(callback_url)
    proj = get_project(session, project)
    if staging is None:
        staging = policy_of(proj).stage_batches
    now = utcnow()
    batch = Batch(
        name=name,
        project_id=proj.id,
        callback_url=callback_url,
        metadata_=metadata,
        status=BatchStatus.staging if staging else BatchStatus.in_progress,
        created_at=now,
        finalized_at=None if staging else now,
    )
    session.add(batch)
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        raise Conflict(f"a batch named {name!r} already exists") from None
    return batch_view(batch, proj.name)


def get_batch(session: Session, name: str) -> tuple[Batch, str]:
    row = session.execute(
        select(Batch, Project.name).join(Project).where(Batch.name == name)
    ).first()
    if row is None:
        raise NotFound(f"no batch named {name!r}")
    return row[0], row[1]


def queue_rank(studio_priority: int | None, ordered: int) -> int:
    """A task's `batch_priority`: of `ordered` Studio-ordered batches the first is served
    first (rank `ordered`), the last just before unordered batches and loose tasks (rank 0)."""
    return 0 if studio_priority is None else ordered - studio_priority + 1


def ordered_count(session: Session) -> int:
    """How many batches have a Studio place."""
    return session.scalar(select(func.count()).where(Batch.studio_priority.is_not(None))) or 0


def list_batches(
    session: Session,
    *,
    project: str | None = None,
    status: str | None = None,
    limit: int = 100,
    offset: int = 0,
    created_after: dt.datetime | None = None,
    created_before: dt.datetime | None = None,
) -> tuple[list[dict], int]:
    """Newest first, as Scale lists them."""
    query = select(Batch, Project.name).join(Project)
    if created_after is not None:
        query = query.where(Batch.created_at >= created_after)
    if created_before is not None:
        query = query.where(Batch.created_at < created_before)
    if project is not None:
        query = query.where(Batch.project_id == get_project(session, project).id)
    if status is not None:
        if status not in tuple(BatchStatus):
            raise InvalidRequest(f"status must be one of {', '.join(BatchStatus)}")
        query = query.where(Batch.status == status)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.execute(query.order_by(Batch.id.desc()).limit(limit).offset(offset))
    return [batch_view(b, p) for b, p in rows], total


def finalize_batch(session: Session, name: str) -> dict:
    batch, project_name = get_batch(session, name)
    if batch.status == BatchStatus.staging:
        batch.status = BatchStatus.in_progress
        batch.finalized_at = utcnow()
        session.execute(
            update(Task)
            .where(Task.batch_id == batch.id)
            .values(held=False)
            .execution_options(synchronize_session=False)
        )
        # Gold of the batch may sit before annotators' gold cursors: walk from the start again.
        session.execute(
            update(ProjectAnnotator)
            .where(ProjectAnnotator.project_id == batch.project_id)
            .values(gold_after=None)
            .execution_options(synchronize_session=False)
        )
        session.flush()
        lifecycle.complete_done_batches(session, [batch.id])
    session.commit()
    return batch_view(batch, project_name)


def set_metadata(session: Session, name: str, metadata: Any) -> dict:
    """Replace the batch's metadata."""
    metadata = check_metadata(metadata)
    batch, project_name = get_batch(session, name)
    batch.metadata_ = metadata
    session.commit()
    return batch_view(batch, project_name)


def status_counts(session: Session, name: str) -> dict:
    batch, _ = get_batch(session, name)
    counts: dict[str, int] = dict.fromkeys(TaskStatus, 0)
    rows = session.execute(
        select(Task.status, func.count()).where(Task.batch_id == batch.id).group_by(Task.status)
    )
    for status, n in rows:
        counts[status] = n
    return {"status": batch.status, **counts}


def batch_for_new_tasks(session: Session, name: str, project_id: int) -> Batch:
    """The batch tasks are being added to; it must belong to the project and not be done."""
    batch, project_name = get_batch(session, name)
    if batch.project_id != project_id:
        raise InvalidRequest(f"batch {name!r} belongs to project {project_name!r}")
    if batch.status == BatchStatus.completed:
        raise InvalidRequest(f"batch {name!r} is completed; tasks cannot be added to it")
    return batch
