"""Reading tasks: get, list with filters and cursor, count (changes: quorum.services.tasks.edits).

List and count queries select summary columns only; params and responses are read when tasks
are fetched whole (one, or a page of them in a batch), gold answers only for one task.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from quorum.db.models import Annotation, Audit, Batch, GoldAnswer, Project, Task, TaskTag, User
from quorum.db.search import contains_text
from quorum.db.statuses import TaskStatus
from quorum.services.errors import InvalidRequest, NotFound
from quorum.services.tasks.ordering import DEFAULT_SORT, order_for

MAX_PAGE = 1000


@dataclass
class TaskFilter:
    """Filters of the task listing; every given one must hold (tags: all of them)."""

    project: str | None = None
    batch: str | None = None
    status: str | None = None
    tags: list[str] = field(default_factory=list)
    unique_ids: list[str] = field(default_factory=list)
    created_after: dt.datetime | None = None
    created_before: dt.datetime | None = None
    completed_after: dt.datetime | None = None
    completed_before: dt.datetime | None = None
    updated_after: dt.datetime | None = None
    updated_before: dt.datetime | None = None
    is_gold: bool | None = None
    task_type: str | None = None
    review_statuses: list[str] = field(default_factory=list)
    confidence_min: float | None = None
    confidence_max: float | None = None
    # Disagreement is 1 - confidence: at least `disagreement_min` means confidence at most 1 - it.
    disagreement_min: float | None = None
    # Tasks this user answered (a user name).
    annotator: str | None = None
    # Words in the values of the task's params (its data, keys left out), case-insensitive.
    text: str | None = None


def to_utc_naive(value: dt.datetime | None) -> dt.datetime | None:
    """Stored datetimes are naive UTC; convert an aware one, take a naive one as UTC."""
    if value is None or value.tzinfo is None:
        return value
    return value.astimezone(dt.UTC).replace(tzinfo=None)


SUMMARY_COLUMNS = (
    Task.id,
    Task.status,
    Task.unique_id,
    Task.metadata_,
    Task.priority,
    Task.is_gold,
    Task.confidence,
    Task.callback_url,
    Task.created_at,
    Task.updated_at,
    Task.completed_at,
    Project.name.label("project"),
    Project.task_type.label("type"),
    Batch.name.label("batch"),
)


def _base_query(columns: Any) -> Select:
    return (
        select(*columns)
        .join(Project, Project.id == Task.project_id)
        .outerjoin(Batch, Batch.id == Task.batch_id)
    )


def _apply(session: Session, query: Select, f: TaskFilter) -> Select:
    if f.project is not None:
        project_id = session.scalar(select(Project.id).where(Project.name == f.project))
        if project_id is None:
            raise NotFound(f"no project named {f.project!r}")
        query = query.where(Task.project_id == project_id)
    if f.batch is not None:
        batch_id = session.scalar(select(Batch.id).where(Batch.name == f.batch))
        if batch_id is None:
            raise NotFound(f"no batch named {f.batch!r}")
        query = query.where(Task.batch_id == batch_id)
    if f.status is not None:
        if f.status not in tuple(TaskStatus):
            raise InvalidRequest(f"status must be one of {', '.join(TaskStatus)}")
        query = query.where(Task.status == f.status)
    for tag in f.tags:
        query = query.where(
            select(TaskTag.task_id).where(TaskTag.task_id == Task.id, TaskTag.tag == tag).exists()
        )
    if f.unique_ids:
        query = query.where(Task.unique_id.in_(f.unique_ids))
    bounds = (
        (Task.created_at, f.created_after, f.created_before),
        (Task.completed_at, f.completed_after, f.completed_before),
        (Task.updated_at, f.updated_after, f.updated_before),
    )
    for column, after, before in bounds:
        if after is not None:
            query = query.where(column >= to_utc_naive(after))
        if before is not None:
            query = query.where(column < to_utc_naive(before))
    if f.is_gold is not None:
        query = query.where(Task.is_gold == f.is_gold)
    if f.task_type is not None:
        query = query.where(
            Task.project_id.in_(select(Project.id).where(Project.task_type == f.task_type))
        )
    if f.review_statuses:
        query = query.where(Task.review_status.in_(f.review_statuses))
    return _apply_answers(session, query, f)


def _apply_answers(session: Session, query: Select, f: TaskFilter) -> Select:
    """The filters on what a task's answers made of it: confidence, annotator, its data."""
    highest = f.confidence_max
    if f.disagreement_min is not None:
        highest = min(1 - f.disagreement_min, 1.0 if highest is None else highest)
    if f.confidence_min is not None:
        query = query.where(Task.confidence >= f.confidence_min)
    if highest is not None:
        query = query.where(Task.confidence <= highest)
    if f.annotator is not None:
        user_id = session.scalar(select(User.id).where(User.name == f.annotator))
        if user_id is None:
            raise NotFound(f"no user named {f.annotator!r}")
        answered = select(Annotation.task_id).where(Annotation.user_id == user_id)
        query = query.where(Task.id.in_(answered))
    if f.text:
        query = query.where(contains_text(f.text))
    return query


def _tags_of(session: Session, task_ids: list[str]) -> dict[str, list[str]]:
    tags: dict[str, list[str]] = {t: [] for t in task_ids}
    if task_ids:
        rows = session.execute(
            select(TaskTag.task_id, TaskTag.tag)
            .where(TaskTag.task_id.in_(task_ids))
            .order_by(TaskTag.task_id, TaskTag.tag)
        )
        for task_id, tag in rows:
            tags[task_id].append(tag)
    return tags


