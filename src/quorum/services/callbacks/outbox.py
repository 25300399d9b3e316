"""Callback events into the outbox (the project's URL and key: quorum.services.callbacks.settings).

An event is a job written in the caller's transaction, so a callback goes out if and only if the
change behind it commits; quorum.services.ops.callback_delivery sends it from a worker. A task's
event goes to the task's `callback_url`, else its batch's, else its project's; a batch's event
to the batch's, else the project's (quorum.db.models.TASK_CALLBACK_URL and BATCH_CALLBACK_URL,
which the annotator loop's statements use too). No URL, no job.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from quorum import jobs
from quorum.db.models import BATCH_CALLBACK_URL, TASK_CALLBACK_URL, Batch, Project, Task
from quorum.services.errors import NotFound

TASK_CALLBACK = "callback.task"
BATCH_CALLBACK = "callback.batch"
# Scale's callback triggers: completion, an audit's verdict, an error, a task sent back.
TASK_EVENTS = ("completed", "audited", "error", "recalled")


def enqueue_task_callback(session: Session, task_id: str, event: str = "completed") -> int | None:
    """Queue the callback of a task event; the job id, or None if no URL applies.

    The body is built at delivery, so it shows the task as it is then.
    """
    return enqueue_task_event(session, task_id, event, task_callback_url(session, task_id))


def task_callback_url(session: Session, task_id: str) -> str | None:
    """The URL a task's events go to, or None."""
    row = session.execute(
        select(TASK_CALLBACK_URL)
        .select_from(Task)
        .join(Project, Project.id == Task.project_id)
        .outerjoin(Batch, Batch.id == Task.batch_id)
        .where(Task.id == task_id)
    ).first()
    if row is None:
        raise NotFound(f"no task with id {task_id!r}")
    return row[0]


def enqueue_task_event(session: Session, task_id: str, event: str, url: str | None) -> int | None:
    """`enqueue_task_callback` for a caller that already knows the task's callback URL."""
    if event not in TASK_EVENTS:
        raise ValueError(f"unknown task event {event!r}; one of {', '.join(TASK_EVENTS)}")
    if url is None:
        return None
    payload = {"task_id": task_id, "event": event, "url": url}
    return jobs.enqueue(session, TASK_CALLBACK, payload, task_id=task_id)


def enqueue_batch_callback(session: Session, batch_id: int) -> int | None:
    """Queue the callback of a completed batch; the job id, or None if no URL applies."""
    row = session.execute(
        select(BATCH_CALLBACK_URL)
        .select_from(Batch)
        .join(Project, Project.id == Batch.project_id)
        .where(Batch.id == batch_id)
    ).first()
    if row is None:
        raise NotFound(f"no batch with id {batch_id}")
    url = row[0]
    if url is None:
        return None
    return jobs.enqueue(session, BATCH_CALLBACK, {"batch_id": batch_id, "url": url})
