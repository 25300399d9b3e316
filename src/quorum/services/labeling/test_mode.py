"""Test keys: tasks a test key creates complete at once with a machine response, as in Scale's
test mode, so a requester can try an integration end to end without annotators."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from quorum import tasktypes
from quorum.db.models import TASK_CALLBACK_URL, Batch, Project, Task
from quorum.db.statuses import TaskStatus
from quorum.services.tasks import lifecycle


def complete_by_machine(session: Session, task_ids: list[str]) -> None:
    """Complete the given pending, non-gold tasks with their type's machine response and queue
    their callbacks, in one transaction (gold tasks stay: they exist to test annotators; test
    tasks go to no reviewer)."""
    rows = session.execute(
        select(Task.id, Task.params, Task.batch_id, Project.task_type,
               TASK_CALLBACK_URL.label("callback_url"))
        .join(Project, Project.id == Task.project_id)
        .outerjoin(Batch, Batch.id == Task.batch_id)
        .where(Task.id.in_(task_ids), Task.status == TaskStatus.pending, ~Task.is_gold)
    ).all()  # fmt: skip
    for row in rows:
        task_type = tasktypes.get(row.task_type)
        if task_type.machine_response is None:
            continue
        lifecycle.complete(
            session, row.id, task_type.machine_response(row.params), 1.0, low=False,
            review=False, batch_id=row.batch_id, callback_url=row.callback_url,
        )  # fmt: skip
    session.commit()
