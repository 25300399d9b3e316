"""Picking the next task for an annotator: the one dialect-specific read of the queue.

Both databases walk the partial index `ix_tasks_queue` in hand-out order (the Studio order of
the task's batch, the task's priority, the active-learning score, oldest first) and stop at the
first task that still wants answers, that this annotator has never been given and whose batch,
if routed to groups, is routed to one of theirs; gold is handed out training tasks first. On
PostgreSQL the row is locked with `FOR UPDATE SKIP LOCKED`, so concurrent claimers take
different tasks without waiting; on SQLite the caller's write transaction (BEGIN IMMEDIATE)
already serialises claimers.
"""

from __future__ import annotations

from sqlalchemy import Connection

from quorum.db.hot import SQL
from quorum.db.models import QUEUE_PREDICATE

_NOT_SEEN = (
    "NOT EXISTS (SELECT 1 FROM assignments WHERE assignments.task_id = tasks.id"
    " AND assignments.user_id = :user)"
)


# Batches of the project routed to groups the annotator is in none of: computed once per claim
# (an uncorrelated subquery), empty at the cost of one index probe for a project with no groups.
_CLOSED_BATCHES = """
SELECT bg.batch_id FROM batch_groups bg JOIN project_groups g ON g.id = bg.group_id
WHERE g.project_id = :project
EXCEPT
SELECT bg.batch_id FROM project_group_members m JOIN batch_groups bg ON bg.group_id = m.group_id
WHERE m.user_id = :user AND m.project_id = :project"""


def _claim(sql: str) -> SQL:
    return SQL(sql, postgresql=sql + " FOR UPDATE SKIP LOCKED")


_NEXT_TASK = _claim(f"""
SELECT id FROM tasks
WHERE project_id = :project AND {QUEUE_PREDICATE}
  AND answered + active < needed AND {_NOT_SEEN}
  AND (batch_id IS NULL OR batch_id NOT IN ({_CLOSED_BATCHES}))
ORDER BY batch_priority DESC, priority DESC, al_score DESC, id
LIMIT 1""")

# Gold tasks with this tag (Scale's training tasks) are served before other gold, oldest first,
# so that a new annotator's qualification is the training set whatever order it was created in.
TRAINING_TAG = "training"

# A project's pending gold is small (its qualification and spot checks), so ranking all of it is
# cheap: the tag test is one probe of task_tags' primary key (task_id, tag) per gold task, and
# needs no extra column or index on the tasks table.
_NEXT_GOLD = _claim(f"""
SELECT id FROM tasks
WHERE project_id = :project AND status = 'pending' AND is_gold AND NOT held AND {_NOT_SEEN}
ORDER BY NOT EXISTS (SELECT 1 FROM task_tags WHERE task_tags.task_id = tasks.id
                     AND task_tags.tag = :training), id
LIMIT 1""")


def next_task_id(conn: Connection, project_id: int, user_id: int, *, gold: bool) -> str | None:
    """Id of the task to hand to `user_id` next (locked on PostgreSQL), or None."""
    if gold:
        params = {"project": project_id, "user": user_id, "training": TRAINING_TAG}
        row = _NEXT_GOLD.run(conn, params).fetchone()
    else:
        row = _NEXT_TASK.run(conn, {"project": project_id, "user": user_id}).fetchone()
    return None if row is None else row[0]
