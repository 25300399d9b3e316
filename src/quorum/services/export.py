"""Exporting a project's tasks with their annotations, in constant memory.

Three result streams, each ordered by task id (tasks; annotations; tags), are merged in one
pass, so memory does not grow with the number of tasks and no query runs per task.
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import groupby
from operator import itemgetter
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from quorum.db.models import Annotation, Batch, Task, TaskTag, User
from quorum.formats.exporters import exporter_for
from quorum.services.errors import InvalidRequest
from quorum.services.projects import get_project

STREAM_ROWS = 2000


def _grouped(rows: Any) -> Iterator[tuple[str, list[Any]]]:
    for task_id, group in groupby(rows, key=itemgetter(0)):
        yield task_id, list(group)


def _stream(session: Session, query: Any) -> Any:
    return session.execute(
        query, execution_options={"stream_results": True, "yield_per": STREAM_ROWS}
    )


def iter_export(session: Session, project: str, *, status: str | None = None) -> Iterator[dict]:
    """Every task of `project` (optionally of one status) as an export dict, oldest first."""
    proj = get_project(session, project)
    where = [Task.project_id == proj.id]
    if status is not None:
        where.append(Task.status == status)
    tasks = _stream(
        session,
        select(
            Task.id,
            Task.unique_id,
            Batch.name,
            Task.status,
            Task.params,
            Task.metadata_,
            Task.response,
            Task.confidence,
            Task.is_gold,
            Task.created_at,
            Task.completed_at,
        )
        .outerjoin(Batch, Batch.id == Task.batch_id)
        .where(*where)
        .order_by(Task.id),
    )
    annotations = _grouped(
        _stream(
            session,
            select(
                Annotation.task_id,
                User.name,
                Annotation.response,
                Annotation.time_spent_s,
                Annotation.created_at,
            )
            .join(Task, Task.id == Annotation.task_id)
            .join(User, User.id == Annotation.user_id)
            .where(*where)
            .order_by(Annotation.task_id, Annotation.id),
        )
    )
    tags = _grouped(
        _stream(
            session,
            select(TaskTag.task_id, TaskTag.tag)
            .join(Task, Task.id == TaskTag.task_id)
            .where(*where)
            .order_by(TaskTag.task_id, TaskTag.tag),
        )
    )
    next_ann = next(annotations, None)
    next_tags = next(tags, None)
    for row in tasks:
        task_id = row[0]
        task_annotations: list[Any] = []
        while next_ann is not None and next_ann[0] <= task_id:
            if next_ann[0] == task_id:
                task_annotations = next_ann[1]
            next_ann = next(annotations, None)
        task_tags: list[Any] = []
        while next_tags is not None and next_tags[0] <= task_id:
            if next_tags[0] == task_id:
                task_tags = next_tags[1]
            next_tags = next(tags, None)
        yield {
            "task_id": task_id,
            "unique_id": row[1],
            "batch": row[2],
            "status": row[3],
            "params": row[4],
            "metadata": row[5],
            "tags": [t[1] for t in task_tags],
            "response": row[6],
            "confidence": row[7],
            "is_gold": row[8],
            "created_at": row[9],
            "completed_at": row[10],
            "annotations": [
                {"annotator": a[1], "response": a[2], "time_spent_s": a[3], "created_at": a[4]}
                for a in task_annotations
            ],
        }


def export_chunks(
    session: Session, project: str, fmt: str = "jsonl", *, status: str | None = None
) -> tuple[Iterator[bytes], str]:
    """The encoded export of `project` as an iterator of byte chunks, and its media type."""
    try:
        encode, media_type = exporter_for(fmt)
    except ValueError as exc:
        raise InvalidRequest(str(exc)) from None
    get_project(session, project)  # fail before the first byte is sent
    return encode(iter_export(session, project, status=status)), media_type
