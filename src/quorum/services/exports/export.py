"""Exporting a project's tasks with their annotations, in constant memory.

Three result streams, each ordered by task id (tasks; annotations; tags), are merged in one
pass, so memory does not grow with the number of tasks and no query runs per task. JSON and
timestamp columns are read as text and passed through untouched (`orjson.Fragment`): decoding
and re-encoding them was most of the cost of an export.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from itertools import groupby
from operator import itemgetter
from typing import Any

import orjson
from sqlalchemy import Text, cast, func, or_, select
from sqlalchemy.orm import Session

from quorum import tasktypes
from quorum.db.models import Annotation, Batch, Project, Task, TaskTag, User
from quorum.db.stream import stream_rows
from quorum.formats.exporters import ExportContext, Exporter, exporter_for
from quorum.services.errors import InvalidRequest
from quorum.services.projects.catalog import current_params, get_project


def _text(column: Any) -> Any:
    return cast(column, Text)


def _json(value: str | None) -> orjson.Fragment | None:
    return None if value is None else orjson.Fragment(value)


def _iso(value: str | None) -> str | None:
    """A stored UTC timestamp (`2026-01-02 03:04:05.678`) as ISO 8601 with a `Z`."""
    return None if value is None else value.replace(" ", "T", 1) + "Z"


# Each field of an exported task read from its row: the column, and what a value other than
# None is passed on as.
_COLUMNS: dict[str, tuple[Any, Callable[[Any], Any] | None]] = {
    "task_id": (Task.id, None),
    "unique_id": (Task.unique_id, None),
    "batch": (Batch.name, None),
    "status": (Task.status, None),
    "params": (_text(Task.params), orjson.Fragment),
    "metadata": (_text(Task.metadata_), orjson.Fragment),
    "response": (_text(Task.response), orjson.Fragment),
    "confidence": (Task.confidence, None),
    "is_gold": (Task.is_gold, bool),
    "created_at": (_text(Task.created_at), _iso),
    "completed_at": (_text(Task.completed_at), _iso),
    "import_changes": (_text(Task.import_changes), orjson.Fragment),
}
_ROW = tuple(_COLUMNS)  # the full export's row, in this order


def _grouped(rows: Any) -> Iterator[tuple[str, list[Any]]]:
    for task_id, group in groupby(rows, key=itemgetter(0)):
        yield task_id, list(group)


@dataclass(frozen=True, slots=True)
class Selection:
    """Which tasks an export carries. With `min_confidence`, only tasks whose label is at
    least that confident; `below` turns it round (the rest, unlabelled ones included), so the
    tasks left out of one export can be written to a file of their own."""

    status: str | None = None
    min_confidence: float | None = None
    below: bool = False

    def __post_init__(self) -> None:
        if self.min_confidence is not None and not 0 <= self.min_confidence <= 1:
            raise InvalidRequest("min_confidence must be between 0 and 1")
        if self.below and self.min_confidence is None:
            raise InvalidRequest("below needs min_confidence: the tasks below which confidence?")

    def where(self) -> list[Any]:
        clauses: list[Any] = []
        if self.status is not None:
            clauses.append(Task.status == self.status)
        if self.min_confidence is not None:
            sure = Task.confidence >= self.min_confidence
            clauses.append(or_(Task.confidence.is_(None), ~sure) if self.below else sure)
        return clauses


def count(session: Session, project: str, selection: Selection = Selection()) -> int:
    """How many tasks of `project` an export with `selection` carries."""
    proj = get_project(session, project)
    where = [Task.project_id == proj.id, *selection.where()]
    return session.scalar(select(func.count()).select_from(Task).where(*where)) or 0


def _counted(tasks: Iterable[dict], progress: Callable[[int], None]) -> Iterator[dict]:
    """`tasks`, telling `progress` how many have passed every 1,000 and at the end."""
    done = 0
    for done, task in enumerate(tasks, 1):  # noqa: B007 (`done` is read after the loop)
        if done % 1000 == 0:
            progress(done)
        yield task
    progress(done)


def _task_fields(session: Session, where: list[Any], fields: tuple[str, ...]) -> Iterator[dict]:
    """Only `fields` of each task, read from its row alone: no answers, no tags."""
    converted = [
        (i, name, convert) for i, name in enumerate(fields) if (convert := _COLUMNS[name][1])
    ]
    query = select(*(_COLUMNS[name][0] for name in fields))
    if "batch" in fields:
        query = query.outerjoin(Batch, Batch.id == Task.batch_id)
    rows = stream_rows(session, query.where(*where).order_by(Task.id))
    for row in rows:
        task = dict(zip(fields, row, strict=True))
        for i, name, convert in converted:
            if (value := row[i]) is not None:
                task[name] = convert(value)
        yield task


def iter_export(
    session: Session,
    project: str,
    selection: Selection = Selection(),
    fields: tuple[str, ...] | None = None,
) -> Iterator[dict]:
    """Every task of `project` that `selection` takes, as an export dict, oldest first; with
    `fields` (of the task's row, not `tags` or `annotations`), only those, by a leaner query."""
    proj = get_project(session, project)
    where = [Task.project_id == proj.id, *selection.where()]
    if fields is not None:
        yield from _task_fields(session, where, fields)
        return
    tasks = stream_rows(
        session,
        select(*(_COLUMNS[name][0] for name in _ROW))
        .outerjoin(Batch, Batch.id == Task.batch_id)
        .where(*where)
        .order_by(Task.id),
    )
    annotations = _grouped(
        stream_rows(
            session,
            select(
                Annotation.task_id,
                User.name,
                _text(Annotation.response),
                Annotation.time_spent_s,
                _text(Annotation.created_at),
            )
            .join(Task, Task.id == Annotation.task_id)
            .join(User, User.id == Annotation.user_id)
            .where(*where)
            .order_by(Task.id, Annotation.id),
        )
    )
    tags = _grouped(
        stream_rows(
            session,
            select(TaskTag.task_id, TaskTag.tag)
            .join(Task, Task.id == TaskTag.task_id)
            .where(*where)
            .order_by(Task.id, TaskTag.tag),
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
            "params": _json(row[4]),
            "metadata": _json(row[5]),
            "tags": [t[1] for t in task_tags],
            "response": _json(row[6]),
            "confidence": row[7],
            "is_gold": bool(row[8]),
            "created_at": _iso(row[9]),
            "completed_at": _iso(row[10]),
            "import_changes": _json(row[11]),
            "annotations": [
                {
                    "annotator": a[1],
                    "response": _json(a[2]),
                    "time_spent_s": a[3],
                    "created_at": _iso(a[4]),
                }
                for a in task_annotations
            ],
        }


def exporter_of(project: Project, fmt: str) -> Exporter:
    """The exporter of format `fmt`, if `project`'s type exports as it (else InvalidRequest)."""
    try:
        return exporter_for(fmt, tasktypes.get(project.task_type))
    except ValueError as exc:
        raise InvalidRequest(str(exc)) from None


def export_chunks(
    session: Session,
    project: str,
    fmt: str = "jsonl",
    selection: Selection = Selection(),
    *,
    progress: Callable[[int], None] | None = None,
) -> tuple[Iterator[bytes], Exporter]:
    """The encoded export of `project` as an iterator of byte chunks, and its exporter;
    `progress`, if given, hears how many tasks have been encoded so far."""
    proj = get_project(session, project)  # fail before the first byte is sent
    exporter = exporter_of(proj, fmt)
    ctx = ExportContext(proj.name, proj.task_type, dict(current_params(session, proj.id).params))
    tasks: Iterable[dict] = iter_export(session, project, selection, exporter.fields)
    if progress is not None:
        tasks = _counted(tasks, progress)
    try:
        # An encoder may refuse before the first byte (the spacy export without spaCy).
        return exporter.encode(tasks, ctx), exporter
    except ValueError as exc:
        raise InvalidRequest(str(exc)) from None
