"""Creating tasks, one or a hundred thousand at a time: the bulk-import hot path.

All records are validated before anything is written, so a bad record (or a `unique_id`
already taken) imports nothing. Rows go in with Core executemany in chunks, in one transaction.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from quorum import tasktypes
from quorum.db.bulk import insert_rows
from quorum.db.models import Base, GoldAnswer, Project, Task, TaskTag, utcnow
from quorum.db.search import search_text
from quorum.db.statuses import BatchStatus, TaskStatus
from quorum.services.errors import Conflict, InvalidRequest
from quorum.services.ids import new_ids
from quorum.services.projects.catalog import current_params, get_project
from quorum.services.projects.policy import policy_of
from quorum.services.tasks import batches as batch_service
from quorum.services.tasks.records import ParsedRecord, RecordError, parse_records
from quorum.tasktypes.base import FieldError

CHUNK = 5000


class RecordsInvalid(InvalidRequest):
    """Some records are bad; `record_errors` says which (0-based index), where and why."""

    def __init__(self, record_errors: list[RecordError], describe: Callable[[int], str]) -> None:
        self.record_errors = record_errors
        first = record_errors[0]
        more = f" (and {len(record_errors) - 1} more)" if len(record_errors) > 1 else ""
        where = (
            f"{describe(first.index)}, field {first.field}"
            if first.field
            else describe(first.index)
        )
        super().__init__(
            f"{where}: {first.msg}{more}; nothing was imported",
            errors=[FieldError(f"{describe(e.index)}.{e.field}", e.msg) for e in record_errors],
        )


class DuplicateUniqueIds(Conflict):
    def __init__(self, taken: list[str]) -> None:
        self.taken = taken
        shown = ", ".join(repr(u) for u in taken[:5])
        more = f" and {len(taken) - 5} more" if len(taken) > 5 else ""
        super().__init__(f"unique_id already used: {shown}{more}; nothing was imported")


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause the cycle collector: 100k fresh dicts would set off full collections that find
    nothing (records hold no cycles) and cost more than the validation itself."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _record_label(index: int) -> str:
    return f"record {index + 1}"


def create_tasks(
    session: Session,
    project: str,
    records: Sequence[Any],
    *,
    batch: str | None = None,
    created_by: int | None = None,
    describe: Callable[[int], str] = _record_label,
    progress: Callable[[int], None] | None = None,
    changes: Sequence[list[Any] | None] | None = None,
) -> list[str]:
    """Validate and insert `records` into `project`; returns the new task ids in order.

    `describe(index)` names a record in error messages (a line of a file, an array item);
    `changes[index]`, what an import changed in the record (`quorum.formats.cleaning`).
    """
    with paused_gc():
        return _create_tasks(
            session, project, records, batch, created_by, describe, progress, changes
        )


def _create_tasks(
    session: Session,
    project: str,
    records: Sequence[Any],
    batch: str | None,
    created_by: int | None,
    describe: Callable[[int], str],
    progress: Callable[[int], None] | None,
    changes: Sequence[list[Any] | None] | None,
) -> list[str]:
    proj = get_project(session, project)
    if proj.archived:
        raise Conflict(f"project {project!r} is archived: unarchive it to add tasks")
    task_type = tasktypes.get(proj.task_type)
    version = current_params(session, proj.id)
    project_id, version_no, defaults = proj.id, version.version, version.params
    # End the read transaction before validating: on SQLite a writer's lock would otherwise be
    # held (and every other writer kept waiting) for the whole validation.
    session.commit()
    while True:
        parsed, errors = parse_records(task_type, defaults, list(records))
        if errors:
            raise RecordsInvalid(errors, describe)
        if not parsed:
            raise InvalidRequest("no task records given")
        current = current_params(session, project_id)  # the write transaction starts here
        if current.version == version_no:
            break
        version_no, defaults = current.version, current.params  # params changed meanwhile
        session.commit()
    batches_by_name, staging, ranks = _resolve_batches(session, project_id, parsed, batch)
    fixed = _Fixed(
        project_id=project_id,
        param_version=version_no,
        batch_ids=batches_by_name,
        default_batch_id=batches_by_name.get(batch) if batch else None,
        staging=staging,
        ranks=ranks,
        needed=policy_of(session.get_one(Project, project_id)).min_overlap,
        created_by=created_by,
        now=utcnow(),
    )
    ids = new_ids(len(parsed))
    try:
        for start in range(0, len(parsed), CHUNK):
            end = start + CHUNK
            chunk_changes = changes[start:end] if changes is not None else [None] * CHUNK
            _insert_chunk(session, parsed[start:end], ids[start:end], chunk_changes, fixed)
            if progress is not None:
                progress(min(start + CHUNK, len(parsed)))
        session.commit()
    except IntegrityError:  # the unique index is the check: name the ids that clashed
        session.rollback()
        _raise_taken_unique_ids(session, parsed)
        raise
    return ids


def _resolve_batches(
    session: Session, project_id: int, parsed: list[ParsedRecord], default: str | None
) -> tuple[dict[str, int], set[int], dict[int | None, int]]:
    """Batch ids by name, which are in staging (their tasks wait for the finalize), and the
    queue rank of each batch's tasks (their batch's Studio place)."""
    names = {r.batch for r in parsed if r.batch is not None}
    if default is not None:
        names.add(default)
    found = {n: batch_service.batch_for_new_tasks(session, n, project_id) for n in names}
    staging = {b.id for b in found.values() if b.status == BatchStatus.staging}
    ordered = (
        batch_service.ordered_count(session)
        if any(b.studio_priority is not None for b in found.values())
        else 0
    )
    ranks: dict[int | None, int] = {None: 0}
    for b in found.values():
        ranks[b.id] = batch_service.queue_rank(b.studio_priority, ordered)
    return {n: b.id for n, b in found.items()}, staging, ranks


def taken_unique_ids(session: Session, uids: Sequence[str]) -> list[str]:
    """Which of `uids` a stored task already has, sorted."""
    taken: list[str] = []
    for start in range(0, len(uids), 500):
        chunk = uids[start : start + 500]
        taken.extend(session.scalars(select(Task.unique_id).where(Task.unique_id.in_(chunk))))
    return sorted(t for t in taken if t is not None)


def _raise_taken_unique_ids(session: Session, parsed: list[ParsedRecord]) -> None:
    taken = taken_unique_ids(session, [r.unique_id for r in parsed if r.unique_id is not None])
    if taken:
        raise DuplicateUniqueIds(taken)


@dataclass(frozen=True, slots=True)
class _Fixed:
    """Values shared by every row of one import."""

    project_id: int
    param_version: int
    batch_ids: dict[str, int]
    default_batch_id: int | None
    staging: set[int]
    ranks: dict[int | None, int]
    needed: int
    created_by: int | None
    now: Any


TASK_COLUMNS = (
    "id", "project_id", "batch_id", "status", "params", "param_version", "instruction",
    "unique_id", "metadata", "priority", "callback_url", "is_gold", "created_by", "created_at",
    "updated_at", "needed", "held", "batch_priority", "search_text", "import_changes",
)  # fmt: skip


def _insert_chunk(
    session: Session,
    parsed: list[ParsedRecord],
    ids: list[str],
    changes: Sequence[list[Any] | None],
    fixed: _Fixed,
) -> None:
    rows = []
    tags: list[tuple[str, str]] = []
    gold = []
    for task_id, r, changed in zip(ids, parsed, changes, strict=False):
        batch_id = fixed.batch_ids[r.batch] if r.batch else fixed.default_batch_id
        rows.append((
            task_id, fixed.project_id, batch_id, TaskStatus.pending, r.params, fixed.param_version,
            r.instruction, r.unique_id, r.metadata, r.priority, r.callback_url,
            r.expected_response is not None, fixed.created_by, fixed.now, fixed.now,
            fixed.needed, batch_id in fixed.staging, fixed.ranks[batch_id], search_text(r.params),
            changed or None,
        ))  # fmt: skip
        if r.tags:
            tags.extend((task_id, t) for t in r.tags)
        if r.expected_response is not None:
            gold.append((task_id, r.expected_response))
    tables = Base.metadata.tables
    insert_rows(session, tables[Task.__tablename__], TASK_COLUMNS, rows)
    insert_rows(session, tables[TaskTag.__tablename__], ("task_id", "tag"), tags)
    insert_rows(session, tables[GoldAnswer.__tablename__], ("task_id", "expected_response"), gold)
