"""The task lifecycle: the one place a task's status changes.

    pending ──complete──► completed ──reopen──► pending   (rejected in review, or a manager)
    pending ──cancel────► canceled ──reopen───► pending   (a manager)
    completed ──fail────► error ──reopen──────► pending   (rejected past the limit; a manager)

Each transition sets the status and its timestamps. Completing and failing queue the
requester's callback event (quorum.services.callbacks.outbox); canceling and reopening queue
none. Whenever a task ends (completed, canceled, error), its batch completes if no open task is
left, which queues the batch's callback. Callers commit.

A batch completes once. A rejection in review does not reopen it: the batch callback has gone
out and the requester may have acted on it, so a completed batch stays completed (tasks still
cannot be added to it) and its callback is never sent twice. What changed is told per task: a
reopened task is back in the queue (its batch's status counts show it pending) and calls back
`completed` again when it is answered; one failed past the limit calls back `audited`.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from quorum.db import hot, loop
from quorum.db.models import Batch, Task, utcnow
from quorum.db.statuses import BatchStatus, ReviewStatus, TaskStatus
from quorum.services.callbacks import outbox
from quorum.services.errors import InvalidRequest

# Statuses that keep a task's batch open.
OPEN = (TaskStatus.pending,)


def complete(
    session: Session,
    task_id: str,
    response: dict[str, Any],
    confidence: float,
    *,
    low: bool,
    review: bool,
    batch_id: int | None,
    callback_url: str | None,
) -> None:
    """pending -> completed with its consensus response; `review` sends it to the review
    queue. The caller has the task's batch and callback URL at hand (the annotator loop reads
    them with the task), so completing costs no lookup."""
    conn = session.connection()  # one statement on the driver's cursor: the loop's hot path
    loop.COMPLETE.run(conn, {
        "tid": task_id, "response": hot.json_param(conn, response),
        "confidence": round(confidence, 6), "low": low,
        "review": ReviewStatus.pending if review else None,
        "now": hot.time_param(conn, utcnow()),
    })  # fmt: skip
    outbox.enqueue_task_event(session, task_id, "completed", callback_url)
    _check_batch(session, batch_id)


def send_to_review(session: Session, task_id: str) -> None:
    """Put a completed task in its project's review queue (caller commits); its status and
    response stay as they are until a reviewer decides."""
    conn = session.connection()
    loop.TO_REVIEW.run(conn, {
        "tid": task_id, "review": ReviewStatus.pending, "now": hot.time_param(conn, utcnow()),
    })  # fmt: skip


def cancel(session: Session, task: Task) -> None:
    """pending -> canceled (no callback: the requester asked for it)."""
    if task.status != TaskStatus.pending:
        raise InvalidRequest(f"task {task.id} is {task.status}; only pending tasks can be canceled")
    task.status = TaskStatus.canceled
    task.updated_at = utcnow()
    session.flush()
    _check_batch(session, task.batch_id)


def fail(session: Session, task: Task, *, event: str = "error") -> None:
    """completed -> error, keeping the last response for the record. `event` is what the
    requester is told: review, whose verdict this is, says `audited` as for every verdict."""
    task.status = TaskStatus.error
    task.updated_at = utcnow()
    session.flush()
    outbox.enqueue_task_callback(session, task.id, event)
    _check_batch(session, task.batch_id)


# Statuses a task can be reopened from.
REOPENABLE = (TaskStatus.completed, TaskStatus.canceled, TaskStatus.error)


def reopen(session: Session, task: Task) -> None:
    """completed, failed or canceled -> pending, its response dropped, handed out for one more
    answer (a canceled one for the answers it was still waiting for, at least one). Its batch
    stays as it is (see above); no callback until it completes again."""
    if task.status not in REOPENABLE:
        raise InvalidRequest(
            f"task {task.id} is {task.status}; only {', '.join(REOPENABLE)} tasks can be reopened"
        )
    waiting = task.needed if task.status == TaskStatus.canceled else 0
    task.status = TaskStatus.pending
    task.response = task.confidence = task.completed_at = None
    task.needed = max(waiting, task.answered + 1)
    task.updated_at = utcnow()


def _check_batch(session: Session, batch_id: int | None) -> None:
    if batch_id is not None:
        complete_done_batches(session, [batch_id])


def complete_done_batches(session: Session, batch_ids: list[int]) -> list[int]:
    """Mark finalized batches with no open task left as completed and queue their callbacks
    (caller commits); returns the ids of the batches completed now."""
    if not batch_ids:
        return []
    # Gold tasks stay open to score every annotator; they never hold a batch back.
    open_task = (
        select(Task.id)
        .where(Task.batch_id == Batch.id, Task.status.in_(OPEN), ~Task.is_gold)
        .exists()
    )
    any_task = select(Task.id).where(Task.batch_id == Batch.id, ~Task.is_gold).exists()
    completed = list(
        session.scalars(
            update(Batch)
            .where(
                Batch.id.in_(batch_ids),
                Batch.status == BatchStatus.in_progress,
                any_task,
                ~open_task,
            )
            .values(status=BatchStatus.completed, completed_at=utcnow())
            .returning(Batch.id)
            .execution_options(synchronize_session="fetch")
        )
    )
    for batch_id in completed:
        outbox.enqueue_batch_callback(session, batch_id)
    return completed