def _summary(row: Any, tags: list[str]) -> dict:
    return {
        "task_id": row.id,
        "project": row.project,
        "batch": row.batch,
        "type": row.type,
        "status": row.status,
        "unique_id": row.unique_id,
        "metadata": row.metadata_,
        "tags": tags,
        "priority": row.priority,
        "is_gold": row.is_gold,
        "confidence": row.confidence,
        "callback_url": row.callback_url,
        "created_at": row.created_at,
        "updated_at": row.updated_at,
        "completed_at": row.completed_at,
    }


def list_tasks(
    session: Session,
    f: TaskFilter,
    *,
    limit: int = 100,
    cursor: str | None = None,
    sort: str = DEFAULT_SORT,
) -> dict:
    """A page of task summaries in the order `sort` names (quorum.services.tasks.ordering;
    newest first by default) and the cursor of the next page (or None)."""
    if not 1 <= limit <= MAX_PAGE:
        raise InvalidRequest(f"limit must be between 1 and {MAX_PAGE}")
    order = order_for(sort)
    if (
        f.confidence_min is not None
        and f.confidence_max is not None
        and f.confidence_min > f.confidence_max
    ):
        raise InvalidRequest("confidence_min must not be above confidence_max")
    query = order.apply(_apply(session, _base_query(SUMMARY_COLUMNS), f), cursor)
    rows = session.execute(query.limit(limit + 1)).all()
    has_more = len(rows) > limit
    rows = rows[:limit]
    tags = _tags_of(session, [r.id for r in rows])
    return {
        "docs": [_summary(r, tags[r.id]) for r in rows],
        "limit": limit,
        "has_more": has_more,
        "next_cursor": order.cursor_of(rows[-1]) if has_more else None,
    }


def count_tasks(session: Session, f: TaskFilter) -> int:
    query = _apply(session, select(func.count()).select_from(Task), f)
    return session.scalar(query) or 0


def get_task_row(session: Session, task_id: str) -> Task:
    task = session.get(Task, task_id)
    if task is None:
        raise NotFound(f"no task with id {task_id!r}")
    return task


def task_view(session: Session, task_id: str, *, with_gold: bool = False) -> dict:
    """The whole task: params, response, tags and its annotations; gold only if asked."""
    views = task_views(session, [task_id])
    if not views:
        raise NotFound(f"no task with id {task_id!r}")
    [view] = views
    if with_gold and view["is_gold"]:
        view["expected_response"] = session.scalar(
            select(GoldAnswer.expected_response).where(GoldAnswer.task_id == task_id)
        )
    return view


_DETAIL_COLUMNS = (
    *SUMMARY_COLUMNS,
    Task.params,
    Task.response,
    Task.instruction,
    Task.param_version,
    Task.callback_succeeded,
    Task.low_confidence,
    Task.review_status,
)


def task_views(
    session: Session, task_ids: list[str], *, with_annotations: bool = True
) -> list[dict]:
    """Whole tasks (as `task_view`, never gold answers) in the order of `task_ids`, skipping
    unknown ids: one query each for the tasks, their tags, audits and annotations, so a page
    of views costs the same few round trips as one. Scale's face leaves annotations out: its
    task object never shows individual answers, and they are the largest payload."""
    if not task_ids:
        return []
    rows = {
        r.id: r for r in session.execute(_base_query(_DETAIL_COLUMNS).where(Task.id.in_(task_ids)))
    }
    found = [t for t in task_ids if t in rows]
    tags = _tags_of(session, found)
    audits = _audits_of(session, found)
    annotations = _annotations_of(session, found) if with_annotations else {}
    views = []
    for task_id in found:
        row = rows[task_id]
        view = _summary(row, tags[task_id])
        view.update(
            params=row.params,
            response=row.response,
            instruction=row.instruction,
            param_version=row.param_version,
            callback_succeeded=row.callback_succeeded,
            low_confidence=row.low_confidence,
            review_status=row.review_status,
            audits=audits[task_id],
        )
        if with_annotations:
            view["annotations"] = annotations[task_id]
        views.append(view)
    return views


def _annotations_of(session: Session, task_ids: list[str]) -> dict[str, list[dict]]:
    found: dict[str, list[dict]] = {t: [] for t in task_ids}
    rows = session.execute(
        select(
            Annotation.task_id,
            User.name,
            Annotation.response,
            Annotation.time_spent_s,
            Annotation.created_at,
        )
        .join(User, User.id == Annotation.user_id)
        .where(Annotation.task_id.in_(task_ids))
        .order_by(Annotation.task_id, Annotation.id)
    )
    for task_id, name, response, time_spent_s, created_at in rows:
        found[task_id].append(
            {
                "annotator": name,
                "response": response,
                "time_spent_s": time_spent_s,
                "created_at": created_at,
            }
        )
    return found


def audits_of(session: Session, task_id: str) -> list[dict]:
    """The task's review and audit history, oldest first."""
    return _audits_of(session, [task_id])[task_id]


def _audits_of(session: Session, task_ids: list[str]) -> dict[str, list[dict]]:
    found: dict[str, list[dict]] = {t: [] for t in task_ids}
    rows = session.execute(
        select(Audit, User.name)
        .outerjoin(User, User.id == Audit.user_id)
        .where(Audit.task_id.in_(task_ids))
        .order_by(Audit.task_id, Audit.id)
    )
    for a, name in rows:
        found[a.task_id].append(
            {
                "audited_by": name,
                "audit_source": a.source,
                "audit_result": a.result,
                "comment": a.comment,
                "audited_at": a.created_at,
            }
        )
    return found
