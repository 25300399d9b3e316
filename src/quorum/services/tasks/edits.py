"""Changing one task: cancel, reopen, metadata, tags, priority, unique_id (each commits)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from quorum.db.models import TaskTag, utcnow
from quorum.services.errors import Conflict, InvalidRequest
from quorum.services.tasks import lifecycle
from quorum.services.tasks.queries import _tags_of, get_task_row
from quorum.services.tasks.records import MAX_TAGS, check_metadata, check_unique_id


def cancel_task(session: Session, task_id: str, *, clear_unique_id: bool = False) -> None:
    task = get_task_row(session, task_id)
    lifecycle.cancel(session, task)
    if clear_unique_id:
        task.unique_id = None
    session.commit()


def reopen_task(session: Session, task_id: str) -> None:
    """A manager sends a finished task back to the queue (quorum.services.tasks.lifecycle).

    A manager's reopen is a fresh start: the rejections the task had in review are forgotten
    too, or a task failed past the project's rejection limit would fail again on the next one.
    (Review's own reopen, after a rejection, keeps counting.)"""
    task = get_task_row(session, task_id)
    lifecycle.reopen(session, task)
    task.review_status = None
    task.low_confidence = False
    task.rejections = 0
    session.commit()


def set_metadata(session: Session, task_id: str, metadata: Any) -> None:
    metadata = check_metadata(metadata)
    task = get_task_row(session, task_id)
    task.metadata_ = metadata
    task.updated_at = utcnow()
    session.commit()


def _check_tags(tags: Any) -> list[str]:
    if not isinstance(tags, list) or not all(
        isinstance(t, str) and 0 < len(t) <= 200 for t in tags
    ):
        raise InvalidRequest("tags must be a JSON list of non-empty strings (at most 200 chars)")
    return list(dict.fromkeys(tags))


def change_tags(session: Session, task_id: str, tags: Any, *, mode: str) -> list[str]:
    """`mode` is `set` (replace), `add` (union) or `remove`; returns the task's tags."""
    tags = _check_tags(tags)
    task = get_task_row(session, task_id)
    current = set(_tags_of(session, [task_id])[task_id])
    if mode == "set":
        wanted = set(tags)
    elif mode == "add":
        wanted = current | set(tags)
    else:
        wanted = current - set(tags)
    if len(wanted) > MAX_TAGS:
        raise InvalidRequest(f"a task has at most {MAX_TAGS} tags")
    if current - wanted:
        session.execute(
            delete(TaskTag).where(TaskTag.task_id == task_id, TaskTag.tag.in_(current - wanted))
        )
    if wanted - current:
        session.execute(
            insert(TaskTag), [{"task_id": task_id, "tag": t} for t in sorted(wanted - current)]
        )
    task.updated_at = utcnow()
    session.commit()
    return sorted(wanted)


def set_priority(session: Session, task_id: str, priority: int) -> None:
    if isinstance(priority, bool) or not isinstance(priority, int) or abs(priority) > 1_000_000:
        raise InvalidRequest("priority must be an integer in -1000000..1000000")
    task = get_task_row(session, task_id)
    task.priority = priority
    task.updated_at = utcnow()
    session.commit()


def set_unique_id(session: Session, task_id: str, unique_id: Any) -> None:
    """Give the task a new `unique_id` (409 if another task has it), or clear it with None."""
    if unique_id is not None and (problem := check_unique_id(unique_id)):
        raise InvalidRequest(f"unique_id {problem}")
    task = get_task_row(session, task_id)
    task.unique_id = unique_id
    task.updated_at = utcnow()
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        raise Conflict(f"unique_id {unique_id!r} is already used by another task") from None
