"""Picking the next task for an annotator: the one dialect-specific read of the queue.

Both databases walk the partial index `ix_tasks_queue` in hand-out order (priority, then the
active-learning score, then oldest first) and stop at the first task that still wants answers
and that this annotator has never been given. On PostgreSQL the row is locked with
`FOR UPDATE SKIP LOCKED`, so concurrent claimers take different tasks without waiting; on
SQLite the caller's write transaction (BEGIN IMMEDIATE) already serialises claimers.
"""

from __future__ import annotations

from sqlalchemy import Connection

from quorum.db.hot import SQL
from quorum.db.models import QUEUE_PREDICATE

_NOT_SEEN = (
    "NOT EXISTS (SELECT 1 FROM assignments WHERE assignments.task_id = tasks.id"
    " AND assignments.user_id = :user)"
)


def _claim(sql: str) -> SQL:
    return SQL(sql, postgresql=sql + " FOR UPDATE SKIP LOCKED")


_NEXT_TASK = _claim(f"""
SELECT id FROM tasks
WHERE project_id = :project AND {QUEUE_PREDICATE}
  AND answered + active < needed AND {_NOT_SEEN}
ORDER BY priority DESC, al_score DESC, id
LIMIT 1""")

_NEXT_GOLD = _claim(f"""
SELECT id FROM tasks
WHERE project_id = :project AND status = 'pending' AND is_gold AND NOT held AND {_NOT_SEEN}
ORDER BY id
LIMIT 1""")


def next_task_id(conn: Connection, project_id: int, user_id: int, *, gold: bool) -> str | None:
    """Id of the task to hand to `user_id` next (locked on PostgreSQL), or None."""
    sql = _NEXT_GOLD if gold else _NEXT_TASK
    row = sql.run(conn, {"project": project_id, "user": user_id}).fetchone()
    return None if row is None else row[0]
