"""Picking the next task for an annotator: the one dialect-specific read of the queue.

Both databases walk the partial index `ix_tasks_queue` in hand-out order (priority, then the
active-learning score, then oldest first) and stop at the first task that still wants answers
and that this annotator has never been given. On PostgreSQL the row is locked with
`FOR UPDATE SKIP LOCKED`, so concurrent claimers take different tasks without waiting; on
SQLite the caller's write transaction (BEGIN IMMEDIATE) already serialises claimers.
"""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.orm import Session

from quorum.db.models import QUEUE_PREDICATE

_NOT_SEEN = (
    "NOT EXISTS (SELECT 1 FROM assignments WHERE assignments.task_id = tasks.id"
    " AND assignments.user_id = :user)"
)

_NEXT_TASK = f"""
SELECT id FROM tasks
WHERE project_id = :project AND {QUEUE_PREDICATE}
  AND answered + active < needed AND {_NOT_SEEN}
ORDER BY priority DESC, al_score DESC, id
LIMIT 1"""

_NEXT_GOLD = f"""
SELECT id FROM tasks
WHERE project_id = :project AND status = 'pending' AND is_gold AND NOT held AND {_NOT_SEEN}
ORDER BY id
LIMIT 1"""


def next_task_id(session: Session, project_id: int, user_id: int, *, gold: bool) -> str | None:
    """Id of the task to hand to `user_id` next (locked on PostgreSQL), or None."""
    sql = _NEXT_GOLD if gold else _NEXT_TASK
    if session.get_bind().dialect.name == "postgresql":
        sql += " FOR UPDATE SKIP LOCKED"
    return session.execute(text(sql), {"project": project_id, "user": user_id}).scalar()
