"""Callback events into the outbox, and each project's callback URL and key.

An event is a job written in the caller's transaction, so a callback goes out if and only if the
change behind it commits; quorum.services.webhook_delivery sends it from a worker. A task's
event goes to the task's `callback_url`, else its batch's, else its project's; a batch's event
to the batch's, else the project's. No URL, no job.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from quorum import jobs
from quorum.db.models import Batch, Project, Task, new_callback_key, utcnow
from quorum.services.callback_urls import check_callback_url
from quorum.services.errors import InvalidRequest, NotFound
from quorum.services.projects import get_project

TASK_CALLBACK = "callback.task"
BATCH_CALLBACK = "callback.batch"
# Scale's callback triggers: completion, an audit's verdict, an error, a task sent back.
TASK_EVENTS = ("completed", "audited", "error", "recalled")


def enqueue_task_callback(session: Session, task_id: str, event: str = "completed") -> int | None:
    """Queue the callback of a task event; the job id, or None if no URL applies.

    The body is built at delivery, so it shows the task as it is then.
    """
    return enqueue_task_event(session, task_id, event, task_callback_url(session, task_id))


# Where a task's events go: its own URL, else its batch's, else its project's (a query using it
# joins the task's project and outer-joins its batch; the annotator loop's SQL repeats it).
CALLBACK_URL = func.coalesce(Task.callback_url, Batch.callback_url, Project.callback_url)


def task_callback_url(session: Session, task_id: str) -> str | None:
    """The URL a task's events go to, or None."""
    row = session.execute(
        select(CALLBACK_URL)
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
    return jobs.enqueue(session, TASK_CALLBACK, {"task_id": task_id, "event": event, "url": url})


def enqueue_batch_callback(session: Session, batch_id: int) -> int | None:
    """Queue the callback of a completed batch; the job id, or None if no URL applies."""
    row = session.execute(
        select(Batch.callback_url, Project.callback_url)
        .join(Project, Project.id == Batch.project_id)
        .where(Batch.id == batch_id)
    ).first()
    if row is None:
        raise NotFound(f"no batch with id {batch_id}")
    url = row[0] or row[1]
    if url is None:
        return None
    return jobs.enqueue(session, BATCH_CALLBACK, {"batch_id": batch_id, "url": url})


def _callback_view(project: Project) -> dict:
    return {
        "project": project.name,
        "callback_url": project.callback_url,
        "callback_key": project.callback_key,
    }


def project_callback(session: Session, name: str) -> dict:
    """A project's default callback URL and its callback key (a secret: managers only)."""
    return _callback_view(get_project(session, name))


def set_project_callback(session: Session, name: str, changes: dict[str, Any]) -> dict:
    """Change `callback_url` (null or "" clears it) and/or `rotate_key` (a new key)."""
    unknown = sorted(set(changes) - {"callback_url", "rotate_key"})
    if unknown:
        raise InvalidRequest(f"unknown field {unknown[0]!r}; give callback_url or rotate_key")
    rotate = changes.get("rotate_key", False)
    if not isinstance(rotate, bool):
        raise InvalidRequest("rotate_key must be true or false")
    project = get_project(session, name)
    if "callback_url" in changes:
        url = changes["callback_url"]
        if url is not None and not isinstance(url, str):
            raise InvalidRequest("callback_url must be a URL string or null")
        project.callback_url = check_callback_url(url)
    if rotate:
        project.callback_key = new_callback_key()
    project.updated_at = utcnow()
    session.commit()
    return _callback_view(project)
